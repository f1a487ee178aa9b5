"""Every check id is proven able to fail: by a fault profile of the mocks (test_fault_profiles.py) or, for
checks that need contract features our vendor specs lack (required headers, documented response headers,
delete operations), by a tiny contract and a deliberately broken server here."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import apiconform.proxy.checks
import apiconform.runner.core  # noqa: F401 - declares every check a run reports
from apiconform.checks import CHECKS
from apiconform.contract import Contract
from apiconform.observed import ContractView
from apiconform.redact import Redactor
from apiconform.runner.bounds import Bounds
from apiconform.runner.profiles import Profile
from apiconform.runner.property import PropertyOutcome, PropertySettings, run_property
from apiconform.runner.scenarios import examples
from apiconform.runner.scenarios.base import ScenarioContext, Verdict
from apiconform.runner.scope import RunScope
from tests.apiconform.runner.test_fault_profiles import EXPECTED
from tests.served import Served

ITEM = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "tiny", "version": "1"},
    "paths": {
        "/items": {
            "post": {
                "operationId": "createItem",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "additionalProperties": False,
                                "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 20}},
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {"application/json": {"schema": ITEM}},
                        "links": {
                            "get": {"operationId": "getItem", "parameters": {"itemId": "$response.body#/id"}},
                            "delete": {"operationId": "deleteItem", "parameters": {"itemId": "$response.body#/id"}},
                        },
                    },
                    "400": {"description": "bad"},
                },
            }
        },
        "/items/{itemId}": {
            "parameters": [
                {
                    "name": "itemId",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 1000000},
                }
            ],
            "get": {
                "operationId": "getItem",
                "parameters": [
                    {
                        "name": "X-Request-Id",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "headers": {"X-Rate-Limit": {"required": True, "schema": {"type": "integer"}}},
                        "content": {"application/json": {"schema": ITEM, "examples": {"bad": {"value": {"id": "x"}}}}},
                    },
                    "400": {"description": "bad"},
                    "404": {"description": "missing"},
                },
            },
            "delete": {
                "operationId": "deleteItem",
                "responses": {"204": {"description": "gone"}, "404": {"description": "missing"}},
            },
        },
    },
}


def broken_app(
    *,
    ignore_required_header: bool = False,
    drop_rate_limit: bool = False,
    delete_is_noop: bool = False,
    create_phantom: bool = False,
) -> Starlette:
    items: dict[int, dict[str, Any]] = {}

    async def create(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "json"}, 400)
        if (
            not isinstance(body, dict)
            or set(body) != {"name"}
            or not isinstance(body["name"], str)
            or not 1 <= len(body["name"]) <= 20
        ):
            return JSONResponse({"error": "invalid"}, 400)
        item = {"id": len(items) + 1, "name": body["name"]}
        if not create_phantom:
            items[item["id"]] = item
        return JSONResponse(item, 201)

    def _id(request: Request) -> int | None:
        raw = request.path_params["itemId"]
        return int(raw) if raw.isdigit() and 1 <= int(raw) <= 1000000 else None

    async def get(request: Request) -> Response:
        item_id = _id(request)
        if item_id is None or (not ignore_required_header and not request.headers.get("x-request-id")):
            return JSONResponse({"error": "invalid"}, 400)
        if item_id not in items:
            return JSONResponse({"error": "missing"}, 404)
        headers = {} if drop_rate_limit else {"X-Rate-Limit": "100"}
        return JSONResponse(items[item_id], 200, headers=headers)

    async def delete(request: Request) -> Response:
        item_id = _id(request)
        if item_id is None or item_id not in items:
            return JSONResponse({"error": "missing"}, 404)
        if not delete_is_noop:
            del items[item_id]
        return Response(status_code=204)

    async def item(request: Request) -> Response:
        return await (get(request) if request.method in ("GET", "HEAD") else delete(request))

    # One route per path, so a 405 lists every method of the path in Allow.
    return Starlette(
        routes=[Route("/items", create, methods=["POST"]), Route("/items/{itemId}", item, methods=["GET", "DELETE"])]
    )


PROFILE = Profile("test", ("examples", "coverage", "fuzzing", "stateful"), 5, 5.0, 2, 10, 5.0)


def property_outcome(spec: dict[str, Any], url: str, seed: int) -> PropertyOutcome:
    """The property phases of PROFILE over a tiny contract, against a server at `url`."""
    scope = RunScope(
        ContractView(Contract(spec)), Bounds(10 * 1024 * 1024, 10.0), max_response_time=PROFILE.max_response_time
    )
    settings = PropertySettings("tiny", url, {}, PROFILE, seed=seed)
    return run_property(spec, settings, Redactor(), scope)


def _failed_checks(**broken: bool) -> set[str]:
    with Served(broken_app(**broken), log_level="error") as served:
        outcome = property_outcome(SPEC, served.url(), seed=1)
    return {check for (_, check), (_, failed) in outcome.cells.items() if failed}


def test_the_honest_tiny_server_passes() -> None:
    assert _failed_checks() == set()


@pytest.mark.parametrize(
    ("broken", "check"),
    [
        ("ignore_required_header", "missing_required_header"),
        ("drop_rate_limit", "response_headers_conformance"),
        ("delete_is_noop", "use_after_free"),
        ("create_phantom", "ensure_resource_availability"),
    ],
)
def test_stateful_and_header_checks_fail_on_a_broken_server(broken: str, check: str) -> None:
    assert check in _failed_checks(**{broken: True})


def test_example_valid_reports_a_documented_example_that_breaks_its_schema() -> None:
    verdicts: list[Verdict] = []
    contract = Contract(SPEC)
    ctx = ScenarioContext(
        surface="tiny",
        contract=contract,
        view=ContractView(contract),
        client=None,
        base_url="",
        credentials={},  # type: ignore[arg-type]
        redactor=Redactor(),
        profile=PROFILE,
        allow_writes=False,
        record=verdicts.append,
    )
    examples.validate_response_examples(ctx)
    failed = [v for v in verdicts if not v.ok]
    assert [(v.operation, v.check) for v in failed] == [("GET /items/{itemId}", "example_valid")]


# Checks proven by a fault profile of the mocks (test_fault_profiles.py) or by a test in this module.
PROVEN_HERE = {
    "missing_required_header",
    "response_headers_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "example_valid",
}
PROVEN_ELSEWHERE = {
    "example_replay": "tests/apiconform/runner/test_fault_profiles.py (undocumented-status: replayed examples fail)",
    "pagination_complete": "tests/apiconform/runner/test_fault_profiles.py (offset-ignored)",
    "client_request_valid": "tests/apiconform/proxy/test_proxy.py",
    "client_operation_known": "tests/apiconform/proxy/test_proxy.py",
}


def test_every_check_id_is_proven_able_to_fail() -> None:
    by_faults = set().union(*EXPECTED.values())
    unproven = set(CHECKS) - by_faults - PROVEN_HERE - set(PROVEN_ELSEWHERE)
    assert not unproven, f"checks with no test that makes them fail: {sorted(unproven)}"
