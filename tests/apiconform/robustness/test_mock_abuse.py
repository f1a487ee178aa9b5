"""The mocks under abuse, over real sockets where it matters: oversized bodies get 413, clients that hang up
mid-request or stall mid-headers wedge nothing, and 1 000 concurrent writes over HTTP lose nothing.

What tests/apiconform/vendors already proves is not repeated here: 1 000 concurrent in-process (ASGI) creates for
Mend and MetaDefender. Added: the size limit on every surface, misbehaving TCP clients against uvicorn, and
concurrent Code Insight job creation over real connections, counted back through GET /jobs paging.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from apiconform.mocks import app, behaviour
from apiconform.mocks.behaviour import Behaviour
from apiconform.mocks.engine import MAX_BODY_BYTES
from apiconform.openapi import ApiSpec, load_api
from apiconform.surfaces import SURFACES, get_surface
from apiconform.vendors.code_insight import seed
from tests.served import Served

ANSWER_S = 5.0  # a healthy mock answers a small request well within this, whatever else is going on
SBOM_EXPORT = "Export to SBOM Insights"


class ServedMock(Served):
    """A mock served over real sockets; uvicorn's own warnings about the abuse are kept quiet."""

    def __init__(self, mock: Behaviour) -> None:
        super().__init__(app(mock), log_level="critical")
        self.mock = mock
        self.base = self.url(mock.spec.base_paths()[0])


@pytest.fixture
def code_insight() -> Iterator[ServedMock]:
    served = ServedMock(behaviour("code-insight"))
    yield served
    served.stop()


def _with_body(spec: ApiSpec) -> tuple[str, str]:
    """(method, concrete path under the base path) of an operation that takes a request body."""
    op = next((o for o in spec.operations if o.body is not None), spec.operations[0])
    path = "/".join("1" if seg.startswith("{") else seg for seg in op.path.split("/"))
    return op.method, path


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_a_body_over_the_limit_gets_413_on_every_surface(surface: str, declared: bool) -> None:
    spec = load_api(get_surface(surface).spec_path)
    method, path = _with_body(spec)
    base = spec.base_paths()[0]

    async def send(size: int) -> httpx.Response:
        body = b"{" + b" " * (size - 2) + b"}"

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit is found while reading
            for start in range(0, len(body), 64 * 1024):
                yield body[start : start + 64 * 1024]

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app(surface)), base_url="http://m") as c:
            return await c.request(method, base + path, content=body if declared else chunks())

    assert asyncio.run(send(MAX_BODY_BYTES + 1)).status_code == 413
    assert asyncio.run(send(MAX_BODY_BYTES)).status_code != 413  # the limit itself is allowed


def test_413_over_http_then_the_server_still_answers(code_insight: ServedMock) -> None:
    headers = code_insight.mock.auth_headers()
    with httpx.Client(timeout=ANSWER_S * 4) as client:
        big = client.post(
            f"{code_insight.base}/jobs/sbomexport/1", headers=headers, content=b"x" * (4 * MAX_BODY_BYTES)
        )
        assert big.status_code == 413
        assert "request body over" in big.text
        assert client.get(f"{code_insight.base}/jobs", headers=headers, timeout=ANSWER_S).status_code == 200


def test_a_declared_oversized_body_is_refused_without_reading_it(code_insight: ServedMock) -> None:
    with socket.create_connection(("127.0.0.1", code_insight.port), timeout=ANSWER_S) as sock:
        head = (
            f"POST {code_insight.base.split(str(code_insight.port), 1)[1]}/jobs/sbomexport/1 HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {64 * MAX_BODY_BYTES}\r\n\r\n"
        )
        sock.sendall(head.encode() + b"{")
        try:
            answer = sock.recv(1024)
        except TimeoutError:
            answer = b""
    assert answer.startswith(b"HTTP/1.1 413")


def _raw_request_head(served: ServedMock, length: int) -> bytes:
    path = served.base.split(f":{served.port}", 1)[1] + "/jobs/sbomexport/1"
    auth = "".join(f"{k}: {v}\r\n" for k, v in served.mock.auth_headers().items())
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def test_clients_that_hang_up_mid_body_wedge_nothing(code_insight: ServedMock) -> None:
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", code_insight.port), timeout=ANSWER_S) as sock:
            sock.sendall(_raw_request_head(code_insight, 100_000) + b'{"half": "' + b"x" * 1000)
        # closed here, 1 000 bytes into a 100 000-byte body
    with httpx.Client(timeout=ANSWER_S) as client:
        answer = client.get(f"{code_insight.base}/jobs", headers=code_insight.mock.auth_headers())
    assert answer.status_code == 200


def test_a_stalled_client_does_not_block_the_others(code_insight: ServedMock) -> None:
    """Half a request head and half a body, held open: other clients are still answered promptly."""
    stalled = [socket.create_connection(("127.0.0.1", code_insight.port), timeout=ANSWER_S) for _ in range(10)]
    try:
        for n, sock in enumerate(stalled):
            head = _raw_request_head(code_insight, 1000)
            sock.sendall(head[: len(head) // 2] if n % 2 else head + b'{"x":')
        started = time.monotonic()
        with httpx.Client(timeout=ANSWER_S) as client:
            for _ in range(5):
                assert (
                    client.get(f"{code_insight.base}/jobs", headers=code_insight.mock.auth_headers()).status_code == 200
                )
        assert time.monotonic() - started < ANSWER_S
    finally:
        for sock in stalled:
            sock.close()


def _count_exports(client: httpx.Client, base: str, headers: dict[str, str]) -> set[int]:
    ids: set[int] = set()
    page = 1
    while True:
        params: dict[str, Any] = {"jobType": SBOM_EXPORT, "limit": 100, "offset": page}
        batch = client.get(f"{base}/jobs", params=params, headers=headers).json()
        ids |= {job["id"] for job in batch}
        if len(batch) < 100:
            return ids
        page += 1
        assert page < 100, "paging never ends"


def test_a_thousand_concurrent_writes_over_http_lose_nothing(code_insight: ServedMock) -> None:
    headers = code_insight.mock.auth_headers()
    project = sorted(seed.PROJECT_IDS)[0]
    with httpx.Client(timeout=ANSWER_S * 4) as client:
        before = _count_exports(client, code_insight.base, headers)

    # 1 000 requests from 50 threads over a pool of 50 keep-alive connections (httpx's async pool slows to a
    # crawl with a thousand queued requests: threads keep the test about the server, not the client).
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    url = f"{code_insight.base}/jobs/sbomexport/{project}"
    with httpx.Client(limits=limits, timeout=60) as client, ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda _: client.post(url, headers=headers), range(1000)))
    assert {a.status_code for a in answers} == {202}
    queued = {a.json()["jobId"] for a in answers}
    assert len(queued) == 1000
    with httpx.Client(timeout=ANSWER_S * 4) as client:
        after = _count_exports(client, code_insight.base, headers)
    assert after - before == queued
