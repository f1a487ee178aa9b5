"""What the run's events add up to, per surface, for the progress displays (`commands.progress`): the phase it
is in, how many operations and cases that phase went through, how many passed and failed, and the time.

Kept apart from the displays so each module reads as one concept; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from apiconform.runner.events import (
    Event,
    FailureFound,
    OperationTested,
    PhaseFinished,
    PhaseStarted,
    RunStarted,
    SurfaceFinished,
    SurfaceStarted,
)

COUNTED = frozenset({"examples", "coverage", "fuzzing"})  # phases that report each operation they finish
TESTING = COUNTED | {"stateful", "scenarios"}  # the others (preflight, discovery, probing, ...) set things up
Clock = Callable[[], float]


@dataclass
class PhaseTally:
    name: str
    started: float
    total: int  # operations it should go through (an estimate: see SurfaceTally.tested)
    done: int = 0
    cases: int = 0
    passed: int = 0  # operations without a failed case in this phase
    failed: int = 0
    failures: int = 0  # reported while it ran (property failures are reported when the property phases end)
    last: str = ""  # the operation finished last: the runner reports an operation once it is done
    finished: float | None = None

    def elapsed(self, now: float) -> float:
        return (self.finished if self.finished is not None else now) - self.started

    def eta(self, now: float) -> float | None:
        if self.finished is not None or self.name not in COUNTED or not self.done:
            return None
        return self.elapsed(now) / self.done * max(self.total - self.done, 0)


@dataclass
class SurfaceTally:
    name: str
    started: float
    operations: int = 0
    phase: PhaseTally | None = None
    # Operations the last counted phase went through: the next one's total. SurfaceStarted counts every
    # operation, also those a read-only or sharded run leaves out, so only the first phase has to guess.
    tested: int = 0
    failures: int = 0
    finished: bool = False

    def state(self) -> tuple[object, ...]:
        p = self.phase
        return (None,) if p is None else (p.name, p.done, p.failures, p.finished is None, self.failures)


class Tally:
    """Per surface: its phase and counts, whatever order the surfaces' events arrive in."""

    def __init__(self, clock: Clock, phases: Collection[str] | None = None) -> None:
        self.clock = clock
        # Schemathesis announces every phase, also those the profile switches off: they would be empty rows.
        self.phases = None if phases is None else {*phases, "scenarios"}
        self.started = clock()
        self.surface_names: tuple[str, ...] = ()
        self.surfaces: dict[str, SurfaceTally] = {}

    def update(self, event: Event) -> SurfaceTally | None:
        """Take in an event; returns the surface when the event finished its phase."""
        now = self.clock()
        if isinstance(event, RunStarted):
            self.started, self.surface_names = now, event.surfaces
        name = event.failure.surface if isinstance(event, FailureFound) else getattr(event, "surface", None)
        if name is None:
            return None
        surface = self.surfaces.setdefault(name, SurfaceTally(name, now))
        phase = surface.phase
        if isinstance(event, SurfaceStarted):
            surface.operations = event.operations
        elif isinstance(event, PhaseStarted) and (event.phase not in TESTING or self._in_profile(event.phase)):
            surface.phase = PhaseTally(event.phase, now, surface.tested or surface.operations)
        elif isinstance(event, PhaseFinished) and phase is not None and phase.name == event.phase:
            phase.finished = now
            surface.tested = phase.done if phase.name in COUNTED and phase.done else surface.tested
            return surface
        elif isinstance(event, OperationTested) and phase is not None and phase.name == event.phase:
            phase.done, phase.cases, phase.last = phase.done + 1, phase.cases + event.cases, event.operation
            phase.failed, phase.passed = phase.failed + event.failed, phase.passed + (not event.failed)
            phase.total = max(phase.total, phase.done)
        elif isinstance(event, FailureFound):
            surface.failures += 1
            if phase is not None:
                phase.failures += 1
        elif isinstance(event, SurfaceFinished):
            surface.finished = True
        return None

    def _in_profile(self, phase: str) -> bool:
        return self.phases is None or phase in self.phases


def clock_text(seconds: float) -> str:
    """0:07, 1:55, 1:02:03."""
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
