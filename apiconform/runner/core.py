"""`apiconform run`: test each surface (one process per surface when several run at once), hand every event to
the handlers, and return one RunResult. Reports are written by handlers or by the caller."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import queue
import signal
import time
from collections.abc import Sequence
from typing import Any

from apiconform.checks import CHECKS
from apiconform.errors import ApiconformError
from apiconform.runner.child import interrupt_once, send_signal
from apiconform.runner.events import (
    Dispatcher,
    Emit,
    Event,
    EventHandler,
    Interrupted,
    RunFinished,
    RunStarted,
    SurfaceAborted,
    SurfaceFinished,
)
from apiconform.runner.options import RunOptions
from apiconform.runner.recording import Recording
from apiconform.runner.results import RunResult
from apiconform.runner.surface import operation_count, run_surface
from apiconform.runner.waivers import apply_waivers
from apiconform.surfaces import Surface

# How long an interrupted run waits for each surface still running to send what it finished.
INTERRUPT_GRACE_S = 15.0

__all__ = ["RunOptions", "run"]


class ResultCollector:
    """The run's result, assembled from events: it holds every surface that finished, whenever it is read."""

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self.started = time.monotonic()
        self.result = RunResult(
            profile=options.profile.name,
            seed=options.seed,
            started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            check_ids=sorted(CHECKS),
        )

    def handle(self, event: Event) -> None:
        if isinstance(event, SurfaceFinished):
            self.result.surfaces[event.surface] = event.result
            self.result.failures.extend(event.failures)
            self.result.interrupted |= event.interrupted
        elif isinstance(event, Interrupted):
            self.result.interrupted = True

    def finish(self) -> RunResult:
        result = self.result
        # Surfaces and their failures in the order asked for, whatever order they finished in.
        order = [s.name for s in self.options.surfaces]
        result.surfaces = {name: result.surfaces[name] for name in order if name in result.surfaces}
        result.failures.sort(key=lambda f: order.index(f.surface) if f.surface in order else len(order))
        apply_waivers(result, list(self.options.waivers))
        result.duration_s = round(time.monotonic() - self.started, 2)
        return result


class RecordingWriter:
    """`run --record FILE`: each finished surface's exchanges, written when the run ends (interrupted or not)."""

    def __init__(self, options: RunOptions) -> None:
        assert options.record is not None
        self.path = options.record
        self.recording = Recording()

    def handle(self, event: Event) -> None:
        if isinstance(event, SurfaceFinished) and event.recorded is not None:
            self.recording.surfaces.update(event.recorded)
        elif isinstance(event, RunFinished):
            self.recording.write(self.path)


def run(options: RunOptions, handlers: Sequence[EventHandler] = ()) -> RunResult:
    """Test every surface of `options`; each event goes to the result collector, then to `handlers`."""
    collector = ResultCollector(options)
    recorder: list[EventHandler] = [RecordingWriter(options)] if options.record else []
    emit = Dispatcher([collector, *recorder, *handlers])
    total = sum(operation_count(s) for s in options.surfaces)
    emit(RunStarted(tuple(s.name for s in options.surfaces), options.profile.name, options.seed, total))
    try:
        if options.workers > 1 and len(options.surfaces) > 1:
            _run_parallel(options, emit)
        else:
            for surface in options.surfaces:
                run_surface(surface, options, emit)
    except KeyboardInterrupt:
        emit(Interrupted())
    result = collector.finish()
    emit(RunFinished(result))
    return result


# -- one process per surface ----------------------------------------------------------------------------------


def _run_parallel(options: RunOptions, emit: Emit) -> None:
    """Surfaces in child processes (schemathesis is CPU-bound in Python: threads would share one core), at most
    `options.workers` at once, biggest first (a big surface started last would run alone at the end). Their
    events come back through a queue. On Ctrl-C each child is asked to stop and send what it finished."""
    context = multiprocessing.get_context("spawn")
    events: Any = context.Queue()
    pending = sorted(options.surfaces, key=operation_count, reverse=True)
    running: dict[str, Any] = {}
    try:
        while pending or running:
            while pending and len(running) < options.workers:
                surface = pending.pop(0)
                process = context.Process(target=_child, args=(surface, options, events), daemon=True)
                process.start()
                running[surface.name] = process
            _forward(events, emit, running, wait=0.2)
    except KeyboardInterrupt:
        for process in running.values():
            send_signal(process, signal.SIGINT)
        deadline = time.monotonic() + INTERRUPT_GRACE_S
        while running and time.monotonic() < deadline:
            _forward(events, emit, running, wait=0.2, interrupting=True)
        raise
    finally:
        for process in running.values():
            process.terminate()
            process.join(5)


def _forward(events: Any, emit: Emit, running: dict[str, Any], *, wait: float, interrupting: bool = False) -> None:
    """Hand on the next child event; notice a child that ended without saying so."""
    try:
        event = events.get(timeout=wait)
    except queue.Empty:
        for name, process in list(running.items()):
            if not process.is_alive():
                del running[name]
                if not interrupting:
                    message = f"the process testing {name} ended unexpectedly (exit {process.exitcode})"
                    raise RuntimeError(message) from None
        return
    except KeyboardInterrupt:
        if interrupting:
            return  # a second Ctrl-C while collecting what finished: keep collecting until the grace period ends
        raise
    if isinstance(event, SurfaceFinished | SurfaceAborted):
        process = running.pop(event.surface, None)
        if process is not None:
            process.join(5)
    if isinstance(event, SurfaceAborted):
        if event.exit_code is None:
            raise RuntimeError(f"testing {event.surface} failed: {event.message}")
        error = ApiconformError(event.message)
        error.exit_code = event.exit_code
        raise error
    emit(event)


def _child(surface: Surface, options: RunOptions, events: Any) -> None:
    """Runs in a child process: one surface, its events sent to the parent."""
    interrupt_once()
    try:
        run_surface(surface, options, events.put)
    except KeyboardInterrupt:
        pass  # SurfaceFinished (interrupted) was sent before the interrupt was re-raised
    except ApiconformError as exc:
        events.put(SurfaceAborted(surface.name, exc.message, exc.exit_code))
    except Exception as exc:
        events.put(SurfaceAborted(surface.name, f"{type(exc).__name__}: {exc}", None))
