"""Mend discovery: real values for request fields, found with read-only calls under the run's orgToken.

A documented example gets the discovered value of each field it names (`semantics.prepare_example`); the tokens among
them are also pinned into generated bodies. The project is chosen for what its answers show: the alert, vulnerability
and fix enums live in alerts, so a project with an ignored alert and a security-vulnerability alert lets every alert
call show them. A value scoped to one requestType (`tagKey@getAlertsByProjectTag`) fills that read only: the same
field in a write (removeProjectTag) would change the user's data.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import httpx

from apiconform.runner.scenarios.base import ScenarioContext, json_of

VULNERABILITY = "SECURITY_VULNERABILITY"  # the alert type that carries a vulnerability and its fixes
BY_TYPE = ("getOrganizationAlertsByType", "getProductAlertsByType", "getProjectAlertsByType")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _post(ctx: ScenarioContext, body: dict[str, Any]) -> httpx.Response | None:
    return ctx.call("POST", "", json_body=body)


def discover(ctx: ScenarioContext) -> dict[str, Any]:
    """Real values for request fields, from read-only calls under the given orgToken, keyed by the field they fill:

    - productToken / projectToken: the credentials' own when given, else the first listed product and, in it, the
      project whose alerts show the most (`_telling_project`);
    - alertType: the security-vulnerability type when the project has such an alert (the AlertsByType examples);
    - tagKey / tagValue @getAlertsByProjectTag: a tag of that project;
    - fromDate / toDate @each AlertsByType requestType: a range that holds the product's vulnerability alerts;
    - requestToken @getRequestState: the project's last update request (from its last modifications);
    - productToken2 / projectToken2: another product and project (the comparison reports name two);
    - keyUuid: a library of the project, one with dependencies when there is one;
    - in a run that may write, what makes three documented write examples change nothing: targetKeyUuid +
      sourceFiles (a library and one of its own source files: changeOriginLibrary "moves" it where it is), alertUuids +
      comments (an alert that is already ignored, with its own comment: ignoreAlerts ignores it again) and
      defaultApprover (the organization's Default Approvers: setOrganizationAssignments assigns them again).
    """
    found: dict[str, Any] = {}
    user_key, org = ctx.credentials.get("userKey"), ctx.credentials.get("orgToken")
    if not user_key or not org:
        return found
    products = _listed(ctx, {"requestType": "getAllProducts", "userKey": user_key, "orgToken": org}, "products")
    product = ctx.credentials.get("productToken") or next(iter(products), None)
    if not product:
        return found
    found["productToken"] = product
    found.update(_another("productToken2", product, products))
    if ctx.allow_writes:
        found.update(_default_approver(ctx, user_key, org))
        found.update(_ignored_alert(ctx, user_key, product))
    listing = json_of(_post(ctx, {"requestType": "getAllProjects", "userKey": user_key, "productToken": product}))
    projects = _tokens_of(listing, "projects")
    dates: list[str] = []
    alerts = _project_alerts(ctx, user_key, product, _names(listing), dates)
    found.update(_alert_dates(dates))
    project = ctx.credentials.get("projectToken") or _telling_project(projects, alerts)
    if not project:
        return found
    found["projectToken"] = project
    found.update(_another("projectToken2", project, projects))
    if VULNERABILITY in alerts.get(project, ()):
        found["alertType"] = VULNERABILITY
    found.update(_tag(ctx, user_key, project))
    found.update(_request_token(ctx, user_key, project))
    found.update(_library(ctx, user_key, project))
    return found


def _names(listing: Any) -> dict[str, str]:
    """project name -> token, from a getAllProjects answer (documented alerts name their project, not its token)."""
    items = listing.get("projects") if isinstance(listing, dict) else None
    return {
        i["projectName"]: i["projectToken"]
        for i in items or []
        if isinstance(i, dict) and isinstance(i.get("projectName"), str) and isinstance(i.get("projectToken"), str)
    }


def _project_alerts(
    ctx: ScenarioContext, user_key: str, product: str, names: dict[str, str], dates: list[str]
) -> dict[str, set[str]]:
    """project token -> what its alerts show: their types, and "IGNORED" when one of them is ignored; the dates of
    the vulnerability alerts are added to `dates`."""
    found: dict[str, set[str]] = {}
    calls = (
        ({"requestType": "getProductAlertsByType", "alertType": VULNERABILITY}, None),
        ({"requestType": "getProductIgnoredAlerts"}, "IGNORED"),
    )
    for call, mark in calls:
        answer = json_of(_post(ctx, call | {"userKey": user_key, "productToken": product}))
        # Real servers list alerts under `alerts` where the documents say `apiAlertInfo` (MEND-OBS-001).
        listed = (answer.get("alerts") or answer.get("apiAlertInfo")) if isinstance(answer, dict) else None
        for alert in listed if isinstance(listed, list) else []:
            if not isinstance(alert, dict):
                continue
            token = alert.get("projectToken") or names.get(str(alert.get("project")))
            if mark is None and isinstance(alert.get("date"), str):
                dates.append(alert["date"])
            if isinstance(token, str):
                found.setdefault(token, set()).add(mark or str(alert.get("type")))
    return found


def _alert_dates(dates: list[str]) -> dict[str, str]:
    """fromDate/toDate for the AlertsByType reads: a range holding the vulnerability alerts found (the documented
    examples ask for two days of 2016, which hold nothing on most servers). toDate is the day after the last alert:
    whether the vendor's toDate includes its own day is not documented."""
    days = sorted(day for day in map(_day, dates) if day is not None)
    if not days:
        return {}
    last = days[-1] + datetime.timedelta(days=1)
    scoped: dict[str, str] = {}
    for request_type in BY_TYPE:
        scoped |= {f"fromDate@{request_type}": days[0].isoformat(), f"toDate@{request_type}": last.isoformat()}
    return scoped


def _day(text: str) -> datetime.date | None:
    """The day a server's date starts with ('2024-06-25', '2024-06-25 10:00:00'); None for anything else."""
    try:
        return datetime.date.fromisoformat(text[:10]) if _DAY.fullmatch(text[:10]) else None
    except ValueError:  # 2024-13-45: the shape of a date, not a date
        return None


def _telling_project(projects: list[str], alerts: dict[str, set[str]]) -> str | None:
    """The first listed project with an ignored and a vulnerability alert, else with either, else the first."""
    for wanted in ({"IGNORED", VULNERABILITY}, {VULNERABILITY}, {"IGNORED"}, set()):
        chosen = next((p for p in projects if wanted <= alerts.get(p, set())), None)
        if chosen:
            return chosen
    return None


def _request_token(ctx: ScenarioContext, user_key: str, project: str) -> dict[str, Any]:
    body = {"requestType": "getProjectLastModification", "userKey": user_key, "projectToken": project}
    answer = json_of(_post(ctx, body))
    listed = answer.get("projectLastModifications") if isinstance(answer, dict) else None
    for modification in listed if isinstance(listed, list) else []:
        extra = modification.get("extraData") if isinstance(modification, dict) else None
        token = extra.get("requestToken") if isinstance(extra, dict) else None
        if isinstance(token, str) and token:
            return {"requestToken@getRequestState": token}
    return {}


def _tag(ctx: ScenarioContext, user_key: str, project: str) -> dict[str, Any]:
    answer = json_of(_post(ctx, {"requestType": "getProjectTags", "userKey": user_key, "projectToken": project}))
    listed = answer.get("projectTags") if isinstance(answer, dict) else None
    for entry in listed if isinstance(listed, list) else []:
        tags = entry.get("tags") if isinstance(entry, dict) else None
        for key, values in tags.items() if isinstance(tags, dict) else ():
            value = values[0] if isinstance(values, list) and values else values
            if isinstance(key, str) and isinstance(value, str):
                return {"tagKey@getAlertsByProjectTag": key, "tagValue@getAlertsByProjectTag": value}
    return {}


def _listed(ctx: ScenarioContext, body: dict[str, Any], key: str) -> list[str]:
    """The tokens of a product or project listing (getAllProducts, getAllProjects), in the order given."""
    return _tokens_of(json_of(_post(ctx, body)), key)


def _tokens_of(answer: Any, key: str) -> list[str]:
    items = answer.get(key) if isinstance(answer, dict) else None
    field = key.removesuffix("s") + "Token"
    return [i[field] for i in items or [] if isinstance(i, dict) and isinstance(i.get(field), str) and i[field]]


def _another(field: str, token: str, listed: list[str]) -> dict[str, Any]:
    other = next((t for t in listed if t != token), None)
    return {field: other} if other else {}


def _library(ctx: ScenarioContext, user_key: str, project: str) -> dict[str, Any]:
    body = {"requestType": "getProjectHierarchy", "userKey": user_key, "projectToken": project}
    answer = json_of(_post(ctx, body))
    roots = answer.get("libraries") if isinstance(answer, dict) else None
    nodes = [n for n in roots or [] if isinstance(n, dict) and isinstance(n.get("keyUuid"), str) and n["keyUuid"]]
    if not nodes:
        return {}
    library = next((n for n in nodes if n.get("dependencies")), nodes[0])["keyUuid"]
    found: dict[str, Any] = {"keyUuid": library}
    if ctx.allow_writes:
        body = {"requestType": "getLibrarySourceFiles", "userKey": user_key, "projectToken": project}
        answer = json_of(_post(ctx, body | {"keyUuid": library}))
        files = answer.get("sourceFiles") if isinstance(answer, dict) else None
        sha1 = next((f["sha1"] for f in files or [] if isinstance(f, dict) and isinstance(f.get("sha1"), str)), None)
        if sha1:
            found.update({"targetKeyUuid": library, "sourceFiles": [sha1]})
    return found


def _ignored_alert(ctx: ScenarioContext, user_key: str, product: str) -> dict[str, Any]:
    body = {"requestType": "getProductIgnoredAlerts", "userKey": user_key, "productToken": product}
    answer = json_of(_post(ctx, body))
    alerts = answer.get("alerts") if isinstance(answer, dict) else None
    for alert in alerts or []:
        uuid = alert.get("alertUuid") if isinstance(alert, dict) else None
        library = alert.get("library") if isinstance(alert, dict) else None
        # Real servers give the ignore comment on the alert; the documents show it in the library (MEND-12).
        comments = alert.get("comments") if isinstance(alert, dict) else None
        if not isinstance(comments, str):
            comments = library.get("comments") if isinstance(library, dict) else None
        if isinstance(uuid, str) and isinstance(comments, str):  # without its comment, re-ignoring would change it
            return {"alertUuids": [uuid], "comments": comments}
    return {}


def _default_approver(ctx: ScenarioContext, user_key: str, org: str) -> dict[str, Any]:
    """The organization's Default Approvers, as setOrganizationAssignments names them; {} when one of them has no
    name to give (assigning the others again would take the role from it)."""
    body = {"requestType": "getOrganizationAssignments", "userKey": user_key, "orgToken": org}
    answer = json_of(_post(ctx, body))
    assigned: dict[str, list[dict[str, Any]]] = {}
    for kind, roles, field in (("userAssignments", "userRoles", "email"), ("groupAssignments", "groupRoles", "name")):
        by_role = answer.get(roles) if isinstance(answer, dict) else None
        holders = by_role.get("DEFAULT_APPROVER", []) if isinstance(by_role, dict) else None
        if not isinstance(holders, list):
            return {}
        names = [h.get(field) if isinstance(h, dict) else None for h in holders]
        if not all(isinstance(n, str) and n for n in names):
            return {}
        assigned[kind] = [{field: n} for n in names]
    return {"defaultApprover": assigned} if any(assigned.values()) else {}
