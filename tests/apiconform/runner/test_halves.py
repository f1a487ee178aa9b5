"""A large surface split in two halves (runner/halves.py): the same cases and verdicts as one process, the same
report side by side or one after the other, faults found in either half, recordings whole, Ctrl-C clean."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from apiconform.contract import contract_for
from apiconform.runner import surface as surface_module
from apiconform.runner.core import RunOptions, run
from apiconform.runner.halves import SPLIT_FROM, HalfOutcome, SecondHalf, halves, split_phases, without
from apiconform.runner.recording import load_recording
from apiconform.runner.replay import replay
from apiconform.runner.results import RunResult
from apiconform.surfaces import SURFACES
from tests.apiconform.runner.test_fault_profiles import EXAMPLES_ONLY
from tests.shared_runs import CONTRACT, shared_run

MEND = SURFACES["mend"]


def _run(**options: Any) -> RunResult:
    # The examples phase alone: it splits like the others and costs a fraction of them.
    return run(RunOptions(surfaces=(MEND,), profile=EXAMPLES_ONLY, contract=CONTRACT, **options))


def _tally(result: RunResult) -> dict[str, Any]:
    """Per operation: cases, statuses and every cell's counts (what a split must not change)."""
    return {
        op.label: (op.cases, dict(op.statuses), {c: (v.passed, v.failed) for c, v in sorted(op.checks.items())})
        for op in result.surfaces["mend"].operations.values()
    }


def test_halves_follow_the_document_order_and_cover_every_operation_once() -> None:
    operations = contract_for(MEND.spec_path, CONTRACT).operations
    assert len(operations) >= SPLIT_FROM
    first, second = halves(list(reversed(operations)))
    assert len(first) - len(second) in (0, 1)
    assert {op.label for op in first} | {op.label for op in second} == {op.label for op in operations}
    assert max(op.label for op in first) < min(op.label for op in second)  # one RPC path: ordered by requestType


def test_without_removes_exactly_those_operations_and_leaves_the_document_alone() -> None:
    contract = contract_for(MEND.spec_path, CONTRACT)
    document = contract.exploded.document
    first, second = halves(contract.operations)
    before = json.dumps(document, sort_keys=True)
    kept = without(document, second)
    assert json.dumps(document, sort_keys=True) == before
    remaining = {(path, method) for path, item in kept["paths"].items() for method in item if method == "post"}
    assert remaining == {(op.operation.path, op.method.lower()) for op in first}


def test_only_the_stateful_phase_spans_both_halves() -> None:
    assert split_phases(("examples", "coverage", "fuzzing", "stateful")) == (
        ("examples", "coverage", "fuzzing"),
        ("stateful",),
    )


def test_a_split_run_has_the_cases_and_verdicts_of_one_process_and_the_same_report_either_way(
    shared_runs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = shared_run(shared_runs, "mend", EXAMPLES_ONLY).result  # one process (the fault-profile tests' own run)
    side_by_side = _run(split=True, record=tmp_path / "split.json")
    monkeypatch.setattr(surface_module.os, "cpu_count", lambda: 1)  # a single CPU: one half after the other
    one_after_the_other = _run(split=True)
    assert whole.conformant and side_by_side.conformant
    assert _tally(side_by_side) == _tally(whole)
    assert _tally(one_after_the_other) == _tally(side_by_side)
    # The recording holds both halves' exchanges, and replays as clean as the run was.
    recording = load_recording(tmp_path / "split.json")
    recorded = {e.operation for e in recording.surfaces["mend"]["exchanges"]}
    _, second = halves(contract_for(MEND.spec_path, CONTRACT).operations)
    assert {op.label for op in second} <= recorded
    assert not replay(recording, contract=CONTRACT).failures


def test_a_fault_in_the_second_half_is_reported_on_its_operation() -> None:
    _, second = halves(contract_for(MEND.spec_path, CONTRACT).operations)
    target = next(op for op in second if op.operation_id == "getProjectLicenses")
    result = _run(split=True, mock_faults=("request-type-error:getProjectLicenses=5001",))
    assert {f.operation for f in result.failures} == {target.label}
    assert {f.check for f in result.failures} & {"valid_credentials_accepted", "positive_data_acceptance"}


def _ends_without_a_result(events: Any, in_child: bool) -> None:
    os._exit(3)


def _answers(events: Any, in_child: bool) -> None:
    events.put(("examples", "POST /x", 2, False))
    events.put(HalfOutcome(error=None))


def test_a_second_half_that_ends_without_a_result_is_an_error_not_a_hang() -> None:
    half = SecondHalf(_ends_without_a_result, (), side_by_side=True)
    outcome = half.result(lambda item: None)
    assert outcome.error == "the process testing the second half ended without a result (exit 3)"
    half.stop()


@pytest.mark.parametrize("side_by_side", [True, False])
def test_the_second_halfs_progress_reaches_the_parent_before_its_outcome(side_by_side: bool) -> None:
    seen: list[Any] = []
    half = SecondHalf(_answers, (), side_by_side=side_by_side)
    outcome = half.result(seen.append)
    half.stop()
    assert seen == [("examples", "POST /x", 2, False)] and outcome.error is None


def _marked(marker: str) -> list[int]:
    """The processes (any descendant of the run, the mocks included) that still carry the run's marker."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


# At once (the second half's process and mock still starting) and in the middle of the property phases.
@pytest.mark.parametrize("after_s", [0.0, 3.0])
def test_ctrl_c_during_a_split_run_keeps_what_finished_and_leaves_no_process_behind(
    tmp_path: Path, after_s: float
) -> None:
    marker = f"APICONFORM_TEST_MARK={uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("APICONFORM_")}
    env["APICONFORM_TEST_MARK"] = marker.partition("=")[2]
    reports = tmp_path / "reports"
    command = [sys.executable, "-m", "apiconform", "run", "mend", "--profile", "default", "--report-dir", str(reports)]
    # Its own session, signalled as a whole: what a terminal's Ctrl-C does to the run and the process of its half.
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)  # fmt: skip
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if re.match(r"apiconform: mend: 139 operations at ", line):
                break
        time.sleep(after_s)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, err
    report = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["interrupted"]
    if after_s:  # both halves had started: each kept what it tested
        _, second = halves(contract_for(MEND.spec_path, CONTRACT).operations)
        tested = {op["label"] for op in report["surfaces"][0]["operations"] if op["cases"]}
        assert tested - {op.label for op in second} and tested & {op.label for op in second}, tested
    left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ") for pid in _marked(marker)}
    assert not left, f"a process of the run (its second half or a mock) outlived it: {left}"
