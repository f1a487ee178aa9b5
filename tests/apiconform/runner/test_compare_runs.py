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
from apiconform.surfaces import SURFACES


def _report(tmp: Path, name: str, faults: tuple[str, ...]) -> tuple[Path, set[tuple[str, str]]]:
    result = run(RunOptions(surfaces=(SURFACES["code-insight"],), profile=get_profile("quick"), mock_faults=faults))
    write_reports(result, tmp / name, ["json"])
    return tmp / name / "report.json", {(f.operation, f.check) for f in result.failures}


def test_compare_lists_exactly_the_new_failures(tmp_path: Path) -> None:
    clean, clean_failures = _report(tmp_path, "clean", ())
    broken, broken_failures = _report(tmp_path, "broken", ("order-flipped", "wrong-content-type"))
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
