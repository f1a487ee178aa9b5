"""`junit.xml`: one <testsuite> per surface, one <testcase> per operation x check that ran.

CI systems key test history on (classname, name), so names are stable across runs and unique within a suite:
"<operation label> :: <check id>". Every operation also gets "<label> :: exercised", so an operation that
stops being reached shows up as a new failure instead of silently losing its other testcases. A suite's
`failures` is therefore its failed cells plus its operations not exercised (report.html's terms).

Times: each operation's measured time (`OperationResult.duration_s`) is spread over its testcases by
`seconds_per_testcase`, so a suite's time is the sum of its operations' times; <testsuites> carries the run's wall time
(which also covers starting the mock, discovery and waiting).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from apiconform.reports.json_report import cell_failures, check_order, run_verdict
from apiconform.runner.results import (
    VERDICT_FAILED,
    VERDICT_NOT_RUN,
    VERDICT_WAIVED,
    Failure,
    OperationResult,
    RunResult,
)

FILENAME = "junit.xml"
EXERCISED = "exercised"
# XML 1.0 cannot carry most control characters or lone surrogates, even escaped; server bodies can.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def write(result: RunResult, report_dir: Path) -> Path:
    path = report_dir / FILENAME
    root = build(result)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def build(result: RunResult) -> ET.Element:
    root = ET.Element("testsuites", name="apiconform", time=f"{float(result.duration_s):.3f}")
    by_cell = cell_failures(result)
    order = {check: i for i, check in enumerate(check_order(result))}
    for name, surface in result.surfaces.items():
        suite = ET.SubElement(root, "testsuite", name=name, timestamp=clean(result.started_at))
        _properties(suite, result, surface.base_url)
        if surface.error is not None:
            case = _testcase(suite, name, "surface :: reachable", 0.0)
            ET.SubElement(case, "error", message=clean(_first_line(surface.error))).text = clean(surface.error)
        for op in surface.operations.values():
            seconds = seconds_per_testcase(op)
            _exercised_case(suite, name, op, seconds[EXERCISED])
            for check in sorted(op.checks, key=lambda c: (order.get(c, len(order)), c)):
                cell = op.checks[check]
                if cell.verdict == VERDICT_NOT_RUN:
                    continue
                case = _testcase(suite, name, f"{op.label} :: {check}", seconds[check])
                failures = by_cell.get((name, op.label, check), [])
                if cell.verdict == VERDICT_FAILED:
                    _failure(case, check, cell.failed, failures)
                elif cell.verdict == VERDICT_WAIVED:
                    reasons = sorted({f.waived_by for f in failures if f.waived_by}) or ["by a waiver"]
                    ET.SubElement(case, "skipped", message=clean(f"waived: {'; '.join(reasons)}")).text = clean(
                        _details(failures)
                    )
        _count(suite)
    _sum_counts(root)
    return root


def _properties(suite: ET.Element, result: RunResult, base_url: str) -> None:
    props = ET.SubElement(suite, "properties")
    values = [
        ("profile", result.profile),
        ("seed", str(result.seed)),
        ("base_url", base_url),
        ("verdict", run_verdict(result)),
        ("interrupted", str(result.interrupted).lower()),
    ]
    values += [("waiver_note", note) for note in result.waiver_notes]
    for key, value in values:
        ET.SubElement(props, "property", name=key, value=clean(value))


def seconds_per_testcase(op: OperationResult) -> dict[str, float]:
    """The operation's measured time spread over its testcases: {check id or EXERCISED: seconds}.

    Each check cell gets a share in proportion to its evaluations (passed + failed): an evaluation is one check
    judging one answer, so a check that judged more of the operation's answers stands for more of its time. The
    "exercised" testcase gets the time only when no cell was evaluated (requests that never got an answer to judge).
    Shares are whole milliseconds handed out by largest remainder, so they add up to the operation's time exactly.
    """
    weights = {check: cell.passed + cell.failed for check, cell in op.checks.items()}
    weights[EXERCISED] = 0 if sum(weights.values()) else 1
    return {key: ms / 1000 for key, ms in _apportion(round(op.duration_s * 1000), weights).items()}


def _apportion(total: int, weights: dict[str, int]) -> dict[str, int]:
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    # The leftover milliseconds go to the largest fractions; ties to the first key, so the split is deterministic.
    by_fraction = sorted(exact, key=lambda key: shares[key] - exact[key])
    for key in by_fraction[: total - sum(shares.values())]:
        shares[key] += 1
    return shares


def _testcase(suite: ET.Element, classname: str, name: str, seconds: float) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=clean(classname), name=clean(name), time=f"{seconds:.3f}")


def _exercised_case(suite: ET.Element, surface: str, op: OperationResult, seconds: float) -> None:
    case = _testcase(suite, surface, f"{op.label} :: {EXERCISED}", seconds)
    if op.exercised:
        return
    if op.excluded is not None:
        ET.SubElement(case, "skipped", message=clean(f"excluded: {op.excluded}"))
        return
    message = f"{op.label} not exercised ({op.unexercised_reason}): the run cannot vouch for it"
    message += " (exclude it on purpose, or fix what blocks it)"
    ET.SubElement(case, "failure", message=clean(message), type="unexercised").text = clean(message)


def _failure(case: ET.Element, check: str, failed: int, failures: list[Failure]) -> None:
    blocking = [f for f in failures if not f.waived] or failures
    title = blocking[0].title if blocking else f"{check} failed"
    counts = [_plural(len(blocking), "failure")] if blocking else []
    counts.append(_plural(failed, "failing evaluation"))
    message = f"{title} ({', '.join(counts)})"
    ET.SubElement(case, "failure", message=clean(message), type=clean(check)).text = clean(_details(blocking))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _details(failures: list[Failure]) -> str:
    parts = []
    for failure in failures:
        lines = [failure.title, failure.message]
        if failure.pointer or failure.keyword:
            lines.append(f"At: {failure.pointer or '(the whole body)'}" + _keyword(failure.keyword))
        if failure.expected:
            lines.append(f"Expected: {failure.expected}")
        if failure.waived_by:
            lines.append(f"Waived: {failure.waived_by}")
        if failure.curl:
            lines.append(f"Reproduce:\n{failure.curl}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _keyword(keyword: str) -> str:
    return f" (schema keyword {keyword})" if keyword else ""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.set("time", f"{_sum_seconds(c.get('time', '0') for c in cases):.3f}")


def _sum_seconds(times: Iterable[str]) -> float:
    # Added in milliseconds: floats would drift from the testcases' own three decimals.
    return sum(round(float(t) * 1000) for t in times) / 1000


def _sum_counts(root: ET.Element) -> None:
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root.findall("testsuite"))))
