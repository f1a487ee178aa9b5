"""One authorised Mend call as the answer builders see it, the file answer type, and the error codes.

Error codes (the documents describe none; the mock's choice, answered with HTTP 200 like the vendor):

    2001  invalid request: not JSON, wrong Content-Type, not an object, or the body breaks its variant's schema
    2002  missing or unsupported requestType
    4001  a referenced entity does not exist (library, alert, tag, group, user, policy, service user, ...)
    4002  the entity to create already exists (product, project, group, user, service user name)
    4003  the request contradicts the state (project outside the product, removing yourself, ...)
    5001  userKey missing, malformed (not 64 hex characters) or unknown
    5002  a token names no organization, product or project
    5003  a token of another scope (a product token where the organization token is required, ...)
    5004  the user's role does not cover the scope (a product administrator calling an organization request)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apiconform.vendors.mend import model
from apiconform.vendors.mend.state import MendState, Scope

INVALID_REQUEST = 2001
UNKNOWN_REQUEST_TYPE = 2002
NOT_FOUND = 4001
ALREADY_EXISTS = 4002
CONFLICT = 4003
INVALID_USER_KEY = 5001
INVALID_TOKEN = 5002
WRONG_SCOPE = 5003
NOT_PERMITTED = 5004


class MendFailure(Exception):
    """Raised by a builder: the call is answered with {"errorCode": code, "errorMessage": message}."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FileAnswer:
    content: bytes
    media_type: str
    filename: str
    extended_filename: bool = False  # Content-Disposition with filename*=UTF-8''... only (as documented for some)


@dataclass
class Call:
    request_type: str
    body: dict[str, Any]
    state: MendState
    user: model.User
    scope: Scope
    now: float
    media_types: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)  # secondary entities (productToken2, ...)

    @property
    def product(self) -> model.Product:
        if self.scope.product is not None:
            return self.scope.product
        if self.scope.project is not None:
            return self.state.product_of(self.scope.project)
        raise MendFailure(INVALID_REQUEST, f"{self.request_type} needs a productToken")

    @property
    def project(self) -> model.Project:
        if self.scope.project is None:
            raise MendFailure(INVALID_REQUEST, f"{self.request_type} needs a projectToken")
        return self.scope.project

    def text(self, key: str, default: str = "") -> str:
        value = self.body.get(key, default)
        return value if isinstance(value, str) else default

    def required_text(self, key: str) -> str:
        """A member the contract requires to be a non-empty string (minLength 1), as sent: a blank name is a name."""
        value = self.text(key)
        if not value:
            raise MendFailure(INVALID_REQUEST, f"{key} is required and must be a non-empty string")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.body.get(key, default)
        return value if isinstance(value, bool) else default

    def obj(self, key: str) -> dict[str, Any]:
        value = self.body.get(key)
        return value if isinstance(value, dict) else {}

    def items(self, key: str) -> list[Any]:
        value = self.body.get(key)
        return value if isinstance(value, list) else []

    def wants_json(self) -> bool:
        """A report asked for with "format": "json" (or a JSON-only variant)."""
        if "application/json" not in self.media_types:
            return False
        return self.media_types[0] == "application/json" or self.text("format").lower() == "json"


def failure(code: int, message: str) -> dict[str, Any]:
    return {"errorCode": code, "errorMessage": message}
