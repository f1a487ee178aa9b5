"""What an SD Elements client relies on: list filters filter, posted job results can be read back."""

from __future__ import annotations

from typing import Any

from apiconform.contract import VirtualOperation
from apiconform.runner.preflight import expect_success, require_credentials
from apiconform.runner.scenarios.base import ScenarioContext, json_of
from apiconform.runner.scenarios.crud import CRUD_ROUNDTRIP
from apiconform.runner.scenarios.pagination import check_filters


def auth_headers(credentials: dict[str, Any]) -> dict[str, str]:
    token = credentials.get("token")
    return {"Authorization": f"Token {token}"} if token else {}


def _results(body: Any) -> list[Any] | None:
    results = body.get("results") if isinstance(body, dict) else None
    return results if isinstance(results, list) else None


def _connection(job: Any) -> dict[str, Any]:
    connection = job.get("connection") if isinstance(job, dict) else None
    return connection if isinstance(connection, dict) else {}


def preflight(ctx: ScenarioContext) -> None:
    keys = require_credentials(ctx, ("token",))
    expect_success(ctx, "GET /api/v2/jobs/alm/", ctx.call("GET", "/api/v2/jobs/alm/"), keys)


def discover(ctx: ScenarioContext) -> dict[str, Any]:
    jobs = _results(json_of(ctx.call("GET", "/api/v2/jobs/alm/"))) or []
    job = next((j for j in jobs if isinstance(j, dict) and _connection(j).get("project")), None)
    if job is None:
        return {}
    return {
        "job_id": job.get("id"),
        "project_id": _connection(job).get("project"),
        "connection": _connection(job).get("id"),
    }


def prepare_example(ctx: ScenarioContext, operation: VirtualOperation, body: Any) -> Any:
    """Documented result bodies name connection 12: point them at a connection that exists on this server."""
    if isinstance(body, dict) and "connection" in body and "connection" in ctx.discovery:
        return {**body, "connection": ctx.discovery["connection"]}
    return body


def _field(name: str) -> Any:
    return lambda job: job.get(name) if isinstance(job, dict) else None


def _user_id(job: Any) -> Any:
    """The id of a job's user: the documented integer, or the id of the `expand=user` object (SDE-OBS-002)."""
    user = job.get("user") if isinstance(job, dict) else None
    return user.get("id") if isinstance(user, dict) else user


def run_scenarios(ctx: ScenarioContext) -> None:
    # Later versions name a job's user by e-mail; `expand=user` gives the object with the id the filter takes.
    expand = {"expand": "user"} if ctx.view.mode == "observed" else {}
    for kind in ("alm", "analysis"):
        path = f"/api/v2/jobs/{kind}/"
        jobs = _results(json_of(ctx.call("GET", path, params=expand or None))) or []
        sample = next((j for j in jobs if isinstance(j, dict)), {})
        filters: list[tuple[str, Any, Any]] = [
            ("automatic", True, _field("automatic")),
            ("succeeded", False, _field("succeeded")),
        ]
        if isinstance(_user_id(sample), int):
            filters.append(("user", _user_id(sample), _user_id))
        if isinstance(_connection(sample).get("id"), int):
            filters.append(("connection", _connection(sample)["id"], lambda job: _connection(job).get("id")))
        check_filters(ctx, f"GET {path}", path, _results, tuple(filters), expand)
        if ctx.allow_writes and _connection(sample).get("project"):
            _post_and_read_back(ctx, kind, sample)


def _post_and_read_back(ctx: ScenarioContext, kind: str, sample: dict[str, Any]) -> None:
    """crud_roundtrip (create -> read back): the API documents no update or delete for job results."""
    project = _connection(sample)["project"]
    label = f"POST /api/v2/projects/{{project_id}}/jobs/{kind}/"
    body = {
        "connection": _connection(sample)["id"],
        "succeeded": True,
        "automatic": False,
        "result_message": "apiconform round trip",
    }
    response = ctx.call("POST", f"/api/v2/projects/{project}/jobs/{kind}/", json_body=body)
    created = json_of(response)
    if response is None or not ctx.verdict(
        label,
        CRUD_ROUNDTRIP,
        response.status_code in (200, 201) and isinstance(created, dict) and "id" in created,
        "posting a job result did not return the stored job",
        f"answered {getattr(response, 'status_code', None)}",
    ):
        return
    assert isinstance(created, dict)
    read = json_of(ctx.call("GET", f"/api/v2/jobs/{kind}/{created['id']}"))
    same = isinstance(read, dict) and all(read.get(k) == created.get(k) for k in ("id", "succeeded", "result_message"))
    ctx.verdict(
        label,
        CRUD_ROUNDTRIP,
        same,
        "posted job result reads back differently",
        f"posted {created}, read {read}",
        "the stored job, unchanged",
    )
