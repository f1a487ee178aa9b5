"""The run's event stream: the runner emits typed events, and every consumer (the run's result, the progress
display, the recorder, report writers, interrupt handling) is a handler of them.

Events are plain picklable values: with several surfaces, each runs in its own process and sends its events to
the parent through a queue, where the same handlers receive them. Whatever the parent has seen is enough to
write reports, so an interrupt loses nothing that finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from apiconform.runner.results import Failure, RunResult, SurfaceResult


@dataclass(frozen=True)
class RunStarted:
    surfaces: tuple[str, ...]
    profile: str
    seed: int
    operations: int  # operations to test across every surface


@dataclass(frozen=True)
class SurfaceStarted:
    surface: str
    base_url: str  # redacted
    operations: int


@dataclass(frozen=True)
class PhaseStarted:
    surface: str
    phase: str  # discovery | examples | coverage | fuzzing | stateful | scenarios


@dataclass(frozen=True)
class PhaseFinished:
    surface: str
    phase: str


@dataclass(frozen=True)
class OperationTested:
    """One operation went through one phase (or one scenario), with how many cases and whether any failed."""

    surface: str
    phase: str
    operation: str
    cases: int
    failed: bool


@dataclass(frozen=True)
class FailureFound:
    failure: Failure


@dataclass(frozen=True)
class SurfaceFinished:
    surface: str
    result: SurfaceResult
    failures: tuple[Failure, ...]
    interrupted: bool = False
    recorded: dict[str, Any] | None = None  # the surface's exchanges (`run --record`)


@dataclass(frozen=True)
class SurfaceAborted:
    """A surface could not be tested at all (unreachable target, a mock that did not start, a bug)."""

    surface: str
    message: str
    exit_code: int | None  # the ApiconformError's exit code; None: an internal error


@dataclass(frozen=True)
class Interrupted:
    """Ctrl-C (or SIGTERM): what finished is kept and reported."""

    surface: str | None = None


@dataclass(frozen=True)
class RunFinished:
    result: RunResult


Event = (
    RunStarted
    | SurfaceStarted
    | PhaseStarted
    | PhaseFinished
    | OperationTested
    | FailureFound
    | SurfaceFinished
    | SurfaceAborted
    | Interrupted
    | RunFinished
)
Emit = Callable[[Event], None]


class EventHandler(Protocol):
    def handle(self, event: Event) -> None: ...


class Dispatcher:
    """Hands each event to every handler, in order."""

    def __init__(self, handlers: Iterable[EventHandler]) -> None:
        self.handlers = list(handlers)

    def __call__(self, event: Event) -> None:
        for handler in self.handlers:
            handler.handle(event)
