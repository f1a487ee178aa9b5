"""specs/QUIRKS.md, rendered from the `x-doc-quirk` notes in the specs (the notes are the source of truth)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from apiconform.spec import escape_pointer_part, load_document
from apiconform.surfaces import SPECS_DIR, SURFACES


def iter_quirks(node: Any, pointer: str = "") -> Iterator[tuple[str, str, str]]:
    """(id, JSON pointer of the element carrying it, note) for every quirk in a document, in document order."""
    if isinstance(node, dict):
        notes = node.get("x-doc-quirk")
        for quirk in notes if isinstance(notes, list) else [notes] if isinstance(notes, dict) else []:
            yield str(quirk.get("id")), pointer or "/", " ".join(str(quirk.get("note", "")).split())
        for key, value in node.items():
            if key != "x-doc-quirk":
                yield from iter_quirks(value, f"{pointer}/{escape_pointer_part(key)}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_quirks(value, f"{pointer}/{index}")


def render() -> str:
    lines = [
        "# Documentation quirks",
        "",
        "Where the vendor documents contradict themselves (or each other), or are silent where a schema must decide,",
        "the spec accepts what each document shows and records the decision in an `x-doc-quirk` note on the element.",
        "This file lists them all. It is generated: edit the notes in the specs, then run `python scripts/quirks.py`.",
        "",
    ]
    for surface in SURFACES.values():
        quirks = sorted(iter_quirks(load_document(surface.spec_path)), key=lambda q: _sort_key(q[0]))
        lines += [f"## {surface.name} ({len(quirks)} quirks, `specs/{surface.spec_path.name}`)", ""]
        lines += ["| id | where | note |", "|---|---|---|"]
        for quirk_id, pointer, note in quirks:
            escaped = note.replace("|", r"\|")
            lines.append(f"| {quirk_id} | `{pointer}` | {escaped} |")
        lines.append("")
    return "\n".join(lines)


def _sort_key(quirk_id: str) -> tuple[str, int]:
    prefix, _, number = quirk_id.rpartition("-")
    return prefix, int(number) if number.isdigit() else 0


QUIRKS_PATH = SPECS_DIR / "QUIRKS.md"
