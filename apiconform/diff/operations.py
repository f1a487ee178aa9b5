"""Operation-level comparison: which operations exist, their parameters, bodies, responses and security.

Operations are matched by method and path template with parameter names ignored (`/jobs/{id}` is
`/jobs/{jobId}`); path parameters by position. An RPC union operation (Mend's `POST /`) is compared here for
everything but its request body schema and its answers, which `apiconform.diff.variants` compares per variant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from apiconform.diff.findings import Emit, Sink
from apiconform.diff.nodes import canonical, child, deref, mapping, sequence
from apiconform.diff.schemas import SchemaDiff
from apiconform.diff.servers import base_path
from apiconform.spec import Document, escape_pointer_part

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PAGING_NAMES = frozenset(
    ("limit", "offset", "page", "pagesize", "page_size", "per_page", "perpage", "start", "startindex",
     "start_index", "count", "cursor", "pagetoken", "page_token", "skip", "take", "top", "size", "pagenumber",
     "page_number")
)  # fmt: skip
_IGNORED_HEADERS = frozenset(("accept", "content-type", "authorization"))  # OpenAPI: described elsewhere


@dataclass(frozen=True)
class Op:
    method: str  # upper case
    path: str
    ptr: str
    raw: dict[str, Any]
    item: dict[str, Any]
    item_ptr: str


def operations(document: Document) -> dict[tuple[str, str], Op]:
    found: dict[tuple[str, str], Op] = {}
    for path, raw_item in mapping(document.get("paths")).items():
        if not isinstance(path, str) or not path.startswith("/"):
            continue
        item, item_ptr = deref(document, raw_item, "/paths/" + escape_pointer_part(path))
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                key = (method.upper(), normalize(path))
                found.setdefault(key, Op(method.upper(), path, child(item_ptr, method), item[method], item, item_ptr))
    return found


def normalize(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


def label(document: Document, op: Op, rpc: bool) -> str:
    if not rpc:
        return f"{op.method} {op.path}"
    return f"{op.method} {(base_path(document) + op.path.rstrip('/')) or '/'}"


def compare_operation(sink: Sink, old_doc: Document, new_doc: Document, old: Op, new: Op, *, rpc: bool) -> None:
    emit = sink.emitter(label(new_doc, new, rpc))
    if new.raw.get("deprecated") is True and old.raw.get("deprecated") is not True:
        emit("operation-deprecated", "operation deprecated", old.ptr, child(new.ptr, "deprecated"))
    before, after = old.raw.get("operationId"), new.raw.get("operationId")
    if before and after and before != after:
        message = f"operationId changed {before} -> {after}"
        emit("operation-id-changed", message, child(old.ptr, "operationId"), child(new.ptr, "operationId"))
    _parameters(emit, old_doc, new_doc, old, new)
    _request_body(emit, old_doc, new_doc, old, new, rpc=rpc)
    _responses(emit, old_doc, new_doc, old, new, rpc=rpc)
    _security(emit, old_doc, new_doc, old, new)


# parameters --------------------------------------------------------------------------------------------------


def parameters(document: Document, op: Op) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
    """(location, name) -> (parameter, pointer); path parameters keyed by position, headers case-insensitively."""
    merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    for source, base in ((op.item, op.item_ptr), (op.raw, op.ptr)):
        for index, raw in enumerate(sequence(source.get("parameters"))):
            param, ptr = deref(document, raw, child(base, "parameters", index))
            if not isinstance(param, dict) or not isinstance(param.get("name"), str):
                continue
            location = str(param.get("in", "query"))
            name: str = param["name"]
            if location == "header" and name.lower() in _IGNORED_HEADERS:
                continue
            merged[(location, name.lower() if location == "header" else name)] = (param, ptr)
    positions = re.findall(r"\{([^}]+)\}", op.path)
    return {
        (("path", f"#{positions.index(key[1])}") if key[0] == "path" and key[1] in positions else key): value
        for key, value in merged.items()
    }


def _is_paging(key: tuple[str, str]) -> bool:
    return key[0] == "query" and key[1].lower() in PAGING_NAMES


def _parameters(emit: Emit, old_doc: Document, new_doc: Document, old: Op, new: Op) -> None:
    before, after = parameters(old_doc, old), parameters(new_doc, new)
    removed = [k for k in before if k not in after]
    added = [k for k in after if k not in before]
    for key in list(removed):
        moved = next((k for k in added if k[1].lower() == key[1].lower()), None)
        if moved is not None:
            message = f"{key[0]} parameter {before[key][0]['name']} moved to {moved[0]}"
            emit("request-parameter-location-changed", message, before[key][1], after[moved][1])
            removed.remove(key)
            added.remove(moved)
    paging_added = [k for k in added if _is_paging(k)]
    for key in removed:
        param, ptr = before[key]
        where = f"{key[0]} parameter {param['name']}"
        if _is_paging(key) and paging_added:
            successor = paging_added.pop(0)
            added.remove(successor)
            message = f"{where} replaced by {after[successor][0]['name']}"
            emit("pagination-parameter-renamed", message, ptr, after[successor][1])
        elif _is_paging(key):
            emit("pagination-parameter-removed", f"{where} removed", ptr, "")
        else:
            emit("request-parameter-removed", f"{where} removed", ptr, "")
    for key in added:
        param, ptr = after[key]
        where = f"{key[0]} parameter {param['name']}"
        if param.get("required") is True:
            emit("request-parameter-added-required", f"{where} added as required", "", ptr)
        else:
            emit("request-parameter-added", f"{where} added (optional)", "", ptr)
    for key in (k for k in before if k in after):
        (old_param, old_ptr), (new_param, new_ptr) = before[key], after[key]
        where = f"{key[0]} parameter {new_param['name']}"
        was, now = old_param.get("required") is True, new_param.get("required") is True
        if was != now:
            rule = "request-parameter-became-required" if now else "request-parameter-became-optional"
            emit(rule, f"{where} became {'required' if now else 'optional'}", old_ptr, new_ptr)
        walker = SchemaDiff(old_doc, new_doc, "request", emit, paging=_is_paging(key))
        old_schema, old_schema_ptr = _param_schema(old_param, old_ptr)
        new_schema, new_schema_ptr = _param_schema(new_param, new_ptr)
        # a client always sends a parameter that was or is required: its default never reached the server
        omittable = not was and not now
        walker.compare(old_schema, new_schema, old_schema_ptr, new_schema_ptr, where, omittable=omittable)


def _param_schema(param: dict[str, Any], ptr: str) -> tuple[Any, str]:
    if "schema" in param:
        return param["schema"], child(ptr, "schema")
    for media, entry in mapping(param.get("content")).items():
        if isinstance(entry, dict) and "schema" in entry:
            return entry["schema"], child(ptr, "content", media, "schema")
    return {}, ""


# bodies and responses ----------------------------------------------------------------------------------------


def _media(content: Any) -> dict[str, tuple[str, Any]]:
    """normalized media type -> (media type as written, media object)."""
    return {str(k).split(";")[0].strip().lower(): (str(k), v) for k, v in mapping(content).items()}


def _content(
    emit: Emit, walker: SchemaDiff, before: Any, after: Any, ptrs: tuple[str, str], root: str, *, side: str
) -> None:
    old_media, new_media = _media(before), _media(after)
    request = side == "request"
    for key, (name, _) in old_media.items():
        if key not in new_media:
            rule = "request-media-type-removed" if request else "response-media-type-removed"
            emit(rule, f"{root} content type {name} removed", child(ptrs[0], name), "")
    for key, (name, _) in new_media.items():
        if key not in old_media:
            rule = "request-media-type-added" if request else "response-media-type-added"
            emit(rule, f"{root} content type {name} added", "", child(ptrs[1], name))
    shared = [k for k in old_media if k in new_media]
    for key in shared:
        (old_name, old_entry), (new_name, new_entry) = old_media[key], new_media[key]
        if not isinstance(old_entry, dict) or not isinstance(new_entry, dict):
            continue
        if "schema" not in old_entry and "schema" not in new_entry:
            continue
        where = root if len(shared) == 1 else f"{root} ({new_name})"
        walker.compare(
            old_entry.get("schema", {}),
            new_entry.get("schema", {}),
            child(ptrs[0], old_name, "schema") if "schema" in old_entry else "",
            child(ptrs[1], new_name, "schema") if "schema" in new_entry else "",
            where,
        )


def _request_body(emit: Emit, old_doc: Document, new_doc: Document, old: Op, new: Op, *, rpc: bool) -> None:
    before, old_ptr = deref(old_doc, old.raw.get("requestBody"), child(old.ptr, "requestBody"))
    after, new_ptr = deref(new_doc, new.raw.get("requestBody"), child(new.ptr, "requestBody"))
    if not isinstance(before, dict) and not isinstance(after, dict):
        return
    if not isinstance(after, dict):
        emit("request-body-removed", "request body removed", old_ptr, "")
        return
    now = after.get("required") is True
    if not isinstance(before, dict):
        rule = "request-body-added-required" if now else "request-body-added"
        emit(rule, f"request body added{' as required' if now else ' (optional)'}", "", new_ptr)
        return
    if (before.get("required") is True) != now:
        rule = "request-body-became-required" if now else "request-body-became-optional"
        emit(rule, f"request body became {'required' if now else 'optional'}", old_ptr, new_ptr)
    walker = SchemaDiff(old_doc, new_doc, "request", emit)
    old_content, new_content = before.get("content"), after.get("content")
    if rpc:  # the union's variants are compared one by one; here only which media types are accepted
        old_content = {k: {} for k in mapping(old_content)}
        new_content = {k: {} for k in mapping(new_content)}
    ptrs = (child(old_ptr, "content"), child(new_ptr, "content"))
    _content(emit, walker, old_content, new_content, ptrs, "request body", side="request")


def _status_rule(status: str) -> str:
    return "response-success-status-added" if status[:1] in "123" else "response-error-status-added"


def _success_stranded(old: list[str], new: list[str]) -> str | None:
    """Why no success status the old spec documented is left (None when one is): a client that checks the
    code it was told (202) fails on every successful call. `2XX` matches every 2xx code."""
    before, after = [s for s in old if s.startswith("2")], [s for s in new if s.startswith("2")]
    if not before or any(b == a or "2XX" in (b, a) for b in before for a in after):
        return None
    return f"the operation now succeeds with {', '.join(after)} only" if after else "no success status is left"


def _responses(emit: Emit, old_doc: Document, new_doc: Document, old: Op, new: Op, *, rpc: bool) -> None:
    old_responses, new_responses = mapping(old.raw.get("responses")), mapping(new.raw.get("responses"))
    old_all = {str(k).upper(): k for k in old_responses}
    new_all = {str(k).upper(): k for k in new_responses}
    old_base, new_base = child(old.ptr, "responses"), child(new.ptr, "responses")
    stranded = _success_stranded(list(old_all), list(new_all))
    for status, key in old_all.items():
        if status not in new_all and stranded is not None and status.startswith("2"):
            message = f"status {key} removed ({stranded})"
            emit("response-success-status-removed", message, child(old_base, key), "")
        elif status not in new_all:
            emit("response-status-removed", f"status {key} removed", child(old_base, key), "")
    for status, key in new_all.items():
        if status not in old_all:
            emit(_status_rule(status), f"status {key} added", "", child(new_base, key))
    walker = SchemaDiff(old_doc, new_doc, "response", emit)
    for status, old_key in old_all.items():
        if status not in new_all:
            continue
        new_key = new_all[status]
        before, old_ptr = deref(old_doc, old_responses[old_key], child(old_base, old_key))
        after, new_ptr = deref(new_doc, new_responses[new_key], child(new_base, new_key))
        if not isinstance(before, dict) or not isinstance(after, dict):
            continue
        _headers(emit, walker, old_doc, new_doc, (before, old_ptr), (after, new_ptr), str(new_key))
        if not rpc:  # an RPC union's answers are compared per variant
            ptrs = (child(old_ptr, "content"), child(new_ptr, "content"))
            root = f"response {new_key}"
            _content(emit, walker, before.get("content"), after.get("content"), ptrs, root, side="response")


def _headers(
    emit: Emit,
    walker: SchemaDiff,
    old_doc: Document,
    new_doc: Document,
    old: tuple[dict[str, Any], str],
    new: tuple[dict[str, Any], str],
    status: str,
) -> None:
    before = {str(k).lower(): (str(k), v) for k, v in mapping(old[0].get("headers")).items()}
    after = {str(k).lower(): (str(k), v) for k, v in mapping(new[0].get("headers")).items()}
    for key, (name, _) in before.items():
        if key not in after and key != "content-type":
            message = f"response {status} header {name} removed"
            emit("response-header-removed", message, child(old[1], "headers", name), "")
    for key, (name, _) in after.items():
        if key not in before and key != "content-type":
            emit("response-header-added", f"response {status} header {name} added", "", child(new[1], "headers", name))
    for key in (k for k in before if k in after and k != "content-type"):
        (old_name, old_raw), (new_name, new_raw) = before[key], after[key]
        old_header, old_ptr = deref(old_doc, old_raw, child(old[1], "headers", old_name))
        new_header, new_ptr = deref(new_doc, new_raw, child(new[1], "headers", new_name))
        if not isinstance(old_header, dict) or not isinstance(new_header, dict):
            continue
        where = f"response {status} header {new_name}"
        if old_header.get("required") is True and new_header.get("required") is not True:
            emit("response-header-became-optional", f"{where} became optional", old_ptr, new_ptr)
        old_schema, old_schema_ptr = _param_schema(old_header, old_ptr)
        new_schema, new_schema_ptr = _param_schema(new_header, new_ptr)
        walker.compare(old_schema, new_schema, old_schema_ptr, new_schema_ptr, where)


# security ----------------------------------------------------------------------------------------------------


def _alternatives(document: Document, op: Op) -> tuple[dict[frozenset[str], dict[str, set[str]]], str]:
    if "security" in op.raw:
        requirements, ptr = sequence(op.raw.get("security")), child(op.ptr, "security")
    else:
        requirements, ptr = sequence(document.get("security")), "/security" if "security" in document else ""
    found: dict[frozenset[str], dict[str, set[str]]] = {}
    for requirement in requirements:
        if isinstance(requirement, dict):
            scopes = {str(k): {str(s) for s in sequence(v)} for k, v in requirement.items()}
            found[frozenset(scopes)] = scopes
    return found, ptr


def _show_alt(alternative: frozenset[str]) -> str:
    return " + ".join(sorted(alternative)) or "none (anonymous)"


def _security(emit: Emit, old_doc: Document, new_doc: Document, old: Op, new: Op) -> None:
    (before, old_ptr), (after, new_ptr) = _alternatives(old_doc, old), _alternatives(new_doc, new)
    old_public = not before or frozenset() in before
    new_public = not after or frozenset() in after
    if new_public and not old_public:
        emit("security-requirement-relaxed", "authentication no longer required", old_ptr, new_ptr)
    for alternative in before:
        if alternative and alternative not in after and not (new_public and not old_public):
            rule = "security-requirement-relaxed" if new_public else "security-requirement-removed"
            emit(rule, f"security {_show_alt(alternative)} no longer accepted", old_ptr, new_ptr)
    for alternative in after:
        if not alternative or alternative in before:
            continue
        if old_public and not new_public:
            emit("security-requirement-added", f"now requires {_show_alt(alternative)}", old_ptr, new_ptr)
        else:
            emit("security-alternative-added", f"security {_show_alt(alternative)} accepted", old_ptr, new_ptr)
    for alternative in (a for a in before if a in after):
        for scheme in sorted(alternative):
            extra = sorted(after[alternative][scheme] - before[alternative][scheme])
            if extra:
                message = f"security {scheme} now needs scope(s) {', '.join(extra)}"
                emit("security-scope-added", message, old_ptr, new_ptr)


def compare_security_schemes(emit: Emit, old_doc: Document, new_doc: Document) -> None:
    before = mapping(mapping(old_doc.get("components")).get("securitySchemes"))
    after = mapping(mapping(new_doc.get("components")).get("securitySchemes"))
    keys = ("type", "scheme", "in", "name", "bearerFormat", "flows", "openIdConnectUrl")
    for name in (n for n in before if n in after):
        old_scheme, old_ptr = deref(old_doc, before[name], child("/components/securitySchemes", name))
        new_scheme, new_ptr = deref(new_doc, after[name], child("/components/securitySchemes", name))
        if not isinstance(old_scheme, dict) or not isinstance(new_scheme, dict):
            continue
        changed = [k for k in keys if canonical(old_scheme.get(k)) != canonical(new_scheme.get(k))]
        if changed:
            detail = ", ".join(f"{k} {old_scheme.get(k)} -> {new_scheme.get(k)}" for k in changed if k != "flows")
            if "flows" in changed:
                detail = ", ".join(filter(None, (detail, "flows changed")))
            emit("security-scheme-changed", f"security scheme {name} changed ({detail})", old_ptr, new_ptr)
