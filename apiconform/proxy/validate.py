"""Judging one proxied exchange against a surface's contract (`apiconform.contract`, shared with `run`).

Request side (what only the proxy sees: a real client's traffic): which documented operation the client called
(Mend: which requestType) and whether its path, query and header parameters, Content-Type and body conform.
Response side: the contract's judge, the same one `run` and `replay` use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from apiconform.contract import NOT_A_SERVER_ERROR, Contract, Judgement, Match, Verdict, parse_json, pick_media
from apiconform.observed import ContractView
from apiconform.proxy.bodies import Message, decoded_body, is_json, media_type
from apiconform.proxy.checks import CLIENT_OPERATION_KNOWN, CLIENT_REQUEST_VALID
from apiconform.validation import parse_parameter

_KNOWN_EXPECTED = "a documented operation (method and path; Mend: a documented requestType)"


@dataclass(frozen=True)
class ProxyContract:
    """One surface's contract view, ready to match and judge proxied exchanges; safe to share between requests."""

    view: ContractView
    max_body_bytes: int = 8 * 1024 * 1024

    @property
    def contract(self) -> Contract:
        return self.view.contract

    def match(self, method: str, raw_path: str, request: Message) -> Match:
        rel = self.contract.relative(raw_path)
        if rel is None:
            bases = ", ".join(b or "/" for b in self.contract.base_paths)
            return Match(f"{method} {raw_path}", None, unknown=f"{raw_path} is outside the API's base path ({bases})")
        body: Any = None
        endpoint = self.contract.rpc_endpoint
        if endpoint is not None and rel in (endpoint.wire_path, endpoint.wire_path.rstrip("/") or "/"):
            try:
                body = json.loads(request.body) if request.body and request.complete else None
            except ValueError:
                body = None
        return self.contract.match(method, rel, body, body_read=request.complete)

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
        operation = match.operation.operation
        sent: dict[str, list[str]] = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            sent.setdefault(name, []).append(value)
        problems = []
        documented_query = {p.name for p in operation.parameters if p.location == "query"}
        for param in operation.parameters:
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
            value, reason = parse_parameter(raw, param.schema, self.contract.exploded.resolve)
            if reason is None:
                violations = self.contract.validator.errors(value, param.schema, f"{param.location}.{param.name}")
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
        assert match.operation is not None
        op = match.operation.operation
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
        # A variant's body is judged against its own request schema (the exploded operation's); a call to the RPC
        # endpoint without a documented requestType has no schema to be judged by (the match says why).
        rpc_endpoint = match.operation is self.contract.rpc_endpoint
        schema = None if rpc_endpoint else op.body_schema(chosen)
        violations = self.contract.validator.errors(instance, schema, "body") if schema is not None else []
        if not violations:
            return []
        shown = json.dumps(schema, sort_keys=True)
        message = "; ".join(map(str, violations[:3]))
        return [("Request body does not match its schema", message, f"request body schema: {shown}")]

    # -- the upstream's answer ----------------------------------------------------------------------------------

    def response_judgement(self, match: Match, status: int, response: Message) -> Judgement:
        if match.operation is None:
            # An undocumented call still may not crash the server.
            answered = f"the upstream answered {status}"
            return Judgement([Verdict(NOT_A_SERVER_ERROR, status < 500, "Server error", answered)])
        body = decoded_body(response, self.max_body_bytes)
        return self.view.judge_response(
            match.operation, status, response.header("content-type"), body, body_read=body is not None
        )
