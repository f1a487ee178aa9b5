"""Before any generated case: prove the target is this API and the credentials are accepted.

Each vendor's `preflight` makes one or two documented read-only calls through these helpers. Anything but a
documented success is exit 3 with one line naming what was tried, what came back and the fix: a base URL that
answers 404 or an HTML page is not this API; 401/403, an error body about the credentials or a failed login
means the credentials are rejected. A run never spends its cases on a target that cannot give a real answer.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from apiconform.errors import TargetUnreachableError
from apiconform.runner.scenarios.base import ScenarioContext, json_of

_TITLE = re.compile(rb"<title[^>]*>([^<]{1,80})", re.IGNORECASE)


class PreflightError(TargetUnreachableError):
    """The target is not the API, or it rejects the credentials (exit 3)."""


def require_credentials(ctx: ScenarioContext, *alternatives: tuple[str, ...]) -> tuple[str, ...]:
    """The first alternative whose keys are all given (e.g. ("token",), ("username", "password")), else exit 3."""
    for keys in alternatives:
        if all(ctx.credentials.get(key) for key in keys):
            return keys
    wanted = " or ".join(" + ".join(keys) for keys in alternatives)
    variables = ", ".join(f"APICONFORM_{key.upper()}" for keys in alternatives for key in keys)
    empty = [name for name in ctx.empty_credentials]
    why = f" ({', '.join(empty)} set but empty)" if empty else ""
    raise PreflightError(
        f"no credentials for {ctx.surface}{why}: it needs {wanted}; pass --credentials FILE or set {variables}"
    )


def expect_success(ctx: ScenarioContext, what: str, response: httpx.Response | None, keys: tuple[str, ...]) -> Any:
    """The JSON body of a documented success answer to the preflight call `what`, or exit 3 saying why not."""
    url = ctx.redactor.text(ctx.last_exchange.url if ctx.last_exchange else ctx.base_url)
    if response is None:
        said = ctx.last_exchange.response_body if ctx.last_exchange else "no answer"
        raise PreflightError(f"{what} got no answer ({said}); check --base-url and the server")
    status = response.status_code
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if status >= 500:
        raise PreflightError(
            f"{what} answered {status}: the server cannot serve requests now ({url}); check the server, then retry"
        )
    if media == "text/html" and response.content.lstrip()[:1] == b"<":
        found = _TITLE.search(response.content[:4096])
        title = f' "{found.group(1).decode("utf-8", "replace").strip()}"' if found else ""
        raise PreflightError(
            f"{url} answered {status} with an HTML page{title}, not the {ctx.surface} API (a login page or a "
            f"proxy?): check the path in --base-url and the credentials"
        )
    if status == 404:
        raise PreflightError(
            f"{what} answered 404 at {url}: the documented base is {documented_base(ctx)}; check the path in --base-url"
        )
    if status in (401, 403):
        raise PreflightError(
            f"credentials rejected: {what} answered {status} ({credential_sources(ctx, keys)}); check the credentials"
        )
    if not 200 <= status < 300:
        raise PreflightError(
            f"{what} answered {status}, not a success ({ctx.redactor.text(response.text[:120])!r}); "
            "check --base-url and the credentials"
        )
    return json_of(response)


def credential_sources(ctx: ScenarioContext, keys: tuple[str, ...]) -> str:
    given = [f"{key} from {ctx.credential_sources.get(key, 'the embedded mock')}" for key in keys]
    return ", ".join(given) or "no credentials"


def documented_base(ctx: ScenarioContext) -> str:
    servers = ctx.contract.spec.document.get("servers") or [{"url": "/"}]
    return str(servers[0].get("url", "/"))
