"""`run --record` then `replay` gives the same verdicts as the run, offline; the recording holds no secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import get_profile
from apiconform.runner.recording import load_recording
from apiconform.runner.replay import REPLAYED_CHECKS, replay
from apiconform.runner.results import RunResult
from apiconform.surfaces import SURFACES


def _failing_cells(result: RunResult) -> set[tuple[str, str]]:
    return {(f.operation, f.check) for f in result.failures if f.check in REPLAYED_CHECKS}


@pytest.mark.parametrize(
    ("surface", "faults"),
    [
        ("code-insight", ()),
        ("code-insight", ("undocumented-status",)),
        ("sd-elements", ("field-type-changed",)),
        ("mend", ("wrong-request-type-shape",)),
        ("metadefender-sscp", ("wrong-content-type",)),
    ],
)
def test_replay_gives_the_run_verdicts(tmp_path: Path, surface: str, faults: tuple[str, ...]) -> None:
    recording = tmp_path / "run.json"
    options = RunOptions(
        surfaces=(SURFACES[surface],), profile=get_profile("quick"), mock_faults=faults, record=recording
    )
    live = run(options)
    replayed = replay(load_recording(recording))
    assert _failing_cells(replayed) == _failing_cells(live)
    assert bool(faults) == bool(_failing_cells(live))
    text = recording.read_text()
    assert "Bearer ey" not in text and "Token " not in text, "credentials leaked into the recording"
