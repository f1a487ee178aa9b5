"""`apiconform replay FILE`: re-judge recorded exchanges offline against the current specs.

Only what a response alone can prove is re-judged: the status is documented, the Content-Type is documented
for it, and the body validates against the documented schema (a Mend answer against the schema of the
requestType that was sent). Those are the same check ids the live run reports, so verdicts line up.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from apiconform.openapi import ApiSpec, Operation
from apiconform.redact import Redactor
from apiconform.runner.checks import CHECKS
from apiconform.runner.prepare import prepare
from apiconform.runner.recording import RecordedExchange, Recording
from apiconform.runner.results import Exchange, Failure, OperationResult, RunResult, SurfaceResult
from apiconform.spec import load_document
from apiconform.surfaces import get_surface
from apiconform.validation import SchemaValidator

JSON_TYPES = ("application/json",)
REPLAYED_CHECKS = ("status_code_conformance", "content_type_conformance", "response_schema_conformance")


def replay(recording: Recording) -> RunResult:
    started = time.monotonic()
    result = RunResult(
        profile="replay",
        seed=0,
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        check_ids=sorted(CHECKS),
    )
    for name, data in recording.surfaces.items():
        surface = get_surface(name)
        document = load_document(surface.spec_path)
        spec = ApiSpec(prepare(document, discovered={}, credentials={}, allow_writes=True, shard=None).document)
        base_path = ApiSpec(document).base_paths()[0]
        by_label = {_label(op, base_path): op for op in spec.operations}
        outcome = SurfaceResult(name, str(data["base_url"]), embedded=False)
        result.surfaces[name] = outcome
        validator = SchemaValidator(spec.document)
        for exchange in data["exchanges"]:
            _judge(exchange, by_label, validator, outcome, result)
    result.duration_s = round(time.monotonic() - started, 2)
    return result


def _label(op: Operation, base_path: str) -> str:
    return f"{op.method} {base_path}{op.path[1:]}" if op.path.startswith("/#") else op.label


def _judge(
    exchange: RecordedExchange,
    by_label: dict[str, Operation],
    validator: SchemaValidator,
    outcome: SurfaceResult,
    result: RunResult,
) -> None:
    op = by_label.get(exchange.operation)
    operation = outcome.operations.setdefault(
        exchange.operation, OperationResult(outcome.surface, exchange.operation, op.operation_id if op else "")
    )
    if exchange.status is None:
        return
    operation.cases += 1
    operation.statuses[exchange.status] += 1
    if op is None:
        _fail(
            result,
            outcome,
            operation,
            exchange,
            "status_code_conformance",
            "operation no longer in the spec",
            f"{exchange.operation} is not an operation of the current spec",
        )
        return
    documented = op.responses.get(str(exchange.status)) or op.responses.get(f"{str(exchange.status)[0]}XX")
    if documented is None:
        _fail(
            result,
            outcome,
            operation,
            exchange,
            "status_code_conformance",
            "Undocumented status code",
            f"received {exchange.status}; documented: {', '.join(sorted(op.responses))}",
        )
        return
    operation.cell("status_code_conformance").passed += 1
    content = documented.get("content") or {}
    media = exchange.response_headers.get("content-type", exchange.response_headers.get("Content-Type", ""))
    media = media.split(";")[0].strip().lower()
    if content and media not in content:
        _fail(
            result,
            outcome,
            operation,
            exchange,
            "content_type_conformance",
            "Undocumented Content-Type",
            f"received {media or '(none)'}; documented: {', '.join(content)}",
        )
        return
    if content:
        operation.cell("content_type_conformance").passed += 1
    schema = (content.get(media) or {}).get("schema")
    if schema is None or not (media in JSON_TYPES or media.endswith("+json")):
        return
    try:
        body: Any = json.loads(exchange.response_body() or b"null")
    except ValueError:
        _fail(
            result,
            outcome,
            operation,
            exchange,
            "response_schema_conformance",
            "Response is not JSON",
            "the body does not parse as JSON",
        )
        return
    problems = validator.errors(body, schema)
    if problems:
        _fail(
            result,
            outcome,
            operation,
            exchange,
            "response_schema_conformance",
            "Response violates schema",
            "; ".join(map(str, problems[:3])),
        )
    else:
        operation.cell("response_schema_conformance").passed += 1


def _fail(
    result: RunResult,
    outcome: SurfaceResult,
    operation: OperationResult,
    exchange: RecordedExchange,
    check: str,
    title: str,
    message: str,
) -> None:
    operation.cell(check).failed += 1
    if any(f.operation == operation.label and f.check == check and f.title == title for f in result.failures):
        return
    body = exchange.response_body()[:2000].decode("utf-8", "replace")
    result.failures.append(
        Failure(
            surface=outcome.surface,
            operation=operation.label,
            check=check,
            title=title,
            message=Redactor().text(message),
            expected="the documented response",
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
