"""Answers of the read requestTypes, built from the state (one function per family of requestTypes)."""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

from apiconform.vendors.mend import model, render
from apiconform.vendors.mend.call import INVALID_REQUEST, NOT_FOUND, Call, MendFailure
from apiconform.vendors.mend.state import ORGANIZATION, day, stamp

JSON = dict[str, Any]


DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?: ([0-9]{2}):([0-9]{2}):([0-9]{2}))?")


def parse_time(value: str, field: str) -> float:
    """Epoch seconds of a "yyyy-MM-dd" or "yyyy-MM-dd HH:mm:ss" value (UTC), read leniently like the Java server's
    parser: a field past its range carries into the next one (2021-02-31 is 3 March, 24:00:00 the next day), and the
    text after a date or date-time is ignored. The contract's pattern bounds each field (MEND-96, MEND-98); every value
    it admits is a date here."""
    found = DATE_TIME.match(value)
    if found is None:
        raise MendFailure(INVALID_REQUEST, f"{field} {value!r} is not a date (yyyy-MM-dd or yyyy-MM-dd HH:mm:ss)")
    year, month, day, hour, minute, second = (int(part or 0) for part in found.groups())
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return float((_days_from_epoch(year, month) + day - 1) * 86400 + hour * 3600 + minute * 60 + second)


def _days_from_epoch(year: int, month: int) -> int:
    """Days from 1970-01-01 to the first of `month` (1-12) in `year`, proleptic Gregorian: any year, 0000 included
    (datetime stops at year 1)."""
    shifted = year - (month <= 2)  # count from March, so the leap day ends the shifted year
    era = shifted // 400
    year_of_era = shifted - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def visible_projects(call: Call) -> list[model.Project]:
    """The scope's projects the user may see (a product administrator only sees their products')."""
    projects = call.state.projects_in(call.scope)
    if call.scope.level != ORGANIZATION or call.state.is_org_admin(call.user):
        return projects
    return [p for p in projects if call.state.administers(call.user, call.state.product_of(p))]


# -- alerts ----------------------------------------------------------------------------------------------------


def alerts(call: Call) -> JSON:
    return {"apiAlertInfo": [render.alert(call.state, a) for a in call.state.alerts_in(call.scope)]}


def alerts_by_tag(call: Call) -> JSON:
    key, value = call.text("tagKey"), call.text("tagValue")
    tokens = {p.token for p in call.state.projects_in(call.scope) if value in p.tags.get(key, [])}
    found = [a for a in call.state.alerts_in(call.scope) if a.project_token in tokens]
    return {"apiAlertInfo": [render.alert(call.state, a) for a in found]}


def alerts_by_type(call: Call) -> JSON:
    kind = call.text("alertType")
    start = parse_time(call.text("fromDate"), "fromDate") if "fromDate" in call.body else None
    end = parse_time(call.text("toDate"), "toDate") if "toDate" in call.body else None
    found = [
        a
        for a in call.state.alerts_in(call.scope)
        if a.type == kind and (start is None or a.created >= start) and (end is None or a.created <= end)
    ]
    return {"apiAlertInfo": [render.alert(call.state, a) for a in found]}


def ignored_alerts(call: Call) -> JSON:
    return {"alerts": [render.alert(call.state, a) for a in call.state.alerts_in(call.scope, "IGNORED")]}


def changes(call: Call) -> JSON:
    start = parse_time(call.text("startDateTime"), "startDateTime") if "startDateTime" in call.body else None
    found = [c for c in call.state.changes if start is None or c.at >= start]
    return {"changes": [render.change(c) for c in found]}


# -- licenses and libraries --------------------------------------------------------------------------------------


def licenses(call: Call) -> JSON:
    return {"libraries": [render.licensed_library(lib) for lib in call.state.libraries_in(call.scope)]}


def license_histogram(call: Call) -> JSON:
    counts = Counter(name for lib in call.state.libraries_in(call.scope) for name in lib.licenses)
    return {"licenseHistogram": dict(sorted(counts.items()))}


def license_catalogue(call: Call) -> JSON:
    """getLicenses: the licenses of the organization's libraries (no documented shape; see mock docstring)."""
    names = sorted({name for lib in call.state.libraries_in(call.scope) for name in lib.licenses})
    return {"licenses": [render.license_object(name) for name in names], "message": "Organization licenses"}


def in_house_libraries(call: Call) -> JSON:
    rows = []
    for project, _usage, lib in call.state.usages_in(call.scope):
        if lib.in_house is None:
            continue
        product = call.state.product_of(project)
        row = {"matchType": lib.in_house, "comment" if lib.in_house == "manual" else "pattern": lib.in_house_note}
        row |= {k: v for k, v in render.library(lib).items() if k in IN_HOUSE_FIELDS}
        row |= {"productName": product.name, "productToken": product.token}
        rows.append(row | {"projectName": project.name, "projectToken": project.token})
    return {"libraries": rows}


IN_HOUSE_FIELDS = ("keyUuid", "filename", "groupId", "artifactId", "version", "sha1", "type", "description")


def project_inventory(call: Call) -> JSON:
    project = call.project
    with_in_house = call.flag("includeInHouseData", True)
    libraries = [
        render.inventory_library(call.state.libraries[u.key_id], u)
        for u in project.usages
        if with_in_house or call.state.libraries[u.key_id].in_house is None
    ]
    return {"projectVitals": render.project_vitals(call.state, project), "libraries": libraries}


def hierarchy(call: Call) -> JSON:
    project = call.project
    with_in_house = call.flag("includeInHouseData", True)
    usages = [u for u in project.usages if with_in_house or call.state.libraries[u.key_id].in_house is None]
    present = {u.key_id for u in usages}
    children: dict[int, list[model.Usage]] = {}
    for usage in usages:
        if usage.parent is not None and usage.parent in present:
            children.setdefault(usage.parent, []).append(usage)

    def build(usage: model.Usage, depth: int) -> JSON:
        result = render.node(call.state.libraries[usage.key_id])
        kids = [build(k, depth + 1) for k in children.get(usage.key_id, [])] if depth < 8 else []
        return result | ({"dependencies": kids} if kids else {})

    roots = [u for u in usages if u.parent is None or u.parent not in present]
    return {"libraries": [build(u, 0) for u in roots]}


def _project_library(call: Call) -> model.Library:
    key = call.body.get("keyUuid")
    lib = call.state.library(key)
    if lib is None or all(u.key_id != lib.key_id for u in call.project.usages):
        raise MendFailure(NOT_FOUND, f"Library {key!r} was not found in project {call.project.name}")
    return lib


def source_files(call: Call) -> JSON:
    lib = _project_library(call)
    return {"sourceFiles": [{"sha1": f.sha1, "name": f.name, "path": f.path} for f in lib.source_files]}


def dependencies(call: Call) -> JSON:
    lib = _project_library(call)
    extension = lib.filename.rsplit(".", 1)[-1]
    nodes = []
    for usage in call.project.usages:
        if usage.parent == lib.key_id:
            child = call.state.libraries[usage.key_id]
            entry = {k: v for k, v in render.node(child).items() if k not in ("coordinates", "filename", "type")}
            entry |= {"classifier": "", "scope": "COMPILE", "extension": extension, "dependencies": []}
            nodes.append(entry | {"licenses": [render.license_object(n) for n in child.licenses]})
    return {"dependencies": [nodes] if nodes else []}


def custom_attribute_values(call: Call) -> JSON:
    state = call.state
    keys = {lib.key_id for lib in state.libraries_in(call.scope)}
    contexts: dict[str, tuple[int, str]] = {state.org.token: (state.org.id, state.org.name)}
    for product in state.products_in(call.scope):
        contexts[product.token] = (product.id, product.name)
    for project in state.projects_in(call.scope):
        contexts[project.token] = (project.id, project.name)
    grouped: dict[int, list[JSON]] = {}
    for value in state.attributes:
        if value.key_id in keys and value.context_token in contexts:
            context_id, context_name = contexts[value.context_token]
            entry = {value.name: value.value, "context": value.context, "contextId": context_id}
            entry |= {"contextToken": value.context_token, "contextName": context_name}
            grouped.setdefault(value.key_id, []).append(entry)
    return {"customAttributeValues": [{state.libraries[k].key_uuid: v} for k, v in grouped.items()]}


def library_locations(call: Call) -> JSON:
    found: dict[int, JSON] = {}
    project_level = call.scope.project is not None
    for _project, usage, lib in call.state.usages_in(call.scope):
        entry = found.setdefault(lib.key_id, {"name": lib.name, "keyId": lib.key_id, "keyUuid": lib.key_uuid})
        location = {"path": usage.path, "matchType": usage.match_type}
        if project_level:
            location["dependencyFile"] = usage.dependency_file
        entry.setdefault("locations", []).append(location)
    return {"libraryLocations": list(found.values())}


# -- organization, products, projects --------------------------------------------------------------------------


def organization_details(call: Call) -> JSON:
    state = call.state
    return {
        "orgName": state.org.name,
        "orgToken": state.org.token,
        "creationDate": stamp(state.org.created),
        "numberOfProducts": str(len(state.products)),
        "numberOfProjects": str(len(state.projects)),
        "numberOfGroups": str(len(state.groups)),
        "numberOfUsers": str(len(state.humans())),
    }


def all_organizations(call: Call) -> JSON:
    orgs = [(call.state.org.name, call.state.org.token), *call.state.org.siblings]
    return {"organizations": [{"orgName": name, "orgToken": token} for name, token in orgs], "message": "Success"}


def all_products(call: Call) -> JSON:
    products = call.state.products.values()
    return {"products": [{"productName": p.name, "productToken": p.token} for p in products], "message": "Success"}


def all_projects(call: Call) -> JSON:
    projects = call.state.projects_in(call.scope)
    return {"projects": [{"projectName": p.name, "projectToken": p.token} for p in projects], "message": "Success"}


def project_vitals(call: Call) -> JSON:
    return {"projectVitals": [render.project_vitals(call.state, p) for p in visible_projects(call)]}


def product_vitals(call: Call) -> JSON:
    state = call.state
    products = [p for p in state.products.values() if state.is_org_admin(call.user) or state.administers(call.user, p)]
    return {"productVitals": [render.product_vitals(p) for p in products]}


def product_tags(call: Call) -> JSON:
    return {"productTags": [render.tags(p) for p in call.state.products_in(call.scope)]}


def project_tags(call: Call) -> JSON:
    return {"projectTags": [render.tags(p) for p in call.state.projects_in(call.scope)]}


def project_state(call: Call) -> JSON:
    project = call.project
    latest = call.state.requests.get(project.requests[-1]) if project.requests else None
    status = call.state.request_state(latest, call.now) if latest is not None else "FINISHED"
    busy = status in ("IN_PROGRESS", "UPDATED")
    state = {"lastProcess": "UPDATE" if busy else project.last_process, "inProgress": busy}
    return {"projectState": state | {"date": day(project.updated), "lastUpdatedDateTime": stamp(project.updated)}}


def request_state(call: Call) -> JSON:
    request = call.state.requests.get(call.text("requestToken"))
    visible = request is not None and request.project_token in {p.token for p in visible_projects(call)}
    status = call.state.request_state(request, call.now) if request is not None and visible else "UNKNOWN"
    return {"requestState": status, "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(call.now))}


def unknown_request_state(now: float) -> JSON:
    """getRequestState with an invalid orgToken: documented as requestState UNKNOWN, not as an error."""
    return {"requestState": "UNKNOWN", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}


def last_modification(call: Call) -> JSON:
    project = call.project
    token = project.requests[-1] if project.requests else ""
    extra = {"requestToken": token} if token else {}
    changed = [c.at for c in call.state.changes if c.project_id == project.id]
    plugin, _, version = (project.plugin or "api").partition(":")
    scan = extra | {"pluginName": plugin, "pluginVersion": version or "1.0", "requesterEmail": project.uploaded_by}
    times = (
        ("ALERTS", project.updated, extra),
        ("INVENTORY", project.updated, extra),
        ("METADATA", max(changed, default=project.created), extra),
        ("SCAN", project.updated, scan),
    )
    modifications = [
        {"projectId": project.id, "modificationType": kind, "lastModified": stamp(at), "extraData": dict(data)}
        for kind, at, data in times
    ]
    answer: JSON = {
        "project": {"projectId": project.id, "projectName": project.name, "projectToken": project.token},
        "projectLastModifications": modifications,
    }
    if "format" in call.body:  # as documented: the field is answered with a warning
        answer["warningMessages"] = ["Invalid input: format"]
    return answer
