#!/usr/bin/env python3
"""Regenerate specs/QUIRKS.md from the specs' x-doc-quirk notes."""

from apiconform.quirks import QUIRKS_PATH, render

QUIRKS_PATH.write_text(render(), encoding="utf-8")
print(f"wrote {QUIRKS_PATH}")
