"""oneOf/anyOf branches matched by identity, never by position: discriminator value, then `$ref` name, then
(for inline branches) a `const` property, title or type signature. A matched pair is compared like any two
schemas; an unmatched branch is a branch removed or added, and a discriminator value that now maps to another
schema is reported as such (and the two targets are compared)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apiconform.diff.nodes import (
    At,
    Node,
    canonical,
    child,
    flatten,
    mapping,
    same_content,
    show_types,
    text,
    types_of,
)
from apiconform.spec import Document

if TYPE_CHECKING:
    from apiconform.diff.schemas import SchemaDiff


@dataclass(frozen=True)
class Branch:
    raw: Any
    ptr: str
    kind: str  # oneOf | anyOf
    key: str  # discriminator value, $ref name, const, title or type signature
    ref_name: str | None
    signature: str | None  # inline branches only


def compare_unions(diff: SchemaDiff, old: Node, new: Node, root: str, path: str, omittable: bool) -> None:
    old_branches, new_branches = branches(diff.old_doc, old), branches(diff.new_doc, new)
    if not old_branches and not new_branches:
        return
    at = diff.at(root, path, new.ptr or old.ptr)
    _discriminator(diff, old, new, at)
    if not old_branches or not new_branches:
        return  # a union introduced or dropped: the type comparison has judged it
    pairs, removed, added = match(old_branches, new_branches)
    if not _discriminated(old) and not _discriminated(new):
        # A branch now named differently but saying the same is no change. Not so under a discriminator:
        # there a branch is matched by its value, and one left unmatched changed on the wire (with neither a
        # mapping nor a const, the schema name is the value).
        pairs += _same_content_pairs(diff, removed, added)
    request = diff.direction == "request"
    for branch in removed:
        rule = "request-union-branch-removed" if request else "response-union-branch-removed"
        diff.report(at, rule, f"lost {branch.kind} branch {branch.key}", branch.ptr, "")
    for branch in added:
        rule = "request-union-branch-added" if request else "response-union-branch-added"
        diff.report(at, rule, f"gained {branch.kind} branch {branch.key}", "", branch.ptr)
    for before, after in pairs:
        diff.compare(before.raw, after.raw, before.ptr, after.ptr, root, f"{path}<{after.key}>", omittable=omittable)


def _discriminator(diff: SchemaDiff, old: Node, new: Node, at: At) -> None:
    before, after = old.get("discriminator"), new.get("discriminator")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return
    if before.get("propertyName") != after.get("propertyName"):
        message = f"changed discriminator {before.get('propertyName')} -> {after.get('propertyName')}"
        diff.report(at, "discriminator-property-changed", message, old.at("discriminator"), new.at("discriminator"))
    old_map, new_map = mapping(before.get("mapping")), mapping(after.get("mapping"))
    for value, ref in old_map.items():
        if value not in new_map or new_map[value] == ref:
            continue
        if not same_content(diff.old_doc, {"$ref": ref}, diff.new_doc, {"$ref": new_map[value]}):
            diff.report(
                at,
                "discriminator-mapping-changed",
                f"discriminator value {value} maps to {new_map[value]} (was {ref})",
                child(old.at("discriminator"), "mapping", value),
                child(new.at("discriminator"), "mapping", value),
            )


def _discriminated(node: Node) -> bool:
    return text(mapping(node.get("discriminator")).get("propertyName")) is not None


def _same_content_pairs(diff: SchemaDiff, removed: list[Branch], added: list[Branch]) -> list[tuple[Branch, Branch]]:
    """Pairs an unmatched old branch with an unmatched new one of the same content; both lists shrink."""
    pairs = []
    for before in list(removed):
        after = next((b for b in added if same_content(diff.old_doc, before.raw, diff.new_doc, b.raw)), None)
        if after is not None:
            pairs.append((before, after))
            removed.remove(before)
            added.remove(after)
    return pairs


def branches(document: Document, node: Node) -> list[Branch]:
    discriminator = mapping(node.get("discriminator"))
    prop = text(discriminator.get("propertyName"))
    inverse: dict[str, str] = {}
    for value, ref in mapping(discriminator.get("mapping")).items():
        if isinstance(ref, str):
            inverse.setdefault(ref, str(value))
    found: list[Branch] = []
    seen: dict[str, int] = {}
    for kind in ("oneOf", "anyOf"):
        members = node.get(kind)
        if not isinstance(members, list):
            continue
        for index, raw in enumerate(members):
            ref = raw.get("$ref") if isinstance(raw, dict) and isinstance(raw.get("$ref"), str) else None
            ref_name = ref.rsplit("/", 1)[-1] if ref else None
            resolved = flatten(document, raw, "")
            key = _key(document, resolved, prop, inverse.get(ref or ""), ref_name)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key = f"{key}#{seen[key]}"
            signature = None if ref else f"type:{show_types(types_of(document, resolved))}"
            found.append(Branch(raw, child(node.at(kind), index), kind, key, ref_name, signature))
    return found


def _key(document: Document, resolved: Node, prop: str | None, mapped: str | None, ref_name: str | None) -> str:
    if prop:
        if mapped is not None:
            return f"{prop}={mapped}"
        value = _const_of(document, resolved, prop)
        if value is not None:
            return f"{prop}={value}"
        if ref_name:
            return f"{prop}={ref_name}"  # implicit mapping: the schema name is the value
    if ref_name:
        return ref_name
    for name in resolved.props:
        value = _const_of(document, resolved, name)
        if value is not None:
            return f"{name}={value}"
    title = resolved.get("title")
    if isinstance(title, str) and title:
        return title
    return f"type:{show_types(types_of(document, resolved))}"


def _const_of(document: Document, resolved: Node, name: str) -> str | None:
    if name not in resolved.props:
        return None
    sub = flatten(document, resolved.props[name][0], "")
    if sub.has("const"):
        value = sub.get("const")
    elif isinstance(sub.get("enum"), list) and len(sub.get("enum")) == 1:
        value = sub.get("enum")[0]
    else:
        return None
    return value if isinstance(value, str) else canonical(value)


def match(old: list[Branch], new: list[Branch]) -> tuple[list[tuple[Branch, Branch]], list[Branch], list[Branch]]:
    """Pairs by key, then by $ref name, then inline branches by type signature; the rest removed / added."""
    pairs: list[tuple[Branch, Branch]] = []
    old_left, new_left = list(old), list(new)
    keys: list[Callable[[Branch], str | None]] = [lambda b: b.key, lambda b: b.ref_name, lambda b: b.signature]
    for key_of in keys:
        for before in list(old_left):
            key = key_of(before)
            if key is None:
                continue
            after = next((b for b in new_left if key_of(b) == key), None)
            if after is not None:
                pairs.append((before, after))
                old_left.remove(before)
                new_left.remove(after)
    pairs.sort(key=lambda pair: old.index(pair[0]))
    return pairs, old_left, new_left
