"""What `apiconform run` prints for a failing run, piped (CI logs) and in a terminal, built from a recorded
RunResult and its event sequence (`scripted.py`): no server, no timing, the same bytes every time.

Golden files live in tests/apiconform/commands/golden/; after an intended change to the terminal output, run
`APICONFORM_UPDATE_GOLDEN=1 python -m pytest tests/apiconform/commands -p no:cacheprovider` and review the diff.
"""

from __future__ import annotations

import difflib
import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from apiconform.commands.progress import NORMAL, QUIET, VERBOSE, LineProgress, LiveProgress, make_progress
from apiconform.commands.run import print_summary
from apiconform.runner.events import RunFinished
from apiconform.runner.results import Failure, RunResult
from tests.apiconform.commands.scripted import Clock, load, play, screen

GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = "APICONFORM_UPDATE_GOLDEN=1 python -m pytest tests/apiconform/commands -p no:cacheprovider"
PATHS = [Path("reports") / name for name in ("junit.xml", "allure-results", "report.html", "report.json", "summary.md")]
PHASES = ("examples", "fuzzing")  # the quick profile the run was recorded with
SNAPSHOTS = (6.0, 12.5, 19.5)  # seconds into the run: both surfaces testing; mend fuzzing; code-insight alone


def _golden(name: str, actual: str) -> None:
    __tracebackhide__ = True  # the diff is the message, not this helper's code
    path = GOLDEN / name
    if os.environ.get("APICONFORM_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(path), "actual"))
        pytest.fail(
            f"{path.name} differs from the output:\n{diff}\nif the new output is intended, run: {UPDATE_GOLDEN}"
        )


def _summary(result: RunResult, *, quiet: bool = False, environ: dict[str, str] | None = None) -> str:
    out = io.StringIO()
    print_summary(result, PATHS, quiet=quiet, stream=out, environ=environ or {})
    return out.getvalue()


def _piped(verbosity: int) -> str:
    run, clock, err = load(), Clock(), io.StringIO()
    display = LineProgress(err, verbose=verbosity == VERBOSE, phases=PHASES, clock=clock, ticker=False)
    for _ in play(run, clock, display.handle, display.tick):
        pass
    return f"--- stderr\n{err.getvalue()}--- stdout\n{_summary(run.result)}"


def test_piped_output_of_a_failing_run() -> None:
    _golden("piped.txt", _piped(NORMAL))


def test_piped_output_with_verbose_adds_each_failure_as_it_is_reported() -> None:
    _golden("piped-verbose.txt", _piped(VERBOSE))


def test_terminal_output_of_a_failing_run_with_verbose() -> None:
    """The live rows at three moments, then the screen once the run is over (the rows are gone, the permanent
    lines stay), then the summary. Without colour, so the golden file shows how full each bar is."""
    run, clock, err = load(), Clock(), io.StringIO()
    console = Console(file=err, force_terminal=True, width=120, color_system=None, _environ={})
    display = LiveProgress(console, verbose=True, phases=PHASES, clock=clock, auto_refresh=False)
    parts, moments = [], list(SNAPSHOTS)
    for at, _ in play(run, clock, display.handle):
        if moments and at >= moments[0]:
            moments.pop(0)
            display.refresh()
            rows = len(display.render().renderables)
            parts.append(f"--- live rows at {at:.2f} s\n" + "\n".join(screen(err.getvalue())[-rows:]) + "\n")
    parts.append("--- screen after the run\n" + "\n".join(screen(err.getvalue())) + "\n")
    _golden("terminal-verbose.txt", "".join(parts) + f"--- stdout\n{_summary(run.result)}")


def test_quiet_prints_only_the_verdict_and_errors() -> None:
    result = load().result
    result.surfaces["mend"].error = "methods scenario stopped on an unexpected answer: ValueError: \x1b[2J"
    assert make_progress(QUIET) is None
    _golden("quiet.txt", _summary(result, quiet=True))


def test_first_line_keeps_its_shape_for_scripts() -> None:
    first = _summary(load().result).splitlines()[0]
    assert first == "NOT conformant: 18 operations, 63 cases, 42 failures (1 waived), 1 not exercised, 20.9 s"


def test_more_checks_than_shown_are_counted_with_the_failures_left_out() -> None:
    result = load().result
    result.failures = [Failure("mend", f"POST /api/v1.2#op{i}", f"check_{i:02d}", "t", "m") for i in range(12)]
    text = _summary(result)
    assert text.count("  FAIL [check_") == 10
    assert "  ... and 2 more failures (2 more checks) in reports/report.html\n" in text


def test_server_text_cannot_drive_the_terminal() -> None:
    """A server's error text reaches failure messages: control characters are shown, never sent."""
    result = load().result
    result.failures = [Failure("mend", "POST /api/v1.2#x", "not_a_server_error", "t", "boom \x1b[2J\x9b31m\u202e")]
    text = _summary(result, environ={"FORCE_COLOR": "1"})
    assert "\\x1b[2J\\x9b31m\\u202e" in text
    assert "\x1b[2J" not in text and "\x9b" not in text


@pytest.mark.parametrize(
    ("environ", "coloured"),
    [
        ({}, False),
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "0"}, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    ],
    ids=["piped", "force", "force-0", "no-color-wins"],
)
def test_colour_follows_no_color_and_force_color(environ: dict[str, str], coloured: bool) -> None:
    summary = _summary(load().result, environ=environ)
    assert summary.startswith("\x1b[31;1mNOT conformant\x1b[0m: ") is coloured
    err = io.StringIO()
    display = make_progress(NORMAL, stream=err, environ=environ)
    assert isinstance(display, LineProgress)
    run = load()
    for _, event in run.timeline:
        display.handle(event)
    assert ("\x1b[" in err.getvalue()) is coloured
    # The prefix scripts match on is never coloured.
    assert (
        "apiconform: mend: done, " in err.getvalue() and "apiconform: code-insight: 4 operations at " in err.getvalue()
    )


def test_a_coloured_terminal_gets_coloured_rows_and_lines() -> None:
    run, clock, err = load(), Clock(), io.StringIO()
    console = Console(file=err, force_terminal=True, width=120, color_system="standard", _environ={})
    display = LiveProgress(console, phases=PHASES, clock=clock, auto_refresh=False)
    for at, _ in play(run, clock, display.handle):
        if at >= SNAPSHOTS[1]:  # code-insight's examples phase is done, mend is fuzzing
            display.refresh()
            break
    display.close()
    written = err.getvalue()
    assert "\x1b[35m━" in written and "\x1b[90m━" in written  # a bar: done, then still to do
    assert "apiconform: code-insight: \x1b[1mexamples done\x1b[0m, 4 operations" in written


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("term", "live"), [("xterm-256color", True), ("dumb", False)])
def test_a_terminal_gets_live_rows_and_a_dumb_one_lines(term: str, live: bool) -> None:
    display = make_progress(NORMAL, stream=_Terminal(), environ={"TERM": term})
    assert isinstance(display, LiveProgress) is live
    assert display is not None
    display.handle(RunFinished(load().result))  # closes it: no refresh thread is left behind
