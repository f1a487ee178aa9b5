"""`apiconform run --contract documented` against a mock answering as the real vendor (`apiconform mock
--contract observed`): every known deviation becomes a failure that names its field or status, and nothing else
fails. (Under the observed contract the same mock is conformant: tests/apiconform/runner/test_run_clean.py.)"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

import apiconform.mocks
from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import get_profile
from apiconform.surfaces import SURFACES
from tests.served import Served

# A queued job the documented contract cannot see finish (COMPLETED is no documented status) fails after the
# bound: a short one keeps the test quick.
QUICK = replace(get_profile("quick"), async_timeout=1.0)
# Per surface: (check, what its failure message names) for each deviation the observed mock shows.
EXPECTED = {
    "code-insight": {
        ("response_schema_conformance", '"server"'),
        ("response_schema_conformance", ".status"),
        ("response_schema_conformance", ".jobType"),
        ("enum_documented", ".status"),
        ("async_job", "'COMPLETED'"),
    },
    "sd-elements": {
        ("status_code_conformance", "received 201"),
        ("response_schema_conformance", ".user"),
    },
}
MARKERS = {
    "code-insight": ('"server"', ".status", ".jobType", "'COMPLETED'"),
    "sd-elements": ("received 201", "status 201", ".user"),
}


@pytest.fixture(autouse=True)
def _no_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("APICONFORM_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("surface", sorted(EXPECTED))
def test_known_deviations_fail_the_documented_contract_naming_their_field(surface: str, tmp_path: Path) -> None:
    behaviour = apiconform.mocks.behaviour(surface, contract="observed")
    credentials = tmp_path / "c.json"
    credentials.write_text(json.dumps(behaviour.credentials()), encoding="utf-8")
    with Served(apiconform.mocks.app(behaviour)) as served:
        options = RunOptions(
            surfaces=(SURFACES[surface],),
            profile=QUICK,
            base_url=served.url(behaviour.spec.base_paths()[0]),
            credentials=credentials,
            contract="documented",
        )
        result = run(options)
    assert not result.conformant
    found = {(f.check, marker) for f in result.failures for marker in MARKERS[surface] if marker in f.message}
    assert EXPECTED[surface] <= found, sorted(found)
    unexplained = [f"{f.operation} [{f.check}] {f.message[:160]}" for f in result.failures
                   if not any(marker in f.message for marker in MARKERS[surface])]  # fmt: skip
    assert not unexplained, "\n".join(unexplained)
