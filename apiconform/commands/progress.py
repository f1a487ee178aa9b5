"""Progress on the terminal, fed by the runner's events."""

from __future__ import annotations

import sys
from typing import TextIO

from apiconform.commands import plural
from apiconform.runner.events import (
    Event,
    Interrupted,
    PhaseStarted,
    SurfaceFinished,
    SurfaceStarted,
)


class LineProgress:
    """What a run is doing while it works, on stderr: in a terminal one line per surface and phase; piped (CI
    logs) only when a surface starts and finishes, and an interrupt."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.phases = self.stream.isatty()

    def handle(self, event: Event) -> None:
        line = None
        if isinstance(event, SurfaceStarted):
            line = f"{event.surface}: {plural(event.operations, 'operation')} at {event.base_url}"
        elif isinstance(event, PhaseStarted) and self.phases:
            line = f"{event.surface}: {event.phase}"
        elif isinstance(event, SurfaceFinished):
            cases = sum(op.cases for op in event.result.operations.values())
            line = f"{event.surface}: done, {plural(cases, 'case')}, {plural(len(event.failures), 'failure')}"
        elif isinstance(event, Interrupted):
            line = "interrupted: writing the reports of what finished"
        if line is not None:
            print(f"apiconform: {line}", file=self.stream, flush=True)
