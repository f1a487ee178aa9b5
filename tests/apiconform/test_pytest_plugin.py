"""contracts/ runs as a pytest suite through the apiconform plugin, and fails when the server drifts.

Misuse is one pytest usage error (exit 4) before collection; a target that cannot be tested is one line and
apiconform's exit 3; `-k` and node ids decide which operations the session's run tests.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from apiconform.contract import contract_for
from apiconform.mocks import app
from apiconform.pytest_plugin import _selected, pytest_configure
from apiconform.runner.options import RunOptions
from apiconform.runner.profiles import get_profile
from apiconform.surfaces import SURFACES
from tests.served import Served

ROOT = Path(__file__).resolve().parents[2]
USAGE_ERROR = 4  # pytest's exit code for a usage error
UNREACHABLE = 3  # apiconform's: target unreachable or credentials rejected


def _pytest(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "APICONFORM_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "contracts", "-p", "no:cacheprovider", "-q", *args],
        cwd=ROOT, capture_output=True, text=True, env=env, check=False, timeout=300,
    )  # fmt: skip


def _no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    output = proc.stdout + proc.stderr
    for noise in ("Traceback", "pluggy", "apiconform/", "ERROR contracts", "Error:"):
        assert noise not in output, output[-3000:]


def test_contract_tests_pass_against_the_clean_mock() -> None:
    proc = _pytest("--apiconform=code-insight", "--apiconform-profile=quick")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "4 passed" in proc.stdout
    assert "apiconform: code-insight: 4 of 4 operations run, " in proc.stdout


def test_contract_tests_fail_and_name_the_check_when_the_server_drifts() -> None:
    proc = _pytest("--apiconform=code-insight", "--apiconform-profile=quick", "--apiconform-mock-fault=order-flipped")
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "code-insight::GET /jobs" in proc.stdout
    assert "pagination_order" in proc.stdout
    assert "1 failed, 3 passed" in proc.stdout


def test_without_the_option_the_contract_tests_are_skipped_not_passed() -> None:
    proc = _pytest()
    assert "skipped" in proc.stdout and "passed" not in proc.stdout


class _Config:
    """What `pytest_configure` reads of a pytest config: the plugin's options (None when not given) and a stash."""

    def __init__(self, **options: object) -> None:
        self.options = options
        self.stash = pytest.Stash()

    def getoption(self, name: str) -> object:
        return self.options.get(name)


@pytest.mark.parametrize(
    ("options", "line"),
    [
        ({"apiconform_base_url": "http://127.0.0.1:9/api"}, "--apiconform-base-url needs --apiconform=SURFACE"),
        (
            {"apiconform": "all", "apiconform_base_url": "http://127.0.0.1:9/api"},
            "--apiconform-base-url and --apiconform-credentials name one server: run one surface at a time",
        ),
        ({"apiconform": "mend", "apiconform_profile": "quik"}, "--apiconform-profile: unknown profile 'quik' (did"),
        (
            {"apiconform": "code-insight", "apiconform_mock_fault": ["order-flipd"]},
            "--apiconform-mock-fault: unknown fault 'order-flipd' (did you mean 'order-flipped'?)",
        ),
        (
            {"apiconform": "code-insight", "apiconform_base_url": "ftp://x"},
            "--apiconform-base-url 'ftp://x' is not an http(s) URL",
        ),
        (
            {"apiconform": "code-insight", "apiconform_waivers": "missing.yaml"},
            "cannot read waiver file missing.yaml: No such file or directory; check the path",
        ),
    ],
    ids=["no-surface", "all-with-server", "profile", "fault", "url", "waivers"],
)
def test_misuse_is_judged_like_apiconform_run(options: dict[str, object], line: str) -> None:
    with pytest.raises(pytest.UsageError) as caught:
        pytest_configure(_Config(**options))  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith(f"apiconform: {line}"), message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("--apiconform=mendd",),
            "--apiconform=mendd: unknown surface 'mendd' (did you mean 'mend'?); choose one of: code-insight, ",
        ),
        (
            ("--apiconform=mend", "--apiconform-credentials={creds}"),
            "--apiconform-credentials {creds} names no server: pass --apiconform-base-url URL (or add base_url",
        ),
    ],
    ids=["surface", "credentials-without-server"],
)
def test_misuse_is_one_usage_error_before_collection(tmp_path: Path, args: tuple[str, ...], line: str) -> None:
    creds = tmp_path / "mend.json"
    creds.write_text('{"userKey": "u", "orgToken": "o"}', encoding="utf-8")
    proc = _pytest(*(a.format(creds=creds) for a in args))
    assert proc.returncode == USAGE_ERROR, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert proc.stderr.startswith(f"ERROR: apiconform: {line.format(creds=creds)}"), proc.stderr
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    _no_traceback(proc)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_server_is_one_line_and_exit_3() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/codeinsight/api"
    proc = _pytest("--apiconform=code-insight", f"--apiconform-base-url={url}")
    assert proc.returncode == UNREACHABLE, proc.stdout[-2000:]
    assert f"apiconform: cannot connect to {url} (" in proc.stdout
    assert "check --apiconform-base-url and that the server is up" in proc.stdout
    assert proc.stdout.count("cannot connect") == 1, proc.stdout  # once for the session, not once per test
    _no_traceback(proc)


def test_a_credentials_file_names_the_server_and_rejected_credentials_are_one_line(tmp_path: Path) -> None:
    creds = tmp_path / "ci.json"
    with Served(app("code-insight")) as served:
        url = served.url("/codeinsight/api")
        creds.write_text(json.dumps({"token": "not-the-token", "base_url": url}), encoding="utf-8")
        proc = _pytest("--apiconform=code-insight", f"--apiconform-credentials={creds}")
    assert proc.returncode == UNREACHABLE, proc.stdout[-2000:]
    assert "apiconform: credentials rejected: " in proc.stdout, proc.stdout[-2000:]
    assert proc.stdout.count("credentials rejected") == 1, proc.stdout
    _no_traceback(proc)


def test_k_selects_the_operations_the_run_tests() -> None:
    # -k matches substrings: getProjectAlerts also names getProjectAlertsByType and getProjectAlertsReport.
    proc = _pytest("--apiconform=mend", "-k", "getProjectAlerts")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "3 passed, 136 deselected" in proc.stdout
    assert "apiconform: mend: 3 of 139 operations run, " in proc.stdout


def test_a_node_id_runs_its_one_operation() -> None:
    node = "contracts/test_contracts.py::test_operation_conforms[mend::POST /api/v1.2#getProjectAlerts]"
    proc = _pytest("--apiconform=mend", node)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "1 passed" in proc.stdout
    assert "apiconform: mend: 1 of 139 operations run, " in proc.stdout


class _Item:
    """What `_selected` reads of a collected test: its parameters and fixtures."""

    def __init__(self, operation: tuple[str, str] | None = None, fixtures: tuple[str, ...] = ()) -> None:
        if operation is not None:
            self.callspec = type("CallSpec", (), {"params": {"apiconform_operation": operation}})()
        self.fixturenames = fixtures


def test_the_run_covers_the_selected_operations_and_only_their_surfaces() -> None:
    options = RunOptions(surfaces=tuple(SURFACES.values()), profile=get_profile("quick"))
    picked = _selected(options, [_Item(("mend", "POST /api/v1.2#getProjectAlerts")), _Item()])
    assert [s.name for s in picked.surfaces] == ["mend"]
    assert picked.only == frozenset({"POST /api/v1.2#getProjectAlerts"})
    # A test that asks for the whole result (not one operation) gets the whole run.
    whole = _selected(
        options, [_Item(("mend", "POST /api/v1.2#getProjectAlerts")), _Item(fixtures=("apiconform_result",))]
    )
    assert whole is options
    everything = [_Item((s.name, op.label)) for s in options.surfaces for op in contract_for(s.spec_path).operations]
    assert _selected(options, everything) is options
