"""Spec bases and mutation helpers shared by the diff tests (data and factories, no assertions).

`rest()` is a jobs API: `$ref` chains, a self-referencing schema, `allOf`, a discriminated `oneOf`, paging
parameters, headers, security, servers. `mend_like()` is one `POST /` whose body is a oneOf of requestType
variants, each with `x-response-schema`. A case deep-copies a base and changes one thing with the helpers below.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apiconform.diff import Finding, diff_documents

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
                    "x-rpc-error-schema": "#/components/schemas/MendError",
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


@dataclass(frozen=True)
class Sides:
    """A case that changes the old spec too: `old` runs on the old copy of the base, `new` on the new copy.
    `Sides(old=m)` states a change backwards (the base is the new version)."""

    old: Callable[[Doc], object] = lambda doc: None
    new: Callable[[Doc], object] = lambda doc: None


def changed(base: Callable[[], Doc], mutate: Callable[[Doc], object] | Sides) -> list[Finding]:
    """Diff `base()` against a copy changed by `mutate` (or each side changed by its own `Sides` mutation)."""
    sides = mutate if isinstance(mutate, Sides) else Sides(new=mutate)
    old = base()
    new = copy.deepcopy(old)
    sides.old(old)
    sides.new(new)
    return diff_documents(old, new)


def triples(findings: list[Finding]) -> set[tuple[str, str, str]]:
    return {(f.rule, f.severity, f.operation) for f in findings}


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
MEND = ("components", "schemas")
ALERTS_REQUEST = (*MEND, "GetProjectAlertsRequest")
STATE_ANSWER = (*MEND, "GetRequestStateResponse")
