"""One change per case against the small specs of `bases`: each case asserts the exact set of (rule id,
severity, operation) reported; every Mend-like variant change must land on its virtual operation
`POST /api/v1.2#<requestType>`, never on the union. Together the cases fire every rule of the catalogue.
"""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path
from typing import Any

import pytest

import apiconform.diff
from apiconform.diff import RULES, SEVERITIES
from tests.apiconform.diff.bases import (
    ALERTS,
    ALERTS_REQUEST,
    CREATE,
    GET,
    JOB,
    LIST,
    MEND,
    NEW_JOB,
    OPTIONAL_Q,
    RISK,
    STATE,
    STATE_ANSWER,
    UNION,
    Doc,
    Mutation,
    S,
    Sides,
    changed,
    drop,
    each,
    mend_like,
    on_jobs,
    push,
    put,
    ref,
    remove,
    rest,
    schemas,
    triples,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "upgrade"


def _rename_target(doc: Doc) -> None:
    schemas(doc)["UrlTargetV2"] = schemas(doc).pop("UrlTarget")
    schemas(doc)["Target"]["oneOf"][1] = ref("UrlTargetV2")
    schemas(doc)["Target"]["discriminator"]["mapping"]["url"] = "#/components/schemas/UrlTargetV2"


def _recursive_url_target(name: str) -> Mutation:
    """UrlTarget (under `name`) refers to itself: a retarget must compare it by structure, not by name."""

    def apply(doc: Doc) -> None:
        if name != "UrlTarget":
            _rename_target(doc)
        schemas(doc)[name]["properties"]["fallback"] = ref(name)

    return apply


def _result_union(*names: str, discriminated: bool = False) -> Mutation:
    """Job gains `result`: a oneOf of $ref branches (Text and Count, or renamed copies of them)."""

    def apply(doc: Doc) -> None:
        bodies = [{"type": "object", "properties": {"text": {"type": "string"}}}]
        bodies.append({"type": "object", "properties": {"count": {"type": "integer"}}})
        for name, body in zip(names, bodies, strict=True):
            schemas(doc)[name] = copy.deepcopy(body)
        union: Doc = {"oneOf": [ref(name) for name in names]}
        if discriminated:  # no mapping, no const: the schema name is the value of `kind`
            union["discriminator"] = {"propertyName": "kind"}
        schemas(doc)["Job"]["properties"]["result"] = union

    return apply


def _rename_path_param(doc: Doc) -> None:
    item = doc["paths"].pop("/jobs/{jobId}")
    item["get"]["parameters"][0]["name"] = "id"
    doc["paths"]["/jobs/{id}"] = item


def _flags(default: bool, *, optional_first: bool = False) -> Mutation:
    """NewJob gets two fields of one `Flag` schema: `urgent` (required) and `quiet` (optional)."""

    def apply(doc: Doc) -> None:
        schemas(doc)["Flag"] = {"type": "boolean", "default": default}
        fields = [("urgent", ref("Flag")), ("quiet", ref("Flag"))]
        for name, schema in reversed(fields) if optional_first else fields:
            schemas(doc)["NewJob"]["properties"][name] = schema
        schemas(doc)["NewJob"]["required"].append("urgent")

    return apply


# an inline response oneOf whose branches are keyed by title (all objects: adding one changes no type)
RESULT = {
    "oneOf": [
        {"title": "Text", "type": "object", "properties": {"text": {"type": "string"}}},
        {"title": "Count", "type": "object", "properties": {"count": {"type": "integer"}}},
    ]
}
RESULT_WITH_FLAG = {
    "oneOf": [*RESULT["oneOf"], {"title": "Flag", "type": "object", "properties": {"flag": {"type": "boolean"}}}]
}

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
        {("request-default-value-changed", "breaking", "GET /jobs")},
        id="paging-default-value-changed",
    ),
    pytest.param(
        drop(*LIST, "parameters", 0, "schema", "default"),
        {("pagination-default-changed", "warning", "GET /jobs")},
        id="paging-default-removed",
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
    # defaults: the same request (one that leaves the value out) now asks for something else
    pytest.param(
        put(*NEW_JOB, "priority", "default", value=3),
        {("request-default-value-changed", "breaking", "POST /jobs")},
        id="request-field-default-value-changed",
    ),
    pytest.param(
        Sides(
            old=put(*NEW_JOB, "metadata", "properties", "source", "default", value="ui"),
            new=put(*NEW_JOB, "metadata", "properties", "source", "default", value="api"),
        ),
        {("request-default-value-changed", "breaking", "POST /jobs")},
        id="nested-request-field-default-value-changed",
    ),
    pytest.param(
        Sides(new=put(*LIST, "parameters", 3, "schema", "default", value="off")),
        {("request-default-changed", "warning", "GET /jobs")},
        id="parameter-default-added",
    ),
    pytest.param(
        drop(*NEW_JOB, "priority", "default"),
        {("request-default-changed", "warning", "POST /jobs")},
        id="request-field-default-removed",
    ),
    pytest.param(
        Sides(
            old=put(*NEW_JOB, "name", "default", value="job"),
            new=put(*NEW_JOB, "name", "default", value="task"),
        ),
        {("request-default-changed", "warning", "POST /jobs")},
        id="required-field-default-changed-is-moot",
    ),
    pytest.param(
        Sides(
            old=put(*GET, "parameters", 0, "schema", "default", value=1),
            new=put(*GET, "parameters", 0, "schema", "default", value=2),
        ),
        {("request-default-changed", "warning", "GET /jobs/{jobId}")},
        id="required-parameter-default-changed-is-moot",
    ),
    pytest.param(
        Sides(old=_flags(False), new=_flags(True)),
        {
            ("request-default-changed", "warning", "POST /jobs"),
            ("request-default-value-changed", "breaking", "POST /jobs"),
        },
        id="one-default-sent-in-one-place-omittable-in-another",
    ),
    pytest.param(
        Sides(old=_flags(False, optional_first=True), new=_flags(True, optional_first=True)),
        {
            ("request-default-changed", "warning", "POST /jobs"),
            ("request-default-value-changed", "breaking", "POST /jobs"),
        },
        id="one-default-omittable-in-one-place-sent-in-another",
    ),
    pytest.param(
        Sides(
            old=put(*NEW_JOB, "tags", "items", "default", value="a"),
            new=put(*NEW_JOB, "tags", "items", "default", value="b"),
        ),
        {("request-default-changed", "warning", "POST /jobs")},
        id="array-item-default-changed-is-moot",
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
    # a retarget to a schema of another name: no change when the content is the same (refs followed)
    pytest.param(_rename_target, set(), id="discriminator-retarget-to-identical-schema-is-no-change"),
    pytest.param(
        each(_rename_target, put(*S, "UrlTargetV2", "description", value="where to send it (v2)")),
        set(),
        id="discriminator-retarget-differing-in-documentation-only-is-no-change",
    ),
    pytest.param(
        Sides(old=_recursive_url_target("UrlTarget"), new=_recursive_url_target("UrlTargetV2")),
        set(),
        id="discriminator-retarget-to-identical-recursive-schema-is-no-change",
    ),
    pytest.param(
        each(_rename_target, put(*S, "UrlTargetV2", "properties", "url", "format", value="iri")),
        {
            ("discriminator-mapping-changed", "warning", "POST /jobs"),
            ("request-format-changed", "breaking", "POST /jobs"),
        },
        id="generic-discriminator-mapping-changed",
    ),
    pytest.param(
        Sides(old=_result_union("Text", "Count"), new=_result_union("Text", "Tally")),
        set(),
        id="oneof-ref-branch-renamed-identical-is-no-change",
    ),
    pytest.param(
        Sides(
            old=_result_union("Text", "Count"),
            new=each(_result_union("Text", "Tally"), put(*S, "Tally", value={"type": "object"})),
        ),
        on_jobs("response-union-branch-removed", "info") | on_jobs("response-union-branch-added", "breaking"),
        id="oneof-ref-branch-renamed-and-changed",
    ),
    pytest.param(
        Sides(
            old=_result_union("Text", "Count", discriminated=True),
            new=_result_union("Text", "Tally", discriminated=True),
        ),
        on_jobs("response-union-branch-removed", "info") | on_jobs("response-union-branch-added", "breaking"),
        id="implicit-discriminator-value-renamed-is-a-change",
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
        each(drop(*CREATE, "responses", "201"), put(*CREATE, "responses", "200", value={"description": "OK"})),
        {
            ("response-success-status-removed", "breaking", "POST /jobs"),
            ("response-success-status-added", "warning", "POST /jobs"),
        },
        id="only-success-status-replaced",
    ),
    pytest.param(
        drop("paths", "/health", "get", "responses", "204"),
        {("response-success-status-removed", "breaking", "GET /health")},
        id="only-success-status-removed",
    ),
    pytest.param(
        Sides(old=put(*GET, "responses", "203", value={"description": "cached"})),
        {("response-status-removed", "warning", "GET /jobs/{jobId}")},
        id="one-of-two-success-statuses-removed",
    ),
    pytest.param(
        each(drop(*CREATE, "responses", "201"), put(*CREATE, "responses", "2XX", value={"description": "OK"})),
        {
            ("response-status-removed", "warning", "POST /jobs"),
            ("response-success-status-added", "warning", "POST /jobs"),
        },
        id="success-status-widened-to-2xx-range",
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
    # the catalogue's remaining rules: several are stated backwards (Sides(old=...): the base is the new version)
    pytest.param(
        put(*GET, "requestBody", value={"content": {"application/json": {"schema": {"type": "object"}}}}),
        {("request-body-added", "info", "GET /jobs/{jobId}")},
        id="body-added-optional",
    ),
    pytest.param(
        Sides(old=put(*CREATE, "requestBody", "required", value=False)),
        {("request-body-became-required", "breaking", "POST /jobs")},
        id="body-became-required",
    ),
    pytest.param(
        Sides(old=put(*LIST, "parameters", 2, "required", value=True)),
        {("request-parameter-became-optional", "info", "GET /jobs")},
        id="parameter-became-optional",
    ),
    pytest.param(
        remove(*S, "NewJob", "required", value="name"),
        {("request-property-became-optional", "info", "POST /jobs")},
        id="request-field-became-optional",
    ),
    pytest.param(
        drop(*NEW_JOB, "priority", "format"),
        {("request-format-removed", "info", "POST /jobs")},
        id="request-format-removed",
    ),
    pytest.param(
        put(*NEW_JOB, "tags", "maxItems", value=20),
        {("request-size-loosened", "info", "POST /jobs")},
        id="request-max-items-raised",
    ),
    pytest.param(
        drop(*S, "Status", "enum"),
        on_jobs("response-enum-removed", "breaking") | {("request-enum-removed", "info", "GET /jobs")},
        id="shared-enum-dropped",
    ),
    pytest.param(
        put(*JOB, "note", "enum", value=["ok", "late"]),
        on_jobs("response-enum-added", "info"),
        id="response-enum-added",
    ),
    pytest.param(
        put(*JOB, "note", "format", value="email"),
        on_jobs("response-format-added", "info"),
        id="response-format-added",
    ),
    pytest.param(
        Sides(old=put(*JOB, "id", "format", value="int32")),
        on_jobs("response-format-changed", "breaking"),
        id="response-format-int32-to-int64",
    ),
    pytest.param(
        put(*JOB, "note", "maxLength", value=100),
        on_jobs("response-length-tightened", "info"),
        id="response-max-length-lowered",
    ),
    pytest.param(
        Sides(old=put(*JOB, "note", "pattern", value="^.*$")),
        on_jobs("response-pattern-changed", "warning"),
        id="response-pattern-removed",
    ),
    pytest.param(
        put(*S, "JobList", "properties", "items", "maxItems", value=100),
        {("response-size-tightened", "info", "GET /jobs")},
        id="response-max-items-added",
    ),
    pytest.param(
        Sides(old=put(*S, "JobList", "properties", "items", "maxItems", value=100)),
        {("response-size-loosened", "warning", "GET /jobs")},
        id="response-max-items-dropped",
    ),
    pytest.param(
        Sides(old=put(*JOB, "progress", "type", value=["integer", "null"])),
        on_jobs("response-type-narrowed", "info"),
        id="response-no-longer-nullable",
    ),
    pytest.param(
        Sides(old=put(*S, "Job", "additionalProperties", value=False)),
        on_jobs("response-additional-properties-opened", "info"),
        id="response-object-opened",
    ),
    pytest.param(
        Sides(old=put(*JOB, "result", value=RESULT), new=put(*JOB, "result", value=RESULT_WITH_FLAG)),
        on_jobs("response-union-branch-added", "breaking"),
        id="response-oneof-branch-added",
    ),
    pytest.param(
        Sides(old=put(*JOB, "result", value=RESULT_WITH_FLAG), new=put(*JOB, "result", value=RESULT)),
        on_jobs("response-union-branch-removed", "info"),
        id="response-oneof-branch-removed",
    ),
    pytest.param(
        Sides(old=push("servers", value={"url": "https://eu.jobs.example.com/api/v1"})),
        {("server-removed", "warning", "(spec)")},
        id="server-removed",
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


def _answer_renamed(doc: Doc) -> None:
    schemas(doc)["RequestState"] = schemas(doc).pop("GetRequestStateResponse")
    schemas(doc)["GetRequestStateRequest"]["x-response-schema"] = "#/components/schemas/RequestState"
    schemas(doc)["GetRequestStateRequestV2"] = schemas(doc).pop("GetRequestStateRequest")
    schemas(doc)["MendRequest"]["oneOf"][1] = ref("GetRequestStateRequestV2")
    schemas(doc)["MendRequest"]["discriminator"]["mapping"]["getRequestState"] = (
        "#/components/schemas/GetRequestStateRequestV2"
    )


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
    pytest.param(_mapping_target_changed, set(), id="variant-retarget-to-identical-schema-is-no-change"),
    pytest.param(_answer_renamed, set(), id="variant-and-its-answer-renamed-identical-is-no-change"),
    pytest.param(
        each(
            _mapping_target_changed,
            put(*MEND, "GetRequestStateRequestV2", "properties", "verbose", value={"type": "boolean"}),
        ),
        {("discriminator-mapping-changed", "warning", STATE), ("request-property-added", "info", STATE)},
        id="variant-mapping-target-changed",
    ),
    pytest.param(
        Sides(
            old=put(*ALERTS_REQUEST, "properties", "includeInHouseData", value={"type": "boolean", "default": True}),
            new=put(*ALERTS_REQUEST, "properties", "includeInHouseData", value={"type": "boolean", "default": False}),
        ),
        {("request-default-value-changed", "breaking", ALERTS)},
        id="variant-field-default-value-changed",
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
def test_rest_change(mutate: Mutation | Sides, expected: set[tuple[str, str, str]]) -> None:
    assert triples(changed(rest, mutate)) == expected


@pytest.mark.parametrize(("mutate", "expected"), RPC_CASES)
def test_rpc_variant_change(mutate: Mutation | Sides, expected: set[tuple[str, str, str]]) -> None:
    findings = changed(mend_like, mutate)
    assert triples(findings) == expected
    assert not [f for f in findings if "oneOf" in f.message or "anyOf" in f.message], "a union change leaked"


def test_the_cases_fire_every_rule_of_the_catalogue() -> None:
    """Each case asserts its exact findings, so a rule listed here is proven to fire, with its severity."""
    fired = {rule: severity for case in REST_CASES + RPC_CASES for rule, severity, _ in case.values[1]}
    assert sorted(set(RULES) - set(fired)) == [], "add a case (a minimal OLD/NEW pair) for each of these rules"
    assert fired == {rule.id: rule.severity for rule in RULES.values()}


def test_readme_lists_the_rule_catalogue() -> None:
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([a-z-]+)` \| (breaking|warning|info) \|", readme, re.MULTILINE))
    assert listed == {rule.id: rule.severity for rule in RULES.values()}


def test_the_readme_states_the_rule_count() -> None:
    readme = (EXAMPLE.parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"{len(RULES)} rules with stable ids" in readme


def test_rule_catalogue_is_well_formed() -> None:
    assert len(RULES) >= 60
    for rule in RULES.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
        assert rule.severity in SEVERITIES
        assert rule.summary and "\n" not in rule.summary


def _diff_modules() -> list[tuple[str, ast.Module]]:
    package = Path(apiconform.diff.__file__).parent
    return [(p.name, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(package.glob("*.py"))]


def test_every_rule_id_is_a_literal_where_it_is_raised() -> None:
    """`grep -rn '"request-range-tightened"' apiconform/diff` must find the line that raises it."""
    literals: set[str] = set()
    composed: list[str] = []
    for name, tree in _diff_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and name != "findings.py":
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and any(
                isinstance(v, ast.Constant) and "-" in str(v.value) for v in node.values
            ):  # a composed id has a literal dash (f"{side}-enum-value-added"); f"{a}{b}" is no id
                parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+" for v in node.values]
                hits = [rule for rule in RULES if re.fullmatch("".join(parts), rule)]
                if hits:
                    composed.append(f"{name}:{node.lineno} composes {', '.join(hits)}")
    assert not composed, "spell rule ids out where they are raised:\n" + "\n".join(composed)
    assert sorted(set(RULES) - literals) == [], "rules in the catalogue that no module raises"
