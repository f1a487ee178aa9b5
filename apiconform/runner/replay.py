"""`apiconform replay FILE`: re-judge recorded exchanges offline against the current specs.

Only what an answer alone can prove is re-judged, by the code `run` uses too, and by the request's recorded
intent: a positive or negative case by the contract's judge (the status is documented, the Content-Type is
documented for it, the body validates against the documented schema — a Mend answer against the schema of the
requestType that was sent — and its enum values are documented); a probe of an undocumented method by the
methods scenario's expectation (405 with an Allow header); another request-shape probe not at all (the run
judged it by negative_data_rejection, which needs the live server). The check ids are the run's, so verdicts
line up.
"""

from __future__ import annotations

import datetime as dt
import time

from apiconform.checks import CHECKS, CheckId
from apiconform.contract import (
    CONTENT_TYPE_CONFORMANCE,
    ENUM_DOCUMENTED,
    REQUEST_TYPE_SHAPE,
    RESPONSE_SCHEMA_CONFORMANCE,
    STATUS_CODE_CONFORMANCE,
    Judgement,
    Verdict,
)
from apiconform.observed import ContractView, view_for
from apiconform.redact import Redactor
from apiconform.runner import intents
from apiconform.runner.recording import RecordedExchange, Recording
from apiconform.runner.results import Deviation, Exchange, Failure, OperationResult, RunResult, SurfaceResult
from apiconform.runner.scenarios.methods import ALLOW_HEADER_CONFORMANCE, UNSUPPORTED_METHOD, judge_method_probe
from apiconform.surfaces import get_surface

REPLAYED_CHECKS: tuple[CheckId, ...] = (
    STATUS_CODE_CONFORMANCE,
    CONTENT_TYPE_CONFORMANCE,
    RESPONSE_SCHEMA_CONFORMANCE,
    REQUEST_TYPE_SHAPE,
    ENUM_DOCUMENTED,
    UNSUPPORTED_METHOD,
    ALLOW_HEADER_CONFORMANCE,
)


def replay(recording: Recording, contract: str = "observed") -> RunResult:
    """Re-judge a recording by the `contract` view (observed: known deviations do not fail)."""
    started = time.monotonic()
    result = RunResult(
        profile="replay",
        seed=0,
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        check_ids=sorted(CHECKS),
    )
    for name, data in recording.surfaces.items():
        view = view_for(get_surface(name).spec_path, contract)
        outcome = SurfaceResult(name, str(data["base_url"]), embedded=False, contract=view.mode)
        for op in view.contract.operations:
            outcome.operations[op.label] = OperationResult(name, op.label, op.operation_id)
        result.surfaces[name] = outcome
        for exchange in data["exchanges"]:
            _judge(exchange, view, outcome, result)
        for tested in outcome.operations.values():
            if not tested.exercised and tested.excluded is None:
                tested.excluded = "not in the recording"
    result.duration_s = round(time.monotonic() - started, 2)
    return result


def _judge(exchange: RecordedExchange, view: ContractView, outcome: SurfaceResult, result: RunResult) -> None:
    contract = view.contract
    op = contract.operation(exchange.operation)
    operation = outcome.operations.setdefault(
        exchange.operation, OperationResult(outcome.surface, exchange.operation, op.operation_id if op else "")
    )
    if exchange.status is None:
        return
    operation.cases += 1
    operation.statuses[exchange.status] += 1
    if op is None:
        gone = f"{exchange.operation} is not an operation of the current spec"
        _fail(
            result,
            outcome,
            operation,
            exchange,
            Verdict(STATUS_CODE_CONFORMANCE, False, "operation no longer in the spec", gone),
        )
        return
    headers = {k.lower(): v for k, v in exchange.response_headers.items()}
    if exchange.intent == intents.SHAPE_PROBE:
        return
    if exchange.intent == intents.METHOD_PROBE:
        documented = {o.method for o in contract.operations if o.wire_path == op.wire_path}
        probe = judge_method_probe(exchange.method, op.wire_path, exchange.status, headers.get("allow"), documented)
        judgement = Judgement(probe)
    else:
        judgement = view.judge_response(op, exchange.status, headers.get("content-type", ""), exchange.response_body())
    for verdict in judgement.verdicts:
        if verdict.check not in REPLAYED_CHECKS:
            continue
        if verdict.deviation:
            _deviated(outcome, operation, verdict)
        if verdict.ok:
            operation.cell(verdict.check).passed += 1
        else:
            _fail(result, outcome, operation, exchange, verdict)
    for where, values in judgement.enum_values.items():
        operation.enum_values.setdefault(where, set()).update(values)
    operation.response_fields |= judgement.fields


def _deviated(outcome: SurfaceResult, operation: OperationResult, verdict: Verdict) -> None:
    operation.cell(verdict.check).deviations += 1
    for known in outcome.deviations:
        if (known.operation, known.check) == (operation.label, verdict.check):
            known.count += 1
            return
    outcome.deviations.append(
        Deviation(outcome.surface, operation.label, verdict.check, verdict.message, verdict.evidence)
    )


def _fail(
    result: RunResult, outcome: SurfaceResult, operation: OperationResult, exchange: RecordedExchange, verdict: Verdict
) -> None:
    operation.cell(verdict.check).failed += 1
    if any(
        f.operation == operation.label and f.check == verdict.check and f.title == verdict.title
        for f in result.failures
    ):
        return
    body = exchange.response_body()[:2000].decode("utf-8", "replace")
    result.failures.append(
        Failure(
            surface=outcome.surface,
            operation=operation.label,
            check=verdict.check,
            title=verdict.title,
            message=Redactor().text(verdict.message),
            expected=verdict.expected or "the documented response",
            exchange=Exchange(
                method=exchange.method,
                url=exchange.url,
                request_headers=exchange.request_headers,
                status=exchange.status,
                response_headers=exchange.response_headers,
                response_body=Redactor().text(body),
            ),
        )
    )
