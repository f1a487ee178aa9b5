"""Findings and the rule catalogue: every rule id has one fixed severity, judged from a client's point of view
(a team that judges a rule otherwise overrides it by id: `[diff.severity]`, see `severity_overrides`).

`breaking`: a client that worked against the old spec can fail against the new one (a request it sends is now
rejected, or an answer it parses no longer fits what it expects). `warning`: it may fail or behave differently,
depending on what it does (a value outside the old range, a status code it does not handle). `info`: compatible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from apiconform.errors import UsageError, did_you_mean

SEVERITIES = ("breaking", "warning", "info")
SPEC_LABEL = "(spec)"  # the operation label of document-wide findings (servers, security schemes)


@dataclass(frozen=True)
class Finding:
    """One change. Pointers are JSON pointers into each document: the changed node on that side; "" where an
    added or removed element does not exist on that side; the enclosing schema where a keyword was added or
    removed. `operation` is `METHOD /path`, `POST <base path>#<requestType>` for an RPC variant, or `(spec)`."""

    rule: str
    severity: str
    message: str
    operation: str
    old_pointer: str = ""
    new_pointer: str = ""
    # The change said of the shared schema that holds it ('Alert.type gained enum value "X"'), so that text and
    # Markdown show one change once with the operations it reaches; "" when the change is the operation's own.
    shared: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str


_CATALOGUE: tuple[tuple[str, str, str], ...] = (
    # operations and RPC variants
    ("operation-removed", "breaking", "an operation was removed"),
    ("operation-added", "info", "an operation was added"),
    ("operation-deprecated", "warning", "an operation became deprecated"),
    ("operation-id-changed", "warning", "an operationId changed (generated clients rename the method)"),
    ("rpc-request-type-removed", "breaking", "an RPC requestType (union variant) was removed"),
    ("rpc-request-type-added", "info", "an RPC requestType (union variant) was added"),
    ("rpc-effect-changed", "warning", "an RPC variant's x-effect changed (read <-> write)"),
    (
        "discriminator-mapping-changed",
        "warning",
        "a discriminator value now maps to another schema, with other content (a rename alone is no change)",
    ),
    ("discriminator-property-changed", "breaking", "a union's discriminator propertyName changed"),
    # parameters
    ("request-parameter-added-required", "breaking", "a required parameter was added"),
    ("request-parameter-added", "info", "an optional parameter was added"),
    ("request-parameter-removed", "warning", "a parameter was removed (clients that send it may be ignored)"),
    ("request-parameter-became-required", "breaking", "an optional parameter became required"),
    ("request-parameter-became-optional", "info", "a required parameter became optional"),
    ("request-parameter-location-changed", "breaking", "a parameter moved (e.g. query -> header)"),
    ("pagination-parameter-removed", "breaking", "a paging parameter (limit, offset, page, ...) was removed"),
    ("pagination-parameter-renamed", "breaking", "a paging parameter was replaced by another one"),
    (
        "pagination-default-changed",
        "warning",
        "a paging parameter's default was added or removed, or changed while the parameter is required",
    ),
    ("pagination-bounds-tightened", "breaking", "a paging parameter accepts fewer values"),
    ("pagination-bounds-loosened", "warning", "a paging parameter's bounds widened (page arithmetic may change)"),
    # request bodies
    ("request-body-added-required", "breaking", "a required request body was added"),
    ("request-body-added", "info", "an optional request body was added"),
    ("request-body-became-required", "breaking", "the request body became required"),
    ("request-body-became-optional", "info", "the request body became optional"),
    ("request-body-removed", "warning", "the request body was removed"),
    ("request-media-type-removed", "breaking", "a request content type is no longer accepted"),
    ("request-media-type-added", "info", "a request content type was added"),
    # request schemas (bodies and parameter values)
    ("request-property-added-required", "breaking", "a required request field was added"),
    ("request-property-added", "info", "an optional request field was added"),
    ("request-property-removed", "warning", "a request field was removed from an open object (may be ignored)"),
    ("request-property-no-longer-accepted", "breaking", "a request field was removed from a closed object"),
    ("request-property-became-required", "breaking", "an optional request field became required"),
    ("request-property-became-optional", "info", "a required request field became optional"),
    ("request-type-changed", "breaking", "a request value's type changed or narrowed"),
    ("request-type-widened", "info", "a request value accepts more types"),
    ("request-format-changed", "breaking", "a request value's format changed or was added"),
    ("request-format-widened", "info", "a request value's format widened (int32 -> int64, float -> double)"),
    ("request-format-removed", "info", "a request value's format was removed"),
    ("request-enum-value-removed", "breaking", "a request enum value is no longer accepted"),
    ("request-enum-value-added", "info", "a request enum value was added"),
    ("request-enum-added", "breaking", "a request value is now restricted to an enum"),
    ("request-enum-removed", "info", "a request value is no longer restricted to an enum"),
    ("request-range-tightened", "breaking", "a request number's minimum/maximum/multipleOf tightened"),
    ("request-range-loosened", "info", "a request number's minimum/maximum/multipleOf loosened"),
    ("request-length-tightened", "breaking", "a request string's minLength/maxLength tightened"),
    ("request-length-loosened", "info", "a request string's minLength/maxLength loosened"),
    ("request-size-tightened", "breaking", "a request array/object size bound tightened (minItems, ...)"),
    ("request-size-loosened", "info", "a request array/object size bound loosened"),
    ("request-pattern-changed", "breaking", "a request string's pattern was added or changed"),
    ("request-pattern-removed", "info", "a request string's pattern was removed"),
    ("request-additional-properties-closed", "breaking", "a request object no longer accepts extra fields"),
    ("request-additional-properties-opened", "info", "a request object now accepts extra fields"),
    (
        "request-default-changed",
        "warning",
        "a request value's default was added or removed, or changed where clients always send the value",
    ),
    (
        "request-default-value-changed",
        "breaking",
        "an omittable request value's default changed (a request that leaves it out now does something else)",
    ),
    ("request-union-branch-removed", "breaking", "a oneOf/anyOf branch of a request was removed"),
    ("request-union-branch-added", "info", "a oneOf/anyOf branch of a request was added"),
    # responses
    (
        "response-status-removed",
        "warning",
        "a documented status code was removed (not the last documented 2xx: see response-success-status-removed)",
    ),
    (
        "response-success-status-removed",
        "breaking",
        "no 2xx status the old spec documented is left (e.g. 202 -> 200): clients check the code they were told",
    ),
    ("response-success-status-added", "warning", "a 1xx/2xx/3xx status was added: clients checking one code miss it"),
    ("response-error-status-added", "info", "a 4xx/5xx/default status was added (clients handle errors generically)"),
    ("response-media-type-removed", "breaking", "a response content type was removed or changed"),
    ("response-media-type-added", "info", "a response content type was added"),
    ("response-schema-removed", "breaking", "a documented JSON answer was removed (RPC variant)"),
    ("response-schema-added", "info", "a JSON answer was documented (RPC variant)"),
    ("response-header-removed", "warning", "a response header was removed"),
    ("response-header-became-optional", "warning", "a required response header became optional"),
    ("response-header-added", "info", "a response header was added"),
    # response schemas
    ("response-required-property-removed", "breaking", "a required response field was removed"),
    ("response-property-removed", "warning", "an optional response field was removed"),
    ("response-property-added", "info", "a response field was added"),
    ("response-property-became-optional", "breaking", "a required response field became optional"),
    ("response-property-became-required", "info", "an optional response field became required"),
    ("response-type-changed", "breaking", "a response value's type changed or widened (e.g. may now be null)"),
    ("response-type-narrowed", "info", "a response value has fewer possible types"),
    ("response-format-changed", "breaking", "a response value's format changed (e.g. int32 -> int64)"),
    ("response-format-narrowed", "info", "a response value's format narrowed (int64 -> int32, double -> float)"),
    ("response-format-added", "info", "a response value's format was added"),
    ("response-format-removed", "warning", "a response value's format was removed"),
    ("response-enum-value-added", "breaking", "a response enum value was added: clients that switch on it break"),
    ("response-enum-value-removed", "info", "a response enum value was removed"),
    ("response-enum-removed", "breaking", "a response value is no longer restricted to an enum"),
    ("response-enum-added", "info", "a response value is now restricted to an enum"),
    ("response-range-loosened", "warning", "a response number may fall outside the old minimum/maximum"),
    ("response-range-tightened", "info", "a response number's range tightened"),
    ("response-length-loosened", "warning", "a response string may be shorter/longer than before"),
    ("response-length-tightened", "info", "a response string's length bounds tightened"),
    ("response-size-loosened", "warning", "a response array/object may have more/fewer entries than before"),
    ("response-size-tightened", "info", "a response array/object size bound tightened"),
    ("response-pattern-changed", "warning", "a response string's pattern changed or was removed"),
    ("response-pattern-added", "info", "a response string's pattern was added"),
    ("response-additional-properties-opened", "info", "a response object may carry extra fields"),
    ("response-union-branch-added", "breaking", "a oneOf/anyOf branch of a response was added"),
    ("response-union-branch-removed", "info", "a oneOf/anyOf branch of a response was removed"),
    # security and servers
    ("security-requirement-added", "breaking", "an operation now requires authentication it did not"),
    ("security-requirement-removed", "breaking", "an accepted authentication alternative was removed"),
    ("security-alternative-added", "info", "an additional authentication alternative is accepted"),
    ("security-requirement-relaxed", "info", "authentication became optional or was dropped"),
    ("security-scope-added", "breaking", "a security requirement needs an additional scope"),
    ("security-scheme-changed", "breaking", "a security scheme's definition changed (type, header, flow, ...)"),
    ("server-base-path-changed", "warning", "the default base path changed"),
    ("server-url-changed", "warning", "the primary server URL changed"),
    ("server-variable-changed", "warning", "a server variable no longer allows a value (e.g. an API version)"),
    ("server-removed", "warning", "a server was removed"),
    ("server-added", "info", "a server was added"),
)
RULES: dict[str, Rule] = {rid: Rule(rid, sev, summary) for rid, sev, summary in _CATALOGUE}


class Emit(Protocol):
    def __call__(self, rule: str, message: str, old_pointer: str, new_pointer: str, shared: str = "") -> None: ...


def severity_overrides(table: Mapping[str, str], where: str) -> dict[str, str]:
    """A team's `rule id = severity` choices (`[diff.severity]`), checked; `where` names their file."""
    for rule, severity in table.items():
        if rule not in RULES:
            raise UsageError(
                f"{where}: {rule!r} is not a rule id{did_you_mean(rule, RULES)}; the rule ids are listed in"
                " the rule catalogue (examples/upgrade/README.md)"
            )
        if severity not in SEVERITIES:
            raise UsageError(
                f"{where}: {rule} = {severity!r} is not a severity{did_you_mean(severity, SEVERITIES)};"
                f" use one of {', '.join(SEVERITIES)}"
            )
    return {rule: severity for rule, severity in table.items() if severity != RULES[rule].severity}


class Sink:
    """Collects findings, de-duplicated; severity comes from the catalogue (or a team's override for that rule),
    never from the call site."""

    def __init__(self, severity: Mapping[str, str] | None = None) -> None:
        self._found: dict[Finding, None] = {}
        self._severity = dict(severity or {})

    def emitter(self, operation: str) -> Emit:
        def emit(rule: str, message: str, old_pointer: str, new_pointer: str, shared: str = "") -> None:
            severity = self._severity.get(rule) or RULES[rule].severity
            finding = Finding(rule, severity, message, operation, old_pointer, new_pointer, shared)
            self._found.setdefault(finding, None)

        return emit

    def findings(self) -> list[Finding]:
        return sorted(self._found, key=sort_key)


def sort_key(finding: Finding) -> tuple[int, str, str, str, str, str]:
    return (
        SEVERITIES.index(finding.severity),
        finding.operation,
        finding.rule,
        finding.message,
        finding.old_pointer,
        finding.new_pointer,
    )


def counts(findings: list[Finding]) -> dict[str, int]:
    return {severity: sum(1 for f in findings if f.severity == severity) for severity in SEVERITIES}


def at_or_above(findings: list[Finding], level: str) -> list[Finding]:
    """Findings whose severity is `level` or worse (`breaking` is the worst)."""
    limit = SEVERITIES.index(level)
    return [f for f in findings if SEVERITIES.index(f.severity) <= limit]
