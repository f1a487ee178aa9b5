"""pytest plugin: the apiconform contract suite as pytest tests, one per operation.

    pytest contracts --apiconform=mend --apiconform-base-url=https://mend.example/api/v1.4 \
        --apiconform-credentials=mend.json --apiconform-profile=quick

Without --apiconform-base-url the embedded mocks are tested. The run happens once per session; each test
asserts that one operation was exercised and has no unwaived failure (the failure text carries the curl).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apiconform.contract import contract_for
from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import get_profile
from apiconform.runner.results import RunResult
from apiconform.runner.waivers import load_waivers
from apiconform.surfaces import resolve_surfaces


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apiconform", "API contract conformance (apiconform)")
    group.addoption("--apiconform", metavar="SURFACE", help="surface to test (or `all`); enables the contract tests")
    group.addoption("--apiconform-base-url", metavar="URL", help="server to test (default: embedded mock)")
    group.addoption(
        "--apiconform-contract",
        choices=("observed", "documented"),
        default="observed",
        help="judge by the evidence-backed observed contract or by the documents alone (default observed)",
    )
    group.addoption("--apiconform-credentials", metavar="FILE", help="credentials file (JSON/TOML)")
    group.addoption("--apiconform-profile", default="quick", help="quick | default | thorough (default quick)")
    group.addoption("--apiconform-seed", type=int, default=0)
    group.addoption("--apiconform-waivers", metavar="FILE", help="waiver file (YAML)")
    group.addoption("--apiconform-allow-writes", action="store_true")
    group.addoption(
        "--apiconform-mock-fault",
        action="append",
        default=[],
        metavar="NAME",
        help="embedded mocks only: switch on a fault profile",
    )


def _operation_labels(surface_name: str) -> list[str]:
    return [op.label for op in contract_for(resolve_surfaces(surface_name)[0].spec_path).operations]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "apiconform_operation" not in metafunc.fixturenames:
        return
    selected = metafunc.config.getoption("apiconform")
    params = []
    if selected:
        for surface in resolve_surfaces(selected):
            params += [(surface.name, label) for label in _operation_labels(surface.name)]
    metafunc.parametrize(
        "apiconform_operation",
        params,
        ids=[f"{s}::{label}" for s, label in params],
    )


@pytest.fixture(scope="session")
def apiconform_result(request: pytest.FixtureRequest) -> RunResult:
    config = request.config
    selected = config.getoption("apiconform")
    if not selected:
        pytest.skip("pass --apiconform=SURFACE to run the contract tests")
    credentials = config.getoption("apiconform_credentials")
    waivers = config.getoption("apiconform_waivers")
    options = RunOptions(
        surfaces=tuple(resolve_surfaces(selected)),
        profile=get_profile(config.getoption("apiconform_profile")),
        seed=config.getoption("apiconform_seed"),
        base_url=config.getoption("apiconform_base_url"),
        credentials=Path(credentials) if credentials else None,
        allow_writes=config.getoption("apiconform_allow_writes"),
        waivers=tuple(load_waivers(Path(waivers))) if waivers else (),
        mock_faults=tuple(config.getoption("apiconform_mock_fault")),
        contract=config.getoption("apiconform_contract"),
    )
    return run(options)


def operation_verdict(result: RunResult, surface: str, label: str) -> tuple[bool, str]:
    """(passed, explanation) for one operation of a finished run."""
    surface_result = result.surfaces.get(surface)
    if surface_result is None:
        return False, f"{surface} was not tested"
    operation: Any = surface_result.operations.get(label)
    if operation is None:
        return False, f"{label} is not in the run"
    if operation.excluded:
        return True, f"excluded: {operation.excluded}"
    failures = [f for f in result.blocking_failures if f.surface == surface and f.operation == label]
    if failures:
        lines = [f"[{f.check}] {f.title}: {f.message[:300]}\n    {f.curl}" for f in failures[:5]]
        return False, "\n".join(lines)
    if not operation.exercised:
        return False, f"{label} was not exercised: {operation.unexercised_reason}"
    return True, f"{operation.cases} cases"
