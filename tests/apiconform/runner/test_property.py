"""The property phases judge a request against the operation it addresses, and only that one."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.apiconform.runner.test_checks_can_fail import property_outcome
from tests.served import Served

LABEL = {"type": "object", "required": ["key"], "properties": {"key": {"type": "string"}}}
# A label created without a key is answered with an empty key (as MetaDefender's mock does for
# LabelKeyRequired); the link then hands "" to DELETE /labels/{key}, which becomes DELETE /labels/.
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "labels", "version": "1"},
    "paths": {
        "/labels": {
            "post": {
                "operationId": "addLabel",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {"key": {"type": "string", "maxLength": 8}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "added, or refused with an empty key",
                        "content": {"application/json": {"schema": LABEL}},
                        "links": {
                            "delete": {"operationId": "deleteLabel", "parameters": {"key": "$response.body#/key"}}
                        },
                    },
                    "400": {"description": "bad"},
                },
            }
        },
        "/labels/{key}": {
            "delete": {
                "operationId": "deleteLabel",
                "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "deleted or not there"}},
            }
        },
    },
}


def _app(delete_status: int, seen: list[str]) -> Any:
    async def add(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "json"}, 400)
        if not isinstance(body, dict) or set(body) - {"key"} or not isinstance(body.get("key", ""), str):
            return JSONResponse({"error": "invalid"}, 400)
        if len(body.get("key", "")) > 8:
            return JSONResponse({"error": "invalid"}, 400)
        return JSONResponse({"key": body.get("key", "")})

    async def delete(request: Request) -> Response:
        return Response(status_code=delete_status)

    # Starlette redirects /labels/ to /labels (307, documented nowhere), as any server answers something there.
    app = Starlette(
        routes=[Route("/labels", add, methods=["POST"]), Route("/labels/{key}", delete, methods=["DELETE"])]
    )

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            seen.append(f"{scope['method']} {scope['path']}")
        await app(scope, receive, send)

    return recording


def _outcome(delete_status: int, seen: list[str]) -> Any:
    with Served(_app(delete_status, seen), log_level="error") as served:
        return property_outcome(SPEC, served.url(), seed=3)


def test_a_request_whose_empty_path_parameter_addresses_another_route_is_not_judged() -> None:
    seen: list[str] = []
    outcome = _outcome(200, seen)
    assert "DELETE /labels/" in seen, "the stateful phase did not follow a link with an empty key"
    assert not outcome.failures, [f"{f.operation} [{f.check}] {f.message}" for f in outcome.failures]
    assert outcome.cases.get("DELETE /labels/{key}", 0) > 0


def test_the_same_operation_is_still_judged_when_properly_addressed() -> None:
    outcome = _outcome(418, [])
    assert ("DELETE /labels/{key}", "status_code_conformance") in {(f.operation, f.check) for f in outcome.failures}
