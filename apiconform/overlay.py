"""OpenAPI Overlay 1.0 documents: the observed contract is the documented spec plus one overlay per surface.

`specs/overlays/<surface>.observed.yaml` holds `actions`, each a `target` (an RFC 9535 JSONPath into the spec)
with `update` (merged in) or `remove: true`, and the evidence it rests on (`x-evidence: [MEND-OBS-001, ...]`, ids
of `specs/evidence/<surface>.yaml`). Merging follows the Overlay specification: an object target receives the
update's properties (objects merged recursively, other values replaced); an array target has the update appended.
An action whose target selects nothing is an error: an overlay that silently does nothing would let the observed
contract drift away from what it claims.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath
import yaml

from apiconform.errors import SpecError
from apiconform.spec import Document, escape_pointer_part

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Action:
    index: int
    target: str
    update: Any
    remove: bool
    evidence: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Overlay:
    source: str
    extends: str
    actions: tuple[Action, ...]

    @property
    def evidence(self) -> frozenset[str]:
        return frozenset(e for action in self.actions for e in action.evidence)


def load_overlay(path: Path) -> Overlay:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except OSError as exc:
        raise SpecError(f"{path}: cannot read overlay ({exc.strerror}); check the path") from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: overlay does not parse ({exc}); fix the YAML") from None
    return parse_overlay(data, str(path))


def parse_overlay(data: Any, source: str) -> Overlay:
    if not isinstance(data, dict) or not str(data.get("overlay", "")).startswith("1.0"):
        raise SpecError(f"{source}: not an OpenAPI Overlay 1.0 document (its `overlay:` must be 1.0.x)")
    raw_actions = data.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        raise SpecError(f"{source}: an overlay needs a non-empty `actions` list")
    actions = []
    for index, raw in enumerate(raw_actions):
        where = f"{source}: actions[{index}]"
        if not isinstance(raw, dict) or not str(raw.get("target", "")).startswith("$"):
            raise SpecError(f"{where}: needs a `target` JSONPath starting with $")
        if ("update" in raw) == bool(raw.get("remove")):
            raise SpecError(f"{where}: give exactly one of `update` and `remove: true`")
        evidence = raw.get("x-evidence") or []
        if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
            raise SpecError(f"{where}: `x-evidence` must be a list of evidence ids")
        actions.append(
            Action(
                index,
                str(raw["target"]),
                raw.get("update"),
                bool(raw.get("remove")),
                tuple(evidence),
                str(raw.get("description", "")),
            )
        )
    return Overlay(source, str(data.get("extends", "")), tuple(actions))


def apply_overlay(
    document: Document, overlay: Overlay, *, strict: bool = True
) -> tuple[Document, dict[int, list[str]]]:
    """A copy of `document` with every action applied in order, and the JSON pointers each action touched. Not
    `strict` (another version of the spec, as `diff` compares): an action that selects nothing is skipped."""
    doc = copy.deepcopy(document)
    touched: dict[int, list[str]] = {}
    for action in overlay.actions:
        try:
            matches = list(jsonpath.finditer(action.target, doc))
        except jsonpath.JSONPathError as exc:
            raise SpecError(f"{overlay.source}: actions[{action.index}]: bad target {action.target!r}: {exc}") from None
        if not matches and not strict:
            continue
        if not matches:
            raise SpecError(
                f"{overlay.source}: actions[{action.index}] target {action.target!r} selects nothing in the spec; "
                "fix the target (the spec may have changed)"
            )
        touched[action.index] = ["".join(f"/{escape_pointer_part(p)}" for p in m.parts) for m in matches]
        # Removing by index from the end keeps the other matched indexes valid.
        for match in sorted(matches, key=lambda m: [str(p) for p in m.parts], reverse=True):
            _apply(doc, list(match.parts), action)
    return doc, touched


def _apply(doc: Document, parts: list[Any], action: Action) -> None:
    parent: Any = doc
    for part in parts[:-1]:
        parent = parent[part]
    key = parts[-1] if parts else None
    if action.remove:
        if key is None:
            raise SpecError("an overlay cannot remove the whole document")
        del parent[key]
        return
    node = parent[key] if key is not None else doc
    merged = _merge(node, copy.deepcopy(action.update))
    if key is None:
        doc.clear()
        doc.update(merged)
    else:
        parent[key] = merged


def _merge(node: Any, update: Any) -> Any:
    if isinstance(node, list):
        return [*node, *(update if isinstance(update, list) else [update])]
    if isinstance(node, dict) and isinstance(update, dict):
        out = dict(node)
        for name, value in update.items():
            out[name] = _merge(out[name], value) if isinstance(out.get(name), dict) else value
        return out
    return update
