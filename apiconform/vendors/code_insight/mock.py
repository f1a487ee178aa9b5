"""Code Insight mock: bearer auth, paged and filtered job listing, async jobs that advance with the clock.

Jobs are stored in the documented form; in observed mode (`self.observed`) they are written, and errors answered,
in the forms of the vendor's own job model (`observed.py`).
"""

from __future__ import annotations

from typing import Any

from apiconform.mocks.behaviour import Behaviour, Handler, MockRequest, MockResponse
from apiconform.openapi import Operation
from apiconform.vendors import _tokens
from apiconform.vendors.code_insight import observed, seed

# Seconds after queueing at which a queued job becomes Active, then Completed.
# A queued job's life in the mock, in (mock clock) seconds: short, so a run does not wait on it, yet long enough
# that a client polling it sees New, Active and then Completed.
ACTIVE_AFTER = 0.1
DONE_AFTER = 0.3
TERMINAL = frozenset({"Completed", "Failed", "Canceled", "Terminated"})


class CodeInsightMock(Behaviour):
    surface = "code-insight"
    capabilities = frozenset(
        {"response-enums", "paging", "filters", "documented-order", "rest", "lost-writes", "async-jobs"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._secret = _tokens.hex_token(self.seed, "code-insight-signing")
        self._token = _tokens.jwt({"sub": "admin", "iss": "codeinsight", "iat": 1700000000}, self._secret)
        job_types = seed.JOB_TYPES + (observed.MAINTENANCE_JOB_TYPES if self.observed else ())
        jobs = seed.seed_jobs(self.seed, self.clock.now(), job_types)
        self._jobs: dict[int, dict[str, Any]] = {j["id"]: j for j in jobs}
        self._next_id = max(self._jobs) + 1

    def credentials(self) -> dict[str, str]:
        return {"token": self._token}

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def authenticate(self, operation: Operation, headers: dict[str, str], raw_body: bytes) -> dict[str, Any] | None:
        token = _tokens.bearer(headers)
        claims = _tokens.decode_jwt(token, self._secret) if token else None
        return None if claims is None else {"user": claims.get("sub")}

    # -- error bodies: the documented {"error": ...}, or the server's three colon-suffixed members (CI-OBS-012) --

    def unauthorized(self, operation: Operation) -> MockResponse:
        response = super().unauthorized(operation)
        if self.observed:
            response.body = observed.error_body("A valid bearer token is required", "InvalidAuthToken")
        return response

    def invalid(self, operation: Operation, message: str) -> MockResponse:
        response = super().invalid(operation, message)
        if self.observed:
            response.body = observed.error_body(message, "InvalidRequestParameter")
        return response

    def _missing(self, request: MockRequest, what: str, ident: int) -> MockResponse:
        response = self.not_found(request.operation, f"{what} {ident} not found")
        if self.observed:
            response.body = observed.error_body(f"{what} {ident} not found", f"{what}NotFound", (str(ident),))
        return response

    def handlers(self) -> dict[str, Handler]:
        return {
            "exportProjectToSbomInsights": lambda r: self._queue(r, "Export to SBOM Insights"),
            "updateProjectNotices": lambda r: self._queue(r, "Update Notices"),
            "getJobById": self._get_job,
            "getJobs": self._list_jobs,
        }

    def _queue(self, request: MockRequest, job_type: str) -> MockResponse:
        project_id = request.path["projectId"]
        if project_id not in seed.PROJECT_IDS:
            return self._missing(request, "Project", project_id)
        job_id = self._next_id
        self._next_id += 1
        jobs = {} if "writes-lost" in self.faults else self._jobs
        jobs[job_id] = {
            "id": job_id,
            "jobType": job_type,
            "status": None,  # derived from the clock: New -> Active -> Completed
            "projectId": project_id,
            "triggeredBy": request.principal.get("user") or "admin",
            "queuedAt": self.clock.now(),
        }
        # Only the notices answer is evidenced with a `message` (CI-OBS-007); the export keeps the mock's {jobId}.
        body = observed.queued_message(job_id) if self.observed and job_type == "Update Notices" else {"jobId": job_id}
        return MockResponse(202, body, headers={"Location": f"jobs/{job_id}"})

    def _status(self, job: dict[str, Any]) -> str:
        if job["status"] is not None:
            return str(job["status"])
        age = self.clock.now() - job["queuedAt"]
        if "async-job-stuck" in self.faults:
            return "New" if age < ACTIVE_AFTER else "Active"
        return "New" if age < ACTIVE_AFTER else "Active" if age < DONE_AFTER else "Completed"

    def _render(self, job: dict[str, Any]) -> dict[str, Any]:
        status = self._status(job)
        queued = job["queuedAt"]
        active = queued + ACTIVE_AFTER if status != "New" else queued
        done = queued + DONE_AFTER if status in TERMINAL else active
        rendered = {
            "id": job["id"],
            "jobType": job["jobType"],
            "project": seed.project(job["projectId"]),
            "server": seed.SERVER,
            "status": status,
            "triggeredBy": seed.user(job["triggeredBy"]),
            "queuedOn": seed.timestamp(queued),
            "activatedOn": seed.timestamp(active),
            "completedOn": seed.timestamp(done),
            "jobDetails": f"{job['jobType']} for project {job['projectId']}",
            "error": "Job failed: see server log" if status == "Failed" else "",
        }
        return self._as_observed(rendered, job) if self.observed else rendered

    @staticmethod
    def _as_observed(rendered: dict[str, Any], job: dict[str, Any]) -> dict[str, Any]:
        """The vendor's job model: no `server` (CI-OBS-005), upper-case status (CI-OBS-001), report types without
        their prefix (CI-OBS-003), triggeredBy as {id, user} (CI-OBS-006)."""
        del rendered["server"]
        rendered["status"] = observed.status(rendered["status"])
        rendered["jobType"] = observed.job_type(rendered["jobType"])
        rendered["triggeredBy"] = observed.triggered_by(job["triggeredBy"], seed.user_id(job["triggeredBy"]))
        return rendered

    def _get_job(self, request: MockRequest) -> MockResponse:
        job = self._jobs.get(request.path["jobId"])
        if job is None:
            return self._missing(request, "Job", request.path["jobId"])
        return MockResponse(200, self._render(job))

    def _list_jobs(self, request: MockRequest) -> MockResponse:
        q = request.query
        jobs = sorted(self._jobs.values(), key=lambda j: j["id"], reverse="order-flipped" not in self.faults)
        if "filter-ignored" not in self.faults:
            jobs = [j for j in jobs if self._matches(j, q)]
        limit, page = int(q.get("limit", 25)), int(q.get("offset", 1))
        if "offset-ignored" in self.faults:
            page = 1
        start = (page - 1) * limit
        size = limit + 1 if "page-larger-than-limit" in self.faults else limit
        return MockResponse(200, [self._render(j) for j in jobs[start : start + size]])

    def _matches(self, job: dict[str, Any], q: dict[str, Any]) -> bool:
        if "jobType" in q and not observed.job_type_matches(job["jobType"], q["jobType"]):
            return False
        if "status" in q and self._status(job) != q["status"]:
            return False
        if "projectId" in q and job["projectId"] != q["projectId"]:
            return False
        if "triggeredBy" in q and job["triggeredBy"] != q["triggeredBy"]:
            return False
        days = int(q.get("jobsHistoryInDays", 0))
        return not (days and job["queuedAt"] < self.clock.now() - days * seed.DAY)


MOCK = CodeInsightMock
