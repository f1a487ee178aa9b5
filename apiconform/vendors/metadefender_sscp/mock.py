"""MetaDefender Software Supply Chain mock: JWT (60 min) / ApiKey / webhook HMAC auth, 111 operations.

Handlers come from one generic CRUD table (`crud.py`) plus a few modules for what is not plain CRUD:
accounts and sessions, scans, exports, packages, services and real-time protection, administration.

Conventions the vendor document implies and the mock follows:
- a reference to something that does not exist is 404 where the operation documents 404; elsewhere the
  answer is 200 with the outcome in the body (`Result` / `ResponseKey: NotFound`), as the API's envelopes do;
- only documented statuses, except a request without valid credentials: 401 (see `unauthorized`).
"""

from __future__ import annotations

from typing import Any

from apiconform.mocks.behaviour import Behaviour, Handler, MockRequest, MockResponse
from apiconform.openapi import ApiSpec, Operation
from apiconform.validation import SchemaValidator
from apiconform.vendors import _tokens
from apiconform.vendors.metadefender_sscp import seed
from apiconform.vendors.metadefender_sscp.accounts import Accounts
from apiconform.vendors.metadefender_sscp.admin import Admin
from apiconform.vendors.metadefender_sscp.auth import Authenticator, Tokens
from apiconform.vendors.metadefender_sscp.catalog import Catalog
from apiconform.vendors.metadefender_sscp.crud import Crud
from apiconform.vendors.metadefender_sscp.exports import Exports
from apiconform.vendors.metadefender_sscp.scans import Scans
from apiconform.vendors.metadefender_sscp.services import Services
from apiconform.vendors.metadefender_sscp.store import State


class MetaDefenderSscpMock(Behaviour):
    surface = "metadefender-sscp"
    capabilities = frozenset({"response-enums", "paging", "filters", "rest", "lost-writes"})

    def __init__(self, spec: ApiSpec, **kwargs: Any) -> None:
        super().__init__(spec, **kwargs)
        self.state = State(clock=self.clock, faults=self.faults, seed=self.seed)
        login = seed.populate(self.state)
        self._username, self._password = login["username"], login["password"]
        admin = next(u for u in self.state.store.all("users") if u["Username"] == self._username)
        self.tokens = Tokens(self.seed, self.clock)
        self._api_key = _tokens.hex_token(self.seed, "mdssc-api-key", 40)
        self._webhook_secret = _tokens.hex_token(self.seed, "mdssc-webhook-secret", 40)
        self._token = self.tokens.issue(admin)
        self.auth = Authenticator(
            self.state.store,
            self.tokens,
            api_key=self._api_key,
            api_key_owner=admin["UserId"],
            webhook_secret=self._webhook_secret,
        )
        self._validator = SchemaValidator(spec.document)

    # -- credentials ----------------------------------------------------------------------------------------------
    def credentials(self) -> dict[str, str]:
        return {
            "username": self._username,
            "password": self._password,
            "api_key": self._api_key,
            "webhook_secret": self._webhook_secret,
            "token": self._token,
        }

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def authenticate(self, operation: Operation, headers: dict[str, str], raw_body: bytes) -> dict[str, Any] | None:
        return self.auth.principal(operation, headers, raw_body)

    def unauthorized(self, operation: Operation) -> MockResponse:
        """401 for missing, forged, expired or revoked credentials.

        The spec documents no 401/403 on any operation although the document says every endpoint checks the
        token (reported as a spec gap). A 400 would read as a validation error and tell clients nothing, so
        the mock answers what the vendor's JWT middleware answers: 401 with a `WWW-Authenticate` challenge.
        """
        status = 403 if "403" in operation.responses and "401" not in operation.responses else 401
        challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 else {}
        return MockResponse(status, {"error": "Unauthorized"}, headers=challenge)

    # -- handlers ---------------------------------------------------------------------------------------------------
    def handlers(self) -> dict[str, Handler]:
        scans = Scans(self.state)
        table: dict[str, Handler] = {}
        for part in (
            Crud(self.state),
            Accounts(self.state, self.tokens),
            scans,
            Exports(self.state, scans),
            Catalog(self.state),
            Services(self.state),
            Admin(self.state, self._webhook_secret),
        ):
            table.update(part.handlers())
        return {op_id: self._guarded(handler) for op_id, handler in table.items()}

    def _guarded(self, handler: Handler) -> Handler:
        def run(request: MockRequest) -> MockResponse:
            problem = self._null_body(request)
            if problem:
                return self.invalid(request.operation, problem)
            return handler(request)

        return run

    def _null_body(self, request: MockRequest) -> str | None:
        """A JSON `null` body parses to None, which the engine then does not validate: check it here."""
        if request.body is not None or not request.raw_body.strip() or request.operation.body is None:
            return None
        schema = request.operation.body_schema(request.headers.get("content-type", "").split(";")[0].strip().lower())
        if schema is None:
            return None
        violations = self._validator.errors(None, schema, "body")
        return "; ".join(map(str, violations[:3])) if violations else None


MOCK = MetaDefenderSscpMock
