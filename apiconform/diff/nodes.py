"""Schema views for the diff: `$ref`s followed and `allOf` merged, each keyword remembering where it came from.

Comparing two schemas keyword by keyword needs one effective schema per side, whether the keyword sits on the
schema itself, behind a `$ref` or in an `allOf` member; every finding points at the node that holds it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from apiconform.spec import Document, escape_pointer_part, resolve_pointer

MAX_REF_HOPS = 32
MAX_TYPE_DEPTH = 8


def child(pointer: str, *parts: str | int) -> str:
    """`pointer` extended by escaped parts; stays "" when the parent is absent."""
    if not pointer:
        return ""
    return pointer + "".join("/" + escape_pointer_part(part) for part in parts)


def mapping(value: Any) -> dict[str, Any]:
    """`value` when it is a mapping, else empty: a malformed spec degrades to "nothing here", never a crash."""
    return value if isinstance(value, dict) else {}


def sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def place(root: str, path: str) -> str:
    """'request body field a.b[]' / 'query parameter limit': where a change is, for messages."""
    return f"{root} field {path}" if path else root


@dataclass(frozen=True)
class At:
    """Where a change is: `where` in the operation ('response 200 field items[].status'), `about` in the spec's
    shared schemas ('Status', 'Job.note'; None when the schema is not one of components/schemas)."""

    where: str
    about: str | None

    def member(self, name: str) -> str | None:
        return f"{self.about}.{name}" if self.about else None


_SCHEMAS = "/components/schemas/"


def subject(pointer: str) -> str | None:
    """`Alert.type` for /components/schemas/Alert/properties/type: a schema node named as a reader of the spec
    finds it (`[]` items, `{*}` additionalProperties, allOf members merged); None outside components/schemas."""
    if not pointer.startswith(_SCHEMAS):
        return None
    name, *parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[len(_SCHEMAS) :].split("/")]
    found, index = name, 0
    while index < len(parts):
        part, following = parts[index], parts[index + 1] if index + 1 < len(parts) else None
        if part in ("properties", "patternProperties") and following is not None:
            found, index = f"{found}.{following}", index + 2
        elif part == "items":
            found, index = f"{found}[]", index + 1
        elif part == "additionalProperties":
            found, index = f"{found}{{*}}", index + 1
        elif part == "allOf" and following is not None:
            index += 2  # allOf members are merged into the schema that holds them
        elif part in ("oneOf", "anyOf", "prefixItems") and following is not None:
            found, index = f"{found}.{part}[{following}]", index + 2
        else:
            return None
    return found


def deref(document: Document, raw: Any, pointer: str) -> tuple[Any, str]:
    """Follow local `$ref`s (the whole node must be a reference); external or broken refs stay as they are."""
    hops = 0
    while isinstance(raw, dict) and isinstance(raw.get("$ref"), str) and hops < MAX_REF_HOPS:
        ref: str = raw["$ref"]
        if not ref.startswith("#"):
            break
        try:
            raw, pointer = resolve_pointer(document, ref), ref[1:] or "/"
        except (KeyError, IndexError, ValueError):
            break
        hops += 1
    return raw, pointer


@dataclass
class Node:
    """One side's effective schema."""

    ptr: str
    schema: dict[str, Any] = field(default_factory=dict)  # merged keywords (not properties/required/allOf)
    origin: dict[str, str] = field(default_factory=dict)  # keyword -> pointer of the schema holding it
    props: dict[str, tuple[Any, str]] = field(default_factory=dict)  # name -> (raw subschema, pointer)
    required: dict[str, str] = field(default_factory=dict)  # name -> pointer of its `required` entry

    def at(self, keyword: str) -> str:
        """Pointer to `keyword` (or to the schema when the keyword is not set)."""
        return f"{self.origin[keyword]}/{keyword}" if self.origin.get(keyword) else self.ptr

    def get(self, keyword: str, default: Any = None) -> Any:
        return self.schema.get(keyword, default)

    def has(self, keyword: str) -> bool:
        return keyword in self.schema


def flatten(document: Document, raw: Any, pointer: str) -> Node:
    node = Node(pointer)
    _merge(document, raw, pointer, node, set(), top=True)
    return node


def _merge(document: Document, raw: Any, pointer: str, node: Node, seen: set[str], *, top: bool) -> None:
    if not isinstance(raw, dict):
        return  # boolean schema `true`: no constraint to compare
    if isinstance(raw.get("$ref"), str):
        target, target_ptr = deref(document, {"$ref": raw["$ref"]}, pointer)
        if target_ptr not in seen:
            seen.add(target_ptr)
            if top and not node.origin and not node.props:
                node.ptr = target_ptr if pointer else ""
            _merge(document, target, target_ptr if pointer else "", node, seen, top=top)
        raw = {k: v for k, v in raw.items() if k != "$ref"}
    for key, value in raw.items():
        _keyword(node, key, value, pointer)
    for index, member in enumerate(sequence(raw.get("allOf"))):
        _merge(document, member, child(pointer, "allOf", index), node, seen, top=False)


def _keyword(node: Node, key: str, value: Any, pointer: str) -> None:
    if key == "allOf":
        return
    if key == "properties" and isinstance(value, dict):
        for name, sub in value.items():
            node.props.setdefault(name, (sub, child(pointer, "properties", name)))
    elif key == "required" and isinstance(value, list):
        for index, name in enumerate(value):
            if isinstance(name, str):
                node.required.setdefault(name, child(pointer, "required", index))
    elif key not in node.schema:
        node.schema[key] = value
        node.origin[key] = pointer


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def types_of(document: Document, node: Node, depth: int = 0) -> frozenset[str]:
    """The JSON types a schema admits; empty means any (no constraint found)."""
    declared = node.get("type")
    found: set[str]
    if isinstance(declared, str):
        found = {declared}
    elif isinstance(declared, list):
        found = {t for t in declared if isinstance(t, str)}
    elif node.has("const"):
        found = {json_type(node.get("const"))}
    elif isinstance(node.get("enum"), list) and node.get("enum"):
        found = {json_type(v) for v in node.get("enum")}
    elif (node.get("oneOf") or node.get("anyOf")) and depth < MAX_TYPE_DEPTH:
        found = set()
        for branch in node.get("oneOf") or node.get("anyOf"):
            branch_types = types_of(document, flatten(document, branch, ""), depth + 1)
            if not branch_types:
                return frozenset()
            found |= branch_types
    elif node.props or node.required or node.has("additionalProperties"):
        found = {"object"}
    elif node.has("items"):
        found = {"array"}
    else:
        found = set()
    if node.get("nullable") is True and found:
        found.add("null")
    return frozenset(found)


def covers(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Every type in `narrow` is admitted by `wide` (a number admits an integer)."""
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def show_types(types: frozenset[str]) -> str:
    return "|".join(sorted(types)) if types else "any"


def enum_values(node: Node) -> tuple[list[Any], str] | None:
    """(allowed values, keyword) from `enum`, or `const` as a one-value enum; None when unrestricted."""
    if isinstance(node.get("enum"), list):
        return list(node.get("enum")), "enum"
    if node.has("const"):
        return [node.get("const")], "const"
    return None


def is_closed(value: Any) -> str:
    """additionalProperties as `open`, `closed` or `schema`."""
    if value is False:
        return "closed"
    if isinstance(value, dict) and value:
        return "schema"
    return "open"


# Documentation only: a schema renamed and re-described still accepts and produces the same values.
_ANNOTATIONS = frozenset(
    ("title", "description", "example", "examples", "externalDocs", "$comment", "x-doc-source", "x-doc-quirk")
)
_SUBSCHEMA = frozenset(
    ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
     "unevaluatedItems", "unevaluatedProperties", "additionalItems")
)  # fmt: skip
_SUBSCHEMA_LISTS = frozenset(("allOf", "anyOf", "oneOf", "prefixItems"))
_SUBSCHEMA_MAPS = frozenset(("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"))
_UNORDERED = frozenset(("required", "enum", "type"))  # lists whose order carries no meaning


def same_content(old_doc: Document, old_raw: Any, new_doc: Document, new_raw: Any) -> bool:
    """Whether two schemas say the same once local `$ref`s are followed, whatever the schemas are named
    (documentation keywords aside). Recursive schemas compare by structure: a pair of references already
    under comparison is assumed equal, so cycles end and a schema shared many times is compared once."""
    assumed: set[tuple[str, str]] = set()

    def schema(old: Any, new: Any) -> bool:
        old, new = _undocumented(old), _undocumented(new)
        old_is_ref, new_is_ref = _is_ref(old), _is_ref(new)
        if old_is_ref or new_is_ref:
            old_target, old_ptr = deref(old_doc, old, "") if old_is_ref else (old, "")
            new_target, new_ptr = deref(new_doc, new, "") if new_is_ref else (new, "")
            if _is_ref(old_target) or _is_ref(new_target):  # external or broken: only the text can tell
                return canonical(old_target) == canonical(new_target)
            if old_ptr and new_ptr:
                if (old_ptr, new_ptr) in assumed:
                    return True
                assumed.add((old_ptr, new_ptr))
            return schema(old_target, new_target)
        if not isinstance(old, dict) or not isinstance(new, dict):
            return canonical(old) == canonical(new)  # boolean schemas
        return set(old) == set(new) and all(keyword(k, old[k], new[k]) for k in old)

    def ref_text(old: Any, new: Any) -> bool:
        """A local reference written as a string (discriminator mapping, x-response-schema)."""
        if isinstance(old, str) and isinstance(new, str):
            return schema({"$ref": old}, {"$ref": new})
        return canonical(old) == canonical(new)

    def keyword(key: str, old: Any, new: Any) -> bool:
        if key in _SUBSCHEMA:
            return schema(old, new)
        if key in _SUBSCHEMA_LISTS and isinstance(old, list) and isinstance(new, list):
            return len(old) == len(new) and all(schema(a, b) for a, b in zip(old, new, strict=True))
        if key in _SUBSCHEMA_MAPS and isinstance(old, dict) and isinstance(new, dict):
            return set(old) == set(new) and all(schema(old[name], new[name]) for name in old)
        if key in _UNORDERED and isinstance(old, list) and isinstance(new, list):
            return sorted(map(canonical, old)) == sorted(map(canonical, new))
        if key == "discriminator" and isinstance(old, dict) and isinstance(new, dict):
            old_map, new_map = mapping(old.get("mapping")), mapping(new.get("mapping"))
            rest = canonical({k: v for k, v in old.items() if k != "mapping"})
            return (
                rest == canonical({k: v for k, v in new.items() if k != "mapping"})
                and set(old_map) == set(new_map)
                and all(ref_text(old_map[value], new_map[value]) for value in old_map)
            )
        if key == "x-response-schema":  # apiconform.rpc: a variant's answer
            return ref_text(old, new)
        return canonical(old) == canonical(new)  # data: default, const, pattern, bounds, extensions

    return schema(old_raw, new_raw)


def _undocumented(value: Any) -> Any:
    return {k: v for k, v in value.items() if k not in _ANNOTATIONS} if isinstance(value, dict) else value


def _is_ref(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("$ref"), str) and len(value) == 1
