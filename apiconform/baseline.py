"""`apiconform baseline REPORT.json -o waivers.yaml`: adopt the gate on day one against a real server.

Every blocking failure of a run becomes a waiver (one per surface, operation and check) with a placeholder reason
and an expiry, so the next run fails only on new drift. The placeholder says what to write: a waiver is a
decision, and the file is where the team records why.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from apiconform.compare import load_report
from apiconform.errors import UsageError

DEFAULT_DAYS = 90


def baseline(report: Path, *, expires: dt.date, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The waivers that accept every blocking failure of `report`, in report order, one per cell."""
    document = load_report(report)
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    stamp = (today or dt.date.today()).isoformat()
    for failure in document["failures"]:
        if failure.get("waived_by"):
            continue  # already accepted by an existing waiver: that one still applies
        key = (failure["surface"], failure["operation"], failure["check"])
        if key not in seen:
            seen[key] = {
                "surface": failure["surface"],
                "check": failure["check"],
                "operation": failure["operation"],
                "reason": f"baseline {stamp}: {failure['title']} (accepted as found; replace with why, e.g. a ticket)",
                "expires": expires,
            }
    return list(seen.values())


def write_waivers(waivers: list[dict[str, Any]], output: Path, source: Path) -> None:
    header = (
        f"# Waivers that accept the failures of {source.name} as the baseline (apiconform baseline).\n"
        "# Each reason is a placeholder: write why the deviation is accepted, and keep the expiry honest.\n"
    )
    text = header + (yaml.safe_dump(waivers, sort_keys=False, allow_unicode=True, width=120) if waivers else "[]\n")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}; pass a writable -o path") from None
