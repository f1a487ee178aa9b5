"""False-alarm budget: the clean mocks never fail a check, whatever the seed.

The thorough profile over every surface and several seeds takes minutes per seed on two cores
(`scripts/false_alarm_budget.py` runs it); the suite runs thorough on the two small surfaces and the default
profile on the two large ones, with seeds other than the one the rest of the suite uses.
"""

from __future__ import annotations

import pytest

from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import get_profile
from apiconform.surfaces import SURFACES

# Seeds other than 0, the seed every other test uses; CI time is the budget (the suite stays under 15 minutes).
CASES = [
    *[("code-insight", "thorough", seed) for seed in (1, 2)],
    *[("sd-elements", "thorough", seed) for seed in (1, 2)],
    ("metadefender-sscp", "default", 1),
    ("mend", "default", 2),
]


@pytest.mark.slow
@pytest.mark.parametrize(("surface", "profile", "seed"), CASES)
def test_clean_mock_never_fails_a_check(surface: str, profile: str, seed: int) -> None:
    result = run(RunOptions(surfaces=(SURFACES[surface],), profile=get_profile(profile), seed=seed))
    failures = [f"{f.operation} [{f.check}] {f.title}: {f.message[:300]}" for f in result.failures]
    assert not failures, "\n".join(failures)
    assert result.conformant
