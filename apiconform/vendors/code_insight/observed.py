"""The forms real Code Insight servers answer in, where they differ from the Jobs document.

The mock stores jobs in the documented form (title-case statuses, `Report - ` job types) and, in observed mode,
writes them as the vendor's own job model does (specs/overlays/code-insight.observed.yaml; evidence ids in
specs/evidence/code-insight.yaml). Kept apart so the documented answers stay exactly as they were.
"""

from __future__ import annotations

from typing import Any

# CI-OBS-001: the vendor's job model spells every status in upper case with underscores.
UPPER_STATUS = {
    "New": "NEW",
    "Active": "ACTIVE",
    "Canceled": "CANCELED",
    "Completed": "COMPLETED",
    "Failed": "FAILED",
    "Scheduled": "SCHEDULED",
    "Terminated": "TERMINATED",
    "Waiting on update": "WAITING_ON_UPDATE",
}
TITLE_STATUS = {upper: title for title, upper in UPPER_STATUS.items()}

# CI-OBS-003: report job types lose their `Report - ` prefix; every custom report is one "Custom Report".
UNPREFIXED_REPORTS = {
    "Report - Audit Report": "Audit Report",
    "Report - Notices Report": "Notices Report",
    "Report - Project Report": "Project Report",
}
CUSTOM_REPORT = "Custom Report"
# CI-OBS-003: a job type of the vendor's model that the document does not list (answers only, never a filter).
MAINTENANCE_JOB_TYPES = ("Data Garbage Collection",)


def status(documented: str) -> str:
    return UPPER_STATUS.get(documented, documented)


def documented_status(value: Any) -> Any:
    """The title-case status for either spelling (what a filter on `status` compares with)."""
    return TITLE_STATUS.get(value, value) if isinstance(value, str) else value


def job_type(documented: str) -> str:
    if documented in UNPREFIXED_REPORTS:
        return UNPREFIXED_REPORTS[documented]
    return CUSTOM_REPORT if documented.startswith("Report - ") else documented


def job_type_matches(stored: str, wanted: str) -> bool:
    """A jobType filter matches a job in either spelling: `Audit Report` finds `Report - Audit Report` jobs and
    `Custom Report` every custom report (CI-OBS-004). Unprefixed values only pass request validation in observed
    mode, so documented filtering is unchanged."""
    return stored == wanted or job_type(stored) == wanted


def triggered_by(login: str, user_id: int) -> dict[str, Any]:
    """CI-OBS-006: the vendor's model gives triggeredBy as {id, user}."""
    return {"id": user_id, "user": login}


def queued_message(job_id: int) -> dict[str, Any]:
    """CI-OBS-007: the notices 202 carries a JSON `message` whose text after its only colon is the job id (the
    vendor's own script splits on ':' to read it)."""
    return {"message": f"Notices update queued, job id: {job_id}"}


def error_body(message: str, key: str, arguments: tuple[str, ...] = ()) -> dict[str, Any]:
    """CI-OBS-012: error answers carry `Error: `, `Arguments: ` and `Key: ` (names end in colon and space). The
    key values are the mock's own: the evidence shows the members, not the server's catalogue of keys."""
    return {"Error: ": message, "Arguments: ": list(arguments), "Key: ": key}
