"""apiconform checks that run inside schemathesis, on every answer it gets.

The response checks ask the contract's judge (`apiconform.contract`), the same code `replay` and `proxy` use, so
the three agree by construction; schemathesis' own status, Content-Type and schema checks are not used. Each
check finds the run it serves through `apiconform.runner.scope.active()` (schemathesis checks are global) and
does nothing outside a run or on an operation the contract does not know.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

from apiconform.checks import CheckId, declare
from apiconform.contract import (
    CONTENT_TYPE_CONFORMANCE,
    ENUM_DOCUMENTED,
    JSON,
    REQUEST_TYPE_SHAPE,
    RESPONSE_SCHEMA_CONFORMANCE,
    STATUS_CODE_CONFORMANCE,
    media_type,
)
from apiconform.runner import intents
from apiconform.runner.scope import active
from apiconform.spec import resolve_pointer

# Schemathesis' check protocol: a check that returns True did not apply (skipped); None means it passed.
SKIP = True
PASS = None

RESPONSE_TIME = declare(
    "response_time",
    group="schema",
    source="st",
    description="every answer arrives within the profile's response-time limit",
)
VALID_CREDENTIALS_ACCEPTED = declare(
    "valid_credentials_accepted",
    group="auth",
    source="st",
    description="a valid request with the run's accepted credentials is never answered as unauthenticated "
    "(401, or an error body rejecting the caller)",
)
CONTENT_DISPOSITION = declare(
    "content_disposition",
    group="schema",
    source="st",
    description="downloads that document a Content-Disposition header carry one",
)


class ContractFailure(Failure):
    """A contract verdict as schemathesis reports a failure: our title and message, and what was expected."""

    code = "AC100"
    kind_title = "Contract violated"

    def __init__(
        self, *, operation: str, title: str, message: str, expected: str = "", pointer: str = "", keyword: str = ""
    ) -> None:
        super().__init__(operation=operation, title=title, message=message)
        self.expected = expected
        self.pointer = pointer
        self.keyword = keyword

    @property
    def _unique_key(self) -> str:
        return self.title  # one finding per operation and kind of failure, as schemathesis does for its own


def _contract_check(check: CheckId, ctx: Any, response: Any, case: Any) -> bool | None:
    scope = active()
    op = scope.operation(case) if scope is not None else None
    # The coverage phase's request-shape probes (an undocumented method, a malformed request line) are judged
    # by unsupported_method and negative_data_rejection, not by what the operation documents for its answers.
    if scope is None or op is None or is_unexpected_http_status_case(case):
        return SKIP
    verdict = scope.judge(op, response).verdict(check)
    if verdict is None:
        return SKIP
    if verdict.deviation:
        scope.deviated(op.label, check, verdict.message, verdict.evidence)
    if not verdict.ok:
        raise ContractFailure(
            operation=case.operation.label,
            title=verdict.title,
            message=verdict.message,
            expected=verdict.expected,
            pointer=verdict.pointer,
            keyword=verdict.keyword,
        )
    return PASS


@schemathesis.check
def contract_status_code(ctx: Any, response: Any, case: Any) -> bool | None:
    return _contract_check(STATUS_CODE_CONFORMANCE, ctx, response, case)


@schemathesis.check
def contract_content_type(ctx: Any, response: Any, case: Any) -> bool | None:
    return _contract_check(CONTENT_TYPE_CONFORMANCE, ctx, response, case)


@schemathesis.check
def contract_response_schema(ctx: Any, response: Any, case: Any) -> bool | None:
    return _contract_check(RESPONSE_SCHEMA_CONFORMANCE, ctx, response, case)


@schemathesis.check
def request_type_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    return _contract_check(REQUEST_TYPE_SHAPE, ctx, response, case)


@schemathesis.check
def enum_documented(ctx: Any, response: Any, case: Any) -> bool | None:
    return _contract_check(ENUM_DOCUMENTED, ctx, response, case)


@schemathesis.check
def response_time(ctx: Any, response: Any, case: Any) -> bool | None:
    scope = active()
    limit = scope.max_response_time if scope is not None else None
    if limit is None:
        return SKIP
    if response.elapsed > limit:
        raise ContractFailure(
            operation=case.operation.label,
            title="Response time exceeded",
            message=f"answered in {response.elapsed * 1000:.0f} ms; the limit is {limit * 1000:.0f} ms",
            expected=f"an answer within {limit * 1000:.0f} ms (the profile's limit)",
        )
    return PASS


def _header(response: Any, name: str) -> str:
    values = response.headers.get(name.lower()) or [""]  # schemathesis keeps a list per lower-cased name
    return str(values[0])


@schemathesis.check
def content_disposition(ctx: Any, response: Any, case: Any) -> bool | None:
    scope = active()
    op = scope.operation(case) if scope is not None else None
    if scope is None or op is None or not 200 <= response.status_code < 300 or is_unexpected_http_status_case(case):
        return SKIP
    documented = scope.contract.documented_response(op, response.status_code) or {}
    headers = {k.lower() for k in (documented.get("headers") or {})}
    media = media_type(_header(response, "content-type"))
    binary = [m for m in documented.get("content", {}) if m != JSON and not m.endswith("+json")]
    if "content-disposition" not in headers or media not in binary:
        return SKIP
    if not _header(response, "content-disposition"):
        raise ContractFailure(
            operation=case.operation.label,
            title="Download without Content-Disposition",
            message=f"{media} download without a Content-Disposition header",
            expected="Content-Disposition: attachment; filename=...",
        )
    return PASS


@schemathesis.check
def valid_credentials_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """The credentials passed the preflight: a valid request carrying them answered as unauthenticated is the
    server's fault (schemathesis' positive_data_acceptance lets a 401 pass; Mend answers it with HTTP 200)."""
    scope = active()
    op = scope.operation(case) if scope is not None else None
    if scope is None or op is None or intents.intent_of(case) != intents.POSITIVE:
        return SKIP
    rejection = scope.credential_rejection if op.variant is not None else None
    authenticated = scope.contract.security_met(op, scope.auth_headers)
    if rejection is None and (not authenticated or op.operation_id in scope.token_exchanges):
        return SKIP  # the run's credentials are not what this operation checks (HMAC webhooks, token refresh)
    if rejection is not None and not _carries_pinned_credentials(case):
        return SKIP  # not the run's credentials in this body (another token on purpose): nothing to judge
    why = "401" if response.status_code == 401 else rejection(_json_body(response)) if rejection else None
    if why is None:
        return PASS
    raise ContractFailure(
        operation=case.operation.label,
        title="Valid credentials rejected",
        message=f"a valid request with the run's credentials (accepted by the preflight) was answered {why}",
        expected="an answer to the request, not a rejection of the credentials",
    )


@schemathesis.check
def negative_data_rejection_rpc(ctx: Any, response: Any, case: Any) -> bool | None:
    """negative_data_rejection for RPC APIs that reject with HTTP 200 and an error body (Mend's errorCode)."""
    scope = active()
    op = scope.operation(case) if scope is not None else None
    if scope is None or op is None or op.variant is None or case.meta is None:
        return SKIP
    if not case.meta.generation.mode.is_negative or _valid_but_for_pinned_credentials(case):
        return SKIP
    if 400 <= response.status_code < 500 or scope.contract.is_error_answer(_json_body(response)):
        return PASS
    raise ContractFailure(
        operation=case.operation.label,
        title="Invalid request accepted",
        message=f"a request that breaks the contract was answered {response.status_code} without an error body",
        expected="an error answer (Mend: errorCode) or a 4xx",
    )


@schemathesis.check
def positive_data_acceptance_rpc(ctx: Any, response: Any, case: Any) -> bool | None:
    """positive_data_acceptance for RPC APIs that answer errors with HTTP 200: a valid request with the run's
    credentials answered with an error that its data does not explain (the vendor classifies the error body)."""
    scope = active()
    op = scope.operation(case) if scope is not None else None
    if scope is None or op is None or op.variant is None or scope.valid_request_rejection is None:
        return SKIP
    if intents.intent_of(case) != intents.POSITIVE or not _carries_pinned_credentials(case):
        return SKIP
    if scope.credential_rejection is not None and scope.credential_rejection(_json_body(response)):
        return SKIP  # the caller rejected: valid_credentials_accepted reports it
    why = scope.valid_request_rejection(_json_body(response))
    if why is None:
        return PASS
    raise ContractFailure(
        operation=case.operation.label,
        title="Valid request rejected",
        message=f"a request that satisfies the contract, with the run's credentials, was answered {why}",
        expected="the requestType's answer, or an error its data explains (an unknown token, library or name)",
    )


def _carries_pinned_credentials(case: Any) -> bool:
    """True when every credential the prepared document pins in this body has its pinned value."""
    ref = case.operation.definition.raw.get("requestBody", {}).get("content", {}).get(JSON, {}).get("schema", {})
    if not isinstance(case.body, dict) or "$ref" not in ref:
        return False
    variant = resolve_pointer(case.operation.schema.raw_schema, ref["$ref"])
    pinned = variant.get("x-unpinned", {}) if isinstance(variant, dict) else {}
    consts = {name: variant["properties"][name].get("const") for name in pinned}
    return bool(consts) and all(case.body.get(name) == value for name, value in consts.items())


def _json_body(response: Any) -> Any:
    try:
        return response.json()
    except Exception:  # a non-JSON body is judged by content_type_conformance, not here
        return None


def _valid_but_for_pinned_credentials(case: Any) -> bool:
    """A body made "negative" only by another userKey/token value satisfies the contract: credentials are pinned
    (const) in the prepared spec to reach real data, but a different token is an auth matter, not bad input."""
    scope = active()
    ref = case.operation.definition.raw.get("requestBody", {}).get("content", {}).get(JSON, {}).get("schema", {})
    if scope is None or not isinstance(case.body, dict) or "$ref" not in ref:
        return False
    document = case.operation.schema.raw_schema  # the prepared document: pinned consts, originals in x-unpinned
    variant = resolve_pointer(document, ref["$ref"])
    unpinned = variant.get("x-unpinned") if isinstance(variant, dict) else None
    if not unpinned:
        return False
    original = dict(variant, properties={**variant.get("properties", {}), **unpinned})
    return not scope.pinned_validator(document).errors(case.body, original)


# Schemathesis' own checks, used as they are (its status, Content-Type and schema checks are replaced by the
# contract's above). unsupported_method and allow_header_conformance are declared by the methods scenario.
_OWN = {
    "response_headers_conformance": ("schema", "documented required response headers are present and valid"),
    "negative_data_rejection": ("property", "requests that break the contract are rejected (4xx or an error body)"),
    "positive_data_acceptance": ("property", "requests that satisfy the contract are not rejected as invalid"),
    "missing_required_header": ("property", "a request missing a required header is rejected"),
    "use_after_free": ("property", "a deleted resource is not served afterwards (stateful)"),
    "ensure_resource_availability": ("property", "a created resource can be read back (stateful)"),
    "ignored_auth": ("auth", "secured operations reject missing and invalid credentials"),
}
SCHEMATHESIS_OWN: tuple[CheckId, ...] = tuple(
    declare(name, group=group, source="schemathesis", description=text) for name, (group, text) in _OWN.items()
)
NEGATIVE_DATA_REJECTION = CheckId("negative_data_rejection")
POSITIVE_DATA_ACCEPTANCE = CheckId("positive_data_acceptance")
STATEFUL_ONLY = (CheckId("use_after_free"), CheckId("ensure_resource_availability"))

# Report ids of the schemathesis check names that differ from them.
REPORTED_AS: dict[str, CheckId] = {
    "negative_data_rejection_rpc": NEGATIVE_DATA_REJECTION,
    "positive_data_acceptance_rpc": POSITIVE_DATA_ACCEPTANCE,
    "contract_status_code": STATUS_CODE_CONFORMANCE,
    "contract_content_type": CONTENT_TYPE_CONFORMANCE,
    "contract_response_schema": RESPONSE_SCHEMA_CONFORMANCE,
    "max_response_time": RESPONSE_TIME,
}
ST_CHECKS = (
    "valid_credentials_accepted",
    "contract_status_code",
    "contract_content_type",
    "contract_response_schema",
    "request_type_shape",
    "enum_documented",
    "response_time",
    "content_disposition",
)
