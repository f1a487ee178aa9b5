"""`summary.md`: a summary sized for a pull-request comment (GitHub caps comments at 65 536 characters).

Server-controlled text goes only into code spans and code blocks: there it cannot render as a link, an image
that calls home, raw HTML or an @mention. Everything is capped, so 5 or 5 000 failures give a similar size.

Counts use report.html's terms (`html.TERMS`): failures are distinct failures, failed cells are operation x check
squares that failed; one cell can hold several failures.
"""

from __future__ import annotations

import re
from pathlib import Path

from apiconform.reports.json_report import run_verdict, show_controls, surface_totals, totals
from apiconform.runner.results import Failure, RunResult

FILENAME = "summary.md"
TOP_FAILURES = 25
REPRODUCE = 3
UNEXERCISED_LISTED = 10
MESSAGE_CHARS = 140
CURL_LINES = 15
CURL_CHARS = 1500
TERMS_LINE = (
    "_Failure_: one distinct way an operation broke a check (listed below). _Failed cell_: one operation × check"
    " that failed; a cell can hold several failures. _Not exercised_: no valid request got a documented success"
    " answer (fails the run); excluded operations were left out on purpose."
)
_VERDICT_LINE = {
    "conformant": "## ✅ apiconform: conformant",
    "nonconformant": "## ❌ apiconform: not conformant",
    "interrupted": "## ❌ apiconform: interrupted (incomplete run, not conformant)",
}


def write(result: RunResult, report_dir: Path) -> Path:
    path = report_dir / FILENAME
    path.write_text(render(result), encoding="utf-8", errors="backslashreplace")
    return path


def render(result: RunResult) -> str:
    lines = [_VERDICT_LINE[run_verdict(result)], ""]
    whole = totals(result.operations(), result.failures)
    lines.append(
        f"Profile {inline(result.profile)} · seed {result.seed} · started {inline(result.started_at)}"
        f" · {result.duration_s:.1f} s · {whole.exercised}/{whole.operations} operations exercised"
        f" · {whole.cases} cases · {whole.blocking_failures} failure(s) in {whole.checks['failed']} failed cell(s)"
        f" · {whole.unexercised} not exercised"
    )
    lines += ["", *_surface_table(result), "", TERMS_LINE, ""]
    blocking = result.blocking_failures
    if blocking:
        lines += [f"### Failures ({len(blocking)})", "", *_failure_table(blocking), ""]
    lines += _waived_and_unexercised(result, whole.waived_failures)
    if result.waiver_notes:
        lines += ["", "### Waiver notes", ""]
        lines += [f"- {inline(one_line(note))}" for note in result.waiver_notes[:5]]
        lines += _more(len(result.waiver_notes) - 5, "waiver notes")
    lines += _reproduce(blocking)
    lines += [""] if lines[-1] else []
    lines += ["Full details: `report.html` (matrix, exchanges), `report.json`, `junit.xml`, `allure-results/`."]
    return "\n".join(lines) + "\n"


def _surface_table(result: RunResult) -> list[str]:
    rows = [
        "| surface | operations | exercised | not exercised | cases | failures | failed cells | waived failures | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, surface in result.surfaces.items():
        t = surface_totals(result, name)
        ok = not (t.blocking_failures or t.checks["failed"] or t.unexercised) and surface.error is None
        note = "✅" if ok else "❌"
        if surface.error is not None:
            note += f" {code(one_line(surface.error, 80))}"
        rows.append(
            f"| {code(name)} | {t.operations} | {t.exercised} | {t.unexercised} | {t.cases} | {t.blocking_failures}"
            f" | {t.checks['failed']} | {t.waived_failures} | {note} |"
        )
    return rows


def _failure_table(failures: list[Failure]) -> list[str]:
    rows = ["| surface | operation | check | message |", "|---|---|---|---|"]
    for f in failures[:TOP_FAILURES]:
        where = f" (at {f.pointer})" if f.pointer else ""
        message = one_line(f"{f.title}{where}: {f.message}" if f.message else f.title + where)
        rows.append(f"| {code(f.surface)} | {code(f.operation)} | {code(f.check)} | {code(message)} |")
    return rows + _more(len(failures) - TOP_FAILURES, "failures")


def _waived_and_unexercised(result: RunResult, waived: int) -> list[str]:
    unexercised = result.unexercised
    excluded = sum(1 for op in result.operations() if not op.exercised and op.excluded is not None)
    lines = [
        f"**Waived:** {waived} failure(s) · **Not exercised:** {len(unexercised)} operation(s)"
        f" · **Excluded on purpose:** {excluded} operation(s)"
    ]
    if unexercised:
        lines.append("")
        lines += [
            f"- {inline(op.surface)} {inline(op.label)}: {inline(op.unexercised_reason or 'not exercised')}"
            for op in unexercised[:UNEXERCISED_LISTED]
        ]
        lines += _more(len(unexercised) - UNEXERCISED_LISTED, "unexercised operations")
    return lines


def _reproduce(failures: list[Failure]) -> list[str]:
    with_curl = [f for f in failures if f.curl.strip()]
    if not with_curl:
        return []
    lines = ["", "### Reproduce", ""]
    for f in with_curl[:REPRODUCE]:
        lines += [
            f"{inline(f.operation)} · {inline(f.check)}",
            "",
            *fenced(_cap_curl(f.curl)),
            "",
        ]
    return lines + _more(len(with_curl) - REPRODUCE, "reproductions in report.html")


def _cap_curl(curl: str) -> str:
    text = curl.strip()
    lines = text.splitlines()
    capped = "\n".join(lines[:CURL_LINES])[:CURL_CHARS]
    return capped if capped == text else capped + "\n# … truncated, the full command is in report.html"


def _more(hidden: int, what: str) -> list[str]:
    return [f"… and {hidden} more {what}"] if hidden > 0 else []


def one_line(text: str, limit: int = MESSAGE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def code(text: str, table: bool = True) -> str:
    """An inline code span that survives backticks inside it and, in a table cell, `|`."""
    text = show_controls(" ".join(text.split()))
    if table:  # GFM splits cells on `|` even inside code spans, and drops the backslash when rendering
        text = text.replace("|", "\\|")
    if not text:
        return "` `"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def inline(text: str) -> str:
    return code(text, table=False)


def fenced(text: str) -> list[str]:
    text = show_controls(text)
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return [f"{fence}shell", *text.splitlines(), fence]
