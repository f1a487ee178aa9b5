"""specs/QUIRKS.md is the rendering of the specs' x-doc-quirk notes, and every quirk id is unique."""

from __future__ import annotations

from collections import Counter

from apiconform.quirks import QUIRKS_PATH, iter_quirks, render
from apiconform.spec import load_document
from apiconform.surfaces import SURFACES


def test_quirks_md_is_up_to_date() -> None:
    assert QUIRKS_PATH.read_text(encoding="utf-8") == render(), "run `python scripts/quirks.py` and commit QUIRKS.md"


def test_every_quirk_id_is_unique_and_has_a_note() -> None:
    for surface in SURFACES.values():
        quirks = list(iter_quirks(load_document(surface.spec_path)))
        assert quirks, f"{surface.name}: no quirks recorded"
        duplicated = [q for q, n in Counter(q for q, _, _ in quirks).items() if n > 1]
        assert not duplicated, f"{surface.name}: quirk ids used twice: {duplicated}"
        assert all(len(note) > 20 for _, _, note in quirks), f"{surface.name}: a quirk note is empty or too short"
        print(f"{surface.name}: {len(quirks)} quirks")
