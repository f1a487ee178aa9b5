"""`report.json`: the machine-readable serialisation of a RunResult (schema: report.schema.json).

The other writers derive their figures from the helpers here, so every format counts the same way: a "cell" is
one operation x check, judged by `Cell.verdict`; an operation is unexercised when it had no case and was not
excluded on purpose.

Output is deterministic for a given RunResult: object keys sorted, sets sorted, lists in the runner's order
(spec order for operations), and the only times are the run's own `started_at` and `duration_s`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apiconform.checks import CHECKS
from apiconform.runner.results import (
    VERDICT_FAILED,
    VERDICT_KNOWN_DEVIATION,
    VERDICT_NOT_RUN,
    VERDICT_PASSED,
    VERDICT_WAIVED,
    Deviation,
    Exchange,
    Failure,
    OperationResult,
    RunResult,
    SurfaceResult,
)

FILENAME = "report.json"
SCHEMA_VERSION = 1
CELL_VERDICTS = (VERDICT_PASSED, VERDICT_FAILED, VERDICT_WAIVED, VERDICT_NOT_RUN, VERDICT_KNOWN_DEVIATION)


@dataclass
class Totals:
    operations: int = 0
    exercised: int = 0
    unexercised: int = 0
    excluded: int = 0
    cases: int = 0
    checks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CELL_VERDICTS, 0))
    failures: int = 0
    blocking_failures: int = 0
    waived_failures: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "operations": self.operations,
            "exercised": self.exercised,
            "unexercised": self.unexercised,
            "excluded": self.excluded,
            "cases": self.cases,
            "checks": dict(self.checks),
            "failures": {
                "total": self.failures,
                "blocking": self.blocking_failures,
                "waived": self.waived_failures,
            },
        }


def totals(operations: Iterable[OperationResult], failures: Iterable[Failure]) -> Totals:
    out = Totals()
    for op in operations:
        out.operations += 1
        out.cases += op.cases
        if op.exercised:
            out.exercised += 1
        elif op.excluded is not None:
            out.excluded += 1
        else:
            out.unexercised += 1
        for cell in op.checks.values():
            out.checks[cell.verdict] += 1
    for failure in failures:
        out.failures += 1
        if failure.waived:
            out.waived_failures += 1
        else:
            out.blocking_failures += 1
    return out


def surface_totals(result: RunResult, surface: str) -> Totals:
    ops = result.surfaces[surface].operations.values()
    return totals(ops, (f for f in result.failures if f.surface == surface))


def run_verdict(result: RunResult) -> str:
    if result.interrupted:
        return "interrupted"
    return "conformant" if result.conformant else "nonconformant"


def check_order(result: RunResult) -> list[str]:
    """The runner's check order, then any id only seen in cells or failures (sorted, so output is stable)."""
    order = list(dict.fromkeys(result.check_ids))
    extra = {c for op in result.operations() for c in op.checks} | {f.check for f in result.failures}
    return order + sorted(extra - set(order))


def cell_failures(result: RunResult) -> dict[tuple[str, str, str], list[Failure]]:
    """Failures keyed by (surface, operation label, check id), in the runner's order."""
    out: dict[tuple[str, str, str], list[Failure]] = {}
    for failure in result.failures:
        out.setdefault((failure.surface, failure.operation, failure.check), []).append(failure)
    return out


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def show_controls(text: str) -> str:
    """Control characters (ANSI colour codes in server errors) as visible \\xNN instead of invisible bytes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def check_info(check_id: str) -> dict[str, str]:
    # The runner may report an id the registry lacks (an RPC variant of a schemathesis check): keep it visible.
    info = CHECKS.get(check_id)
    if info is None:
        return {"group": "unknown", "source": "unknown", "description": ""}
    return {"group": info.group, "source": info.source, "description": info.description}


def write(result: RunResult, report_dir: Path) -> Path:
    path = report_dir / FILENAME
    text = json.dumps(document(result), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    # Server text may hold lone surrogates; keep them visible as escapes rather than failing the whole report.
    path.write_text(text, encoding="utf-8", errors="backslashreplace")
    return path


def document(result: RunResult) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "run": {
            "profile": result.profile,
            "seed": result.seed,
            "started_at": result.started_at,
            "duration_s": round(float(result.duration_s), 3),
            "interrupted": result.interrupted,
            "conformant": result.conformant,
            "verdict": run_verdict(result),
        },
        "totals": totals(result.operations(), result.failures).as_dict(),
        "surfaces": [_surface(result, name) for name in result.surfaces],
        "failures": [_failure(f, fid) for f, fid in zip(result.failures, failure_ids(result.failures), strict=True)],
        "known_deviations": [_deviation(d) for d in result.deviations],
        "waiver_notes": list(result.waiver_notes),
        "checks": {check_id: check_info(check_id) for check_id in check_order(result)},
    }


def _surface(result: RunResult, name: str) -> dict[str, Any]:
    surface = result.surfaces[name]
    return {
        "surface": name,
        "base_url": surface.base_url,
        "embedded": surface.embedded,
        "contract": surface.contract,
        "mock": mock_entry(name, surface),
        "error": surface.error,
        "totals": surface_totals(result, name).as_dict(),
        "operations": [_operation(op) for op in surface.operations.values()],
        "enum_coverage": {enum: enum_entry(entry) for enum, entry in surface.enum_coverage.items()},
    }


def _operation(op: OperationResult) -> dict[str, Any]:
    return {
        "label": op.label,
        "operation_id": op.operation_id,
        "cases": op.cases,
        "duration_s": round(op.duration_s, 3),
        "exercised": op.exercised,
        "proven": op.proven,
        "not_exercised_reason": op.unexercised_reason,
        "excluded": op.excluded,
        "not_applicable": dict(sorted(op.not_applicable.items())),
        "statuses": {str(status): count for status, count in op.statuses.items()},
        "checks": {
            check: {
                "passed": cell.passed,
                "failed": cell.failed,
                "deviations": cell.deviations,
                "verdict": cell.verdict,
            }
            for check, cell in op.checks.items()
        },
        "enum_values": {where: sorted(values) for where, values in op.enum_values.items()},
        "response_fields": sorted(op.response_fields),
    }


def _deviation(deviation: Deviation) -> dict[str, Any]:
    return {
        "surface": deviation.surface,
        "operation": deviation.operation,
        "check": deviation.check,
        "message": deviation.message,
        "evidence": list(deviation.evidence),
        "count": deviation.count,
    }


def mock_entry(name: str, surface: SurfaceResult) -> dict[str, Any] | None:
    """An embedded mock's seed and faults, and the command that starts the same mock again (to reproduce)."""
    if not surface.embedded or surface.mock_seed is None:
        return None
    faults = "".join(f" --fault {fault}" for fault in surface.mock_faults)
    contract = "" if surface.contract == "observed" else f" --contract {surface.contract}"
    return {
        "seed": surface.mock_seed,
        "faults": list(surface.mock_faults),
        "command": f"apiconform mock {name} --seed {surface.mock_seed}{faults}{contract}"
        " --credentials-out credentials.json",
    }


def enum_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """{documented, seen} plus what follows from them; other facts the runner adds pass through, normalised."""
    out = {key: _plain(value) for key, value in entry.items()}
    documented = {str(v) for v in entry.get("documented") or ()}
    seen = {str(v) for v in entry.get("seen") or ()}
    out.update(
        documented=sorted(documented),
        seen=sorted(seen),
        unseen=sorted(documented - seen),
        undocumented=sorted(seen - documented),
    )
    return out


def _plain(value: Any) -> Any:
    """JSON-ready, order-stable copy: sets become sorted lists, unknown objects become their text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(str(v) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def failure_ids(failures: Iterable[Failure]) -> list[str]:
    """One id per failure for `apiconform repro REPORT ID`: the first 8 hex digits of the sha256 of its surface,
    operation, check and title, so the same failure has the same id in every report that has it (whatever else the
    run found, unlike a position); a repeat of those four in one report gets `-2`, `-3`, ... in report order."""
    ids: list[str] = []
    seen: Counter[str] = Counter()
    for failure in failures:
        key = "\0".join((failure.surface, failure.operation, failure.check, failure.title))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        seen[digest] += 1
        ids.append(digest if seen[digest] == 1 else f"{digest}-{seen[digest]}")
    return ids


def _failure(failure: Failure, failure_id: str) -> dict[str, Any]:
    return {
        "id": failure_id,
        "surface": failure.surface,
        "operation": failure.operation,
        "check": failure.check,
        "title": failure.title,
        "message": failure.message,
        "expected": failure.expected,
        "curl": failure.curl,
        "exchange": None if failure.exchange is None else _exchange(failure.exchange),
        "waived_by": failure.waived_by,
        "pointer": failure.pointer,
        "keyword": failure.keyword,
    }


def _exchange(exchange: Exchange) -> dict[str, Any]:
    return {
        "method": exchange.method,
        "url": exchange.url,
        "request_headers": dict(exchange.request_headers),
        "request_body": exchange.request_body,
        "status": exchange.status,
        "response_headers": dict(exchange.response_headers),
        "response_body": exchange.response_body,
        "elapsed_ms": exchange.elapsed_ms,
    }
