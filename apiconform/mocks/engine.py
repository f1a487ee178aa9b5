"""Spec-driven ASGI mock server: routing, 405 with Allow, strict validation, auth, faults, vendor handlers.

The engine knows OpenAPI, not vendors: a `Behaviour` subclass supplies state, auth and handlers.
Every request that breaks the contract gets the vendor's documented error; nothing becomes a 500
unless a fault profile asks for it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from apiconform.mocks import faults as fault_registry
from apiconform.mocks.behaviour import Behaviour, MockRequest, MockResponse
from apiconform.openapi import Operation, route_order
from apiconform.validation import SchemaValidator, parse_parameter

MAX_BODY_BYTES = 1024 * 1024


class MockEngine:
    """Turns one Behaviour into a Starlette app."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.spec = behaviour.spec
        self.validator = SchemaValidator(behaviour.spec.document)
        self.handlers = behaviour.handlers()
        self.faults = fault_registry.activate(behaviour.faults, behaviour.spec)
        missing = [op.operation_id for op in self.spec.operations if op.operation_id not in self.handlers]
        if missing:
            raise RuntimeError(f"{behaviour.surface} mock has no handler for: {', '.join(missing)}")

    def app(self) -> Starlette:
        routes = []
        for base in self.spec.base_paths():
            by_path: dict[str, list[Operation]] = defaultdict(list)
            for op in self.spec.operations:
                by_path[op.path].append(op)
            # Starlette matches in order: literal segments must win over templates (/scans/latest before
            # /scans/{scanId}), whatever order the spec lists them in.
            ordered = sorted(by_path.items(), key=lambda kv: route_order(kv[0]))
            for path, ops in ordered:
                full = (base + path) if path != "/" else (base or "/")
                endpoint = self._endpoint({op.method: op for op in ops})
                methods = [op.method for op in ops]
                routes.append(Route(full, endpoint, methods=methods))
                if path == "/" and base:
                    routes.append(Route(base + "/", endpoint, methods=methods))
        app = Starlette(routes=routes, middleware=[Middleware(fault_registry.MethodFaults, names=self.faults.names)])
        app.state.engine = self
        return app

    def _endpoint(self, by_method: dict[str, Operation]) -> Any:
        async def endpoint(request: Request) -> Response:
            op = by_method.get(request.method) or by_method.get("GET")
            assert op is not None  # Starlette answered 405 for every other method
            raw = await _bounded_body(request)
            if raw is None:
                too_big = MockResponse(413, {"error": f"request body over {MAX_BODY_BYTES} bytes"})
                return self._to_starlette(too_big, head=request.method == "HEAD")
            response = await self.faults.around(op, lambda: self._handle(op, request, raw))
            return self._to_starlette(response, head=request.method == "HEAD")

        return endpoint

    def _handle(self, op: Operation, request: Request, raw: bytes) -> MockResponse:
        behaviour = self.behaviour
        headers = {k.lower(): v for k, v in request.headers.items()}
        principal: dict[str, Any] | None = None if "auth-not-enforced" not in self.faults.names else {}
        if principal is None:
            principal = behaviour.authenticate(op, headers, raw)
            if principal is None:
                return behaviour.unauthorized(op)
        if self.faults.reject_credentials(authenticated=True):
            return behaviour.unauthorized(op)
        params, problem = self._parameters(op, request)
        if problem:
            return behaviour.invalid(op, problem)
        body, problem = behaviour.decode_body(op, raw, headers.get("content-type", ""))
        if problem:
            return behaviour.invalid(op, problem)
        media = headers.get("content-type", "application/json").split(";")[0].strip().lower()
        schema = behaviour.request_schema(op, body, media)
        # `raw`, not `body`: a JSON `null` body decodes to None and must still be validated.
        if raw and isinstance(schema, dict) and not self.faults.skip_validation:
            violations = self.validator.errors(body, schema, "body")
            if violations:
                return behaviour.invalid(op, "; ".join(map(str, violations[:3])))
        if self.faults.reject_valid():
            return behaviour.invalid(op, "request rejected")
        mock_request = MockRequest(
            operation=op,
            path=params["path"],
            query=params["query"],
            headers=headers,
            body=body,
            raw_body=raw,
            principal=principal,
        )
        response = self.handlers[op.operation_id](mock_request)
        return self.faults.rewrite(op, response, behaviour.response_schema(mock_request, response))

    def _parameters(self, op: Operation, request: Request) -> tuple[dict[str, dict[str, Any]], str | None]:
        values: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}, "cookie": {}}
        for param in op.parameters:
            if param.location == "path":
                raw = [request.path_params[param.name]] if param.name in request.path_params else []
            elif param.location == "query":
                raw = request.query_params.getlist(param.name)
            elif param.location == "header":
                raw = request.headers.getlist(param.name)
            else:
                raw = [request.cookies[param.name]] if param.name in request.cookies else []
            if not raw:
                if param.required:
                    return values, f"missing required {param.location} parameter {param.name!r}"
                default = self.spec.resolve(param.schema).get("default")
                if default is not None:
                    values[param.location][param.name] = default
                continue
            value, reason = parse_parameter(raw, param.schema, self.spec.resolve)
            if reason is None and not self.faults.skip_validation:
                violations = self.validator.errors(value, param.schema, f"{param.location}.{param.name}")
                reason = "; ".join(map(str, violations)) if violations else None
            if reason:
                return values, f"{param.location} parameter {param.name!r}: {reason}"
            values[param.location][param.name] = value
        return values, None

    @staticmethod
    def _to_starlette(response: MockResponse, *, head: bool) -> Response:
        payload = b"" if head else response.payload()
        if response.status in (204, 304):
            payload = b""
        return Response(payload, status_code=response.status, media_type=response.media_type, headers=response.headers)


async def _bounded_body(request: Request) -> bytes | None:
    """The request body, or None as soon as it is known to exceed MAX_BODY_BYTES: a declared Content-Length over
    the limit is refused before reading anything, and a body without one is read only up to the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
