"""The forms later SD Elements versions answer in, where they differ from our jobs document.

The mock stores jobs in the documented form (integer user ids, integer `ready`); in observed mode it writes them
as later revisions of the vendor's jobs document and its own API client show (specs/overlays/sd-elements.observed
.yaml; evidence ids in specs/evidence/sd-elements.yaml). Kept apart so the documented answers stay as they were.
"""

from __future__ import annotations

from typing import Any

from apiconform.vendors.sd_elements.seed import User

# Seconds (mock clock) a job queued with `ready: false` runs before it is ready: short, so a client polling it
# sees it not ready and then ready without waiting on the run.
QUEUED_RUN_S = 0.3


def expanded(query: dict[str, Any]) -> frozenset[str]:
    """The members `?expand=user,triggered_by` asks to answer as objects (unknown names are ignored)."""
    raw = query.get("expand")
    return frozenset(part.strip() for part in raw.split(",")) if isinstance(raw, str) else frozenset()


def user(person: User, expand: bool) -> Any:
    """SDE-OBS-002: the e-mail address, or with `expand=user` the user object."""
    if not expand:
        return person.email
    return {"id": person.id, "email": person.email, "first_name": person.first_name, "last_name": person.last_name}


def job(rendered: dict[str, Any], person: User, automatic: bool, expand: frozenset[str]) -> dict[str, Any]:
    """A documented job answer rewritten: `user` by e-mail (SDE-OBS-002), `ready` a boolean (SDE-OBS-003), and
    `triggered_by` (SDE-OBS-005): who started the run, empty when the schedule did."""
    rendered["user"] = user(person, "user" in expand)
    rendered["ready"] = bool(rendered["ready"])
    rendered["triggered_by"] = "" if automatic else user(person, "triggered_by" in expand)
    return rendered


def page(results: list[dict[str, Any]]) -> dict[str, Any]:
    """SDE-OBS-007: list answers are pages with count/next/previous; the mock serves every match on one page, so
    there is neither a next nor a previous one."""
    return {"count": len(results), "next": None, "previous": None, "results": results}
