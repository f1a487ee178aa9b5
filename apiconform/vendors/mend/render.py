"""Entities in Mend's JSON shapes (the objects of components/schemas in specs/mend.yaml)."""

from __future__ import annotations

from typing import Any

from apiconform.vendors.mend import model
from apiconform.vendors.mend.seed import LICENSE_BY_NAME
from apiconform.vendors.mend.state import MendState, day, stamp

JSON = dict[str, Any]


def license_object(name: str) -> JSON:
    info = LICENSE_BY_NAME.get(name)
    if info is None:
        return {"name": name}
    profile = {
        "copyrightRiskScore": info.copyright_risk,
        "patentRiskScore": info.patent_risk,
        "copyleft": info.copyleft,
        "linking": info.linking,
        "royaltyFree": info.royalty_free,
    }
    return {"name": info.name, "url": info.url, "profileInfo": profile}


def references(library: model.Library) -> JSON:
    refs = {
        "url": library.homepage,
        "scmUrl": f"https://github.com/{library.group_id.lstrip('@')}/{library.artifact_id}",
        "downloadLink": f"{library.homepage}/download/{library.filename}",
    }
    if library.type == "MAVEN_ARTIFACT":
        refs["pomUrl"] = f"{library.homepage}/{library.version}/{library.artifact_id}-{library.version}.pom"
    return refs


def fix(vuln: model.Vulnerability) -> JSON:
    return {
        "vulnerability": vuln.name,
        "type": "UPGRADE_VERSION",
        "origin": vuln.fix_origin,
        "url": vuln.fix_url,
        "fixResolution": f"Upgrade to version {vuln.fix_version}",
        "date": vuln.published,
        "message": f"Fixed in {vuln.fix_version}",
        "extraData": f"key=fixVersion&value={vuln.fix_version}",
    }


def vulnerability(vuln: model.Vulnerability) -> JSON:
    return {
        "name": vuln.name,
        "type": vuln.kind,
        "severity": vuln.severity,
        "score": vuln.score,
        "cvss3_severity": vuln.cvss3_severity,
        "cvss3_score": vuln.cvss3_score,
        "scoreMetadataVector": vuln.vector,
        "publishDate": vuln.published,
        "url": f"https://nvd.nist.gov/vuln/detail/{vuln.name}",
        "description": vuln.description,
        "topFix": fix(vuln),
        "allFixes": [fix(vuln)],
        "fixResolutionText": f"Upgrade to version {vuln.fix_version}",
    }


def _identity(lib: model.Library) -> JSON:
    """The identity fields every library object in Mend's answers carries (alerts, inventory, licenses, trees)."""
    return {
        "keyUuid": lib.key_uuid,
        "keyId": lib.key_id,
        "filename": lib.filename,
        "name": lib.name,
        "groupId": lib.group_id,
        "artifactId": lib.artifact_id,
        "version": lib.version,
        "sha1": lib.sha1,
    }


def library(lib: model.Library, *, comments: str | None = None) -> JSON:
    """The library object of alerts: every field the alert responses require, with License objects."""
    result: JSON = {
        **_identity(lib),
        "type": lib.type,
        "description": lib.description,
        "references": references(lib),
        "licenses": [license_object(name) for name in lib.licenses],
    }
    if comments is not None:
        result["comments"] = comments
    return result


def alert(state: MendState, item: model.Alert) -> JSON:
    lib = state.libraries[item.key_id]
    project = state.projects[item.project_token]
    result: JSON = {
        "type": item.type,
        "level": item.level,
        "library": library(lib, comments=item.comments if item.status == "IGNORED" else None),
        "project": project.name,
        "directDependency": item.direct,
        "description": item.description,
        "date": day(item.created),
        "time": int(item.created * 1000),
        "alertUuid": item.uuid,
    }
    if item.vulnerability is not None:
        result["vulnerability"] = vulnerability(item.vulnerability)
    return result


def licensed_library(lib: model.Library) -> JSON:
    return {
        "licenses": list(lib.licenses),
        **_identity(lib),
        "languages": lib.language,
        "references": {"url": lib.homepage, "downloadLink": references(lib)["downloadLink"]},
    }


def inventory_library(lib: model.Library, usage: model.Usage) -> JSON:
    return {
        **_identity(lib),
        "type": lib.type,
        "references": references(lib),
        "licenses": [license_object(name) for name in lib.licenses],
        "vulnerabilities": [vulnerability(v) for v in lib.vulnerabilities],
        "outdated": bool(lib.newer_major or lib.newer_minor),
        "matchType": usage.match_type,
    }


def node(lib: model.Library) -> JSON:
    """A dependency-tree node (getProjectHierarchy / getProjectLibraryDependencies), without children."""
    return {
        **_identity(lib),
        "type": lib.type,
        "coordinates": f"{lib.group_id}:{lib.artifact_id}:{lib.version}",
    }


def project_vitals(state: MendState, project: model.Project) -> JSON:
    return {
        "pluginName": project.plugin or "api",
        "productName": state.product_of(project).name,
        "name": project.name,
        "token": project.token,
        "uploadedBy": project.uploaded_by,
        "creationDate": stamp(project.created),
        "lastUpdatedDate": stamp(project.updated),
    }


def product_vitals(product: model.Product) -> JSON:
    return {
        "name": product.name,
        "token": product.token,
        "creationDate": stamp(product.created),
        "lastUpdatedDate": stamp(product.updated),
    }


def tags(entity: model.Product | model.Project) -> JSON:
    return {"name": entity.name, "token": entity.token, "tags": {k: list(v) for k, v in entity.tags.items()}}


def user(item: model.User) -> JSON:
    return {"id": item.id, "email": item.email, "name": item.name}


def group(state: MendState, item: model.Group) -> JSON:
    members = [state.users[m] for m in item.members if m in state.users and state.users[m].active]
    return {"id": item.id, "name": item.name, "description": item.description, "users": [user(u) for u in members]}


def change(item: model.Change) -> JSON:
    return {
        "startDateTime": stamp(item.at),
        "category": item.category,
        "type": item.type,
        "changeType": item.change_type,
        "scope": item.scope,
        "scopeName": item.scope_name,
        "scopeId": item.scope_id,
        "beforeChange": item.before,
        "afterChange": item.after,
        "operator": item.operator,
        "userEmail": item.user_email,
        "productId": item.product_id,
        "productName": item.product_name,
        "projectId": item.project_id,
        "projectName": item.project_name,
        "comment": item.comment,
    }


def policy(item: model.Policy) -> JSON:
    return {
        "id": item.id,
        "name": item.name,
        "priority": item.priority,
        "enabled": item.enabled,
        "filter": item.filter,
        "action": item.action,
        "creationTime": stamp(item.created),
    }
