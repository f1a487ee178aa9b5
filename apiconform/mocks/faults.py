"""Named fault profiles: realistic ways a vendor drifts from its contract (`apiconform mock --fault NAME`).

Generic faults rewrite responses using the response schema, so they work on every surface; the
pagination and requestType faults are flags that the vendor handlers honour.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any

from apiconform.errors import UsageError, did_you_mean
from apiconform.mocks.behaviour import MockResponse
from apiconform.openapi import ApiSpec, Operation


@dataclass(frozen=True)
class Fault:
    """A named deviation. `requires` names the mock capability the fault needs (None: every mock can show it);
    each vendor's mock declares its capabilities (`Behaviour.capabilities`), so no surface is named here."""

    name: str
    description: str
    requires: str | None = None
    parameter: str | None = None  # what `NAME:VALUE` sets, for faults that take one


# Capabilities a vendor mock may declare, each with what it means for that surface's contract.
CAPABILITIES = {
    "response-enums": "its responses carry enum fields",
    "paging": "it has paged list endpoints (limit/offset)",
    "filters": "it has list endpoints with filter parameters",
    "documented-order": "its documents state the order of a list",
    "rest": "it rejects invalid input with 4xx statuses (not an RPC error body)",
    "lost-writes": "it has writes a later read must show",
    "async-jobs": "it queues jobs that must reach a terminal status",
    "rpc-variants": "one endpoint answers several request types, each with its own shape",
    "downloads": "its documents require Content-Disposition on report downloads",
}

FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault("undocumented-status", "successful answers use a status code the spec does not document"),
        Fault(
            "undocumented-enum", "an enum field in responses carries a value the spec does not list", "response-enums"
        ),
        Fault("required-field-missing", "responses omit a field the spec marks required"),
        Fault("field-type-changed", "a response field changes type (number <-> string)"),
        Fault("page-larger-than-limit", "list endpoints return more items than `limit` asks for", "paging"),
        Fault("offset-ignored", "list endpoints ignore the page offset and always return the first page", "paging"),
        Fault("filter-ignored", "list endpoints ignore their filter parameters", "filters"),
        Fault(
            "order-flipped",
            "list endpoints return ascending instead of the documented descending order",
            "documented-order",
        ),
        Fault("out-of-range-accepted", "invalid and out-of-range input is accepted instead of rejected"),
        Fault("auth-not-enforced", "requests without valid credentials are served"),
        Fault("unauthenticated", "every request is answered as unauthenticated, valid credentials included"),
        Fault("auth-flaky", "about one request with valid credentials in three is answered as unauthenticated"),
        Fault("empty-success", "every success answer is empty: {} or [] for JSON, no bytes for files"),
        Fault(
            "wrong-request-type-shape",
            "one request type is answered with another request type's shape",
            "rpc-variants",
        ),
        Fault(
            "request-type-error",
            "one requestType answers every valid, authorised request with an errorCode body"
            " (request-type-error:REQUEST_TYPE[=CODE], default code 4000 'Unexpected error')",
            "rpc-variants",
            parameter="REQUEST_TYPE[=CODE]",
        ),
        Fault("wrong-content-type", "responses carry a Content-Type the spec does not document"),
        Fault(
            "missing-content-disposition",
            "report downloads lose their documented Content-Disposition header",
            "downloads",
        ),
        Fault("intermittent-5xx", "about one request in three fails with 500 Internal Server Error"),
        Fault("valid-input-rejected", "about one valid request in three is rejected as invalid", "rest"),
        Fault("unsupported-method-accepted", "undocumented methods are answered 200 instead of 405"),
        Fault("allow-header-missing", "405 answers lack the Allow header"),
        Fault("writes-lost", "writes are acknowledged but not stored", "lost-writes"),
        Fault("async-job-stuck", "queued jobs never reach a terminal status", "async-jobs"),
        Fault(
            "enum-renamed",
            "one documented enum value is answered under another name wherever an answer carries it, at every depth"
            " (enum-renamed:VALUE renames it to another spelling; enum-renamed:VALUE=NEW names the new value)",
            "response-enums",
            parameter="VALUE[=NEW]",
        ),
        Fault(
            "slow-responses",
            "every response is delayed by 1.5 seconds (slow-responses:SECONDS for another delay)",
            parameter="SECONDS",
        ),
    )
}

SLOW_DELAY_SECONDS = 1.5
UNDOCUMENTED_ENUM_VALUE = "UNDOCUMENTED_VALUE"


def applies(fault: Fault, capabilities: frozenset[str]) -> bool:
    return fault.requires is None or fault.requires in capabilities


def split_name(spec: str) -> tuple[str, str | None]:
    """`slow-responses:0.3` -> ("slow-responses", "0.3"); a plain name has no parameter."""
    name, _, value = spec.partition(":")
    return name, value or None


def validate_names(
    names: list[str] | tuple[str, ...] | frozenset[str],
    surface: str,
    capabilities: frozenset[str],
    response_enums: Callable[[], Collection[str]] | None = None,
    request_types: Callable[[], Collection[str]] | None = None,
) -> frozenset[str]:
    """The fault names, or a UsageError naming the unknown one, the one the surface's mock cannot show, or a
    parameter that is wrong. `response_enums` gives the enum values the surface's answers document, so a renamed
    value that no answer can carry is an error, not a fault that silently changes nothing; `request_types` the
    requestTypes of an RPC surface, so a request-type-error aimed at none is one too."""
    for spec in names:
        name, value = split_name(spec)
        if name not in FAULTS:
            raise UsageError(f"unknown fault {name!r}{did_you_mean(name, FAULTS)}; `apiconform mock --list-faults`")
        fault = FAULTS[name]
        if not applies(fault, capabilities):
            raise UsageError(
                f"fault {name!r} does not apply to {surface}: it needs a surface where "
                f"{CAPABILITIES[str(fault.requires)]}; see `apiconform mock --list-faults`"
            )
        if value is not None and fault.parameter is None:
            raise UsageError(f"fault {name!r} takes no parameter; write --fault {name}")
        if value is not None and fault.parameter == "SECONDS" and not _seconds(value):
            raise UsageError(f"fault {spec!r}: {value!r} is not a delay in seconds; write e.g. {name}:0.5")
        if name == "enum-renamed":
            _check_rename(value, surface, response_enums)
        if name == "request-type-error":
            _check_request_type_error(value, surface, request_types)
    return frozenset(names)


def _check_rename(value: str | None, surface: str, response_enums: Callable[[], Collection[str]] | None) -> None:
    old, _, new = (value or "").partition("=")
    if not old or (value is not None and "=" in value and not new):
        raise UsageError("fault 'enum-renamed' needs the value to rename: write enum-renamed:VALUE or VALUE=NEW")
    if response_enums is not None:
        documented = response_enums()
        if old not in documented:
            raise UsageError(
                f"fault enum-renamed:{value}: no answer of {surface} documents {old!r}"
                f"{did_you_mean(old, sorted(documented))}; pick one of its response enum values"
            )


REQUEST_TYPE_ERROR_CODE = 4000  # what request-type-error answers unless told: "Unexpected error" (MEND-OBS-027)


def _check_request_type_error(
    value: str | None, surface: str, request_types: Callable[[], Collection[str]] | None
) -> None:
    request_type, equals, code = (value or "").partition("=")
    if not request_type:
        raise UsageError(
            "fault 'request-type-error' needs the requestType to break: write request-type-error:REQUEST_TYPE "
            f"or REQUEST_TYPE=CODE (e.g. request-type-error:getProjectLicenses={REQUEST_TYPE_ERROR_CODE})"
        )
    if equals and not _integer(code):
        raise UsageError(
            f"fault request-type-error:{value}: {code!r} is not an errorCode; give an integer, e.g. "
            f"request-type-error:{request_type}={REQUEST_TYPE_ERROR_CODE}, or drop '={code}' for the default"
        )
    if request_types is not None:
        known = request_types()
        if request_type not in known:
            raise unknown_request_type(request_type, surface, known)


def unknown_request_type(request_type: str, surface: str, known: Collection[str]) -> UsageError:
    """request-type-error aimed at a requestType the surface does not have (the closest one suggested)."""
    return UsageError(
        f"fault request-type-error:{request_type}: {surface} has no requestType {request_type!r}"
        f"{did_you_mean(request_type, sorted(known))}; name one of the requestTypes its contract lists"
    )


def request_type_errors(names: Collection[str]) -> dict[str, int]:
    """`request-type-error` faults (the fault may be given several times): requestType -> the errorCode to answer."""
    out: dict[str, int] = {}
    for spec in names:
        name, value = split_name(spec)
        if name == "request-type-error" and value:
            request_type, _, code = value.partition("=")
            out[request_type] = int(code) if code else REQUEST_TYPE_ERROR_CODE
    return out


def _integer(value: str) -> bool:
    """An errorCode as JSON writes it: digits, maybe a minus (int() would also take ' 7', '+7' and '1_000')."""
    return re.fullmatch(r"-?[0-9]+", value) is not None


def renames(names: frozenset[str]) -> dict[str, str | None]:
    """`enum-renamed` faults (the fault may be given several times): documented value -> new name (None: derive)."""
    out: dict[str, str | None] = {}
    for spec in names:
        name, value = split_name(spec)
        if name == "enum-renamed" and value:
            old, _, new = value.partition("=")
            out[old] = new or None
    return out


def _seconds(value: str) -> bool:
    try:
        return 0 < float(value) <= 60
    except ValueError:
        return False


class ActiveFaults:
    """The faults switched on for one mock instance, with the deterministic counters they use."""

    def __init__(self, names: frozenset[str], spec: ApiSpec) -> None:
        self.params = dict(split_name(n) for n in names)
        self.names = frozenset(self.params)
        self.renames = renames(names)
        self.spec = spec
        # Seeded, so a run against this mock is repeatable; random, so failures do not line up with the
        # fixed request pattern of a client (e.g. a request followed by two auth probes).
        self._rng = random.Random(5)

    def reject_credentials(self, authenticated: bool) -> bool:
        """True when this request is to be answered as unauthenticated (`unauthenticated`, `auth-flaky`)."""
        if "unauthenticated" in self.names:
            return True
        return authenticated and "auth-flaky" in self.names and self._rng.random() < 1 / 3

    @property
    def skip_validation(self) -> bool:
        return "out-of-range-accepted" in self.names

    def reject_valid(self) -> bool:
        """True for about one valid request in three under `valid-input-rejected` (seeded: repeatable)."""
        return "valid-input-rejected" in self.names and self._rng.random() < 1 / 3

    async def around(self, op: Operation, call: Callable[[], MockResponse]) -> MockResponse:
        if "slow-responses" in self.names:
            await asyncio.sleep(float(self.params["slow-responses"] or SLOW_DELAY_SECONDS))
        if "intermittent-5xx" in self.names and self._rng.random() < 1 / 3:
            return MockResponse(500, {"error": "Internal Server Error"})
        result = call()
        if isinstance(result, Awaitable):  # pragma: no cover - handlers are synchronous today
            result = await result
        return result

    def rewrite(self, op: Operation, response: MockResponse, schema: dict[str, Any] | None) -> MockResponse:
        """Apply the response-rewriting faults to a successful answer."""
        if not 200 <= response.status < 300:
            return response
        if "undocumented-status" in self.names:
            response.status = next(s for s in (203, 226, 299) if str(s) not in op.responses)
        if schema is not None and response.content is None and response.body is not None:
            if "undocumented-enum" in self.names:
                _mutate_first(response.body, schema, self.spec, _enum_mutation)
            if "required-field-missing" in self.names:
                _mutate_first(response.body, schema, self.spec, _drop_required)
            if "field-type-changed" in self.names:
                _mutate_first(response.body, schema, self.spec, _flip_type)
            if self.renames:
                response.body = _rename(response.body, schema, self.spec, self.renames, 0)
        if "empty-success" in self.names:
            if response.content is not None:
                response.content = b""
            elif isinstance(response.body, dict | list):
                response.body = type(response.body)()
        if "wrong-content-type" in self.names:
            response.media_type = "text/html" if response.media_type != "text/html" else "text/plain"
        if "missing-content-disposition" in self.names:
            response.headers = {k: v for k, v in response.headers.items() if k.lower() != "content-disposition"}
        return response


def activate(names: frozenset[str], spec: ApiSpec) -> ActiveFaults:
    return ActiveFaults(names, spec)


Mutation = Callable[[dict[str, Any], dict[str, Any]], bool]


def _mutate_first(body: Any, schema: dict[str, Any], spec: ApiSpec, mutate: Mutation, depth: int = 0) -> bool:
    """Apply `mutate` to the first object in `body` (depth first, following the schema) that it can change."""
    schema = spec.resolve(schema)
    if depth > 12:
        return False
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key, []):
            if _mutate_first(body, branch, spec, mutate, depth + 1):
                return True
    if isinstance(body, list):
        items = schema.get("items", {})
        return any(_mutate_first(item, items, spec, mutate, depth + 1) for item in body[:1])
    if not isinstance(body, dict):
        return False
    resolved = dict(schema, properties={k: spec.resolve(v) for k, v in schema.get("properties", {}).items()})
    if mutate(body, resolved):
        return True
    props = schema.get("properties", {})
    return any(_mutate_first(body[name], sub, spec, mutate, depth + 1) for name, sub in props.items() if name in body)


def _enum_mutation(body: dict[str, Any], schema: dict[str, Any]) -> bool:
    for name, sub in schema.get("properties", {}).items():
        if name in body and isinstance(sub, dict) and isinstance(sub.get("enum"), list) and isinstance(body[name], str):
            body[name] = UNDOCUMENTED_ENUM_VALUE
            return True
    return False


def _rename(body: Any, schema: Any, spec: ApiSpec, renames: dict[str, str | None], depth: int) -> Any:
    """`body` with every value of `renames` that sits where `schema` documents it as an enum value renamed: in
    nested objects, arrays, maps, `$ref`s and every union branch."""
    schema = spec.resolve(schema)
    if not isinstance(schema, dict) or depth > 40:
        return body
    enum = schema.get("enum")
    if isinstance(enum, list) and isinstance(body, str) and body in renames and body in enum:
        return renames[body] or _other_spelling(body, enum)
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key, []):
            body = _rename(body, branch, spec, renames, depth + 1)
    if isinstance(body, list) and isinstance(schema.get("items"), dict):
        return [_rename(item, schema["items"], spec, renames, depth + 1) for item in body]
    if isinstance(body, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for name in list(body):
            sub = props.get(name, extra)
            if isinstance(sub, dict):
                body[name] = _rename(body[name], sub, spec, renames, depth + 1)
    return body


def _other_spelling(value: str, enum: list[Any]) -> str:
    """A rename a vendor could ship (a case change), unless the enum already documents that spelling too."""
    for candidate in (value.upper(), value.title(), value.lower()):
        if candidate != value and candidate not in enum:
            return candidate
    return f"{value}_RENAMED"


def _drop_required(body: dict[str, Any], schema: dict[str, Any]) -> bool:
    for name in schema.get("required", []):
        if name in body:
            del body[name]
            return True
    return False


def _flip_type(body: dict[str, Any], schema: dict[str, Any]) -> bool:
    for name, sub in schema.get("properties", {}).items():
        if name not in body or not isinstance(sub, dict):
            continue
        value = body[name]
        if sub.get("type") in ("integer", "number") and isinstance(value, int | float) and not isinstance(value, bool):
            body[name] = str(value)
            return True
        if sub.get("type") == "string" and isinstance(value, str) and "enum" not in sub and "format" not in sub:
            body[name] = 12345
            return True
    return False


class MethodFaults:
    """ASGI middleware for the faults that concern 405 answers, which Starlette writes before any handler runs."""

    def __init__(self, app: Any, names: frozenset[str]) -> None:
        self.app = app
        self.names = names

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not self.names & {"unsupported-method-accepted", "allow-header-missing"}:
            await self.app(scope, receive, send)
            return

        async def rewrite(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                if "unsupported-method-accepted" in self.names:
                    message = {**message, "status": 200}
                if "allow-header-missing" in self.names:
                    message = {**message, "headers": [(k, v) for k, v in message["headers"] if k.lower() != b"allow"]}
            await send(message)

        await self.app(scope, receive, rewrite)
