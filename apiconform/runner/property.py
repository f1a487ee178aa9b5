"""Property-based phases through the schemathesis engine: examples, coverage, fuzzing, stateful.

The runner hands over a prepared document (RPC unions exploded, credentials and discovered ids filled in,
unsafe operations removed) and gets back per-operation case counts, the check matrix and failures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.config._phases import ExtraDataSourcesConfig
from schemathesis.engine import events, from_schema

from apiconform.redact import Redactor
from apiconform.runner import st_checks
from apiconform.runner.checks import SCHEMATHESIS_CHECKS
from apiconform.runner.profiles import Profile
from apiconform.runner.results import Exchange, Failure

BODY_EXCERPT = 2000


@dataclass
class PropertyOutcome:
    cases: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    cells: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (label, check) -> [passed, failed]
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
    rpc: bool = False


STATEFUL_ONLY = ("use_after_free", "ensure_resource_availability")


def included_checks(rpc: bool, stateful: bool = True) -> list[str]:
    names = list(SCHEMATHESIS_CHECKS) + list(st_checks.APICONFORM_ST_CHECKS)
    if not stateful:
        names = [n for n in names if n not in STATEFUL_ONLY]
    if rpc:
        # Mend rejects with HTTP 200 + errorCode: judge negative data with the RPC variant of the check, and leave
        # positive acceptance to request_type_shape (a valid body may still name a library the server lacks).
        names = [n for n in names if n not in ("negative_data_rejection", "positive_data_acceptance")]
        names.append("negative_data_rejection_rpc")
    return names


def run_property(
    document: dict[str, Any],
    settings: PropertySettings,
    redactor: Redactor,
    label_of: Callable[[str], str],
    observer: st_checks.Observer,
    on_exchange: Callable[[str, Any], None] | None = None,
) -> PropertyOutcome:
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(
        base_url=settings.base_url,
        headers=dict(settings.headers),
        request_timeout=settings.timeout,
        workers=settings.workers,
        rate_limit=settings.rate_limit,
    )
    schema.config.seed = settings.seed
    schema.config.generation.update(max_examples=settings.profile.max_examples, deterministic=True)
    schema.config.phases.update(phases=list(settings.profile.phases))
    # No reuse of ids captured from responses: schemathesis would feed a listed product token into
    # deleteProduct. Positive cases reach real resources through discovery (parameter examples) instead.
    for phase in ("examples", "coverage", "fuzzing", "stateful"):
        phase_config = getattr(schema.config.phases, phase, None)
        if phase_config is not None and hasattr(phase_config, "extra_data_sources"):
            phase_config.extra_data_sources = ExtraDataSourcesConfig(responses=False)
    schema.config.checks.update(
        included_check_names=included_checks(settings.rpc, "stateful" in settings.profile.phases)
    )
    outcome = PropertyOutcome()
    seen_failures: set[tuple[str, str, str]] = set()
    st_checks.install(observer)
    try:
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                _record(
                    event.recorder,
                    outcome=outcome,
                    seen=seen_failures,
                    settings=settings,
                    redactor=redactor,
                    label_of=label_of,
                    on_exchange=on_exchange,
                )
            elif isinstance(event, events.NonFatalError):
                outcome.errors.append(redactor.text(f"{event.label}: {event.info.message}"))
            elif isinstance(event, events.FatalError):
                outcome.errors.append(redactor.text(f"fatal: {event.exception}"))
            elif isinstance(event, events.Interrupted):
                outcome.interrupted = True
    finally:
        st_checks.install(None)
    return outcome


def _record(
    recorder: Any,
    *,
    outcome: PropertyOutcome,
    seen: set[tuple[str, str, str]],
    settings: PropertySettings,
    redactor: Redactor,
    label_of: Callable[[str], str],
    on_exchange: Callable[[str, Any], None] | None,
) -> None:
    for case_id, node in recorder.cases.items():
        label = label_of(node.value.operation.label)
        checks = recorder.checks.get(case_id, [])
        interaction = recorder.interactions.get(case_id)
        response = interaction.response if interaction else None
        if response is None and not checks:
            continue
        outcome.cases[label] = outcome.cases.get(label, 0) + 1
        if on_exchange is not None and interaction is not None:
            on_exchange(label, interaction)
        if response is not None:
            statuses = outcome.statuses.setdefault(label, {})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        for check in checks:
            check_id = st_checks.REPORTED_AS.get(check.name, check.name)
            cell = outcome.cells.setdefault((label, check_id), [0, 0])
            if check.failure_info is None:
                cell[0] += 1
                continue
            cell[1] += 1
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
                    expected=_expected(check_id, node.value),
                    curl=redactor.text(check.failure_info.code_sample),
                    exchange=_exchange(interaction, redactor),
                )
            )


def _expected(check_id: str, case: Any) -> str:
    raw = case.operation.definition.raw
    documented = ", ".join(sorted(str(s) for s in raw.get("responses", {})))
    if check_id in ("status_code_conformance", "not_a_server_error"):
        return f"documented statuses: {documented}"
    if check_id == "request_type_shape":
        return f"the answer documented for {raw.get('x-rpc-value')} ({raw.get('x-response-schema-ref', 'binary')})"
    if check_id in ("negative_data_rejection", "negative_data_rejection_rpc"):
        return "a 4xx (or Mend errorCode) answer to input that breaks the contract"
    return f"the contract of {case.operation.label} (statuses {documented})"


def _exchange(interaction: Any, redactor: Redactor) -> Exchange | None:
    if interaction is None:
        return None
    request = interaction.request
    response = interaction.response
    body = request.body.decode("utf-8", "replace") if isinstance(request.body, bytes) else None
    exchange = Exchange(
        method=request.method,
        url=redactor.text(request.uri),
        request_headers=redactor.headers({k: ", ".join(v) for k, v in request.headers.items()}),
        request_body=redactor.text(body[:BODY_EXCERPT]) if body else None,
    )
    if response is not None:
        exchange.status = response.status_code
        exchange.response_headers = redactor.headers({k: ", ".join(v) for k, v in response.headers.items()})
        exchange.elapsed_ms = round(response.elapsed * 1000, 1)
        content = response.content or b""
        exchange.response_body = redactor.text(content[:BODY_EXCERPT].decode("utf-8", "replace"))
    return exchange
