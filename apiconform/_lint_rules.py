"""Structural lint rules: `$ref`s, discriminators, operations, `x-` extensions (for apiconform.lint)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from apiconform._lint_walk import Census, deref, lookup_ref, mapping_items, ptr, walk_all
from apiconform.errors import did_you_mean
from apiconform.spec import Document

Found = tuple[str, str]  # (JSON pointer, message)

# x-doc-quirk ids: <PREFIX>-<NN>, the prefix named by the spec (info.x-quirk-prefix; specs/README.md).
_QUIRK_ID = re.compile(r"(?P<prefix>[A-Z]+)-\d{2,}")
_SCHEMAS = "#/components/schemas/"


def ref_problems(document: Document, census: Census) -> Iterator[Found]:
    for pointer, ref in census.refs:
        if not isinstance(ref, str):
            yield pointer, f"$ref must be a string, got {type(ref).__name__}; write '#/components/...'"
        elif not ref.startswith("#/"):
            yield pointer, f"$ref {ref!r} is not local; specs are self-contained: copy the target under #/components"
        else:
            try:
                lookup_ref(document, ref)
            except KeyError:
                yield pointer, f"$ref {ref!r} points nowhere{_near(document, ref)}; fix the name or add the target"
                continue
            if not ref.startswith("#/components/"):
                yield pointer, f"$ref {ref!r} points outside #/components; move the target under #/components"


def has_dangling_refs(document: Document, census: Census) -> bool:
    """Whether some local $ref points nowhere (openapi-spec-validator crashes on those)."""
    for _, ref in census.refs:
        if isinstance(ref, str) and ref.startswith("#"):
            try:
                lookup_ref(document, ref)
            except KeyError:
                return True
    return False


def _near(document: Document, ref: str) -> str:
    """A did-you-mean over the sibling names of a dangling ref's last segment."""
    parent, _, name = ref.rpartition("/")
    try:
        siblings = lookup_ref(document, parent) if parent != "#" else document
    except KeyError:
        return ""
    return did_you_mean(name, [str(k) for k in siblings]) if isinstance(siblings, dict) else ""


def discriminator_problems(document: Document, census: Census) -> Iterator[Found]:
    for pointer, schema in census.subschemas:
        discriminator = schema.get("discriminator")
        if discriminator is None:
            continue
        here = ptr(pointer, "discriminator")
        prop = discriminator.get("propertyName") if isinstance(discriminator, dict) else None
        if not isinstance(prop, str):
            yield here, "discriminator needs a string propertyName; name the property that selects the variant"
            continue
        mapping = discriminator.get("mapping", {})
        if not isinstance(mapping, dict):
            yield ptr(here, "mapping"), "discriminator mapping must map values to '#/components/schemas/...' refs"
            continue
        targets: dict[str, str] = {}  # normalized target ref -> mapping key
        for key, target in mapping.items():
            yield from _mapping_target(
                document, ptr(here, "mapping", str(key)), prop=prop, key=str(key), target=target, targets=targets
            )
        branches = [("oneOf", schema["oneOf"])] if isinstance(schema.get("oneOf"), list) else []
        branches += [("anyOf", schema["anyOf"])] if isinstance(schema.get("anyOf"), list) else []
        for keyword, subschemas in branches:
            for index, branch in enumerate(subschemas):
                ref = branch.get("$ref") if isinstance(branch, dict) else None
                if not isinstance(ref, str):
                    yield ptr(pointer, keyword, index), f"{keyword} branch under a discriminator must be a $ref"
                elif ref not in targets:
                    yield (
                        ptr(pointer, keyword, index),
                        f"{keyword} branch {ref!r} is missing from discriminator mapping; add `<{prop} value>: {ref}`",
                    )


def _mapping_target(
    document: Document, here: str, *, prop: str, key: str, target: Any, targets: dict[str, str]
) -> Iterator[Found]:
    if not isinstance(target, str):
        yield here, f"mapping target must be a string ref like '{_SCHEMAS}Name'"
        return
    ref = target if target.startswith("#") else _SCHEMAS + target  # a bare name means a components schema
    targets[ref] = key
    try:
        variant = deref(document, lookup_ref(document, ref))
    except KeyError:
        variant = None
    if not isinstance(variant, dict):
        yield here, f"mapping target {target!r} does not exist; add the schema or fix the ref"
        return
    declared, required = _declared(document, variant, prop, 0)
    target_pointer = ref[1:]
    if not declared:
        at = target_pointer if declared is None else ptr(target_pointer, "properties", prop)
        yield at, f"variant for {prop}={key!r} lacks `properties.{prop}: {{const: {key}}}`; declare the const"
    elif declared != [key]:
        yield (
            ptr(target_pointer, "properties", prop),
            f"{prop} is declared as {declared!r} but discriminator mapping key is {key!r}; use `const: {key}`",
        )
    if declared is not None and not required:
        yield (
            target_pointer,
            f"variant for {prop}={key!r} must list {prop!r} in `required`; a discriminator is required",
        )


def _declared(document: Document, schema: Any, prop: str, depth: int) -> tuple[list[Any] | None, bool]:
    """The values `schema` allows for `prop` (const, or enum) and whether it requires it, looking into allOf."""
    schema = deref(document, schema)
    if not isinstance(schema, dict) or depth > 8:
        return None, False
    required = isinstance(schema.get("required"), list) and prop in schema["required"]
    properties = schema.get("properties")
    declared: list[Any] | None = None
    prop_schema = deref(document, properties.get(prop)) if isinstance(properties, dict) else None
    if isinstance(prop_schema, dict):
        if "const" in prop_schema:
            declared = [prop_schema["const"]]
        elif isinstance(prop_schema.get("enum"), list):
            declared = list(prop_schema["enum"])
        else:
            declared = []
    all_of = schema.get("allOf")
    for member in all_of if isinstance(all_of, list) else []:
        member_declared, member_required = _declared(document, member, prop, depth + 1)
        # A const anywhere in the composition wins over a bare property declaration.
        if declared is None or (member_declared and not declared):
            declared = member_declared
        required = required or member_required
    return declared, required


def operation_problems(census: Census) -> Iterator[Found]:
    seen: dict[str, str] = {}
    for pointer, operation in census.operations:
        if not isinstance(operation, dict):
            continue  # openapi-spec-validator reports the type
        operation_id = operation.get("operationId")
        if operation_id is None:
            yield pointer, "operation has no operationId; add a unique lowerCamelCase operationId"
        elif isinstance(operation_id, str) and operation_id in seen:
            yield (
                ptr(pointer, "operationId"),
                f"operationId {operation_id!r} is already used at {seen[operation_id]}; make it unique",
            )
        elif isinstance(operation_id, str):
            seen[operation_id] = pointer
        if "x-doc-source" not in operation:
            yield pointer, "operation has no x-doc-source; add {document: <file in shared/docs>, heading: <heading>}"
        responses = operation.get("responses")
        if responses is None:
            yield pointer, "operation has no responses; add every documented status code"
        elif not responses:
            yield ptr(pointer, "responses"), "responses is empty; add every documented status code"


def extension_problems(document: Document) -> Iterator[Found]:
    """x-doc-source, x-doc-quirk and x-response-schema wherever they appear."""
    info = document.get("info")
    # Each spec names its own quirk-id prefix (info.x-quirk-prefix: MEND), so a new surface needs no code here.
    declared = info.get("x-quirk-prefix") if isinstance(info, dict) else None
    prefix = declared if isinstance(declared, str) else None
    quirk_ids: dict[str, str] = {}
    for pointer, node in walk_all(document):
        if "x-doc-source" in node:
            yield from _doc_source(ptr(pointer, "x-doc-source"), node["x-doc-source"])
        if "x-doc-quirk" in node:
            yield from _doc_quirk(ptr(pointer, "x-doc-quirk"), node["x-doc-quirk"], prefix, quirk_ids)
    components = document.get("components")
    for name, schema in mapping_items(components.get("schemas") if isinstance(components, dict) else None):
        if isinstance(schema, dict) and "x-response-schema" in schema:
            target = schema["x-response-schema"]
            here = ptr("/components/schemas", name, "x-response-schema")
            if not isinstance(target, str) or not target.startswith(_SCHEMAS):
                yield here, f"x-response-schema must be a '{_SCHEMAS}<Name>' pointer, got {target!r}"
                continue
            try:
                lookup_ref(document, target)
            except KeyError:
                yield here, f"x-response-schema {target!r} points nowhere{_near(document, target)}; add or fix it"


def _as_list(value: Any) -> list[tuple[str, Any]]:
    """A mapping-or-list-of-mappings extension value as (pointer suffix, entry) pairs."""
    if isinstance(value, list):
        return [(f"/{i}", entry) for i, entry in enumerate(value)]
    return [("", value)]


def _doc_source(here: str, value: Any) -> Iterator[Found]:
    if value == []:
        yield here, "x-doc-source is an empty list; give at least one {document, heading}"
    for suffix, entry in _as_list(value):
        ok = isinstance(entry, dict) and all(
            isinstance(entry.get(k), str) and entry[k] for k in ("document", "heading")
        )
        if not ok:
            yield (
                here + suffix,
                "x-doc-source must be {document: <file in shared/docs>, heading: <heading>} (or a list)",
            )
        elif extra := sorted(set(entry) - {"document", "heading"}):
            yield here + suffix, f"x-doc-source has unknown keys {extra}; keep only document and heading"


def _doc_quirk(here: str, value: Any, prefix: str | None, seen: dict[str, str]) -> Iterator[Found]:
    if value == []:
        yield here, "x-doc-quirk is an empty list; remove it or give at least one {id, note}"
    for suffix, entry in _as_list(value):
        where = here + suffix
        if not (isinstance(entry, dict) and set(entry) == {"id", "note"}):
            yield where, "x-doc-quirk must be {id: <PREFIX>-<NN>, note: <what the docs say and what the spec chose>}"
            continue
        quirk_id, note = entry["id"], entry["note"]
        match = _QUIRK_ID.fullmatch(quirk_id) if isinstance(quirk_id, str) else None
        if match is None or (prefix is not None and match["prefix"] != prefix):
            yield ptr(where, "id"), f"x-doc-quirk id {quirk_id!r} must look like {prefix or '<PREFIX>'}-<NN>"
        elif quirk_id in seen:
            yield ptr(where, "id"), f"x-doc-quirk id {quirk_id!r} is already used at {seen[quirk_id]}; ids are unique"
        else:
            seen[quirk_id] = where
        if not (isinstance(note, str) and note.strip()):
            yield ptr(where, "note"), "x-doc-quirk note must be non-empty text: what the docs say and what we chose"
