"""The by-id operations, each proven with an id of its own kind.

Path parameter names collide across this API (`{id}` is a project, a scan pool, a scan configuration, a Jira
connection, a scan ...), so no single discovered id can serve them: these scenarios call each one with a real id.

- Reads address existing entities found by listing first (safe on any server, also in read-only runs).
- Updates and deletes (only when the run may write) address scratch entities the scenario creates first, named
  `apiconform-...`, and removes again: nothing the credentials or discovery point at is modified or deleted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import httpx

from apiconform.runner.scenarios.base import ScenarioContext, json_of
from apiconform.runner.scenarios.crud import CRUD_ROUNDTRIP

API = "/api/v1"
SCRATCH = "apiconform-"
# An address that never resolves (RFC 2606), for the scratch entities that name a server (scan instance, Jira).
NOWHERE = "https://apiconform.invalid"
WEBHOOK_ROUTE = "github"  # X-Hub-Signature is the header GitHub signs its webhook deliveries with


def item(entity_id: str) -> str:
    """An id as one path segment."""
    return quote(entity_id, safe="")


def ids_of(body: Any, key: str | None = None) -> list[str]:
    """The `Id`s of a listing: a bare array, or the array under `key` of an envelope."""
    listed = body.get(key) if key is not None and isinstance(body, dict) else body
    if not isinstance(listed, list):
        return []
    return [e["Id"] for e in listed if isinstance(e, dict) and isinstance(e.get("Id"), str) and e["Id"]]


def named(body: Any, key: str | None, name: str) -> str | None:
    """The id of the last listed entity called `name` (the one just created, where listings keep insertion order)."""
    listed = body.get(key) if key is not None and isinstance(body, dict) else body
    found = [
        e["Id"]
        for e in (listed if isinstance(listed, list) else [])
        if isinstance(e, dict) and e.get("Name") == name and isinstance(e.get("Id"), str) and e["Id"]
    ]
    return found[-1] if found else None


def count_proof(ctx: ScenarioContext, method: str, path: str, answer: httpx.Response | None) -> None:
    """`ctx.call` counts a documented success only for requests sent with the run's auth headers (the others are
    mostly probes with missing or forged credentials). Login (`security: []`) and the signed webhook (HmacAuth)
    carry valid credentials of their own: their answers are counted here by the same rule (`Contract.proves`)."""
    if answer is None:
        return
    op = ctx.contract.match(method, path).operation
    if op is not None and ctx.contract.proves(
        op, answer.status_code, answer.headers.get("content-type", ""), answer.content
    ):
        ctx.proven[op.label] += 1


# -- reads ---------------------------------------------------------------------------------------------------------


def listed_services(ctx: ScenarioContext) -> list[dict[str, Any]]:
    """The services with their repositories (`content=true`), those with an id; the documented list is `ServiceDtos`."""
    body = json_of(ctx.call("GET", f"{API}/services", params={"content": "true"}))
    listed = body.get("ServiceDtos") if isinstance(body, dict) else None
    return [s for s in listed or [] if isinstance(s, dict) and isinstance(s.get("Id"), str) and s["Id"]]


def repository_of(service: dict[str, Any] | None) -> str | None:
    repos = (service or {}).get("Repositories")
    first = repos[0] if isinstance(repos, list) and repos else None
    return first["Id"] if isinstance(first, dict) and isinstance(first.get("Id"), str) and first["Id"] else None


def first_service(services: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first service with a repository (so service and repository ids belong together), else the first."""
    return next((s for s in services if repository_of(s)), services[0] if services else None)


def prove_reads(ctx: ScenarioContext, service: dict[str, Any] | None) -> None:
    """GET each by-id resource once with the id of an existing entity of its kind."""
    if service is not None:
        path = f"{API}/services/{item(service['Id'])}"
        for suffix in ("", "/references", "/resources"):
            ctx.call("GET", path + suffix)
        repository = repository_of(service)
        if repository is not None:
            ctx.call("GET", f"{path}/{item(repository)}/references")
    scan = ctx.discovery.get("scanId")
    if isinstance(scan, str) and scan:
        ctx.call("GET", f"{API}/scans/{item(scan)}")
    for collection, key in (("scan-pools", None), ("scan-configurations", None), ("jira", "JiraEntries")):
        found = ids_of(json_of(ctx.call("GET", f"{API}/{collection}")), key)
        if found:
            ctx.call("GET", f"{API}/{collection}/{item(found[0])}")
            if collection == "jira":
                ctx.call("GET", f"{API}/jira/{item(found[0])}/projects")


# -- scratch entities (writes) -------------------------------------------------------------------------------------


def _created(ctx: ScenarioContext, label: str, what: str, entity_id: Any, answer: Any) -> bool:
    """crud_roundtrip: a create must name what it created (the rest of the round trip needs it)."""
    return ctx.verdict(
        label,
        CRUD_ROUNDTRIP,
        isinstance(entity_id, str) and bool(entity_id),
        f"creating a scratch {what} returned no id",
        str(answer)[:200],
    )


@contextmanager
def scratch_scan_pool(ctx: ScenarioContext) -> Iterator[str | None]:
    """A scratch scan pool for the duration of the block (its id, or None when it could not be created)."""
    body = {"Name": f"{SCRATCH}scan-pool", "ScanPoolType": "MdCore"}
    added = json_of(ctx.call("POST", f"{API}/scan-pools", json_body=body))
    pool = added.get("ScanPoolId") if isinstance(added, dict) else None
    if not _created(ctx, "POST /api/v1/scan-pools", "scan pool", pool, added):
        yield None
        return
    assert isinstance(pool, str)
    try:
        yield pool
    finally:
        ctx.call("DELETE", f"{API}/scan-pools/{item(pool)}")


def scan_pool_lifecycle(ctx: ScenarioContext) -> None:
    """A scratch pool with a scratch instance and configuration: each updated and deleted, innermost first (a
    server may refuse to delete a pool still in use); the instance also read back (no listing names instances)."""
    with scratch_scan_pool(ctx) as pool:
        if pool is None:
            return
        _scan_instance(ctx, pool)
        _scan_configuration(ctx, pool)
        ctx.call("PUT", f"{API}/scan-pools/{item(pool)}", json_body={"Name": f"{SCRATCH}scan-pool-renamed"})


def _scan_instance(ctx: ScenarioContext, pool: str) -> None:
    timeout = {"Ticks": 300 * 10_000_000}  # a .NET TimeSpan: 300 s in 100 ns ticks
    body = {"ScanPoolId": pool, "Url": f"{NOWHERE}:8008", "Timeout": timeout, "ScanInstanceType": "MdCore"}
    added = json_of(ctx.call("POST", f"{API}/scan-instances", json_body=body))
    instance = added.get("ScanInstanceId") if isinstance(added, dict) else None
    if not _created(ctx, "POST /api/v1/scan-instances", "scan instance", instance, added):
        return
    assert isinstance(instance, str)
    path = f"{API}/scan-instances/{item(instance)}"
    ctx.call("GET", path)
    ctx.call("PUT", path, json_body={"Url": f"{NOWHERE}:8009", "Timeout": timeout})
    ctx.call("DELETE", path)


def _scan_configuration(ctx: ScenarioContext, pool: str) -> None:
    name = f"{SCRATCH}scan-configuration"
    body = {"Name": name, "ScanPoolId": pool, "Rules": [], "UserAgent": "apiconform"}
    added = json_of(ctx.call("POST", f"{API}/scan-configurations", json_body=body))
    # The add answer is undocumented (MDS-13): take its Id when it has one, else find the configuration by name.
    configuration = added.get("Id") if isinstance(added, dict) else None
    if not isinstance(configuration, str) or not configuration:
        configuration = named(json_of(ctx.call("GET", f"{API}/scan-configurations")), None, name)
    if not _created(ctx, "POST /api/v1/scan-configurations", "scan configuration", configuration, added):
        return
    assert isinstance(configuration, str)
    path = f"{API}/scan-configurations/{item(configuration)}"
    ctx.call("PUT", path, json_body={**body, "Name": f"{name}-renamed"})
    ctx.call("DELETE", path)


def jira_lifecycle(ctx: ScenarioContext) -> None:
    """A scratch Jira connection (the add answer names no id: found by name in the listing), updated and deleted."""
    name = f"{SCRATCH}jira"
    body = {"Name": name, "BaseAddress": NOWHERE, "ProductAddress": NOWHERE, "Username": "apiconform", "ApiKey": ""}
    added = json_of(ctx.call("POST", f"{API}/jira", json_body=body))
    connection = named(json_of(ctx.call("GET", f"{API}/jira")), "JiraEntries", name)
    if not _created(ctx, "POST /api/v1/jira", "Jira connection", connection, added):
        return
    assert isinstance(connection, str)
    path = f"{API}/jira/{item(connection)}"
    ctx.call("PUT", path, json_body={**body, "Name": f"{name}-renamed"})
    ctx.call("DELETE", path)


def service_lifecycle(ctx: ScenarioContext) -> None:
    """A scratch service, deleted again (never a discovered one)."""
    added = json_of(ctx.call("POST", f"{API}/services", json_body={"Name": f"{SCRATCH}service"}))
    service = added.get("Id") if isinstance(added, dict) else None
    if _created(ctx, "POST /api/v1/services", "service", service, added):
        assert isinstance(service, str)
        ctx.call("DELETE", f"{API}/services/{item(service)}")


def signed_webhook(ctx: ScenarioContext) -> None:
    """POST /webhook/hmac/{route} as a sender holding the webhook secret does it: `X-Hub-Signature: sha256=<hex
    HMAC-SHA256 of the raw body>`, the body sent byte for byte as signed. The event is a GitHub-style ping (what a
    sender posts when a hook is set up), which asks the server to scan nothing."""
    secret = ctx.credentials.get("webhook_secret")
    if not isinstance(secret, str) or not secret:
        return
    raw = json.dumps({"zen": "apiconform: signed webhook ping", "hook_id": 0}, separators=(",", ":")).encode()
    digest = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-GitHub-Event": "ping", "X-Hub-Signature": f"sha256={digest}"}
    path = f"{API}/webhook/hmac/{WEBHOOK_ROUTE}"
    count_proof(ctx, "POST", path, ctx.call("POST", path, content=raw, headers=headers, auth=False))
