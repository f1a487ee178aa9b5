"""The shards of one run (`apiconform run ... --shard K/N --report-dir DIR`), joined back into one RunResult, so one
verdict and one set of reports cover the whole run.

The rules, checked before anything is merged (each break is a UsageError naming the report and the difference):

- every report comes from the same run: same profile, seed, surfaces, operations, live server and embedded-mock
  seed and faults (an embedded mock listens on another port in every shard, so its URL is not compared);
- each report is one shard, told by its "not in shard K/N" exclusions (a report with none is the whole run, 1/1);
  all share N, no K comes twice and none is missing: a missing shard's operations would otherwise stay
  "not in shard" and the merged run would look conformant without having tested them;
- an operation belongs to the one report that did not leave it out: its cells, cases, statuses and reason come
  from there. Two reports both testing it is overlapping shards, an error rather than a sum: counting its cases
  twice, or its failure twice, would make the merged run disagree with the unsharded one. An operation every
  report leaves out for the same reason (a read-only run) stays excluded with it.

The merged run started when the first shard did; its duration is the shards' durations added up (what the run
would take unsharded, not the wall time of the parallel jobs). It is interrupted when any shard was. A waiver note
is kept when every shard wrote it: expired waivers are noted by each, and a waiver is unused only if no shard used
it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apiconform.compare import load_report
from apiconform.errors import UsageError
from apiconform.runner.results import (
    VERDICT_WAIVED,
    Cell,
    Deviation,
    Exchange,
    Failure,
    OperationResult,
    RunResult,
    SurfaceResult,
)

REPORT = "report.json"
# The reason apiconform.runner.prepare gives an operation another shard tests.
_SHARD_REASON = re.compile(r"not in shard (\d+)/(\d+)")
# Figures report.json derives from others; recomputed when the merged result is written, never merged themselves.
_DERIVED_ENUM_KEYS = ("unseen", "undocumented")


@dataclass
class LoadedOperation(OperationResult):
    """An operation read back from report.json, which keeps the reason it was not exercised but not the error answers
    that reason was worked out from: the written reason stands."""

    stored_reason: str | None = None

    @property
    def unexercised_reason(self) -> str | None:
        if self.exercised or self.excluded is not None:
            return None
        return self.stored_reason or super().unexercised_reason


@dataclass
class Shard:
    """One report.json: where it came from, the run it holds and which shard of it it is."""

    path: Path
    result: RunResult
    k: int
    n: int

    @property
    def name(self) -> str:
        return f"{self.path} (shard {self.k}/{self.n})"


def report_path(location: Path) -> Path:
    """A shard's report.json: the path itself, or report.json inside the directory `--report-dir` named."""
    if location.is_dir():
        path = location / REPORT
        if not path.is_file():
            raise UsageError(
                f"{location} holds no {REPORT}; pass the --report-dir of each `apiconform run --shard K/N`"
            )
        return path
    return location


def load_shard(location: Path) -> Shard:
    path = report_path(location)
    result = result_from_report(load_report(path))
    k, n = _which_shard(path, result)
    return Shard(path, result, k, n)


def merge_reports(locations: list[Path]) -> RunResult:
    """The merged run of the report.json files (or the report directories) given, in any order."""
    if not locations:
        raise UsageError("no reports to merge; pass the --report-dir of each shard")
    return merge([load_shard(location) for location in locations])


def merge(shards: list[Shard]) -> RunResult:
    shards = sorted(shards, key=lambda s: s.k)
    first = shards[0]
    for other in shards[1:]:
        _same_run(first, other)
    _complete(shards)
    merged = RunResult(
        profile=first.result.profile,
        seed=first.result.seed,
        started_at=min((s.result.started_at for s in shards), key=_instant),
        duration_s=round(sum(s.result.duration_s for s in shards), 3),
        interrupted=any(s.result.interrupted for s in shards),
        check_ids=list(dict.fromkeys(c for s in shards for c in s.result.check_ids)),
        waiver_notes=[n for n in first.result.waiver_notes if all(n in s.result.waiver_notes for s in shards)],
    )
    for name in first.result.surfaces:
        merged.surfaces[name] = _surface(name, shards)
    merged.failures = _failures(merged, shards)
    return merged


# -- is it one run? -------------------------------------------------------------------------------------------------


def _which_shard(path: Path, result: RunResult) -> tuple[int, int]:
    found = {
        (int(m[1]), int(m[2]))
        for op in result.operations()
        if op.excluded and (m := _SHARD_REASON.fullmatch(op.excluded))
    }
    if len(found) > 1:
        shown = ", ".join(f"{k}/{n}" for k, n in sorted(found))
        raise UsageError(f"{path} names several shards ({shown}); pass reports written by `apiconform run`, unedited")
    return found.pop() if found else (1, 1)


def _same_run(a: Shard, b: Shard) -> None:
    def differ(what: str, left: object, right: object) -> None:
        if left != right:
            raise UsageError(
                f"{a.path} and {b.path} are not shards of one run: {what} {left!r} vs {right!r}; "
                "merge the shards of one `apiconform run` (same surfaces, --profile, --seed and target)"
            )

    differ("profile", a.result.profile, b.result.profile)
    differ("seed", a.result.seed, b.result.seed)
    differ("surfaces", ",".join(sorted(a.result.surfaces)), ",".join(sorted(b.result.surfaces)))
    if a.n != b.n:
        differ("shards", _shard_text(a), _shard_text(b))
    for name, left in a.result.surfaces.items():
        right = b.result.surfaces[name]
        differ(f"{name} embedded mock", left.embedded, right.embedded)
        differ(f"{name} contract", left.contract, right.contract)
        if not left.embedded:
            differ(f"{name} base URL", left.base_url, right.base_url)
        elif left.mock_seed is not None and right.mock_seed is not None:
            differ(f"{name} mock seed", left.mock_seed, right.mock_seed)
            differ(f"{name} mock faults", ",".join(sorted(left.mock_faults)), ",".join(sorted(right.mock_faults)))
        only = sorted(set(left.operations) ^ set(right.operations))
        if only:
            raise UsageError(
                f"{a.path} and {b.path} are not shards of one run: {name} operation {only[0]!r} is in one only "
                "(another spec version?); merge the shards of one `apiconform run`"
            )


def _shard_text(shard: Shard) -> str:
    return f"{shard.k}/{shard.n}" + (" (unsharded)" if shard.n == 1 else "")


def _complete(shards: list[Shard]) -> None:
    seen: dict[int, Shard] = {}
    for shard in shards:
        if shard.k in seen:
            raise UsageError(
                f"shard {shard.k}/{shard.n} given twice ({seen[shard.k].path} and {shard.path}); pass each shard once"
            )
        seen[shard.k] = shard
    n = shards[0].n
    missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in seen]
    if missing:
        raise UsageError(
            f"shard {', '.join(missing)} missing (its operations would look excluded on purpose); "
            f"pass the --report-dir of every `--shard K/{n}` run"
        )


def _instant(started_at: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(started_at)
    except ValueError:
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# -- merging --------------------------------------------------------------------------------------------------------


def _surface(name: str, shards: list[Shard]) -> SurfaceResult:
    first = shards[0].result.surfaces[name]
    merged = SurfaceResult(name, first.base_url, first.embedded, mock_seed=first.mock_seed)
    merged.mock_faults = list(first.mock_faults)
    merged.contract = first.contract
    merged.deviations = [
        d
        for shard in shards
        for d in shard.result.surfaces[name].deviations
        if _owns(shard.result.surfaces[name], d.operation)  # a scenario may pass through another shard's operation
    ]
    errors = [s.result.surfaces[name].error for s in shards]
    merged.error = "; ".join(dict.fromkeys(e for e in errors if e)) or None
    for label, op in first.operations.items():
        merged.operations[label] = _operation(name, label, op, shards)
    for shard in shards:
        for enum, entry in shard.result.surfaces[name].enum_coverage.items():
            merged.enum_coverage[enum] = _enum(merged.enum_coverage.get(enum), entry)
    return merged


def _owns(surface: SurfaceResult, label: str) -> bool:
    op = surface.operations.get(label)
    return op is not None and op.excluded is None


def _operation(surface: str, label: str, fallback: OperationResult, shards: list[Shard]) -> OperationResult:
    owners = [s for s in shards if s.result.surfaces[surface].operations[label].excluded is None]
    if len(owners) > 1:
        raise UsageError(
            f"overlapping shards: {surface} {label} was tested by both {owners[0].name} and {owners[1].name}; "
            "merge the reports of one sharded run"
        )
    if owners:
        return owners[0].result.surfaces[surface].operations[label]
    reasons = [s.result.surfaces[surface].operations[label].excluded or "" for s in shards]
    if all(_SHARD_REASON.fullmatch(r) for r in reasons):
        raise UsageError(f"no shard tested {surface} {label}: every report leaves it to another; pass every shard")
    return fallback


def _enum(merged: dict[str, Any] | None, entry: dict[str, Any]) -> dict[str, Any]:
    """Value lists (documented, seen, ...) are unioned across shards; any other fact keeps its first value."""
    out = dict(merged or {})
    for key, value in entry.items():
        if key in _DERIVED_ENUM_KEYS:
            continue
        if isinstance(value, list) and isinstance(out.get(key, []), list):
            out[key] = list(dict.fromkeys([*out.get(key, []), *value]))
        else:
            out.setdefault(key, value)
    return out


def _failures(merged: RunResult, shards: list[Shard]) -> list[Failure]:
    """Every shard's failures, by surface then operation (an unsharded run interleaves them by phase, which a merge
    cannot recover); one report keeps its own order."""
    if len(shards) == 1:
        return list(shards[0].result.failures)
    order = {(s, label): i for s in merged.surfaces for i, label in enumerate(merged.surfaces[s].operations)}
    surfaces = list(merged.surfaces)
    found = [f for shard in shards for f in shard.result.failures]
    return sorted(found, key=lambda f: (_index(surfaces, f.surface), order.get((f.surface, f.operation), len(order))))


def _index(items: list[str], item: str) -> int:
    return items.index(item) if item in items else len(items)


# -- report.json back into a RunResult ------------------------------------------------------------------------------


def result_from_report(doc: dict[str, Any]) -> RunResult:
    """The RunResult a report.json (already validated against its schema) was written from, as far as it says."""
    run = doc["run"]
    result = RunResult(
        profile=run["profile"],
        seed=run["seed"],
        started_at=run["started_at"],
        duration_s=float(run["duration_s"]),
        interrupted=run["interrupted"],
        waiver_notes=list(doc["waiver_notes"]),
        check_ids=list(doc["checks"]),
    )
    for raw in doc["surfaces"]:
        surface = SurfaceResult(raw["surface"], raw["base_url"], raw["embedded"], error=raw["error"])
        mock = raw.get("mock")
        if mock:
            surface.mock_seed, surface.mock_faults = mock["seed"], list(mock["faults"])
        surface.enum_coverage = {name: dict(entry) for name, entry in raw["enum_coverage"].items()}
        surface.contract = str(raw.get("contract") or "documented")  # reports before the observed contract
        surface.deviations = [
            _loaded_deviation(d) for d in doc.get("known_deviations") or [] if d["surface"] == surface.surface
        ]
        for op in raw["operations"]:
            surface.operations[op["label"]] = _loaded_operation(surface.surface, op)
        result.surfaces[surface.surface] = surface
    result.failures = [_loaded_failure(f) for f in doc["failures"]]
    return result


def _loaded_operation(surface: str, raw: dict[str, Any]) -> LoadedOperation:
    op = LoadedOperation(surface, raw["label"], raw["operation_id"], stored_reason=raw.get("not_exercised_reason"))
    op.cases = raw["cases"]
    op.statuses = Counter({int(status): count for status, count in raw["statuses"].items()})
    op.checks = {
        check: Cell(
            cell["passed"],
            cell["failed"],
            waived=cell["verdict"] == VERDICT_WAIVED,
            deviations=int(cell.get("deviations") or 0),
        )
        for check, cell in raw["checks"].items()
    }
    op.excluded = raw["excluded"]
    op.enum_values = {where: set(values) for where, values in raw["enum_values"].items()}
    op.response_fields = set(raw["response_fields"])
    op.proven = raw.get("proven")
    op.not_applicable = dict(raw.get("not_applicable") or {})
    op.duration_s = float(raw.get("duration_s") or 0.0)
    return op


def _loaded_deviation(raw: dict[str, Any]) -> Deviation:
    return Deviation(
        raw["surface"], raw["operation"], raw["check"], raw["message"], tuple(raw["evidence"]), int(raw["count"])
    )


def _loaded_failure(raw: dict[str, Any]) -> Failure:
    exchange = raw["exchange"]
    return Failure(
        surface=raw["surface"],
        operation=raw["operation"],
        check=raw["check"],
        title=raw["title"],
        message=raw["message"],
        expected=raw["expected"],
        curl=raw["curl"],
        exchange=None if exchange is None else _loaded_exchange(exchange),
        waived_by=raw["waived_by"],
        pointer=raw.get("pointer") or "",
        keyword=raw.get("keyword") or "",
    )


def _loaded_exchange(raw: dict[str, Any]) -> Exchange:
    return Exchange(
        method=raw["method"],
        url=raw["url"],
        request_headers=dict(raw["request_headers"]),
        request_body=raw["request_body"],
        status=raw["status"],
        response_headers=dict(raw["response_headers"]),
        response_body=raw["response_body"],
        elapsed_ms=raw["elapsed_ms"],
    )
