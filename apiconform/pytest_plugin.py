"""pytest plugin: the apiconform contract suite as pytest tests, one per operation.

    pytest contracts --apiconform=mend --apiconform-base-url=https://mend.example/api/v1.4 \
        --apiconform-credentials=mend.json --apiconform-profile=quick

Without --apiconform-base-url the embedded mocks are tested (or the server a credentials file's `base_url` names,
as with `apiconform run`). The run happens once per session, for the operations whose tests were selected (`-k`,
node ids); each test asserts that one operation was exercised and has no unwaived failure (the failure text
carries the curl).

Misuse is one pytest usage error at start-up (an unknown surface, credentials that name no server, a bad profile
or fault), judged by the code that judges `apiconform run`'s arguments. A target that cannot be tested at all
(unreachable, rejected credentials) stops the session with one line and apiconform's exit code 3, instead of an
error with a traceback under every test.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from apiconform.commands.run import run_options
from apiconform.contract import CONTRACTS, contract_for
from apiconform.errors import ApiconformError
from apiconform.runner.core import RunOptions, run
from apiconform.runner.results import RunResult
from apiconform.runner.scenarios.base import DEFAULT_MAX_RESPONSE_BYTES
from apiconform.surfaces import resolve_surfaces

PROFILE = "quick"  # the plugin's default: a test session is a gate, not a release sweep
_OPTIONS = pytest.StashKey[RunOptions]()
_RESULT = pytest.StashKey[RunResult]()

# `apiconform run` option (its argparse dest) -> the plugin option that sets it, for messages.
_FLAGS = {
    "surface": "--apiconform",
    "base_url": "--apiconform-base-url",
    "credentials": "--apiconform-credentials",
    "profile": "--apiconform-profile",
    "seed": "--apiconform-seed",
    "waivers": "--apiconform-waivers",
    "allow_writes": "--apiconform-allow-writes",
    "mock_fault": "--apiconform-mock-fault",
    "contract": "--apiconform-contract",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apiconform", "API contract conformance (apiconform)")
    group.addoption("--apiconform", metavar="SURFACE", help="surface to test (or `all`); enables the contract tests")
    group.addoption("--apiconform-base-url", metavar="URL", help="server to test (default: embedded mock)")
    group.addoption(
        "--apiconform-contract",
        choices=CONTRACTS,
        help="judge by the evidence-backed observed contract or by the documents alone (default observed)",
    )
    group.addoption(
        "--apiconform-credentials",
        metavar="FILE",
        help="credentials file (JSON/TOML); its base_url is the server when --apiconform-base-url is not given",
    )
    group.addoption("--apiconform-profile", metavar="PROFILE", help=f"quick | default | thorough (default {PROFILE})")
    group.addoption("--apiconform-seed", type=int, metavar="N", help="same seed, same cases (default 0)")
    group.addoption("--apiconform-waivers", metavar="FILE", help="waiver file (YAML)")
    group.addoption("--apiconform-allow-writes", action="store_true", default=None)
    group.addoption(
        "--apiconform-mock-fault",
        action="append",
        metavar="NAME",
        help="embedded mocks only: switch on a fault profile",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Judge the plugin's options before collection: misuse is one usage error, not a traceback per test."""
    given = [flag for dest, flag in _FLAGS.items() if dest != "surface" and _option(config, dest) is not None]
    selected = config.getoption("apiconform")
    if not selected:
        if given:
            raise pytest.UsageError(f"apiconform: {given[0]} needs --apiconform=SURFACE (or all); add it")
        return
    try:
        resolve_surfaces(selected)
    except ApiconformError as exc:
        raise pytest.UsageError(f"apiconform: --apiconform={selected}: {exc.message}") from None
    try:
        config.stash[_OPTIONS] = run_options(_arguments(config, selected))
    except ApiconformError as exc:
        raise pytest.UsageError(f"apiconform: {exc.message}") from None


def _in_plugin_terms(message: str) -> str:
    """A runner message's `apiconform run` options (`check --base-url`) as this plugin's (`--apiconform-base-url`)."""
    names = {"--" + dest.replace("_", "-"): flag for dest, flag in _FLAGS.items() if dest != "surface"}
    return re.sub(r"(?<![\w-])--[a-z-]+", lambda m: names.get(m.group(0), m.group(0)), message)


def _option(config: pytest.Config, dest: str) -> Any:
    return config.getoption(_FLAGS[dest].removeprefix("--").replace("-", "_"))


def _arguments(config: pytest.Config, selected: str) -> argparse.Namespace:
    """The plugin's options as `apiconform run` arguments; `origins` makes messages name the plugin's options."""
    credentials = _option(config, "credentials")
    waivers = _option(config, "waivers")
    return argparse.Namespace(
        surface=selected,
        base_url=_option(config, "base_url"),
        credentials=Path(credentials) if credentials else None,
        profile=_option(config, "profile") or PROFILE,
        seed=_option(config, "seed") or 0,
        workers=0,  # as `apiconform run`: one process per core when several surfaces run
        shard=None,
        allow_writes=bool(_option(config, "allow_writes")),
        rate_limit=None,
        timeout=10.0,
        max_response_bytes=DEFAULT_MAX_RESPONSE_BYTES,
        waivers=Path(waivers) if waivers else None,
        record=None,
        mock_fault=list(_option(config, "mock_fault") or []),
        contract=_option(config, "contract") or "observed",
        origins={dest: flag for dest, flag in _FLAGS.items() if dest != "surface"},
    )


def _operation_labels(surface_name: str) -> list[str]:
    return [op.label for op in contract_for(resolve_surfaces(surface_name)[0].spec_path).operations]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "apiconform_operation" not in metafunc.fixturenames:
        return
    options = metafunc.config.stash.get(_OPTIONS, None)
    params = []
    if options is not None:
        for surface in options.surfaces:
            params += [(surface.name, label) for label in _operation_labels(surface.name)]
    metafunc.parametrize(
        "apiconform_operation",
        params,
        ids=[f"{s}::{label}" for s, label in params],
    )


@pytest.fixture(scope="session")
def apiconform_result(request: pytest.FixtureRequest) -> RunResult:
    config = request.config
    options = config.stash.get(_OPTIONS, None)
    if options is None:
        pytest.skip("pass --apiconform=SURFACE to run the contract tests")
    try:
        result = run(_selected(options, request.session.items))
    except ApiconformError as exc:
        # The target as a whole cannot be tested: one line for the session, not an error under every test.
        pytest.exit(f"apiconform: {_in_plugin_terms(exc.message)}", returncode=exc.exit_code)
    config.stash[_RESULT] = result
    return result


def _selected(options: RunOptions, items: list[pytest.Item]) -> RunOptions:
    """The run for the operations whose tests are selected: surfaces without one are not started at all, and
    within a surface the others are left out as "not selected". The whole run when everything is selected."""
    chosen: dict[str, set[str]] = {}
    for item in items:
        callspec = getattr(item, "callspec", None)
        param = callspec.params.get("apiconform_operation") if callspec is not None else None
        if isinstance(param, tuple):
            chosen.setdefault(param[0], set()).add(param[1])
        elif "apiconform_result" in getattr(item, "fixturenames", ()):
            return options  # a test of the whole result (a team's own): it gets the whole run
    surfaces = tuple(s for s in options.surfaces if s.name in chosen)
    if all(chosen.get(s.name) == set(_operation_labels(s.name)) for s in options.surfaces):
        return options
    # Labels are per surface; one set serves them all (a label two surfaces shared would run in both).
    only = frozenset(label for labels in chosen.values() for label in labels)
    return dataclasses.replace(options, surfaces=surfaces, only=only)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """What the session's run covered: selection is visible (1 of 139 operations), not only the test count."""
    result = config.stash.get(_RESULT, None)
    if result is None:
        return
    for surface in result.surfaces.values():
        ops = list(surface.operations.values())
        ran = [op for op in ops if op.excluded != "not selected"]
        cases = sum(op.cases for op in ran)
        terminalreporter.write_line(
            f"apiconform: {surface.surface}: {len(ran)} of {len(ops)} operations run, {cases} cases, at "
            f"{surface.base_url} ({result.profile} profile, seed {result.seed}, {result.duration_s:.1f} s)"
        )


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
