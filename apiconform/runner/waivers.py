"""Waivers: known, accepted deviations (check id, operation, reason, expiry) that do not fail the gate."""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from pathlib import Path

import yaml

from apiconform.checks import get_check
from apiconform.errors import UsageError
from apiconform.runner.results import RunResult


@dataclass(frozen=True)
class Waiver:
    check: str
    operation: str  # operation label; shell-style wildcards allowed ("POST /api/v1.2#get*")
    reason: str
    expires: dt.date
    surface: str | None = None

    def covers(self, surface: str, operation: str, check: str) -> bool:
        return (
            self.check == check
            and fnmatch.fnmatchcase(operation, self.operation)
            and (self.surface is None or self.surface == surface)
        )


def load_waivers(path: Path) -> list[Waiver]:
    """Parse a waiver file; every problem is a one-line UsageError naming the entry and the fix."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read waiver file {path}: {exc.strerror}; check the path") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"waiver file {path} is not valid YAML ({str(exc).splitlines()[0]}); fix its syntax") from None
    entries = data.get("waivers") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise UsageError(f"waiver file {path} must be a list of waivers (or `waivers:` with a list)")
    waivers = []
    for index, entry in enumerate(entries, start=1):
        where = f"waiver file {path}, entry {index}"
        if not isinstance(entry, dict):
            raise UsageError(f"{where} is not a mapping; give check, operation, reason and expires")
        missing = [k for k in ("check", "operation", "reason", "expires") if not entry.get(k)]
        if missing:
            raise UsageError(
                f"{where} lacks {', '.join(missing)}; every waiver needs check, operation, reason, expires"
            )
        get_check(str(entry["check"]))  # unknown check ids are a usage error with did-you-mean
        expires = entry["expires"]
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                raise UsageError(f"{where}: expires {expires!r} is not a date; write YYYY-MM-DD") from None
        if not isinstance(expires, dt.date):
            raise UsageError(f"{where}: expires must be a date (YYYY-MM-DD)")
        waivers.append(
            Waiver(str(entry["check"]), str(entry["operation"]), str(entry["reason"]), expires, entry.get("surface"))
        )
    return waivers


def apply_waivers(result: RunResult, waivers: list[Waiver], today: dt.date | None = None) -> None:
    """Mark covered failures (and their cells) waived; note expired and unused waivers."""
    today = today or dt.date.today()
    used: set[int] = set()
    for failure in result.failures:
        for index, waiver in enumerate(waivers):
            if not waiver.covers(failure.surface, failure.operation, failure.check):
                continue
            used.add(index)
            if waiver.expires < today:
                continue
            failure.waived_by = waiver.reason
            surface = result.surfaces.get(failure.surface)
            operation = surface.operations.get(failure.operation) if surface else None
            if operation is not None:
                operation.cell(failure.check).waived = True
            break
    for index, waiver in enumerate(waivers):
        if waiver.expires < today:
            result.waiver_notes.append(
                f"expired waiver ({waiver.expires.isoformat()}): {waiver.check} on {waiver.operation} - {waiver.reason}"
            )
        elif index not in used:
            result.waiver_notes.append(f"unused waiver: {waiver.check} on {waiver.operation} - {waiver.reason}")
