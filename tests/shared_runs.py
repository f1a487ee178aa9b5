"""Runs that several tests judge, made once per test session however many xdist workers ask for them.

A run is keyed by what it was asked to do; the first worker to ask makes it under a file lock and leaves its
result (pickled) and its recording beside the lock, the others read them. Each caller gets its own copy.

The runs judge by the observed contract against the observed mocks (the default). `APICONFORM_TEST_CONTRACT=documented`
runs the same suites against the documented mocks under the documented contract, on demand (the CI run keeps to one
contract: its time budget):

    APICONFORM_TEST_CONTRACT=documented .venv/bin/pytest -n 2 -p no:cacheprovider \
        tests/apiconform/runner/test_fault_profiles.py tests/apiconform/runner/test_false_alarms.py
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import Profile
from apiconform.runner.results import RunResult
from apiconform.surfaces import SURFACES

CONTRACT = os.environ.get("APICONFORM_TEST_CONTRACT", "observed")


@dataclass(frozen=True)
class SharedRun:
    result: RunResult
    recording: Path  # `run --record` of the same run


def shared_run(root: Path, surface: str, profile: Profile, *, faults: tuple[str, ...] = (), seed: int = 0) -> SharedRun:
    key = hashlib.sha256(repr((surface, profile, faults, seed, CONTRACT)).encode()).hexdigest()[:16]
    folder = root / f"{surface}-{profile.name}-{seed}-{key}"
    folder.mkdir(parents=True, exist_ok=True)
    saved, recording = folder / "result.pickle", folder / "recording.json"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            options = RunOptions(
                surfaces=(SURFACES[surface],),
                profile=profile,
                mock_faults=faults,
                seed=seed,
                record=recording,
                contract=CONTRACT,
            )
            saved.write_bytes(pickle.dumps(run(options)))
        return SharedRun(pickle.loads(saved.read_bytes()), recording)
