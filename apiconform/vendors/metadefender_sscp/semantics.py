"""What a MetaDefender SSCP client relies on: login and token refresh, enumerations that page, CRUD that
round-trips (create -> read back -> update -> delete -> 404), and every by-id operation answering a real id of its
own kind (`by_id`)."""

from __future__ import annotations

from typing import Any

from apiconform.runner.preflight import PreflightError, credential_sources, expect_success, require_credentials
from apiconform.runner.scenarios.auth import AUTH_REJECTED
from apiconform.runner.scenarios.base import ScenarioContext, json_of
from apiconform.runner.scenarios.crud import CRUD_ROUNDTRIP
from apiconform.runner.scenarios.pagination import Paging, check_paging
from apiconform.vendors.metadefender_sscp import by_id

API = "/api/v1"


def auth_headers(credentials: dict[str, Any]) -> dict[str, str]:
    if credentials.get("token"):
        return {"Authorization": f"Bearer {credentials['token']}"}
    if credentials.get("api_key"):
        return {"ApiKey": str(credentials["api_key"])}
    return {}


LOGIN = ("username", "password")


def _login(ctx: ScenarioContext) -> str | None:
    user, password = ctx.credentials.get("username"), ctx.credentials.get("password")
    if not user or not password:
        return None
    path = f"{API}/user/login"
    answer = ctx.call("POST", path, json_body={"Username": user, "Password": password}, auth=False)
    by_id.count_proof(ctx, "POST", path, answer)
    body = json_of(answer)
    token = ((body or {}).get("JwtToken") or {}).get("Token") if isinstance(body, dict) else None
    return token if isinstance(token, str) else None


def preflight(ctx: ScenarioContext) -> None:
    """A token or an API key must list the services; with a username and password apiconform logs in (also when a
    given token was rejected: it may have expired)."""
    keys = require_credentials(ctx, ("token",), ("api_key",), LOGIN)
    if keys != LOGIN:
        answer = ctx.call("GET", f"{API}/services")
        if answer is None or answer.status_code not in (401, 403) or not all(ctx.credentials.get(k) for k in LOGIN):
            if answer is not None and answer.status_code in (401, 403):
                raise PreflightError(
                    f"credentials rejected: GET {API}/services answered {answer.status_code} "
                    f"({credential_sources(ctx, keys)}): expired or invalid, and no username and password to log in "
                    "again; pass a fresh token, or username and password"
                )
            expect_success(ctx, f"GET {API}/services", answer, keys)
            return
    login = ctx.call("POST", f"{API}/user/login", auth=False, json_body={
        "Username": ctx.credentials["username"], "Password": ctx.credentials["password"]})  # fmt: skip
    body = expect_success(ctx, f"POST {API}/user/login", login, LOGIN)
    token = ((body or {}).get("JwtToken") or {}).get("Token") if isinstance(body, dict) else None
    if not isinstance(token, str):
        raise PreflightError(f"POST {API}/user/login answered {login.status_code if login else None} without a token")
    ctx.redactor.add(token)
    ctx.auth_headers = {"Authorization": f"Bearer {token}"}
    expect_success(ctx, f"GET {API}/services", ctx.call("GET", f"{API}/services"), LOGIN)


# Discovered ids become examples of the reads with a parameter of that name (runner.prepare), and fill the paths
# the scenarios call, writes included. These names address only reads, so every run gets them; `id` is every
# resource's parameter, so the package's is scoped to the package routes, and a scoped value fills reads only
# (runner.scenarios.fill): POST /packages/{id}/labels never gets the real package.
PACKAGE_ID = "id@/api/v1/packages/{id}"
READ_ONLY_IDS = ("repoId", "scanId", PACKAGE_ID)
# These also address writes aimed at the entity itself (DELETE and PUT /services/{serviceId}, real-time protection
# and its data under /realtime/{storageId}/{repositoryId}): only a run that cannot write gets them. A run that may
# write proves the service reads in the scenarios instead (`by_id.prove_reads`), with the service's own ids.
WRITE_ADDRESSING_IDS = ("serviceId", "storageId", "repositoryId")


def discover(ctx: ScenarioContext) -> dict[str, Any]:
    """Find a service (every service is also a storage), one of its repositories and a scan (preflight has logged
    in when it had to)."""
    found: dict[str, Any] = {}
    service = by_id.first_service(by_id.listed_services(ctx))
    if service is not None:
        ids = {"serviceId": service["Id"], "storageId": service["Id"]}
        repository = by_id.repository_of(service)
        if repository is not None:
            ids["repositoryId"] = ids["repoId"] = repository
        found.update(ids)
    scans = json_of(ctx.call("GET", f"{API}/scans/latest"))
    scan = (
        next((s for s in scans or [] if isinstance(s, dict) and s.get("Id")), None) if isinstance(scans, list) else None
    )
    if scan:
        found["scanId"] = scan["Id"]
    package = _vulnerable_package(ctx)
    if package is not None:
        found[PACKAGE_ID] = package
    if ctx.allow_writes:
        found = {k: v for k, v in found.items() if k not in WRITE_ADDRESSING_IDS}
    return found


def _vulnerable_package(ctx: ScenarioContext) -> Any:
    """The package with the most vulnerability severities (else any): its CVE list is what shows Cve.Severity,
    whose drift a package without CVEs could never reveal."""
    packages = json_of(ctx.call("GET", f"{API}/packages"))
    listed = [p for p in packages if isinstance(p, dict) and p.get("Id")] if isinstance(packages, list) else []
    if not listed:
        return None

    def severities(package: dict[str, Any]) -> int:
        found = package.get("Vulnerabilities")
        return len(set(found) - {"None"}) if isinstance(found, list) else 0

    return max(listed, key=severities)["Id"]


def _entries(body: Any) -> list[Any] | None:
    dto = body.get("EnumerateUsersDto") if isinstance(body, dict) else None
    entries = dto.get("Entries") if isinstance(dto, dict) else None
    return entries if isinstance(entries, list) else None


def _audit(body: Any) -> list[Any] | None:
    events = body.get("AuditEvents") if isinstance(body, dict) else None
    return events if isinstance(events, list) else None


def run_scenarios(ctx: ScenarioContext) -> None:
    check_paging(
        ctx,
        "GET /api/v1/users",
        Paging(
            operation_id="listUsers",
            limit="Count",
            offset="StartIndex",
            page_numbers=False,
            first=0,
            item_id=lambda u: u.get("UserId") if isinstance(u, dict) else u,
            items=_entries,
        ),
    )
    check_paging(
        ctx,
        "GET /api/v1/audit",
        Paging(
            operation_id="listAuditEvents",
            limit="Count",
            offset="Start",
            page_numbers=False,
            first=0,
            item_id=lambda e: e.get("Id") if isinstance(e, dict) else e,
            items=_audit,
            filters=(("LogLevel", "Error", lambda e: e.get("LogLevel") if isinstance(e, dict) else None),),
        ),
    )
    _token_refresh(ctx)
    service = by_id.first_service(by_id.listed_services(ctx))
    by_id.prove_reads(ctx, service)
    if ctx.allow_writes:
        _project_round_trip(ctx, service)
        by_id.scan_pool_lifecycle(ctx)
        by_id.jira_lifecycle(ctx)
        by_id.service_lifecycle(ctx)
        by_id.signed_webhook(ctx)


def _token_refresh(ctx: ScenarioContext) -> None:
    """auth_rejected: a fresh login token works, refreshing it gives a working token, a forged one is refused."""
    token = _login(ctx)
    if token is None:
        return
    label = "PUT /api/v1/user/token"
    body = json_of(
        ctx.call(
            "PUT",
            f"{API}/user/token",
            json_body={"AccessToken": token},
            headers={"Authorization": f"Bearer {token}"},
            auth=False,
        )
    )
    fresh = ((body or {}).get("JwtToken") or {}).get("Token") if isinstance(body, dict) else None
    if not ctx.verdict(
        label, AUTH_REJECTED, isinstance(fresh, str), "token refresh returned no token", ctx.shown(body)
    ):
        return
    assert isinstance(fresh, str)
    ctx.redactor.add(fresh)
    works = ctx.call("GET", f"{API}/user", headers={"Authorization": f"Bearer {fresh}"}, auth=False)
    ctx.verdict(
        label,
        AUTH_REJECTED,
        works is not None and works.status_code == 200,
        "a refreshed token is not accepted",
        f"answered {getattr(works, 'status_code', None)}",
    )
    forged = ctx.call("GET", f"{API}/user", headers={"Authorization": f"Bearer {fresh[:-6]}AAAAAA"}, auth=False)
    ctx.verdict(
        label,
        AUTH_REJECTED,
        forged is not None and forged.status_code in (401, 403),
        "a forged token is accepted",
        f"answered {getattr(forged, 'status_code', None)}",
    )


PROJECT = "apiconform-round-trip"


def _project_round_trip(ctx: ScenarioContext, service: dict[str, Any] | None) -> None:
    """crud_roundtrip on a scratch project: create -> read back equal -> update -> read back -> attach and detach a
    workflow and a storage -> delete -> 404 (deleted also when a step before failed)."""
    label = "POST /api/v1/projects"
    created = json_of(ctx.call("POST", f"{API}/projects", json_body={"Name": PROJECT}))
    project = created.get("Project") if isinstance(created, dict) else None
    if not ctx.verdict(
        label,
        CRUD_ROUNDTRIP,
        isinstance(project, dict) and isinstance(project.get("Id"), str) and bool(project["Id"]),
        "creating a project returned no project",
        ctx.shown(created),
    ):
        return
    assert isinstance(project, dict)
    path = f"{API}/projects/{by_id.item(project['Id'])}"
    if _project_read_update(ctx, path):
        _project_links(ctx, path, service)
    ctx.call("DELETE", path)
    gone = ctx.call("GET", path)
    ctx.verdict(
        "DELETE /api/v1/projects/{id}",
        CRUD_ROUNDTRIP,
        gone is not None and gone.status_code == 404,
        "a deleted project is still served",
        f"answered {getattr(gone, 'status_code', None)}",
        "404",
    )


def _project_read_update(ctx: ScenarioContext, path: str) -> bool:
    read = json_of(ctx.call("GET", path))
    if not ctx.verdict(
        "POST /api/v1/projects",
        CRUD_ROUNDTRIP,
        isinstance(read, dict) and read.get("Name") == PROJECT,
        "a created project reads back differently",
        f"read {read}",
    ):
        return False
    json_of(ctx.call("PUT", path, json_body={"Name": f"{PROJECT}-renamed"}))
    read = json_of(ctx.call("GET", path))
    return ctx.verdict(
        "PUT /api/v1/projects/{id}",
        CRUD_ROUNDTRIP,
        isinstance(read, dict) and read.get("Name") == f"{PROJECT}-renamed",
        "an updated project reads back unchanged",
        f"read {read}",
    )


def _project_links(ctx: ScenarioContext, path: str, service: dict[str, Any] | None) -> None:
    """Attach the listed service's scan workflow and its storage (every service is a storage, same id) to the
    scratch project, then detach them: each answer shows the project with the ids linked, then unlinked."""
    workflow = (service or {}).get("ScanWorkflowId")
    links = {
        "workflows": ("WorkflowIds", [workflow] if isinstance(workflow, str) and workflow else []),
        "storages": ("StorageIds", [service["Id"]] if service is not None else []),
    }
    for kind, (field, ids) in links.items():
        for verb in ("attach", "detach"):
            answer = json_of(ctx.call("POST", f"{path}/{kind}/{verb}", json_body={"Ids": ids}))
            project = answer.get("Project") if isinstance(answer, dict) else None
            shown = project.get(field) if isinstance(project, dict) else None
            linked = [i for i in ids if isinstance(shown, list) and i in shown]
            ctx.verdict(
                f"POST /api/v1/projects/{{id}}/{kind}/{verb}",
                CRUD_ROUNDTRIP,
                isinstance(shown, list) and linked == (ids if verb == "attach" else []),
                f"{verb}ing {kind} is not reflected in the project answered",
                f"{verb} {ids}: {field} {shown}",
            )
