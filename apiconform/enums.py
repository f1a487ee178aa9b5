"""Enum values where a contract documents them: in a body (which values an answer carries, and where), and in a
schema (which fields a response documents an enum for, with what values).

A field is named the way people speak of it: by the component it belongs to (`Alert.level`, `Job.status`,
`Alert.library.licenses[].riskLevel`), or, for a schema written inline in an operation, by its place in the
body (`body.status`). One naming for the run's checks, the enum coverage and the proxy, so their values line up.
Every depth counts: nested objects, arrays, `$ref`s, `allOf`, and the `anyOf`/`oneOf` branches the body fits.

Some values the documents give without closing the list ("Library type, e.g. MAVEN_ARTIFACT", or only as the
values a filter takes). A spec records them as `x-known-values` on a string: such a field is an open enum. Its values
count toward the enum coverage and one never documented anywhere is reported as drift, but it fails no check
(`EnumSite.closed` is False): a closed list would invent a rule the documents do not make.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from apiconform.spec import Document, resolve_pointer

_SCHEMAS = "#/components/schemas/"
MAX_DEPTH = 40
_SCALARS = ("string", "integer", "number", "boolean")
MAX_ITEMS = 50  # array items looked at per array: enough to see every value a page carries
KNOWN_VALUES = "x-known-values"  # an open enum: values the documents name without closing the list

Fits = Callable[[dict[str, Any], Any], bool]  # does `body` validate against `schema`?


@dataclass(frozen=True)
class EnumSite:
    where: str  # the value's place in this body: alerts[].level
    field: str  # the schema's name for it: Alert.level
    value: str
    allowed: tuple[Any, ...]
    closed: bool = True  # False for an open enum (`x-known-values`): a value outside it is drift, not a failure


def _follow(document: Document, node: Any, field: str) -> tuple[Any, str]:
    """The schema a `$ref` chain ends at, and the field's name: a structure is named by its component
    (`Alert`), a value keeps the property path that reached it (`Job.status`, not its enum's own component)."""
    component = ""
    hops = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 32:
        ref = node["$ref"]
        if ref.startswith(_SCHEMAS):
            component = ref[len(_SCHEMAS) :]
        node = resolve_pointer(document, ref)
        hops += 1
    structured = isinstance(node, dict) and (
        any(k in node for k in ("properties", "items"))
        or node.get("type") in ("object", "array")
        # a union of scalars (a documented list or a pattern) is still a value, named by its field
        or (any(k in node for k in ("allOf", "anyOf", "oneOf")) and node.get("type") not in _SCALARS)
    )
    if component and (structured or field == "body"):
        field = component
    return node, field


def enum_sites(
    document: Document, schema: Any, body: Any, *, fits: Fits | None = None, where: str = "", field: str = "body"
) -> Iterator[EnumSite]:
    """Every string in `body` that sits where `schema` documents an enum."""
    yield from _sites(document, schema, body, fits, where, field, 0)


def _sites(
    document: Document, schema: Any, body: Any, fits: Fits | None, where: str, field: str, depth: int
) -> Iterator[EnumSite]:
    if not _holds_enum(document, schema):
        return  # most of a large answer (a library's hashes, dates, names) documents no enum: not walked at all
    schema, field = _follow(document, schema, field)
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return
    if isinstance(schema.get("enum"), list) and isinstance(body, str):
        yield EnumSite(where or "(body)", field, body, tuple(schema["enum"]))
        return
    if isinstance(schema.get(KNOWN_VALUES), list) and isinstance(body, str):
        yield EnumSite(where or "(body)", field, body, tuple(schema[KNOWN_VALUES]), closed=False)
        return
    for sub in schema.get("allOf", []):
        yield from _sites(document, sub, body, fits, where, field, depth + 1)
    for key in ("anyOf", "oneOf"):
        yield from _union_sites(document, schema.get(key, []), body, fits, where, field, depth)
    if isinstance(body, dict):
        for name, sub in (schema.get("properties") or {}).items():
            if name in body:
                yield from _sites(document, sub, body[name], fits, _join(where, name), f"{field}.{name}", depth + 1)
    elif isinstance(body, list) and isinstance(schema.get("items"), dict):
        for item in body[:MAX_ITEMS]:
            yield from _sites(document, schema["items"], item, fits, f"{where}[]", f"{field}[]", depth + 1)


# id(schema node) -> (the node, whether an enum sits anywhere below it). The node is kept so its id stays its own;
# documents live as long as the process (their contracts are cached), so this never grows past their nodes.
_HOLDS_ENUM: dict[int, tuple[Any, bool]] = {}


def _holds_enum(document: Document, schema: Any, visiting: frozenset[int] = frozenset()) -> bool:
    """Whether `schema` documents an enum at any depth (behind refs, in any branch, item or property)."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        # a reference is judged by its target (a `{"$ref"}` made per call is not kept: it would pile up)
        return _holds_enum(document, resolve_pointer(document, schema["$ref"]), visiting)
    known = _HOLDS_ENUM.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    if id(schema) in visiting or len(visiting) > MAX_DEPTH:
        return False  # a recursive schema: its enums, if any, are found on the way in
    inner = visiting | {id(schema)}
    node = schema
    if not isinstance(node, dict):
        found = False
    else:
        children = [
            *node.get("allOf", []),
            *node.get("anyOf", []),
            *node.get("oneOf", []),
            *(node.get("properties") or {}).values(),
            *([node["items"]] if isinstance(node.get("items"), dict) else []),
            *([node["additionalProperties"]] if isinstance(node.get("additionalProperties"), dict) else []),
        ]
        listed = isinstance(node.get("enum"), list) or isinstance(node.get(KNOWN_VALUES), list)
        found = listed or any(_holds_enum(document, c, inner) for c in children)
    if not visiting or found:  # a False found inside a cycle may only be partial: keep only what is certain
        _HOLDS_ENUM[id(schema)] = (schema, found)
    return found


def _union_sites(
    document: Document, branches: list[Any], body: Any, fits: Fits | None, where: str, field: str, depth: int
) -> Iterator[EnumSite]:
    fitting = [sub for sub in branches if fits is None or fits(sub, body)]
    # A branch the body does not fit documents nothing about it: its enum would be judged wrongly.
    for sub in fitting:
        yield from _sites(document, sub, body, fits, where, field, depth + 1)
    if branches and not fitting:
        # Nothing fits (a renamed value fits no branch): a value is undocumented only where no branch lists it.
        merged: dict[tuple[str, str], EnumSite] = {}
        for sub in branches:
            for site in _sites(document, sub, body, fits, where, field, depth + 1):
                prior = merged.get((site.where, site.value))
                allowed = site.allowed if prior is None else prior.allowed + site.allowed
                merged[(site.where, site.value)] = EnumSite(site.where, (prior or site).field, site.value, allowed)
        yield from merged.values()


def enum_fields(
    document: Document, schema: Any, field: str = "body", *, lists: tuple[str, ...] = ("enum", KNOWN_VALUES)
) -> dict[str, tuple[Any, ...]]:
    """Every field a schema documents an enum for (at any depth), with its values: what an answer may carry.
    `lists=("enum",)`: closed enums only; `(KNOWN_VALUES,)`: open ones only."""
    found: dict[str, tuple[Any, ...]] = {}
    _fields(document, schema, field, found, set(), 0, lists)
    return found


def _fields(
    document: Document,
    schema: Any,
    field: str,
    found: dict[str, tuple[Any, ...]],
    refs: set[str],
    depth: int,
    lists: tuple[str, ...],
) -> None:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str):
        if ref in refs:
            return  # a recursive schema: its fields are already listed
        refs = refs | {ref}
    schema, field = _follow(document, schema, field)
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return
    for key in lists:
        if isinstance(schema.get(key), list) and any(isinstance(v, str) for v in schema[key]):
            found[field] = tuple(dict.fromkeys([*found.get(field, ()), *schema[key]]))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, []):
            _fields(document, sub, field, found, refs, depth + 1, lists)
    for name, sub in (schema.get("properties") or {}).items():
        _fields(document, sub, f"{field}.{name}", found, refs, depth + 1, lists)
    if isinstance(schema.get("items"), dict):
        _fields(document, schema["items"], f"{field}[]", found, refs, depth + 1, lists)


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def response_enum_values(document: Document) -> set[str]:
    """Every string enum value a documented JSON success answer of `document` may carry, at any depth (closed
    enums: renaming a value of an open one fails nothing)."""
    values: set[str] = set()
    for item in (document.get("paths") or {}).values():
        for operation in item.values() if isinstance(item, dict) else ():
            responses = operation.get("responses") if isinstance(operation, dict) else None
            for status, response in (responses or {}).items():
                content = response.get("content") if str(status).startswith("2") else None
                for media, entry in (content or {}).items():
                    if "json" in media and isinstance(entry.get("schema"), dict):
                        for found in enum_fields(document, entry["schema"], lists=("enum",)).values():
                            values.update(v for v in found if isinstance(v, str))
    return values
