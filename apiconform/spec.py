"""Loading OpenAPI documents from disk, with errors a user can act on."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from apiconform.errors import SpecError

Document = dict[str, Any]
# libyaml's loader parses the 10k-line Mend spec ~8x faster than the pure-Python one; both are safe loaders.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_document(path: Path) -> Document:
    """Parse a YAML/JSON OpenAPI document; SpecError (one line) when it is missing or not a mapping."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise SpecError(f"{path}: spec file not found; check the path or run from the repository root") from None
    return _load_cached(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _load_cached(path: Path, _mtime_ns: int, _size: int) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read spec ({exc}); make it a readable UTF-8 file") from None
    return parse_document(text, str(path))


def parse_document(text: str, source: str) -> Document:
    """Parse spec text (from a file, or from git for `diff REV:path`); SpecError naming `source` when it is not
    an OpenAPI 3.x mapping."""
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise SpecError(f"{source}: spec does not parse{where}: {problem}; fix the YAML syntax there") from None
    if not isinstance(data, dict):
        raise SpecError(
            f"{source}: spec is not a mapping (got {type(data).__name__}); an OpenAPI document is a mapping"
        )
    version = str(data.get("openapi", ""))
    if not version.startswith("3."):
        raise SpecError(f"{source}: 'openapi' is {version or 'missing'}; apiconform reads OpenAPI 3.x documents")
    return data


def resolve_pointer(document: Document, pointer: str) -> Any:
    """The node at a JSON pointer ('#/components/...' or '/components/...'); KeyError when absent."""
    node: Any = document
    for raw in pointer.lstrip("#").strip("/").split("/") if pointer.strip("#/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(pointer)
    return node


def escape_pointer_part(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")
