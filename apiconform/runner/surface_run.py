"""The state of one surface's test: its operations' results and failures, filled as verdicts come in, and the
order of its phases (preflight, discovery, the property phases, the scenarios). `runner.surface` starts it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import httpx

from apiconform.contract import Contract, VirtualOperation
from apiconform.observed import ContractView
from apiconform.redact import Redactor, credential_names
from apiconform.runner.bounds import Bounds
from apiconform.runner.coverage import fill_enum_coverage
from apiconform.runner.events import (
    Emit,
    FailureFound,
    OperationTested,
    PhaseFinished,
    PhaseStarted,
    SurfaceStarted,
)
from apiconform.runner.halves import SECOND, HalfOutcome, SecondHalf, halves, split_phases, without
from apiconform.runner.options import RunOptions
from apiconform.runner.prepare import Prepared, prepare
from apiconform.runner.property import PropertyOutcome, PropertySettings, run_property
from apiconform.runner.recording import Recording
from apiconform.runner.results import Deviation, Failure, OperationResult, SurfaceResult
from apiconform.runner.scenarios import auth, examples, methods
from apiconform.runner.scenarios.base import ScenarioContext, Verdict
from apiconform.runner.scope import RunScope
from apiconform.runner.target import Target
from apiconform.surfaces import Surface
from apiconform.vendors.plugin import Vendor


class SurfaceRun:
    """The state of one surface's test: its operations' results and failures, filled as verdicts come in."""

    def __init__(
        self,
        surface: Surface,
        vendor: Vendor,
        view: ContractView,
        target: Target,
        options: RunOptions,
        emit: Emit,
        second: SecondHalf | None = None,
    ) -> None:
        self.surface = surface
        self.vendor = vendor
        self.view = view
        self.contract: Contract = view.contract
        self.target = target
        self.options = options
        self.emit = emit
        # The credentials appear in reproductions as the variables that carry them ($APICONFORM_TOKEN), not masked.
        self.redactor = Redactor(target.secrets(), credential_names(target.credentials))
        self.outcome = SurfaceResult(surface.name, self.redactor.text(target.base_url), target.embedded)
        self.outcome.contract = view.mode
        if target.embedded:
            self.outcome.mock_seed, self.outcome.mock_faults = options.seed, list(options.mock_faults)
        for op in self.contract.operations:
            self.outcome.operations[op.label] = OperationResult(surface.name, op.label, op.operation_id)
        self.failures: list[Failure] = []
        self.recording = Recording() if options.record else None
        self.interrupted = False
        self._phase = ""
        self.second = second  # the other process's half of the operations, when this surface splits
        self.half_outcome = HalfOutcome()  # what this process found, when it is that other process

    def test(self) -> None:
        options, target = self.options, self.target
        allow_writes = options.allow_writes or target.loopback
        with httpx.Client(timeout=options.timeout, follow_redirects=False) as client:
            ctx = ScenarioContext(
                surface=self.surface.name,
                contract=self.contract,
                view=self.view,
                client=client,
                base_url=target.base_url,
                credentials=target.credentials,
                redactor=self.redactor,
                profile=options.profile,
                allow_writes=allow_writes,
                record=self.record,
                auth_headers=target.headers,
                max_response_bytes=options.max_response_bytes,
                on_exchange=None if self.recording is None else self._record_scenario_exchange,
                credential_sources=target.sources,
                empty_credentials=target.empty_credentials,
            )
            # Before any generated case: the target is this API and accepts the credentials, or exit 3 saying why.
            self._phase_started("preflight")
            self.vendor.preflight(ctx)
            self._phase_finished("preflight")
            self.emit(SurfaceStarted(self.surface.name, self.outcome.base_url, len(self.contract.operations)))
            self._phase_started("discovery")
            ctx.discovery = self.vendor.discover(ctx)
            self._phase_finished("discovery")
            secret_like = (str(v) for k, v in ctx.discovery.items() if _secret_name(k))
            self.redactor.add(*secret_like)
            # A discovered value of a credential key (Mend's productToken) is what APICONFORM_<KEY> would give the run.
            discovered = {k: v for k, v in ctx.discovery.items() if k in self.vendor.credential_keys}
            for value, variable in credential_names(discovered).items():
                self.redactor.name(value, variable)
            prepared = prepare(
                self.contract,
                discovered=ctx.discovery,
                credentials=target.credentials,
                allow_writes=allow_writes,
                shard=options.shard,
                caller_credentials=self.vendor.caller_credentials,
                destructive=self.vendor.destructive,
                unavailable={
                    op_id: f"needs {key} in the credentials"
                    for op_id, key in self.vendor.credential_needs.items()
                    if not target.credentials.get(key)
                },
                only=options.only,
            )
            ctx.excluded = prepared.excluded
            for label, reason in prepared.excluded.items():
                self.outcome.operations[label].excluded = reason
            if options.half == SECOND:
                self._second_half_phases(prepared, ctx)
                return
            if options.profile.phases and not self._property_phases(prepared, ctx):
                return
            self._scenarios(ctx)
            self._absorb_second_half()
        _count_scenario_cases(self.outcome)
        for label, count in ctx.proven.items():
            # A scenario may pass through an operation left out of this run (another shard's): it stays excluded.
            if label in self.outcome.operations and self.outcome.operations[label].excluded is None:
                self.outcome.operations[label].proven = (self.outcome.operations[label].proven or 0) + count
        for label, fields in ctx.enum_values.items():
            if label in self.outcome.operations and self.outcome.operations[label].excluded is None:
                for name, values in fields.items():
                    self.outcome.operations[label].enum_values.setdefault(name, set()).update(values)
        for label, seconds in ctx.seconds.items():
            if label in self.outcome.operations:
                self.outcome.operations[label].duration_s += seconds
        fill_enum_coverage(self.outcome, self.contract)

    def _property_phases(self, prepared: Prepared, ctx: ScenarioContext) -> bool:
        """The schemathesis phases (over the first half of the operations when the surface splits, the stateful
        phase over all of them); False when they were interrupted."""
        phases = self.options.profile.phases
        if self.second is None:
            return self._phases(prepared.document, ctx, phases)
        own, rest = split_phases(phases)
        _, theirs = halves(self._kept(prepared))
        finished = self._phases(without(prepared.document, theirs), ctx, own)
        finished = finished and (not rest or self._phases(prepared.document, ctx, rest))
        if not finished:
            self._absorb_second_half(interrupted=True)
        return finished

    def _second_half_phases(self, prepared: Prepared, ctx: ScenarioContext) -> None:
        """In the process testing the second half: its property phases, tallied into `half_outcome`."""
        ours, _ = split_phases(self.options.profile.phases)
        theirs, _ = halves(self._kept(prepared))
        self._phases(without(prepared.document, theirs), ctx, ours)

    def _kept(self, prepared: Prepared) -> list[VirtualOperation]:
        return [op for op in self.contract.operations if op.label not in prepared.excluded]

    def _absorb_second_half(self, *, interrupted: bool = False) -> None:
        """The second half's tally, added to this one (each of its operations was tested there only)."""
        if self.second is None:
            return
        half = self.second.result(self._forward_progress, interrupted=interrupted)
        self.second = None
        self._merge_property(half.prop, half.response_fields, half.enum_values, half.deviations)
        self.interrupted = self.interrupted or half.prop.interrupted
        if half.error:
            self._note_error(half.error)
        if half.recorded and self.recording is not None:
            self.recording.absorb(half.recorded)

    def _forward_progress(self, item: tuple[str, str, int, bool]) -> None:
        self.emit(OperationTested(self.surface.name, *item))

    def _phases(self, document: dict[str, Any], ctx: ScenarioContext, phases: Sequence[str]) -> bool:
        """Some schemathesis phases over `document`; False when they were interrupted."""
        options = self.options
        scope = RunScope(
            self.view,
            Bounds(options.max_response_bytes, options.timeout),
            max_response_time=options.profile.max_response_time,
            credential_rejection=self.vendor.credential_rejection,
            valid_request_rejection=self.vendor.valid_request_rejection,
            auth_headers=dict(ctx.auth_headers),
            token_exchanges=self.vendor.token_exchanges,
        )
        settings = PropertySettings(
            surface=self.surface.name,
            base_url=self.target.base_url,
            headers=ctx.auth_headers,
            profile=replace(options.profile, phases=tuple(phases)),
            seed=options.seed,
            # One thread: threads share a core (schemathesis is CPU-bound Python) and make the case order,
            # so the cases, vary from run to run. --workers parallelises surfaces, one process each.
            workers=1,
            timeout=options.timeout,
            rate_limit=None if options.rate_limit is None else f"{options.rate_limit:g}/s",
            max_response_bytes=options.max_response_bytes,
        )
        prop = run_property(
            document,
            settings,
            self.redactor,
            scope,
            on_exchange=None if self.recording is None else self._record_exchange,
            on_phase=self._on_phase,
            on_operation=self._on_operation,
        )
        if self.options.half == SECOND:
            recorded = self.recording.surfaces if self.recording is not None else None
            half = self.half_outcome  # in place: the process's entry point holds it, whatever stops the run after
            half.prop, half.recorded = prop, recorded
            half.response_fields, half.enum_values, half.deviations = (
                scope.response_fields,
                scope.enum_values,
                scope.deviations,
            )
            return not prop.interrupted
        self._merge_property(prop, scope.response_fields, scope.enum_values, scope.deviations)
        self.interrupted = self.interrupted or prop.interrupted
        return not prop.interrupted

    def _scenarios(self, ctx: ScenarioContext) -> None:
        vendor = self.vendor

        def prepare_example(op: VirtualOperation, body: Any) -> Any:
            return vendor.prepare_example(ctx, op, body)

        scenarios: list[tuple[str, Callable[[], None]]] = [
            ("response examples", lambda: examples.validate_response_examples(ctx)),
            ("request examples", lambda: examples.replay_examples(ctx, prepare_example)),
            ("auth", lambda: auth.check_auth_enforced(ctx, limit=self.options.profile.pages * 4)),
            ("methods", lambda: methods.check_unsupported_methods(ctx)),
            (f"{self.surface.name} semantics", lambda: vendor.run_scenarios(ctx)),
        ]  # fmt: skip
        self._phase_started("scenarios")
        for name, scenario in scenarios:
            try:
                scenario()
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # hostile answers must not crash the run: report, keep going
                self.outcome.error = (self.outcome.error + "; " if self.outcome.error else "") + self.redactor.text(
                    f"{name} scenario stopped on an unexpected answer: {type(exc).__name__}: {exc}"
                )
        self._phase_finished("scenarios")

    # -- verdicts and facts -------------------------------------------------------------------------------------

    def record(self, verdict: Verdict) -> None:
        """A scenario's verdict, into its operation's cell (a verdict on an operation this run leaves out, such as
        another shard's, is not this run's to report)."""
        op = self.outcome.operations.get(verdict.operation)
        if op is None or op.excluded:
            return
        if verdict.ok is None:
            op.not_applicable.setdefault(verdict.check, verdict.message)
            return
        cell = op.cell(verdict.check)
        if verdict.ok:
            cell.passed += 1
            return
        cell.failed += 1
        self._fail(
            Failure(
                self.surface.name,
                verdict.operation,
                verdict.check,
                verdict.title,
                verdict.message,
                verdict.expected,
                verdict.curl,
                verdict.exchange,
            )
        )

    def _fail(self, failure: Failure) -> None:
        self.failures.append(failure)
        self.emit(FailureFound(failure))

    def _merge_property(
        self,
        prop: PropertyOutcome,
        response_fields: dict[str, set[str]],
        enum_values: dict[str, dict[str, set[str]]],
        deviations: dict[tuple[str, str], list[Any]],
    ) -> None:
        outcome = self.outcome
        for tested in outcome.operations.values():
            tested.proven = (tested.proven or 0) + prop.proven.get(tested.label, 0)
            tested.error_answers.update(prop.error_answers.get(tested.label, {}))
            tested.cases += prop.cases.get(tested.label, 0)
            tested.statuses.update(prop.statuses.get(tested.label, {}))
            tested.duration_s += prop.seconds.get(tested.label, 0.0)
        for (label, check), (passed, failed) in prop.cells.items():
            if label in outcome.operations:
                cell = outcome.operations[label].cell(check)
                cell.passed += passed
                cell.failed += failed
        for failure in prop.failures:
            self._fail(failure)
        for label, fields in response_fields.items():
            if label in outcome.operations:
                outcome.operations[label].response_fields |= fields
        for label, sites in enum_values.items():
            if label in outcome.operations:
                for where, values in sites.items():
                    outcome.operations[label].enum_values.setdefault(where, set()).update(values)
        for (label, check), (count, message, evidence) in sorted(deviations.items()):
            if label in outcome.operations:
                outcome.operations[label].cell(check).deviations += count
                outcome.deviations.append(Deviation(self.surface.name, label, check, message, evidence, count))
        if prop.errors:
            self._note_error("; ".join(prop.errors[:3]))

    def _note_error(self, message: str) -> None:
        self.outcome.error = f"{self.outcome.error}; {message}" if self.outcome.error else message

    def _record_exchange(self, label: str, interaction: Any, intent: str) -> None:
        assert self.recording is not None
        request, response = interaction.request, interaction.response
        self.recording.add(
            self.surface.name,
            self.target.base_url,
            self.redactor,
            operation=label,
            method=request.method,
            url=request.uri,
            request_headers={k: ", ".join(v) for k, v in request.headers.items()},
            request_body=request.body if isinstance(request.body, bytes) else None,
            status=None if response is None else response.status_code,
            response_headers={} if response is None else {k: ", ".join(v) for k, v in response.headers.items()},
            response_body=None if response is None else response.content,
            intent=intent,
        )

    def _record_scenario_exchange(
        self, label: str, intent: str, request: httpx.Request, response: httpx.Response
    ) -> None:
        assert self.recording is not None
        self.recording.add(
            self.surface.name,
            self.target.base_url,
            self.redactor,
            operation=label,
            method=request.method,
            url=str(request.url),
            request_headers=dict(request.headers),
            request_body=request.content or None,
            status=response.status_code,
            response_headers=dict(response.headers),
            response_body=response.content,
            intent=intent,
        )

    # -- progress -----------------------------------------------------------------------------------------------

    def _phase_started(self, phase: str) -> None:
        self._phase = phase
        self.emit(PhaseStarted(self.surface.name, phase))

    def _phase_finished(self, phase: str) -> None:
        self.emit(PhaseFinished(self.surface.name, phase))

    def _on_phase(self, kind: str, phase: str) -> None:
        if kind == "started":
            self._phase_started(phase)
        else:
            self._phase_finished(phase)

    def _on_operation(self, phase: str, label: str, cases: int, failed: bool) -> None:
        self.emit(OperationTested(self.surface.name, phase, label, cases, failed))
        if self.second is not None:
            self.second.drain(self._forward_progress)


def _secret_name(name: str) -> bool:
    """A discovered value to keep out of reports: tokens and keys (productToken, userKey), not ids (keyUuid)."""
    lowered = name.lower()
    return "uuid" not in lowered and ("token" in lowered or lowered.endswith("key"))


def _count_scenario_cases(outcome: SurfaceResult) -> None:
    """Operations exercised only by scenarios still count as exercised."""
    for op in outcome.operations.values():
        if op.cases == 0 and any(c.passed or c.failed for c in op.checks.values()):
            op.cases = sum(c.passed + c.failed for c in op.checks.values())
