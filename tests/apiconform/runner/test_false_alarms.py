"""False-alarm budget: the clean mocks never fail a check, whatever the seed.

The thorough profile over every surface and several seeds takes minutes per seed on two cores
(`scripts/false_alarm_budget.py` runs it, seeds 1-4); the suite runs the default profile (every phase) once per
surface with a seed other than the one the rest of the suite uses. The same runs' recordings replay clean
(test_record_replay.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apiconform.runner.profiles import get_profile
from tests.shared_runs import SharedRun, shared_run

# Seeds other than 0, the seed every other test uses.
SEEDS = {"code-insight": 1, "sd-elements": 2, "metadefender-sscp": 1, "mend": 2}


def clean_default_run(root: Path, surface: str) -> SharedRun:
    return shared_run(root, surface, get_profile("default"), seed=SEEDS[surface])


@pytest.mark.slow
@pytest.mark.parametrize("surface", sorted(SEEDS))
def test_clean_mock_never_fails_a_check(shared_runs: Path, surface: str) -> None:
    result = clean_default_run(shared_runs, surface).result
    failures = [f"{f.operation} [{f.check}] {f.title}: {f.message[:300]}" for f in result.failures]
    assert not failures, "\n".join(failures)
    assert result.conformant
