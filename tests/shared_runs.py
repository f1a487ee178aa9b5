"""Runs that several tests judge, made once per test session however many xdist workers ask for them.

A run is keyed by what it was asked to do; the first worker to ask makes it under a file lock and leaves its
result (pickled) and its recording beside the lock, the others read them. Each caller gets its own copy.
"""

from __future__ import annotations

import fcntl
import hashlib
import pickle
from dataclasses import dataclass
from pathlib import Path

from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import Profile
from apiconform.runner.results import RunResult
from apiconform.surfaces import SURFACES


@dataclass(frozen=True)
class SharedRun:
    result: RunResult
    recording: Path  # `run --record` of the same run


def shared_run(root: Path, surface: str, profile: Profile, *, faults: tuple[str, ...] = (), seed: int = 0) -> SharedRun:
    key = hashlib.sha256(repr((surface, profile, faults, seed)).encode()).hexdigest()[:16]
    folder = root / f"{surface}-{profile.name}-{seed}-{key}"
    folder.mkdir(parents=True, exist_ok=True)
    saved, recording = folder / "result.pickle", folder / "recording.json"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            options = RunOptions(
                surfaces=(SURFACES[surface],), profile=profile, mock_faults=faults, seed=seed, record=recording
            )
            saved.write_bytes(pickle.dumps(run(options)))
        return SharedRun(pickle.loads(saved.read_bytes()), recording)
