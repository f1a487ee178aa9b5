"""SD Elements: each recorded deviation, re-typed by hand in the observed shape, passes the observed contract as a
known deviation (citing its evidence) and fails the documented one naming the field or status
(specs/evidence/sd-elements.yaml, specs/overlays/sd-elements.observed.yaml)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.specs.observed.judging import judge, request_errors

SURFACE = "sd-elements"
CONNECTION = {"alias": "Payments JIRA", "command": "run_payments_jira", "frequency": "daily", "id": 31, "project": 4,
              "system": "JIRA"}  # fmt: skip
# A job as our document shows it, with realistic values.
JOB: dict[str, Any] = {
    "id": 812,
    "user": 7,
    "succeeded": True,
    "automatic": False,
    "ready": 214,
    "result_message": "Synchronized 12 tasks with JIRA",
    "last_run": "2024-05-02T14:21:07.118204Z",
    "connection": CONNECTION,
}
USER_OBJECT = {"id": 7, "email": "r.okafor@example.com", "first_name": "Rita", "last_name": "Okafor"}
READS = ["getAlmJob", "getAllAlmJobs", "getAnalysisJob", "getAllAnalysisJobs"]
POSTS = ["postAlmJobResults", "postAlmJobResultsWithoutProject", "postAnalysisJobResults",
         "postAnalysisJobResultsWithoutProject"]  # fmt: skip


def _answer(operation: str, job: dict[str, Any]) -> Any:
    return {"results": [JOB, job]} if operation.startswith("getAll") else job


@pytest.mark.parametrize("user", ["r.okafor@example.com", USER_OBJECT], ids=["e-mail", "expanded"])
@pytest.mark.parametrize("operation", READS + POSTS[:1])
def test_user_by_email_or_object_is_a_known_deviation(operation: str, user: Any) -> None:
    status = 201 if operation in POSTS else 200
    body = _answer(operation, {**JOB, "user": user})
    observed = judge(SURFACE, "observed", operation, status, body)
    assert not observed.failed, observed.says()
    assert "SDE-OBS-002" in observed.evidence
    documented = judge(SURFACE, "documented", operation, 200, body)
    assert documented.names("user"), documented.says()


@pytest.mark.parametrize("operation", POSTS)
def test_201_created_is_a_known_deviation(operation: str) -> None:
    observed = judge(SURFACE, "observed", operation, 201, JOB)
    assert not observed.failed, observed.says()
    assert "SDE-OBS-001" in observed.evidence
    documented = judge(SURFACE, "documented", operation, 201, JOB)
    assert [v.check for v in documented.failed] == ["status_code_conformance"]
    assert "201" in documented.failed[0].message
    # Widened, not replaced: the documented 200 stays valid, and the 201 body is still the job.
    assert not judge(SURFACE, "observed", operation, 200, JOB).failed
    assert judge(SURFACE, "observed", operation, 201, {**JOB, "user": "no e-mail"}).names("user")


def test_a_user_that_is_neither_id_nor_email_nor_user_object_still_fails() -> None:
    for user in ("admin", {"email": "admin@example.com"}, None):
        assert judge(SURFACE, "observed", "getAlmJob", 200, {**JOB, "user": user}).names("user")


QUEUE = {"connection": 31, "automatic": False, "ready": False}  # starts an ALM sync / analysis import
RESULTS = {"connection": 31, "automatic": True, "succeeded": True, "result_message": "Imported 40 findings"}


@pytest.mark.parametrize("operation", POSTS)
@pytest.mark.parametrize("body", [QUEUE, {**RESULTS, "ready": True}], ids=["queue", "results-ready"])
def test_ready_in_a_job_post_is_accepted_by_the_observed_contract_only(operation: str, body: dict[str, Any]) -> None:
    # SDE-OBS-004: the documented body is closed and needs result_message and succeeded.
    assert request_errors(SURFACE, "observed", operation, "body", body) == []
    refused = request_errors(SURFACE, "documented", operation, "body", body)
    assert any("ready" in v.message for v in refused), refused


def test_results_without_ready_false_still_need_their_result_members() -> None:
    # The widening is scoped: only a queueing body (`ready: false`) may leave result_message and succeeded out.
    for body in ({"connection": 31, "automatic": False}, {**QUEUE, "ready": True}):
        refused = request_errors(SURFACE, "observed", "postAlmJobResults", "body", body)
        assert any("result_message" in v.message for v in refused), refused
    assert request_errors(SURFACE, "observed", "postAlmJobResults", "body", {**QUEUE, "extra": 1})


def test_expand_is_a_query_parameter_of_the_observed_job_reads() -> None:
    for operation in READS:
        assert request_errors(SURFACE, "observed", operation, "expand", "user,triggered_by") == []


@pytest.mark.parametrize(
    ("evidence", "operation", "body"),
    [
        ("SDE-OBS-003", "getAlmJob", {**JOB, "ready": True}),
        ("SDE-OBS-005", "getAnalysisJob", {**JOB, "triggered_by": "r.okafor@example.com"}),
        ("SDE-OBS-007", "getAllAlmJobs", {"count": 1, "next": None, "previous": None, "results": [JOB]}),
    ],
)
def test_shapes_the_documents_leave_open_pass_both_contracts(evidence: str, operation: str, body: Any) -> None:
    # Recorded (the observed mock answers in them) but nothing to overlay: the documented schemas accept them.
    for mode in ("observed", "documented"):
        assert not judge(SURFACE, mode, operation, 200, body).failed, evidence
