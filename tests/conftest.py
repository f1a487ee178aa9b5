"""Session fixtures shared by the whole suite (kept thin: the logic lives in the modules they name)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_runs(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """Where `tests.shared_runs.shared_run` keeps its runs: one folder for every xdist worker of this session."""
    base = tmp_path_factory.getbasetemp()
    return (base if worker_id == "master" else base.parent) / "shared-runs"
