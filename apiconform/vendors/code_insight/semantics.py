"""What a Code Insight client relies on beyond shapes: paging, filters, descending order, queued jobs."""

from __future__ import annotations

from typing import Any

import httpx

from apiconform.runner.preflight import expect_success, require_credentials
from apiconform.runner.scenarios.base import ScenarioContext, json_of
from apiconform.runner.scenarios.jobs import AsyncJob, check_async_job
from apiconform.runner.scenarios.pagination import Paging, check_paging
from apiconform.vendors.code_insight import observed

TERMINAL = frozenset({"Completed", "Failed", "Canceled", "Terminated"})
# Under the observed contract a job may also end in the vendor model's upper-case spelling (CI-OBS-001).
TERMINAL_OBSERVED = TERMINAL | {observed.status(s) for s in TERMINAL}


def auth_headers(credentials: dict[str, Any]) -> dict[str, str]:
    token = credentials.get("token")
    return {"Authorization": f"Bearer {token}"} if token else {}


def preflight(ctx: ScenarioContext) -> None:
    keys = require_credentials(ctx, ("token",))
    expect_success(ctx, "GET /jobs", ctx.call("GET", "/jobs", params={"limit": 1}), keys)


def discover(ctx: ScenarioContext) -> dict[str, Any]:
    """Real ids from one read-only call, so positive cases hit existing jobs and projects."""
    jobs = json_of(ctx.call("GET", "/jobs", params={"limit": 5}))
    if not isinstance(jobs, list) or not jobs or not isinstance(jobs[0], dict):
        return {}
    found: dict[str, Any] = {"jobId": jobs[0].get("id")}
    project = jobs[0].get("project")
    if isinstance(project, dict) and isinstance(project.get("id"), int):
        found["projectId"] = project["id"]
    return {k: v for k, v in found.items() if v is not None}


def prepare_example(ctx: ScenarioContext, operation: Any, body: Any) -> Any:
    """Documented request examples need no substitution here (no body credentials)."""
    return body


def _job_id(response: httpx.Response) -> Any:
    body = json_of(response)
    if isinstance(body, dict):
        for key in ("jobId", "id"):
            if isinstance(body.get(key), int):
                return body[key]
        # CI-OBS-007: the notices 202 says the id in its message, after the colon.
        message = body.get("message")
        tail = message.rsplit(":", 1)[-1].strip() if isinstance(message, str) and ":" in message else ""
        if tail.isdigit():
            return int(tail)
    location = response.headers.get("location", "")
    tail = location.rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def run_scenarios(ctx: ScenarioContext) -> None:
    project_id = ctx.discovery.get("projectId", 1)
    check_paging(
        ctx,
        "GET /jobs",
        Paging(
            operation_id="getJobs",
            limit="limit",
            offset="offset",
            order_key=lambda job: job.get("id") if isinstance(job, dict) else 0,
            out_of_range=(("limit", 0), ("offset", 0), ("jobsHistoryInDays", 3651), ("jobsHistoryInDays", -1)),
            filters=(
                # Either spelling of the status is the filtered one (CI-OBS-001); the filter takes title case.
                ("status", "Failed", lambda job: observed.documented_status(job.get("status"))),
                ("jobType", "Project Scan", lambda job: job.get("jobType")),
                ("projectId", project_id, lambda job: (job.get("project") or {}).get("id")),
            ),
        ),
    )
    if not ctx.allow_writes:
        return
    for label, path in (
        ("POST /jobs/sbomexport/{projectId}", f"/jobs/sbomexport/{project_id}"),
        ("POST /jobs/notices/{projectId}", f"/jobs/notices/{project_id}"),
    ):
        check_async_job(
            ctx,
            label,
            AsyncJob(
                start_path=path,
                job_path=lambda job_id: f"/jobs/{job_id}",
                job_id=_job_id,
                status=lambda body: body.get("status") if isinstance(body, dict) else None,
                terminal=TERMINAL_OBSERVED if ctx.view.mode == "observed" else TERMINAL,
                timeout_s=ctx.profile.async_timeout,
            ),
        )
