"""What a Mend client relies on: tokens found under the org, errorCode answers for bad calls and scope
violations, and writes (projects, tags) visible to later reads.

Every requestType must be proven by a valid call answered with its own shape. Reads get real values from `discover`
(substituted into the documented examples by `prepare_example`); writes that would change the user's data are
proven on scratch entities (`apiconform.vendors.mend.scratch`) or, where Mend allows it, by a write that changes
nothing (ignoring an ignored alert again, "moving" a source file to the library it is in)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from apiconform.checks import declare
from apiconform.contract import VirtualOperation
from apiconform.runner.preflight import PreflightError, credential_sources, expect_success, require_credentials
from apiconform.runner.scenarios.base import ScenarioContext, json_of
from apiconform.runner.scenarios.crud import CRUD_ROUNDTRIP
from apiconform.vendors.mend import scratch

REQUEST_TYPE_ERRORS = declare(
    "request_type_errors",
    group="semantic",
    source="scenario",
    description="Mend: a wrong or missing token, an unknown requestType or an out-of-scope call gets an errorCode",
)


TOKENS = ("userKey", "orgToken", "productToken", "projectToken", "globalOrgToken")
CALLER = ("userKey", "orgToken")  # who calls (vendor.caller_credentials); the other tokens name what is addressed
# Aimed at the run's own product, project or user, these would pull the ground from under the rest of the run.
DESTRUCTIVE = frozenset({"deleteProduct", "deleteProject", "regenerateUserKey", "removeUserFromOrganization"})


def auth_headers(credentials: dict[str, Any]) -> dict[str, str]:
    return {}  # Mend credentials travel in the JSON body


def _post(ctx: ScenarioContext, body: dict[str, Any]) -> httpx.Response | None:
    return ctx.call("POST", "", json_body=body)


def _label(ctx: ScenarioContext, request_type: str) -> str:
    return f"POST {ctx.spec.base_paths()[0]}#{request_type}"


def _is_error(body: Any) -> bool:
    return isinstance(body, dict) and "errorCode" in body


def _tokens(ctx: ScenarioContext) -> dict[str, str]:
    values = {k: ctx.credentials.get(k) for k in TOKENS}
    values.update({k: v for k, v in ctx.discovery.items() if k in TOKENS})
    return {k: v for k, v in values.items() if isinstance(v, str) and v}


# Rejections of the caller itself (its userKey, its orgToken, its role), in the mock's codes
# (apiconform.vendors.mend.call) or in words a real server's message uses; a product or project token that names
# nothing is no rejection of the caller (generated cases of destructive requestTypes send random ones).
_CALLER_CODES = frozenset({5001, 5004})
# Whole words: "serviceUserKey" or "globalOrgToken" name other credentials, not the caller's.
_CALLER_WORDS = re.compile(r"\b(userkey|user key|orgtoken)\b|not allowed|permission|unauthori|not authori")


# Errors a valid request's data explains: what it names does not exist, exists already, or contradicts the state.
# The mock's codes (apiconform.vendors.mend.call) and real servers' (MEND-OBS-027: 2001/2010 name taken, 2007 user
# not in the organization, 2008 group missing, 2011 user missing, 2013 invitation sent, 8000 invalid key UUID).
# Real 2001 is "product name taken" where the mock's 2001 is "invalid request": the message decides.
_DATA_CODES = frozenset({4001, 4002, 4003, 5002, 5003, 2007, 2008, 2010, 2011, 2013, 8000})
_DATA_WORDS = re.compile(r"not found|does not exist|doesn't exist|already|taken|no such")


def valid_request_rejection(body: Any) -> str | None:
    """Why an error answering a valid request is not explained by the request's data (None: it is, or no error)."""
    if not _is_error(body):
        return None
    code, message = body.get("errorCode"), str(body.get("errorMessage", ""))
    if code in _DATA_CODES or _DATA_WORDS.search(message.lower()):
        return None
    return f"errorCode {code} {message[:120]!r}"


def credential_rejection(body: Any) -> str | None:
    """Why an answer rejects the caller's credentials: an errorCode about the userKey, the orgToken or the role."""
    if not _is_error(body):
        return None
    code, message = body.get("errorCode"), str(body.get("errorMessage", ""))
    if code in _CALLER_CODES or _CALLER_WORDS.search(message.lower()):
        return f"errorCode {code} {message[:120]!r}"
    return None


def preflight(ctx: ScenarioContext) -> None:
    keys = require_credentials(ctx, ("userKey", "orgToken"))
    body = {
        "requestType": "getAllProducts",
        "userKey": ctx.credentials["userKey"],
        "orgToken": ctx.credentials["orgToken"],
    }
    answer = expect_success(ctx, "getAllProducts", _post(ctx, body), keys)
    rejected = credential_rejection(answer)
    if rejected:
        raise PreflightError(
            f"credentials rejected: getAllProducts answered {rejected} ({credential_sources(ctx, keys)}); check the key"
        )
    if _is_error(answer) or not isinstance(answer, dict):
        shown = (
            f"errorCode {answer.get('errorCode')} {ctx.shown(str(answer.get('errorMessage')), 120)!r}"
            if _is_error(answer)
            else "no JSON object"
        )
        raise PreflightError(f"getAllProducts answered {shown}; check the base URL (…/api/v1.2) and the credentials")


def discover(ctx: ScenarioContext) -> dict[str, Any]:
    """Real values for request fields, from read-only calls under the given orgToken, keyed by the field they fill:

    - productToken / projectToken: the credentials' own when given, else the first listed;
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
    projects = _listed(ctx, {"requestType": "getAllProjects", "userKey": user_key, "productToken": product}, "projects")
    project = ctx.credentials.get("projectToken") or next(iter(projects), None)
    if not project:
        return found
    found["projectToken"] = project
    found.update(_another("projectToken2", project, projects))
    found.update(_library(ctx, user_key, project))
    return found


def _listed(ctx: ScenarioContext, body: dict[str, Any], key: str) -> list[str]:
    """The tokens of a product or project listing (getAllProducts, getAllProjects), in the order given."""
    answer = json_of(_post(ctx, body))
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


def prepare_example(ctx: ScenarioContext, operation: VirtualOperation, body: Any) -> Any:
    """Documented examples carry placeholders ("user_key", "product_token2", "sha1_1"): swap in the credentials and
    the discovered values of the same field (`discover`). An example without the userKey gets it: the v1.2 intro makes
    it a prerequisite of every call (quirks MEND-19, MEND-59)."""
    if not isinstance(body, dict):
        return body
    values = {**ctx.discovery, **_tokens(ctx)}
    if operation.operation_id in DESTRUCTIVE:
        # Never aim a documented destructive example (deleteProduct, ...) at the real product or project: it would
        # destroy what the credentials point to. These get only the caller's credentials (the scenarios prove them
        # on scratch entities).
        values = {k: v for k, v in values.items() if k in CALLER}
    prepared = {k: values.get(k, v) for k, v in body.items()}
    if "userKey" in values:
        prepared.setdefault("userKey", values["userKey"])
    return prepared


def run_scenarios(ctx: ScenarioContext) -> None:
    tokens = _tokens(ctx)
    if "userKey" not in tokens or "orgToken" not in tokens:
        return
    _error_answers(ctx, tokens)
    if not ctx.allow_writes:
        return
    if "productToken" in tokens:
        _project_round_trip(ctx, tokens)
    scratch.run(ctx, tokens)


def _error_answers(ctx: ScenarioContext, tokens: dict[str, str]) -> None:
    """request_type_errors: bad calls get an errorCode answer, never data."""
    label = _label(ctx, "getAllProducts")
    probes = (
        ("a wrong userKey", {"requestType": "getAllProducts", "userKey": "0" * 64, "orgToken": tokens["orgToken"]}),
        ("a missing orgToken", {"requestType": "getAllProducts", "userKey": tokens["userKey"]}),
        (
            "an unknown requestType",
            {"requestType": "getEverything", "userKey": tokens["userKey"], "orgToken": tokens["orgToken"]},
        ),
    )
    for what, body in probes:
        answer = json_of(_post(ctx, body))
        ctx.verdict(
            label,
            REQUEST_TYPE_ERRORS,
            _is_error(answer),
            f"a call with {what} was not answered with an errorCode",
            f"answer: {ctx.shown(answer)}",
            "an errorCode answer",
        )
    if "productToken" in tokens:
        # Scope rule: a product token cannot call organization-level requestTypes.
        body = {
            "requestType": "getOrganizationDetails",
            "userKey": tokens["userKey"],
            "orgToken": tokens["productToken"],
        }
        answer = json_of(_post(ctx, body))
        ctx.verdict(
            _label(ctx, "getOrganizationDetails"),
            REQUEST_TYPE_ERRORS,
            _is_error(answer),
            "an organization-level call with a product token was answered with data",
            f"answer: {ctx.shown(answer)}",
            "an errorCode answer (out of scope)",
        )


def _project_names(ctx: ScenarioContext, tokens: dict[str, str]) -> set[str] | None:
    body = {"requestType": "getAllProjects", "userKey": tokens["userKey"], "productToken": tokens["productToken"]}
    answer = json_of(_post(ctx, body))
    projects = answer.get("projects") if isinstance(answer, dict) else None
    if not isinstance(projects, list):
        return None
    return {str(p.get("projectName")) for p in projects if isinstance(p, dict)}


def _project_round_trip(ctx: ScenarioContext, tokens: dict[str, str]) -> None:
    """crud_roundtrip: createProject -> getAllProjects lists it -> deleteProject -> getAllProjects does not. On the
    way, a tag is saved on the scratch project and removed again (removeProjectTag)."""
    label = _label(ctx, "createProject")
    name = f"apiconform-roundtrip-{ctx.profile.name}"
    create = {
        "requestType": "createProject",
        "userKey": tokens["userKey"],
        "productToken": tokens["productToken"],
        "projectName": name,
    }
    created = json_of(_post(ctx, create))
    token = created.get("projectToken") if isinstance(created, dict) else None
    if not ctx.verdict(
        label,
        CRUD_ROUNDTRIP,
        isinstance(token, str) and not _is_error(created),
        "createProject did not return a project token",
        f"answer: {ctx.shown(created)}",
    ):
        return
    names = _project_names(ctx, tokens)
    if not ctx.verdict(
        label,
        CRUD_ROUNDTRIP,
        names is not None and name in names,
        "a created project is not listed by getAllProjects",
        f"listed: {sorted(names or [])[:10]}",
    ):
        return
    tag = {"userKey": tokens["userKey"], "projectToken": token, "tagKey": "apiconform", "tagValue": "scratch"}
    _post(ctx, {"requestType": "saveProjectTag", **tag})
    _post(ctx, {"requestType": "removeProjectTag", **tag})
    delete = {
        "requestType": "deleteProject",
        "userKey": tokens["userKey"],
        "productToken": tokens["productToken"],
        "projectToken": token,
    }
    deleted = json_of(_post(ctx, delete))
    names = _project_names(ctx, tokens)
    ctx.verdict(
        _label(ctx, "deleteProject"),
        CRUD_ROUNDTRIP,
        not _is_error(deleted) and name not in (names or set()),
        "a deleted project is still listed (or the delete failed)",
        f"delete answer: {ctx.shown(deleted)}",
    )
