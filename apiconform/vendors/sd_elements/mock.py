"""SD Elements mock: `Authorization: Token <token>` auth, filtered ALM and analysis job lists, posted job results.

ALM jobs and analysis jobs are two tables with their own ids and their own connections. Posting results (at
the project path or at the document's endpoint-line path, SDE-07/SDE-11/SDE-20/SDE-24) records a new finished
job that later reads return. Error statuses are chosen by the base class from what each operation documents.
In observed mode (`self.observed`) jobs are written as later SD Elements versions write them (`observed.py`), job
POSTs answer 201, and a POST with `ready: false` queues a job that becomes ready after a short run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from apiconform.mocks.behaviour import Behaviour, Handler, MockRequest, MockResponse
from apiconform.openapi import Operation
from apiconform.vendors import _tokens
from apiconform.vendors.sd_elements import observed, seed

KINDS = ("alm", "analysis")
FILTERS = ("automatic", "connection", "ready", "succeeded", "user")
DEFAULT_USER = 1  # who a request is attributed to when the `auth-not-enforced` fault lets it in unauthenticated


@dataclass
class _Table:
    """One kind of job (ALM or analysis) with the connections its jobs run on."""

    kind: str
    connections: dict[int, dict[str, Any]]
    jobs: dict[int, dict[str, Any]] = field(default_factory=dict)

    def next_id(self) -> int:
        return max(self.jobs, default=0) + 1


class SdElementsMock(Behaviour):
    surface = "sd-elements"
    capabilities = frozenset({"filters", "rest", "lost-writes"})
    #: 404 last: Django answers a non-integer job id in the URL with 404, where an operation documents no 400.
    invalid_request_statuses = ("400", "422", "404")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = self.clock.now()
        self._users = {user.id: user for user in seed.USERS}
        self._token_users = {self.user_token(user.id): user.id for user in seed.USERS}
        self._projects = seed.projects()
        alm = _Table("alm", seed.alm_connections(self.seed))
        alm.jobs = {job["id"]: job for job in seed.alm_jobs(self.seed, alm.connections, now)}
        analysis = _Table("analysis", seed.analysis_connections(self.seed))
        analysis.jobs = {job["id"]: job for job in seed.analysis_jobs(self.seed, analysis.connections, now)}
        self._tables = {"alm": alm, "analysis": analysis}

    # -- credentials -------------------------------------------------------------------------------------------

    def user_token(self, user_id: int) -> str:
        """The API token of a seed user: 40 hex characters, like SD Elements' own."""
        return _tokens.hex_token(self.seed, f"sd-elements-api-token-{user_id}", 40)

    def credentials(self) -> dict[str, str]:
        return {"token": self.user_token(DEFAULT_USER)}

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.user_token(DEFAULT_USER)}"}

    def authenticate(self, operation: Operation, headers: dict[str, str], raw_body: bytes) -> dict[str, Any] | None:
        # The document writes `Token "YOUR SDE ACCESS TOKEN"` (SDE-28): the token is accepted with or without quotes.
        token = _tokens.bearer(headers, "Token")
        user_id = self._token_users.get(token) if token else None
        if user_id is None:
            return None
        return {"user": user_id, "edits_connections": self._users[user_id].edits_connections}

    def decode_body(self, operation: Operation, raw_body: bytes, content_type: str) -> tuple[Any, str | None]:
        # The document's POST examples send no Content-Type (SDE-09/14/21/26): a body without one is read as
        # JSON, the format shown; any other declared media type is still refused.
        return super().decode_body(operation, raw_body, content_type.strip() or "application/json")

    # -- error bodies: Django REST framework's {"detail": ...} ---------------------------------------------------

    def unauthorized(self, operation: Operation) -> MockResponse:
        response = super().unauthorized(operation)
        response.body = {"detail": "Authentication credentials were not provided or the token is invalid."}
        if response.status == 401:
            response.headers = {"WWW-Authenticate": "Token"}
        return response

    def invalid(self, operation: Operation, message: str) -> MockResponse:
        response = super().invalid(operation, message)
        response.body = {"detail": message}
        return response

    def not_found(self, operation: Operation, message: str = "Not found.") -> MockResponse:
        response = super().not_found(operation, message)
        response.body = {"detail": message}
        return response

    # -- handlers ----------------------------------------------------------------------------------------------

    def handlers(self) -> dict[str, Handler]:
        return {
            "getAllAlmJobs": lambda r: self._list(r, "alm"),
            "postAlmJobResultsWithoutProject": lambda r: self._post(r, "alm"),
            "getAlmJob": lambda r: self._get(r, "alm"),
            "postAlmJobResults": lambda r: self._post(r, "alm"),
            "getAllAnalysisJobs": lambda r: self._list(r, "analysis"),
            "postAnalysisJobResultsWithoutProject": lambda r: self._post(r, "analysis"),
            "getAnalysisJob": lambda r: self._get(r, "analysis"),
            "postAnalysisJobResults": lambda r: self._post(r, "analysis"),
        }

    def _list(self, request: MockRequest, kind: str) -> MockResponse:
        stored = sorted(self._tables[kind].jobs.values(), key=lambda j: int(j["id"]))
        jobs = [self._current(job) for job in stored]
        if "filter-ignored" not in self.faults:
            jobs = [job for job in jobs if matches(job, request.query)]
        expand = observed.expanded(request.query)
        results = [self._render(kind, job, request.principal, expand) for job in jobs]
        return MockResponse(200, observed.page(results) if self.observed else {"results": results})

    def _get(self, request: MockRequest, kind: str) -> MockResponse:
        job_id = request.path["job_id"]
        job = self._tables[kind].jobs.get(job_id)
        if job is None:
            return self.not_found(request.operation)
        return MockResponse(
            200, self._render(kind, self._current(job), request.principal, observed.expanded(request.query))
        )

    def _current(self, job: dict[str, Any]) -> dict[str, Any]:
        """A queued job (observed `ready: false` POST) as the clock has it: not ready until its run is over, then
        with the outcome it was posted with."""
        done_at = job.get("done_at")
        return job if done_at is None or self.clock.now() < done_at else {**job, **job["outcome"]}

    def _post(self, request: MockRequest, kind: str) -> MockResponse:
        """Record the posted results as a new finished job of the connection they name (observed mode: a body with
        `ready: false` queues a run instead)."""
        table = self._tables[kind]
        project_id = request.path.get("project_id")  # absent on the endpoint-line path: the connection says
        if project_id is not None and project_id not in self._projects:
            return self.not_found(request.operation, f"Project {project_id} not found.")
        results = request.body if isinstance(request.body, dict) else {}
        connection_id = results.get("connection")
        connection = table.connections.get(connection_id) if _is_int(connection_id) else None
        if connection is None or (project_id is not None and connection["project"] != project_id):
            where = f" in project {project_id}" if project_id is not None else ""
            label = "ALM" if kind == "alm" else "security tool"
            return self.not_found(request.operation, f"No {label} connection {connection_id!r}{where}.")
        job_id = table.next_id()
        job = {
            "id": job_id,
            "user": request.principal.get("user", DEFAULT_USER),
            "succeeded": results.get("succeeded") is True,
            "automatic": results.get("automatic") is True,
            "ready": seed.run_seconds(random.Random(f"{self.seed}:{kind}-posted:{job_id}")),
            "result_message": str(results.get("result_message", "")),
            "last_run": self.clock.now(),
            "connection": connection["id"],
        }
        if results.get("ready") is False:  # only the observed contract lets `ready` in (SDE-OBS-004): queue a run
            outcome = {key: job[key] for key in ("ready", "result_message")}
            outcome["succeeded"] = results.get("succeeded", True) is True  # a queued run succeeds unless told
            job.update(ready=0, succeeded=False, result_message="", outcome=outcome)
            job["done_at"] = self.clock.now() + observed.QUEUED_RUN_S
        if "writes-lost" not in self.faults:
            table.jobs[job_id] = job
        # SDE-OBS-001: later versions answer a job-creating POST with 201 Created.
        return MockResponse(201 if self.observed else 200, self._render(kind, job, request.principal))

    def _render(
        self, kind: str, job: dict[str, Any], principal: dict[str, Any], expand: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        """A fresh JSON object (fault profiles mutate answers in place): params only for connection editors."""
        stored = self._tables[kind].connections[job["connection"]]
        connection = {key: value for key, value in stored.items() if key != "params"}
        if principal.get("edits_connections", True):
            connection["params"] = dict(stored["params"])
        rendered = {
            "id": job["id"],
            "user": job["user"],
            "succeeded": job["succeeded"],
            "automatic": job["automatic"],
            "ready": job["ready"],
            "result_message": job["result_message"],
            "last_run": seed.timestamp(job["last_run"]),
            "connection": connection,
        }
        if not self.observed:
            return rendered
        return observed.job(rendered, self._users[job["user"]], job["automatic"], expand)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def matches(job: dict[str, Any], query: dict[str, Any]) -> bool:
    """Whether a stored job passes every filter in `query` (values typed by the spec)."""
    for name in FILTERS:
        if name not in query:
            continue
        wanted = query[name]
        if name == "connection":
            actual: Any = job["connection"]
        elif name == "ready" and isinstance(wanted, bool):
            # `ready` is an integer in every example (SDE-04): 0 while running, non-zero once finished.
            actual = bool(job["ready"])
        else:
            actual = job[name]
        if type(actual) is not type(wanted) or actual != wanted:
            return False
    return True


MOCK = SdElementsMock
