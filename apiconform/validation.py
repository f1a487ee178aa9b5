"""Strict JSON Schema validation of requests and responses against an OpenAPI 3.1 document.

Stricter than plain JSON Schema in the two ways property-based tools probe (toolchain notes, pitfalls 3-4):
`format: int32/int64` become real bounds, and query/path strings are parsed exactly ("5" is an integer in a
query string, "5.0" and " 5" are not).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from apiconform.spec import escape_pointer_part

INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_INT_RE = re.compile(r"-?(0|[1-9][0-9]*)")
_NUM_RE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")


@dataclass(frozen=True)
class Violation:
    """One reason an instance does not match its schema: `where` is a dotted location like `body.items[0]`,
    `pointer` the JSON pointer of the offending value inside the instance, `keyword` the violated keyword."""

    where: str
    message: str
    pointer: str = ""
    keyword: str = ""

    def __str__(self) -> str:
        said = f"{self.message} ({self.keyword})" if self.keyword else self.message
        return f"{self.where}: {said}" if self.where else said


def with_integer_bounds(node: Any) -> Any:
    """A copy of a schema tree where every int32/int64 integer also carries the format's range as bounds."""
    node = copy.deepcopy(node)
    _add_bounds(node)
    return node


def _add_bounds(node: Any) -> None:
    if isinstance(node, dict):
        fmt = node.get("format")
        if isinstance(fmt, str) and fmt in INT_RANGES and _is_integer(node):
            low, high = INT_RANGES[fmt]
            node["minimum"] = max(node.get("minimum", low), low)
            node["maximum"] = min(node.get("maximum", high), high)
        for value in node.values():
            _add_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _add_bounds(value)


def _is_integer(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "integer" or (isinstance(kind, list) and "integer" in kind)


_DOCUMENT_URI = "urn:apiconform:document"


def _absolute_refs(node: Any) -> Any:
    """Points a schema's local `$ref`s (`#/components/...`) at the registered document, in place."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            node["$ref"] = _DOCUMENT_URI + ref
        for value in node.values():
            _absolute_refs(value)
    elif isinstance(node, list):
        for value in node:
            _absolute_refs(value)
    return node


class SchemaValidator:
    """Validates instances against schemas of one document (local `$ref`s resolve against it)."""

    def __init__(self, document: dict[str, Any]) -> None:
        # The components live in a registry compiled once; each schema only references them. Embedding them in
        # every root made each new schema recompile them all (6 ms apiece for Mend, 20x the registry's cost).
        self._registry = jsonschema_rs.Registry(
            [(_DOCUMENT_URI, {"components": with_integer_bounds(document.get("components", {}))})]
        )
        self._cache: dict[str, Any] = {}

    def errors(self, instance: Any, schema: dict[str, Any], where: str = "") -> list[Violation]:
        key = json.dumps(schema, sort_keys=True, default=str)
        validator = self._cache.get(key)
        if validator is None:
            root = {"allOf": [_absolute_refs(with_integer_bounds(schema))]}
            validator = jsonschema_rs.validator_for(root, registry=self._registry, validate_formats=True)
            self._cache[key] = validator
        violations = []
        for err in validator.iter_errors(instance):
            location = where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.instance_path)
            pointer = "".join(f"/{escape_pointer_part(p)}" for p in err.instance_path)
            keyword = str(err.schema_path[-1]) if err.schema_path else ""
            violations.append(Violation(location.lstrip("."), err.message, pointer, keyword))
            if len(violations) >= 5:
                break
        return violations

    def is_valid(self, instance: Any, schema: dict[str, Any]) -> bool:
        return not self.errors(instance, schema)


def parse_scalar(raw: str, schema: dict[str, Any]) -> tuple[Any, str | None]:
    """Parse one query/path/header string by the schema's type; (value, None) or (raw, reason)."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "integer" in kinds:
        if _INT_RE.fullmatch(raw):
            return int(raw), None
        if kinds == ["integer"]:
            return raw, f"{raw!r} is not an integer"
    if "number" in kinds:
        if _NUM_RE.fullmatch(raw):
            return float(raw) if any(c in raw for c in ".eE") else int(raw), None
        if kinds == ["number"]:
            return raw, f"{raw!r} is not a number"
    if "boolean" in kinds:
        if raw in ("true", "false"):
            return raw == "true", None
        if kinds == ["boolean"]:
            return raw, f"{raw!r} is not a boolean (true or false)"
    return raw, None


def parse_parameter(values: list[str], schema: dict[str, Any], resolve: Any = None) -> tuple[Any, str | None]:
    """Parse the raw values of one parameter (form style, exploded arrays) into a typed instance."""
    if resolve is not None:
        schema = resolve(schema)
    if schema.get("type") == "array":
        items = schema.get("items", {})
        if resolve is not None:
            items = resolve(items)
        parts = [p for v in values for p in (v.split(",") if len(values) == 1 else [v])]
        parsed = []
        for part in parts:
            value, reason = parse_scalar(part, items)
            if reason:
                return values, reason
            parsed.append(value)
        return parsed, None
    if len(values) > 1:
        return values, f"given {len(values)} times; it takes one value"
    return parse_scalar(values[0], schema)
