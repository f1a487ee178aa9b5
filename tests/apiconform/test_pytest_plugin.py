"""contracts/ runs as a pytest suite through the apiconform plugin, and fails when the server drifts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pytest(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "contracts", "-p", "no:cacheprovider", "-q", *args],
        cwd=ROOT, capture_output=True, text=True, env=env, check=False, timeout=300,
    )  # fmt: skip


def test_contract_tests_pass_against_the_clean_mock() -> None:
    proc = _pytest("--apiconform=code-insight", "--apiconform-profile=quick")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "4 passed" in proc.stdout


def test_contract_tests_fail_and_name_the_check_when_the_server_drifts() -> None:
    proc = _pytest("--apiconform=code-insight", "--apiconform-profile=quick", "--apiconform-mock-fault=order-flipped")
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "code-insight::GET /jobs" in proc.stdout
    assert "pagination_order" in proc.stdout
    assert "1 failed, 3 passed" in proc.stdout


def test_without_the_option_the_contract_tests_are_skipped_not_passed() -> None:
    proc = _pytest()
    assert "skipped" in proc.stdout and "passed" not in proc.stdout
