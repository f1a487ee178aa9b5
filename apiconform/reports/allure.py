"""`allure-results/`: one Allure result per operation x check, for `allure generate`.

Built on allure-python-commons' model (`allure_commons.model2`) so the files follow its format, but written
here rather than through `AllureFileLogger`: the logger names files with random uuids, and we want the same
RunResult to give the same files. Allure merges results sharing a `historyId` into retries (toolchain notes,
pitfall 2), so every cell gets its own, derived from (surface, operation, check): stable across runs, which
is what Allure's history and trend views key on.

Times: each result's duration is its share of the operation's measured time (`junit.seconds_per_testcase`: the same
split, so both formats agree). Start and stop are laid out, not measured: one timeline lane per surface (the
`host`/`thread` labels Allure's timeline groups by: surfaces run in parallel processes), starting at the run's start,
each operation's results back to back in report order. The real run interleaves operations (schemathesis phases,
then scenarios), which no per-operation total can show.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from allure_commons.model2 import Attachment, Label, Parameter, Status, StatusDetails, TestResult
from attr import asdict

from apiconform.reports.json_report import cell_failures, check_info, run_verdict
from apiconform.reports.junit import seconds_per_testcase
from apiconform.runner.results import (
    VERDICT_FAILED,
    VERDICT_KNOWN_DEVIATION,
    VERDICT_NOT_RUN,
    VERDICT_PASSED,
    VERDICT_WAIVED,
    Deviation,
    Failure,
    OperationResult,
    RunResult,
)

DIRNAME = "allure-results"
EXERCISED = "exercised"
# A known deviation passes the gate (the observed contract accepts it); its evidence is in the cell's description.
_STATUS = {
    VERDICT_PASSED: Status.PASSED,
    VERDICT_KNOWN_DEVIATION: Status.PASSED,
    VERDICT_FAILED: Status.FAILED,
    VERDICT_WAIVED: Status.SKIPPED,
}
# Files a previous run left here would show up as retries or stale tests of this run.
_OURS = ("*-result.json", "*-container.json", "*-attachment.txt", "environment.properties")


def _known(deviations: Sequence[Deviation], label: str, check: str) -> str:
    """The known deviations of one cell, each with its evidence ids."""
    lines = [
        f"known deviation: {d.message} (evidence: {', '.join(d.evidence) or 'none'})"
        for d in deviations
        if d.operation == label and d.check == check
    ]
    return "\n".join(lines) or "known deviation (the observed contract accepts this answer)"


def write(result: RunResult, report_dir: Path) -> Path:
    out = report_dir / DIRNAME
    out.mkdir(parents=True, exist_ok=True)
    for pattern in _OURS:
        for stale in out.glob(pattern):
            stale.unlink()
    emit = _Emitter(out, result)
    by_cell = cell_failures(result)
    for name, surface in result.surfaces.items():
        emit.new_lane()
        if surface.error is not None:
            emit(name, "(surface)", "reachable", Status.BROKEN, details=StatusDetails(message=surface.error))
        for op in surface.operations.values():
            seconds = seconds_per_testcase(op)
            status, details = _exercised(op)
            emit(name, op.label, EXERCISED, status, details=details, seconds=seconds[EXERCISED])
            for check, cell in op.checks.items():
                if cell.verdict == VERDICT_NOT_RUN:
                    continue
                failures = by_cell.get((name, op.label, check), [])
                details = _details(cell.verdict, failures) if cell.failed else None
                if cell.verdict == VERDICT_KNOWN_DEVIATION:
                    details = StatusDetails(message=_known(surface.deviations, op.label, check))
                counts = [("passed evaluations", str(cell.passed)), ("failed evaluations", str(cell.failed))]
                emit(
                    name,
                    op.label,
                    check,
                    _STATUS[cell.verdict],
                    details=details,
                    failures=failures,
                    params=counts,
                    seconds=seconds[check],
                )
    _environment(out, result)
    return out


def _exercised(op: OperationResult) -> tuple[str, StatusDetails | None]:
    if op.exercised:
        return Status.PASSED, None
    if op.excluded is not None:
        return Status.SKIPPED, StatusDetails(message=f"excluded: {op.excluded}")
    return Status.FAILED, StatusDetails(message=f"{op.label} not exercised ({op.unexercised_reason})")


def _details(verdict: str, failures: list[Failure]) -> StatusDetails:
    shown = [f for f in failures if f.waived == (verdict == VERDICT_WAIVED)] or failures
    if not shown:
        return StatusDetails(message="failed")
    head = shown[0]
    message = f"{head.title}\n{head.message}"
    if head.pointer or head.keyword:
        message += f"\nAt: {head.pointer or '(the whole body)'}" + (
            f" (schema keyword {head.keyword})" if head.keyword else ""
        )
    if verdict == VERDICT_WAIVED:
        message = f"waived: {head.waived_by}\n{message}"
    if len(shown) > 1:
        message += f"\n(+{len(shown) - 1} more distinct failure(s) on this cell)"
    trace = "\n\n".join(f.curl for f in shown if f.curl) or None
    return StatusDetails(message=message, trace=trace)


class _Emitter:
    """Writes one result file per call; holds what every result of the run shares."""

    def __init__(self, out: Path, result: RunResult) -> None:
        self.out = out
        self.profile = result.profile
        self.run_id = f"{result.started_at}/{result.seed}/{result.profile}"
        self.start = _epoch_ms(result.started_at)
        self.cursor = self.start  # where the next result of the current lane starts, in epoch milliseconds

    def new_lane(self) -> None:
        """Every surface's results start at the run's start: surfaces run side by side."""
        self.cursor = self.start

    def __call__(
        self,
        surface: str,
        label: str,
        check: str,
        status: str,
        *,
        details: StatusDetails | None,
        failures: Sequence[Failure] = (),
        params: Sequence[tuple[str, str]] = (),
        seconds: float = 0.0,
    ) -> None:
        key = f"{surface}\x00{label}\x00{check}"
        history_id = hashlib.sha256(key.encode()).hexdigest()[:32]
        # uuid5 of the run and the cell: the same RunResult rewrites the same files, another run adds new ones.
        test_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"apiconform:{self.run_id}\x00{key}"))
        info = check_info(check) if check not in (EXERCISED, "reachable") else None
        labels = [
            ("parentSuite", "apiconform"),
            ("suite", surface),
            ("subSuite", label),
            ("feature", label),
            ("story", check),
            ("framework", "apiconform"),
            ("tag", f"profile:{self.profile}"),
            ("host", "apiconform"),
            ("thread", surface),
        ]
        if info is not None:
            labels.append(("tag", f"group:{info['group']}"))
        item = TestResult(
            uuid=test_uuid,
            historyId=history_id,
            testCaseId=history_id,
            name=f"{label} :: {check}",
            fullName=f"{surface}.{label} :: {check}",
            titlePath=["apiconform", surface, label],
            status=status,
            statusDetails=details,
            stage="finished",
            description=None if info is None else info["description"],
            labels=[Label(name=k, value=v) for k, v in labels],
            parameters=[Parameter(name=k, value=v) for k, v in [("surface", surface), *params]],
            attachments=_attachments(self.out, test_uuid, failures),
            start=self.cursor,
            stop=None if self.cursor is None else self.cursor + round(seconds * 1000),
        )
        self.cursor = item.stop
        _dump(self.out / f"{test_uuid}-result.json", asdict(item, filter=lambda _, v: v or v is False))


def _attachments(out: Path, test_uuid: str, failures: Sequence[Failure]) -> list[Attachment]:
    """The request/response behind each failure, as a text attachment Allure shows beside the result."""
    found = []
    for i, failure in enumerate(failures):
        source = f"{test_uuid}-{i}-attachment.txt"
        (out / source).write_text(_exchange_text(failure), encoding="utf-8", errors="backslashreplace")
        found.append(Attachment(name=f"exchange: {failure.title}", source=source, type="text/plain"))
    return found


def _exchange_text(failure: Failure) -> str:
    lines = [failure.title, "", failure.message, ""]
    if failure.expected:
        lines += [f"Expected: {failure.expected}", ""]
    ex = failure.exchange
    if ex is not None:
        lines.append(f"> {ex.method} {ex.url}")
        lines += [f"> {k}: {v}" for k, v in ex.request_headers.items()]
        lines += ["", ex.request_body or "", ""]
        lines.append(f"< {ex.status if ex.status is not None else '(no response)'}")
        lines += [f"< {k}: {v}" for k, v in ex.response_headers.items()]
        lines += ["", ex.response_body or "", ""]
    if failure.curl:
        lines += ["Reproduce:", failure.curl]
    return "\n".join(lines) + "\n"


def _environment(out: Path, result: RunResult) -> None:
    """environment.properties: the run's identity on Allure's overview page."""
    values = {"profile": result.profile, "seed": str(result.seed), "verdict": run_verdict(result)}
    values |= {f"base_url.{name}": s.base_url for name, s in result.surfaces.items()}
    lines = [f"{_prop(k)}={_prop(v)}" for k, v in values.items()]
    (out / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8", errors="backslashreplace")


def _prop(text: str) -> str:
    # Java properties syntax: a raw newline, '=' or ':' would split the entry.
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=").replace(":", "\\:")


def _epoch_ms(started_at: str) -> int | None:
    # Without a readable start (a hand-edited result) the results carry no times rather than invented ones.
    try:
        return int(datetime.fromisoformat(started_at).timestamp() * 1000)
    except ValueError:
        return None


def _dump(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    path.write_text(text + "\n", encoding="utf-8", errors="backslashreplace")
