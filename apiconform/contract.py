"""One contract view per surface, built once: the operations a report lists (Mend: one virtual operation per
requestType), one label scheme and its inverse, one request -> operation matcher, and one judge of answers.

`run` (property phases and scenarios), `replay`, `proxy`, the pytest plugin and the mocks all go through this
module, so they agree by construction on which operation a request is, which answer is documented for a status
and whether a body conforms. The `x-rpc-*` keys `apiconform.rpc.explode` writes are read here and nowhere else.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from apiconform import rpc
from apiconform.checks import CheckId, declare
from apiconform.enums import enum_sites
from apiconform.openapi import ApiSpec, Operation, route_order
from apiconform.spec import Document, load_document
from apiconform.validation import SchemaValidator, Violation

JSON = "application/json"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_REQUEST_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")

# What the contract's judge decides about an answer: `run` (inside schemathesis), `replay` and `proxy` report these
# ids from the same code.
NOT_A_SERVER_ERROR = declare(
    "not_a_server_error", group="schema", source="contract", description="no 5xx answers and no transport errors"
)
STATUS_CODE_CONFORMANCE = declare(
    "status_code_conformance",
    group="schema",
    source="contract",
    description="every status code is documented for the operation (exact, then its range, then default)",
)
CONTENT_TYPE_CONFORMANCE = declare(
    "content_type_conformance",
    group="schema",
    source="contract",
    description="the Content-Type is one the operation documents for that status",
)
RESPONSE_SCHEMA_CONFORMANCE = declare(
    "response_schema_conformance",
    group="schema",
    source="contract",
    description="the body validates against the documented schema (an RPC variant: its own answer or the error)",
)
REQUEST_TYPE_SHAPE = declare(
    "request_type_shape",
    group="schema",
    source="contract",
    description="an RPC variant (Mend requestType) is answered with its own documented top-level keys",
)
ENUM_DOCUMENTED = declare(
    "enum_documented",
    group="schema",
    source="contract",
    description="every enum value observed in a response is documented",
)


@dataclass(frozen=True)
class VirtualOperation:
    """One operation as reports list it: a method + path, or one variant of an RPC union (Mend's requestType)."""

    label: str  # "GET /jobs/{jobId}", or "POST /api/v1.2#getProjectAlerts" for a variant
    operation: Operation  # its definition in the exploded document (a variant's path is "/#getProjectAlerts")
    wire_path: str  # the path template sent on the wire, relative to the base path ("/" for every variant)
    variant: str | None = None  # the discriminator value (requestType) of an RPC variant
    request_schema_ref: str | None = None  # a variant's request schema
    response_schema_ref: str | None = None  # a variant's documented JSON answer (None: files only, or none)
    media_types: tuple[str, ...] = (JSON,)  # a variant's documented answer media types

    @property
    def method(self) -> str:
        return self.operation.method

    @property
    def operation_id(self) -> str:
        return self.operation.operation_id

    @property
    def raw(self) -> dict[str, Any]:
        return self.operation.raw

    @property
    def is_write(self) -> bool:
        """x-effect when the spec states it (Mend's reads are POSTs), else the method."""
        effect = self.raw.get("x-effect")
        return effect == "write" if effect else self.method in WRITE_METHODS


@dataclass(frozen=True)
class Match:
    """What a concrete request is in the contract's terms."""

    label: str
    operation: VirtualOperation | None  # None: not a documented operation (see `unknown`)
    path_params: dict[str, str] = field(default_factory=dict)
    unknown: str = ""  # why the request is no documented operation
    problem: str = ""  # a request problem found while matching (an RPC body without a discriminator value)


@dataclass(frozen=True)
class Verdict:
    """One check's verdict on one answer. `pointer` and `keyword` name the offending value and the violated
    schema keyword when a body breaks its schema."""

    check: CheckId
    ok: bool
    title: str = ""
    message: str = ""
    expected: str = ""
    pointer: str = ""
    keyword: str = ""
    # A known deviation (observed contract): the documented contract fails the answer, the observed one accepts
    # it, on this evidence. `ok` is True (it does not fail the gate); `message` says what the documents miss.
    evidence: tuple[str, ...] = ()

    @property
    def deviation(self) -> bool:
        return bool(self.evidence)


@dataclass
class Judgement:
    """The verdicts on one answer, plus the facts reports show besides them."""

    verdicts: list[Verdict] = field(default_factory=list)
    enum_values: dict[str, set[str]] = field(default_factory=dict)  # field -> enum values seen
    fields: set[str] = field(default_factory=set)  # top-level keys of a JSON object answer

    def verdict(self, check: CheckId) -> Verdict | None:
        """The verdict of `check`, the first failing one when it was judged several times."""
        found = [v for v in self.verdicts if v.check == check]
        return next((v for v in found if not v.ok), found[0] if found else None)


class Contract:
    """One surface's contract: the documented document and its exploded view. Immutable once built."""

    def __init__(self, document: Document, *, source: str = "<memory>") -> None:
        self.spec = ApiSpec(document, source=source)  # the document as written (RPC union not exploded)
        exploded = rpc.explode(document)
        self.exploded = ApiSpec(exploded, source=source)
        self.base_paths = self.spec.base_paths()
        self.base_path = self.base_paths[0]
        self._bases = sorted(self.base_paths, key=len, reverse=True)  # longest prefix wins
        self.validator = SchemaValidator(exploded)
        union = rpc.rpc_union(document)
        # (path, METHOD) of the RPC endpoint and the body field that picks its variant (Mend: requestType)
        self._rpc = (union[0], union[1].upper()) if union else None
        self._discriminator = str(union[2]["discriminator"]["propertyName"]) if union else ""
        self.error_ref = rpc.error_schema_ref(document)
        error = self.spec.resolve({"$ref": self.error_ref}) if self.error_ref else {}
        self._error_keys = set(error.get("required") or error.get("properties") or [])
        self.rpc_endpoint: VirtualOperation | None = None
        operations: list[VirtualOperation] = []
        for op in self.exploded.operations:
            variant = op.raw.get("x-rpc-value")
            if variant is None:
                operations.append(VirtualOperation(op.label, op, op.path))
                continue
            wire = str(op.raw.get("x-rpc-path", "/"))
            ref = op.raw["requestBody"]["content"][JSON]["schema"]["$ref"]
            variant_schema = self.spec.resolve({"$ref": ref})
            operations.append(
                VirtualOperation(
                    self.label(op.method, wire, variant),
                    op,
                    wire,
                    variant=str(variant),
                    request_schema_ref=ref,
                    response_schema_ref=op.raw.get("x-response-schema-ref"),
                    media_types=tuple(variant_schema.get("x-response-media-types") or [JSON]),
                )
            )
        if union is not None:
            path, method, _ = union
            endpoint = next(o for o in self.spec.operations if o.path == path and o.method == method.upper())
            self.rpc_endpoint = VirtualOperation(self.label(endpoint.method, path, None), endpoint, path)
        self.operations: tuple[VirtualOperation, ...] = tuple(operations)
        self._by_label = {op.label: op for op in self.operations}
        self._by_schema_label = {op.operation.label: op for op in self.operations}
        # Literal segments before templates (/scans/latest before /scans/{id}), as the mocks route them.
        routable = [op for op in self.operations if op.variant is None]
        if self.rpc_endpoint is not None:
            routable.append(self.rpc_endpoint)
        self._routes = [
            (op, op.operation.path_regex()) for op in sorted(routable, key=lambda op: route_order(op.operation.path))
        ]

    # -- labels ---------------------------------------------------------------------------------------------------

    def label(self, method: str, wire_path: str, variant: str | None) -> str:
        """The report label: `METHOD /path` for an operation, `METHOD <base path>[/rpc path]#<variant>` for a
        variant (the base path keeps a variant's label recognisable; the fragment never goes on the wire)."""
        if variant is None and (wire_path, method) != self._rpc:
            return f"{method} {wire_path}"
        path = f"{self.base_path}{wire_path.rstrip('/')}" or "/"
        return f"{method} {path}" + (f"#{variant}" if variant else "")

    @staticmethod
    def parse_label(label: str) -> tuple[str, str, str | None]:
        """The inverse of `label`: (method, path, variant or None)."""
        method, _, rest = label.partition(" ")
        path, _, variant = rest.partition("#")
        return method, path, variant or None

    def operation(self, label: str) -> VirtualOperation | None:
        return self._by_label.get(label)

    def by_schema_label(self, label: str) -> VirtualOperation | None:
        """The operation schemathesis calls `label` (its label in the exploded document: `POST /#getX`)."""
        return self._by_schema_label.get(label)

    def variants(self) -> Iterator[VirtualOperation]:
        return (op for op in self.operations if op.variant is not None)

    # -- which operation a request is -----------------------------------------------------------------------------

    def relative(self, raw_path: str) -> str | None:
        """A wire path without the API's base path, or None when it lies outside every base path."""
        for base in self._bases:
            if not base:
                return raw_path or "/"
            if raw_path == base:
                return "/"
            if raw_path.startswith(base + "/"):
                return raw_path[len(base) :]
        return None

    def match(self, method: str, path: str, body: Any = None, *, body_read: bool = True) -> Match:
        """The operation a request to `path` (relative to the base path) with JSON `body` addresses. An RPC call
        whose body could not be read (`body_read=False`: too large) is matched to the RPC endpoint itself."""
        method = method.upper()
        path = path.split("?", 1)[0] or "/"
        candidates = [(op, found) for op, regex in self._routes if (found := regex.match(path))]
        if not candidates:
            return Match(f"{method} {path}", None, unknown=f"no documented path matches {path}")
        chosen = next(((op, found) for op, found in candidates if op.method == method), None)
        if chosen is None:
            template = candidates[0][0].operation.path
            allowed = ", ".join(sorted({op.method for op, _ in candidates if op.operation.path == template}))
            return Match(
                f"{method} {template}", None, unknown=f"{method} is not documented for {template} ({allowed} is)"
            )
        op, found = chosen
        if op is not self.rpc_endpoint:
            return Match(op.label, op, {k: unquote(v) for k, v in found.groupdict().items()})
        if not body_read:
            return Match(op.label, op)
        discriminator = self._discriminator
        value = body.get(discriminator) if isinstance(body, dict) else None
        if not isinstance(value, str):
            return Match(op.label, op, problem=f"the body is not a JSON object with a string {discriminator}")
        variant = self._by_label.get(self.label(op.method, op.wire_path, value))
        if variant is None:
            shown = value if _REQUEST_TYPE.fullmatch(value) else f"(malformed {discriminator})"
            label = self.label(op.method, op.wire_path, shown)
            return Match(label, None, unknown=f"{discriminator} {value[:80]!r} is not documented")
        return Match(variant.label, variant)

    # -- what is documented ---------------------------------------------------------------------------------------

    @staticmethod
    def documented_response(op: VirtualOperation, status: int) -> dict[str, Any] | None:
        """The response object documented for `status`: the exact code, then its range (`4XX`), then `default`."""
        responses = op.operation.responses
        return responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")

    def security_met(self, op: VirtualOperation, headers: dict[str, str]) -> bool:
        """True when `headers` carry what one of the operation's security requirements asks for (a bearer token,
        an API-key header): the run authenticates there. An operation without requirements is not secured."""
        schemes = self.spec.document.get("components", {}).get("securitySchemes", {})
        sent = {name.lower(): value for name, value in headers.items()}
        return any(
            requirement and all(_scheme_met(schemes.get(name) or {}, sent) for name in requirement)
            for requirement in op.operation.security
        )

    def is_error_answer(self, body: Any) -> bool:
        """True for the RPC surface's shared error answer (Mend's errorCode body), whatever the status."""
        return bool(self._error_keys) and isinstance(body, dict) and self._error_keys <= set(body)

    def variant_answer_schema(self, op: VirtualOperation, body: Any) -> dict[str, Any] | None:
        """The schema a variant's JSON answer is judged against: its own requestType's shape or the error shape,
        never the union of both (which would accept another requestType's shape, and name no field when it
        fails). None: nothing documented to judge it by."""
        if self.is_error_answer(body) and self.error_ref:
            return {"$ref": self.error_ref}
        return {"$ref": op.response_schema_ref} if op.response_schema_ref else None

    def proves(self, op: VirtualOperation, status: int, content_type: str, body: bytes | None) -> bool:
        """True when an answer to a valid request of `op` proves the operation works: a documented success status
        with, for an RPC variant, its own answer (a file it documents, or JSON of its shape) and not an error."""
        if not 200 <= status < 300 or self.documented_response(op, status) is None:
            return False
        if op.variant is None:
            return True
        media = media_type(content_type)
        if not _is_json(media):
            return media in op.media_types
        try:
            instance = parse_json(body or b"", content_type)
        except ValueError:
            return False
        if self.is_error_answer(instance) or JSON not in op.media_types:
            return False
        schema = self.variant_answer_schema(op, instance)
        return schema is None or self._request_type_shape(op, schema, instance).ok

    def error_code(self, body: bytes | None, content_type: str = JSON) -> str | None:
        """'errorCode 5001' for an RPC error answer, else None (how a report says what an operation got)."""
        if not self._error_keys or not _is_json(media_type(content_type) or JSON):
            return None
        try:
            instance = parse_json(body or b"", content_type)
        except ValueError:
            return None
        if not self.is_error_answer(instance):
            return None
        code = next((instance[k] for k in sorted(self._error_keys) if "code" in k.lower()), None)
        return f"errorCode {code}" if code is not None else "an error answer"

    # -- judging an answer ----------------------------------------------------------------------------------------

    def judge_response(
        self, op: VirtualOperation, status: int, content_type: str, body: bytes | None, *, body_read: bool = True
    ) -> Judgement:
        """Status, Content-Type, body schema, requestType shape and enum values of one answer to `op`.
        `body` is the decoded body; `body_read=False` when it could not be read whole (no body verdicts then)."""
        judgement = Judgement()
        add = judgement.verdicts.append
        add(Verdict(NOT_A_SERVER_ERROR, status < 500, "Server error", f"answered {status}", "no 5xx answer"))
        documented = self.documented_response(op, status)
        statuses = ", ".join(sorted(op.operation.responses))
        add(
            Verdict(
                STATUS_CODE_CONFORMANCE,
                documented is not None,
                "Undocumented status code",
                f"received {status}; documented: {statuses}",
                f"documented statuses: {statuses}",
            )
        )
        if documented is None:
            return judgement
        content: dict[str, Any] = dict(documented.get("content") or {})
        media = media_type(content_type)
        if not content or op.method == "HEAD":
            return judgement  # nothing documented to judge the body by
        if not (body or media) or (body_read and body is not None and not body):
            add(
                Verdict(
                    RESPONSE_SCHEMA_CONFORMANCE,
                    False,
                    "Empty answer",
                    f"answered {status} with an empty body",
                    f"a body of {', '.join(content)} (documented for {status})",
                )
            )
            return judgement
        chosen = pick_media(media, list(content))
        add(
            Verdict(
                CONTENT_TYPE_CONFORMANCE,
                chosen is not None,
                "Undocumented Content-Type",
                f"received {media or '(none)'} with {status}",
                f"documented for {status}: {', '.join(content)}",
            )
        )
        if chosen is None or not _is_json(chosen) or not body_read or body is None:
            return judgement
        try:
            instance = parse_json(body, content_type)
        except ValueError as exc:
            add(Verdict(RESPONSE_SCHEMA_CONFORMANCE, False, "Malformed JSON response", str(exc)[:300]))
            return judgement
        if op.variant is not None and JSON not in op.media_types and not self.is_error_answer(instance):
            shown = ", ".join(op.media_types)
            message = f"{op.variant} answered a JSON body that is no error; it documents {shown}"
            add(Verdict(REQUEST_TYPE_SHAPE, False, "JSON answer to a file requestType", message))
            return judgement
        if op.variant is not None:
            schema = self.variant_answer_schema(op, instance)
        elif op is self.rpc_endpoint:
            # No known requestType was sent (the match says why): only an error answer has a shape to judge.
            error_ok = self.is_error_answer(instance) and self.error_ref
            schema = {"$ref": self.error_ref} if error_ok else None
        else:
            raw_schema = (content.get(chosen) or {}).get("schema")
            schema = raw_schema if isinstance(raw_schema, dict) else None
        if schema is not None:
            self._judge_body(op, schema, instance, judgement)
        return judgement

    def _judge_body(self, op: VirtualOperation, schema: dict[str, Any], instance: Any, judgement: Judgement) -> None:
        shown = schema.get("$ref", "the documented schema")
        violations = self.validator.errors(instance, schema, "body")
        first = violations[0] if violations else Violation("", "")
        judgement.verdicts.append(
            Verdict(
                RESPONSE_SCHEMA_CONFORMANCE,
                not violations,
                "Response body does not match its schema",
                (f"{op.variant}: " if op.variant else "") + "; ".join(map(str, violations[:3])),
                f"the answer documented for {op.variant or op.label} ({shown})",
                pointer=first.pointer,
                keyword=first.keyword,
            )
        )
        if op.variant is not None and not self.is_error_answer(instance):
            judgement.verdicts.append(self._request_type_shape(op, schema, instance))
        undocumented: dict[str, None] = {}  # each place once, however many array items repeat it
        for site in enum_sites(self.exploded.document, schema, instance, fits=self._fits):
            judgement.enum_values.setdefault(site.field, set()).add(site.value)
            if site.closed and site.value not in site.allowed:
                undocumented[f"{site.where} ({site.field}) = {site.value!r}"] = None
        more = f" and {len(undocumented) - 5} more" if len(undocumented) > 5 else ""
        message = f"undocumented enum value(s): {', '.join(list(undocumented)[:5])}{more}"
        expected = "only the enum values the contract lists"
        judgement.verdicts.append(
            Verdict(ENUM_DOCUMENTED, not undocumented, "Undocumented enum value", message, expected)
        )
        if isinstance(instance, dict):
            judgement.fields.update(str(k) for k in instance)

    def _fits(self, schema: dict[str, Any], instance: Any) -> bool:
        return not self.validator.errors(instance, schema)

    def _request_type_shape(self, op: VirtualOperation, schema: dict[str, Any], instance: Any) -> Verdict:
        resolved = self.exploded.resolve(schema)
        required = [k for k in resolved.get("required", []) if not isinstance(instance, dict) or k not in instance]
        documented = set(resolved.get("properties", {}))
        if isinstance(instance, dict):
            ok = not required and not (documented and instance and not documented & set(instance))
        else:  # a bare value is this requestType's answer only where its schema allows one (MEND-93's string)
            ok = not self.validator.errors(instance, schema)
        got = sorted(instance)[:8] if isinstance(instance, dict) else type(instance).__name__
        return Verdict(
            REQUEST_TYPE_SHAPE,
            ok,
            "Answer has another requestType's shape",
            f"{op.variant} answered without its documented top-level keys {sorted(required or documented)}; got {got}",
            f"the top-level keys documented for {op.variant} ({schema.get('$ref', '')})",
        )


CONTRACTS = ("observed", "documented")


def overlay_path(spec_path: Path) -> Path:
    """Where the observed overlay of a spec lives: specs/overlays/<surface>.observed.yaml."""
    return spec_path.parent / "overlays" / f"{spec_path.stem}.observed.yaml"


@functools.lru_cache(maxsize=16)
def _contract_for(path: Path, mode: str, _stamp: tuple[int, ...]) -> Contract:
    document = load_document(path)
    overlay = overlay_path(path)
    if mode == "observed" and overlay.exists():
        from apiconform.overlay import apply_overlay, load_overlay

        document, _ = apply_overlay(document, load_overlay(overlay))
        return Contract(document, source=f"{path} + {overlay.name}")
    return Contract(document, source=str(path))


def contract_for(spec_path: Path, mode: str = "documented") -> Contract:
    """The contract of a spec file under `mode` (the documented spec, or it plus its observed overlay), built
    once per process (rebuilt when either file changes)."""
    if mode not in CONTRACTS:
        raise ValueError(f"contract mode {mode!r}: one of {CONTRACTS}")
    overlay = overlay_path(spec_path)
    stamp = (spec_path.stat().st_mtime_ns, overlay.stat().st_mtime_ns if overlay.exists() else 0)
    return _contract_for(spec_path.resolve(), mode, stamp)


def _scheme_met(scheme: dict[str, Any], sent: dict[str, str]) -> bool:
    kind = scheme.get("type")
    if kind == "http":
        return sent.get("authorization", "").lower().startswith(str(scheme.get("scheme", "")).lower() + " ")
    if kind in ("oauth2", "openIdConnect"):
        return sent.get("authorization", "").lower().startswith("bearer ")
    return kind == "apiKey" and scheme.get("in") == "header" and str(scheme.get("name", "")).lower() in sent


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(media: str) -> bool:
    return media == JSON or media.endswith("+json")


def pick_media(media: str, documented: list[str]) -> str | None:
    """The documented media type a received one falls under (`*/*` and `text/*` ranges included)."""
    if not media:
        return None
    for candidate in documented:
        name = candidate.lower()
        if name in (media, "*/*") or (name.endswith("/*") and media.startswith(name[:-1])):
            return candidate
    return None


def parse_json(body: bytes, content_type: str) -> Any:
    """JSON in the charset the Content-Type names (Mend honours Accept-Charset), else as json.loads detects it."""
    charset = re.search(r"charset=\"?([A-Za-z0-9._-]+)", content_type, re.IGNORECASE)
    try:
        return json.loads(body.decode(charset.group(1)) if charset else body)
    except (LookupError, UnicodeDecodeError) as exc:
        raise ValueError(f"body is not valid {charset.group(1) if charset else 'UTF-8'}: {exc}") from None
