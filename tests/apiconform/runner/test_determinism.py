"""Same seed, same cases: two recordings of one seed send the same requests, request by request, whatever else the
process imported, in another process, and whatever schemathesis.toml the working directory holds.

Hypothesis draws now and then from the literals of the "local" modules loaded in the process: apiconform's own in
a checkout (not from a wheel), the user's conftest, this test file. `runner.hypothesis_storage` switches that pool
off during a run; these tests fail when it stops working (a Hypothesis release that renames its internals).

The quick profile (examples and fuzzing): its requests do not depend on the answers. The stateful phase follows ids
from answers, and the embedded mocks' async jobs advance with the wall clock, so its steps can differ with timing.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from apiconform.runner.core import RunOptions, run
from apiconform.runner.hypothesis_storage import without_local_constants
from apiconform.runner.profiles import get_profile
from apiconform.surfaces import SURFACES
from tests.shared_runs import shared_run

ROOT = Path(__file__).resolve().parents[3]
SURFACE = "code-insight"
SEED = 0
VARYING_HEADERS = frozenset({"x-schemathesis-testcaseid", "host"})  # a random case id; the mock's port

pytestmark = pytest.mark.slow


def _requests(recording: Path) -> list[tuple[Any, ...]]:
    """What each recorded request sent, without what differs between two mocks (their port)."""
    surface = json.loads(recording.read_text(encoding="utf-8"))["surfaces"][SURFACE]
    base = surface["base_url"]
    return [
        (
            e["operation"],
            e["intent"],
            e["method"],
            e["url"].removeprefix(base),
            sorted((k.lower(), v) for k, v in e["request_headers"].items() if k.lower() not in VARYING_HEADERS),
            base64.b64decode(e["request_body_b64"] or ""),
        )
        for e in surface["exchanges"]
    ]


def _assert_same_requests(expected: Path, actual: Path) -> None:
    old, new = _requests(expected), _requests(actual)
    first = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
    assert first is None, f"request {first} differs:\n  {old[first]}\n  {new[first]}"
    assert len(old) == len(new), f"{len(old)} requests, then {len(new)}"


def _run_here(recording: Path) -> None:
    run(RunOptions(surfaces=(SURFACES[SURFACE],), profile=get_profile("quick"), seed=SEED, record=recording))


@pytest.fixture
def first(shared_runs: Path) -> Path:
    """A recording of the seed, made in whichever process of the session first asked for it."""
    return shared_run(shared_runs, SURFACE, get_profile("quick"), seed=SEED).recording


def test_what_else_the_process_imported_changes_no_request(
    first: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A local module full of literals, as a user's helpers or apiconform's own modules in a checkout: Hypothesis
    # would mine its integers, strings and floats and draw some of them into the cases.
    literals = [*(str(100 + 7 * i) for i in range(300)), *(repr(f"k{i}") for i in range(300)), "0.5", "2.25"]
    (tmp_path / "apiconform_literals.py").write_text(f"LITERALS = [{', '.join(literals)}]\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("apiconform_literals")
    try:
        _run_here(tmp_path / "again.json")
    finally:
        sys.modules.pop("apiconform_literals", None)
    _assert_same_requests(first, tmp_path / "again.json")


def test_another_process_with_a_schemathesis_toml_sends_the_same_requests(first: Path, tmp_path: Path) -> None:
    # A team that also runs schemathesis keeps its settings beside its code; they are not apiconform's.
    (tmp_path / "schemathesis.toml").write_text('[generation]\ncodec = "ascii"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")} | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "apiconform", "run", SURFACE, "--profile", "quick", "--seed", str(SEED),
         "--record", "other.json", "--report-dir", "reports", "--format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    _assert_same_requests(first, tmp_path / "other.json")


def test_the_local_constant_pool_is_empty_during_a_run_and_back_after() -> None:
    from hypothesis.internal.conjecture import providers

    mined = providers._get_local_constants
    with without_local_constants():
        assert len(providers._get_local_constants()) == 0
    assert providers._get_local_constants is mined
