"""`apiconform compare`: two report.json files written by the real report writer, with known drift between them;
compare lists exactly that drift, exits 1 only on new failures and 2 on a file that is not a report."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import pytest

from apiconform.commands.compare import add_arguments, run_compare
from apiconform.compare import (
    CellChange,
    EnumNews,
    FieldChange,
    StatusShift,
    Unexercised,
    compare,
    load_report,
    to_markdown,
)
from apiconform.errors import UsageError
from apiconform.reports import write_reports
from apiconform.runner.results import Cell, Failure, OperationResult, RunResult, SurfaceResult

SURFACE = "code-insight"
CHECKS = ["status_code_conformance", "response_schema_conformance", "enum_documented", "client_operation_known"]


def _op(
    label: str,
    *,
    cases: int,
    statuses: dict[int, int] | None = None,
    cells: dict[str, tuple[int, int]] | None = None,
    enums: dict[str, set[str]] | None = None,
    fields: set[str] | None = None,
    excluded: str | None = None,
) -> OperationResult:
    op = OperationResult(SURFACE, label, label.rsplit(maxsplit=1)[-1], cases=cases, excluded=excluded)
    op.statuses = Counter(statuses or {})
    op.checks = {check: Cell(passed, failed) for check, (passed, failed) in (cells or {}).items()}
    op.enum_values = enums or {}
    op.response_fields = fields or set()
    return op


def _failure(operation: str, check: str, title: str) -> Failure:
    return Failure(SURFACE, operation, check, title, f"{title} on {operation}")


def _report(tmp: Path, name: str, ops: list[OperationResult], failures: list[Failure]) -> Path:
    surface = SurfaceResult(SURFACE, "http://127.0.0.1:1/codeinsight/api", True, {op.label: op for op in ops})
    result = RunResult("quick", 0, "2026-01-01T00:00:00+00:00", 1.0, {SURFACE: surface}, failures, check_ids=CHECKS)
    directory = tmp / name
    (path,) = write_reports(result, directory, ["json"])
    return path


@pytest.fixture
def baseline(tmp_path: Path) -> Path:
    ops = [
        _op("GET /jobs", cases=10, statuses={200: 9, 400: 1},
            cells={"status_code_conformance": (10, 0), "response_schema_conformance": (9, 0),
                   "enum_documented": (9, 0)},
            enums={"[].status": {"New", "Completed"}}),
        _op("GET /jobs/{jobId}", cases=5, statuses={200: 5},
            cells={"status_code_conformance": (5, 0), "response_schema_conformance": (4, 1)},
            fields={"id", "status", "legacy"}),
        _op("POST /jobs/notices/{projectId}", cases=3, statuses={202: 3}, cells={"status_code_conformance": (3, 0)}),
        _op("POST /jobs/sbomexport/{projectId}", cases=0, excluded="read-only run"),
    ]  # fmt: skip
    failures = [_failure("GET /jobs/{jobId}", "response_schema_conformance", "Response violates schema")]
    return _report(tmp_path, "baseline", ops, failures)


@pytest.fixture
def candidate(tmp_path: Path) -> Path:
    ops = [
        _op("GET /jobs", cases=10, statuses={200: 5, 418: 5},
            cells={"status_code_conformance": (5, 5), "response_schema_conformance": (5, 0),
                   "enum_documented": (5, 0)},
            enums={"[].status": {"New", "Completed", "Archived"}}),
        _op("GET /jobs/{jobId}", cases=5, statuses={200: 5},
            cells={"status_code_conformance": (5, 0), "response_schema_conformance": (5, 0)},
            fields={"id", "status", "createdAt"}),
        _op("POST /jobs/notices/{projectId}", cases=0),
        _op("POST /jobs/sbomexport/{projectId}", cases=0, excluded="read-only run"),
        _op("GET /reports", cases=1, statuses={404: 1}, cells={"client_operation_known": (0, 1)}),
    ]  # fmt: skip
    failures = [
        _failure("GET /jobs", "status_code_conformance", "Undocumented status code"),
        _failure("GET /reports", "client_operation_known", "Undocumented operation"),
    ]
    return _report(tmp_path, "candidate", ops, failures)


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_compare_lists_exactly_the_drift(baseline: Path, candidate: Path) -> None:
    drift = compare(load_report(baseline), load_report(candidate))
    assert drift.new_failures == [
        CellChange(SURFACE, "GET /jobs", "status_code_conformance", "passed", "failed", "Undocumented status code"),
        CellChange(SURFACE, "GET /reports", "client_operation_known", "absent", "failed", "Undocumented operation"),
    ]
    assert drift.newly_passing == [
        CellChange(SURFACE, "GET /jobs/{jobId}", "response_schema_conformance", "failed", "passed")
    ]
    assert drift.new_enum_values == [EnumNews(SURFACE, "GET /jobs", "[].status", ["Archived"])]
    assert drift.status_shifts == [StatusShift(SURFACE, "GET /jobs", {"200": 9, "400": 1}, {"200": 5, "418": 5})]
    assert drift.field_changes == [FieldChange(SURFACE, "GET /jobs/{jobId}", ["createdAt"], ["legacy"])]
    assert drift.no_longer_exercised == [Unexercised(SURFACE, "POST /jobs/notices/{projectId}", "not run")]
    assert drift.has_new_failures


def test_a_report_compared_with_itself_shows_no_drift(baseline: Path) -> None:
    drift = compare(load_report(baseline), load_report(baseline))
    assert not drift.has_new_failures
    assert not (drift.newly_passing or drift.new_enum_values or drift.status_shifts)
    assert not (drift.field_changes or drift.no_longer_exercised)
    text = to_markdown(drift)
    assert "**0 new failure(s)**" in text
    assert text.count("None.") == 6


def test_small_share_moves_are_not_shifts(tmp_path: Path) -> None:
    cells = {"status_code_conformance": (10, 0)}
    old = _report(tmp_path, "old", [_op("GET /jobs", cases=10, statuses={200: 9, 400: 1}, cells=cells)], [])
    new = _report(tmp_path, "new", [_op("GET /jobs", cases=20, statuses={200: 19, 400: 1}, cells=cells)], [])
    assert compare(load_report(old), load_report(new)).status_shifts == []


def test_exit_codes(baseline: Path, candidate: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_compare(_args(str(baseline), str(candidate))) == 1
    assert run_compare(_args(str(baseline), str(baseline))) == 0
    capsys.readouterr()


def test_only_fixes_exit_0(tmp_path: Path) -> None:
    failing = _op("GET /jobs", cases=1, statuses={200: 1}, cells={"response_schema_conformance": (0, 1)})
    fixed = _op("GET /jobs", cases=1, statuses={200: 1}, cells={"response_schema_conformance": (1, 0)})
    old = _report(tmp_path, "old", [failing], [_failure("GET /jobs", "response_schema_conformance", "Broken")])
    new = _report(tmp_path, "new", [fixed], [])
    out = tmp_path / "drift.md"
    assert run_compare(_args(str(old), str(new), "--output", str(out))) == 0
    assert "| code-insight | GET /jobs | response_schema_conformance |" in out.read_text(encoding="utf-8")


def test_markdown_and_json_output(baseline: Path, candidate: Path, tmp_path: Path) -> None:
    md, js = tmp_path / "drift.md", tmp_path / "drift.json"
    assert run_compare(_args(str(baseline), str(candidate), "--output", str(md))) == 1
    assert run_compare(_args(str(baseline), str(candidate), "--format", "json", "--output", str(js))) == 1
    text = md.read_text(encoding="utf-8")
    assert "**2 new failure(s)**" in text
    assert "| code-insight | GET /jobs | status_code_conformance | passed | Undocumented status code |" in text
    assert "| code-insight | GET /jobs | 200: 9 (90%), 400: 1 (10%) | 200: 5 (50%), 418: 5 (50%) |" in text
    assert "| code-insight | GET /jobs/{jobId} | createdAt | legacy |" in text
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["verdict"] == "new failures"
    assert data["summary"] == {
        "new_failures": 2,
        "newly_passing": 1,
        "new_enum_values": 1,
        "status_shifts": 1,
        "field_changes": 1,
        "no_longer_exercised": 1,
    }
    assert data["new_enum_values"] == [
        {"surface": SURFACE, "operation": "GET /jobs", "field": "[].status", "values": ["Archived"]}
    ]
    assert data["baseline"]["profile"] == "quick"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read report"),
        ("{not json", "is not JSON"),
        ('{"schema_version": 2}', "is not a valid report.json"),
        ("[]", "is not a valid report.json"),
    ],
)
def test_bad_input_is_a_one_line_usage_error(
    baseline: Path, tmp_path: Path, content: str | None, expected: str
) -> None:
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    for argv in ((str(bad), str(baseline)), (str(baseline), str(bad))):
        with pytest.raises(UsageError) as caught:
            run_compare(_args(*argv))
        assert caught.value.exit_code == 2
        assert expected in caught.value.message
        assert str(bad) in caught.value.message
        assert "\n" not in caught.value.message


def test_a_report_missing_a_required_field_names_where(baseline: Path, tmp_path: Path) -> None:
    document = json.loads(baseline.read_text(encoding="utf-8"))
    del document["surfaces"][0]["operations"][0]["response_fields"]
    bad = tmp_path / "report.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(UsageError, match=r"surfaces\[0\]\.operations\[0\].*response_fields"):
        load_report(bad)
