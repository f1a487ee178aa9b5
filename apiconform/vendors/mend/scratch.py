"""Mend writes proven on scratch entities: what the scenario creates itself (names starting with "apiconform-"),
changes and removes again, so that no write is aimed at what the credentials or the discovery point at.

- policies: a disabled scratch policy is added, updated, put last in the priority order the others already have
  (so none of them moves) and removed, in the organization and in a scratch product;
- people: a created and an invited scratch user; the first joins and leaves an existing group and becomes a member
  of the scratch product, then both are removed from the organization (removeUserFromOrganization);
- the scratch product is deleted (deleteProduct);
- a scratch service user gets a new key (regenerateUserKey). Mend documents no way to remove a service user: on a
  real server it stays, and the next run finds it by name.

Each step is an ordinary documented call: an answer of its requestType's own shape proves that requestType (the
runner counts it); a step that fails leaves its requestType unproven with the errorCode it got. Steps do not
depend on an earlier step's success where they need not, so a scratch user left by an interrupted run is reused and
removed. Same seed, same calls: every name is fixed per profile.
"""

from __future__ import annotations

from typing import Any

from apiconform.runner.scenarios.base import ScenarioContext, json_of

SCRATCH = "apiconform-scratch"


def run(ctx: ScenarioContext, tokens: dict[str, str]) -> None:
    """The scratch write flows (only in runs that may write)."""
    name = f"{SCRATCH}-{ctx.profile.name}"
    org = {"orgToken": tokens["orgToken"]}
    _policy_cycle(ctx, tokens, "Organization", org, _policy_order(ctx, tokens, org))
    created = _rpc(ctx, tokens, "createProduct", **org, productName=name)
    product = created.get("productToken") if isinstance(created, dict) else None
    if isinstance(product, str) and product:
        ctx.redactor.add(product)
        _policy_cycle(ctx, tokens, "Product", {"productToken": product}, [])
    else:
        product = None
    _people(ctx, tokens, name, product)
    if product is not None:
        _rpc(ctx, tokens, "deleteProduct", **org, productToken=product)
    _service_user(ctx, tokens, f"{name}-service")


def _rpc(ctx: ScenarioContext, tokens: dict[str, str], request_type: str, **fields: Any) -> Any:
    body = {"requestType": request_type, "userKey": tokens["userKey"], **fields}
    return json_of(ctx.call("POST", "", json_body=body))


def _succeeded(answer: Any) -> bool:
    return isinstance(answer, dict) and "errorCode" not in answer


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- policies ------------------------------------------------------------------------------------------------------


def _policy_order(ctx: ScenarioContext, tokens: dict[str, str], scope: dict[str, str]) -> list[int] | None:
    """The organization's policy ids in priority order, or None when the listing does not say."""
    answer = _rpc(ctx, tokens, "getOrganizationPolicies", **scope)
    items = answer.get("policies") if isinstance(answer, dict) else None
    if not isinstance(items, list):
        return None
    listed = [p for p in items if isinstance(p, dict) and _is_id(p.get("id"))]
    listed.sort(key=lambda p: p["priority"] if _is_id(p.get("priority")) else 0)
    return [p["id"] for p in listed]


def _policy_cycle(
    ctx: ScenarioContext, tokens: dict[str, str], level: str, scope: dict[str, str], order: list[int] | None
) -> None:
    """add -> update -> reorder -> remove one disabled scratch policy. The reorder lists the other policies in the
    order they have and the scratch one last, so nothing else moves; it is skipped when that order is unknown."""
    name = f"{SCRATCH}-policy"
    policy = {"name": name, "enabled": False, "filter": {"type": "LIBRARY_NAME", "value": name}}
    added = _rpc(ctx, tokens, f"add{level}Policy", **scope, policy=policy | {"action": {"type": "APPROVE"}})
    rule = added.get("policy") if isinstance(added, dict) else None
    policy_id = rule.get("id") if isinstance(rule, dict) else None
    if not _is_id(policy_id):
        return
    _rpc(ctx, tokens, f"update{level}Policy", **scope, policy={"id": policy_id, "name": f"{name}-updated"})
    if order is not None:
        ids = [*(i for i in order if i != policy_id), policy_id]
        _rpc(ctx, tokens, f"reorder{level}PolicyPriorities", **scope, policyIds=ids)
    _rpc(ctx, tokens, f"remove{level}Policies", **scope, policyIds=[policy_id])


# -- people --------------------------------------------------------------------------------------------------------


def _people(ctx: ScenarioContext, tokens: dict[str, str], name: str, product: str | None) -> None:
    org = {"orgToken": tokens["orgToken"]}
    member = {"email": f"{name}-user@example.com"}
    invitee = {"email": f"{name}-invitee@example.com"}
    _rpc(ctx, tokens, "createUser", **org, addedUser={"name": f"{name}-user", **member})
    invited = _rpc(ctx, tokens, "inviteUsers", **org, emails=[invitee["email"]])
    group = _a_group(ctx, tokens, org)
    if group is not None:
        joined = _rpc(ctx, tokens, "addUsersToGroups", **org, assignedUsers=[[group, [member]]])
        if _succeeded(joined):
            _rpc(ctx, tokens, "removeUserFromGroup", **org, group=group, user=member)
    if product is not None:
        roles = {"userAssignments": [member], "groupAssignments": []}
        _rpc(ctx, tokens, "setProductAssignments", productToken=product, productMembership=roles)
    _rpc(ctx, tokens, "removeUserFromOrganization", **org, user=member)
    if _succeeded(invited):
        _rpc(ctx, tokens, "removeUserFromOrganization", **org, user=invitee)


def _a_group(ctx: ScenarioContext, tokens: dict[str, str], scope: dict[str, str]) -> dict[str, str] | None:
    """An existing group for the scratch user to join and leave (groups cannot be removed: none is created)."""
    answer = _rpc(ctx, tokens, "getAllGroups", **scope)
    groups = answer.get("groups") if isinstance(answer, dict) else None
    name = next((g["name"] for g in groups or [] if isinstance(g, dict) and isinstance(g.get("name"), str)), None)
    return {"name": name} if name else None


# -- service users -------------------------------------------------------------------------------------------------


def _service_user(ctx: ScenarioContext, tokens: dict[str, str], name: str) -> None:
    org = {"orgToken": tokens["orgToken"]}
    key = _user_key(_rpc(ctx, tokens, "createServiceUser", **org, addedUser={"name": name}))
    if key is None:  # left by an earlier run against the same server: find it by name
        listed = _rpc(ctx, tokens, "getOrganizationServiceUsers", **org)
        users = listed.get("serviceUsers") if isinstance(listed, dict) else None
        mine = [u for u in users or [] if isinstance(u, dict) and u.get("serviceUserName") == name]
        key = mine[0].get("serviceUserToken") if mine else None
    if not isinstance(key, str) or not key:
        return
    ctx.redactor.add(key)
    renewed = _user_key(_rpc(ctx, tokens, "regenerateUserKey", **org, serviceUserKey=key))
    if renewed is not None:
        ctx.redactor.add(renewed)


def _user_key(answer: Any) -> str | None:
    user = answer.get("user") if isinstance(answer, dict) else None
    key = user.get("userKey") if isinstance(user, dict) else None
    return key if isinstance(key, str) and key else None
