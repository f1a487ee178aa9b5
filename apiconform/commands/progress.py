"""Progress on stderr while a run works, fed by the runner's events (the verdict summary goes to stdout).

In a terminal: a live row per running surface (phase, a bar of operations, cases, passed and failed operations,
elapsed time, ETA, the operation tested last) and a permanent line when a surface starts, a phase finishes and
a surface is done. Piped (CI logs): plain lines, at most one per surface every `INTERVAL_S` plus its start and
finish. Scripts and tests read the start (`apiconform: SURFACE: N operations at URL`) and finish
(`apiconform: SURFACE: done, N cases, M failures`) lines: their shape is kept, their prefix never coloured.

With `run all` the events come from one child process per surface through a queue, interleaved: everything here
is kept per surface.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Collection, Mapping
from typing import TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from apiconform.commands import plural
from apiconform.commands._progress_state import COUNTED, TESTING, Clock, PhaseTally, SurfaceTally, Tally, clock_text
from apiconform.runner.events import Event, FailureFound, Interrupted, RunFinished, SurfaceFinished, SurfaceStarted
from apiconform.runner.results import Failure

QUIET, NORMAL, VERBOSE = 0, 1, 2
INTERVAL_S = 5.0  # piped: at most one progress line per surface this often (CI logs stay short)
HEARTBEAT_S = 30.0  # piped: a line even when nothing changed, so a watchdog that kills silent jobs sees life
TICK_S = 1.0
BAR = 24  # cells of a live row's bar
PREFIX = "apiconform: "
_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33"}
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
Segments = list[tuple[str, str]]  # one line as (text, style) pieces, styled alike by both displays


def colour_wanted(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """NO_COLOR (no-color.org) wins; then FORCE_COLOR (force-color.org; "0" also turns it off, as Node-based CI
    tools write it); else colour only on a terminal that is not `dumb`."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return env["FORCE_COLOR"] != "0"
    return _terminal(stream, env)


def _terminal(stream: TextIO, env: Mapping[str, str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and env.get("TERM") != "dumb"


class Paint:
    """Plain text with ANSI colour codes, or without them."""

    def __init__(self, on: bool) -> None:
        self.on = on

    def __call__(self, text: str, style: str = "") -> str:
        if not (self.on and style and text):
            return text
        return f"\x1b[{';'.join(_SGR[word] for word in style.split())}m{text}\x1b[0m"

    def line(self, segments: Segments) -> str:
        return "".join(self(text, style) for text, style in segments)


def make_progress(
    verbosity: int,
    *,
    phases: Collection[str] | None = None,
    stream: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> LiveProgress | LineProgress | None:
    """The progress handler for `run`: none with --quiet, live rows in a terminal, lines when piped."""
    if verbosity <= QUIET:
        return None
    out = stream or sys.stderr
    env = os.environ if environ is None else environ
    colour, verbose = colour_wanted(out, env), verbosity >= VERBOSE
    if _terminal(out, env):
        console = Console(file=out, color_system="standard" if colour else None, highlight=False, _environ=env)
        return LiveProgress(console, verbose=verbose, phases=phases)
    return LineProgress(out, verbose=verbose, phases=phases, colour=colour)


def safe(text: str, limit: int) -> str:
    """Server text on one terminal line: no control characters (an error message could move the cursor or
    recolour the screen), no direction overrides, and at most `limit` characters."""
    flat = _UNSAFE.sub(_escaped, " ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# -- the lines both displays print -------------------------------------------------------------------------------


def event_lines(event: Event, verbose: bool) -> list[Segments]:
    """What an event prints at once, in a terminal and piped alike."""
    if isinstance(event, SurfaceStarted):
        return [
            [(f"{PREFIX}{event.surface}: ", ""), (f"{plural(event.operations, 'operation')} at {event.base_url}", "")]
        ]
    if isinstance(event, SurfaceFinished):
        cases = sum(op.cases for op in event.result.operations.values())
        failures = len(event.failures)
        return [
            [
                (f"{PREFIX}{event.surface}: ", ""),
                (f"done, {plural(cases, 'case')}, ", ""),
                (plural(failures, "failure"), "red" if failures else "green"),
                (" (interrupted)" if event.interrupted else "", "yellow"),
            ]
        ]
    if isinstance(event, FailureFound) and verbose:
        return [failure_line(event.failure)]
    if isinstance(event, Interrupted):
        return [[(PREFIX, ""), ("interrupted: writing the reports of what finished", "yellow")]]
    return []


def reason(failure: Failure, limit: int) -> str:
    """The first line of the message (it names the offending field when a body broke its schema), after the
    title when the message alone would not say what went wrong."""
    message = failure.message.strip().splitlines()[0] if failure.message.strip() else ""
    if failure.pointer or failure.keyword or message.casefold().startswith(failure.title.casefold()):
        return safe(message or failure.title, limit)
    return safe(f"{failure.title}: {message}" if message else failure.title, limit)


def failure_line(failure: Failure) -> Segments:
    """`--verbose`: a failure as it is reported, with its reason."""
    return [
        (f"{PREFIX}{failure.surface}: ", ""),
        ("FAIL", "red bold"),
        (f" {failure.operation} [{failure.check}] {reason(failure, 240)}", ""),
    ]


def status_line(surface: SurfaceTally, now: float) -> Segments:
    """Where a surface is: its phase's counts, elapsed time and ETA."""
    phase, head = surface.phase, (f"{PREFIX}{surface.name}: ", "")
    if phase is None:
        return [head, (f"starting, {clock_text(now - surface.started)} elapsed", "")]
    done, eta = phase.finished is not None, phase.eta(now)
    line = [head, (phase.name + (" done" if done else ""), "bold")]
    if phase.name in COUNTED:
        operations = phase.done if done else f"{phase.done}/{phase.total}"
        line += [(f", {operations} operations, {plural(phase.cases, 'case')}, ", ""), *_passed_failed(phase, ", ")]
    line.append(
        (f", {clock_text(phase.elapsed(now))} elapsed" + (f", ETA {clock_text(eta)}" if eta is not None else ""), "")
    )
    if surface.failures:
        line += [(", ", ""), (f"{plural(surface.failures, 'failure')} so far", "red")]
    return line


def _passed_failed(phase: PhaseTally, separator: str) -> Segments:
    passed, failed = phase.passed, phase.failed
    return [
        (f"{passed} passed", "green" if passed else ""),
        (separator, ""),
        (f"{failed} failed", "red" if failed else ""),
    ]


def worth_a_line(phase: PhaseTally | None) -> bool:
    """A finished phase that tested something (a phase outside the profile never gets this far)."""
    return phase is not None and phase.name in TESTING and (phase.name not in COUNTED or phase.done > 0)


# -- piped: lines ------------------------------------------------------------------------------------------------


class LineProgress:
    """Piped output (CI logs): each surface's start and finish at once, where it is at most every INTERVAL_S
    (and after HEARTBEAT_S without change) from a ticker thread, so a long phase without events still shows."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        verbose: bool = False,
        phases: Collection[str] | None = None,
        colour: bool = False,
        clock: Clock = time.monotonic,
        ticker: bool = True,
    ) -> None:
        self.stream = stream or sys.stderr
        self.verbose, self.paint, self.clock = verbose, Paint(colour), clock
        self.tally = Tally(clock, phases)
        self.lock = threading.Lock()  # the ticker thread and the run's thread both write
        self.shown: dict[str, tuple[float, tuple[object, ...]]] = {}  # running surface -> when and what it showed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick_loop, name="apiconform-progress", daemon=True)
        if ticker:
            self._thread.start()

    def handle(self, event: Event) -> None:
        with self.lock:
            self.tally.update(event)
            for segments in event_lines(event, self.verbose):
                self._write(segments)
            if isinstance(event, SurfaceStarted):
                self.shown[event.surface] = (self.clock(), self.tally.surfaces[event.surface].state())
            elif isinstance(event, SurfaceFinished):
                self.shown.pop(event.surface, None)
        if isinstance(event, RunFinished):
            self.close()

    def tick(self) -> None:
        """A line for each running surface whose state changed, at most every INTERVAL_S."""
        with self.lock:
            now = self.clock()
            for name, (when, state) in list(self.shown.items()):
                surface = self.tally.surfaces[name]
                if now - when >= (INTERVAL_S if surface.state() != state else HEARTBEAT_S):
                    self._write(status_line(surface, now))
                    self.shown[name] = (now, surface.state())

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(2 * TICK_S)

    def _tick_loop(self) -> None:
        while not self._stop.wait(TICK_S):
            self.tick()

    def _write(self, segments: Segments) -> None:
        self.stream.write(self.paint.line(segments) + "\n")
        self.stream.flush()


# -- in a terminal: live rows ----------------------------------------------------------------------------------


class LiveProgress:
    """In a terminal: live rows redrawn by rich's refresh thread, permanent lines printed above them."""

    def __init__(
        self,
        console: Console,
        *,
        verbose: bool = False,
        phases: Collection[str] | None = None,
        clock: Clock = time.monotonic,
        auto_refresh: bool = True,
    ) -> None:
        self.console, self.verbose, self.clock = console, verbose, clock
        self.tally = Tally(clock, phases)
        # Held while the tally changes and while rich's thread renders it; never while printing through the Live,
        # which takes rich's lock and then calls back into `render`.
        self.lock = threading.Lock()
        self.live = Live(
            console=console,
            get_renderable=self.render,
            auto_refresh=auto_refresh,
            transient=True,  # the permanent lines stay; the rows only say what is running
            redirect_stdout=False,  # stdout is the verdict's, and nothing prints there during a run
        )
        self._started = self._closed = False

    def handle(self, event: Event) -> None:
        with self.lock:
            finished = self.tally.update(event)
            lines = event_lines(event, self.verbose)
            if finished is not None and worth_a_line(finished.phase):
                lines.append(status_line(finished, self.clock()))
        if not self._started and not self._closed:
            self._started = True
            self.live.start()
        for segments in lines:
            self.console.print(Text.assemble(*segments), soft_wrap=True)
        if isinstance(event, RunFinished):
            self.close()

    def refresh(self) -> None:
        self.live.refresh()

    def close(self) -> None:
        """Stop redrawing (also when the run ends with an exception, so the error line is not overdrawn)."""
        self._closed = True
        self.live.stop()

    def render(self) -> Group:
        with self.lock:
            now, tally = self.clock(), self.tally
            colour = self.console.color_system is not None
            width = max((len(name) for name in (*tally.surface_names, *tally.surfaces)), default=0)
            rows = [_row(s, now, width, colour) for s in tally.surfaces.values() if not s.finished]
            if len(tally.surface_names) > 1:
                done = sum(1 for s in tally.surfaces.values() if s.finished)
                failures = sum(s.failures for s in tally.surfaces.values())
                rows.append(
                    [
                        (f"{'all':<{width}}  {'surfaces':<9}  ", "bold"),
                        *_bar(done, len(tally.surface_names), now, colour),
                        (f"  {done}/{len(tally.surface_names)}  ", ""),
                        (plural(failures, "failure"), "red" if failures else ""),
                        (f"  {clock_text(now - tally.started)}", ""),
                    ]
                )
            # One line per row, cut at the terminal's width: the operation at its end gives way first.
            return Group(*(Text.assemble(*row, no_wrap=True, overflow="ellipsis") for row in rows))


def _row(surface: SurfaceTally, now: float, width: int, colour: bool) -> Segments:
    phase = surface.phase
    row: Segments = [(f"{surface.name:<{width}}  ", "bold")]
    if phase is None:
        return [*row, ("starting", "")]
    counted = phase.name in COUNTED
    row += [(f"{phase.name:<9}  ", ""), *_bar(phase.done, phase.total if counted else None, now, colour)]
    if counted:
        row += [(f"  {phase.done}/{phase.total}  {plural(phase.cases, 'case')}  ", ""), *_passed_failed(phase, "  ")]
    else:
        row.append((f"  {plural(phase.failures, 'failure')}", "red" if phase.failures else ""))
    eta = phase.eta(now)
    row.append((f"  {clock_text(phase.elapsed(now))}" + (f"  ETA {clock_text(eta)}" if eta is not None else ""), ""))
    return [*row, (f"  {phase.last}" if phase.last else "", "dim")]


def _bar(done: int, total: int | None, now: float, colour: bool) -> Segments:
    """A bar of BAR cells; of unknown length, a block moving while the phase runs. Without colour the part still
    to do is drawn thin, so a full and an empty bar do not look alike."""
    rest, rest_style = ("━", "bright_black") if colour else ("─", "")
    if total is None:
        at = int(now * 8) % (BAR - 3)
        return [(rest * at, rest_style), ("━━━━", "magenta"), (rest * (BAR - at - 4), rest_style)]
    filled = BAR if total <= 0 else min(BAR, BAR * done // total)
    return [("━" * filled, "green" if filled == BAR else "magenta"), (rest * (BAR - filled), rest_style)]
