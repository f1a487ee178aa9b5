"""Property-based phases through the schemathesis engine: examples, coverage, fuzzing, stateful.

The runner hands over a prepared document (RPC unions exploded, credentials and discovered ids filled in,
unsafe operations removed) and gets back per-operation case counts, the check matrix and failures.

Hostile servers: redirects are not followed (a 3xx is the answer under test); every body is read under a size
bound (`max_response_bytes`, decoded bytes, so a gzip bomb stops there) and must arrive within `timeout` seconds
of its headers (a slow drip cannot hold a case forever); the time an answer took includes its body. A request
that got no complete answer is its operation's `not_a_server_error` (`response_time` when it timed out), with a
curl reproduction, not a run-level error.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.config._phases import ExtraDataSourcesConfig
from schemathesis.engine import events, from_schema

from apiconform.contract import NOT_A_SERVER_ERROR, Contract
from apiconform.redact import Redactor
from apiconform.runner import intents, st_checks
from apiconform.runner.bounds import AnswerTooLarge, AnswerTooSlow
from apiconform.runner.hypothesis_storage import private_hypothesis_storage, without_local_constants
from apiconform.runner.profiles import Profile
from apiconform.runner.results import Exchange, Failure
from apiconform.runner.scenarios.base import (
    DEFAULT_MAX_RESPONSE_BYTES,
    curl_command,
    excerpt,
    transport_reason,
    transport_title,
)
from apiconform.runner.scenarios.methods import ALLOW_HEADER_CONFORMANCE, UNSUPPORTED_METHOD
from apiconform.runner.scope import RunScope, activate

BODY_EXCERPT = 2000
_FRAGMENT = re.compile(r"#[A-Za-z0-9_]*('?)$")  # the last word of a code sample is its URL


@dataclass
class PropertyOutcome:
    cases: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    cells: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (label, check) -> [passed, failed]
    proven: Counter[str] = field(default_factory=Counter)  # label -> valid requests answered with a success
    error_answers: dict[str, Counter[str]] = field(default_factory=dict)  # label -> "errorCode N" -> answers
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # label -> time taken
    failures: list[Failure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    interrupted: bool = False


@dataclass(frozen=True)
class PropertySettings:
    surface: str
    base_url: str
    headers: dict[str, str]
    profile: Profile
    seed: int
    workers: int = 1
    rate_limit: str | None = None
    timeout: float = 10.0
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES


def included_checks(rpc: bool, stateful: bool = True) -> list[str]:
    """The schemathesis check names a run uses: its own checks that the contract does not replace, ours, and
    the probes of undocumented methods (also run by the methods scenario)."""
    names: list[str] = [*st_checks.SCHEMATHESIS_OWN, UNSUPPORTED_METHOD, ALLOW_HEADER_CONFORMANCE, NOT_A_SERVER_ERROR]
    names += st_checks.ST_CHECKS
    if not stateful:
        names = [n for n in names if n not in st_checks.STATEFUL_ONLY]
    if rpc:
        # Mend rejects with HTTP 200 + errorCode: judge both with the RPC variants of the checks (a valid body may
        # still name a library the server lacks: the vendor says which errors a request's data explains).
        names = [n for n in names if n not in (st_checks.NEGATIVE_DATA_REJECTION, st_checks.POSITIVE_DATA_ACCEPTANCE)]
        names += ["negative_data_rejection_rpc", "positive_data_acceptance_rpc"]
    return names


OnExchange = Callable[[str, Any, str], None]  # (operation label, schemathesis interaction, intent)
PhaseEvents = Callable[[str, str], None]  # (kind: "started" | "finished", phase name)
OperationDone = Callable[[str, str, int, bool], None]  # (phase, operation label, cases, failed)


def run_property(
    document: dict[str, Any],
    settings: PropertySettings,
    redactor: Redactor,
    scope: RunScope,
    on_exchange: OnExchange | None = None,
    on_phase: PhaseEvents | None = None,
    on_operation: OperationDone | None = None,
) -> PropertyOutcome:
    """Drive the schemathesis engine over the prepared `document` and tally what it found, per report label."""
    # An explicit config: without one schemathesis reads a schemathesis.toml from the working directory or above
    # it, and the user's settings for their own schemathesis runs would change the cases of this seed.
    schema = schemathesis.openapi.from_dict(document, config=SchemathesisConfig())
    schema.config.update(
        base_url=settings.base_url,
        headers=dict(settings.headers),
        request_timeout=settings.timeout,
        workers=settings.workers,
        rate_limit=settings.rate_limit,
        max_redirects=0,  # a redirect is the answer under test; following a redirect loop would only burn time
    )
    schema.config.seed = settings.seed
    # Whole values in failure messages: schemathesis would shorten a long string to its first characters and
    # "...", which no exact-value redaction recognises (it leaked most of a Mend productToken). The runner
    # redacts first and then cuts messages to BODY_EXCERPT itself.
    schema.config.output.truncation.update(enabled=False)
    # No example database: Hypothesis' home is the user's cache (runner/hypothesis_storage.py), and a failure
    # stored by one run must not become a case of the next (same seed, same cases).
    schema.config.generation.update(max_examples=settings.profile.max_examples, deterministic=True, database="none")
    schema.config.phases.update(phases=list(settings.profile.phases))
    # No reuse of ids captured from responses: schemathesis would feed a listed product token into
    # deleteProduct. Positive cases reach real resources through discovery (parameter examples) instead.
    for phase in ("examples", "coverage", "fuzzing", "stateful"):
        phase_config = getattr(schema.config.phases, phase, None)
        if phase_config is not None and hasattr(phase_config, "extra_data_sources"):
            phase_config.extra_data_sources = ExtraDataSourcesConfig(responses=False)
    rpc = any(op.variant is not None for op in scope.contract.operations)
    schema.config.checks.update(included_check_names=included_checks(rpc, "stateful" in settings.profile.phases))
    if rpc:
        # Every virtual operation of an RPC surface shares one URL, so schemathesis would send the same
        # undocumented-method probes once per requestType (~830 identical requests for Mend); the methods
        # scenario probes that URL once per method instead.
        schema.config.phases.coverage.unexpected_methods = set()
    schema.hook(filter_path_parameters)
    outcome = PropertyOutcome()
    seen_failures: set[tuple[str, str, str]] = set()

    def label_of(schema_label: str) -> str:
        op = scope.contract.by_schema_label(schema_label)
        return op.label if op is not None else schema_label

    with activate(scope), private_hypothesis_storage(), without_local_constants():
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                cases_before = dict(outcome.cases)
                failed = _record(
                    event.recorder,
                    contract=scope.contract,
                    outcome=outcome,
                    seen=seen_failures,
                    settings=settings,
                    redactor=redactor,
                    label_of=label_of,
                    on_exchange=on_exchange,
                )
                if event.label:
                    outcome.seconds[label_of(event.label)] += event.elapsed_time
                if on_operation is not None and event.label:
                    label = label_of(event.label)
                    cases = outcome.cases.get(label, 0) - cases_before.get(label, 0)
                    on_operation(str(event.phase.value), label, cases, failed)
            elif isinstance(event, events.PhaseStarted | events.PhaseFinished) and on_phase is not None:
                kind = "started" if isinstance(event, events.PhaseStarted) else "finished"
                on_phase(kind, str(event.phase.name.value))
            elif isinstance(event, events.NonFatalError):
                if not _transport_failure(event, outcome, settings, redactor, label_of):
                    outcome.errors.append(redactor.text(f"{event.label}: {event.info.message}"))
            elif isinstance(event, events.FatalError):
                outcome.errors.append(redactor.text(f"fatal: {event.exception}"))
            elif isinstance(event, events.Interrupted):
                outcome.interrupted = True
    return outcome


def _transport_failure(
    event: events.NonFatalError,
    outcome: PropertyOutcome,
    settings: PropertySettings,
    redactor: Redactor,
    label_of: Callable[[str], str],
) -> bool:
    """A request of an operation got no complete answer: that operation's failure (True), not a run error."""
    error = event.value
    if not isinstance(error, requests.exceptions.RequestException) or not event.related_to_operation:
        return False
    label = label_of(event.label)
    timed_out = isinstance(error, (requests.exceptions.Timeout, AnswerTooSlow))
    check_id = st_checks.RESPONSE_TIME if timed_out else NOT_A_SERVER_ERROR
    title = transport_title(timed_out=timed_out, too_large=isinstance(error, AnswerTooLarge))
    expected = "a complete answer within --timeout" if timed_out else "a complete HTTP answer within the bounds"
    if isinstance(error, requests.exceptions.Timeout):
        reason = f"{type(error).__name__}: no answer within --timeout {settings.timeout:g} s"
    else:
        reason = str(error) if isinstance(error, AnswerTooLarge | AnswerTooSlow) else transport_reason(error)
    outcome.cases[label] = outcome.cases.get(label, 0) + 1
    outcome.cells.setdefault((label, check_id), [0, 0])[1] += 1
    request = error.request if isinstance(error.request, requests.PreparedRequest) else None
    exchange = None
    curl = _sample(event.info.code_sample or "", redactor)
    if request is not None:
        raw_body = request.body
        body = raw_body.decode("utf-8", "replace") if isinstance(raw_body, bytes) else None
        body = raw_body if isinstance(raw_body, str) else body
        headers = {k: str(v) for k, v in request.headers.items()}
        exchange = Exchange(
            method=str(request.method),
            url=redactor.text(_wire(str(request.url))),
            request_headers=redactor.headers(headers),
            request_body=excerpt(redactor, body, BODY_EXCERPT) if body else None,
            response_body=redactor.text(f"transport error: {reason}"),
        )
        curl = curl_command(str(request.method), str(request.url), headers, body, redactor)
        if isinstance(error.response, requests.Response):  # the headers came, the body was refused
            exchange.status = error.response.status_code
            exchange.response_headers = redactor.headers(dict(error.response.headers))
    if not any(f.operation == label and f.check == check_id and f.title == title for f in outcome.failures):
        outcome.failures.append(
            Failure(
                surface=settings.surface,
                operation=label,
                check=check_id,
                title=title,
                message=redactor.text(reason)[:BODY_EXCERPT],
                expected=expected,
                curl=curl,
                exchange=exchange,
            )
        )
    return True


def filter_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> bool:
    """Generate no path parameter that would make the request address another resource."""
    return _addresses_its_operation(path_parameters)


def _addresses_its_operation(path_parameters: dict[str, Any] | None) -> bool:
    """False when a path parameter is "", "." or "..": clients collapse dot segments (RFC 3986) and an empty one
    turns `/labels/{key}` into `/labels/`, so the request reaches another route (or a redirect) and any verdict
    on it would be a false alarm about the wrong operation. The stateful phase can still send such a request
    when a link carries an empty id from a response; `_record` then leaves it unjudged."""
    return not any(str(value) in ("", ".", "..") for value in (path_parameters or {}).values())


def _record(
    recorder: Any,
    *,
    contract: Contract,
    outcome: PropertyOutcome,
    seen: set[tuple[str, str, str]],
    settings: PropertySettings,
    redactor: Redactor,
    label_of: Callable[[str], str],
    on_exchange: OnExchange | None,
) -> bool:
    """Tally one scenario's cases; True when any check failed."""
    failed = False
    for case_id, node in recorder.cases.items():
        label = label_of(node.value.operation.label)
        checks = recorder.checks.get(case_id, [])
        interaction = recorder.interactions.get(case_id)
        response = interaction.response if interaction else None
        if (response is None and not checks) or not _addresses_its_operation(node.value.path_parameters):
            continue
        outcome.cases[label] = outcome.cases.get(label, 0) + 1
        if on_exchange is not None and interaction is not None:
            on_exchange(label, interaction, intents.intent_of(node.value))
        if response is not None:
            statuses = outcome.statuses.setdefault(label, {})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            _tally_answer(contract, outcome, label, node.value, response)
        for check in checks:
            check_id = st_checks.REPORTED_AS.get(check.name, check.name)
            cell = outcome.cells.setdefault((label, check_id), [0, 0])
            if check.failure_info is None:
                cell[0] += 1
                continue
            cell[1] += 1
            failed = True
            failure = check.failure_info.failure
            key = (label, check_id, str(failure.title))
            if key in seen:
                continue
            seen.add(key)
            outcome.failures.append(
                Failure(
                    surface=settings.surface,
                    operation=label,
                    check=check_id,
                    title=redactor.text(str(failure.title)),
                    message=redactor.text(str(failure.message))[:BODY_EXCERPT],
                    expected=getattr(failure, "expected", "") or _expected(check_id, node.value),
                    curl=_curl(interaction, redactor) or _sample(check.failure_info.code_sample, redactor),
                    exchange=_exchange(interaction, redactor),
                    pointer=getattr(failure, "pointer", ""),
                    keyword=getattr(failure, "keyword", ""),
                )
            )
    return failed


def _tally_answer(contract: Contract, outcome: PropertyOutcome, label: str, case: Any, response: Any) -> None:
    """What the answer proves: a valid request answered with a documented success exercises the operation; an
    RPC error answer is counted by its code, so an operation that only got errors can say which."""
    op = contract.by_schema_label(case.operation.label)
    if op is None:
        return
    content_type = str((response.headers.get("content-type") or [""])[0])
    body = response.content or b""
    if intents.intent_of(case) == intents.POSITIVE and contract.proves(op, response.status_code, content_type, body):
        outcome.proven[label] += 1
    code = contract.error_code(body, content_type)
    if code is not None:
        outcome.error_answers.setdefault(label, Counter())[code] += 1


def _expected(check_id: str, case: Any) -> str:
    """What schemathesis' own checks expected (ours carry it on the failure)."""
    documented = ", ".join(sorted(str(s) for s in case.operation.definition.raw.get("responses", {})))
    if check_id == NOT_A_SERVER_ERROR:
        return f"documented statuses: {documented}"
    if check_id == st_checks.NEGATIVE_DATA_REJECTION:
        return "a 4xx (or an error answer) to input that breaks the contract"
    return f"the contract of {case.operation.label} (statuses {documented})"


def _curl(interaction: Any, redactor: Redactor) -> str:
    """The reproduction of what was sent, built from the request itself rather than schemathesis' code sample: that
    sample shows the credentials (which must be `$APICONFORM_*` placeholders, not masks) and the virtual operation's
    `#requestType` fragment, and quotes non-printable text for one shell only."""
    if interaction is None:
        return ""
    request = interaction.request
    body = request.body.decode("utf-8", "replace") if isinstance(request.body, bytes) else None
    headers = {k: ", ".join(v) for k, v in request.headers.items()}
    return curl_command(request.method, request.uri, headers, body, redactor)


def _sample(code_sample: str, redactor: Redactor) -> str:
    """schemathesis' own code sample, for a failure with no request to build one from: redacted, its URL's
    fragment (never sent) dropped."""
    return _FRAGMENT.sub(r"\1", redactor.text(code_sample.rstrip()))


def _wire(url: str) -> str:
    """The URL as sent: a virtual operation's fragment (Mend's `#getProjectAlerts`) never goes on the wire."""
    return url.partition("#")[0]


def _exchange(interaction: Any, redactor: Redactor) -> Exchange | None:
    if interaction is None:
        return None
    request = interaction.request
    response = interaction.response
    body = request.body.decode("utf-8", "replace") if isinstance(request.body, bytes) else None
    exchange = Exchange(
        method=request.method,
        url=redactor.text(_wire(request.uri)),
        request_headers=redactor.headers({k: ", ".join(v) for k, v in request.headers.items()}),
        request_body=excerpt(redactor, body, BODY_EXCERPT) if body else None,
    )
    if response is not None:
        exchange.status = response.status_code
        exchange.response_headers = redactor.headers({k: ", ".join(v) for k, v in response.headers.items()})
        exchange.elapsed_ms = round(response.elapsed * 1000, 1)
        content = response.content or b""
        exchange.response_body = excerpt(redactor, content, BODY_EXCERPT)
    return exchange
