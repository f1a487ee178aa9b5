"""`apiconform run mend --contract documented` against a mock answering like the real server (observed mode): the
documents alone judge, so every recorded deviation the run meets is a failure naming the member it is about.

One shard (3/8, 18 operations) keeps it small: it holds the three alerts-by-type calls (alerts under `alerts`,
MEND-OBS-001), getChangesReport (the observed member names, MEND-OBS-032) and the product's and project's ignored
alerts (alert levels in upper case, which the documents do not list).
"""

from __future__ import annotations

import json
from pathlib import Path

import apiconform.mocks
from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import get_profile
from apiconform.runner.results import Failure
from apiconform.surfaces import SURFACES
from tests.served import Served

# operation -> (the check that fails, the member it names in the observed answer)
EXPECTED = {
    "getOrganizationAlertsByType": ("response_schema_conformance", "apiAlertInfo"),
    "getProductAlertsByType": ("response_schema_conformance", "apiAlertInfo"),
    "getProjectAlertsByType": ("response_schema_conformance", "apiAlertInfo"),
    "getChangesReport": ("response_schema_conformance", "category"),
    "getProductIgnoredAlerts": ("enum_documented", "alerts[].level (Alert.level) = "),
    "getProjectIgnoredAlerts": ("enum_documented", "alerts[].level (Alert.level) = "),
}


def test_the_documented_contract_fails_each_deviation_of_the_observed_mock_by_name(tmp_path: Path) -> None:
    mock = apiconform.mocks.behaviour("mend", contract="observed")
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps(mock.credentials()), encoding="utf-8")
    with Served(apiconform.mocks.app(mock)) as served:
        options = RunOptions(
            surfaces=(SURFACES["mend"],),
            profile=get_profile("quick"),
            base_url=served.url(mock.spec.base_paths()[0]),
            credentials=credentials,
            contract="documented",
            shard=(3, 8),
        )
        result = run(options)
    assert not result.conformant
    assert result.surfaces["mend"].contract == "documented"
    failed: dict[str, list[Failure]] = {}
    for failure in result.failures:
        failed.setdefault(failure.operation.rsplit("#", 1)[1], []).append(failure)
    assert set(failed) == set(EXPECTED), sorted(failed)
    for request_type, failures in failed.items():
        check, member = EXPECTED[request_type]
        named = [f for f in failures if f.check == check]
        assert named and all(member in f.message for f in named), [f.message for f in failures]
        assert all(f.keyword == "required" for f in named if check == "response_schema_conformance")
    assert not result.deviations  # the documented contract knows of none: they are failures
