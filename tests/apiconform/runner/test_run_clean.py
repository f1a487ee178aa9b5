"""The clean embedded mocks pass every check: no false alarms, every operation exercised."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import get_profile
from apiconform.runner.results import RunResult
from apiconform.surfaces import SURFACES
from tests.shared_runs import shared_run

QUICK = get_profile("quick")


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_clean_mock_is_conformant_on_the_quick_profile(shared_runs: Path, surface: str) -> None:
    result = shared_run(shared_runs, surface, QUICK).result
    failures = [f"{f.operation} [{f.check}] {f.title}: {f.message[:200]}" for f in result.failures]
    assert not failures, "\n".join(failures)
    assert not result.unexercised, [op.label for op in result.unexercised]
    assert result.surfaces[surface].error is None
    assert result.conformant


def _summary(result: RunResult) -> dict[str, object]:
    return {
        op.label: (op.cases, sorted(op.statuses.items()), {c: (v.passed, v.failed) for c, v in op.checks.items()})
        for op in result.operations()
    }


def test_same_seed_gives_the_same_cases_and_verdicts(shared_runs: Path) -> None:
    again = run(RunOptions(surfaces=(SURFACES["code-insight"],), profile=QUICK))
    assert _summary(shared_run(shared_runs, "code-insight", QUICK).result) == _summary(again)
