"""`run --record` then `replay` gives the same verdicts as the run, offline; the recording holds no secrets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from apiconform.runner.recording import load_recording
from apiconform.runner.replay import REPLAYED_CHECKS, replay
from apiconform.runner.results import RunResult
from tests.apiconform.runner.test_false_alarms import SEEDS, clean_default_run
from tests.apiconform.runner.test_fault_profiles import fault_run
from tests.shared_runs import CONTRACT, SharedRun, shared_run


def _failing_cells(result: RunResult) -> set[tuple[str, str]]:
    return {(f.operation, f.check) for f in result.failures if f.check in REPLAYED_CHECKS}


def _leaks_nothing(shared: SharedRun) -> None:
    text = shared.recording.read_text()
    # `Token $APICONFORM_TOKEN` names the variable that holds the credential: not a leak.
    leaked = "Bearer ey" in text or re.search(r"Token (?!\$APICONFORM_)", text)
    assert not leaked, "credentials leaked into the recording"


@pytest.mark.parametrize("surface", sorted(SEEDS))
def test_a_clean_default_run_replays_clean(shared_runs: Path, surface: str) -> None:
    shared = clean_default_run(shared_runs, surface)
    replayed = replay(load_recording(shared.recording), contract=CONTRACT)
    failures = [f"{f.operation} [{f.check}] {f.title}: {f.message[:200]}" for f in replayed.failures]
    assert not failures, "\n".join(failures)
    _leaks_nothing(shared)


@pytest.mark.parametrize(
    ("surface", "fault"),
    [
        ("code-insight", "undocumented-status"),
        ("code-insight", "field-type-changed"),
        ("mend", "wrong-request-type-shape"),
        ("mend", "field-type-changed"),
        ("code-insight", "wrong-content-type"),
        ("code-insight", "unsupported-method-accepted"),  # the methods scenario's probes, replayed by intent
        ("mend", "unsupported-method-accepted"),
    ],
)
def test_replay_of_a_faulted_run_gives_the_run_verdicts(shared_runs: Path, surface: str, fault: str) -> None:
    switched, profile = fault_run(surface, fault)
    shared = shared_run(shared_runs, surface, profile, faults=(switched,))  # the fault-profile test's own run
    replayed = replay(load_recording(shared.recording), contract=CONTRACT)
    assert _failing_cells(shared.result)
    assert _failing_cells(replayed) == _failing_cells(shared.result)
    _leaks_nothing(shared)
