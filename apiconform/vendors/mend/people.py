"""Answers about people and rules: users, groups, role assignments, service users, policies."""

from __future__ import annotations

import math
from typing import Any

from apiconform.vendors.mend import model, render
from apiconform.vendors.mend.call import ALREADY_EXISTS, CONFLICT, INVALID_REQUEST, NOT_FOUND, Call, MendFailure

JSON = dict[str, Any]
ORGANIZATION_ROLES = {
    "administrators": "ADMIN",
    "alertsEmailReceivers": "ALERT_EMAIL_RECEIVER",
    "defaultApprover": "DEFAULT_APPROVER",
}
PRODUCT_ROLES = {
    "productAdmins": "ADMIN",
    "alertsEmailReceivers": "ALERT_EMAIL_RECEIVER",
    "productMembership": "MEMBER",
    "productApprovers": "DEFAULT_APPROVER",
    "productIntegrators": "PRODUCT_INTEGRATOR",
}


def _user(call: Call, reference: object) -> model.User:
    email = reference.get("email") if isinstance(reference, dict) else None
    user = call.state.user_by_email(email) if isinstance(email, str) else None
    if user is None:
        raise MendFailure(NOT_FOUND, f"User {email!r} was not found in organization {call.state.org.name}")
    return user


def _group(call: Call, reference: object) -> model.Group:
    name = reference.get("name") if isinstance(reference, dict) else None
    group = call.state.group_by_name(name) if isinstance(name, str) else None
    if group is None:
        raise MendFailure(NOT_FOUND, f"Group {name!r} was not found in organization {call.state.org.name}")
    return group


# -- users and groups ------------------------------------------------------------------------------------------


def all_users(call: Call) -> JSON:
    return {"users": [render.user(u) for u in call.state.humans()], "message": "Organization users"}


def all_groups(call: Call) -> JSON:
    groups = [render.group(call.state, g) for g in call.state.groups.values()]
    return {"groups": groups, "message": "Organization groups"}


def create_group(call: Call) -> JSON:
    name = call.obj("group").get("name")
    if not isinstance(name, str) or not name:  # required and non-empty in the contract (MEND-100)
        raise MendFailure(INVALID_REQUEST, "group.name is required")
    if call.state.group_by_name(name) is not None:
        raise MendFailure(ALREADY_EXISTS, f"Group {name} already exists")
    group = call.state.add_group(name)
    return {"group": render.group(call.state, group), "message": f"Successfully created group {name}"}


def _new_user(call: Call, name: str, email: str) -> model.User:
    if not email:  # required and non-empty in the contract (MEND-101)
        raise MendFailure(INVALID_REQUEST, "the user's email is required")
    if call.state.user_by_email(email) is not None:
        raise MendFailure(ALREADY_EXISTS, f"User {email} already exists")
    user = call.state.add_user(name or email, email)
    call.state.org.roles.setdefault("USER", model.Roles()).users.append(user.id)
    return user


def create_user(call: Call) -> JSON:
    if "inviter" in call.body:
        _user(call, call.body["inviter"])
    added = call.obj("addedUser")
    name, email = added.get("name"), added.get("email")
    user = _new_user(call, name if isinstance(name, str) else "", email if isinstance(email, str) else "")
    return {"message": f"Successfully created user {user.name}"}


def invite_users(call: Call) -> JSON:
    if "inviter" in call.body:
        _user(call, call.body["inviter"])
    emails = [e for e in call.items("emails") if isinstance(e, str) and e]
    if not emails:  # at least one non-empty address in the contract (MEND-102)
        raise MendFailure(INVALID_REQUEST, "emails must list at least one address")
    for email in emails:
        if call.state.user_by_email(email) is None:
            _new_user(call, email, email)
    return {"message": f"Successfully sent invitation to {','.join(emails)}"}


def add_users_to_groups(call: Call) -> JSON:
    pairs = []
    for entry in call.items("assignedUsers"):
        if not isinstance(entry, list) or len(entry) != 2 or not isinstance(entry[1], list):
            raise MendFailure(INVALID_REQUEST, "assignedUsers entries are [group, [users]]")
        pairs.append((_group(call, entry[0]), [_user(call, u) for u in entry[1]]))
    for group, users in pairs:
        group.members += [u.id for u in users if u.id not in group.members]
    return {"message": "Successfully assigned users to groups"}


def remove_user_from_group(call: Call) -> JSON:
    group, user = _group(call, call.body.get("group")), _user(call, call.body.get("user"))
    if user.id not in group.members:
        raise MendFailure(NOT_FOUND, f"User {user.email} is not a member of group {group.name}")
    group.members.remove(user.id)
    return {"message": "Successfully removed user from group"}


def remove_user_from_organization(call: Call) -> JSON:
    user = _user(call, call.body.get("user"))
    if user.id == call.user.id:
        raise MendFailure(CONFLICT, "A user cannot remove themselves from the organization")
    call.state.remove_user(user)
    return {"message": "Successfully removed user from organization"}


# -- role assignments ------------------------------------------------------------------------------------------


def _assignments(call: Call, roles: dict[str, model.Roles]) -> JSON:
    state = call.state
    group_roles: JSON = {}
    user_roles: JSON = {}
    for role, holders in roles.items():
        groups = [render.group(state, state.groups[g]) for g in holders.groups if g in state.groups]
        users = [render.user(state.users[u]) for u in holders.users if u in state.users and state.users[u].active]
        if groups:
            group_roles[role] = groups
        if users:
            user_roles[role] = users
    return {"groupRoles": group_roles, "userRoles": user_roles}


def organization_assignments(call: Call) -> JSON:
    return _assignments(call, call.state.org.roles)


def product_assignments(call: Call) -> JSON:
    return _assignments(call, call.product.roles)


def _set_roles(call: Call, roles: dict[str, model.Roles], fields: dict[str, str]) -> None:
    """Set the roles the call names; the documents present each role as an optional member of its own example, so a
    call that names none changes nothing (and succeeds)."""
    changes = {}
    for field, role in fields.items():
        if field in call.body:
            given = call.obj(field)
            groups = [_group(call, g).id for g in given.get("groupAssignments", [])]
            users = [_user(call, u).id for u in given.get("userAssignments", [])]
            changes[role] = model.Roles(list(dict.fromkeys(users)), list(dict.fromkeys(groups)))
    roles.update(changes)


def set_organization_assignments(call: Call) -> JSON:
    _set_roles(call, call.state.org.roles, ORGANIZATION_ROLES)
    return {"message": "Successfully set organization assignments"}


def set_product_assignments(call: Call) -> JSON:
    _set_roles(call, call.product.roles, PRODUCT_ROLES)
    return {"message": "Successfully set product assignments"}


# -- service users ---------------------------------------------------------------------------------------------


def create_service_user(call: Call) -> JSON:
    name = call.obj("addedUser").get("name")
    if not isinstance(name, str) or not name:  # required and non-empty in the contract (MEND-106)
        raise MendFailure(INVALID_REQUEST, "addedUser.name is required")
    if any(u.service and u.active and u.name == name for u in call.state.users.values()):
        raise MendFailure(ALREADY_EXISTS, f"Service user {name} already exists")
    user = call.state.add_user(name, "", service=True)
    user.org_admin = True
    return {"user": {"userKey": user.key}}


def regenerate_user_key(call: Call) -> JSON:
    user = call.state.user_by_key(call.required_text("serviceUserKey"))
    if user is None or not user.service:
        raise MendFailure(NOT_FOUND, "No service user has that serviceUserKey")
    return {"user": {"userKey": call.state.regenerate_key(user)}}


def service_users(call: Call) -> JSON:
    product = call.scope.product
    users = [
        u
        for u in call.state.users.values()
        if u.service and u.active and (product is None or u.product_token == product.token)
    ]
    return {"serviceUsers": [{"serviceUserName": u.name, "serviceUserToken": u.key} for u in users]}


# -- policies (the documents give no fields or shapes: see the mock's docstring) ------------------------------
# The policy bodies are open (MEND-66 to MEND-75), so nothing requires policyIds: an empty or missing list removes
# nothing and keeps the order, and the call succeeds.


def _owner(call: Call) -> tuple[str, str]:
    if call.scope.product is not None:
        return call.scope.product.token, "Product"
    return call.state.org.token, "Organization"


def _plain(value: Any) -> Any:
    """A JSON-safe copy of client input (no NaN/Infinity, which JSON cannot carry)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if isinstance(value, str | int | float | bool) or value is None else None


def _owned(call: Call) -> list[model.Policy]:
    owner, _ = _owner(call)
    return sorted((p for p in call.state.policies.values() if p.owner == owner), key=lambda p: p.priority)


def policies(call: Call) -> JSON:
    _, label = _owner(call)
    return {"policies": [render.policy(p) for p in _owned(call)], "message": f"{label} policies"}


def _policy_id(call: Call, value: object) -> model.Policy:
    found = {p.id: p for p in _owned(call)}
    if not isinstance(value, int) or isinstance(value, bool) or value not in found:
        raise MendFailure(NOT_FOUND, f"Policy {value!r} was not found")
    return found[value]


def add_policy(call: Call) -> JSON:
    given = call.obj("policy")
    owner, _ = _owner(call)
    policy_id = call.state.next_id()
    name = given.get("name") if isinstance(given.get("name"), str) else f"Policy {policy_id}"
    priority = max((p.priority for p in _owned(call)), default=0) + 1
    rule = model.Policy(
        policy_id,
        str(name),
        owner,
        priority,
        given.get("enabled") is not False,
        _plain(given.get("filter", {})) or {},
        _plain(given.get("action", {})) or {},
        call.now,
    )
    call.state.policies[policy_id] = rule
    return {"policy": render.policy(rule), "message": f"Successfully added policy {rule.name}"}


def update_policy(call: Call) -> JSON:
    given = call.obj("policy")
    rule = _policy_id(call, given.get("id"))
    if isinstance(given.get("name"), str):
        rule.name = given["name"]
    if isinstance(given.get("enabled"), bool):
        rule.enabled = given["enabled"]
    for field in ("filter", "action"):
        if isinstance(given.get(field), dict):
            setattr(rule, field, _plain(given[field]))
    return {"policy": render.policy(rule), "message": f"Successfully updated policy {rule.name}"}


def remove_policies(call: Call) -> JSON:
    doomed = [_policy_id(call, value) for value in call.items("policyIds")]
    for rule in doomed:
        call.state.policies.pop(rule.id, None)
    return {"policyIds": [rule.id for rule in doomed], "message": "Successfully removed policies"}


def reorder_policies(call: Call) -> JSON:
    first = [_policy_id(call, value) for value in call.items("policyIds")]
    ids = dict.fromkeys([p.id for p in first] + [p.id for p in _owned(call)])
    order = [call.state.policies[i] for i in ids]
    for priority, rule in enumerate(order, start=1):
        rule.priority = priority
    return {"policies": [render.policy(p) for p in order], "message": "Successfully reordered policy priorities"}
