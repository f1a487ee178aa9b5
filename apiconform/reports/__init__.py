"""Report writers of `apiconform run`: one module per format, each a function of the finished RunResult.

The runner never imports this package (ARCHITECTURE.md: reports sit above the runner); the `run` command
hands the result over once the run ends, so every format sees the same, already redacted, data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from apiconform.errors import UsageError, did_you_mean
from apiconform.reports import allure, html, json_report, junit, markdown
from apiconform.runner.results import RunResult

__all__ = ["FORMATS", "check_writable", "write_reports"]

FORMATS = ("junit", "allure", "html", "json", "md")
_WRITERS: dict[str, Callable[[RunResult, Path], Path]] = {
    "junit": junit.write,
    "allure": allure.write,
    "html": html.write,
    "json": json_report.write,
    "md": markdown.write,
}


def selected_formats(text: str | None) -> list[str]:
    """The formats `--format junit,html` names (every format when it is not given); check_writable vets them."""
    return [f.strip() for f in (text or ",".join(FORMATS)).split(",") if f.strip()]


def check_writable(report_dir: Path, formats: Sequence[str]) -> None:
    """Fail before a run or a proxy session, not after it, when the reports could not be written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown report format {unknown[0]!r}; choose from {','.join(FORMATS)}")
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        probe = report_dir / ".apiconform-write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise UsageError(
            f"cannot write reports to {report_dir}: {exc.strerror}; pass a writable --report-dir"
        ) from None


def write_reports(result: RunResult, report_dir: Path, formats: Sequence[str]) -> list[Path]:
    """Write each requested format into report_dir (created if needed); returns what was written, in order."""
    wanted = list(dict.fromkeys(formats))
    for fmt in wanted:
        if fmt not in _WRITERS:
            raise UsageError(
                f"unknown report format {fmt!r}{did_you_mean(fmt, FORMATS)}; choose from {', '.join(FORMATS)}"
            )
    if not wanted:
        return []
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        return [_WRITERS[fmt](result, report_dir) for fmt in wanted]
    except OSError as exc:
        # A file where the directory should be, a read-only mount, a full disk: all are the user's to fix.
        reason = exc.strerror or type(exc).__name__
        raise UsageError(
            f"cannot write reports to {report_dir}: {reason}; pass a writable directory as the report dir"
        ) from None
