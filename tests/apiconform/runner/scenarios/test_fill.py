"""Discovered values per path: `NAME@PREFIX` scopes a value to the routes under PREFIX (the most specific wins), for
reads only, so a generic parameter name (`id`) can address a package under /packages/{id} without aiming a write at
that real package or a read of another resource at the wrong id."""

from __future__ import annotations

from apiconform.openapi import ApiSpec
from apiconform.runner.scenarios.fill import fill_path, for_path

ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}
OK = {"200": {"description": "ok"}}
SPEC = ApiSpec(
    {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/packages/{id}/cves": {"get": {"operationId": "cves", "parameters": [ID], "responses": OK}},
            "/packages/{id}/labels": {
                "get": {"operationId": "labels", "parameters": [ID], "responses": OK},
                "post": {"operationId": "addLabel", "parameters": [ID], "responses": OK},
            },
            "/packages/{id}/labels/{key}": {"get": {"operationId": "label", "parameters": [ID, KEY], "responses": OK}},
            "/scans/{id}": {"get": {"operationId": "scan", "parameters": [ID], "responses": OK}},
        },
    }
)
FOUND = {"id@/packages/{id}": "pkg-1", "id@/packages/{id}/labels/{key}": "pkg-2", "key": "team", "scanId": "s"}


def _filled(operation_id: str) -> tuple[str, dict[str, object]] | None:
    return fill_path(SPEC, SPEC.operation(operation_id), FOUND)


def test_a_scoped_value_fills_reads_under_its_prefix_only() -> None:
    assert _filled("cves") == ("/packages/pkg-1/cves", {})
    assert _filled("label") == ("/packages/pkg-2/labels/team", {})  # the most specific prefix wins
    assert _filled("scan") is None  # another resource's `id` is not the package's
    assert _filled("addLabel") is None  # never a write aimed at the real package


def test_plain_names_serve_every_path() -> None:
    assert for_path(FOUND, "/scans/{id}") == {"key": "team", "scanId": "s"}
    assert for_path(FOUND, "/packagesX/{id}") == {"key": "team", "scanId": "s"}  # a prefix ends at a segment
