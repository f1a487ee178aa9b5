"""The document schemathesis sees: RPC unions exploded, discovered ids as examples, credentials in RPC bodies,
and the operations this run must not touch (unsafe writes, other shards) taken out."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from apiconform import rpc
from apiconform.runner.scenarios.examples import WRITE_METHODS
from apiconform.spec import Document, resolve_pointer

BODY_CREDENTIALS = ("userKey", "orgToken", "productToken", "projectToken")


@dataclass
class Prepared:
    document: Document
    excluded: dict[tuple[str, str], str] = field(default_factory=dict)  # (METHOD, path) -> why not exercised


def prepare(
    document: Document,
    *,
    discovered: dict[str, Any],
    credentials: dict[str, Any],
    allow_writes: bool,
    shard: tuple[int, int] | None,
) -> Prepared:
    doc = rpc.explode(document)
    doc = copy.deepcopy(doc) if doc is document else doc
    prepared = Prepared(doc)
    operations = sorted((path, method) for path, item in doc["paths"].items() for method in item if method in _METHODS)
    for index, (path, method) in enumerate(operations):
        op = doc["paths"][path][method]
        reason = None
        if not allow_writes and _is_write(method, op):
            reason = "read-only run: writes need --allow-writes"
        elif shard is not None and index % shard[1] != shard[0] - 1:
            reason = f"not in shard {shard[0]}/{shard[1]}"
        if reason:
            prepared.excluded[(method.upper(), path)] = reason
            del doc["paths"][path][method]
            continue
        _add_parameter_examples(op, discovered)
    doc["paths"] = {p: item for p, item in doc["paths"].items() if any(m in _METHODS for m in item)}
    _pin_body_credentials(doc, credentials, discovered)
    return prepared


_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})


def _is_write(method: str, op: dict[str, Any]) -> bool:
    effect = op.get("x-effect")
    return effect == "write" if effect else method.upper() in WRITE_METHODS


def _add_parameter_examples(op: dict[str, Any], discovered: dict[str, Any]) -> None:
    for param in op.get("parameters", []):
        if isinstance(param, dict) and param.get("name") in discovered and param.get("in") in ("path", "query"):
            param["example"] = discovered[param["name"]]


def _pin_body_credentials(doc: Document, credentials: dict[str, Any], discovered: dict[str, Any]) -> None:
    """RPC bodies carry credentials: pin them so positive cases authenticate (negative ones still vary them)."""
    values = {**{k: v for k, v in discovered.items() if k in BODY_CREDENTIALS}, **credentials}
    for variant_ref in {
        op["requestBody"]["content"]["application/json"]["schema"].get("$ref")
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "x-rpc-value" in op
    }:
        if not variant_ref:
            continue
        variant = resolve_pointer(doc, variant_ref)
        # Writes keep random product/project tokens: pinning them would aim deleteProduct/deleteProject at the
        # entities the rest of the run (and the user's credentials) depend on.
        pinned = BODY_CREDENTIALS[:2] if variant.get("x-effect") == "write" else BODY_CREDENTIALS
        for name in pinned:
            if name in variant.get("properties", {}) and isinstance(values.get(name), str):
                # Keep what the contract says, so a check can tell "another token" (valid input, an auth
                # matter) from input that breaks the contract.
                variant.setdefault("x-unpinned", {})[name] = variant["properties"][name]
                variant["properties"][name] = {"type": "string", "const": values[name]}
