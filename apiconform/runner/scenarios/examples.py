"""Example-based checks: replay every documented request example; validate every documented response example."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from apiconform.checks import declare
from apiconform.contract import RESPONSE_SCHEMA_CONFORMANCE, STATUS_CODE_CONFORMANCE, VirtualOperation
from apiconform.openapi import ApiSpec
from apiconform.runner.scenarios.base import ScenarioContext
from apiconform.runner.scenarios.fill import fill_path

EXAMPLE_REPLAY = declare(
    "example_replay",
    group="example",
    source="scenario",
    description="every documented request example is accepted and answered per the contract",
)
EXAMPLE_VALID = declare(
    "example_valid",
    group="example",
    source="scenario",
    description="every documented response example validates against its own schema",
)


JSON = "application/json"


def validate_response_examples(ctx: ScenarioContext) -> None:
    """example_valid: a documented response example that breaks its own schema is a spec bug worth reporting."""
    spec = ctx.contract.exploded
    for op in ctx.contract.operations:
        for status, response in op.operation.responses.items():
            for media, content in (response.get("content") or {}).items():
                schema = content.get("schema")
                examples = [e.get("value") for e in (content.get("examples") or {}).values() if isinstance(e, dict)]
                if schema is None:
                    continue
                for value in [*examples, *_schema_examples(spec, schema)]:
                    problems = ctx.validator.errors(value, schema)
                    ctx.verdict(
                        op.label,
                        EXAMPLE_VALID,
                        not problems,
                        f"documented {status} {media} example breaks its schema",
                        "; ".join(map(str, problems)),
                        "every documented example validates against the documented schema",
                    )


def _schema_examples(spec: ApiSpec, schema: dict[str, Any]) -> list[Any]:
    resolved = spec.resolve(schema)
    if "anyOf" in resolved or "oneOf" in resolved:
        return []  # union answers (Mend): each branch's examples are validated on the virtual operation
    return list(resolved.get("examples") or [])


def replay_examples(ctx: ScenarioContext, prepare_body: Callable[[VirtualOperation, Any], Any]) -> None:
    """example_replay: send each documented request example (credentials and ids substituted)."""
    for op in ctx.operations():
        if op.is_write and not ctx.allow_writes:
            continue
        media = (op.operation.body or {}).get("content", {}).get(JSON, {})
        examples = [e["value"] for e in (media.get("examples") or {}).values() if isinstance(e, dict) and "value" in e]
        if op.operation.body is not None and not examples:
            continue
        filled = fill_path(ctx.contract.exploded, op.operation, ctx.discovery)
        if filled is None:
            continue
        path, query = filled
        for body in [prepare_body(op, ex) for ex in examples] or [None]:
            response = ctx.call(op.method, op.wire_path if op.variant else path, params=query, json_body=body)
            _judge_example_answer(ctx, op, response)


def _judge_example_answer(ctx: ScenarioContext, op: VirtualOperation, response: httpx.Response | None) -> None:
    if response is None:
        ctx.failed(op.label, EXAMPLE_REPLAY, "documented example got no answer", "transport error")
        return
    judgement = ctx.view.judge_response(
        op, response.status_code, response.headers.get("content-type", ""), response.content
    )
    status = judgement.verdict(STATUS_CODE_CONFORMANCE)
    if response.status_code >= 500 or (status is not None and not status.ok):
        ctx.failed(
            op.label,
            EXAMPLE_REPLAY,
            f"documented example answered {response.status_code}",
            f"status {response.status_code} is not documented for {op.label}",
            f"one of {', '.join(sorted(op.operation.responses))}",
        )
        return
    schema = judgement.verdict(RESPONSE_SCHEMA_CONFORMANCE)
    ctx.verdict(
        op.label,
        EXAMPLE_REPLAY,
        schema is None or schema.ok,
        "answer to a documented example breaks the response schema",
        schema.message if schema is not None else "",
        f"a {response.status_code} answer valid against the documented schema",
    )
