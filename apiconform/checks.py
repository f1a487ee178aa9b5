"""The check registry: every check id, declared where the check is implemented (`declare(...)` returns the id).

A declared id is a `CheckId`, and the runner's verdict API takes only `CheckId`s, so a misspelt id is a type
error, not a silently empty matrix column. `apiconform checks` lists the registry. Ids never change meaning and
are never reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NewType

from apiconform.errors import UsageError, did_you_mean

CheckId = NewType("CheckId", str)

GROUPS = ("schema", "property", "example", "semantic", "auth", "client")
# Who evaluates a check: the contract's judge (run, replay, proxy alike), schemathesis' own check of that name,
# an apiconform check inside schemathesis (`st`), an apiconform scenario, or the proxy (client traffic).
SOURCES = ("contract", "schemathesis", "st", "scenario", "proxy")


@dataclass(frozen=True)
class CheckInfo:
    id: str
    group: str
    source: str
    description: str


CHECKS: dict[str, CheckInfo] = {}


def declare(check_id: str, *, group: str, source: str, description: str) -> CheckId:
    """Register a check where it is implemented; the same declaration twice (a module reloaded) is harmless, a
    different one under the same id is a bug."""
    if group not in GROUPS or source not in SOURCES:
        raise ValueError(f"check {check_id!r}: group {group!r} / source {source!r} not in {GROUPS} / {SOURCES}")
    info = CheckInfo(check_id, group, source, description)
    if CHECKS.get(check_id, info) != info:
        raise ValueError(f"check id {check_id!r} declared twice with different meanings")
    CHECKS[check_id] = info
    return CheckId(check_id)


def get_check(check_id: str) -> CheckInfo:
    try:
        return CHECKS[check_id]
    except KeyError:
        raise UsageError(
            f"unknown check id {check_id!r}{did_you_mean(check_id, CHECKS)}; see `apiconform checks`"
        ) from None
