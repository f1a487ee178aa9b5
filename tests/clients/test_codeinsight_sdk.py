"""codeinsight-sdk 0.0.14 (Python client for Revenera Code Insight) against the Code Insight mock.

Its flows list and read projects, reports and inventories (/codeinsight/api/projects, /reports, /inventories,
...); its jobs() is NotImplementedError. Our Code Insight contract is the Jobs API only (the document we have),
so no flow of this client uses a documented operation: the test checks that the proxy reports exactly the calls
it made as undocumented operations, and nothing of the Jobs API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.harness import Clients, Mock, Proxy, reported_operations

DRIVER = str(Path(__file__).with_name("drivers") / "codeinsight_flows.py")


@pytest.fixture
def code_insight() -> Iterator[Mock]:
    mock = Mock("code-insight")
    yield mock
    mock.stop()


def test_every_call_is_undocumented_and_the_proxy_reports_each(
    clients: Clients, code_insight: Mock, workdir: Path, tmp_path: Path
) -> None:
    proxy = Proxy("code-insight", code_insight.url, tmp_path / "proxy-report")
    try:
        origin = proxy.url.rsplit("/codeinsight/api", 1)[0]
        run = clients.run(
            DRIVER, cwd=workdir, env={"CODEINSIGHT_URL": origin, "CODEINSIGHT_TOKEN": code_insight.credentials["token"]}
        )
    finally:
        report = proxy.stop()
    assert run.returncode == 0, run.describe()
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(outcome) == {"projects.all", "reports.all"}
    assert all("raised" in result for result in outcome.values()), outcome
    assert reported_operations(report) == {
        "GET /projects": {"client_operation_known"},
        "GET /reports": {"client_operation_known"},
    }
    assert [(c.method, c.path) for c in code_insight.recorder.calls] == [
        ("GET", "/codeinsight/api/projects"),
        ("GET", "/codeinsight/api/reports"),
    ]
