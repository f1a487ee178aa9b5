"""`apiconform diff`: one change per case against small specs built in code, then end to end: the real specs,
the README's worked example, exit codes, formats, golden renderings, `REV:path` from git, redaction, and the
rule catalogue.

The two bases: `rest()` (a jobs API: `$ref` chains, a self-referencing schema, `allOf`, a discriminated
`oneOf`, paging parameters, headers, security, servers) and `mend_like()` (one `POST /` whose body is a
oneOf of requestType variants, each with `x-response-schema`). Each case deep-copies a base, changes one thing
and asserts the exact set of (rule id, severity, operation) reported; every Mend-like variant change must land
on its virtual operation `POST /api/v1.2#<requestType>`, never on the union.

Golden files live in tests/apiconform/diff/golden/; after an intended change to the renderers, run
`APICONFORM_UPDATE_GOLDEN=1 python -m pytest tests/apiconform/diff -p no:cacheprovider` and review the diff.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from apiconform.commands.diff import add_arguments, run_diff
from apiconform.diff import RULES, SEVERITIES, Finding, diff_documents, load_side, render
from apiconform.errors import SpecError, UsageError
from apiconform.spec import load_document

# spec bases ----------------------------------------------------------------------------------------------------

Doc = dict[str, Any]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def schemas(doc: Doc) -> dict[str, Any]:
    result: dict[str, Any] = doc["components"]["schemas"]
    return result


def rest() -> Doc:
    json_job = {"application/json": {"schema": ref("Job")}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Jobs", "version": "1", "x-surface": "jobs"},
        "servers": [{"url": "https://{host}/api/v1", "variables": {"host": {"default": "jobs.example.com"}}}],
        "security": [{"bearer": []}],
        "paths": {
            "/jobs": {
                "get": {
                    "operationId": "listJobs",
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
                        },
                        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
                        {"name": "status", "in": "query", "schema": ref("Status")},
                        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "headers": {"X-Total": {"required": True, "schema": {"type": "integer"}}},
                            "content": {"application/json": {"schema": ref("JobList")}},
                        },
                        "401": {"description": "Unauthorized"},
                    },
                },
                "post": {
                    "operationId": "createJob",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewJob")}}},
                    "responses": {"201": {"description": "Created", "content": copy.deepcopy(json_job)}},
                },
            },
            "/jobs/{jobId}": {
                "get": {
                    "operationId": "getJob",
                    "parameters": [
                        {
                            "name": "jobId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "format": "int64"},
                        }
                    ],
                    "responses": {
                        "200": {"description": "OK", "content": copy.deepcopy(json_job)},
                        "404": {"description": "Not Found"},
                    },
                },
            },
            "/health": {"get": {"operationId": "health", "security": [], "responses": {"204": {"description": "Up"}}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Status": {"type": "string", "enum": ["NEW", "RUNNING", "DONE"]},
                "NewJob": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "maxLength": 64, "pattern": "^[a-z]+$"},
                        "priority": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 9, "default": 5},
                        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
                        "kind": {"type": "string", "enum": ["export", "notice"]},
                        "metadata": {"type": "object", "properties": {"source": {"type": "string"}}},
                        "target": ref("Target"),
                    },
                },
                "Job": {
                    "type": "object",
                    "required": ["id", "status"],
                    "properties": {
                        "id": {"type": "integer", "format": "int64"},
                        "status": ref("Status"),
                        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                        "note": {"type": "string", "maxLength": 200},
                        "parent": ref("Job"),
                        "owner": {"allOf": [ref("User"), {"required": ["email"]}]},
                    },
                },
                "User": {"type": "object", "properties": {"name": {"type": "string"}, "email": {"type": "string"}}},
                "JobList": {
                    "type": "object",
                    "required": ["items"],
                    "properties": {"items": {"type": "array", "items": ref("Job")}, "total": {"type": "integer"}},
                },
                "Target": {
                    "oneOf": [ref("FileTarget"), ref("UrlTarget")],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"file": "#/components/schemas/FileTarget", "url": "#/components/schemas/UrlTarget"},
                    },
                },
                "FileTarget": {
                    "type": "object",
                    "required": ["kind", "path"],
                    "properties": {"kind": {"const": "file"}, "path": {"type": "string"}},
                },
                "UrlTarget": {
                    "type": "object",
                    "required": ["kind", "url"],
                    "properties": {"kind": {"const": "url"}, "url": {"type": "string", "format": "uri"}},
                },
            },
        },
    }


def _variant(request_type: str, token: str, answer: str | None, media: str = "application/json") -> Doc:
    variant: Doc = {
        "type": "object",
        "additionalProperties": False,
        "required": ["requestType", "userKey", token],
        "properties": {
            "requestType": {"type": "string", "const": request_type},
            "userKey": {"type": "string"},
            token: {"type": "string"},
            "agentInfo": ref("AgentInfo"),
        },
        "x-scope": "project" if token == "projectToken" else "organization",
        "x-effect": "read",
        "x-response-media-types": [media],
    }
    if answer:
        variant["x-response-schema"] = f"#/components/schemas/{answer}"
    return variant


VARIANTS = {
    "getProjectAlerts": "GetProjectAlertsRequest",
    "getRequestState": "GetRequestStateRequest",
    "getProjectRiskReport": "GetProjectRiskReportRequest",
}


def mend_like() -> Doc:
    request_state = _variant("getRequestState", "orgToken", "GetRequestStateResponse")
    request_state["required"].append("requestToken")
    request_state["properties"]["requestToken"] = {"type": "string"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Mend-like", "version": "1.2", "x-surface": "mend"},
        "servers": [
            {
                "url": "https://{host}/api/{version}",
                "variables": {
                    "host": {"default": "saas.example"},
                    "version": {"default": "v1.2", "enum": ["v1.2", "v1.3"]},
                },
            }
        ],
        "paths": {
            "/": {
                "post": {
                    "operationId": "mendApi",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": ref("MendRequest")}}},
                    "responses": {
                        "200": {
                            "description": "answer",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "anyOf": [
                                            ref("GetProjectAlertsResponse"),
                                            ref("GetRequestStateResponse"),
                                            ref("MendError"),
                                        ]
                                    }
                                },
                                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "MendRequest": {
                    "oneOf": [ref(name) for name in VARIANTS.values()],
                    "discriminator": {
                        "propertyName": "requestType",
                        "mapping": {value: f"#/components/schemas/{name}" for value, name in VARIANTS.items()},
                    },
                },
                "GetProjectAlertsRequest": _variant("getProjectAlerts", "projectToken", "GetProjectAlertsResponse"),
                "GetRequestStateRequest": request_state,
                "GetProjectRiskReportRequest": _variant(
                    "getProjectRiskReport", "projectToken", None, "application/pdf"
                ),
                "AgentInfo": {"type": "object", "properties": {"agent": {"type": "string"}}},
                "GetProjectAlertsResponse": {
                    "type": "object",
                    "required": ["alerts"],
                    "properties": {"alerts": {"type": "array", "items": ref("Alert")}},
                },
                "Alert": {
                    "type": "object",
                    "required": ["type", "level"],
                    "properties": {
                        "type": {"type": "string", "enum": ["SECURITY_VULNERABILITY", "NEW_MAJOR_VERSION"]},
                        "level": {"type": "string", "enum": ["minor", "major"]},
                        "description": {"type": "string"},
                    },
                },
                "GetRequestStateResponse": {
                    "type": "object",
                    "required": ["requestState"],
                    "properties": {
                        "requestState": {"type": "string", "enum": ["UNKNOWN", "IN_PROGRESS", "FINISHED"]},
                        "timestamp": {"type": "string", "format": "date-time"},
                    },
                },
                "MendError": {
                    "type": "object",
                    "required": ["errorCode", "errorMessage"],
                    "properties": {"errorCode": {"type": "integer"}, "errorMessage": {"type": "string"}},
                },
            }
        },
    }


def changed(base: Callable[[], Doc], mutate: Callable[[Doc], object]) -> list[Finding]:
    """Diff `base()` against a copy changed by `mutate`."""
    old = base()
    new = copy.deepcopy(old)
    mutate(new)
    return diff_documents(old, new)


def triples(findings: list[Finding]) -> set[tuple[str, str, str]]:
    return {(f.rule, f.severity, f.operation) for f in findings}


# one change per case -------------------------------------------------------------------------------------------

Mutation = Callable[[Doc], object]
JOB_OPS = ("GET /jobs", "POST /jobs", "GET /jobs/{jobId}")  # every operation whose answer holds a Job
ALERTS, STATE, RISK = (
    "POST /api/v1.2#getProjectAlerts",
    "POST /api/v1.2#getRequestState",
    "POST /api/v1.2#getProjectRiskReport",
)
UNION = "POST /api/v1.2"


def at(doc: Doc, *path: str | int) -> Any:
    node: Any = doc
    for part in path:
        node = node[part]
    return node


def put(*path: str | int, value: Any) -> Mutation:
    return lambda doc: at(doc, *path[:-1]).__setitem__(path[-1], copy.deepcopy(value))


def drop(*path: str | int) -> Mutation:
    return lambda doc: at(doc, *path[:-1]).__delitem__(path[-1])


def push(*path: str | int, value: Any) -> Mutation:
    return lambda doc: at(doc, *path).append(copy.deepcopy(value))


def remove(*path: str | int, value: Any) -> Mutation:
    return lambda doc: at(doc, *path).remove(value)


def each(*mutations: Mutation) -> Mutation:
    def apply(doc: Doc) -> None:
        for mutation in mutations:
            mutation(doc)

    return apply


def on_jobs(rule: str, severity: str) -> set[tuple[str, str, str]]:
    return {(rule, severity, op) for op in JOB_OPS}


S = ("components", "schemas")
LIST, CREATE, GET = ("paths", "/jobs", "get"), ("paths", "/jobs", "post"), ("paths", "/jobs/{jobId}", "get")
NEW_JOB, JOB = (*S, "NewJob", "properties"), (*S, "Job", "properties")
OPTIONAL_Q = {"name": "team", "in": "query", "schema": {"type": "string"}}


def _rename_target(doc: Doc) -> None:
    schemas(doc)["UrlTargetV2"] = schemas(doc).pop("UrlTarget")
    schemas(doc)["Target"]["oneOf"][1] = ref("UrlTargetV2")
    schemas(doc)["Target"]["discriminator"]["mapping"]["url"] = "#/components/schemas/UrlTargetV2"


def _rename_path_param(doc: Doc) -> None:
    item = doc["paths"].pop("/jobs/{jobId}")
    item["get"]["parameters"][0]["name"] = "id"
    doc["paths"]["/jobs/{id}"] = item


REST_CASES: list[Any] = [
    # operations
    pytest.param(
        drop(*GET[:2], "get"), {("operation-removed", "breaking", "GET /jobs/{jobId}")}, id="operation-removed"
    ),
    pytest.param(
        put(
            "paths",
            "/jobs/{jobId}",
            "delete",
            value={"operationId": "deleteJob", "responses": {"204": {"description": "gone"}}},
        ),
        {("operation-added", "info", "DELETE /jobs/{jobId}")},
        id="operation-added",
    ),
    pytest.param(
        put(*LIST, "deprecated", value=True),
        {("operation-deprecated", "warning", "GET /jobs")},
        id="operation-deprecated",
    ),
    pytest.param(
        put(*LIST, "operationId", value="getJobs"),
        {("operation-id-changed", "warning", "GET /jobs")},
        id="operation-id-changed",
    ),
    pytest.param(_rename_path_param, set(), id="path-parameter-renamed-is-no-change"),
    # parameters
    pytest.param(
        push(*LIST, "parameters", value={**OPTIONAL_Q, "required": True}),
        {("request-parameter-added-required", "breaking", "GET /jobs")},
        id="parameter-added-required",
    ),
    pytest.param(
        push(*LIST, "parameters", value=OPTIONAL_Q),
        {("request-parameter-added", "info", "GET /jobs")},
        id="parameter-added-optional",
    ),
    pytest.param(
        drop(*LIST, "parameters", 3), {("request-parameter-removed", "warning", "GET /jobs")}, id="parameter-removed"
    ),
    pytest.param(
        put(*LIST, "parameters", 2, "required", value=True),
        {("request-parameter-became-required", "breaking", "GET /jobs")},
        id="parameter-became-required",
    ),
    pytest.param(
        put(*LIST, "parameters", 3, "in", value="query"),
        {("request-parameter-location-changed", "breaking", "GET /jobs")},
        id="parameter-location-changed",
    ),
    pytest.param(
        put(*LIST, "parameters", 3, "schema", value={"type": "string", "maxLength": 16}),
        {("request-length-tightened", "breaking", "GET /jobs")},
        id="parameter-max-length-added",
    ),
    # paging
    pytest.param(
        drop(*LIST, "parameters", 0), {("pagination-parameter-removed", "breaking", "GET /jobs")}, id="paging-removed"
    ),
    pytest.param(
        put(*LIST, "parameters", 1, "name", value="page"),
        {("pagination-parameter-renamed", "breaking", "GET /jobs")},
        id="paging-renamed",
    ),
    pytest.param(
        put(*LIST, "parameters", 0, "schema", "default", value=50),
        {("pagination-default-changed", "warning", "GET /jobs")},
        id="paging-default-changed",
    ),
    pytest.param(
        put(*LIST, "parameters", 0, "schema", "maximum", value=50),
        {("pagination-bounds-tightened", "breaking", "GET /jobs")},
        id="paging-max-lowered",
    ),
    pytest.param(
        put(*LIST, "parameters", 0, "schema", "maximum", value=500),
        {("pagination-bounds-loosened", "warning", "GET /jobs")},
        id="paging-max-raised",
    ),
    # request bodies
    pytest.param(
        put(*CREATE, "requestBody", "required", value=False),
        {("request-body-became-optional", "info", "POST /jobs")},
        id="body-became-optional",
    ),
    pytest.param(
        put(*CREATE, "requestBody", "content", value={"application/xml": {"schema": ref("NewJob")}}),
        {("request-media-type-removed", "breaking", "POST /jobs"), ("request-media-type-added", "info", "POST /jobs")},
        id="request-content-type-changed",
    ),
    pytest.param(drop(*CREATE, "requestBody"), {("request-body-removed", "warning", "POST /jobs")}, id="body-removed"),
    pytest.param(
        put(
            *GET,
            "requestBody",
            value={"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
        ),
        {("request-body-added-required", "breaking", "GET /jobs/{jobId}")},
        id="body-added-required",
    ),
    # request schemas
    pytest.param(
        each(put(*NEW_JOB, "team", value={"type": "string"}), push(*S, "NewJob", "required", value="team")),
        {("request-property-added-required", "breaking", "POST /jobs")},
        id="request-field-added-required",
    ),
    pytest.param(
        put(*NEW_JOB, "team", value={"type": "string"}),
        {("request-property-added", "info", "POST /jobs")},
        id="request-field-added-optional",
    ),
    pytest.param(
        drop(*NEW_JOB, "kind"),
        {("request-property-no-longer-accepted", "breaking", "POST /jobs")},
        id="request-field-removed-closed-object",
    ),
    pytest.param(
        drop(*NEW_JOB, "metadata", "properties", "source"),
        {("request-property-removed", "warning", "POST /jobs")},
        id="request-field-removed-open-object",
    ),
    pytest.param(
        push(*S, "NewJob", "required", value="priority"),
        {("request-property-became-required", "breaking", "POST /jobs")},
        id="request-field-became-required",
    ),
    pytest.param(
        put(*NEW_JOB, "priority", "type", value="string"),
        {("request-type-changed", "breaking", "POST /jobs")},
        id="request-type-changed",
    ),
    pytest.param(
        put(*NEW_JOB, "priority", "type", value="number"),
        {("request-type-widened", "info", "POST /jobs")},
        id="request-type-widened",
    ),
    pytest.param(
        put(*NEW_JOB, "tags", "items", "type", value="integer"),
        {("request-type-changed", "breaking", "POST /jobs")},
        id="request-array-item-type-changed",
    ),
    pytest.param(
        put(*NEW_JOB, "priority", "format", value="int64"),
        {("request-format-widened", "info", "POST /jobs")},
        id="request-format-int32-to-int64",
    ),
    pytest.param(
        put(*NEW_JOB, "name", "format", value="email"),
        {("request-format-changed", "breaking", "POST /jobs")},
        id="request-format-added",
    ),
    pytest.param(
        put(*NEW_JOB, "name", "maxLength", value=32),
        {("request-length-tightened", "breaking", "POST /jobs")},
        id="request-max-length-lowered",
    ),
    pytest.param(
        put(*NEW_JOB, "name", "maxLength", value=128),
        {("request-length-loosened", "info", "POST /jobs")},
        id="request-max-length-raised",
    ),
    pytest.param(
        put(*NEW_JOB, "priority", "maximum", value=5),
        {("request-range-tightened", "breaking", "POST /jobs")},
        id="request-maximum-lowered",
    ),
    pytest.param(
        drop(*NEW_JOB, "priority", "minimum"),
        {("request-range-loosened", "info", "POST /jobs")},
        id="request-minimum-removed",
    ),
    pytest.param(
        each(drop(*NEW_JOB, "priority", "minimum"), put(*NEW_JOB, "priority", "exclusiveMinimum", value=-1)),
        set(),
        id="request-equivalent-integer-bound-is-no-change",
    ),
    pytest.param(
        put(*NEW_JOB, "name", "pattern", value="^[a-z0-9]+$"),
        {("request-pattern-changed", "breaking", "POST /jobs")},
        id="request-pattern-changed",
    ),
    pytest.param(
        drop(*NEW_JOB, "name", "pattern"),
        {("request-pattern-removed", "info", "POST /jobs")},
        id="request-pattern-removed",
    ),
    pytest.param(
        remove(*NEW_JOB, "kind", "enum", value="notice"),
        {("request-enum-value-removed", "breaking", "POST /jobs")},
        id="request-enum-value-removed",
    ),
    pytest.param(
        push(*NEW_JOB, "kind", "enum", value="report"),
        {("request-enum-value-added", "info", "POST /jobs")},
        id="request-enum-value-added",
    ),
    pytest.param(
        put(*NEW_JOB, "name", "enum", value=["build", "deploy"]),
        {("request-enum-added", "breaking", "POST /jobs")},
        id="request-enum-added",
    ),
    pytest.param(
        put(*NEW_JOB, "metadata", "additionalProperties", value=False),
        {("request-additional-properties-closed", "breaking", "POST /jobs")},
        id="request-object-closed",
    ),
    pytest.param(
        drop(*S, "NewJob", "additionalProperties"),
        {("request-additional-properties-opened", "info", "POST /jobs")},
        id="request-object-opened",
    ),
    pytest.param(
        put(*NEW_JOB, "priority", "default", value=3),
        {("request-default-changed", "warning", "POST /jobs")},
        id="request-default-changed",
    ),
    pytest.param(
        put(*NEW_JOB, "tags", "maxItems", value=5),
        {("request-size-tightened", "breaking", "POST /jobs")},
        id="request-max-items-lowered",
    ),
    pytest.param(
        put(*NEW_JOB, "tags", "uniqueItems", value=True),
        {("request-size-tightened", "breaking", "POST /jobs")},
        id="request-unique-items-added",
    ),
    # generic oneOf with a discriminator (request side: NewJob.target)
    pytest.param(
        each(drop(*S, "Target", "oneOf", 1), drop(*S, "Target", "discriminator", "mapping", "url")),
        {("request-union-branch-removed", "breaking", "POST /jobs")},
        id="request-oneof-branch-removed",
    ),
    pytest.param(
        each(
            put(*S, "S3Target", value={"type": "object", "properties": {"kind": {"const": "s3"}}}),
            push(*S, "Target", "oneOf", value=ref("S3Target")),
            put(*S, "Target", "discriminator", "mapping", "s3", value="#/components/schemas/S3Target"),
        ),
        {("request-union-branch-added", "info", "POST /jobs")},
        id="request-oneof-branch-added",
    ),
    pytest.param(
        _rename_target,
        {("discriminator-mapping-changed", "warning", "POST /jobs")},
        id="generic-discriminator-mapping-changed",
    ),
    pytest.param(
        put(*S, "UrlTarget", "properties", "url", "format", value="iri"),
        {("request-format-changed", "breaking", "POST /jobs")},
        id="change-inside-oneof-branch",
    ),
    pytest.param(
        put(*S, "Target", "discriminator", "propertyName", value="type"),
        {("discriminator-property-changed", "breaking", "POST /jobs")},
        id="generic-discriminator-property-changed",
    ),
    # response schemas (a Job is in three answers; Job.parent is a cycle)
    pytest.param(
        each(drop(*JOB, "status"), remove(*S, "Job", "required", value="status")),
        on_jobs("response-required-property-removed", "breaking"),
        id="response-required-field-removed",
    ),
    pytest.param(drop(*JOB, "note"), on_jobs("response-property-removed", "warning"), id="response-field-removed"),
    pytest.param(
        put(*JOB, "createdAt", value={"type": "string", "format": "date-time"}),
        on_jobs("response-property-added", "info"),
        id="response-field-added",
    ),
    pytest.param(
        remove(*S, "Job", "required", value="status"),
        on_jobs("response-property-became-optional", "breaking"),
        id="response-field-became-optional",
    ),
    pytest.param(
        push(*S, "Job", "required", value="note"),
        on_jobs("response-property-became-required", "info"),
        id="response-field-became-required",
    ),
    pytest.param(
        remove(*JOB, "owner", "allOf", 1, "required", value="email"),
        on_jobs("response-property-became-optional", "breaking"),
        id="response-allof-required-dropped",
    ),
    pytest.param(
        put(*JOB, "progress", "type", value=["integer", "null"]),
        on_jobs("response-type-changed", "breaking"),
        id="response-became-nullable",
    ),
    pytest.param(
        put(*JOB, "id", "type", value="string"),
        on_jobs("response-type-changed", "breaking"),
        id="response-type-changed",
    ),
    pytest.param(
        put(*JOB, "id", "format", value="int32"),
        on_jobs("response-format-narrowed", "info"),
        id="response-format-narrowed",
    ),
    pytest.param(
        drop(*JOB, "id", "format"), on_jobs("response-format-removed", "warning"), id="response-format-removed"
    ),
    pytest.param(
        push(*S, "Status", "enum", value="CANCELLED"),
        on_jobs("response-enum-value-added", "breaking") | {("request-enum-value-added", "info", "GET /jobs")},
        id="shared-enum-value-added",
    ),
    pytest.param(
        remove(*S, "Status", "enum", value="DONE"),
        on_jobs("response-enum-value-removed", "info") | {("request-enum-value-removed", "breaking", "GET /jobs")},
        id="shared-enum-value-removed",
    ),
    pytest.param(
        put(*JOB, "progress", "maximum", value=1000),
        on_jobs("response-range-loosened", "warning"),
        id="response-maximum-raised",
    ),
    pytest.param(
        put(*JOB, "progress", "maximum", value=10),
        on_jobs("response-range-tightened", "info"),
        id="response-maximum-lowered",
    ),
    pytest.param(
        put(*JOB, "note", "maxLength", value=500),
        on_jobs("response-length-loosened", "warning"),
        id="response-max-length-raised",
    ),
    pytest.param(
        put(*JOB, "note", "pattern", value="^.*$"),
        on_jobs("response-pattern-added", "info"),
        id="response-pattern-added",
    ),
    # responses
    pytest.param(
        drop(*GET, "responses", "404"),
        {("response-status-removed", "warning", "GET /jobs/{jobId}")},
        id="status-removed",
    ),
    pytest.param(
        put(*CREATE, "responses", "200", value={"description": "exists"}),
        {("response-success-status-added", "warning", "POST /jobs")},
        id="success-status-added",
    ),
    pytest.param(
        put(*CREATE, "responses", "429", value={"description": "slow down"}),
        {("response-error-status-added", "info", "POST /jobs")},
        id="error-status-added",
    ),
    pytest.param(
        put(*GET, "responses", "200", "content", value={"application/xml": {"schema": ref("Job")}}),
        {
            ("response-media-type-removed", "breaking", "GET /jobs/{jobId}"),
            ("response-media-type-added", "info", "GET /jobs/{jobId}"),
        },
        id="response-content-type-changed",
    ),
    pytest.param(
        drop(*LIST, "responses", "200", "headers", "X-Total"),
        {("response-header-removed", "warning", "GET /jobs")},
        id="response-header-removed",
    ),
    pytest.param(
        put(*LIST, "responses", "200", "headers", "X-Total", "required", value=False),
        {("response-header-became-optional", "warning", "GET /jobs")},
        id="response-header-became-optional",
    ),
    pytest.param(
        put(*LIST, "responses", "200", "headers", "X-Next", value={"schema": {"type": "string"}}),
        {("response-header-added", "info", "GET /jobs")},
        id="response-header-added",
    ),
    # security and servers
    pytest.param(
        drop("paths", "/health", "get", "security"),
        {("security-requirement-added", "breaking", "GET /health")},
        id="security-added-to-public-operation",
    ),
    pytest.param(
        put(*LIST, "security", value=[]), {("security-requirement-relaxed", "info", "GET /jobs")}, id="security-relaxed"
    ),
    pytest.param(
        each(
            put("components", "securitySchemes", "apiKey", value={"type": "apiKey", "in": "header", "name": "X-Key"}),
            put("security", value=[{"apiKey": []}]),
        ),
        on_jobs("security-requirement-removed", "breaking") | on_jobs("security-alternative-added", "info"),
        id="security-scheme-replaced",
    ),
    pytest.param(
        put("security", value=[{"bearer": ["admin"]}]),
        on_jobs("security-scope-added", "breaking"),
        id="security-scope-added",
    ),
    pytest.param(
        put("components", "securitySchemes", "bearer", "scheme", value="basic"),
        {("security-scheme-changed", "breaking", "(spec)")},
        id="security-scheme-changed",
    ),
    pytest.param(
        put("servers", 0, "url", value="https://{host}/api/v2"),
        {("server-base-path-changed", "warning", "(spec)")},
        id="server-base-path-changed",
    ),
    pytest.param(
        put("servers", 0, "variables", "host", "default", value="jobs.example.org"),
        {("server-url-changed", "warning", "(spec)")},
        id="server-host-changed",
    ),
    pytest.param(
        push("servers", value={"url": "https://eu.jobs.example.com/api/v1"}),
        {("server-added", "info", "(spec)")},
        id="server-added",
    ),
]

MEND = ("components", "schemas")


def _variant_added(doc: Doc) -> None:
    variant = copy.deepcopy(schemas(doc)["GetProjectAlertsRequest"])
    variant["properties"]["requestType"]["const"] = "getProjectVitals"
    del variant["x-response-schema"]
    schemas(doc)["GetProjectVitalsRequest"] = variant
    schemas(doc)["MendRequest"]["oneOf"].append(ref("GetProjectVitalsRequest"))
    schemas(doc)["MendRequest"]["discriminator"]["mapping"]["getProjectVitals"] = (
        "#/components/schemas/GetProjectVitalsRequest"
    )


def _variant_removed(doc: Doc) -> None:
    del schemas(doc)["GetProjectRiskReportRequest"]
    schemas(doc)["MendRequest"]["oneOf"].remove(ref("GetProjectRiskReportRequest"))
    del schemas(doc)["MendRequest"]["discriminator"]["mapping"]["getProjectRiskReport"]


def _mapping_target_changed(doc: Doc) -> None:
    schemas(doc)["GetRequestStateRequestV2"] = schemas(doc).pop("GetRequestStateRequest")
    schemas(doc)["MendRequest"]["oneOf"][1] = ref("GetRequestStateRequestV2")
    schemas(doc)["MendRequest"]["discriminator"]["mapping"]["getRequestState"] = (
        "#/components/schemas/GetRequestStateRequestV2"
    )


ALERTS_REQUEST = (*MEND, "GetProjectAlertsRequest")
STATE_ANSWER = (*MEND, "GetRequestStateResponse")

RPC_CASES: list[Any] = [
    pytest.param(_variant_removed, {("rpc-request-type-removed", "breaking", RISK)}, id="variant-removed"),
    pytest.param(
        _variant_added, {("rpc-request-type-added", "info", "POST /api/v1.2#getProjectVitals")}, id="variant-added"
    ),
    pytest.param(
        each(
            put(*ALERTS_REQUEST, "properties", "projectName", value={"type": "string"}),
            push(*ALERTS_REQUEST, "required", value="projectName"),
        ),
        {("request-property-added-required", "breaking", ALERTS)},
        id="variant-required-field-added",
    ),
    pytest.param(
        put(*ALERTS_REQUEST, "properties", "fromDate", value={"type": "string"}),
        {("request-property-added", "info", ALERTS)},
        id="variant-optional-field-added",
    ),
    pytest.param(
        push(*MEND, "Alert", "properties", "type", "enum", value="LICENSE_RISK"),
        {("response-enum-value-added", "breaking", ALERTS)},
        id="variant-response-enum-value-added",
    ),
    pytest.param(
        drop(*STATE_ANSWER, "properties", "timestamp"),
        {("response-property-removed", "warning", STATE)},
        id="variant-response-field-removed",
    ),
    pytest.param(
        each(drop(*STATE_ANSWER, "properties", "requestState"), drop(*STATE_ANSWER, "required")),
        {("response-required-property-removed", "breaking", STATE)},
        id="variant-response-required-field-removed",
    ),
    pytest.param(
        put(*STATE_ANSWER, "properties", "requestState", "enum", 1, value="RUNNING"),
        {("response-enum-value-added", "breaking", STATE), ("response-enum-value-removed", "info", STATE)},
        id="variant-response-enum-value-renamed",
    ),
    pytest.param(
        _mapping_target_changed,
        {("discriminator-mapping-changed", "warning", STATE)},
        id="variant-mapping-target-changed",
    ),
    pytest.param(
        put(*ALERTS_REQUEST, "x-effect", value="write"),
        {("rpc-effect-changed", "warning", ALERTS)},
        id="variant-effect-changed",
    ),
    pytest.param(
        put(*MEND, "GetProjectRiskReportRequest", "x-response-media-types", value=["application/zip"]),
        {("response-media-type-removed", "breaking", RISK), ("response-media-type-added", "info", RISK)},
        id="variant-answer-media-type-changed",
    ),
    pytest.param(
        drop(*MEND, "GetRequestStateRequest", "x-response-schema"),
        {("response-schema-removed", "breaking", STATE)},
        id="variant-answer-schema-removed",
    ),
    pytest.param(
        put(*MEND, "GetProjectRiskReportRequest", "x-response-schema", value="#/components/schemas/MendError"),
        {("response-schema-added", "info", RISK)},
        id="variant-answer-schema-added",
    ),
    pytest.param(
        put(*MEND, "AgentInfo", "additionalProperties", value=False),
        {("request-additional-properties-closed", "breaking", op) for op in (ALERTS, STATE, RISK)},
        id="shared-variant-field-closed",
    ),
    pytest.param(
        put(*MEND, "MendError", "properties", "errorCode", "type", value="string"),
        {("response-type-changed", "breaking", UNION)},
        id="error-answer-changed",
    ),
    pytest.param(
        put(*MEND, "MendRequest", "discriminator", "propertyName", value="type"),
        {("discriminator-property-changed", "breaking", UNION)},
        id="union-discriminator-property-changed",
    ),
    pytest.param(
        remove("servers", 0, "variables", "version", "enum", value="v1.3"),
        {("server-variable-changed", "warning", "(spec)")},
        id="server-version-dropped",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), REST_CASES)
def test_rest_change(mutate: Mutation, expected: set[tuple[str, str, str]]) -> None:
    assert triples(changed(rest, mutate)) == expected


@pytest.mark.parametrize(("mutate", "expected"), RPC_CASES)
def test_rpc_variant_change(mutate: Mutation, expected: set[tuple[str, str, str]]) -> None:
    findings = changed(mend_like, mutate)
    assert triples(findings) == expected
    assert not [f for f in findings if "oneOf" in f.message or "anyOf" in f.message], "a union change leaked"


def test_cases_cover_at_least_thirty_distinct_rules() -> None:
    rules = {rule for case in REST_CASES + RPC_CASES for rule, _, _ in case.values[1]}
    assert len(rules) >= 30, sorted(rules)
    assert len(REST_CASES) + len(RPC_CASES) >= 30


ROOT = Path(__file__).resolve().parents[3]
SPECS = ROOT / "specs"
EXAMPLE = ROOT / "examples" / "upgrade"
GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = "APICONFORM_UPDATE_GOLDEN=1 python -m pytest tests/apiconform/diff -p no:cacheprovider"
ALERT_ANSWERS = (
    "getAlertsByProjectTag", "getOrganizationAlerts", "getOrganizationAlertsByType", "getOrganizationIgnoredAlerts",
    "getProductAlerts", "getProductAlertsByType", "getProductIgnoredAlerts", "getProjectAlerts",
    "getProjectAlertsByType", "getProjectIgnoredAlerts",
)  # fmt: skip


def _golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("APICONFORM_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else "<missing>"
    assert actual == expected, f"{path.name} is stale; if the new rendering is intended, run: {UPDATE_GOLDEN}"


def _multi_change(doc: Doc) -> None:
    get_jobs = doc["paths"]["/jobs"]["get"]
    get_jobs["deprecated"] = True
    get_jobs["parameters"][0]["schema"]["maximum"] = 50
    schemas(doc)["NewJob"]["properties"]["team"] = {"type": "string"}
    schemas(doc)["NewJob"]["required"].append("team")
    schemas(doc)["Status"]["enum"].append("CANCELLED")
    del schemas(doc)["Job"]["properties"]["note"]
    schemas(doc)["Job"]["properties"]["createdAt"] = {"type": "string", "format": "date-time"}
    doc["servers"].append({"url": "https://eu.jobs.example.com/api/v1"})


def _multi() -> list[Finding]:
    old = rest()
    new = copy.deepcopy(old)
    _multi_change(new)
    return diff_documents(old, new)


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def _write(path: Path, doc: Doc) -> str:
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return str(path)


# the real specs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_real_spec_against_itself_has_no_findings(spec: Path) -> None:
    document = load_document(spec)
    start = time.perf_counter()
    assert diff_documents(document, copy.deepcopy(document)) == []
    assert time.perf_counter() - start < 2.0


def test_worked_example_reports_exactly_the_documented_changes() -> None:
    old, new = load_document(SPECS / "mend.yaml"), load_document(EXAMPLE / "mend-next.yaml")
    start = time.perf_counter()
    findings = diff_documents(old, new)
    assert time.perf_counter() - start < 3.0, "diffing two ~10k-line Mend specs must stay fast"
    expected = {("response-enum-value-added", "breaking", f"POST /api/v1.2#{rt}") for rt in ALERT_ANSWERS}
    expected |= {
        ("response-enum-value-added", "breaking", "POST /api/v1.2#getRequestState"),  # RUNNING (was IN_PROGRESS)
        ("response-enum-value-removed", "info", "POST /api/v1.2#getRequestState"),  # IN_PROGRESS
        ("request-property-added-required", "breaking", "POST /api/v1.2#getProjectAlerts"),  # projectName
        ("response-property-added", "info", "POST /api/v1.2#getProjectAlerts"),  # totalAlerts
    }
    stale = (
        "if specs/mend.yaml changed since examples/upgrade/mend-next.yaml was copied from it, copy it again and"
        " re-apply the four edits listed in examples/upgrade/README.md (and paste the new output there)"
    )
    assert triples(findings) == expected, stale
    assert len(findings) == len(expected), stale
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert render(findings, "md") in readme, (
        "examples/upgrade/README.md no longer shows the actual output: paste the output of "
        "`apiconform diff specs/mend.yaml examples/upgrade/mend-next.yaml --format md` into it"
    )


def test_readme_lists_the_rule_catalogue() -> None:
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([a-z-]+)` \| (breaking|warning|info) \|", readme, re.MULTILINE))
    assert listed == {rule.id: rule.severity for rule in RULES.values()}


def test_rule_catalogue_is_well_formed() -> None:
    assert len(RULES) >= 60
    for rule in RULES.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
        assert rule.severity in SEVERITIES
        assert rule.summary and "\n" not in rule.summary


# robustness and order ------------------------------------------------------------------------------------------


def test_cycles_terminate_and_report_once_per_operation() -> None:
    old = rest()
    schemas(old)["A"] = {"type": "object", "properties": {"b": ref("B")}}
    schemas(old)["B"] = {"type": "object", "properties": {"a": ref("A"), "n": {"type": "integer"}}}
    schemas(old)["Loop"] = {"allOf": [ref("Loop"), {"type": "object"}]}
    schemas(old)["Job"]["properties"]["a"] = ref("A")
    schemas(old)["Job"]["properties"]["loop"] = ref("Loop")
    new = copy.deepcopy(old)
    schemas(new)["B"]["properties"]["n"]["type"] = "string"
    findings = diff_documents(old, new)
    assert sorted((f.operation, f.rule) for f in findings) == [
        ("GET /jobs", "response-type-changed"),
        ("GET /jobs/{jobId}", "response-type-changed"),
        ("POST /jobs", "response-type-changed"),
    ]


def test_order_is_deterministic_and_independent_of_key_order() -> None:
    old = rest()
    new = copy.deepcopy(old)
    _multi_change(new)
    shuffled = copy.deepcopy(new)
    shuffled["paths"] = dict(reversed(list(shuffled["paths"].items())))
    assert diff_documents(old, new) == diff_documents(old, shuffled) == _multi()
    severities = [SEVERITIES.index(f.severity) for f in _multi()]
    assert severities == sorted(severities)


def test_oneof_branches_are_matched_by_identity_not_position() -> None:
    old = rest()
    new = copy.deepcopy(old)
    schemas(new)["Target"]["oneOf"].reverse()
    assert diff_documents(old, new) == []


def test_mend_union_is_never_reported_as_one_change() -> None:
    old = mend_like()
    new = copy.deepcopy(old)
    schemas(new)["MendRequest"]["oneOf"].reverse()
    schemas(new)["GetRequestStateRequest"]["properties"]["requestToken"]["maxLength"] = 36
    assert [(f.rule, f.operation) for f in diff_documents(old, new)] == [
        ("request-length-tightened", "POST /api/v1.2#getRequestState")
    ]


# renderers -----------------------------------------------------------------------------------------------------


def test_golden_text_and_markdown() -> None:
    findings = _multi()
    _golden("multi.txt", render(findings, "text"))
    _golden("multi.md", render(findings, "md"))


def test_text_is_one_line_per_finding_plus_summary() -> None:
    findings = _multi()
    lines = render(findings, "text").splitlines()
    assert len(lines) == len(findings) + 1
    assert lines[0].startswith("BREAKING ")
    assert lines[-1] == "14 changes: 5 breaking, 4 warning, 5 info"
    assert render([], "text") == "no changes (0 breaking, 0 warning, 0 info)\n"


def test_json_has_stable_keys_and_counts() -> None:
    payload = json.loads(render(_multi(), "json"))
    assert list(payload) == ["findings", "counts", "total"]
    assert list(payload["findings"][0]) == ["rule", "severity", "operation", "message", "old_pointer", "new_pointer"]
    assert payload["counts"] == {"breaking": 5, "warning": 4, "info": 5}
    assert payload["total"] == len(payload["findings"]) == 14


@pytest.mark.parametrize(("fail_on", "failures"), [("breaking", 5), ("warning", 9)])
def test_junit_one_testcase_per_finding(fail_on: str, failures: int) -> None:
    root = ET.fromstring(render(_multi(), "junit", fail_on=fail_on))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 14
    assert sum(1 for c in cases if c.find("failure") is not None) == failures == int(root.attrib["failures"])
    passed = [c for c in cases if c.find("failure") is None]
    assert all(c.findtext("system-out", "").split()[0] in {"WARNING", "INFO"} for c in passed)


def test_markdown_escapes_spec_text() -> None:
    old = rest()
    new = copy.deepcopy(old)
    schemas(new)["Status"]["enum"].append("A|B <img src=x> @team [x](http://e.example)")
    table = render(diff_documents(old, new), "md")
    assert "@team" not in table
    assert not re.search(r"(?<!\\)<", table), "raw HTML must be escaped"
    assert not re.search(r"(?<!\\)\]\(", table), "links must be escaped"
    for row in (line for line in table.splitlines() if line.startswith("| `")):
        assert len(re.findall(r"(?<!\\)\|", row)) == 5, row


# the command ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "fail_on", "code"),
    [
        ("none", "breaking", 0),
        ("info", "breaking", 0),
        ("info", "warning", 0),
        ("warning", "breaking", 0),
        ("warning", "warning", 1),
        ("breaking", "breaking", 1),
        ("breaking", "warning", 1),
    ],
)
def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str, fail_on: str, code: int) -> None:
    old = rest()
    new = copy.deepcopy(old)
    if change == "info":
        new["paths"]["/jobs"]["get"]["parameters"].append({"name": "team", "in": "query", "schema": {"type": "string"}})
    elif change == "warning":
        new["paths"]["/jobs"]["get"]["deprecated"] = True
    elif change == "breaking":
        del new["paths"]["/health"]
    args = _args(_write(tmp_path / "old.yaml", old), _write(tmp_path / "new.yaml", new), "--fail-on", fail_on)
    assert run_diff(args) == code
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("no changes" if change == "none" else "1 change:")


def test_output_file_and_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = rest(), rest()
    _multi_change(new)
    old_path, new_path = _write(tmp_path / "old.yaml", old), _write(tmp_path / "new.yaml", new)
    report = tmp_path / "diff.json"
    assert run_diff(_args(old_path, new_path, "--format", "json", "--output", str(report))) == 1
    assert json.loads(report.read_text(encoding="utf-8"))["total"] == 14
    assert capsys.readouterr().out == f"{report}: 14 changes: 5 breaking, 4 warning, 5 info\n"
    for fmt in ("text", "md", "junit"):
        assert run_diff(_args(old_path, new_path, "--format", fmt)) == 1
        assert capsys.readouterr().out == render(_multi(), fmt)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "spec file not found"),
        ("openapi: 3.1.0\npaths: [\n", "spec does not parse at line"),
        ("swagger: '2.0'\n", "'openapi' is missing"),
        ("- a list\n", "spec is not a mapping"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, fragment: str
) -> None:
    bad = tmp_path / "bad.yaml"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    good = _write(tmp_path / "good.yaml", rest())
    assert run_diff(_args(good, str(bad))) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("apiconform: error: ") and fragment in captured.err
    assert captured.err.count("\n") == 1


def test_bad_format_through_a_hand_built_namespace(capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(old="a", new="b", format="markdown", fail_on="breaking", output=None)
    assert run_diff(args) == 2
    assert "--format 'markdown' is not one of text, json, md, junit" in capsys.readouterr().err


def test_messages_go_through_the_redactor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = mend_like()
    new = copy.deepcopy(old)
    variant = schemas(new)["GetRequestStateRequest"]
    variant["properties"]["userKey"]["default"] = "Bearer abcdefghijklmnopqrstuvwxyz"
    variant["properties"]["userKey"]["maxLength"] = 64
    args = _args(_write(tmp_path / "old.yaml", old), _write(tmp_path / "new.yaml", new), "--fail-on", "warning")
    assert run_diff(args) == 1
    out = capsys.readouterr().out
    assert "abcdefghijklmnop" not in out and "Bearer [REDACTED]" in out
    # field names that look like secret keys stay readable: messages never read "userKey: <value>"
    assert "request body field userKey changed maxLength none -> 64" in out


# REV:path ------------------------------------------------------------------------------------------------------


def _git(cwd: Path, *argv: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", *argv], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_rev_path_reads_a_committed_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "specs" / "api.yaml"
    spec.parent.mkdir()
    _write(spec, rest())
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "v1")
    changed = rest()
    del changed["paths"]["/health"]
    _write(spec, changed)
    assert load_side("HEAD:specs/api.yaml", cwd=tmp_path) == rest()
    monkeypatch.chdir(tmp_path / "specs")
    assert load_side("HEAD:./api.yaml") == rest()
    assert run_diff(_args("HEAD:specs/api.yaml", "api.yaml")) == 1
    assert "BREAKING operation-removed GET /health" in capsys.readouterr().out
    assert run_diff(_args("HEAD:specs/api.yaml", "HEAD:specs/api.yaml")) == 0
    capsys.readouterr()
    assert run_diff(_args("no-such-rev:specs/api.yaml", "api.yaml")) == 2
    err = capsys.readouterr().err
    assert "no-such-rev:specs/api.yaml: git show failed" in err and err.count("\n") == 1
    with pytest.raises(UsageError, match="git show failed"):
        load_side("HEAD:specs/missing.yaml", cwd=tmp_path)
    (tmp_path / "specs" / "broken.yaml").write_text("openapi: [\n", encoding="utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "broken")
    with pytest.raises(SpecError, match=r"HEAD:specs/broken\.yaml: spec does not parse"):
        load_side("HEAD:specs/broken.yaml", cwd=tmp_path)
