"""Testing one surface: reach the target, discover ids, run the property-based phases and the example and
semantic scenarios, and emit what happened as events, ending with `SurfaceFinished` (also on Ctrl-C, with what
finished before it). A large surface's second half runs in a process of its own (runner/halves.py); the state of
one surface's test and the order of its phases are `surface_run.SurfaceRun`."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from apiconform.contract import contract_for
from apiconform.errors import ApiconformError
from apiconform.observed import ContractView, view_for
from apiconform.runner.child import interrupt_once
from apiconform.runner.credentials import load_credentials
from apiconform.runner.events import (
    Emit,
    OperationTested,
    SurfaceFinished,
)
from apiconform.runner.halves import SECOND, SPLIT_FROM, HalfOutcome, SecondHalf, split_phases
from apiconform.runner.options import RunOptions
from apiconform.runner.prepare import selected
from apiconform.runner.surface_run import SurfaceRun
from apiconform.runner.target import Target, probe, start_embedded, validate_base_url
from apiconform.surfaces import Surface
from apiconform.vendors.plugin import Vendor
from apiconform.vendors.registry import get_vendor


def run_surface(surface: Surface, options: RunOptions, emit: Emit) -> None:
    """Test one surface. Emits SurfaceFinished with everything recorded, and re-raises a KeyboardInterrupt
    after it; a target that cannot be tested at all raises its ApiconformError before any SurfaceFinished."""
    vendor = get_vendor(surface.name)
    view = view_for(surface.spec_path, options.contract)
    # The second half starts first: its process and mock come up while this one starts its own.
    second = _second_half_of(surface, view, options)
    try:
        target = _target(surface, vendor, options)
        run = SurfaceRun(surface, vendor, view, target, options, emit, second)
        interrupted = False
        try:
            probe(target, options.timeout, options.max_response_bytes)
            run.test()
        except KeyboardInterrupt:
            interrupted = True
        finally:
            target.stop()
    finally:
        if second is not None:
            second.stop()
    recorded = run.recording.surfaces if run.recording is not None else None
    emit(SurfaceFinished(surface.name, run.outcome, tuple(run.failures), interrupted or run.interrupted, recorded))
    if interrupted:
        raise KeyboardInterrupt


def _second_half_of(surface: Surface, view: ContractView, options: RunOptions) -> SecondHalf | None:
    """The second half of a large surface's operations, started (runner/halves.py); None when it does not split."""
    own, _ = split_phases(options.profile.phases)
    if not options.split or options.half is not None or options.base_url is not None or not own:
        return None
    if len(selected(view.contract, only=options.only, shard=options.shard)) < SPLIT_FROM:
        return None
    child = replace(options, half=SECOND)
    return SecondHalf(_test_second_half, (surface, child), side_by_side=(os.cpu_count() or 1) > 1)


def _test_second_half(surface: Surface, options: RunOptions, events: Any, in_child: bool) -> None:
    """The second half's own run: its mock, credentials, discovery and property phases; its outcome (and its
    progress before that) goes to `events`."""
    if in_child:
        interrupt_once()

    def progress(event: Any) -> None:
        if isinstance(event, OperationTested):
            events.put((event.phase, event.operation, event.cases, event.failed))

    outcome = HalfOutcome()
    try:
        vendor = get_vendor(surface.name)
        view = view_for(surface.spec_path, options.contract)
        target = _target(surface, vendor, options)
        try:
            probe(target, options.timeout, options.max_response_bytes)
            run = SurfaceRun(surface, vendor, view, target, options, progress)
            outcome = run.half_outcome  # filled in place by the phases: kept whatever stops them
            run.test()
        finally:
            target.stop()
    except KeyboardInterrupt:
        outcome.prop.interrupted = True
    except ApiconformError as exc:
        outcome.error = f"second half of the operations: {exc.message}"
    except Exception as exc:  # reported on the surface, as a scenario that stopped would be
        outcome.error = f"second half of the operations stopped: {type(exc).__name__}: {exc}"
    events.put(outcome)


def operation_count(surface: Surface) -> int:
    """Operations a run tests: an RPC union counts once per variant."""
    return len(contract_for(surface.spec_path, "observed").operations)


def _target(surface: Surface, vendor: Vendor, options: RunOptions) -> Target:
    if options.base_url is None:
        return start_embedded(surface, seed=options.seed, faults=options.mock_faults, contract=options.contract)
    credentials = load_credentials(options.credentials, surface)
    url = validate_base_url(options.base_url)
    target = Target(surface, url, credentials.values, embedded=False, sources=credentials.sources)
    target.empty_credentials = credentials.empty
    if not target.headers:
        target.credentials["headers"] = vendor.auth_headers(credentials.values)
    return target
