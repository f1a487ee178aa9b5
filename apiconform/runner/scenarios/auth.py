"""auth_rejected: secured read operations refuse missing and forged credentials (and accept valid ones)."""

from __future__ import annotations

from apiconform.checks import declare
from apiconform.runner.scenarios.base import ScenarioContext
from apiconform.runner.scenarios.fill import fill_path

AUTH_REJECTED = declare(
    "auth_rejected",
    group="auth",
    source="scenario",
    description="missing, invalid and expired credentials are rejected; refresh works",
)


REJECTIONS = frozenset({401, 403})


def forge(headers: dict[str, str]) -> dict[str, str]:
    """The same headers with every credential altered but still well-formed."""
    forged = {}
    for key, value in headers.items():
        scheme, _, token = value.rpartition(" ")
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB") if len(token) > 8 else "invalid-token"
        forged[key] = f"{scheme} {token}".strip()
    return forged


def check_auth_enforced(ctx: ScenarioContext, limit: int) -> None:
    """Probe up to `limit` secured read operations without and with forged credentials."""
    probed = 0
    for op in ctx.operations():
        if not op.operation.security or op.is_write or not ctx.auth_headers or probed >= limit:
            continue
        filled = fill_path(ctx.contract.exploded, op.operation, ctx.discovery)
        if filled is None:
            continue
        path, query = filled
        probed += 1
        label = op.label
        response = ctx.call(op.method, path, params=query, auth=False)
        if response is None:
            continue
        if not ctx.verdict(
            label,
            AUTH_REJECTED,
            response.status_code in REJECTIONS,
            "request without credentials was not rejected",
            f"answered {response.status_code} without credentials",
            "401 or 403",
        ):
            continue
        response = ctx.call(op.method, path, params=query, auth=False, headers=forge(ctx.auth_headers))
        if response is not None:
            ctx.verdict(
                label,
                AUTH_REJECTED,
                response.status_code in REJECTIONS,
                "request with forged credentials was not rejected",
                f"answered {response.status_code} to forged credentials",
                "401 or 403",
            )
