"""Run profiles: how hard to try. `quick` is the CI smoke gate, `thorough` the release gate."""

from __future__ import annotations

from dataclasses import dataclass

from apiconform.errors import UsageError, did_you_mean


@dataclass(frozen=True)
class Profile:
    name: str
    phases: tuple[str, ...]
    max_examples: int  # fuzzing examples per operation (the coverage phase sizes itself from the schema)
    max_response_time: float  # seconds; slower answers fail `response_time`
    pages: int  # how many pages the pagination scenarios walk at most
    stateful_examples: int
    async_timeout: float  # seconds a queued job may take to reach a terminal status


PROFILES = {
    p.name: p
    for p in (
        Profile("quick", ("examples", "fuzzing"), 4, 1.0, 4, 0, 5.0),
        Profile("default", ("examples", "coverage", "fuzzing", "stateful"), 5, 1.0, 12, 10, 10.0),
        Profile("thorough", ("examples", "coverage", "fuzzing", "stateful"), 60, 1.0, 40, 40, 30.0),
    )
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise UsageError(
            f"unknown profile {name!r}{did_you_mean(name, PROFILES)}; choose quick, default or thorough"
        ) from None
