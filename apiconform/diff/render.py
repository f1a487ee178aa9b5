"""Renderers for diff findings: text (one line each), json, md (a table per severity), junit.

Text and Markdown show one change once: findings of one rule at the same place in a shared schema (or with the
same message and pointers), on several operations, are one line naming the operations. JSON and JUnit keep one
entry per operation, for tools. Every summary counts per operation, and says so.

Spec text (names, enum values, patterns) is data: in Markdown it is escaped or inside code spans, in XML it
is escaped and stripped of characters XML cannot carry.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from apiconform.diff.findings import SEVERITIES, Finding, at_or_above, counts

FORMATS = ("text", "json", "md", "junit")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def summary(findings: list[Finding]) -> str:
    totals = counts(findings)
    tally = ", ".join(f"{totals[s]} {s}" for s in SEVERITIES)
    if not findings:
        return f"no changes ({tally})"
    return f"{len(findings)} change{'s' if len(findings) != 1 else ''} (counted per operation): {tally}"


@dataclass(frozen=True)
class Group:
    """One change and the operations it reaches (one finding each, in order)."""

    members: tuple[Finding, ...]

    @property
    def first(self) -> Finding:
        return self.members[0]

    @property
    def operations(self) -> list[str]:
        return list(dict.fromkeys(f.operation for f in self.members))

    @property
    def message(self) -> str:
        """The finding's own message when it is alone, else the change said of the shared schema."""
        if len(self.members) == 1:
            return self.first.message
        return self.first.shared or self.first.message


def group_findings(findings: list[Finding]) -> list[Group]:
    """Findings grouped by rule, the change (said of its shared schema, else the message) and pointers, in the
    order of each group's first finding."""
    grouped: dict[tuple[str, str, str, str, str], list[Finding]] = {}
    for finding in findings:
        key = (
            finding.severity,
            finding.rule,
            finding.shared or finding.message,
            finding.old_pointer,
            finding.new_pointer,
        )
        grouped.setdefault(key, []).append(finding)
    return [Group(tuple(members)) for members in grouped.values()]


def render(findings: list[Finding], fmt: str, *, fail_on: str = "breaking") -> str:
    if fmt == "text":
        return render_text(findings)
    if fmt == "json":
        return render_json(findings)
    if fmt == "md":
        return render_markdown(findings)
    if fmt == "junit":
        return render_junit(findings, fail_on=fail_on)
    raise ValueError(f"unknown diff format {fmt!r}")


def _ptr(pointer: str) -> str:
    return pointer or "-"


def render_text(findings: list[Finding]) -> str:
    lines = []
    for one in group_findings(findings):
        f, operations = one.first, one.operations
        if len(operations) == 1:
            head = f"{f.severity.upper()} {f.rule} {f.operation}: {one.message}"
        else:
            head = f"{f.severity.upper()} {f.rule} {one.message} — {_count(operations)}: {', '.join(operations)}"
        lines.append(f"{head} (old: {_ptr(f.old_pointer)}, new: {_ptr(f.new_pointer)})")
    return "\n".join([*lines, summary(findings)]) + "\n"


def _count(operations: list[str]) -> str:
    return f"{len(operations)} operations"


def render_json(findings: list[Finding]) -> str:
    payload = {
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "operation": f.operation,
                "message": f.message,
                "old_pointer": f.old_pointer,
                "new_pointer": f.new_pointer,
            }
            for f in findings
        ],
        "counts": counts(findings),
        "total": len(findings),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _md(text: str) -> str:
    flat = " ".join(text.split()).replace(" -> ", " → ")
    return _MD_SPECIAL.sub(r"\\\1", flat).replace("@", "&#64;")


def _code(text: str) -> str:
    """An inline code span that survives backticks and, in a table cell, `|`."""
    flat = " ".join(text.split()).replace("|", "\\|")
    fence = "``" if "`" in flat else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _where(finding: Finding) -> str:
    if finding.old_pointer == finding.new_pointer:
        return _code(finding.old_pointer) if finding.old_pointer else ""
    return f"{_code(_ptr(finding.old_pointer))} → {_code(_ptr(finding.new_pointer))}"


def render_markdown(findings: list[Finding]) -> str:
    lines = [f"## apiconform diff: {summary(findings)}", ""]
    if not findings:
        lines.append("No changes between the two specs.")
    for severity in SEVERITIES:
        members = [f for f in findings if f.severity == severity]
        if not members:
            continue
        lines += [f"### {severity.capitalize()} ({len(members)})", ""]
        lines += ["| Operation | Rule | Change | Where (old → new) |", "|---|---|---|---|"]
        for one in group_findings(members):
            operations = one.operations
            ops = _code(operations[0]) if len(operations) == 1 else _md_operations(operations)
            lines.append(f"| {ops} | {_code(one.first.rule)} | {_md(one.message)} | {_where(one.first)} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_operations(operations: list[str]) -> str:
    return f"{_count(operations)}: " + ", ".join(_code(op) for op in operations)


def _xml(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def render_junit(findings: list[Finding], *, fail_on: str = "breaking") -> str:
    """One testcase per finding: a failure when at/above `fail_on`, else passed with the finding in system-out."""
    failing = at_or_above(findings, fail_on)
    attrs = {"name": "apiconform diff", "tests": str(len(findings)), "failures": str(len(failing))}
    root = ET.Element("testsuites", attrs)
    suite = ET.SubElement(root, "testsuite", {**attrs, "errors": "0", "skipped": "0"})
    for finding in findings:
        name = _xml(f"{finding.rule}: {finding.message}")
        case = ET.SubElement(suite, "testcase", {"classname": _xml(finding.operation), "name": name})
        detail = _xml(
            f"{finding.severity.upper()} {finding.rule} {finding.operation}: {finding.message}\n"
            f"old: {_ptr(finding.old_pointer)}\nnew: {_ptr(finding.new_pointer)}"
        )
        if finding in failing:
            failure = ET.SubElement(case, "failure", {"type": finding.severity, "message": _xml(finding.message)})
            failure.text = detail
        else:
            ET.SubElement(case, "system-out").text = detail
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
