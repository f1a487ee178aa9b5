"""`apiconform run`: for each surface, reach the target, discover ids, run the property-based phases and the
example/semantic scenarios, and gather one RunResult. Reports are written by the caller."""

from __future__ import annotations

import datetime as dt
import importlib
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from apiconform import rpc
from apiconform.openapi import ApiSpec, Operation
from apiconform.redact import Redactor
from apiconform.runner import st_checks
from apiconform.runner.checks import CHECKS
from apiconform.runner.prepare import prepare
from apiconform.runner.profiles import Profile
from apiconform.runner.property import PropertySettings, run_property
from apiconform.runner.recording import Recording
from apiconform.runner.results import Failure, OperationResult, RunResult, SurfaceResult
from apiconform.runner.scenarios import auth, examples, methods
from apiconform.runner.scenarios.base import DEFAULT_MAX_RESPONSE_BYTES, ScenarioContext, Verdict
from apiconform.runner.target import Target, load_credentials, probe, start_embedded, validate_base_url
from apiconform.runner.waivers import Waiver, apply_waivers
from apiconform.spec import load_document
from apiconform.surfaces import Surface

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RunOptions:
    surfaces: tuple[Surface, ...]
    profile: Profile
    seed: int = 0
    base_url: str | None = None
    credentials: Path | None = None
    workers: int = 1
    shard: tuple[int, int] | None = None
    allow_writes: bool = False
    rate_limit: float | None = None
    timeout: float = 10.0
    waivers: tuple[Waiver, ...] = ()
    mock_faults: tuple[str, ...] = ()  # embedded mocks only: run against a deliberately broken mock
    record: Path | None = None  # save every exchange for `apiconform replay`
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES  # bigger answers (decoded) are cut off and fail


def run(options: RunOptions, progress: Progress = lambda _: None) -> RunResult:
    started = time.monotonic()
    recording = Recording() if options.record else None
    result = RunResult(
        profile=options.profile.name,
        seed=options.seed,
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        check_ids=sorted(CHECKS),
    )
    try:
        if options.workers > 1 and len(options.surfaces) > 1:
            _run_parallel(options, result, recording, progress)
        else:
            for surface in options.surfaces:
                progress(f"{surface.name}: starting")
                result.surfaces[surface.name] = _run_surface(surface, options, result, progress, recording)
    except KeyboardInterrupt:
        result.interrupted = True
    if recording is not None and options.record is not None:
        recording.write(options.record)
    apply_waivers(result, list(options.waivers))
    result.duration_s = round(time.monotonic() - started, 2)
    return result


def _run_parallel(options: RunOptions, result: RunResult, recording: Recording | None, progress: Progress) -> None:
    """One process per surface (schemathesis is CPU-bound in Python: threads would share one core)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(options.workers, len(options.surfaces)), mp_context=context) as pool:
        # Biggest first: with fewer processes than surfaces, a big surface started last would run alone at the end.
        by_cost = sorted(options.surfaces, key=_operation_count, reverse=True)
        futures = {pool.submit(_surface_in_subprocess, s, options): s for s in by_cost}
        progress(f"testing {len(futures)} surfaces in {min(options.workers, len(futures))} processes")
        outcomes = {}
        try:
            for future in as_completed(futures):
                outcomes[futures[future].name] = future.result()
                progress(f"{futures[future].name}: done")
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    for surface in options.surfaces:  # merge in the order asked for, whatever order they finished in
        sub, recorded = outcomes[surface.name]
        result.surfaces[surface.name] = sub.surfaces[surface.name]
        result.failures.extend(sub.failures)
        result.interrupted |= sub.interrupted
        if recording is not None and recorded is not None:
            recording.surfaces.update(recorded)


def _operation_count(surface: Surface) -> int:
    """Operations the run will test: an RPC union counts once per variant."""
    return len(ApiSpec(rpc.explode(load_document(surface.spec_path))).operations)


def _surface_in_subprocess(surface: Surface, options: RunOptions) -> tuple[RunResult, dict[str, Any] | None]:
    """Runs in a child process: one surface, its result and (when recording) its exchanges."""
    sub_options = replace(options, surfaces=(surface,), workers=1, waivers=(), record=None)
    recording = Recording() if options.record else None
    sub = RunResult(profile=options.profile.name, seed=options.seed, started_at="", check_ids=[])
    sub.surfaces[surface.name] = _run_surface(surface, sub_options, sub, lambda _: None, recording)
    return sub, None if recording is None else recording.surfaces


def semantics(surface: Surface) -> ModuleType:
    return importlib.import_module(f"apiconform.vendors.{surface.module_name}.semantics")


def _target(surface: Surface, options: RunOptions) -> Target:
    if options.base_url is None:
        return start_embedded(surface, seed=options.seed, faults=options.mock_faults)
    credentials = load_credentials(options.credentials, surface)
    target = Target(surface, validate_base_url(options.base_url), credentials, embedded=False)
    if not target.headers:
        target.credentials["headers"] = semantics(surface).auth_headers(credentials)
    return target


def _run_surface(
    surface: Surface, options: RunOptions, result: RunResult, progress: Progress, recording: Recording | None
) -> SurfaceResult:
    target = _target(surface, options)
    try:
        probe(target, options.timeout, options.max_response_bytes)
        return _test_surface(surface, target, options, result, progress, recording)
    finally:
        target.stop()


def _test_surface(
    surface: Surface,
    target: Target,
    options: RunOptions,
    result: RunResult,
    progress: Progress,
    recording: Recording | None,
) -> SurfaceResult:
    vendor = semantics(surface)
    document = load_document(surface.spec_path)
    redactor = Redactor(target.secrets())
    allow_writes = options.allow_writes or target.loopback
    documented = ApiSpec(document)
    base_path = documented.base_paths()[0]
    outcome = SurfaceResult(surface.name, redactor.text(target.base_url), target.embedded)

    def label_of(item: Operation | str) -> str:
        text = item if isinstance(item, str) else item.label
        method, _, path = text.partition(" ")
        return f"{method} {base_path}{path[1:]}" if path.startswith("/#") else text

    def record(verdict: Verdict) -> None:
        op = outcome.operations.get(verdict.operation)
        if op is None:
            return
        cell = op.cell(verdict.check)
        if verdict.ok:
            cell.passed += 1
            return
        cell.failed += 1
        result.failures.append(
            Failure(
                surface.name,
                verdict.operation,
                verdict.check,
                verdict.title,
                verdict.message,
                verdict.expected,
                verdict.curl,
                verdict.exchange,
            )
        )

    with httpx.Client(timeout=options.timeout, follow_redirects=False) as client:
        ctx = ScenarioContext(
            surface=surface.name,
            spec=documented,
            client=client,
            base_url=target.base_url,
            credentials=target.credentials,
            redactor=redactor,
            profile=options.profile,
            allow_writes=allow_writes,
            record=record,
            auth_headers=target.headers,
            max_response_bytes=options.max_response_bytes,
        )
        ctx.discovery = vendor.discover(ctx)
        redactor.add(*(str(v) for k, v in ctx.discovery.items() if "token" in k.lower() or "key" in k.lower()))
        prepared = prepare(
            document,
            discovered=ctx.discovery,
            credentials=target.credentials,
            allow_writes=allow_writes,
            shard=options.shard,
        )
        exploded = ApiSpec(prepared.document)
        full = ApiSpec(prepare(document, discovered={}, credentials={}, allow_writes=True, shard=None).document)
        for op in full.operations:
            label = label_of(op)
            outcome.operations[label] = OperationResult(surface.name, label, op.operation_id)
            excluded = prepared.excluded.get((op.method, op.path))
            if excluded:
                outcome.operations[label].excluded = excluded
        progress(f"{surface.name}: property-based phases ({', '.join(options.profile.phases)})")
        observer = st_checks.Observer(max_response_time=options.profile.max_response_time)
        settings = PropertySettings(
            surface=surface.name,
            base_url=target.base_url,
            headers=ctx.auth_headers,
            profile=options.profile,
            seed=options.seed,
            workers=options.workers,
            timeout=options.timeout,
            rate_limit=None if options.rate_limit is None else f"{options.rate_limit:g}/s",
            rpc=any("x-rpc-value" in op.raw for op in exploded.operations),
            max_response_bytes=options.max_response_bytes,
        )
        on_exchange = None if recording is None else _st_recorder(recording, surface.name, target.base_url, redactor)
        prop = run_property(prepared.document, settings, redactor, label_of, observer, on_exchange)
        _merge_property(outcome, prop, result, observer)
        if prop.interrupted:
            result.interrupted = True
            return outcome
        progress(f"{surface.name}: examples and semantic scenarios")
        ctx.spec = exploded
        scenarios: list[tuple[str, Callable[[], None]]] = [
            ("response examples", lambda: examples.validate_response_examples(ctx, full, label_of)),
            ("request examples", lambda: examples.replay_examples(ctx, exploded, label_of, _preparer(vendor, ctx))),
            ("auth", lambda: auth.check_auth_enforced(ctx, exploded, label_of, limit=options.profile.pages * 4)),
            ("methods", lambda: methods.check_unsupported_methods(ctx, exploded, label_of)),
            (f"{surface.name} semantics", lambda: vendor.run_scenarios(ctx)),
        ]
        for name, scenario in scenarios:
            ctx.spec = documented if name.endswith("semantics") else exploded
            try:
                scenario()
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # hostile answers must not crash the run: report, keep going
                outcome.error = (outcome.error + "; " if outcome.error else "") + redactor.text(
                    f"{name} scenario stopped on an unexpected answer: {type(exc).__name__}: {exc}"
                )
        _count_scenario_cases(outcome)
    return outcome


def _st_recorder(recording: Recording, surface: str, base_url: str, redactor: Redactor) -> Callable[[str, Any], None]:
    def record(label: str, interaction: Any) -> None:
        request, response = interaction.request, interaction.response
        recording.add(
            surface,
            base_url,
            redactor,
            operation=label,
            method=request.method,
            url=request.uri,
            request_headers={k: ", ".join(v) for k, v in request.headers.items()},
            request_body=request.body if isinstance(request.body, bytes) else None,
            status=None if response is None else response.status_code,
            response_headers={} if response is None else {k: ", ".join(v) for k, v in response.headers.items()},
            response_body=None if response is None else response.content,
        )

    return record


def _preparer(vendor: ModuleType, ctx: ScenarioContext) -> Callable[[Operation, Any], Any]:
    return lambda op, body: vendor.prepare_example(ctx, op, body)


def _merge_property(outcome: SurfaceResult, prop: Any, result: RunResult, observer: st_checks.Observer) -> None:
    for label, count in prop.cases.items():
        op = outcome.operations.get(label)
        if op is None:
            continue
        op.cases += count
        op.statuses.update(prop.statuses.get(label, {}))
    for (label, check), (passed, failed) in prop.cells.items():
        op = outcome.operations.get(label)
        if op is not None:
            cell = op.cell(check)
            cell.passed += passed
            cell.failed += failed
    result.failures.extend(prop.failures)
    for label, fields in observer.response_fields.items():
        for op in outcome.operations.values():
            if _st_label(op) == label:
                op.response_fields |= fields
    for op in outcome.operations.values():
        for where, values in observer.enum_values.get(_st_label(op), {}).items():
            op.enum_values.setdefault(where, set()).update(values)
    if prop.errors:
        outcome.error = "; ".join(prop.errors[:3])


def _st_label(op: OperationResult) -> str:
    """The label schemathesis used for this operation (Mend virtual operations drop the base path)."""
    method, _, path = op.label.partition(" ")
    return f"{method} /#{path.split('#', 1)[1]}" if "#" in path else op.label


def _count_scenario_cases(outcome: SurfaceResult) -> None:
    """Operations exercised only by scenarios still count as exercised."""
    for op in outcome.operations.values():
        if op.cases == 0 and any(c.passed or c.failed for c in op.checks.values()):
            op.cases = sum(c.passed + c.failed for c in op.checks.values())
