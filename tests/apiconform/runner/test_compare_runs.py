"""`compare` of a clean run against a run on a fault-profile mock lists exactly the new failures; `--shard`
splits the operations between runs without losing any."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from apiconform.commands.compare import run_compare
from apiconform.reports import write_reports
from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import get_profile
from apiconform.runner.results import RunResult
from apiconform.surfaces import SURFACES
from tests.shared_runs import shared_run


def _report(tmp: Path, name: str, result: RunResult) -> tuple[Path, set[tuple[str, str]]]:
    write_reports(result, tmp / name, ["json"])
    return tmp / name / "report.json", {(f.operation, f.check) for f in result.failures}


def test_compare_lists_exactly_the_new_failures(shared_runs: Path, tmp_path: Path) -> None:
    quick = get_profile("quick")
    clean, clean_failures = _report(tmp_path, "clean", shared_run(shared_runs, "code-insight", quick).result)
    faults = ("order-flipped", "wrong-content-type")
    broken_run = run(RunOptions(surfaces=(SURFACES["code-insight"],), profile=quick, mock_faults=faults))
    broken, broken_failures = _report(tmp_path, "broken", broken_run)
    assert not clean_failures and broken_failures
    out = tmp_path / "drift.json"
    args = argparse.Namespace(baseline=clean, candidate=broken, format="json", output=out)
    assert run_compare(args) == 1
    drift = json.loads(out.read_text())
    listed = {(c["operation"], c["check"]) for c in drift["new_failures"]}
    assert listed == broken_failures
    args = argparse.Namespace(baseline=broken, candidate=clean, format="json", output=out)
    assert run_compare(args) == 0


def test_shards_partition_the_operations() -> None:
    seen: dict[str, int] = {}
    for k in (1, 2):
        options = RunOptions(surfaces=(SURFACES["code-insight"],), profile=get_profile("quick"), shard=(k, 2))
        result = run(options)
        assert result.conformant, [f.title for f in result.failures]
        for op in result.operations():
            if op.excluded is None:
                seen[op.label] = seen.get(op.label, 0) + 1
            else:
                assert op.excluded == f"not in shard {k}/2"
    assert sorted(seen) == [
        "GET /jobs",
        "GET /jobs/{jobId}",
        "POST /jobs/notices/{projectId}",
        "POST /jobs/sbomexport/{projectId}",
    ]
    assert set(seen.values()) == {1}
