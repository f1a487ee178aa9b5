"""Code Insight: each recorded deviation, re-typed by hand in the observed shape, passes the observed contract as a
known deviation (citing its evidence) and fails the documented one naming the field (specs/evidence/code-insight.yaml,
specs/overlays/code-insight.observed.yaml)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.specs.observed.judging import judge, request_errors

SURFACE = "code-insight"
# A job as the documents show it, with realistic values.
JOB: dict[str, Any] = {
    "id": 4211,
    "jobType": "Project Scan",
    "project": {"id": 17, "name": "payments-service"},
    "server": {"id": 1, "name": "core"},
    "status": "Completed",
    "triggeredBy": {"id": 3, "user": "jdoe"},
    "queuedOn": "2024-03-18 09:12:40.0",
    "activatedOn": "2024-03-18 09:12:41.0",
    "completedOn": "2024-03-18 09:14:02.0",
    "jobDetails": "Project Scan for project 17",
    "error": "",
}
WITHOUT_SERVER = {k: v for k, v in JOB.items() if k != "server"}

DEVIATIONS = [
    # (evidence id, job in the observed shape, the field the documented contract names)
    ("CI-OBS-001", {**JOB, "status": "COMPLETED"}, "status"),
    ("CI-OBS-001", {**JOB, "status": "WAITING_ON_UPDATE"}, "status"),
    ("CI-OBS-003", {**JOB, "jobType": "Audit Report"}, "jobType"),
    ("CI-OBS-003", {**JOB, "jobType": "Custom Report"}, "jobType"),
    ("CI-OBS-003", {**JOB, "jobType": "Data Garbage Collection"}, "jobType"),
    ("CI-OBS-005", WITHOUT_SERVER, "server"),
]


@pytest.mark.parametrize(("evidence", "job", "field"), DEVIATIONS, ids=lambda v: v if isinstance(v, str) else None)
@pytest.mark.parametrize("operation", ["getJobById", "getJobs"])
def test_observed_job_is_a_known_deviation_and_a_documented_failure(
    evidence: str, job: dict[str, Any], field: str, operation: str
) -> None:
    body = job if operation == "getJobById" else [JOB, job]
    observed = judge(SURFACE, "observed", operation, 200, body)
    assert not observed.failed, observed.says()
    assert evidence in observed.evidence
    documented = judge(SURFACE, "documented", operation, 200, body)
    assert documented.names(field), documented.says()


def test_the_vendor_model_job_with_every_deviation_at_once() -> None:
    job = {**WITHOUT_SERVER, "status": "FAILED", "jobType": "Notices Report", "error": "Notices update failed"}
    assert not judge(SURFACE, "observed", "getJobById", 200, job).failed
    documented = judge(SURFACE, "documented", "getJobById", 200, job)
    assert all(documented.names(name) for name in ("server", "status", "jobType")), documented.says()


@pytest.mark.parametrize("status", ["Completed", "NEW", "Waiting on update"])
def test_the_documented_spellings_stay_valid_the_status_is_widened_not_replaced(status: str) -> None:
    # CI-OBS-002: the vendor's own script waits for "Completed"; the observed contract keeps it.
    for mode in ("observed", "documented"):
        assert not judge(SURFACE, mode, "getJobById", 200, {**JOB, "status": status}).failed


def test_a_status_neither_contract_knows_still_fails_both() -> None:
    for mode in ("observed", "documented"):
        assert judge(SURFACE, mode, "getJobById", 200, {**JOB, "status": "DONE"}).names("status")


def test_the_job_type_filter_takes_the_unprefixed_report_names() -> None:
    # CI-OBS-004: a client built from the vendor's model filters by `Audit Report`.
    assert request_errors(SURFACE, "observed", "getJobs", "jobType", "Audit Report") == []
    assert request_errors(SURFACE, "observed", "getJobs", "jobType", "Report - Audit Report") == []
    assert request_errors(SURFACE, "documented", "getJobs", "jobType", "Audit Report")
    # A maintenance job type is something servers report, not something the filter lists.
    assert request_errors(SURFACE, "observed", "getJobs", "jobType", "Data Garbage Collection")
    # The status filter keeps the title case the vendor model gives it too.
    assert request_errors(SURFACE, "observed", "getJobs", "status", "COMPLETED")


@pytest.mark.parametrize(
    ("evidence", "operation", "status", "body"),
    [
        ("CI-OBS-007", "updateProjectNotices", 202, {"message": "Notices update queued, job id: 4212"}),
        ("CI-OBS-012", "getJobById", 404, {"Error: ": "Job 9 not found", "Arguments: ": ["9"], "Key: ": "JobNotFound"}),
        ("CI-OBS-012", "getJobs", 400, {"Error: ": "bad limit", "Arguments: ": [], "Key: ": "InvalidRequestParameter"}),
    ],
)
def test_shapes_the_documents_leave_open_pass_both_contracts(
    evidence: str, operation: str, status: int, body: dict[str, Any]
) -> None:
    # Recorded (the observed mock answers in them) but nothing to overlay: no body is documented for these statuses.
    for mode in ("observed", "documented"):
        assert not judge(SURFACE, mode, operation, status, body).failed, evidence
