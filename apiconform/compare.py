"""Behavioural drift between two `report.json` files: a baseline (last release, yesterday's run, a proxy
session) and a candidate (the vendor upgrade, today's run).

What changed, per surface and operation label: operation x check cells that started or stopped failing, enum
values seen for the first time, shifts in the status-code distribution, top-level response fields that
appeared or disappeared, operations the candidate no longer exercised. Only new failures gate (exit 1): the
rest is drift a person should read, not necessarily a break.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from apiconform.errors import UsageError

# A status code whose share of an operation's answers moves by more than this is a shift worth reading;
# a code that appears or disappears always is.
SHIFT_THRESHOLD = 0.10
FAILED = "failed"
PASSED = "passed"

Key = tuple[str, str]  # (surface, operation label)


@dataclass(frozen=True)
class CellChange:
    surface: str
    operation: str
    check: str
    before: str  # baseline verdict, or "absent" when the baseline had no such cell
    after: str
    title: str = ""  # the candidate's first failure title for the cell, when it fails


@dataclass(frozen=True)
class EnumNews:
    surface: str
    operation: str
    field: str
    values: list[str]


@dataclass(frozen=True)
class StatusShift:
    surface: str
    operation: str
    before: dict[str, int]
    after: dict[str, int]


@dataclass(frozen=True)
class FieldChange:
    surface: str
    operation: str
    appeared: list[str]
    disappeared: list[str]


@dataclass(frozen=True)
class Unexercised:
    surface: str
    operation: str
    reason: str  # the candidate's `excluded` reason, "not run" or "not in the candidate"


@dataclass
class Comparison:
    baseline: dict[str, Any]  # run metadata of each side, for the header
    candidate: dict[str, Any]
    new_failures: list[CellChange] = field(default_factory=list)
    newly_passing: list[CellChange] = field(default_factory=list)
    new_enum_values: list[EnumNews] = field(default_factory=list)
    status_shifts: list[StatusShift] = field(default_factory=list)
    field_changes: list[FieldChange] = field(default_factory=list)
    no_longer_exercised: list[Unexercised] = field(default_factory=list)

    @property
    def has_new_failures(self) -> bool:
        return bool(self.new_failures)


def load_report(path: Path) -> dict[str, Any]:
    """A report.json, validated against report.schema.json; a UsageError (one line) when it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read report {path}: {exc.strerror or type(exc).__name__}; check the path") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; pass the report.json `apiconform run` wrote") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path} is not JSON ({exc}); pass the report.json `apiconform run` wrote") from None
    error = jsonschema.exceptions.best_match(_validator().iter_errors(document))
    if error is not None:
        where = error.json_path
        reason = " ".join(str(error.message).split())[:160]
        raise UsageError(f"{path} is not a valid report.json (at {where}: {reason}); pass one `apiconform run` wrote")
    result: dict[str, Any] = document
    return result


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files("apiconform.reports").joinpath("report.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)


def compare(baseline: dict[str, Any], candidate: dict[str, Any]) -> Comparison:
    before, after = _operations(baseline), _operations(candidate)
    titles = _failure_titles(candidate)
    out = Comparison(baseline=dict(baseline["run"]), candidate=dict(candidate["run"]))
    for key, new in after.items():
        old = before.get(key)
        _cells(out, key, old, new, titles)
        _enums(out, key, old, new)
        if old is not None and old["exercised"] and new["exercised"]:
            _statuses(out, key, old, new)
            _fields(out, key, old, new)
    for key, was in before.items():
        now = after.get(key)
        if was["exercised"] and (now is None or not now["exercised"]):
            reason = "not in the candidate" if now is None else (now["excluded"] or "not run")
            out.no_longer_exercised.append(Unexercised(*key, reason))
    return out


def _operations(report: dict[str, Any]) -> dict[Key, dict[str, Any]]:
    return {(s["surface"], op["label"]): op for s in report["surfaces"] for op in s["operations"]}


def _failure_titles(report: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    titles: dict[tuple[str, str, str], str] = {}
    for failure in report["failures"]:
        titles.setdefault((failure["surface"], failure["operation"], failure["check"]), failure["title"])
    return titles


def _cells(
    out: Comparison, key: Key, old: dict[str, Any] | None, new: dict[str, Any], titles: dict[tuple[str, str, str], str]
) -> None:
    old_cells = old["checks"] if old else {}
    for check, cell in new["checks"].items():
        was = old_cells.get(check, {}).get("verdict", "absent")
        now = cell["verdict"]
        if now == FAILED and was != FAILED:
            out.new_failures.append(CellChange(*key, check, was, now, titles.get((*key, check), "")))
        elif now == PASSED and was == FAILED:
            out.newly_passing.append(CellChange(*key, check, was, now))


def _enums(out: Comparison, key: Key, old: dict[str, Any] | None, new: dict[str, Any]) -> None:
    old_values = old["enum_values"] if old else {}
    for where, values in new["enum_values"].items():
        fresh = sorted(set(values) - set(old_values.get(where, [])))
        if fresh:
            out.new_enum_values.append(EnumNews(*key, where, fresh))


def _statuses(out: Comparison, key: Key, old: dict[str, Any], new: dict[str, Any]) -> None:
    was, now = old["statuses"], new["statuses"]
    was_total, now_total = sum(was.values()), sum(now.values())
    if not was_total or not now_total:
        return
    codes = set(was) | set(now)
    shifted = set(was) != set(now) or any(
        abs(was.get(code, 0) / was_total - now.get(code, 0) / now_total) > SHIFT_THRESHOLD for code in codes
    )
    if shifted:
        out.status_shifts.append(StatusShift(*key, _sorted(was), _sorted(now)))


def _fields(out: Comparison, key: Key, old: dict[str, Any], new: dict[str, Any]) -> None:
    was, now = set(old["response_fields"]), set(new["response_fields"])
    if was != now:
        out.field_changes.append(FieldChange(*key, sorted(now - was), sorted(was - now)))


def _sorted(statuses: dict[str, int]) -> dict[str, int]:
    return {code: statuses[code] for code in sorted(statuses)}


# -- output ---------------------------------------------------------------------------------------------------


def to_json(comparison: Comparison) -> dict[str, Any]:
    data = asdict(comparison)
    data["summary"] = {
        name: len(data[name])
        for name in (
            "new_failures",
            "newly_passing",
            "new_enum_values",
            "status_shifts",
            "field_changes",
            "no_longer_exercised",
        )
    }
    data["verdict"] = "new failures" if comparison.has_new_failures else "no new failures"
    return data


def to_markdown(comparison: Comparison) -> str:
    c = comparison
    lines = [
        "# apiconform compare",
        "",
        f"Baseline: {_run(c.baseline)}  ",
        f"Candidate: {_run(c.candidate)}",
        "",
        f"**{len(c.new_failures)} new failure(s)**, {len(c.newly_passing)} newly passing, "
        f"{len(c.new_enum_values)} field(s) with new enum values, {len(c.status_shifts)} status shift(s), "
        f"{len(c.field_changes)} response field change(s), {len(c.no_longer_exercised)} no longer exercised.",
    ]
    lines += _table(
        "New failures",
        ["surface", "operation", "check", "before", "failure"],
        [[x.surface, x.operation, x.check, x.before, x.title] for x in c.new_failures],
    )
    lines += _table(
        "Newly passing",
        ["surface", "operation", "check"],
        [[x.surface, x.operation, x.check] for x in c.newly_passing],
    )
    lines += _table(
        "Enum values seen for the first time",
        ["surface", "operation", "field", "values"],
        [[x.surface, x.operation, x.field, ", ".join(x.values)] for x in c.new_enum_values],
    )
    lines += _table(
        "Status-code distribution shifts",
        ["surface", "operation", "before", "after"],
        [[x.surface, x.operation, _shares(x.before), _shares(x.after)] for x in c.status_shifts],
    )
    lines += _table(
        "Response fields appeared or disappeared",
        ["surface", "operation", "appeared", "disappeared"],
        [[x.surface, x.operation, ", ".join(x.appeared), ", ".join(x.disappeared)] for x in c.field_changes],
    )
    lines += _table(
        "Operations no longer exercised",
        ["surface", "operation", "candidate"],
        [[x.surface, x.operation, x.reason] for x in c.no_longer_exercised],
    )
    return "\n".join(lines) + "\n"


def _run(run: dict[str, Any]) -> str:
    return f"profile `{run['profile']}`, started {run['started_at']}, verdict {run['verdict']}"


def _shares(statuses: dict[str, int]) -> str:
    total = sum(statuses.values())
    return ", ".join(f"{code}: {count} ({count / total:.0%})" for code, count in statuses.items())


def _table(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["", f"## {title}", ""]
    if not rows:
        return [*lines, "None."]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]


def _cell(value: str) -> str:
    # Titles and enum values are server text: one line, and no `|` that would split the table.
    return " ".join(value.split()).replace("|", "\\|")
