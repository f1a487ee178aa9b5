"""The clean embedded mocks pass every check: no false alarms, every operation exercised."""

from __future__ import annotations

import pytest

from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import get_profile
from apiconform.surfaces import SURFACES


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_clean_mock_is_conformant_on_the_quick_profile(surface: str) -> None:
    result = run(RunOptions(surfaces=(SURFACES[surface],), profile=get_profile("quick")))
    failures = [f"{f.operation} [{f.check}] {f.title}: {f.message[:200]}" for f in result.failures]
    assert not failures, "\n".join(failures)
    assert not result.unexercised, [op.label for op in result.unexercised]
    assert result.surfaces[surface].error is None
    assert result.conformant


def test_same_seed_gives_the_same_cases_and_verdicts() -> None:
    options = RunOptions(surfaces=(SURFACES["code-insight"],), profile=get_profile("quick"), seed=7)
    first, second = run(options), run(options)
    summary = [
        {op.label: (op.cases, sorted(op.statuses.items()), {c: (v.passed, v.failed) for c, v in op.checks.items()})
         for op in r.operations()}
        for r in (first, second)
    ]  # fmt: skip
    assert summary[0] == summary[1]
