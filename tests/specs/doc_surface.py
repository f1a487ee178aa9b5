"""Extracts the documented surface straight from the vendor documents, independently of the specs.

Deliberately crude text scraping: it must not share code or assumptions with the specs it checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from apiconform.surfaces import DOCS_DIR

_METHOD = r"(GET|POST|PUT|DELETE|PATCH)"


@dataclass(frozen=True)
class Bound:
    document: str
    parameter: str
    minimum: int | None
    maximum: int | None


def doc_text(name: str) -> str:
    return (DOCS_DIR / name).read_text(encoding="utf-8")


def normalise_path(path: str) -> str:
    """Path params and literal ids (SD Elements' examples use `projects/1/`) compare equal."""
    parts = []
    for seg in path.strip().rstrip("/").split("/"):
        parts.append("{}" if re.fullmatch(r"\{[^}]+\}|\d+", seg) else seg)
    return "/".join(parts) or "/"


def documented_operations(document: str) -> set[tuple[str, str]]:
    """Every `METHOD /path` the document shows: Redoc style `get/jobs`, HTTP request lines, plain lines."""
    text = doc_text(document)
    ops: set[tuple[str, str]] = set()
    for m in re.finditer(rf"^{_METHOD.lower()}(/\S*)$", text, re.M):
        ops.add((m.group(1).upper(), normalise_path(m.group(2))))
    for m in re.finditer(rf"^\**`?{_METHOD} (/\S+?)(?: HTTP/1\.1)?`?\**\s*$", text, re.M):
        ops.add((m.group(1), normalise_path(m.group(2))))
    return ops


def documented_request_types() -> dict[str, set[str]]:
    """requestType names: every `"requestType": "x"` in either Mend document and the enumerated list."""
    found: dict[str, set[str]] = {}
    for name in ("mend-http-api-v1.2.txt", "mend-product-project-api.txt"):
        for m in re.finditer(r'"requestType"\s*:\s*"([A-Za-z]+)"', doc_text(name)):
            found.setdefault(m.group(1), set()).add(f"{name} example")
    lines = doc_text("mend-http-api-v1.2.txt").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "requestType")
    for line in lines[start + 1 :]:
        stripped = line.strip()
        if stripped == "API Format" or stripped.startswith("Request"):
            break
        m = re.fullmatch(r"•\s*([a-z][A-Za-z]+)", stripped)
        if m:
            found.setdefault(m.group(1), set()).add("enumerated list")
    return found


def documented_enums(document: str) -> list[tuple[int, frozenset[str]]]:
    """(line number, value set) for every `Enum:` line and every bulleted `One of the following:` list."""
    lines = doc_text(document).splitlines()
    enums: list[tuple[int, frozenset[str]]] = []
    for i, line in enumerate(lines):
        m = re.match(r"\s*Enum:\s*(.+)$", line)
        if m:
            body = m.group(1).strip()
            values = re.findall(r'"([^"]*)"', body) if body.startswith('"') else [v.strip() for v in body.split(",")]
            enums.append((i + 1, frozenset(v for v in values if v)))
        elif re.search(r"(one of|following|values):\s*$", line, re.I) and "requestType" not in lines[i - 2]:
            # Lists of UPPER_CASE values, bulleted, numbered or bare ("UNKNOWN - either ...", "1. HIGH", "DIFF: ...").
            values = []
            for follow in lines[i + 1 :]:
                item = re.fullmatch(r"\s*(?:•|\d+\.)?\s*([A-Z][A-Z0-9_]+)(?:\s*[-:].*)?", follow)
                if item:
                    values.append(item.group(1))
                elif follow.strip():
                    break
            if values:
                enums.append((i + 1, frozenset(values)))
    return enums


def documented_bounds(document: str) -> list[Bound]:
    """Redoc-style integer bounds: `integer <int32> >= 1` and `integer <int32> [ 0 .. 3650 ]` under a name."""
    lines = doc_text(document).splitlines()
    bounds = []
    for i, line in enumerate(lines):
        m = re.match(r"\s*integer(?: <int\d\d>)?\s+(?:>= (\d+)|\[ (\d+) \.\. (\d+) \])\s*$", line)
        if not m:
            continue
        name = next(p.strip() for p in reversed(lines[:i]) if p.strip() and p.strip() != "required")
        low = m.group(1) or m.group(2)
        bounds.append(Bound(document, name, int(low), int(m.group(3)) if m.group(3) else None))
    return bounds


def all_documents() -> list[Path]:
    return sorted(DOCS_DIR.glob("*"))
