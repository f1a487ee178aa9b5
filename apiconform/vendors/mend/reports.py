"""Report requestTypes: tables built from the state, answered as xlsx (or JSON when "format": "json" is asked
for and the variant lists application/json), plus the risk report PDF.

Filenames follow the documents' patterns (`<scope name>.xlsx`, `response.xlsx`, `<a>-<b>-product-comparison.xlsx`,
...), with the extension of the content actually sent (the documents write ".xslx").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apiconform.vendors.mend import render
from apiconform.vendors.mend.call import Call, FileAnswer
from apiconform.vendors.mend.files import XLSX, Cell, pdf, xlsx
from apiconform.vendors.mend.seed import LICENSE_BY_NAME
from apiconform.vendors.mend.state import Scope, day, stamp

Row = dict[str, Cell]


@dataclass(frozen=True)
class Table:
    sheet: str
    columns: tuple[tuple[str, str], ...]  # (header, JSON key)
    rows: list[Row]
    json_key: str = "rows"


def _cols(*pairs: str) -> tuple[tuple[str, str], ...]:
    """'Header=key' pairs."""
    return tuple((p.split("=")[0], p.split("=")[1]) for p in pairs)


def _vuln_rows(call: Call) -> list[Row]:
    rows: list[Row] = []
    for project, _usage, lib in call.state.usages_in(call.scope):
        product = call.state.product_of(project)
        for vuln in lib.vulnerabilities:
            rows.append(
                {
                    "name": vuln.name,
                    "severity": vuln.severity,
                    "score": vuln.score,
                    "cvss3_severity": vuln.cvss3_severity,
                    "cvss3_score": vuln.cvss3_score,
                    "library": lib.filename,
                    "project": project.name,
                    "product": product.name,
                    "publishDate": vuln.published,
                    "topFix": f"Upgrade to version {vuln.fix_version}",
                }
            )
    return rows


VULN_COLS = _cols(
    "Vulnerability=name",
    "Severity=severity",
    "Score=score",
    "CVSS 3 Severity=cvss3_severity",
    "CVSS 3 Score=cvss3_score",
    "Library=library",
    "Project=project",
    "Product=product",
    "Publish Date=publishDate",
    "Top Fix=topFix",
)


def inventory(call: Call) -> Table:
    counts = Counter(u.key_id for _p, u, _l in call.state.usages_in(call.scope))
    rows: list[Row] = []
    for lib in call.state.libraries_in(call.scope):
        row: Row = {"name": lib.name, "version": lib.version, "groupId": lib.group_id, "artifactId": lib.artifact_id}
        rows.append(
            row
            | {
                "type": lib.type,
                "licenses": ", ".join(lib.licenses),
                "occurrences": counts[lib.key_id],
                "sha1": lib.sha1,
            }
        )
    cols = _cols(
        "Library=name",
        "Version=version",
        "Group ID=groupId",
        "Artifact ID=artifactId",
        "Type=type",
        "Licenses=licenses",
        "Occurrences=occurrences",
        "SHA1=sha1",
    )
    return Table("Inventory", cols, rows, "libraries")


def vulnerabilities(call: Call) -> Table:
    return Table("Vulnerabilities", VULN_COLS, _vuln_rows(call), "vulnerabilities")


def container_vulnerabilities(call: Call) -> Table:
    rows = [r | {"image": f"registry.acme.example/{r['product']}/{r['project']}:latest"} for r in _vuln_rows(call)]
    return Table("Container Vulnerabilities", (*VULN_COLS, ("Image", "image")), rows, "vulnerabilities")


def cluster_vulnerabilities(call: Call) -> Table:
    rows = [r | {"cluster": r["product"], "namespace": r["project"]} for r in _vuln_rows(call)]
    cols = (*VULN_COLS, ("Cluster", "cluster"), ("Namespace", "namespace"))
    return Table("Cluster Vulnerabilities", cols, rows, "vulnerabilities")


def source_files(call: Call) -> Table:
    rows: list[Row] = [
        {"name": f.name, "sha1": f.sha1, "path": f.path, "library": lib.filename, "project": project.name}
        for project, _usage, lib in call.state.usages_in(call.scope)
        for f in lib.source_files
    ]
    cols = _cols("File Name=name", "SHA1=sha1", "Path=path", "Library=library", "Project=project")
    return Table("Source Files", cols, rows, "sourceFiles")


def _alert_rows(call: Call, status: str) -> list[Row]:
    rows: list[Row] = []
    for alert in call.state.alerts_in(call.scope, status):
        lib = call.state.libraries[alert.key_id]
        rows.append(
            {
                "type": alert.type,
                "level": alert.level,
                "library": lib.filename,
                "project": call.state.projects[alert.project_token].name,
                "description": alert.description,
                "date": day(alert.created),
                "alertUuid": alert.uuid,
                "comments": alert.comments,
            }
        )
    return rows


ALERT_COLS = _cols(
    "Alert Type=type",
    "Level=level",
    "Library=library",
    "Project=project",
    "Description=description",
    "Date=date",
    "Alert UUID=alertUuid",
)


def alerts(call: Call) -> Table:
    return Table("Alerts", ALERT_COLS, _alert_rows(call, "ACTIVE"), "alerts")


def ignored_alerts(call: Call) -> Table:
    return Table("Ignored Alerts", (*ALERT_COLS, ("Comments", "comments")), _alert_rows(call, "IGNORED"), "alerts")


def resolved_alerts(call: Call) -> Table:
    return Table("Resolved Alerts", ALERT_COLS, _alert_rows(call, "RESOLVED"), "alerts")


def attributes(call: Call) -> Table:
    keys = {lib.key_id for lib in call.state.libraries_in(call.scope)}
    rows: list[Row] = [
        {
            "library": call.state.libraries[a.key_id].filename,
            "attribute": a.name,
            "value": a.value,
            "context": a.context,
        }
        for a in call.state.attributes
        if a.key_id in keys
    ]
    return Table("Attributes", _cols("Library=library", "Attribute=attribute", "Value=value", "Context=context"), rows)


def locations(call: Call) -> Table:
    rows: list[Row] = [
        {
            "library": lib.filename,
            "project": p.name,
            "path": u.path,
            "dependencyFile": u.dependency_file,
            "matchType": u.match_type,
        }
        for p, u, lib in call.state.usages_in(call.scope)
    ]
    cols = _cols(
        "Library=library", "Project=project", "Path=path", "Dependency File=dependencyFile", "Match Type=matchType"
    )
    return Table("Library Locations", cols, rows, "libraryLocations")


def due_diligence(call: Call) -> Table:
    rows: list[Row] = []
    for lib in call.state.libraries_in(call.scope):
        for name in lib.licenses or ("",):
            info = LICENSE_BY_NAME.get(name)
            rows.append(
                {
                    "library": lib.filename,
                    "version": lib.version,
                    "license": name,
                    "copyright": f"Copyright (c) {2000 + lib.key_id % 24} {lib.group_id} contributors",
                    "copyleft": info.copyleft if info else "",
                    "riskScore": info.copyright_risk if info else "",
                }
            )
    cols = _cols(
        "Library=library",
        "Version=version",
        "License=license",
        "Copyright=copyright",
        "Copyleft=copyleft",
        "Risk Score=riskScore",
    )
    return Table("Due Diligence", cols, rows, "licenses")


def effective_licenses(call: Call) -> Table:
    rows: list[Row] = [
        {
            "library": lib.filename,
            "licenses": ", ".join(lib.licenses),
            "effective": lib.licenses[0] if len(lib.licenses) == 1 else "Requires review",
        }
        for lib in call.state.libraries_in(call.scope)
    ]
    return Table("Effective Licenses", _cols("Library=library", "Licenses=licenses", "Effective=effective"), rows)


def bugs(call: Call) -> Table:
    rows: list[Row] = [
        {
            "library": lib.filename,
            "bug": f"BUG-{lib.key_id % 100000}",
            "resolution": f"Upgrade to version {lib.newer_minor or lib.newer_major}",
        }
        for lib in call.state.libraries_in(call.scope)
        if lib.newer_minor or lib.newer_major
    ]
    return Table("Bugs", _cols("Library=library", "Bug=bug", "Resolution=resolution"), rows)


def _request_rows(call: Call) -> list[Row]:
    tokens = {p.token: p for p in call.state.projects_in(call.scope)}
    return [
        {
            "requestToken": r.token,
            "project": tokens[r.project_token].name,
            "plugin": r.plugin,
            "requester": r.requester,
            "submitted": stamp(r.submitted),
            "state": call.state.request_state(r, call.now),
        }
        for r in call.state.requests.values()
        if r.project_token in tokens
    ]


REQUEST_COLS = _cols(
    "Request Token=requestToken",
    "Project=project",
    "Plugin=plugin",
    "Requester=requester",
    "Submitted=submitted",
    "State=state",
)


def request_history(call: Call) -> Table:
    return Table("Request History", REQUEST_COLS, _request_rows(call))


def plugin_request_history(call: Call) -> Table:
    return Table("Plugin Request History", REQUEST_COLS, _request_rows(call))


def members(call: Call) -> Table:
    state = call.state
    roles = state.org.roles if call.scope.product is None and call.scope.project is None else call.product.roles
    rows: list[Row] = []
    for role, holders in roles.items():
        for user_id in state.role_users(holders):
            person = state.users[user_id]
            rows.append({"name": person.name, "email": person.email, "role": role})
    return Table("Members", _cols("Name=name", "Email=email", "Role=role"), rows)


def comparison(call: Call) -> Table:
    other = call.extra.get("productToken2") or call.extra.get("projectToken2")
    second = Scope(call.scope.level, product=other) if call.scope.project is None else Scope("project", project=other)
    mine = {lib.package: lib.version for lib in call.state.libraries_in(call.scope)}
    theirs = {lib.package: lib.version for lib in call.state.libraries_in(second)}
    rows: list[Row] = [
        {"library": p, "first": mine.get(p, ""), "second": theirs.get(p, "")} for p in {**mine, **theirs}
    ]
    first_name, second_name = call.state.scope_name(call.scope), call.state.scope_name(second)
    return Table("Comparison", (("Library", "library"), (first_name, "first"), (second_name, "second")), rows)


def in_house(call: Call) -> Table:
    rows: list[Row] = [
        {"library": lib.filename, "matchType": lib.in_house, "note": lib.in_house_note, "project": p.name}
        for p, _u, lib in call.state.usages_in(call.scope)
        if lib.in_house
    ]
    return Table("In-House", _cols("Library=library", "Match Type=matchType", "Comment=note", "Project=project"), rows)


def license_compatibility(call: Call) -> Table:
    names = sorted({n for lib in call.state.libraries_in(call.scope) for n in lib.licenses})
    rows: list[Row] = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            kinds = {LICENSE_BY_NAME[n].copyleft if n in LICENSE_BY_NAME else "NO" for n in (first, second)}
            verdict = "Incompatible" if kinds == {"FULL", "PARTIAL"} else "Review" if "FULL" in kinds else "Compatible"
            rows.append({"first": first, "second": second, "compatibility": verdict})
    return Table("License Compatibility", _cols("License=first", "License=second", "Compatibility=compatibility"), rows)


def change_log(call: Call) -> Table:
    rows: list[Row] = [
        {
            "date": stamp(c.at),
            "category": c.category,
            "changeType": c.change_type,
            "scopeName": c.scope_name,
            "user": c.user_email,
            "project": c.project_name,
            "comment": c.comment,
        }
        for c in call.state.changes
    ]
    cols = _cols(
        "Date=date",
        "Category=category",
        "Change=changeType",
        "Scope=scopeName",
        "User=user",
        "Project=project",
        "Comment=comment",
    )
    return Table("Change Log", cols, rows)


Builder = Callable[[Call], Table]


def answer(call: Call, build: Builder, filename: str) -> FileAnswer | dict[str, Any]:
    table = build(call)
    if call.wants_json():
        if table.json_key == "libraries":  # the inventory: the documented library shape of the Licenses calls
            items: list[Any] = [render.licensed_library(lib) for lib in call.state.libraries_in(call.scope)]
        else:
            items = [dict(row) for row in table.rows]
        return {table.json_key: items, "message": f"{table.sheet} report"}
    rows = [[row.get(key) for _header, key in table.columns] for row in table.rows]
    return FileAnswer(xlsx(table.sheet, [h for h, _k in table.columns], rows), XLSX, filename)


def risk_report(call: Call) -> FileAnswer:
    state = call.state
    libraries = state.libraries_in(call.scope)
    severities = Counter(v.severity for lib in libraries for v in lib.vulnerabilities)
    copyleft = Counter(LICENSE_BY_NAME[n].copyleft for lib in libraries for n in lib.licenses if n in LICENSE_BY_NAME)
    worst = sorted(libraries, key=lambda lib: -max((v.score for v in lib.vulnerabilities), default=0))[:10]
    lines = [
        f"Generated {stamp(call.now)} for {state.scope_name(call.scope)}",
        "",
        f"Libraries: {len(libraries)}   Projects: {len(state.projects_in(call.scope))}",
        f"Vulnerabilities: high {severities['high']}, medium {severities['medium']}, low {severities['low']}",
        f"Licenses: copyleft {copyleft['FULL']}, partial copyleft {copyleft['PARTIAL']}, permissive {copyleft['NO']}",
        f"Open alerts: {len(state.alerts_in(call.scope))}",
        "",
        "Most vulnerable libraries:",
        *(f"  {lib.filename}: {len(lib.vulnerabilities)} vulnerabilities" for lib in worst if lib.vulnerabilities),
    ]
    return FileAnswer(
        pdf(f"Risk Report - {state.scope_name(call.scope)}", lines),
        "application/pdf",
        f"{state.scope_name(call.scope)}.pdf",
    )
