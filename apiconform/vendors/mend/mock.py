"""Mend HTTP API mock: one `POST /api/{v1.2,v1.3,v1.4}` RPC endpoint dispatched by the body's requestType.

- Every answer is HTTP 200: a JSON body, a file (Content-Type + Content-Disposition: attachment), or a MendError
  `{"errorCode": <int>, "errorMessage": "..."}` (codes in `apiconform.vendors.mend.call`). Malformed JSON, a
  wrong Content-Type or a body that breaks its variant's schema answer 2001, never a 4xx/5xx.
- Credentials are in the body (info.x-body-credentials): a 64-hex `userKey` on every call, and the token of the
  variant's x-scope (orgToken / productToken / projectToken; globalOrgToken for getAllOrganizations). A token of
  another scope answers 5003. Organization administrators may call everything; product administrators only
  product/project requests of their products, plus the documented exceptions: the organization-level vitals
  calls ("product/project vitals related to their products/projects"), getRequestState, and ignoreAlerts
  (MEND-14; their products' alerts only).
- getRequestState answers requestState UNKNOWN (not an error) for an unknown orgToken or requestToken, as
  documented.
- All 139 requestTypes answer from the seeded, mutable state (`state.MendState`): writes are visible to later
  reads. JSON answers the documents give no shape for (getLicenses, the policy calls, "format": "json" reports)
  carry a domain list plus a "message", like the documented list answers (getAllProducts, getAllGroups).
- A variant with several media types answers per its "format" / "exportFormat" field, default the first listed.
- Accept-Charset: a supported charset (utf-8, utf-16, iso-8859-x, us-ascii) encodes the JSON answer in it and is
  named in Content-Type; anything else gets UTF-8. The `agentInfo` object real clients add is accepted.
- Fault `wrong-request-type-shape`: successful answers carry another requestType's JSON shape (getAllProducts',
  or getOrganizationProjectVitals' where that shape would still fit).
- Fault `request-type-error:REQUEST_TYPE[=CODE]`: that requestType answers every valid, authorised call with
  {"errorCode": CODE, "errorMessage": ...} (default 4000 "Unexpected error"), in either mode with the code as given;
  the call is built first, so its writes happen (a server failing late). Every other requestType is unaffected.
- Two modes: `--contract documented` answers exactly as above; `--contract observed` (the default) validates
  requests against the observed contract and answers like real servers (`apiconform.vendors.mend.observed`:
  alert lists under `alerts`, dates with a UTC offset, the error codes real clients act on, ...).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from apiconform.contract import Contract, VirtualOperation
from apiconform.mocks.behaviour import Behaviour, Handler, MockRequest, MockResponse
from apiconform.mocks.faults import REQUEST_TYPE_ERROR_CODE, request_type_errors, unknown_request_type
from apiconform.openapi import Operation
from apiconform.vendors.mend import answers, files, model, observed, routes
from apiconform.vendors.mend.call import (
    INVALID_REQUEST,
    INVALID_TOKEN,
    INVALID_USER_KEY,
    NOT_PERMITTED,
    UNKNOWN_REQUEST_TYPE,
    WRONG_SCOPE,
    Call,
    FileAnswer,
    MendFailure,
    failure,
)
from apiconform.vendors.mend.state import ORGANIZATION, PRODUCT, PROJECT, MendState, Scope

USER_KEY = re.compile(r"[0-9a-fA-F]{64}")
TOKEN_FIELDS = {ORGANIZATION: "orgToken", PRODUCT: "productToken", PROJECT: "projectToken"}
SECONDARY = {  # tokens a request names besides its scope's: field -> the kind it must be
    "deleteProduct": ("productToken", PRODUCT),
    "deleteProject": ("projectToken", PROJECT),
    "getProductComparisonReport": ("productToken2", PRODUCT),
    "getProjectComparisonReport": ("projectToken2", PROJECT),
}
# Organization requests product administrators may make too ("API Execution Scope", MEND-14, MEND-24)
PRODUCT_ADMIN_EXCEPTIONS = frozenset(
    {"getOrganizationProjectVitals", "getOrganizationProductVitals", "getRequestState", "ignoreAlerts"}
)
CHARSETS = (
    "utf-8",
    "utf-16",
    "iso-8859-1",
    "iso-8859-2",
    "iso-8859-4",
    "iso-8859-5",
    "iso-8859-7",
    "iso-8859-9",
    "us-ascii",
)
DONORS = ("getAllProducts", "getOrganizationProjectVitals")  # shapes the wrong-request-type-shape fault answers with
# What the request-type-error fault says for the codes real servers use (MEND-OBS-027); any other code: the default's.
FAULT_MESSAGES = {
    2015: "Inactive organization",
    2021: "Invalid option value",
    3000: "Invalid request parameters",
    3010: "Missing fields",
    4000: "Unexpected error",
    5001: "Action not allowed",
}


class InjectedFailure(MendFailure):
    """A request-type-error fault's answer: its code is sent as given, never translated to the observed mode's."""


@dataclass
class MendResponse(MockResponse):
    """A JSON answer encoded in the charset the client asked for (faults still see and rewrite `body`)."""

    charset: str = "utf-8"

    def payload(self) -> bytes:
        if self.content is not None or self.body is None:
            return super().payload()
        unicode = self.charset in ("utf-8", "utf-16")
        text = json.dumps(self.body, separators=(",", ":"), ensure_ascii=not unicode)
        try:
            return text.encode(self.charset)
        except UnicodeEncodeError:  # lone surrogates sent by a client: escape them
            return json.dumps(self.body, separators=(",", ":")).encode(self.charset)


def error(code: int, message: str) -> MendResponse:
    return MendResponse(200, failure(code, message))


def charset_of(header: str) -> str | None:
    for part in header.split(","):
        name = part.split(";")[0].strip().lower()
        if name in CHARSETS:
            return name
    return None


class MendMock(Behaviour):
    surface = "mend"
    capabilities = frozenset({"response-enums", "rpc-variants", "downloads"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = MendState(self.seed, self.clock.now())
        self.contract = Contract(self.spec.document, source=self.spec.source)
        self.variants = {op.variant: op for op in self.contract.variants() if op.variant is not None}
        self._validator = self.contract.validator
        self._routes = {name: routes.route(name) for name in self.variants}
        missing = [name for name, build in self._routes.items() if build is None]
        if missing:
            raise RuntimeError(f"mend mock has no answer for: {', '.join(missing)}")
        self.failing = request_type_errors(self.faults)  # requestType -> errorCode (fault request-type-error)
        for name in self.failing:
            if name not in self.variants:
                raise unknown_request_type(name, self.surface, self.variants)
        self.admin = next(u for u in self.state.users.values() if u.org_admin and not u.service)
        self.product = next(iter(self.state.products.values()))
        self.project = self._telling_project()

    def _telling_project(self) -> model.Project:
        """The credentials' project: the product's first with an ignored and a vulnerability alert, so every
        project-level alert call has alerts, vulnerabilities and fixes to show (their enums), else its first."""
        projects = [p for p in self.state.projects.values() if p.product_token == self.product.token]
        for project in projects:
            alerts = [a for a in self.state.alerts.values() if a.project_token == project.token]
            if any(a.status == "IGNORED" for a in alerts) and any(a.vulnerability is not None for a in alerts):
                return project
        return projects[0]

    # -- credentials and the engine's hooks ----------------------------------------------------------------------

    def credentials(self) -> dict[str, str]:
        return {
            "userKey": self.admin.key,
            "orgToken": self.state.org.token,
            "productToken": self.product.token,
            "projectToken": self.project.token,
            "globalOrgToken": self.state.org.global_token,  # getAllOrganizations takes only this token
        }

    def product_admin(self) -> model.User:
        """A seeded product administrator (of the credentials' product), for scope tests."""
        return next(
            u for u in self.state.humans() if not self.state.is_org_admin(u) and self.state.administers(u, self.product)
        )

    def authenticate(self, operation: Operation, headers: dict[str, str], raw_body: bytes) -> dict[str, Any] | None:
        return {}  # credentials are in the body: checked by the dispatcher after validation

    def unauthorized(self, operation: Operation) -> MockResponse:
        return error(INVALID_USER_KEY, "Invalid userKey")

    def invalid(self, operation: Operation, message: str) -> MockResponse:
        code = observed.invalid_code(message) if self.observed else INVALID_REQUEST
        return error(code, f"Invalid request: {message}")

    def not_found(self, operation: Operation, message: str = "Not Found") -> MockResponse:
        return error(observed.INVALID_PARAMETERS if self.observed else INVALID_REQUEST, message)

    def decode_body(self, operation: Operation, raw_body: bytes, content_type: str) -> tuple[Any, str | None]:
        try:
            return super().decode_body(operation, raw_body, content_type)
        except RecursionError:
            return None, "malformed JSON body: nested too deeply"

    def request_schema(self, operation: Operation, body: Any, media_type: str) -> dict[str, Any] | None:
        kind = body.get("requestType") if isinstance(body, dict) else None
        variant = self.variants.get(kind) if isinstance(kind, str) else None
        if variant is not None and variant.request_schema_ref:
            return {"$ref": variant.request_schema_ref}
        return None  # not an object, or no known requestType: the dispatcher answers 2001 / 2002

    def response_schema(self, request: MockRequest, response: MockResponse) -> dict[str, Any] | None:
        if response.content is not None:
            return None
        kind = request.body.get("requestType") if isinstance(request.body, dict) else None
        variant = self.variants.get(kind) if isinstance(kind, str) else None
        if variant is None:
            error = self.contract.error_ref
            return {"$ref": error} if error and self.contract.is_error_answer(response.body) else None
        return self.contract.variant_answer_schema(variant, response.body)

    def handlers(self) -> dict[str, Handler]:
        return {"mendApi": self._dispatch}

    # -- dispatch ------------------------------------------------------------------------------------------------

    def _dispatch(self, request: MockRequest) -> MockResponse:
        charset = charset_of(request.headers.get("accept-charset", ""))
        try:
            result = self._answer(request.body)
        except InjectedFailure as exc:
            result = failure(exc.code, exc.message)
        except MendFailure as exc:
            result = failure(self._code(request.body, exc.code), exc.message)
        if isinstance(result, FileAnswer):
            header = files.disposition(result.filename, extended_only=result.extended_filename)
            return MendResponse(
                200, content=result.content, media_type=result.media_type, headers={"Content-Disposition": header}
            )
        media = "application/json" + (f"; charset={charset}" if charset else "")
        return MendResponse(200, result, media_type=media, charset=charset or "utf-8")

    def _code(self, body: Any, code: int) -> int:
        """The errorCode of a failure: the mock's own codes, or in observed mode the ones real servers use."""
        if not self.observed:
            return code
        kind = body.get("requestType") if isinstance(body, dict) else None
        return observed.error_code(str(kind), code)

    def _answer(self, body: Any) -> Any:
        if not isinstance(body, dict):
            raise MendFailure(INVALID_REQUEST, "The request body must be a JSON object with a requestType")
        kind = body.get("requestType")
        if not isinstance(kind, str) or kind not in self.variants:
            shown = "missing" if kind is None else f"{kind!r} is not supported"
            raise MendFailure(UNKNOWN_REQUEST_TYPE, f"Invalid requestType: {shown}")
        variant = self.variants[kind]
        user = self._user(body)
        now = self.clock.now()
        try:
            scope, extra = self._scope(kind, str(variant.raw.get("x-scope", ORGANIZATION)), body, user)
        except MendFailure as exc:
            if kind == "getRequestState" and exc.code in (INVALID_TOKEN, WRONG_SCOPE):
                return answers.unknown_request_state(now)  # documented: UNKNOWN when the orgToken is invalid
            raise
        media = variant.media_types
        call = Call(kind, body, self.state, user, scope, now, media, extra)
        build = self._routes[kind]
        assert build is not None
        try:
            result = build(call)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            if "out-of-range-accepted" not in self.faults:
                raise
            raise MendFailure(INVALID_REQUEST, f"Invalid request: {exc}") from None
        if kind in self.failing:  # authorised and built: the fault fails it now
            code = self.failing[kind]
            raise InjectedFailure(code, FAULT_MESSAGES.get(code, FAULT_MESSAGES[REQUEST_TYPE_ERROR_CODE]))
        if "wrong-request-type-shape" in self.faults:
            return self._foreign(call, variant)
        return observed.reshape(call, result) if self.observed else result

    def _user(self, body: dict[str, Any]) -> model.User:
        key = body.get("userKey")
        user = self.state.user_by_key(key) if isinstance(key, str) else None
        if user is not None:
            return user
        if "auth-not-enforced" in self.faults:
            return self.admin
        if not isinstance(key, str) or not key:
            raise MendFailure(INVALID_USER_KEY, "userKey is required: every v1.2 call carries the user's userKey")
        if not USER_KEY.fullmatch(key):
            raise MendFailure(INVALID_USER_KEY, "Invalid userKey: a userKey is 64 hexadecimal characters")
        raise MendFailure(INVALID_USER_KEY, "Invalid userKey: no active user has this key")

    def _entity(self, field: str, kind: str, body: dict[str, Any]) -> Any:
        """The organization, product or project a token field names, or a 5002 / 5003 failure."""
        token = body.get(field)
        found = self.state.token_kind(token) if isinstance(token, str) else None
        if found == kind and isinstance(token, str):
            if kind == PRODUCT:
                return self.state.products[token]
            return self.state.projects[token] if kind == PROJECT else self.state.org
        if "auth-not-enforced" in self.faults:  # served anyway: the first existing entity of that kind
            pool: dict[str, Any] = {PRODUCT: self.state.products, PROJECT: self.state.projects}
            fallback = next(iter(pool[kind].values()), None) if kind in pool else self.state.org
            if fallback is not None:
                return fallback
        if found is None:
            raise MendFailure(INVALID_TOKEN, f"Invalid {field}: no {kind} has this token")
        raise MendFailure(WRONG_SCOPE, f"Invalid {field}: it is a {found} token, and {field} takes a {kind} token")

    def _scope(self, kind: str, level: str, body: dict[str, Any], user: model.User) -> tuple[Scope, dict[str, Any]]:
        state = self.state
        if kind == "getAllOrganizations":
            if body.get("globalOrgToken") != state.org.global_token and "auth-not-enforced" not in self.faults:
                raise MendFailure(INVALID_TOKEN, "Invalid globalOrgToken: it is not the global organization's token")
            scope = Scope(ORGANIZATION)
        else:
            scope = self._scope_of(level, self._entity(TOKEN_FIELDS[level], level, body))
        self._permit(kind, scope, user)
        extra: dict[str, Any] = {}
        if kind in SECONDARY:
            field, other = SECONDARY[kind]
            extra[field] = self._entity(field, other, body)
            self._permit(kind, self._scope_of(other, extra[field]), user)
        return scope, extra

    @staticmethod
    def _scope_of(level: str, entity: Any) -> Scope:
        if level == PRODUCT:
            return Scope(PRODUCT, product=entity)
        return Scope(PROJECT, project=entity) if level == PROJECT else Scope(ORGANIZATION)

    def _permit(self, kind: str, scope: Scope, user: model.User) -> None:
        state = self.state
        if "auth-not-enforced" in self.faults or state.is_org_admin(user):
            return
        if scope.level == ORGANIZATION:
            if kind in PRODUCT_ADMIN_EXCEPTIONS and any(state.administers(user, p) for p in state.products.values()):
                return
            raise MendFailure(NOT_PERMITTED, f"{kind} is an organization request, for organization administrators")
        product = scope.product or (state.product_of(scope.project) if scope.project is not None else None)
        if product is None or not state.administers(user, product):
            name = product.name if product is not None else "(none)"
            raise MendFailure(NOT_PERMITTED, f"User is not an administrator of product {name}")

    def _foreign(self, call: Call, variant: VirtualOperation) -> Any:
        """Another requestType's answer, one that does not fit this requestType's schema."""
        ref = variant.response_schema_ref
        for donor in DONORS:
            if donor == call.request_type:
                continue
            build = self._routes[donor]
            assert build is not None
            body = build(replace(call, request_type=donor, scope=Scope(ORGANIZATION)))
            if not isinstance(ref, str) or self._validator.errors(body, {"$ref": ref}):
                return body
        return body


MOCK = MendMock
