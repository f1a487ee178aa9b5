"""What a run found: the operations x checks matrix, failures with reproductions, coverage figures.

This is the contract between the runner and every report format; `report.json` is its serialisation
(schema: apiconform/reports/report.schema.json). Secrets never reach these objects: the runner redacts
before recording.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

VERDICT_PASSED = "passed"
VERDICT_FAILED = "failed"
VERDICT_WAIVED = "waived"
VERDICT_NOT_RUN = "not_run"
VERDICT_KNOWN_DEVIATION = "known_deviation"  # the documents reject it, recorded vendor behaviour explains it


@dataclass
class Exchange:
    """One request/response pair, already redacted; bodies are excerpts."""

    method: str
    url: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str | None = None
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    elapsed_ms: float | None = None


@dataclass
class Failure:
    """One distinct contract failure on one operation."""

    surface: str
    operation: str
    check: str
    title: str
    message: str
    expected: str = ""
    curl: str = ""
    exchange: Exchange | None = None
    waived_by: str | None = None  # waiver reason when a waiver covers it
    pointer: str = ""  # JSON pointer of the offending value in the body, when a body broke its schema
    keyword: str = ""  # the schema keyword it broke (enum, required, type, ...)

    @property
    def waived(self) -> bool:
        return self.waived_by is not None


@dataclass
class Deviation:
    """A known deviation: what the documents reject and recorded vendor behaviour explains, with its evidence."""

    surface: str
    operation: str
    check: str
    message: str  # what the documented contract says is wrong
    evidence: tuple[str, ...]  # ids in specs/evidence/<surface>.yaml
    count: int = 1


@dataclass
class Cell:
    """One operation x check: how many evaluations passed and failed."""

    passed: int = 0
    failed: int = 0
    waived: bool = False
    deviations: int = 0  # of the passed: answers only the observed contract accepts (known deviations)

    @property
    def verdict(self) -> str:
        if self.failed:
            return VERDICT_WAIVED if self.waived else VERDICT_FAILED
        if self.deviations:
            return VERDICT_KNOWN_DEVIATION
        return VERDICT_PASSED if self.passed else VERDICT_NOT_RUN


@dataclass
class OperationResult:
    """Everything observed for one operation (a Mend requestType is an operation of its own)."""

    surface: str
    label: str  # "GET /jobs" or "POST /api/v1.2#getProjectAlerts"
    operation_id: str
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    checks: dict[str, Cell] = field(default_factory=dict)
    excluded: str | None = None  # why the operation was deliberately not exercised
    enum_values: dict[str, set[str]] = field(default_factory=dict)  # JSON pointer-ish field -> values seen
    response_fields: set[str] = field(default_factory=set)
    # Valid requests answered with a documented success (for an RPC variant: its own answer, not an error). None
    # where it is not counted (proxy, replay): there an operation with cases is exercised.
    proven: int | None = None
    error_answers: Counter[str] = field(default_factory=Counter)  # "errorCode 5001" -> answers (RPC surfaces)
    not_applicable: dict[str, str] = field(default_factory=dict)  # scheduled check -> why it could not run
    duration_s: float = 0.0  # time its cases and scenario requests took

    def cell(self, check: str) -> Cell:
        return self.checks.setdefault(check, Cell())

    @property
    def exercised(self) -> bool:
        """Proven by a documented success answer to a valid request (when counted), else by any case."""
        return self.cases > 0 if self.proven is None else self.proven > 0

    @property
    def unexercised_reason(self) -> str | None:
        """Why an operation the run meant to test was not exercised, in a few words; None when it was."""
        if self.exercised or self.excluded is not None:
            return None
        if not self.cases:
            return "no request got an answer"
        if self.error_answers and sum(self.error_answers.values()) >= sum(self.statuses.values()):
            return "answered only " + ", ".join(sorted(self.error_answers))
        failing = sorted(str(s) for s in self.statuses if not 200 <= s < 300)
        if failing and all(not 200 <= s < 300 for s in self.statuses):
            return "answered only " + ", ".join(failing)
        return "no valid request got a documented success answer"


@dataclass
class SurfaceResult:
    surface: str
    base_url: str
    embedded: bool
    operations: dict[str, OperationResult] = field(default_factory=dict)
    enum_coverage: dict[str, dict[str, Any]] = field(default_factory=dict)  # enum name -> {documented, seen}
    error: str | None = None  # the surface could not be tested at all
    # An embedded mock: how to start the same one again (its seed and faults), to reproduce a failure
    mock_seed: int | None = None
    mock_faults: list[str] = field(default_factory=list)
    contract: str = "documented"  # what judged it: `documented`, or `observed` (documented + evidence overlay)
    deviations: list[Deviation] = field(default_factory=list)


@dataclass
class RunResult:
    profile: str
    seed: int
    started_at: str
    duration_s: float = 0.0
    surfaces: dict[str, SurfaceResult] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    waiver_notes: list[str] = field(default_factory=list)  # expired or unused waivers
    interrupted: bool = False
    check_ids: list[str] = field(default_factory=list)

    def operations(self) -> list[OperationResult]:
        return [op for s in self.surfaces.values() for op in s.operations.values()]

    @property
    def deviations(self) -> list[Deviation]:
        return [d for s in self.surfaces.values() for d in s.deviations]

    @property
    def unexercised(self) -> list[OperationResult]:
        return [op for op in self.operations() if not op.exercised and op.excluded is None]

    @property
    def blocking_failures(self) -> list[Failure]:
        return [f for f in self.failures if not f.waived]

    @property
    def conformant(self) -> bool:
        errors = any(s.error for s in self.surfaces.values())
        return not self.blocking_failures and not self.unexercised and not self.interrupted and not errors
