"""Hand-built RunResults for the report tests: data and factories, no assertions.

`sample_result` holds two surfaces with a passing, a failing, an unexercised and an excluded operation, a waived
failure, and server text that is hostile to HTML, XML and Markdown. `matrix_result` is Mend-sized (139 operations),
for what only shows at that size: a header that must stay visible while the matrix scrolls, filters over many rows.
"""

from __future__ import annotations

from apiconform.runner.results import Exchange, Failure, OperationResult, RunResult, SurfaceResult

HOSTILE = "<script>alert(1)</script> ]]> & \x1b[31m `tick` | pipe @someone ![x](https://tracker.example/p.png)"
CANARY = "CANARY-7f3a9c1e-never-in-the-result"
# The check columns of a Mend run (crud_roundtrip only ever n/a here, as against a live server).
MATRIX_CHECKS = (
    "allow_header_conformance", "content_disposition", "content_type_conformance", "enum_documented", "example_replay",
    "ignored_auth", "missing_required_header", "negative_data_rejection", "not_a_server_error", "request_type_errors",
    "request_type_shape", "response_headers_conformance", "response_schema_conformance", "response_time",
    "status_code_conformance", "unsupported_method", "valid_credentials_accepted",
)  # fmt: skip


def make_op(surface: str, label: str, cases: int = 0, **kw: object) -> OperationResult:
    result = OperationResult(surface, label, operation_id=label.rsplit(maxsplit=1)[-1].strip("/#") or "root")
    result.cases = cases
    for key, value in kw.items():
        setattr(result, key, value)
    return result


def with_cells(op: OperationResult, **cells: tuple[int, int] | tuple[int, int, bool]) -> OperationResult:
    for check, counts in cells.items():
        cell = op.cell(check)
        cell.passed, cell.failed = counts[0], counts[1]
        cell.waived = len(counts) > 2 and bool(counts[2])
    return op


def make_failure(check: str, operation: str = "POST /jobs", waived_by: str | None = None) -> Failure:
    exchange = Exchange(
        method="POST",
        url="http://127.0.0.1:8001/jobs?x=<b>",
        request_headers={"Authorization": "[REDACTED]", "Content-Type": "application/json"},
        request_body='{"name": "<script>alert(1)</script>"}',
        status=500,
        response_headers={"Content-Type": "text/html"},
        response_body=f"<html>{HOSTILE}</html>",
        elapsed_ms=12.5,
    )
    return Failure(
        surface="alpha",
        operation=operation,
        check=check,
        title=f"{check} broke",
        message=f"Received {HOSTILE}",
        expected="documented statuses: 201, 400",
        curl=f"curl -X POST -H 'Authorization: [REDACTED]' -d '{{\"n\": \"</pre>{HOSTILE}\"}}' http://127.0.0.1:8001/jobs",
        exchange=exchange,
        waived_by=waived_by,
    )


def sample_result() -> RunResult:
    alpha = SurfaceResult(surface="alpha", base_url="http://127.0.0.1:8001", embedded=True)
    ok = with_cells(make_op("alpha", "GET /jobs", 12), not_a_server_error=(12, 0), response_schema_conformance=(12, 0))
    ok.statuses.update({200: 10, 404: 2})
    ok.enum_values = {"/status": {"queued", "done"}}
    ok.response_fields = {"status", "id"}
    bad = with_cells(
        make_op("alpha", "POST /jobs", 5),
        not_a_server_error=(3, 2),
        status_code_conformance=(5, 0),
        response_time=(4, 1, True),
        pagination_limit=(0, 0),
    )
    bad.statuses.update({201: 3, 500: 2})
    idle = make_op("alpha", "DELETE /jobs/{id}")
    alpha.operations = {op.label: op for op in (ok, bad, idle)}
    alpha.enum_coverage = {"JobStatus": {"documented": {"queued", "done", "failed"}, "seen": {"queued", "weird"}}}
    beta = SurfaceResult(surface="beta", base_url="https://beta.invalid/api", embedded=False)
    rpc = with_cells(make_op("beta", "POST /api/v1.2#getProjectAlerts", 3), request_type_shape=(3, 0))
    rpc.cell("negative_data_rejection_rpc").passed = 2  # an id the registry lacks still gets reported
    reset = make_op("beta", "POST /api/v1.2#adminReset", excluded="destructive: <resets> the organisation")
    beta.operations = {op.label: op for op in (rpc, reset)}
    return RunResult(
        profile="ci",
        seed=42,
        started_at="2026-11-28T10:00:00+00:00",
        duration_s=12.3456,
        surfaces={"alpha": alpha, "beta": beta},
        failures=[
            make_failure("not_a_server_error"),
            make_failure("response_time", waived_by="slow cold start <b>ticket 12</b>"),
        ],
        waiver_notes=["waiver 'old' expired on 2026-01-01 <i>"],
        check_ids=["not_a_server_error", "status_code_conformance", "response_schema_conformance", "response_time"],
    )


def matrix_result(operations: int = 139, failing_every: int = 10, unexercised_every: int = 25) -> RunResult:
    """One Mend-like surface: every `failing_every`-th operation fails response_schema_conformance, every
    `unexercised_every`-th (offset by 3) answered only errorCode 5001, every 7th (offset by 1) could not run
    crud_roundtrip; an enum coverage table is filled in."""
    mend = SurfaceResult("mend", "http://127.0.0.1:9999/api/v1.2", embedded=True, mock_seed=7)
    mend.mock_faults = ["undocumented-enum"]
    failures = []
    for i in range(operations):
        label = f"POST /api/v1.2#requestType{i:03d}"
        if i % unexercised_every == 3:
            op = make_op("mend", label, 4, proven=0)
            op.statuses[200] = 4
            op.error_answers["errorCode 5001"] = 4
        else:
            op = with_cells(make_op("mend", label, 6, proven=2), **dict.fromkeys(MATRIX_CHECKS, (6, 0)))
            op.statuses[200] = 6
            op.duration_s = 0.05 + i / 1000
            if i % 7 == 1:
                op.not_applicable["crud_roundtrip"] = "needs --allow-writes against a live server"
        if i % failing_every == 0:
            op.checks["response_schema_conformance"].failed = 1
            failures.append(
                Failure(
                    "mend",
                    label,
                    "response_schema_conformance",
                    "Response body does not match its schema",
                    "'UNDOCUMENTED_VALUE' is not one of ['CRITICAL', 'HIGH']",
                    pointer="/alerts/0/type",
                    keyword="enum",
                )
            )
        mend.operations[label] = op
    mend.enum_coverage = {"Alert.type": {"documented": ["CRITICAL", "HIGH", "LOW"], "seen": ["HIGH", "NEW_ONE"]}}
    return RunResult("quick", 7, "2026-11-28T10:00:00+00:00", 42.0, {"mend": mend}, failures,
                     check_ids=list(MATRIX_CHECKS))  # fmt: skip
