"""RPC unions as virtual operations: one operation per discriminator value (Mend's requestType).

A single `POST /` whose body is a discriminated `oneOf` hides each variant from per-operation tooling: one
example budget, one report row, and responses judged against the union of every answer. Exploding it gives
each variant its own operation `POST /#<value>` (the fragment never goes on the wire), its own budget and its
own response schema (`x-response-schema` of the variant, or the error shape).
"""

from __future__ import annotations

import copy
from typing import Any

from apiconform.spec import Document, resolve_pointer

JSON = "application/json"


def rpc_union(document: Document) -> tuple[str, str, dict[str, Any]] | None:
    """(path, method, union schema) of the first operation whose JSON body is a discriminated oneOf."""
    for path, item in (document.get("paths") or {}).items():
        for method, op in item.items():
            if not isinstance(op, dict) or "requestBody" not in op:
                continue
            schema = op["requestBody"].get("content", {}).get(JSON, {}).get("schema", {})
            if "$ref" in schema:
                schema = resolve_pointer(document, schema["$ref"])
            if isinstance(schema, dict) and "discriminator" in schema and "oneOf" in schema:
                return path, method, schema
    return None


def variants(document: Document) -> dict[str, dict[str, Any]]:
    """discriminator value -> variant schema (resolved), in mapping order; empty for non-RPC specs."""
    found = rpc_union(document)
    if found is None:
        return {}
    _, _, union = found
    return {value: resolve_pointer(document, ref) for value, ref in union["discriminator"]["mapping"].items()}


def error_schema_ref(document: Document) -> str | None:
    """The RPC endpoint's shared error answer: `x-rpc-error-schema` on the union's operation (Mend: MendError,
    answered with HTTP 200 to every requestType)."""
    found = rpc_union(document)
    if found is None:
        return None
    path, method, _ = found
    ref = document["paths"][path][method].get("x-rpc-error-schema")
    return ref if isinstance(ref, str) else None


def explode(document: Document) -> Document:
    """A copy of the document with the RPC operation replaced by one virtual operation per variant."""
    found = rpc_union(document)
    if found is None:
        return document
    path, method, union = found
    error_ref = error_schema_ref(document)
    doc = copy.deepcopy(document)
    original = doc["paths"].pop(path)[method]
    for value, ref in union["discriminator"]["mapping"].items():
        variant = resolve_pointer(doc, ref)
        op = copy.deepcopy(original)
        op["operationId"] = value
        op["summary"] = f"{value} ({original.get('summary', method.upper() + ' ' + path)})"
        for key in ("x-doc-source", "x-doc-quirk", "x-scope", "x-effect"):
            if key in variant:
                op[key] = variant[key]
        op["x-rpc-value"] = value
        if "x-response-schema" in variant:
            op["x-response-schema-ref"] = variant["x-response-schema"]
        op["x-rpc-path"] = path
        media = op["requestBody"]["content"][JSON]
        media["schema"] = {"$ref": ref}
        media.pop("examples", None)
        examples = variant.get("examples") or []
        if examples:
            media["examples"] = {f"{value}-{i + 1}": {"value": ex} for i, ex in enumerate(examples)}
        op["responses"] = _variant_responses(original["responses"], variant, error_ref)
        doc["paths"][f"{path.rstrip('/')}/#{value}" if path != "/" else f"/#{value}"] = {method: op}
    return doc


def _variant_responses(responses: dict[str, Any], variant: dict[str, Any], error_ref: str | None) -> dict[str, Any]:
    result = copy.deepcopy(responses)
    ok = result.get("200")
    if not isinstance(ok, dict):
        return result
    media_types = variant.get("x-response-media-types") or [JSON]
    content: dict[str, Any] = {}
    json_branches = [{"$ref": variant["x-response-schema"]}] if "x-response-schema" in variant else []
    if error_ref:
        json_branches.append({"$ref": error_ref})
    if json_branches:
        content[JSON] = {"schema": json_branches[0] if len(json_branches) == 1 else {"anyOf": json_branches}}
    for media in media_types:
        if media != JSON:
            content[media] = {"schema": {"type": "string", "format": "binary"}}
    ok["content"] = content
    return result
