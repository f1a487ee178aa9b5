"""`apiconform baseline`: a run's failures become waivers, and the next run fails only on new drift."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from apiconform.cli import main
from apiconform.reports import write_reports
from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import get_profile
from apiconform.runner.waivers import load_waivers
from apiconform.surfaces import SURFACES
from tests.apiconform.runner.test_fault_profiles import GATE
from tests.shared_runs import shared_run


def test_the_baseline_waives_exactly_the_failures_found(
    shared_runs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = shared_run(shared_runs, "code-insight", GATE, faults=("wrong-content-type",)).result
    write_reports(first, tmp_path / "first", ["json"])
    out = tmp_path / "waivers.yaml"
    code = main(["baseline", str(tmp_path / "first" / "report.json"), "-o", str(out), "--expires", "2099-01-31"])
    assert code == 0, capsys.readouterr().err
    waivers = load_waivers(out)
    assert {(w.surface, w.operation, w.check) for w in waivers} == {
        (f.surface, f.operation, f.check) for f in first.blocking_failures
    }
    assert all(w.expires == dt.date(2099, 1, 31) and w.reason.startswith("baseline ") for w in waivers)
    again = run(
        RunOptions(
            surfaces=(SURFACES["code-insight"],),
            profile=GATE,
            mock_faults=("wrong-content-type",),
            waivers=tuple(waivers),
        )
    )
    assert again.conformant and again.failures and all(f.waived for f in again.failures)
    drift = run(
        RunOptions(
            surfaces=(SURFACES["code-insight"],),
            profile=get_profile("quick"),
            mock_faults=("wrong-content-type", "order-flipped"),
            waivers=tuple(waivers),
        )
    )
    assert not drift.conformant
    assert {f.check for f in drift.blocking_failures} == {"pagination_order"}  # only the new drift fails


def test_a_report_without_failures_gives_an_empty_waiver_file(tmp_path: Path, shared_runs: Path) -> None:
    clean = shared_run(shared_runs, "code-insight", get_profile("quick")).result
    write_reports(clean, tmp_path / "clean", ["json"])
    out = tmp_path / "w.yaml"
    assert main(["baseline", str(tmp_path / "clean" / "report.json"), "-o", str(out)]) == 0
    assert load_waivers(out) == []
