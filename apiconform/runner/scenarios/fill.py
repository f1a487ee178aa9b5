"""Concrete request values for an operation: discovered ids first, then documented examples, defaults, enums."""

from __future__ import annotations

import re
from typing import Any

from apiconform.openapi import ApiSpec, Operation


def value_for(
    spec: ApiSpec, name: str, schema: dict[str, Any], raw_param: dict[str, Any], discovered: dict[str, Any]
) -> Any:
    """A plausible valid value for one parameter, or None when nothing sensible is known."""
    if name in discovered:
        return discovered[name]
    if "example" in raw_param:
        return raw_param["example"]
    schema = spec.resolve(schema)
    for key in ("default", "example"):
        if key in schema:
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "boolean":
        return False
    return None


def for_path(discovered: dict[str, Any], path: str) -> dict[str, Any]:
    """The discovered values for one path. A key `NAME@PREFIX` scopes a value to the paths under PREFIX (the most
    specific prefix wins), so a generic parameter name (`id`) can carry a package id under /packages/{id} and a
    scan id under /scans/{id}; a plain `NAME` serves every path. Scoped values are for reads only."""
    values = {k: v for k, v in discovered.items() if "@" not in k}
    scoped = sorted((k for k in discovered if "@" in k), key=lambda k: len(k.partition("@")[2]))
    for key in scoped:
        name, _, prefix = key.partition("@")
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            values[name] = discovered[key]
    return values


def fill_path(spec: ApiSpec, operation: Operation, discovered: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(concrete path, required query params) for an operation, or None when a required value is unknown."""
    raw_params = {
        (p.get("name"), p.get("in")): p for p in (spec.resolve(x) for x in operation.raw.get("parameters", []))
    }
    path = operation.path
    # A scoped value (NAME@PREFIX) addresses reads only: a generic name like `id` must not aim a write at a real
    # entity; the plain names are the vendor's choice (it withholds those that address writes, in runs that write).
    reads = operation.method.upper() in ("GET", "HEAD")
    discovered = for_path(discovered, path) if reads else {k: v for k, v in discovered.items() if "@" not in k}
    query: dict[str, Any] = {}
    for param in operation.parameters:
        if not param.required or param.location in ("header", "cookie"):
            continue
        value = value_for(spec, param.name, param.schema, raw_params.get((param.name, param.location), {}), discovered)
        if value is None:
            return None
        if param.location == "path":
            path = path.replace("{" + param.name + "}", str(value))
        else:
            query[param.name] = value
    return None if re.search(r"\{[^}]+\}", path) else (path, query)
