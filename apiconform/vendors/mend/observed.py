"""The Mend mock's observed mode: answers in the shapes real servers send (specs/overlays/mend.observed.yaml, evidence
in specs/evidence/mend.yaml), built by reshaping the documented answer the builders return. The documented mode
never reaches this module, so it keeps the documented form exactly.

- Alert lists under `alerts` (MEND-OBS-001) with upper-case levels (002), fixes from WHITESOURCE_EXPERT where the
  documents say mend_EXPERT (004), and the members real alerts carry besides the documented ones (008): projectId,
  projectToken, modifiedDate, creation_date, status on open security alerts, vulnerability.lastUpdated (014);
  ignored alerts carry their comment at the top level, not in the library (013).
- Vitals dates with a UTC offset (028), vitals entries with id and requestToken (029).
- Change-log entries with the member names real servers use (032); License objects in the Licenses answers (033);
  organization counts as integers and its creation date as a day (030); product and project ids in the listings
  (031).
- A product- or project-scoped call that also names an orgToken is answered with a warning about it (016, 017).
- Error codes as real servers and their clients use them (027): invalid parameters 3000, missing fields 3010, a
  product name in use 2001, a project name in use 2010.

Request members only the observed contract admits (exportFormat JSON, status, includeVersions, ...) take effect in
the builders themselves: the documented mode refuses such requests before any builder runs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from apiconform.vendors.mend import render, reports
from apiconform.vendors.mend.call import ALREADY_EXISTS, INVALID_REQUEST, Call
from apiconform.vendors.mend.state import ORGANIZATION, MendState, day

JSON = dict[str, Any]

INVALID_PARAMETERS = 3000
MISSING_FIELDS = 3010
DUPLICATE_NAME = {"createProduct": 2001, "createProject": 2010}
# The fix origin real servers name where the documents write the rebranded "mend_EXPERT" (MEND-OBS-004)
EXPERT_ORIGIN = {"mend_EXPERT": "WHITESOURCE_EXPERT"}
SYSTEM_USER = "WhiteSource System"  # what userEmail says on changes the system made (MEND-OBS-032)
UTC_OFFSET = " +0000"
ALERT_STATUS = {"Active": "ACTIVE", "Ignored": "IGNORED", "Resolved": "RESOLVED"}  # the report's status filter
VITALS = ("projectVitals", "productVitals")
VITALS_CALLS = frozenset(
    {"getOrganizationProjectVitals", "getProductProjectVitals", "getProjectVitals", "getOrganizationProductVitals"}
)


def error_code(request_type: str, code: int) -> int:
    """The code a real server gives for what the mock's documented mode answers with `code`."""
    if code == ALREADY_EXISTS and request_type in DUPLICATE_NAME:
        return DUPLICATE_NAME[request_type]
    return INVALID_PARAMETERS if code == INVALID_REQUEST else code


def invalid_code(message: str) -> int:
    """3010 when the first schema violation is a missing member (the validator names the keyword), else 3000."""
    first = message.split("; ", maxsplit=1)[0]
    return MISSING_FIELDS if first.endswith("(required)") else INVALID_PARAMETERS


def reshape(call: Call, answer: Any) -> Any:
    """The observed form of a documented JSON answer (anything else is returned as it is)."""
    if not isinstance(answer, dict) or "errorCode" in answer:
        return answer
    state, kind = call.state, call.request_type
    if "apiAlertInfo" in answer:
        answer = {"alerts": [_alert(state, a) for a in answer["apiAlertInfo"]]}
    elif kind.endswith("IgnoredAlerts"):
        answer["alerts"] = [_alert(state, a) for a in answer["alerts"]]
    elif kind in VITALS_CALLS:
        for key in VITALS:
            answer[key] = [_vitals(state, v) for v in answer.get(key, [])]
    elif kind == "getChangesReport":
        answer["changes"] = [_change(state, c) for c in answer["changes"]]
    elif kind.endswith("Licenses") and kind != "getLicenses":
        for lib in answer["libraries"]:
            lib["licenses"] = [render.license_object(name) for name in lib["licenses"]]
    elif kind == "getOrganizationDetails":
        answer = _organization(answer)
    elif kind in ("getAllProducts", "getAllProjects"):
        answer = _with_ids(state, kind, answer)
    if "orgToken" in call.body and call.scope.level != ORGANIZATION:
        answer.setdefault("warningMessages", []).append("Invalid input: orgToken")
    return answer


def _alert(state: MendState, rendered: JSON) -> JSON:
    item = state.alerts[rendered["alertUuid"]]
    project = state.projects[item.project_token]
    comments = rendered["library"].pop("comments", None)
    result = rendered | {
        "level": item.level.upper(),
        "projectId": project.id,
        "projectToken": project.token,
        "modifiedDate": day(item.modified if item.modified is not None else item.created),
        "creation_date": day(item.created),
    }
    if item.status == "IGNORED":
        result["comments"] = comments if comments is not None else item.comments
    if item.vulnerability is not None:
        vulnerability = rendered["vulnerability"] | {"lastUpdated": item.vulnerability.published}
        vulnerability["topFix"] = _fix(vulnerability["topFix"])
        vulnerability["allFixes"] = [_fix(f) for f in vulnerability["allFixes"]]
        result["vulnerability"] = vulnerability
        if item.status == "ACTIVE":
            result["status"] = "OPEN"
    return result


def _fix(fix: JSON) -> JSON:
    return fix | {"origin": EXPERT_ORIGIN.get(fix["origin"], fix["origin"])}


def _vitals(state: MendState, entry: JSON) -> JSON:
    # Only a full "yyyy-MM-dd HH:mm:ss" (19 characters) gets the offset; a date alone has no time to qualify.
    dated = {k: f"{entry[k]}{UTC_OFFSET}" for k in ("creationDate", "lastUpdatedDate") if len(entry.get(k, "")) == 19}
    project = state.projects.get(entry["token"])
    if project is None:  # a product's vitals
        return entry | dated
    extra: JSON = {"id": project.id}
    if project.requests:
        extra["requestToken"] = project.requests[-1]
    return entry | dated | extra


def _change(state: MendState, entry: JSON) -> JSON:
    system = entry["operator"] == "SYSTEM"
    result: JSON = {
        "startDateTime": entry["startDateTime"],
        "changeCategory": entry["category"],
        "changeClass": entry["type"],
        "changeAspect": entry["changeType"],
        "scope": entry["scope"],
        "scopeName": entry["scopeName"],
        "changeScopeId": entry["scopeId"],
        "beforeChange": entry["beforeChange"],
        "afterChange": entry["afterChange"],
        "operator": entry["operator"],
        "userEmail": SYSTEM_USER if system else entry["userEmail"],
    }
    if system:  # system changes to libraries name no organization, product or project
        return result
    result |= {"orgId": state.org.id, "orgName": state.org.name}
    for level in ("product", "project"):
        if entry[f"{level}Id"]:
            result |= {f"{level}Id": entry[f"{level}Id"], f"{level}Name": entry[f"{level}Name"]}
    return result


def _organization(answer: JSON) -> JSON:
    counts = {k: int(v) for k, v in answer.items() if k.startswith("numberOf")}
    return answer | counts | {"creationDate": answer["creationDate"][:10]}


def _with_ids(state: MendState, kind: str, answer: JSON) -> JSON:
    key, entities = ("products", state.products) if kind == "getAllProducts" else ("projects", state.projects)
    single = key.removesuffix("s")
    answer[key] = [item | {f"{single}Id": entities[item[f"{single}Token"]].id} for item in answer[key]]
    return answer


def vulnerabilities(call: Call) -> reports.Table:
    """The vulnerability report, narrowed to the vulnerabilities whose security alert has the asked status (the
    `status` member only the observed contract admits, MEND-OBS-020)."""
    table = reports.vulnerabilities(call)
    wanted = ALERT_STATUS.get(call.text("status"))
    if wanted is None:
        return table
    state = call.state
    keep = {
        (state.projects[a.project_token].name, state.libraries[a.key_id].filename, a.vulnerability.name)
        for a in state.alerts_in(call.scope, wanted)
        if a.vulnerability is not None
    }
    return replace(table, rows=[r for r in table.rows if (r["project"], r["library"], r["name"]) in keep])
