"""The tally of proxied traffic: per operation the exchanges, statuses and check cells, and each distinct failure
with a curl reproduction and the exchange excerpt. `.result()` is the RunResult every report writer consumes.

Everything recorded goes through one Redactor first: the credentials the proxy was given and pattern-based
redaction (Authorization headers, tokens in bodies, JWTs), since client traffic carries live secrets.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import shlex
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from apiconform.contract import NOT_A_SERVER_ERROR, REQUEST_TYPE_SHAPE, Judgement, Match, Verdict
from apiconform.observed import view_for
from apiconform.proxy.bodies import Message, decoded_body, is_json, media_type
from apiconform.proxy.checks import PROXY_CHECKS
from apiconform.proxy.validate import ProxyContract
from apiconform.redact import Redactor
from apiconform.runner.results import Deviation, Exchange, Failure, OperationResult, RunResult, SurfaceResult
from apiconform.surfaces import Surface, get_surface

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
EXCERPT = 2000
# A long-lived proxy must not grow without bound: undocumented calls are grouped past this many distinct
# labels, and failures past this many are tallied in their cells but not stored one by one.
MAX_UNKNOWN_OPERATIONS = 50
MAX_FAILURES = 1000
NOT_CALLED = "not called by the client traffic through the proxy"
_CURL_SKIPPED = frozenset({"host", "content-length", "connection", "accept-encoding", "user-agent"})

log = logging.getLogger("apiconform.proxy")


@dataclass(frozen=True)
class ObservedExchange:
    """One request the proxy forwarded and what came back (status None: no answer from the upstream)."""

    method: str
    raw_path: str  # as the client sent it, percent-encoding kept
    query: str
    url: str  # where the proxy sent it upstream
    request: Message
    status: int | None = None
    response: Message | None = None
    elapsed_ms: float | None = None
    transport_error: str = ""  # why the upstream gave no (complete) answer


class ProxyRecorder:
    """Judges each finished exchange against the surface's contract and keeps the tally; thread-safe."""

    def __init__(
        self,
        surface: str | Surface,
        *,
        upstream: str = "",
        secrets: Iterable[str] = (),
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        contract: str = "observed",
    ) -> None:
        self.surface = surface if isinstance(surface, Surface) else get_surface(surface)
        self.contract = ProxyContract(view_for(self.surface.spec_path, contract), max_body_bytes)
        self._deviations: dict[tuple[str, str], Deviation] = {}
        self.redactor = Redactor(secrets)
        self.upstream = upstream
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._operations = {
            op.label: OperationResult(self.surface.name, op.label, op.operation_id)
            for op in self.contract.contract.operations
        }
        self._failures: list[Failure] = []
        self._seen: set[tuple[str, str, str]] = set()
        self._unknown = 0
        self._unjudged = 0

    @property
    def max_body_bytes(self) -> int:
        return self.contract.max_body_bytes

    def record(self, exchange: ObservedExchange) -> None:
        """Judge and tally one exchange; never raises (the traffic has already flowed either way)."""
        try:
            self._record(exchange)
        except Exception as exc:  # a bug in the judging must not take the client's traffic down with it
            with self._lock:
                self._unjudged += 1
            log.warning(
                "apiconform proxy: could not judge %s %s (%s: %s)",
                exchange.method,
                self.redactor.text(exchange.raw_path),
                type(exc).__name__,
                self.redactor.text(str(exc))[:200],
            )

    def _record(self, exchange: ObservedExchange) -> None:
        match = self.contract.match(exchange.method, exchange.raw_path, exchange.request)
        verdicts = self.contract.request_verdicts(match, exchange.query, exchange.request)
        observed = Judgement()
        if exchange.status is not None and exchange.response is not None:
            observed = self.contract.response_judgement(match, exchange.status, exchange.response)
            verdicts += observed.verdicts
        if exchange.transport_error:
            title = "Upstream unreachable" if exchange.status is None else "Upstream answer broke off"
            verdicts.append(Verdict(NOT_A_SERVER_ERROR, False, title, exchange.transport_error, "a complete answer"))
        with self._lock:
            op = self._operation(match)
            op.cases += 1
            if exchange.status is not None:
                op.statuses[exchange.status] += 1
            outcome: dict[str, bool] = {}
            for verdict in verdicts:
                outcome[verdict.check] = outcome.get(verdict.check, True) and verdict.ok
            for check, ok in outcome.items():
                cell = op.cell(check)
                if ok:
                    cell.passed += 1
                else:
                    cell.failed += 1
            for verdict in verdicts:
                if verdict.deviation:
                    self._deviated(op, verdict)
                if not verdict.ok:
                    self._fail(op.label, verdict, exchange)
            for where, values in observed.enum_values.items():
                op.enum_values.setdefault(where, set()).update(self.redactor.text(v) for v in values)
            op.response_fields |= {self.redactor.text(name) for name in observed.fields}

    def _operation(self, match: Match) -> OperationResult:
        label = self.redactor.text(match.label)
        op = self._operations.get(label)
        if op is not None:
            return op
        if self._unknown >= MAX_UNKNOWN_OPERATIONS:
            label = "ANY (other undocumented operations)"  # the method is client-chosen text too
            op = self._operations.get(label)
            if op is not None:
                return op
        self._unknown += 1
        op = OperationResult(
            self.surface.name, label, match.operation.operation_id if match.operation else "(undocumented)"
        )
        self._operations[label] = op
        return op

    def _deviated(self, op: OperationResult, verdict: Verdict) -> None:
        op.cell(verdict.check).deviations += 1
        key = (op.label, verdict.check)
        if key in self._deviations:
            self._deviations[key].count += 1
        else:
            message = self.redactor.text(verdict.message)[:EXCERPT]
            self._deviations[key] = Deviation(self.surface.name, op.label, verdict.check, message, verdict.evidence)

    def _fail(self, label: str, verdict: Verdict, exchange: ObservedExchange) -> None:
        key = (label, verdict.check, verdict.title)
        if key in self._seen or len(self._failures) >= MAX_FAILURES:
            return
        self._seen.add(key)
        text = self.redactor.text
        self._failures.append(
            Failure(
                surface=self.surface.name,
                operation=label,
                check=verdict.check,
                title=text(verdict.title),
                message=text(verdict.message)[:EXCERPT],
                expected=text(verdict.expected)[:EXCERPT],
                curl=self._curl(exchange),
                exchange=self._exchange(exchange),
            )
        )

    def _curl(self, exchange: ObservedExchange) -> str:
        parts = ["curl", "-X", exchange.method]
        for name, value in exchange.request.headers:
            if name not in _CURL_SKIPPED:
                parts += ["-H", f"{name}: {value}"]
        if exchange.request.body:
            body = exchange.request.body.decode("utf-8", "replace")
            parts += ["--data-binary", body if len(body) <= EXCERPT else body[:EXCERPT] + "...(truncated)"]
        parts.append(exchange.url)
        return self.redactor.text(shlex.join(parts))

    def _exchange(self, exchange: ObservedExchange) -> Exchange:
        text = self.redactor.text
        request = exchange.request
        out = Exchange(
            method=exchange.method,
            url=text(exchange.url),
            request_headers=self.redactor.headers(_joined(request.headers)),
            request_body=text(_excerpt(request, self.max_body_bytes)) if request.body else None,
            status=exchange.status,
            elapsed_ms=exchange.elapsed_ms,
        )
        if exchange.response is not None:
            out.response_headers = self.redactor.headers(_joined(exchange.response.headers))
            out.response_body = text(_excerpt(exchange.response, self.max_body_bytes))
        elif exchange.transport_error:
            out.response_body = text(f"transport error: {exchange.transport_error}")
        return out

    def result(self) -> RunResult:
        """A snapshot of the tally so far as a RunResult (profile `proxy`); operations nobody called are marked
        excluded, since a proxy reports the traffic it saw, not a test plan it failed to finish."""
        with self._lock:
            operations = copy.deepcopy(self._operations)
            failures = copy.deepcopy(self._failures)
            unjudged = self._unjudged
        for op in operations.values():
            if not op.exercised and op.excluded is None:
                op.excluded = NOT_CALLED
        surface = SurfaceResult(self.surface.name, self.redactor.text(self.upstream), False, operations)
        surface.contract = self.contract.view.mode
        surface.deviations = copy.deepcopy(list(self._deviations.values()))
        if unjudged:
            surface.error = f"{unjudged} exchange(s) could not be judged (internal error; see the proxy's log)"
        elif not any(op.cases for op in operations.values()):
            surface.error = "no traffic went through the proxy: nothing was judged"
        elif not any(op.statuses for op in operations.values()):
            surface.error = "the upstream never answered: nothing was judged"
        rpc = self.contract.contract.rpc_endpoint is not None
        checks: list[str] = [c for c in PROXY_CHECKS if c != REQUEST_TYPE_SHAPE or rpc]
        return RunResult(
            profile="proxy",
            seed=0,
            started_at=self._started_at,
            duration_s=round(time.monotonic() - self._started, 2),
            surfaces={self.surface.name: surface},
            failures=failures,
            check_ids=checks,
        )


def _joined(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in headers:
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _excerpt(message: Message, limit: int) -> str:
    media = media_type(message.header("content-type"))
    textual = not media or is_json(media) or media.startswith("text/") or media.endswith(("xml", "urlencoded"))
    encoded = message.header("content-encoding").strip().lower() not in ("", "identity")
    # A truncated plain body still shows its beginning; a compressed one is shown only when it decodes whole.
    body = (decoded_body(message, limit) if encoded else message.body) if textual else None
    if body is None:
        size = f"{len(message.body)}{'+' if not message.complete else ''} bytes"
        return f"<{size} of {media or 'unknown type'}{', not shown' if textual else ''}>"
    suffix = "" if message.complete and len(body) <= EXCERPT else "...(truncated)"
    return body[:EXCERPT].decode("utf-8", "replace") + suffix
