"""`apiconform diff`: breaking-change detection between two versions of an OpenAPI 3.x spec.

Every change is judged from a client's point of view (a catalogue of rules, each with one fixed severity:
`apiconform.diff.RULES`). RPC unions (Mend's one `POST /` dispatched by `requestType`) are compared per
variant, each as its own virtual operation `POST <base path>#<requestType>`; other oneOf/anyOf branches are
matched by discriminator value, `$ref` name or const, never by position.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apiconform.diff.findings import (
    RULES,
    SEVERITIES,
    SPEC_LABEL,
    Finding,
    Rule,
    Sink,
    at_or_above,
    counts,
    severity_overrides,
)
from apiconform.diff.load import load_side, observed_side
from apiconform.diff.operations import compare_operation, compare_security_schemes, label, normalize, operations
from apiconform.diff.render import FORMATS, render, summary
from apiconform.diff.servers import compare_servers
from apiconform.diff.variants import compare_rpc
from apiconform.errors import SpecError
from apiconform.rpc import rpc_union

__all__ = [
    "FORMATS",
    "RULES",
    "SEVERITIES",
    "Finding",
    "Rule",
    "at_or_above",
    "counts",
    "diff_documents",
    "load_side",
    "observed_side",
    "render",
    "severity_overrides",
    "summary",
]


def _rpc_key(document: dict[str, Any], side: str) -> tuple[str, str] | None:
    try:
        found = rpc_union(document)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise SpecError(
            f"{side} spec: an operation or request body is not a well-formed OpenAPI object ({type(exc).__name__}:"
            f" {exc}); run `apiconform lint` on it"
        ) from None
    return None if found is None else (found[1].upper(), normalize(found[0]))


def diff_documents(
    old: dict[str, Any], new: dict[str, Any], *, severity: Mapping[str, str] | None = None
) -> list[Finding]:
    """Every change from `old` to `new`, classified; sorted by severity, operation, rule (deterministic).
    `severity`: rule id -> severity, a team's overrides of the catalogue (checked by `severity_overrides`)."""
    sink = Sink(severity_overrides(severity or {}, "severity overrides"))
    spec_emit = sink.emitter(SPEC_LABEL)
    compare_servers(spec_emit, old, new)
    compare_security_schemes(spec_emit, old, new)
    old_ops, new_ops = operations(old), operations(new)
    old_rpc, new_rpc = _rpc_key(old, "old"), _rpc_key(new, "new")
    for key, op in old_ops.items():
        if key not in new_ops:
            emit = sink.emitter(label(old, op, rpc=key == old_rpc))
            emit("operation-removed", f"{op.method} {op.path} removed", op.ptr, "")
    for key, op in new_ops.items():
        if key not in old_ops:
            emit = sink.emitter(label(new, op, rpc=key == new_rpc))
            emit("operation-added", f"{op.method} {op.path} added", "", op.ptr)
            continue
        rpc = key == old_rpc == new_rpc
        compare_operation(sink, old, new, old_ops[key], op, rpc=rpc)
        if rpc:
            compare_rpc(sink, old, new, label(new, op, rpc=True))
    return sink.findings()
