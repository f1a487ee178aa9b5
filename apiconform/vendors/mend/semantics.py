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


def prepare_example(ctx: ScenarioContext, operation: VirtualOperation, body: Any) -> Any:
    """Documented examples carry placeholders ("user_key", "product_token2", "sha1_1"): swap in the credentials and
    the discovered values of the same field (`discover`). An example without the userKey gets it: the v1.2 intro makes
    it a prerequisite of every call (quirks MEND-19, MEND-59)."""
    if not isinstance(body, dict):
        return body
    # `tagKey@getAlertsByProjectTag`: a value discovery scoped to one requestType (apiconform.vendors.mend.discovery).
    scoped = {k.partition("@")[0]: v for k, v in ctx.discovery.items() if k.endswith("@" + operation.operation_id)}
    values = {**{k: v for k, v in ctx.discovery.items() if "@" not in k}, **scoped, **_tokens(ctx)}
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
