"""The proxy's ASGI app: one Starlette catch-all route that forwards every request to the upstream and relays
the answer, byte for byte, while a copy of each body (up to a bound) goes to the recorder for judging.

Transparent on purpose: a validating proxy that reshapes traffic would hide the very drift it reports. Method,
path (percent-encoding kept), query string, headers (minus hop-by-hop ones, and Host, which must name the
upstream for virtual hosting and TLS) and the raw body go upstream unchanged; status, headers (minus
hop-by-hop) and raw, still-encoded bytes come back unchanged. An upstream that cannot be reached gets the
client a 502 (504 on a timeout) and is recorded as a `not_a_server_error` failure.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from apiconform.proxy.bodies import Message
from apiconform.proxy.recorder import ObservedExchange, ProxyRecorder
from apiconform.surfaces import Surface

HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
     "trailers", "transfer-encoding", "upgrade"}
)  # fmt: skip
DEFAULT_TIMEOUT = 60.0


def proxy_app(
    surface: str | Surface,
    upstream: str,
    *,
    recorder: ProxyRecorder,
    timeout: float = DEFAULT_TIMEOUT,
    on_shutdown: Callable[[ProxyRecorder], None] | None = None,
) -> Starlette:
    """An ASGI app proxying `surface` traffic to `upstream` (the base URL `apiconform mock` prints, or just the
    server's origin) and judging it into `recorder`; `on_shutdown` runs when the ASGI lifespan ends."""
    name = surface.name if isinstance(surface, Surface) else surface
    if name != recorder.surface.name:
        raise ValueError(f"the recorder judges {recorder.surface.name}, not {name}")
    forwarder = Forwarder(upstream, recorder, timeout)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await forwarder.aclose()
            if on_shutdown is not None:
                on_shutdown(recorder)

    app = Starlette(routes=[Route("/{path:path}", forwarder)], lifespan=lifespan)
    app.state.recorder = recorder
    return app


def upstream_root(upstream: str, base_paths: list[str]) -> httpx.URL:
    """The upstream URL with the spec's base path taken off its end: the client's full path is appended to it."""
    url = httpx.URL(upstream)
    path = urlsplit(upstream).path.rstrip("/")
    for base in sorted((b for b in base_paths if b), key=len, reverse=True):
        if path.endswith(base):
            path = path[: -len(base)]
            break
    return url.copy_with(raw_path=path.encode("ascii"), fragment=None)


class Forwarder:
    """The ASGI endpoint every request reaches (an ASGI app, so Starlette routes every method to it)."""

    def __init__(self, upstream: str, recorder: ProxyRecorder, timeout: float) -> None:
        self.root = upstream_root(upstream, recorder.contract.contract.base_paths)
        self.recorder = recorder
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        # Created on first use, inside the serving event loop; the cookie policy keeps the proxy from carrying
        # one client's cookies over to another's requests.
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self.timeout,
                follow_redirects=False,
                cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
                limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # websockets are no vendor API's business here
            await send({"type": "websocket.close", "code": 1003})
            return
        request = Request(scope, receive)
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        query: bytes = scope.get("query_string", b"")
        target = self.root.raw_path.rstrip(b"/") + raw_path + (b"?" + query if query else b"")
        url = self.root.copy_with(raw_path=target)
        headers = _forwardable(request.headers.raw, extra_drop={b"host"})
        names = {k.lower() for k, _ in request.headers.raw}
        # No body framing from the client means no body: passing a stream would make httpx send a chunked one.
        has_body = b"content-length" in names or b"transfer-encoding" in names
        tee = _Tee(self.recorder.max_body_bytes, finished=not has_body)
        content = self._tee_body(request, tee) if has_body else None
        observed = ObservedExchange(
            request.method, raw_path.decode("latin-1"), query.decode("latin-1"), str(url), Message([])
        )
        started = time.perf_counter()
        try:
            upstream = await self.client().send(
                httpx.Request(request.method, url, headers=headers, content=content), stream=True
            )
        except ClientDisconnect:
            return  # the client gave up mid-upload: nothing to answer, nothing complete to judge
        except Exception as exc:  # any failure to get an answer is the upstream's 502, never a proxy traceback
            timed_out = isinstance(exc, httpx.TimeoutException)
            reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            self.recorder.record(replace(observed, request=tee.message(_text(headers)), transport_error=reason))
            await _answer_error(send, 504 if timed_out else 502, f"the upstream did not answer ({reason})")
            return
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        await self._relay(upstream, send, tee, headers, observed, elapsed)

    async def _tee_body(self, request: Request, tee: _Tee) -> AsyncIterator[bytes]:
        async for chunk in request.stream():
            tee.feed(chunk)
            if chunk:
                yield chunk
        tee.finished = True

    async def _relay(
        self,
        upstream: httpx.Response,
        send: Send,
        request_tee: _Tee,
        request_headers: list[tuple[bytes, bytes]],
        observed: ObservedExchange,
        elapsed_ms: float,
    ) -> None:
        response_headers = _forwardable(upstream.headers.raw)
        await send({"type": "http.response.start", "status": upstream.status_code, "headers": response_headers})
        tee = _Tee(self.recorder.max_body_bytes)
        pending = b""
        error = ""
        try:
            # Raw bytes: still compressed if the upstream compressed them, exactly as the client would get them.
            async for chunk in upstream.aiter_raw():
                tee.feed(chunk)
                if pending:
                    await send({"type": "http.response.body", "body": pending, "more_body": True})
                pending = chunk
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        else:
            tee.finished = True
        finally:
            await upstream.aclose()
        # Judged before the last bytes leave, so a client that has its whole answer also finds it in the tally.
        self.recorder.record(
            replace(
                observed,
                request=request_tee.message(_text(request_headers)),
                status=upstream.status_code,
                response=tee.message(_text(response_headers)),
                elapsed_ms=elapsed_ms,
                transport_error=error,
            )
        )
        await send({"type": "http.response.body", "body": pending, "more_body": bool(error)})
        # After a broken upstream transfer the answer is left incomplete: the server closes the connection and
        # the client sees the truncation it would have seen without the proxy.


class _Tee:
    """A bounded copy of a body as it streams past."""

    def __init__(self, limit: int, *, finished: bool = False) -> None:
        self.limit = limit
        self.data = bytearray()
        self.complete = True  # False once a chunk did not fit
        # True once the stream ended: a request body the upstream never took in full (it was unreachable)
        # must not be judged as if the client had sent only that much.
        self.finished = finished

    def feed(self, chunk: bytes) -> None:
        room = self.limit - len(self.data)
        if len(chunk) > room:
            self.complete = False
        if room > 0:
            self.data += chunk[:room]

    def message(self, headers: list[tuple[str, str]]) -> Message:
        return Message(headers, bytes(self.data), self.complete and self.finished)


def _forwardable(
    raw: list[tuple[bytes, bytes]], extra_drop: frozenset[bytes] | set[bytes] = frozenset()
) -> list[tuple[bytes, bytes]]:
    # Hop-by-hop headers, plus any the Connection header names, belong to one connection, not to the message.
    named = {
        token.strip().lower().encode("latin-1")
        for k, v in raw
        if k.lower() == b"connection"
        for token in v.decode("latin-1").split(",")
    }
    drop = {h.encode() for h in HOP_BY_HOP} | named | set(extra_drop)
    return [(k, v) for k, v in raw if k.lower() not in drop]


def _text(headers: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in headers]


async def _answer_error(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": f"apiconform proxy: {message}"}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
