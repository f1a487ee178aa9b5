"""What one `apiconform run` was asked to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from apiconform.runner.profiles import Profile
from apiconform.runner.scenarios.base import DEFAULT_MAX_RESPONSE_BYTES
from apiconform.runner.waivers import Waiver
from apiconform.surfaces import Surface


@dataclass(frozen=True)
class RunOptions:
    surfaces: tuple[Surface, ...]
    profile: Profile
    seed: int = 0
    base_url: str | None = None
    credentials: Path | None = None
    workers: int = 1
    shard: tuple[int, int] | None = None
    allow_writes: bool = False
    rate_limit: float | None = None
    timeout: float = 10.0
    waivers: tuple[Waiver, ...] = ()
    mock_faults: tuple[str, ...] = ()  # embedded mocks only: run against a deliberately broken mock
    record: Path | None = None  # save every exchange for `apiconform replay`
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES  # bigger answers (decoded) are cut off and fail
    # observed: judge by the documented spec plus its evidence overlay (known deviations do not fail the gate), and
    # start embedded mocks that answer like the real vendor; documented: the documents alone.
    contract: str = "observed"
    # The operation labels to test (the pytest plugin's -k / node-id selection); the others are left out as "not
    # selected", like another shard's. None: every operation.
    only: frozenset[str] | None = None
    # A large surface's property phases in two halves against two copies of its embedded mock (runner/halves.py).
    split: bool = False
    half: int | None = None  # set in the process testing the second half: halves.SECOND
