"""The document schemathesis sees: RPC unions exploded, discovered ids as examples, credentials in RPC bodies,
and the operations this run must not touch (unsafe writes, other shards, operations not selected) taken out."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from apiconform.contract import JSON, Contract, VirtualOperation
from apiconform.runner.scenarios.fill import for_path
from apiconform.spec import Document, resolve_pointer


@dataclass
class Prepared:
    document: Document
    excluded: dict[str, str] = field(default_factory=dict)  # operation label -> why this run leaves it out


def prepare(
    contract: Contract,
    *,
    discovered: dict[str, Any],
    credentials: dict[str, Any],
    allow_writes: bool,
    shard: tuple[int, int] | None,
    caller_credentials: tuple[str, ...] = (),
    destructive: frozenset[str] = frozenset(),
    unavailable: dict[str, str] | None = None,
    only: frozenset[str] | None = None,
) -> Prepared:
    doc = copy.deepcopy(contract.exploded.document)
    prepared = Prepared(doc)
    ordered = sorted(contract.operations, key=lambda op: (op.operation.path, op.method.lower()))
    for index, op in enumerate(ordered):
        path, method = op.operation.path, op.method.lower()
        # Not selected comes first: an operation nobody asked for is left out for that reason, whatever else holds.
        reason = None if _chosen(op, only) else "not selected"
        reason = reason or (unavailable or {}).get(op.operation_id)
        if not reason and not allow_writes and op.is_write:
            reason = "read-only run: writes need --allow-writes"
        elif not reason and shard is not None and not _in_shard(index, shard):
            reason = f"not in shard {shard[0]}/{shard[1]}"
        if reason:
            prepared.excluded[op.label] = reason
            del doc["paths"][path][method]
            continue
        if not op.is_write:
            # Discovered ids reach reads only: a generated DELETE or PUT aimed at a real entity the discovery found
            # would change or destroy what the credentials point to (writes are proven on scratch entities).
            _add_parameter_examples(doc["paths"][path][method], for_path(discovered, path))
    doc["paths"] = {p: item for p, item in doc["paths"].items() if any(m in HTTP_METHODS for m in item)}
    _pin_body_credentials(contract, doc, credentials, discovered, caller_credentials, destructive)
    return prepared


HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})


def selected(
    contract: Contract, *, only: frozenset[str] | None, shard: tuple[int, int] | None
) -> list[VirtualOperation]:
    """The operations the run's selection (the plugin's -k, --shard) leaves in, before what the target allows: the
    same index and order as `prepare`."""
    ordered = sorted(contract.operations, key=lambda op: (op.operation.path, op.method.lower()))
    return [op for index, op in enumerate(ordered) if _chosen(op, only) and _in_shard(index, shard)]


def _chosen(op: VirtualOperation, only: frozenset[str] | None) -> bool:
    return only is None or op.label in only


def _in_shard(index: int, shard: tuple[int, int] | None) -> bool:
    """Shard K/N takes every N-th operation from the K-th, in prepare's order."""
    return shard is None or index % shard[1] == shard[0] - 1


def _add_parameter_examples(op: dict[str, Any], discovered: dict[str, Any]) -> None:
    for param in op.get("parameters", []):
        if isinstance(param, dict) and param.get("name") in discovered and param.get("in") in ("path", "query"):
            param["example"] = discovered[param["name"]]


def body_credential_fields(contract: Contract) -> tuple[str, ...]:
    """The credentials a spec says travel in request bodies (`info.x-body-credentials.fields`)."""
    declared = contract.spec.document.get("info", {}).get("x-body-credentials") or {}
    return tuple(str(name) for name in declared.get("fields") or [])


def _pin_body_credentials(
    contract: Contract,
    doc: Document,
    credentials: dict[str, Any],
    discovered: dict[str, Any],
    caller_credentials: tuple[str, ...],
    destructive: frozenset[str],
) -> None:
    """RPC bodies carry credentials: pin them so positive cases authenticate (negative ones still vary them)."""
    fields = body_credential_fields(contract)
    values = {**{k: v for k, v in discovered.items() if k in fields}, **credentials}
    for op in contract.variants():
        if op.request_schema_ref is None or op.operation.path not in doc["paths"]:
            continue
        variant = resolve_pointer(doc, op.request_schema_ref)
        # Destructive operations keep random product/project tokens: pinning them would aim deleteProduct at the
        # entities the rest of the run (and the user's credentials) depend on.
        pinned = caller_credentials if op.operation_id in destructive else fields
        # The documented examples carry placeholder credentials ("user_key"): the examples phase sends the run's.
        operation = doc["paths"][op.operation.path][op.method.lower()]
        for example in operation["requestBody"]["content"][JSON].get("examples", {}).values():
            value = example.get("value") if isinstance(example, dict) else None
            if isinstance(value, dict):
                value.update({k: values[k] for k in pinned if k in value and isinstance(values.get(k), str)})
        for name in pinned:
            already = name in variant.get("x-unpinned", {})  # a schema two variants share is pinned once
            if name in variant.get("properties", {}) and isinstance(values.get(name), str) and not already:
                # Keep what the contract says, so a check can tell "another token" (valid input, an auth
                # matter) from input that breaks the contract.
                variant.setdefault("x-unpinned", {})[name] = variant["properties"][name]
                variant["properties"][name] = {"type": "string", "const": values[name]}
