"""Judging one proxied exchange against a surface's contract.

Request side: which documented operation the client called (Mend: which requestType) and whether its path,
query and header parameters, Content-Type and body conform. Response side: the status is documented, the
Content-Type is documented for it, the body validates against the documented schema. For Mend that schema is
the one of the requestType the client *sent* (or MendError): the union of every answer would accept another
requestType's shape, which is exactly the drift worth catching.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from apiconform import rpc
from apiconform.openapi import ApiSpec, Operation
from apiconform.proxy.bodies import (
    JSON,
    Message,
    decoded_body,
    enum_sites,
    is_error_answer,
    is_json,
    media_type,
    parse_json,
    pick_media,
)
from apiconform.proxy.checks import CLIENT_OPERATION_KNOWN, CLIENT_REQUEST_VALID
from apiconform.validation import SchemaValidator, parse_parameter

_KNOWN_EXPECTED = "a documented operation (method and path; Mend: a documented requestType)"
_REQUEST_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


@dataclass(frozen=True)
class Match:
    """What a request is in the contract's terms."""

    label: str
    operation_id: str
    operation: Operation | None  # None: not a documented operation (see `unknown`)
    path_params: dict[str, str] = field(default_factory=dict)
    variant: str | None = None  # the Mend requestType sent, when it is a documented one
    unknown: str = ""  # why the call is no documented operation
    problem: str = ""  # a request problem found while matching (a Mend body without a requestType)


@dataclass(frozen=True)
class Verdict:
    check: str
    ok: bool
    title: str = ""
    message: str = ""
    expected: str = ""


@dataclass
class Observed:
    """Facts a report shows besides verdicts: enum values and top-level fields seen in answers."""

    enum_values: dict[str, set[str]] = field(default_factory=dict)
    fields: set[str] = field(default_factory=set)


class Contract:
    """One surface's spec, ready to match and judge exchanges; safe to share between concurrent requests."""

    def __init__(self, spec: ApiSpec, *, max_body_bytes: int = 8 * 1024 * 1024) -> None:
        self.spec = spec
        self.max_body_bytes = max_body_bytes
        self.validator = SchemaValidator(spec.document)
        self.base_path = spec.base_paths()[0]
        self._bases = sorted(spec.base_paths(), key=len, reverse=True)  # longest prefix wins
        self.variants = rpc.variants(spec.document)
        union = rpc.rpc_union(spec.document)
        self._rpc = (union[0], union[1].upper()) if union else None
        self._variant_refs: dict[str, str] = union[2]["discriminator"]["mapping"] if union else {}
        self._error_ref = rpc.error_schema_ref(spec.document)
        # Literal segments before templates (/scans/latest before /scans/{id}), as the mocks route them.
        self._ops = sorted(spec.operations, key=lambda op: [s.startswith("{") for s in op.path.split("/")])
        self._regex = {id(op): op.path_regex() for op in spec.operations}

    # -- which operation ----------------------------------------------------------------------------------------

    def operations(self) -> list[tuple[str, str]]:
        """(label, operationId) of every operation a report lists; Mend's requestTypes one by one."""
        out: list[tuple[str, str]] = []
        for op in self.spec.operations:
            if self._is_rpc(op):
                out += [(self.rpc_label(op, value), value) for value in self.variants]
            else:
                out.append((op.label, op.operation_id))
        return out

    def rpc_label(self, op: Operation, value: str | None) -> str:
        # The label `run` gives a virtual operation (`POST /api/v1.2#getProjectAlerts`), whatever version path
        # the client used, so proxy and run reports compare cell by cell.
        path = f"{self.base_path}{op.path.rstrip('/')}" or "/"
        return f"{op.method} {path}" + (f"#{value}" if value else "")

    def match(self, method: str, raw_path: str, request: Message) -> Match:
        rel = self._relative(raw_path)
        if rel is None:
            bases = ", ".join(b or "/" for b in self._bases)
            return Match(
                f"{method} {raw_path}", "", None, unknown=f"{raw_path} is outside the API's base path ({bases})"
            )
        candidates = [op for op in self._ops if self._regex[id(op)].match(rel)]
        if not candidates:
            return Match(f"{method} {rel}", "", None, unknown=f"no documented path matches {rel}")
        op = next((c for c in candidates if c.method == method), None)
        if op is None:
            template = candidates[0].path
            allowed = ", ".join(sorted({c.method for c in candidates if c.path == template}))
            return Match(
                f"{method} {template}", "", None, unknown=f"{method} is not documented for {template} ({allowed} is)"
            )
        found = self._regex[id(op)].match(rel)
        params = {k: unquote(v) for k, v in (found.groupdict() if found else {}).items()}
        if self._is_rpc(op):
            return self._match_rpc(op, request)
        return Match(op.label, op.operation_id, op, params)

    def _relative(self, path: str) -> str | None:
        for base in self._bases:
            if not base:
                return path or "/"
            if path == base:
                return "/"
            if path.startswith(base + "/"):
                return path[len(base) :]
        return None

    def _is_rpc(self, op: Operation) -> bool:
        return self._rpc is not None and (op.path, op.method) == self._rpc

    def _match_rpc(self, op: Operation, request: Message) -> Match:
        if not request.complete:  # too large to read the requestType: judge it as the RPC endpoint itself
            return Match(self.rpc_label(op, None), op.operation_id, op)
        try:
            body = json.loads(request.body) if request.body else None
        except ValueError:
            body = None
        value = body.get("requestType") if isinstance(body, dict) else None
        if not isinstance(value, str):
            problem = "the body is not a JSON object with a string requestType"
            return Match(self.rpc_label(op, None), op.operation_id, op, problem=problem)
        if value not in self.variants:
            shown = value if _REQUEST_TYPE.fullmatch(value) else "(malformed requestType)"
            return Match(self.rpc_label(op, shown), "", None, unknown=f"requestType {value[:80]!r} is not documented")
        return Match(self.rpc_label(op, value), value, op, variant=value)

    # -- the client's request -----------------------------------------------------------------------------------

    def request_verdicts(self, match: Match, query: str, request: Message) -> list[Verdict]:
        if match.operation is None:
            return [Verdict(CLIENT_OPERATION_KNOWN, False, "Undocumented operation", match.unknown, _KNOWN_EXPECTED)]
        problems: list[tuple[str, str, str]] = []
        if match.problem:
            problems.append(("Request without a requestType", match.problem, "a documented requestType"))
        problems += self._parameter_problems(match, query, request)
        problems += self._body_problems(match, request)
        verdicts = [Verdict(CLIENT_OPERATION_KNOWN, True)]
        verdicts += [Verdict(CLIENT_REQUEST_VALID, False, t, m, e) for t, m, e in problems]
        return verdicts if problems else [*verdicts, Verdict(CLIENT_REQUEST_VALID, True)]

    def _parameter_problems(self, match: Match, query: str, request: Message) -> list[tuple[str, str, str]]:
        assert match.operation is not None
        sent: dict[str, list[str]] = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            sent.setdefault(name, []).append(value)
        problems = []
        documented_query = {p.name for p in match.operation.parameters if p.location == "query"}
        for param in match.operation.parameters:
            if param.location == "query":
                raw = sent.get(param.name, [])
            elif param.location == "path":
                raw = [match.path_params[param.name]] if param.name in match.path_params else []
            elif param.location == "header":
                raw = [v for k, v in request.headers if k == param.name.lower()]
            else:
                continue  # no surface documents cookie parameters
            where = f"{param.location} parameter {param.name!r}"
            expected = f"{where}: {json.dumps(param.schema, sort_keys=True)}"
            if not raw:
                if param.required:
                    problems.append((f"Missing required {param.location} parameter `{param.name}`", where, expected))
                continue
            value, reason = parse_parameter(raw, param.schema, self.spec.resolve)
            if reason is None:
                violations = self.validator.errors(value, param.schema, f"{param.location}.{param.name}")
                reason = "; ".join(map(str, violations[:3])) if violations else None
            if reason:
                problems.append((f"Invalid {param.location} parameter `{param.name}`", f"{where}: {reason}", expected))
        extra = [name for name in sent if name not in documented_query]
        if extra:
            documented = ", ".join(sorted(documented_query)) or "none"
            message = f"query parameter(s) {', '.join(map(repr, extra[:10]))} are not documented"
            problems.append(("Undocumented query parameter", message, f"documented query parameters: {documented}"))
        return problems

    def _body_problems(self, match: Match, request: Message) -> list[tuple[str, str, str]]:
        op = match.operation
        assert op is not None
        documented = list((op.body or {}).get("content", {}))
        expected = f"request body: {', '.join(documented) or 'none'}"
        if not request.body:
            required = op.body is not None and op.body.get("required") and request.complete
            return [("Missing request body", f"{op.label} requires a request body", expected)] if required else []
        if op.body is None:
            return [("Undocumented request body", f"{op.label} takes no body; got {len(request.body)} bytes", expected)]
        media = media_type(request.header("content-type"))
        chosen = pick_media(media, documented)
        if chosen is None:
            return [("Undocumented request Content-Type", f"sent {media or '(none)'}", expected)]
        if not request.complete or not is_json(chosen):
            return []
        try:
            instance = parse_json(request.body, request.header("content-type"))
        except ValueError as exc:
            return [("Malformed JSON request body", str(exc)[:300], expected)]
        if match.variant is not None:
            schema: dict[str, Any] | None = {"$ref": self._variant_refs[match.variant]}
        else:
            schema = None if self._is_rpc(op) else op.body_schema(chosen)
        violations = self.validator.errors(instance, schema, "body") if schema is not None else []
        if not violations:
            return []
        shown = json.dumps(schema, sort_keys=True)
        message = "; ".join(map(str, violations[:3]))
        return [("Request body does not match its schema", message, f"request body schema: {shown}")]

    # -- the upstream's answer ----------------------------------------------------------------------------------

    def response_verdicts(self, match: Match, status: int, response: Message) -> tuple[list[Verdict], Observed]:
        observed = Observed()
        verdicts = [Verdict("not_a_server_error", status < 500, "Server error", f"the upstream answered {status}")]
        op = match.operation
        if op is None:
            return verdicts, observed
        documented = (
            op.responses.get(str(status)) or op.responses.get(f"{str(status)[0]}XX") or op.responses.get("default")
        )
        statuses = ", ".join(sorted(op.responses))
        verdicts.append(
            Verdict(
                "status_code_conformance",
                documented is not None,
                "Undocumented status code",
                f"received {status}; documented: {statuses}",
                f"documented statuses: {statuses}",
            )
        )
        if documented is None:
            return verdicts, observed
        content = self._documented_content(match, documented)
        media = media_type(response.header("content-type"))
        if not content or not (response.body or media):
            return verdicts, observed  # nothing documented, or an empty answer (204, HEAD): no type to judge
        chosen = pick_media(media, list(content))
        verdicts.append(
            Verdict(
                "content_type_conformance",
                chosen is not None,
                "Undocumented Content-Type",
                f"received {media or '(none)'} with {status}",
                f"documented for {status}: {', '.join(content)}",
            )
        )
        body = decoded_body(response, self.max_body_bytes)
        if chosen is None or not is_json(chosen) or body is None:
            return verdicts, observed
        try:
            instance = parse_json(body, response.header("content-type"))
        except ValueError as exc:
            verdicts.append(Verdict("response_schema_conformance", False, "Malformed JSON response", str(exc)[:300]))
            return verdicts, observed
        if match.variant and JSON not in self._media_types(match.variant) and not is_error_answer(instance):
            media_types = ", ".join(self._media_types(match.variant))
            message = f"{match.variant} answered a JSON body that is no error; it documents {media_types}"
            verdicts.append(Verdict("request_type_shape", False, "JSON answer to a file requestType", message))
            return verdicts, observed
        schema = self._response_schema(match, content[chosen], instance)
        if schema is None:
            return verdicts, observed
        verdicts += self._judge_body(match, schema, instance, observed)
        return verdicts, observed

    def _documented_content(self, match: Match, documented: dict[str, Any]) -> dict[str, Any]:
        content: dict[str, Any] = dict(documented.get("content") or {})
        if match.variant is None or match.operation is None or "200" not in match.operation.responses:
            return content
        # Mend: the requestType's own media types; JSON stays documented for MendError answers (always HTTP 200).
        return {JSON: content.get(JSON, {}), **{m: {} for m in self._media_types(match.variant) if m != JSON}}

    def _media_types(self, variant: str) -> list[str]:
        return list(self.variants[variant].get("x-response-media-types") or [JSON])

    def _response_schema(self, match: Match, media: Any, instance: Any) -> dict[str, Any] | None:
        if match.operation is None or not self._is_rpc(match.operation):
            schema = media.get("schema") if isinstance(media, dict) else None
            return schema if isinstance(schema, dict) else None
        # Mend: the error shape, or the shape of the requestType sent; never the union of every answer. Without a
        # known requestType (a malformed or oversized request) only an error answer can be judged.
        if is_error_answer(instance) and self._error_ref:
            return {"$ref": self._error_ref}
        ref = self.variants[match.variant].get("x-response-schema") if match.variant else None
        return {"$ref": ref} if isinstance(ref, str) else None  # no documented shape: nothing to judge

    def _judge_body(self, match: Match, schema: dict[str, Any], instance: Any, observed: Observed) -> list[Verdict]:
        shown = schema.get("$ref", "the documented schema")
        about = f"{match.variant}: " if match.variant else ""
        violations = self.validator.errors(instance, schema, "body")
        verdicts = [
            Verdict(
                "response_schema_conformance",
                not violations,
                "Response body does not match its schema",
                about + "; ".join(map(str, violations[:3])),
                f"the answer documented for {match.variant or match.label} ({shown})",
            )
        ]
        if match.variant is not None and not is_error_answer(instance):
            verdicts.append(self._request_type_shape(match.variant, schema, instance))
        undocumented = []
        for where, value, allowed in enum_sites(self.spec, schema, instance, "", 0):
            observed.enum_values.setdefault(where, set()).add(value)
            if value not in allowed:
                undocumented.append(f"{where or '(body)'}={value!r}")
        message = f"undocumented enum value(s): {', '.join(undocumented[:5])}"
        verdicts.append(Verdict("enum_documented", not undocumented, "Undocumented enum value", message))
        if isinstance(instance, dict):
            observed.fields.update(str(k) for k in instance)
        return verdicts

    def _request_type_shape(self, variant: str, schema: dict[str, Any], instance: Any) -> Verdict:
        resolved = self.spec.resolve(schema)
        required = [k for k in resolved.get("required", []) if not isinstance(instance, dict) or k not in instance]
        documented = set(resolved.get("properties", {}))
        ok = isinstance(instance, dict) and not required
        ok = ok and not (documented and instance and not documented & set(instance))
        got = sorted(instance)[:8] if isinstance(instance, dict) else type(instance).__name__
        return Verdict(
            "request_type_shape",
            ok,
            "Answer has another requestType's shape",
            f"{variant} answered without its documented top-level keys {sorted(required or documented)}; got {got}",
            f"the top-level keys documented for {variant} ({schema.get('$ref', '')})",
        )
