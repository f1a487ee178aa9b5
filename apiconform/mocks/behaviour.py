"""What a vendor mock provides to the engine, and the request/response values they exchange."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from apiconform.mocks.clock import Clock
from apiconform.openapi import ApiSpec, Operation


@dataclass
class MockRequest:
    """A request that passed routing, auth and validation: parameters are typed, the body parsed."""

    operation: Operation
    path: dict[str, Any]
    query: dict[str, Any]
    headers: dict[str, str]  # lower-case names
    body: Any
    raw_body: bytes
    principal: dict[str, Any] = field(default_factory=dict)  # what auth established (user, scope, ...)


@dataclass
class MockResponse:
    status: int
    body: Any = None  # JSON-serialisable, used when `content` is None
    content: bytes | None = None
    media_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        if self.content is not None:
            return self.content
        if self.body is None:
            return b""
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode()


Handler = Callable[[MockRequest], MockResponse]


class Behaviour:
    """Base of every vendor mock: state, auth and handlers for one surface.

    Subclasses register handlers by operationId in `handlers()`; the engine validates requests before calling
    them and never lets an exception become a 500.
    """

    surface: ClassVar[str]
    #: What this mock can show beyond every mock's faults (names in `apiconform.mocks.faults.CAPABILITIES`).
    capabilities: ClassVar[frozenset[str]] = frozenset()
    #: The vendor's status for a request that breaks the contract (first documented one wins).
    invalid_request_statuses: ClassVar[tuple[str, ...]] = ("400", "422")

    def __init__(
        self, spec: ApiSpec, *, clock: Clock, faults: frozenset[str], seed: int = 0, observed: bool = False
    ) -> None:
        self.spec = spec
        self.clock = clock
        self.faults = faults
        self.seed = seed
        # Answer like the real vendor (the observed contract's shapes and formats), not only as documented
        self.observed = observed

    def handlers(self) -> dict[str, Handler]:
        raise NotImplementedError

    def credentials(self) -> dict[str, str]:
        """The credentials that work against this mock (written by `--credentials-out`)."""
        raise NotImplementedError

    def auth_headers(self) -> dict[str, str]:
        """Headers that authenticate a request with `credentials()` (what `schemathesis run -H` needs)."""
        return {}

    def authenticate(self, operation: Operation, headers: dict[str, str], raw_body: bytes) -> dict[str, Any] | None:
        """The principal for a request that carries valid credentials, else None. Default: no auth needed."""
        return {}

    def unauthorized(self, operation: Operation) -> MockResponse:
        status = "401" if "401" in operation.responses else _first(operation, ("403", "400"))
        return MockResponse(int(status), {"error": "Unauthorized"})

    def invalid(self, operation: Operation, message: str) -> MockResponse:
        """The vendor's documented answer to a request that breaks the contract."""
        status = _first(operation, self.invalid_request_statuses)
        return MockResponse(int(status), {"error": message})

    def not_found(self, operation: Operation, message: str = "Not Found") -> MockResponse:
        return MockResponse(int(_first(operation, ("404", "400"))), {"error": message})

    def request_schema(self, operation: Operation, body: Any, media_type: str) -> dict[str, Any] | None:
        """The schema a request body must satisfy (Mend overrides: the variant its requestType names)."""
        return operation.body_schema(media_type)

    def response_schema(self, request: MockRequest, response: MockResponse) -> dict[str, Any] | None:
        """The schema the answer must satisfy (Mend overrides: the schema of the requestType sent)."""
        documented = request.operation.responses.get(str(response.status), {})
        media = documented.get("content", {}).get(response.media_type)
        return None if media is None else media.get("schema")

    def decode_body(self, operation: Operation, raw_body: bytes, content_type: str) -> tuple[Any, str | None]:
        """Parse the body per the documented media type; (body, None) or (None, reason)."""
        if operation.body is None:
            return None, None
        media = content_type.split(";", maxsplit=1)[0].strip().lower()
        documented = list(operation.body.get("content", {}))
        if not raw_body:
            return None, ("request body required" if operation.body.get("required") else None)
        if media not in documented:
            return None, f"Content-Type {media or '(none)'} not accepted; send one of {', '.join(documented)}"
        if media.endswith("json"):
            try:
                return json.loads(raw_body), None
            except (ValueError, UnicodeDecodeError) as exc:
                return None, f"malformed JSON body: {exc}"
        return raw_body, None


def _first(operation: Operation, preferred: tuple[str, ...]) -> str:
    for status in preferred:
        if status in operation.responses:
            return status
    # Never fall back to an auth status for a non-auth problem: 401/403 would tell the client to re-login.
    four = sorted(s for s in operation.responses if s.startswith("4") and s not in ("401", "403"))
    return four[0] if four else preferred[0]
