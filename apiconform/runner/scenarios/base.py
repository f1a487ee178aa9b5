"""The context every scenario runs in: an HTTP client on the target, recording verdicts with reproductions.

Every answer is read under two bounds, so a hostile server can neither exhaust memory nor hold a scenario
forever: at most `max_response_bytes` of (decoded) body, and the whole body within `timeout` seconds of its
headers. A transport failure (reset, timeout, an answer over a bound) is the operation's `not_a_server_error`
(`response_time` for a timeout), recorded once per operation and reason, never an exception.
"""

from __future__ import annotations

import json
import shlex
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from apiconform.checks import CheckId
from apiconform.contract import ENUM_DOCUMENTED, NOT_A_SERVER_ERROR, Contract, VirtualOperation
from apiconform.observed import ContractView
from apiconform.openapi import ApiSpec
from apiconform.redact import Redactor
from apiconform.runner.profiles import Profile
from apiconform.runner.results import Exchange
from apiconform.validation import SchemaValidator

EXCERPT = 2000
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
# Declared by st_checks (where schemathesis evaluates it); scenarios report a body that never came in time here too.
RESPONSE_TIME = CheckId("response_time")


def size_text(count: int) -> str:
    """1048576 -> '1 MiB', 1500 -> '1500 bytes'."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


# Failure titles of requests that got no complete answer: the run reports them per operation, and `apiconform run`
# calls a target that never gave one complete answer unreachable (exit 3) rather than non-conformant.
NO_ANSWER_BROKEN = "no complete answer (transport error)"
NO_ANSWER_IN_TIME = "no complete answer in time"
ANSWER_TOO_LARGE = "answer larger than --max-response-bytes"
NO_ANSWER_TITLES = frozenset({NO_ANSWER_BROKEN, NO_ANSWER_IN_TIME})


def transport_title(*, timed_out: bool, too_large: bool) -> str:
    if too_large:
        return ANSWER_TOO_LARGE
    return NO_ANSWER_IN_TIME if timed_out else NO_ANSWER_BROKEN


class AnswerRefused(Exception):
    """An answer apiconform stopped reading: over the size bound or too slow to arrive."""

    def __init__(self, message: str, *, timed_out: bool) -> None:
        super().__init__(message)
        self.timed_out = timed_out
        self.too_large = not timed_out


def too_large(limit: int) -> str:
    return f"answer body over {size_text(limit)} (--max-response-bytes); reading stopped there"


def too_slow(seconds: float) -> str:
    return f"answer body still arriving {seconds:g} s after its headers (--timeout); reading stopped there"


def excerpt(redactor: Redactor, text: str | bytes, limit: int = EXCERPT) -> str:
    """The first `limit` characters of `text`, redacted *before* the cut: cutting first would leave the head of
    a secret that straddles the cut unrecognisable (and readable)."""
    window = limit + 4096  # longer than any secret, so one cut through the window is past `limit` after masking
    head = text[:window]
    redacted = redactor.text(head.decode("utf-8", "replace") if isinstance(head, bytes) else head)
    if len(text) > window and len(redacted) < limit + 1024:  # masking shrank the window a lot: be exact
        whole = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        redacted = redactor.text(whole)
    return redacted[:limit]


# Headers the HTTP library adds on its own (curl adds its own), and schemathesis' case marker: not part of the case.
LIBRARY_HEADERS = frozenset(
    {"user-agent", "accept-encoding", "connection", "content-length", "transfer-encoding", "x-schemathesis-testcaseid"}
)


def curl_command(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: str | None,
    redactor: Redactor | None = None,
    *,
    json_body: bool = False,
) -> str:
    """A curl reproduction of one request, runnable as written in a POSIX shell. With a redactor, the run's
    credentials are read from their environment variables (`"$APICONFORM_TOKEN"`) and other secrets masked.
    `json_body`: the client labelled the body application/json on its own (httpx's `json=`)."""
    parts = ["curl", "--head"] if method == "HEAD" else ["curl", "-X", method]  # -X HEAD would wait for a body
    for key, value in headers.items():
        if key.lower() in LIBRARY_HEADERS or (key.lower() == "accept" and value == "*/*"):
            continue
        parts += ["-H", f"{key}: {value}" if value else f"{key};"]  # `Name;` is how curl sends an empty header
    if body:
        if not any(key.lower() == "content-type" for key in headers):
            # curl would label the body form-urlencoded: say what the request said (`Content-Type:` sends none)
            parts += ["-H", "Content-Type: application/json" if json_body else "Content-Type:"]
        parts += ["--data-raw" if body.startswith("@") else "-d", body]  # `-d @x` would send the file x
    parts.append(url.partition("#")[0])  # a virtual operation's fragment (Mend's #requestType) is never sent
    return redactor.shell_command(parts) if redactor is not None else shlex.join(parts)


@dataclass
class Verdict:
    operation: str
    check: CheckId
    ok: bool | None  # None: the check could not run here (`message` says why); its cell stays empty
    title: str = ""
    message: str = ""
    expected: str = ""
    curl: str = ""
    exchange: Exchange | None = None


@dataclass
class ScenarioContext:
    surface: str
    contract: Contract
    view: ContractView
    client: httpx.Client
    base_url: str
    credentials: dict[str, Any]
    redactor: Redactor
    profile: Profile
    allow_writes: bool
    record: Callable[[Verdict], None]
    auth_headers: dict[str, str] = field(default_factory=dict)
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    excluded: dict[str, str] = field(default_factory=dict)  # label -> why this run does not exercise it
    proven: Counter[str] = field(default_factory=Counter)  # label -> requests answered with a documented success
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # label -> request time
    # label -> enum field -> values the scenarios' success answers carried
    enum_values: defaultdict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))
    credential_sources: dict[str, str] = field(default_factory=dict)  # key -> file or variable it came from
    empty_credentials: list[str] = field(default_factory=list)  # APICONFORM_* variables set but empty
    # `run --record`: receives (label, intent, request, response) of the requests a scenario sends with an intent
    on_exchange: Callable[[str, str, httpx.Request, httpx.Response], None] | None = None
    discovery: dict[str, Any] = field(default_factory=dict)
    last_exchange: Exchange | None = None
    last_curl: str = ""
    _transport_failures: set[tuple[str, str, str]] = field(default_factory=set, init=False, repr=False)

    @property
    def spec(self) -> ApiSpec:
        """The documented spec (vendor semantics look operations up by operationId)."""
        return self.contract.spec

    @property
    def validator(self) -> SchemaValidator:
        return self.contract.validator

    def operations(self) -> list[VirtualOperation]:
        """The operations this run exercises (not those a read-only run or another shard leaves out)."""
        return [op for op in self.contract.operations if op.label not in self.excluded]

    # -- HTTP ---------------------------------------------------------------------------------------------
    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        auth: bool = True,
        intent: str | None = None,
        operation: str | None = None,
    ) -> httpx.Response | None:
        """Send one request; None when the transport failed (recorded as the last exchange, and as a failure of
        the operation the request aimed at, once per operation and reason)."""
        send_headers = dict(self.auth_headers) if auth else {}
        send_headers.update(headers or {})
        url = self.base_url + path
        body_text = json.dumps(json_body) if json_body is not None else (content or b"").decode("utf-8", "replace")
        self.last_curl = self._curl(method, url, params, send_headers, body_text or None, json_body is not None)
        self.last_exchange = Exchange(
            method=method,
            url=self.redactor.text(str(httpx.URL(url, params=params or {}))),
            request_headers=self.redactor.headers(send_headers),
            request_body=excerpt(self.redactor, body_text) if body_text else None,
        )
        try:
            request = self.client.build_request(
                method, url, params=params, json=json_body, content=content, headers=send_headers
            )
            response = self.client.send(request, stream=True)
        except httpx.HTTPError as exc:
            self._transport_failed(method, path, json_body, exc)
            return None
        try:
            body = self._read(response)
        except (httpx.HTTPError, AnswerRefused) as exc:
            self._transport_failed(method, path, json_body, exc, status=response.status_code)
            return None
        finally:
            response.close()
        # A fully read response, as `client.request` would have returned it (its body bounded).
        answer = httpx.Response(
            response.status_code,
            headers=[(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-encoding"],
            content=body,
            request=response.request,
            extensions=response.extensions,
        )
        answer.elapsed = response.elapsed
        self.last_exchange.status = answer.status_code
        self.last_exchange.response_headers = self.redactor.headers(dict(response.headers))
        self.last_exchange.response_body = excerpt(self.redactor, body)
        self.last_exchange.elapsed_ms = round(answer.elapsed.total_seconds() * 1000, 1)
        if auth and intent is None:
            self._tally(method, path, json_body, answer)
        if intent is not None and self.on_exchange is not None:
            # A probe names the operation it probes (its undocumented method matches none).
            label = operation or self._operation_of(method, path, json_body)
            if label is not None:
                self.on_exchange(label, intent, request, answer)
        return answer

    def _tally(self, method: str, path: str, json_body: Any, answer: httpx.Response) -> None:
        op = self.contract.match(method, path, json_body).operation
        if op is None or op is self.contract.rpc_endpoint:
            return
        self.seconds[op.label] += answer.elapsed.total_seconds()
        content_type = answer.headers.get("content-type", "")
        if self.contract.proves(op, answer.status_code, content_type, answer.content):
            self.proven[op.label] += 1
        if 200 <= answer.status_code < 300:
            self._judge_enums(op, answer.status_code, content_type, answer.content)

    def _judge_enums(self, op: VirtualOperation, status: int, content_type: str, body: bytes) -> None:
        """Every answer the scenarios get is checked for undocumented enum values, and shows which documented
        values it carries: the scenarios reach data (a stateful step, a discovered entity) the fuzzer does not."""
        judgement = self.view.judge_response(op, status, content_type, body)
        for field_name, values in judgement.enum_values.items():
            self.enum_values[op.label].setdefault(field_name, set()).update(values)
        verdict = judgement.verdict(ENUM_DOCUMENTED)
        if verdict is not None:
            self.verdict(op.label, ENUM_DOCUMENTED, verdict.ok, verdict.title, verdict.message, verdict.expected)

    def _read(self, response: httpx.Response) -> bytes:
        """The decoded body, at most `max_response_bytes` of it, all of it within `timeout` of the headers."""
        limit = self.max_response_bytes
        seconds = _read_timeout(self.client)
        deadline = time.monotonic() + seconds
        chunks: list[bytes] = []
        received = 0
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > limit:
                raise AnswerRefused(too_large(limit), timed_out=False)
            if time.monotonic() > deadline:
                raise AnswerRefused(too_slow(seconds), timed_out=True)
            chunks.append(chunk)
        return b"".join(chunks)

    def _transport_failed(
        self, method: str, path: str, json_body: Any, exc: Exception, *, status: int | None = None
    ) -> None:
        timed_out = isinstance(exc, httpx.TimeoutException) or (isinstance(exc, AnswerRefused) and exc.timed_out)
        reason = transport_reason(exc)
        assert self.last_exchange is not None
        self.last_exchange.status = status
        self.last_exchange.response_body = self.redactor.text(f"transport error: {reason}")
        operation = self._operation_of(method, path, json_body)
        check = RESPONSE_TIME if timed_out else NOT_A_SERVER_ERROR
        title = transport_title(timed_out=timed_out, too_large=isinstance(exc, AnswerRefused) and exc.too_large)
        if operation is None or (operation, check, title) in self._transport_failures:
            return
        self._transport_failures.add((operation, check, title))
        expected = "a complete answer within --timeout" if timed_out else "a complete HTTP answer within the bounds"
        self.failed(operation, check, title, f"{method} {path}: {reason}", expected)

    def _operation_of(self, method: str, path: str, json_body: Any) -> str | None:
        """The label of the documented operation a concrete request aims at (Mend: its requestType)."""
        op = self.contract.match(method, path, json_body).operation
        # The RPC endpoint itself (a body without a known requestType) is no operation a report lists.
        return None if op is None or op is self.contract.rpc_endpoint else op.label

    def _curl(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None,
        headers: dict[str, str],
        body: str | None,
        json_body: bool,
    ) -> str:
        full = str(httpx.URL(url, params=params or {}))
        return curl_command(method, full, headers, body, self.redactor, json_body=json_body)

    # -- verdicts -----------------------------------------------------------------------------------------
    def not_applicable(self, operation: str, check: CheckId, why: str) -> None:
        """A scheduled check that cannot run on this operation, and why (a report shows it, not an empty cell)."""
        self.record(Verdict(operation, check, None, message=self.redactor.text(why)))

    def passed(self, operation: str, check: CheckId) -> None:
        self.record(Verdict(operation, check, True))

    def failed(self, operation: str, check: CheckId, title: str, message: str, expected: str = "") -> None:
        self.record(
            Verdict(
                operation,
                check,
                False,
                title=self.redactor.text(title),
                message=self.redactor.text(message),
                expected=expected,
                curl=self.last_curl,
                exchange=self.last_exchange,
            )
        )

    def shown(self, value: Any, limit: int = 200) -> str:
        """`value` for a message, its secrets masked before the cut (a cut secret is no longer recognisable)."""
        text = value if isinstance(value, str | bytes) else str(self.redactor.data(value))
        return excerpt(self.redactor, text, limit)

    def verdict(
        self, operation: str, check: CheckId, ok: bool, title: str, message: str = "", expected: str = ""
    ) -> bool:
        if ok:
            self.passed(operation, check)
        else:
            self.failed(operation, check, title, message, expected)
        return ok


def transport_reason(exc: BaseException) -> str:
    """One line saying what went wrong on the wire."""
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        text = f"{type(exc).__name__}: no answer within --timeout ({text})"
    elif not isinstance(exc, AnswerRefused):
        text = f"{type(exc).__name__}: {text}"
    return text.splitlines()[0][:300]


def _read_timeout(client: httpx.Client) -> float:
    read = client.timeout.read
    return read if read is not None else 60.0


def json_of(response: httpx.Response | None) -> Any:
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return None
