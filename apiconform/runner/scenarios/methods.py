"""unsupported_method / allow_header_conformance for every path, in every profile: an undocumented method gets
405 with an Allow header naming the documented methods (the property phases only probe this under coverage)."""

from __future__ import annotations

from typing import Any

from apiconform.checks import declare
from apiconform.contract import Verdict, VirtualOperation
from apiconform.runner import intents
from apiconform.runner.scenarios.base import ScenarioContext
from apiconform.runner.scenarios.fill import fill_path

UNSUPPORTED_METHOD = declare(
    "unsupported_method",
    group="property",
    source="scenario",
    description="undocumented methods get 405",
)
ALLOW_HEADER_CONFORMANCE = declare(
    "allow_header_conformance",
    group="property",
    source="scenario",
    description="405 answers carry an Allow header listing the documented methods",
)


PROBE_ORDER = ("TRACE", "PATCH", "PUT", "DELETE", "POST", "GET")


def check_unsupported_methods(ctx: ScenarioContext) -> None:
    by_path: dict[str, list[VirtualOperation]] = {}
    for op in ctx.operations():
        by_path.setdefault(op.wire_path, []).append(op)
    for path, ops in by_path.items():
        documented = {op.method for op in ops}
        rpc = ops[0].variant is not None
        undocumented = [m for m in PROBE_ORDER if m not in documented]
        if rpc:
            filled: tuple[str, dict[str, Any]] | None = (path, {})
        else:
            found = (fill_path(ctx.contract.exploded, op.operation, ctx.discovery) for op in ops)
            filled = next((f for f in found if f is not None), None)
        if filled is None:
            continue
        # RPC surfaces get every undocumented method here: the property phases skip them there (one URL).
        for method in undocumented if rpc else undocumented[:1]:
            if not _probe(ctx, method, filled[0], filled[1], documented, ops[0].label, path):
                break


def _probe(
    ctx: ScenarioContext,
    method: str,
    concrete: str,
    params: dict[str, Any],
    documented: set[str],
    label: str,
    path: str,
) -> bool:
    """One undocumented-method request and its verdicts; False when it failed or got no answer."""
    response = ctx.call(method, concrete, params=params, intent=intents.METHOD_PROBE, operation=label)
    if response is None:
        return False
    verdicts = judge_method_probe(method, path, response.status_code, response.headers.get("allow"), documented)
    for verdict in verdicts:
        ctx.verdict(label, verdict.check, verdict.ok, verdict.title, verdict.message, verdict.expected)
    return all(verdict.ok for verdict in verdicts)


def judge_method_probe(
    method: str, path: str, status: int, allow_header: str | None, documented: set[str]
) -> list[Verdict]:
    """The verdicts on an answer to an undocumented method: 405, then an Allow header naming the documented ones.
    The live scenario and `replay` (of the property phases' probes) both judge with this."""
    refused = Verdict(
        UNSUPPORTED_METHOD,
        status == 405,
        f"undocumented method {method} was not answered 405",
        f"{method} {path} answered {status}",
        "405 Method Not Allowed",
    )
    if not refused.ok:
        return [refused]
    allow = {m.strip().upper() for m in (allow_header or "").split(",") if m.strip()}
    listed = Verdict(
        ALLOW_HEADER_CONFORMANCE,
        bool(allow) and documented <= allow,
        "405 answer without a correct Allow header",
        f"Allow: {allow_header or '(none)'}; documented: {', '.join(sorted(documented))}",
        f"Allow listing {', '.join(sorted(documented))}",
    )
    return [refused, listed]
