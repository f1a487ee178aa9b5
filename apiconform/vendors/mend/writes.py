"""Answers of the write requestTypes on the hierarchy: alerts, tags, products, projects, libraries, settings.

Each write changes the state that later reads show and logs a change-log entry (getChangesReport).
"""

from __future__ import annotations

from typing import Any

from apiconform.vendors.mend import model
from apiconform.vendors.mend.call import (
    ALREADY_EXISTS,
    CONFLICT,
    INVALID_REQUEST,
    NOT_FOUND,
    NOT_PERMITTED,
    Call,
    MendFailure,
)

JSON = dict[str, Any]


def ignore_alerts(call: Call) -> JSON:
    state = call.state
    uuids = [u for u in call.items("alertUuids") if isinstance(u, str)]
    if not uuids:  # at least one in the contract (MEND-97)
        raise MendFailure(INVALID_REQUEST, "alertUuids must name at least one alert")
    found: list[model.Alert] = []
    for uuid in uuids:
        alert = state.alerts.get(uuid.lower())
        if alert is None:
            raise MendFailure(NOT_FOUND, f"Alert {uuid} was not found")
        product = state.product_of(state.projects[alert.project_token])
        if not state.administers(call.user, product):
            raise MendFailure(NOT_PERMITTED, f"User may not ignore alerts of product {product.name}")
        if alert.status == "RESOLVED":
            raise MendFailure(CONFLICT, f"Alert {uuid} is resolved and cannot be ignored")
        found.append(alert)
    comments = call.text("comments")
    for alert in found:
        before = alert.status  # ignoring an ignored alert again is allowed: it only sets the comment
        alert.status, alert.comments, alert.modified = "IGNORED", comments, call.now
        project = state.projects[alert.project_token]
        lib = state.libraries[alert.key_id]
        state.log(
            call.now,
            call.user,
            project,
            category="ALERTS",
            type="IGNORE_ALERT",
            scope="LIBRARY",
            scope_name=lib.filename,
            scope_id=lib.key_id,
            before=[before],
            after=["IGNORED"],
            comment=comments,
        )
    return {"message": "Successfully ignored alerts"}


def _tag(call: Call) -> tuple[str, str]:
    key = call.required_text("tagKey")
    return key, call.text("tagValue")


def save_product_tag(call: Call) -> JSON:
    product = call.product
    key, value = _tag(call)
    values = product.tags.setdefault(key, [])
    if value not in values:
        values.append(value)
    product.updated = call.now
    return {"productTagsInfo": {"name": product.name, "token": product.token, "tags": {key: value}}}


def remove_product_tag(call: Call) -> JSON:
    product = call.product
    key, value = _tag(call)
    _remove(product.tags, key, value, product.name)
    product.updated = call.now
    return {"message": "Successfully removed product tag"}


def save_project_tag(call: Call) -> JSON:
    project = call.project
    key, value = _tag(call)
    values = project.tags.setdefault(key, [])
    if value not in values:
        values.append(value)
        call.state.log(call.now, call.user, project, type="PROJECT_TAG", change_type="ADDED", after=[f"{key}:{value}"])
    return {"projectTags": {"name": project.name, "token": project.token, "tags": {key: value}}}


def remove_project_tag(call: Call) -> JSON:
    project = call.project
    key, value = _tag(call)
    _remove(project.tags, key, value, project.name)
    call.state.log(call.now, call.user, project, type="PROJECT_TAG", change_type="REMOVED", before=[f"{key}:{value}"])
    # The document's example {"successfully removed project tag"} is no JSON (quirk MEND-93); a Mend answer is a JSON
    # object, and the product counterpart (removeProductTag) answers {"message": ...}: so does this one.
    return {"message": "Successfully removed project tag"}


def _remove(tags: dict[str, list[str]], key: str, value: str, owner: str) -> None:
    if value not in tags.get(key, []):
        raise MendFailure(NOT_FOUND, f"Tag {key}:{value} was not found on {owner}")
    tags[key].remove(value)
    if not tags[key]:
        del tags[key]


def create_product(call: Call) -> JSON:
    name = call.required_text("productName")
    if any(p.name == name for p in call.state.products.values()):
        raise MendFailure(ALREADY_EXISTS, f"Product {name} already exists")
    product = call.state.add_product(name, call.now)
    product.roles = {"ADMIN": model.Roles([call.user.id], [])}
    return {"productToken": product.token, "message": f"Successfully created product {name}"}


def delete_product(call: Call) -> JSON:
    product: model.Product = call.extra["productToken"]
    call.state.remove_product(product)
    return {"message": f"Successfully deleted product {product.name}"}


def create_project(call: Call) -> JSON:
    product = call.product
    name = call.required_text("projectName")
    if any(p.name == name and p.product_token == product.token for p in call.state.projects.values()):
        raise MendFailure(ALREADY_EXISTS, f"Project {name} already exists in product {product.name}")
    project = call.state.add_project(product, name, call.text("projectDescription"), call.now, call.user.email)
    call.state.log(
        call.now, call.user, project, category="INVENTORY", type="PROJECT", change_type="ADDED", after=[name]
    )
    return {"projectToken": project.token, "message": f"Successfully created project {name}"}


def delete_project(call: Call) -> JSON:
    project: model.Project = call.extra["projectToken"]
    product = call.product
    if project.product_token != product.token:
        raise MendFailure(CONFLICT, f"Project {project.name} does not belong to product {product.name}")
    call.state.remove_project(project)
    return {"message": f"Successfully deleted project {project.name}"}


def change_origin_library(call: Call) -> JSON:
    state = call.state
    target = state.library(call.required_text("targetKeyUuid"))
    if target is None:
        raise MendFailure(NOT_FOUND, f"Library {call.text('targetKeyUuid')!r} was not found")
    owners: dict[str, tuple[model.Library, model.SourceFile]] = {
        f.sha1: (lib, f) for lib in state.libraries.values() for f in lib.source_files
    }
    moves = []
    for sha1 in call.items("sourceFiles"):
        if not isinstance(sha1, str) or sha1 not in owners:
            raise MendFailure(NOT_FOUND, f"Source file {sha1!r} was not found")
        moves.append(owners[sha1])
    for source, file in moves:
        if source is not target:
            source.source_files.remove(file)
            target.source_files.append(file)
            state.log(
                call.now,
                call.user,
                None,
                type="SOURCE_MATCHING",
                scope="SOURCE_FILE",
                scope_name=file.name,
                scope_id=target.key_id,
                before=[source.description],
                after=[target.description],
                comment=call.text("userComments"),
            )
    return {"message": "Successfully changed origin library"}


def set_notification_config(call: Call) -> JSON:
    """Any action the contract admits is stored as sent: the three documented values and the template the document's
    example sends ("notification_ENABLED|DISABLED|CUSTOM", MEND-91), which is answered like a value, as the alertType
    placeholder "alert_type" is (MEND-13). The contract requires both regexes with CUSTOM; an empty one is a valid
    regex."""
    action = call.text("action")
    config = {"action": action}
    for field in ("projectTagKeyRegex", "projectTagValueRegex"):
        if field in call.body:
            config[field] = call.text(field)
    call.state.org.notification = config
    return {"message": "Successfully changed project setup completion notification configuration"}


def invite_to_web_advisor(call: Call) -> JSON:
    email = call.required_text("userEmail")
    if email not in call.state.org.web_advisor_invites:
        call.state.org.web_advisor_invites.append(email)
    return {"message": "Successfully invited external user"}
