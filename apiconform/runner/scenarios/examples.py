"""Example-based checks: replay every documented request example; validate every documented response example."""

from __future__ import annotations

from typing import Any

from apiconform.openapi import ApiSpec, Operation
from apiconform.runner.scenarios.base import ScenarioContext, json_of
from apiconform.runner.scenarios.fill import fill_path

JSON = "application/json"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_write(operation: Operation) -> bool:
    effect = operation.raw.get("x-effect")
    return effect == "write" if effect else operation.method in WRITE_METHODS


def validate_response_examples(ctx: ScenarioContext, spec: ApiSpec, label_of: Any) -> None:
    """example_valid: a documented response example that breaks its own schema is a spec bug worth reporting."""
    for op in spec.operations:
        for status, response in op.responses.items():
            for media, content in (response.get("content") or {}).items():
                schema = content.get("schema")
                examples = [e.get("value") for e in (content.get("examples") or {}).values() if isinstance(e, dict)]
                if schema is None:
                    continue
                schema_examples = _schema_examples(spec, schema)
                for value in [*examples, *schema_examples]:
                    problems = ctx.validator.errors(value, schema)
                    ctx.verdict(
                        label_of(op),
                        "example_valid",
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


def replay_examples(ctx: ScenarioContext, spec: ApiSpec, label_of: Any, prepare_body: Any) -> None:
    """example_replay: send each documented request example (credentials and ids substituted)."""
    for op in spec.operations:
        if is_write(op) and not ctx.allow_writes:
            continue
        media = (op.body or {}).get("content", {}).get(JSON, {})
        examples = [e["value"] for e in (media.get("examples") or {}).values() if isinstance(e, dict) and "value" in e]
        if op.body is not None and not examples:
            continue
        filled = fill_path(spec, op, ctx.discovery)
        if filled is None:
            continue
        path, query = filled
        bodies: list[Any] = [prepare_body(op, ex) for ex in examples] or [None]
        for body in bodies:
            rpc_path = op.raw.get("x-rpc-path")
            response = ctx.call(op.method, rpc_path if rpc_path is not None else path, params=query, json_body=body)
            label = label_of(op)
            if response is None:
                ctx.failed(label, "example_replay", "documented example got no answer", "transport error")
                continue
            documented = op.responses.get(str(response.status_code))
            if documented is None or response.status_code >= 500:
                ctx.failed(
                    label,
                    "example_replay",
                    f"documented example answered {response.status_code}",
                    f"status {response.status_code} is not documented for {op.label}",
                    f"one of {', '.join(sorted(op.responses))}",
                )
                continue
            schema = (documented.get("content") or {}).get(response.headers.get("content-type", "").split(";")[0], {})
            body_json = json_of(response)
            problems = (
                ctx.validator.errors(body_json, schema["schema"])
                if schema.get("schema") and body_json is not None
                else []
            )
            ctx.verdict(
                label,
                "example_replay",
                not problems,
                "answer to a documented example breaks the response schema",
                "; ".join(map(str, problems)),
                f"a {response.status_code} answer valid against the documented schema",
            )
