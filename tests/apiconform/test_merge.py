"""`apiconform merge`: the shards of one run give the unsharded run's verdict and cells; reports that are not the
complete shards of one run are a usage error naming the difference.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apiconform.cli import main
from apiconform.errors import UsageError
from apiconform.merge import merge_reports, result_from_report
from apiconform.reports import FORMATS, write_reports
from apiconform.reports.json_report import document
from apiconform.runner.core import RunOptions, run
from apiconform.runner.results import RunResult, SurfaceResult
from apiconform.surfaces import SURFACES
from tests.apiconform.reports.factories import make_failure, make_op, sample_result, with_cells
from tests.apiconform.runner.test_fault_profiles import GATE
from tests.shared_runs import shared_run

LABELS = ("GET /a", "GET /b", "GET /c", "POST /d")


def _cells(result: RunResult) -> dict[str, object]:
    return {
        op.label: (
            op.cases,
            op.exercised,
            op.excluded,
            {c: (v.passed, v.failed, v.verdict) for c, v in op.checks.items()},
        )
        for op in result.operations()
    }


@pytest.mark.slow
def test_three_shards_merge_into_the_unsharded_runs_verdict_and_cells(
    shared_runs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The fault-profile test's own run of this fault (shared_run), so the unsharded run costs nothing extra.
    whole = shared_run(shared_runs, "code-insight", GATE, faults=("order-flipped",)).result
    dirs = []
    for k in (1, 2, 3):
        shard = run(RunOptions((SURFACES["code-insight"],), GATE, mock_faults=("order-flipped",), shard=(k, 3)))
        assert any(op.excluded == f"not in shard {k}/3" for op in shard.operations())
        # a scenario passing through another shard's operation does not make it exercised here
        assert all(not op.exercised for op in shard.operations() if op.excluded)
        dirs.append(write_reports(shard, tmp_path / f"shard-{k}", FORMATS)[3].parent)
    out = tmp_path / "merged"
    assert main(["merge", *map(str, reversed(dirs)), "--report-dir", str(out)]) == 1  # as `run`: not conformant
    assert "NOT conformant: 4 operations" in capsys.readouterr().out
    merged = merge_reports([out / "report.json"])  # what the command wrote, read back
    assert not whole.conformant and merged.conformant == whole.conformant
    assert _cells(merged) == _cells(whole)  # known deviations (the observed mock's) included
    assert sorted(map(repr, merged.deviations)) == sorted(map(repr, whole.deviations)) != []
    assert sorted((f.operation, f.check, f.title) for f in merged.failures) == sorted(
        (f.operation, f.check, f.title) for f in whole.failures
    )
    assert not merged.unexercised and all(op.excluded is None for op in merged.operations())
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["junit.xml", "allure-results", "report.html", "report.json", "summary.md"]
    )


def _shard(k: int, n: int = 3, **run: object) -> RunResult:
    """A hand-built shard K/N of a run over LABELS (POST /d left out by a read-only run in every shard)."""
    alpha = SurfaceResult("alpha", f"http://127.0.0.1:{8000 + k}", embedded=True, mock_seed=0)
    for i, label in enumerate(LABELS):
        if label == "POST /d":
            op = make_op("alpha", label, excluded="read-only run: writes need --allow-writes")
        elif i % n == k - 1:
            op = with_cells(make_op("alpha", label, 3, proven=1, duration_s=0.5), not_a_server_error=(3, 0))
        else:
            op = make_op("alpha", label, excluded=f"not in shard {k}/{n}")
        alpha.operations[label] = op
    result = RunResult("quick", 0, f"2026-11-28T10:0{k}:00+00:00", 10.0, {"alpha": alpha}, check_ids=["a"])
    for key, value in run.items():
        setattr(result, key, value)
    return result


def _write(tmp_path: Path, *shards: RunResult) -> list[Path]:
    return [write_reports(s, tmp_path / f"r{i}", ["json"])[0].parent for i, s in enumerate(shards)]


def test_each_operation_comes_from_the_shard_that_tested_it(tmp_path: Path) -> None:
    first = _shard(1)
    first.surfaces["alpha"].operations["GET /a"].cell("not_a_server_error").failed = 1
    first.failures = [make_failure("not_a_server_error", "GET /a")]
    first.failures[0].surface = "alpha"
    notes = ["expired waiver (2026-01-01): x on y - z", "unused waiver: c on GET /a - used by shard 2"]
    first.waiver_notes = list(notes)
    third = _shard(3, waiver_notes=notes[:1], interrupted=True)
    merged = merge_reports(_write(tmp_path, _shard(2, waiver_notes=notes[:1]), third, first))
    ops = merged.surfaces["alpha"].operations
    assert [ops[label].excluded for label in LABELS] == [None, None, None, "read-only run: writes need --allow-writes"]
    assert all(ops[label].checks["not_a_server_error"].passed == 3 for label in LABELS[:3])
    assert [f.operation for f in merged.failures] == ["GET /a"]
    assert merged.waiver_notes == notes[:1]  # a waiver one shard did not use, another may have
    assert merged.started_at == "2026-11-28T10:01:00+00:00" and merged.duration_s == 30.0
    assert merged.interrupted and not merged.conformant


def test_one_whole_report_merges_into_itself(tmp_path: Path) -> None:
    result = sample_result()
    [folder] = _write(tmp_path, result)
    merged = merge_reports([folder])
    assert document(merged) == document(result)
    assert document(result_from_report(document(result))) == document(result)  # the loader loses nothing


@pytest.mark.parametrize(
    ("shards", "message"),
    [
        ((_shard(1), _shard(2)), "shard 3/3 missing (its operations would look excluded on purpose)"),
        ((_shard(1), _shard(1), _shard(2), _shard(3)), "shard 1/3 given twice"),
        ((_shard(1), _shard(2, seed=7), _shard(3)), "are not shards of one run: seed 0 vs 7"),
        ((_shard(1), _shard(2, profile="default"), _shard(3)), "profile 'quick' vs 'default'"),
        ((_shard(1, n=2), _shard(2)), "shards '1/2' vs '2/3'"),
        ((_shard(1, n=1), _shard(1, n=2)), "shards '1/1 (unsharded)' vs '1/2'"),
    ],
    ids=["missing", "twice", "seed", "profile", "shard-count", "unsharded"],
)
def test_reports_that_are_not_the_shards_of_one_run_are_refused(
    tmp_path: Path, shards: tuple[RunResult, ...], message: str
) -> None:
    with pytest.raises(UsageError) as info:
        merge_reports(_write(tmp_path, *shards))
    assert message in info.value.message and "\n" not in info.value.message


def test_mock_faults_and_operations_must_match(tmp_path: Path) -> None:
    faulty = _shard(2)
    faulty.surfaces["alpha"].mock_faults = ["order-flipped"]
    with pytest.raises(UsageError, match="alpha mock faults '' vs 'order-flipped'"):
        merge_reports(_write(tmp_path / "faults", _shard(1), faulty, _shard(3)))
    other_spec = _shard(2)
    other_spec.surfaces["alpha"].operations.pop("GET /c")
    with pytest.raises(UsageError, match="alpha operation 'GET /c' is in one only"):
        merge_reports(_write(tmp_path / "spec", _shard(1), other_spec, _shard(3)))


def test_overlapping_shards_are_refused(tmp_path: Path) -> None:
    overlapping = _shard(2)
    overlapping.surfaces["alpha"].operations["GET /a"] = make_op("alpha", "GET /a", 3, proven=1)
    with pytest.raises(UsageError, match=r"overlapping shards: alpha GET /a was tested by both .* \(shard 1/3\)"):
        merge_reports(_write(tmp_path, _shard(1), overlapping, _shard(3)))


def test_merge_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folders = _write(tmp_path, _shard(1), _shard(2), _shard(3))
    out = tmp_path / "merged"
    assert main(["merge", *map(str, folders), "--report-dir", str(out), "--format", "json,md"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "summary.md"]
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["run"]["verdict"] == "conformant"
    assert main(["merge", str(folders[0]), "--report-dir", str(out)]) == 2
    assert "shard 2/3, 3/3 missing" in capsys.readouterr().err
    assert main(["merge", *map(str, folders), "--report-dir", str(folders[1])]) == 2
    assert "would overwrite" in capsys.readouterr().err
    assert main(["merge", str(tmp_path / "nowhere")]) == 2
