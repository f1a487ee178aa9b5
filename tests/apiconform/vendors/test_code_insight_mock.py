"""The Code Insight mock in both modes: documented answers stay as the Jobs document shows them; observed answers
are those of the vendor's own job model (specs/overlays/code-insight.observed.yaml, specs/evidence/code-insight.yaml).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import apiconform.mocks
from apiconform.mocks import Clock
from apiconform.mocks.behaviour import Behaviour
from apiconform.validation import SchemaValidator
from apiconform.vendors.code_insight import observed as forms
from apiconform.vendors.code_insight import seed

START = 1_750_000_000.0
JOB = {"$ref": "#/components/schemas/Job"}
ERROR_KEYS = {"Error: ", "Arguments: ", "Key: "}


class Client:
    """A synchronous view of one mock app (no network, no ports)."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.app = apiconform.mocks.app(behaviour)

    def request(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        headers = self.behaviour.auth_headers() if auth else {}

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://ci.test/codeinsight/api") as client:
                return await client.request(method, path.lstrip("/"), headers=headers, **kwargs)

        return asyncio.run(send())

    def jobs(self, **query: Any) -> list[dict[str, Any]]:
        response = self.request("GET", "/jobs", params={"limit": 400, **query})
        assert response.status_code == 200, response.text
        jobs: list[dict[str, Any]] = response.json()
        return jobs

    def valid(self, job: Any) -> bool:
        return SchemaValidator(self.behaviour.spec.document).errors(job, JOB) == []


def make(contract: str) -> Client:
    return Client(apiconform.mocks.behaviour("code-insight", clock=Clock(START), contract=contract))


@pytest.fixture(scope="module")
def documented() -> Client:
    return make("documented")


@pytest.fixture(scope="module")
def observed() -> Client:
    return make("observed")


def test_documented_jobs_keep_the_documented_forms(documented: Client) -> None:
    jobs = documented.jobs()
    assert len(jobs) == seed.JOB_COUNT and all(documented.valid(j) for j in jobs)
    assert {j["status"] for j in jobs} == set(seed.STATUSES)
    assert {j["jobType"] for j in jobs} == set(seed.JOB_TYPES)
    assert all(j["server"] == seed.SERVER and set(j["triggeredBy"]) == {"login", "name"} for j in jobs)
    assert documented.request("GET", "/jobs/987654").json() == {"error": "Job 987654 not found"}
    assert documented.request("POST", "/jobs/notices/1").json().keys() == {"jobId"}


def test_observed_jobs_are_written_as_the_vendor_job_model(observed: Client) -> None:
    jobs = observed.jobs()
    assert all(observed.valid(j) for j in jobs)
    assert not any("server" in j for j in jobs)  # CI-OBS-005
    assert {j["status"] for j in jobs} == set(forms.UPPER_STATUS.values())  # CI-OBS-001
    types = {j["jobType"] for j in jobs}  # CI-OBS-003
    assert {"Audit Report", "Custom Report", "Data Garbage Collection"} <= types
    assert not any(t.startswith("Report - ") for t in types)
    assert all(set(j["triggeredBy"]) == {"id", "user"} for j in jobs)  # CI-OBS-006


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "Failed"}, {"FAILED"}),
        ({"jobType": "Audit Report"}, {"Audit Report"}),
        ({"jobType": "Report - Audit Report"}, {"Audit Report"}),
        ({"jobType": "Custom Report"}, {"Custom Report"}),
    ],
)
def test_observed_filters_take_the_documented_and_the_vendor_spelling(
    observed: Client, documented: Client, query: dict[str, str], expected: set[str]
) -> None:
    got = observed.jobs(**query)
    assert got and {j["status" if "status" in query else "jobType"] for j in got} == expected
    if query.get("jobType") in ("Audit Report", "Custom Report"):
        assert documented.request("GET", "/jobs", params=query).status_code == 400  # not a documented value


def test_observed_notices_message_names_the_job_that_then_completes() -> None:
    observed = make("observed")  # its own: this test queues a job and moves the clock
    queued = observed.request("POST", "/jobs/notices/3", params={"overwriteAll": "true"})
    assert queued.status_code == 202
    job_id = int(queued.json()["message"].split(":")[1])  # how the vendor's own script reads it (CI-OBS-007)
    assert observed.request("GET", f"/jobs/{job_id}").json()["status"] == "NEW"
    observed.behaviour.clock.advance(1)
    assert observed.request("GET", f"/jobs/{job_id}").json()["status"] == "COMPLETED"


@pytest.mark.parametrize(
    ("method", "path", "auth", "status"),
    [("GET", "/jobs/987654", True, 404), ("POST", "/jobs/sbomexport/4242", True, 404), ("GET", "/jobs", False, 401)],
)
def test_observed_errors_carry_the_colon_suffixed_members(
    observed: Client, method: str, path: str, auth: bool, status: int
) -> None:
    response = observed.request(method, path, auth=auth)
    assert response.status_code == status
    body = response.json()  # CI-OBS-012
    assert body.keys() == ERROR_KEYS and isinstance(body["Arguments: "], list) and body["Error: "]
    invalid = observed.request("GET", "/jobs", params={"limit": 0})
    assert invalid.status_code == 400 and invalid.json().keys() == ERROR_KEYS
