"""apiconform checks that run inside schemathesis, on every response it gets.

Schemathesis registers checks globally, so each one first asks whether it applies (the operation carries the
`x-` extensions apiconform's prepared spec adds) and otherwise does nothing. What they observe (enum values,
response fields, statuses) goes to the active `Observer`, which the runner installs for the duration of a run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import schemathesis

from apiconform.spec import resolve_pointer
from apiconform.validation import SchemaValidator, enum_sites

JSON = "application/json"
# Schemathesis' check protocol: a check that returns True did not apply (skipped); None means it passed.
SKIP = True
PASS = None


@dataclass
class Observer:
    """Facts collected per operation label while schemathesis runs."""

    max_response_time: float | None = None
    enum_values: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    response_fields: dict[str, set[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw_enum(self, label: str, where: str, value: str) -> None:
        with self.lock:
            self.enum_values.setdefault(label, {}).setdefault(where, set()).add(value)

    def saw_fields(self, label: str, names: Iterator[str]) -> None:
        with self.lock:
            self.response_fields.setdefault(label, set()).update(names)


_active: Observer | None = None


def install(observer: Observer | None) -> None:
    global _active  # noqa: PLW0603 - schemathesis checks are module-level functions; the run sets their sink
    _active = observer


def _resolve(document: dict[str, Any], node: Any) -> Any:
    depth = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 32:
        node = resolve_pointer(document, node["$ref"])
        depth += 1
    return node


def _header(response: Any, name: str) -> str:
    values = response.headers.get(name.lower()) or [""]  # schemathesis keeps a list per lower-cased name
    return str(values[0])


def _media(response: Any) -> str:
    return _header(response, "content-type").split(";")[0].strip().lower()


def _json_body(response: Any) -> Any:
    try:
        return response.json()
    except Exception:  # a non-JSON body is judged by content_type_conformance, not here
        return None


def _documented_schema(case: Any, status: int, media: str) -> dict[str, Any] | None:
    responses = case.operation.definition.raw.get("responses", {})
    documented = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
    if not isinstance(documented, dict):
        return None
    content = documented.get("content", {}).get(media)
    return None if content is None else content.get("schema")


def _is_error_answer(body: Any) -> bool:
    return isinstance(body, dict) and "errorCode" in body and "errorMessage" in body


@schemathesis.check
def response_time(ctx: Any, response: Any, case: Any) -> bool | None:
    limit = _active.max_response_time if _active else None
    if limit is None:
        return SKIP
    if response.elapsed > limit:
        raise AssertionError(f"answered in {response.elapsed * 1000:.0f} ms; the limit is {limit * 1000:.0f} ms")
    return PASS


@schemathesis.check
def request_type_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    raw = case.operation.definition.raw
    value = raw.get("x-rpc-value")
    if value is None or response.status_code != 200 or _media(response) != JSON:
        return SKIP
    body = _json_body(response)
    if body is None or _is_error_answer(body):
        return SKIP
    document = case.operation.schema.raw_schema
    ref = raw.get("x-response-schema-ref")
    if not ref:
        return SKIP
    schema = resolve_pointer(document, ref)
    required = schema.get("required", [])
    documented = set(schema.get("properties", {}))
    if not isinstance(body, dict):
        raise AssertionError(f"{value} answered with a JSON {type(body).__name__}; its documented answer is an object")
    missing = [k for k in required if k not in body]
    if missing or (documented and body and not documented & set(body)):
        raise AssertionError(
            f"{value} answered without its documented top-level keys {sorted(missing or documented)}; "
            f"got keys {sorted(body)[:8]}"
        )
    return PASS


@schemathesis.check
def content_disposition(ctx: Any, response: Any, case: Any) -> bool | None:
    if not 200 <= response.status_code < 300:
        return SKIP
    documented = case.operation.definition.raw.get("responses", {}).get(str(response.status_code), {})
    headers = {k.lower() for k in (documented.get("headers") or {})}
    media = _media(response)
    binary = [m for m in documented.get("content", {}) if m != JSON and not m.endswith("+json")]
    if "content-disposition" not in headers or media not in binary:
        return SKIP
    if not _header(response, "content-disposition"):
        raise AssertionError(f"{media} download without a Content-Disposition header")
    return PASS


@schemathesis.check
def enum_documented(ctx: Any, response: Any, case: Any) -> bool | None:
    media = _media(response)
    if media != JSON and not media.endswith("+json"):
        return SKIP
    schema = _documented_schema(case, response.status_code, media)
    body = _json_body(response)
    if schema is None or body is None:
        return SKIP
    document = case.operation.schema.raw_schema
    label = case.operation.label
    undocumented: list[str] = []
    for where, value, allowed in enum_sites(lambda node: _resolve(document, node), schema, body):
        if _active is not None:
            _active.saw_enum(label, where, value)
        if value not in allowed:
            undocumented.append(f"{where or '(body)'}={value!r}")
    if _active is not None and isinstance(body, dict):
        _active.saw_fields(label, iter(body))
    if undocumented:
        raise AssertionError(f"undocumented enum value(s): {', '.join(undocumented[:5])}")
    return PASS


@schemathesis.check
def negative_data_rejection_rpc(ctx: Any, response: Any, case: Any) -> bool | None:
    """negative_data_rejection for RPC APIs that reject with HTTP 200 and an error body (Mend's errorCode)."""
    if case.operation.definition.raw.get("x-rpc-value") is None or case.meta is None:
        return SKIP
    if not case.meta.generation.mode.is_negative or _valid_but_for_pinned_credentials(case):
        return SKIP
    if 400 <= response.status_code < 500 or _is_error_answer(_json_body(response)):
        return PASS
    raise AssertionError(
        f"a request that breaks the contract was answered {response.status_code} without an errorCode; "
        "expected an errorCode answer (or a 4xx)"
    )


_validator: list[tuple[Any, SchemaValidator]] = []  # (document, its validator): one prepared spec per run


def _valid_but_for_pinned_credentials(case: Any) -> bool:
    """A body made "negative" only by another userKey/token value satisfies the contract: credentials are pinned
    (const) in the prepared spec to reach real data, but a different token is an auth matter, not bad input."""
    ref = case.operation.definition.raw.get("requestBody", {}).get("content", {}).get(JSON, {}).get("schema", {})
    if not isinstance(case.body, dict) or "$ref" not in ref:
        return False
    document = case.operation.schema.raw_schema
    variant = resolve_pointer(document, ref["$ref"])
    unpinned = variant.get("x-unpinned")
    if not unpinned:
        return False
    original = dict(variant, properties={**variant.get("properties", {}), **unpinned})
    if not _validator or _validator[0][0] is not document:
        _validator[:] = [(document, SchemaValidator(document))]
    return not _validator[0][1].errors(case.body, original)


APICONFORM_ST_CHECKS = ("response_time", "request_type_shape", "content_disposition", "enum_documented")
#: Report id for a schemathesis check name that differs from it.
REPORTED_AS = {"negative_data_rejection_rpc": "negative_data_rejection", "max_response_time": "response_time"}
