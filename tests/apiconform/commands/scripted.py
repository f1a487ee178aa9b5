"""A run without running: the RunResult and the timed event sequence of `data/failing_run.yaml` (provenance in
its header), a clock the script moves, and the screen a terminal would show for what rich wrote to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from apiconform.runner import events
from apiconform.runner.results import Failure, OperationResult, RunResult, SurfaceResult

DATA = Path(__file__).parent / "data" / "failing_run.yaml"
_CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class ScriptedRun:
    result: RunResult
    timeline: list[tuple[float, events.Event]]


def load(path: Path = DATA) -> ScriptedRun:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    failures = [Failure(**f) for f in doc["failures"]]
    surfaces = {
        name: SurfaceResult(
            name,
            s["base_url"],
            s["embedded"],
            {op["label"]: _operation(name, op) for op in s["operations"]},
        )
        for name, s in doc["surfaces"].items()
    }
    result = RunResult(**doc["run"], surfaces=surfaces, failures=failures)
    unwaived = [Failure(**{**f, "waived_by": None}) for f in doc["failures"]]  # waivers apply after the run
    timeline = [(at, _event(kind, fields, result, unwaived)) for at, kind, fields in doc["timeline"]]
    return ScriptedRun(result, timeline)


def _operation(surface: str, op: dict[str, Any]) -> OperationResult:
    result = OperationResult(surface, op["label"], op["operation_id"], cases=op["cases"], proven=op["proven"])
    result.statuses.update(op["statuses"])
    result.error_answers.update(op.get("error_answers", {}))
    return result


def _event(kind: str, fields: dict[str, Any], result: RunResult, failures: list[Failure]) -> events.Event:
    if kind == "RunStarted":
        return events.RunStarted(tuple(fields["surfaces"]), fields["profile"], fields["seed"], fields["operations"])
    if kind == "FailureFound":
        return events.FailureFound(failures[fields["failure"]])
    if kind == "SurfaceFinished":
        name = fields["surface"]
        mine = tuple(f for f in failures if f.surface == name)
        return events.SurfaceFinished(name, result.surfaces[name], mine)
    if kind == "RunFinished":
        return events.RunFinished(result)
    event: events.Event = getattr(events, kind)(**fields)
    return event


def play(run: ScriptedRun, clock: Clock, handle: Any, tick: Any = None) -> Iterator[tuple[float, events.Event]]:
    """Hand each event to `handle` at its time; `tick` is called at every whole second in between, as the piped
    display's ticker thread would. Yields after each event, so a test can look at the display then."""
    for at, event in run.timeline:
        if tick is not None:
            second = int(clock.now) + 1
            while second <= at:
                clock.now = float(second)
                tick()
                second += 1
        clock.now = at
        handle(event)
        yield at, event


def screen(written: str) -> list[str]:
    """The lines a terminal shows after `written`: carriage returns, line erases and cursor-up moves applied
    (all that rich's live display uses), colour and cursor visibility codes dropped."""
    lines, row, col, i = [""], 0, 0, 0
    while i < len(written):
        code = _CSI.match(written, i)
        if code:
            arg, command = code.groups()
            i = code.end()
            if command == "A":
                row = max(0, row - int(arg or 1))
            elif command == "K":
                lines[row] = ""
            continue
        char, i = written[i], i + 1
        if char == "\r":
            col = 0
        elif char == "\n":
            row, col = row + 1, 0
            lines += [""] * (row + 1 - len(lines))
        else:
            line = lines[row].ljust(col)
            lines[row], col = line[:col] + char + line[col + 1 :], col + 1
    while lines and not lines[-1].strip():
        lines.pop()
    return [line.rstrip() for line in lines]
