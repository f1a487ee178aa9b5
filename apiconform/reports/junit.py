"""`junit.xml`: one <testsuite> per surface, one <testcase> per operation x check that ran.

CI systems key test history on (classname, name), so names are stable across runs and unique within a suite:
"<operation label> :: <check id>". Every operation also gets "<label> :: exercised", so an operation that
stops being reached shows up as a new failure instead of silently losing its other testcases.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from apiconform.reports.json_report import cell_failures, check_order, run_verdict
from apiconform.runner.results import VERDICT_FAILED, VERDICT_NOT_RUN, VERDICT_WAIVED, Failure, RunResult

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
            case = _testcase(suite, name, "surface :: reachable")
            ET.SubElement(case, "error", message=clean(_first_line(surface.error))).text = clean(surface.error)
        for op in surface.operations.values():
            _exercised_case(suite, name, op.label, op.exercised, op.excluded)
            for check in sorted(op.checks, key=lambda c: (order.get(c, len(order)), c)):
                cell = op.checks[check]
                if cell.verdict == VERDICT_NOT_RUN:
                    continue
                case = _testcase(suite, name, f"{op.label} :: {check}")
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


def _testcase(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=clean(classname), name=clean(name), time="0")


def _exercised_case(suite: ET.Element, surface: str, label: str, exercised: bool, excluded: str | None) -> None:
    case = _testcase(suite, surface, f"{label} :: {EXERCISED}")
    if exercised:
        return
    if excluded is not None:
        ET.SubElement(case, "skipped", message=clean(f"excluded: {excluded}"))
        return
    message = f"{label} got no case: the run cannot vouch for it (exclude it on purpose, or fix what blocks it)"
    ET.SubElement(case, "failure", message=clean(message), type="unexercised").text = clean(message)


def _failure(case: ET.Element, check: str, failed: int, failures: list[Failure]) -> None:
    blocking = [f for f in failures if not f.waived] or failures
    title = blocking[0].title if blocking else f"{check} failed"
    message = f"{title} ({failed} failing evaluation{'s' if failed != 1 else ''})"
    ET.SubElement(case, "failure", message=clean(message), type=clean(check)).text = clean(_details(blocking))


def _details(failures: list[Failure]) -> str:
    parts = []
    for failure in failures:
        lines = [failure.title, failure.message]
        if failure.expected:
            lines.append(f"Expected: {failure.expected}")
        if failure.waived_by:
            lines.append(f"Waived: {failure.waived_by}")
        if failure.curl:
            lines.append(f"Reproduce:\n{failure.curl}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.set("time", "0")  # per-cell timings are not recorded; the run's total is on <testsuites>


def _sum_counts(root: ET.Element) -> None:
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root.findall("testsuite"))))
