"""RPC unions compared per variant (Mend's requestType): each variant is its own virtual operation
`POST <base path>#<requestType>`, with its request schema and its answer (`x-response-schema`) compared like a
REST operation's body and response, and its answer media types (`x-response-media-types`). A union change is
never reported as "oneOf changed"."""

from __future__ import annotations

from typing import Any

from apiconform.diff.findings import Emit, Sink
from apiconform.diff.nodes import child, deref, mapping, same_content
from apiconform.diff.schemas import SchemaDiff
from apiconform.diff.servers import base_path
from apiconform.errors import SpecError
from apiconform.rpc import error_schema_ref, rpc_union, variants
from apiconform.spec import Document, escape_pointer_part

JSON = "application/json"


def union_pointer(document: Document, path: str, method: str) -> str:
    """Pointer of the union schema (the body schema, or the schema its `$ref` names)."""
    body_ptr = f"/paths/{escape_pointer_part(path)}/{method}/requestBody"
    body, body_ptr = deref(document, document["paths"][path][method].get("requestBody"), body_ptr)
    schema = body.get("content", {}).get(JSON, {}).get("schema", {})
    _, ptr = deref(document, schema, child(body_ptr, "content", JSON, "schema"))
    return ptr


def variant_label(document: Document, path: str, method: str, value: str) -> str:
    return f"{method.upper()} {(base_path(document) + path.rstrip('/')) or '/'}#{value}"


def _variants(document: Document, side: str) -> dict[str, dict[str, Any]]:
    try:
        return {value: mapping(schema) for value, schema in variants(document).items()}
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        raise SpecError(
            f"{side} spec: the RPC union's discriminator mapping names a missing schema ({exc}); fix that $ref"
        ) from None


def compare_rpc(sink: Sink, old_doc: Document, new_doc: Document, union_label: str) -> None:
    """Both documents have an RPC union on the same operation: compare it variant by variant."""
    old_found, new_found = rpc_union(old_doc), rpc_union(new_doc)
    assert old_found is not None and new_found is not None
    old_path, old_method, old_union = old_found
    new_path, new_method, new_union = new_found
    old_ptr, new_ptr = union_pointer(old_doc, old_path, old_method), union_pointer(new_doc, new_path, new_method)
    old_variants, new_variants = _variants(old_doc, "old"), _variants(new_doc, "new")
    old_disc, new_disc = old_union["discriminator"], new_union["discriminator"]
    union_emit = sink.emitter(union_label)
    if old_disc.get("propertyName") != new_disc.get("propertyName"):
        message = f"request body changed discriminator {old_disc.get('propertyName')} -> {new_disc.get('propertyName')}"
        ptrs = (child(old_ptr, "discriminator"), child(new_ptr, "discriminator"))
        union_emit("discriminator-property-changed", message, *ptrs)
    for value in (*old_variants, *(v for v in new_variants if v not in old_variants)):
        old_mapping = child(old_ptr, "discriminator", "mapping", value)
        new_mapping = child(new_ptr, "discriminator", "mapping", value)
        if value not in new_variants:
            emit = sink.emitter(variant_label(old_doc, old_path, old_method, value))
            emit("rpc-request-type-removed", f"requestType {value} removed", old_disc["mapping"][value][1:], "")
            continue
        emit = sink.emitter(variant_label(new_doc, new_path, new_method, value))
        if value not in old_variants:
            emit("rpc-request-type-added", f"requestType {value} added", "", new_disc["mapping"][value][1:])
            continue
        old_ref, new_ref = old_disc["mapping"][value], new_disc["mapping"][value]
        if old_ref != new_ref and not same_content(old_doc, {"$ref": old_ref}, new_doc, {"$ref": new_ref}):
            message = f"discriminator value {value} maps to {new_ref} (was {old_ref})"
            emit("discriminator-mapping-changed", message, old_mapping, new_mapping)
        pointers = (old_ref[1:], new_ref[1:])
        _variant(emit, old_doc, new_doc, (old_variants[value], new_variants[value]), pointers, (old_ref, new_ref))
    old_error, new_error = error_schema_ref(old_doc), error_schema_ref(new_doc)
    if old_error and new_error:
        walker = SchemaDiff(old_doc, new_doc, "response", union_emit)
        walker.compare({"$ref": old_error}, {"$ref": new_error}, old_error[1:], new_error[1:], "error answer")


def _variant(
    emit: Emit,
    old_doc: Document,
    new_doc: Document,
    schemas: tuple[dict[str, Any], dict[str, Any]],
    pointers: tuple[str, str],
    refs: tuple[str, str],
) -> None:
    old, new = schemas
    old_ptr, new_ptr = pointers
    request = SchemaDiff(old_doc, new_doc, "request", emit)
    request.compare({"$ref": refs[0]}, {"$ref": refs[1]}, old_ptr, new_ptr, "request body")
    if old.get("x-effect") != new.get("x-effect") and old.get("x-effect") and new.get("x-effect"):
        message = f"x-effect changed {old.get('x-effect')} -> {new.get('x-effect')}"
        emit("rpc-effect-changed", message, child(old_ptr, "x-effect"), child(new_ptr, "x-effect"))
    old_media = [str(m) for m in old.get("x-response-media-types") or [JSON]]
    new_media = [str(m) for m in new.get("x-response-media-types") or [JSON]]
    for index, media in enumerate(old_media):
        if media not in new_media:
            ptr = child(old_ptr, "x-response-media-types", index) if "x-response-media-types" in old else old_ptr
            emit("response-media-type-removed", f"response content type {media} removed", ptr, "")
    for index, media in enumerate(new_media):
        if media not in old_media:
            ptr = child(new_ptr, "x-response-media-types", index) if "x-response-media-types" in new else new_ptr
            emit("response-media-type-added", f"response content type {media} added", "", ptr)
    old_answer, new_answer = old.get("x-response-schema"), new.get("x-response-schema")
    old_answer_ptr, new_answer_ptr = child(old_ptr, "x-response-schema"), child(new_ptr, "x-response-schema")
    if isinstance(old_answer, str) and isinstance(new_answer, str):
        response = SchemaDiff(old_doc, new_doc, "response", emit)
        response.compare({"$ref": old_answer}, {"$ref": new_answer}, old_answer_ptr, new_answer_ptr, "response body")
    elif isinstance(old_answer, str):
        emit("response-schema-removed", f"response body {old_answer} no longer documented", old_answer_ptr, "")
    elif isinstance(new_answer, str):
        emit("response-schema-added", f"response body {new_answer} documented", "", new_answer_ptr)
