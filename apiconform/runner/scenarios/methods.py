"""unsupported_method / allow_header_conformance for every path, in every profile: an undocumented method gets
405 with an Allow header naming the documented methods (the property phases only probe this under coverage)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiconform.openapi import ApiSpec, Operation
from apiconform.runner.scenarios.base import ScenarioContext
from apiconform.runner.scenarios.fill import fill_path

PROBE_ORDER = ("TRACE", "PATCH", "PUT", "DELETE", "POST", "GET")


def check_unsupported_methods(ctx: ScenarioContext, spec: ApiSpec, label_of: Callable[[Operation], str]) -> None:
    by_path: dict[str, list[Operation]] = {}
    for op in spec.operations:
        by_path.setdefault(op.raw.get("x-rpc-path", op.path), []).append(op)
    for path, ops in by_path.items():
        documented = {op.method for op in ops}
        rpc = ops[0].raw.get("x-rpc-path") is not None
        undocumented = [m for m in PROBE_ORDER if m not in documented]
        filled = next((f for f in (fill_path(spec, op, ctx.discovery) for op in ops) if f is not None), None)
        if filled is None:
            continue
        # RPC surfaces get every undocumented method here: the property phases skip them there (one URL).
        for method in undocumented if rpc else undocumented[:1]:
            if not _probe(ctx, method, path if rpc else filled[0], filled[1], documented, label_of(ops[0]), path):
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
    """One undocumented-method request and its two verdicts; False when it failed or got no answer."""
    response = ctx.call(method, concrete, params=params)
    if response is None:
        return False
    if not ctx.verdict(
        label,
        "unsupported_method",
        response.status_code == 405,
        f"undocumented method {method} was not answered 405",
        f"{method} {path} answered {response.status_code}",
        "405 Method Not Allowed",
    ):
        return False
    allow = {m.strip().upper() for m in response.headers.get("allow", "").split(",") if m.strip()}
    return ctx.verdict(
        label,
        "allow_header_conformance",
        bool(allow) and documented <= allow,
        "405 answer without a correct Allow header",
        f"Allow: {response.headers.get('allow')!r}; documented: {sorted(documented)}",
        f"Allow listing {', '.join(sorted(documented))}",
    )
