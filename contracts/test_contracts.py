"""The apiconform contract suite as pytest tests: one test per operation (each Mend requestType is one).

Run against the embedded mocks:    pytest contracts --apiconform=all
Run against a server:              pytest contracts --apiconform=code-insight \
                                       --apiconform-base-url=https://ci.example/codeinsight/api \
                                       --apiconform-credentials=ci.json
Some operations only:              pytest contracts --apiconform=mend -k getProjectAlerts
Without --apiconform the tests are collected empty and skipped. The run behind them tests only the selected
operations (`-k`, node ids); a credentials file's `base_url` is the server when no base URL is given.
"""

from __future__ import annotations

import pytest

from apiconform.pytest_plugin import operation_verdict
from apiconform.runner.results import RunResult


def test_operation_conforms(apiconform_result: RunResult, apiconform_operation: tuple[str, str]) -> None:
    surface, label = apiconform_operation
    passed, explanation = operation_verdict(apiconform_result, surface, label)
    if not passed:
        pytest.fail(f"{surface} {label} breaks its contract:\n{explanation}", pytrace=False)
