"""Enum coverage: for every field a surface's answers document an enum for, the documented values seen, never
seen, and seen though undocumented, and the operations that documented it but never showed it.

A documented value nobody ever saw is a blind spot: drift there is invisible to every check. The report lists
them so a run can be pointed at data that produces them (discovery, seeded state, stateful steps).
"""

from __future__ import annotations

from typing import Any

from apiconform.contract import Contract, media_type
from apiconform.enums import KNOWN_VALUES, enum_fields
from apiconform.runner.results import SurfaceResult


def documented_enum_fields(contract: Contract) -> dict[str, dict[str, tuple[Any, ...]]]:
    """operation label -> field -> documented values, over each operation's documented JSON success answers."""
    out: dict[str, dict[str, tuple[Any, ...]]] = {}
    document = contract.exploded.document
    for op in contract.operations:
        fields: dict[str, tuple[Any, ...]] = {}
        for status, response in op.operation.responses.items():
            if not status.startswith("2"):
                continue
            if op.variant is not None:
                schemas = [{"$ref": op.response_schema_ref}] if op.response_schema_ref else []
            else:
                content = response.get("content") or {}
                schemas = [c.get("schema") for m, c in content.items() if media_type(m).endswith("json")]
            for schema in schemas:
                if isinstance(schema, dict):
                    for name, values in enum_fields(document, schema).items():
                        fields[name] = tuple(dict.fromkeys([*fields.get(name, ()), *values]))
        if fields:
            out[op.label] = fields
    return out


def open_enum_fields(contract: Contract) -> set[str]:
    """The fields whose documented values are an open list (`x-known-values`), in no answer a closed enum."""
    document = contract.exploded.document
    closed: set[str] = set()
    known: set[str] = set()
    for schema in (document.get("components") or {}).get("schemas", {}).values():
        if isinstance(schema, dict):
            closed |= set(enum_fields(document, schema, lists=("enum",)))
            known |= set(enum_fields(document, schema, lists=(KNOWN_VALUES,)))
    return known - closed


def fill_enum_coverage(outcome: SurfaceResult, contract: Contract) -> None:
    """SurfaceResult.enum_coverage from what the operations documented and what their answers carried. An open
    enum's entry says so (`open`): its undocumented values are drift to look at, not failures."""
    coverage: dict[str, dict[str, Any]] = {}
    open_fields = open_enum_fields(contract)
    for label, fields in documented_enum_fields(contract).items():
        op = outcome.operations.get(label)
        if op is None or op.excluded is not None:
            continue
        for name, values in fields.items():
            entry = coverage.setdefault(name, {"documented": set(), "seen": set(), "operations": [], "unobserved": []})
            if name in open_fields:
                entry["open"] = True
            entry["documented"].update(str(v) for v in values)
            entry["operations"].append(label)
            seen = op.enum_values.get(name, set())
            entry["seen"].update(seen)
            if not seen:
                entry["unobserved"].append(label)
    for op in outcome.operations.values():  # values seen in fields no documented success answer lists
        for name, seen in op.enum_values.items():
            if name not in coverage:
                coverage[name] = {"documented": set(), "seen": set(seen), "operations": [], "unobserved": []}
    outcome.enum_coverage = {
        name: {**entry, "documented": sorted(entry["documented"]), "seen": sorted(entry["seen"])}
        for name, entry in sorted(coverage.items())
    }
