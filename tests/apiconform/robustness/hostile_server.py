"""A deliberately hostile HTTP server for robustness tests: raw asyncio sockets on 127.0.0.1, port 0, in a thread.

Each instance plays one behaviour for every request it gets. Some answer with canned hostile bytes (an HTML
error page with 200, a 50 MB body, a gzip bomb...); others put the embedded Code Insight mock behind a hostile
transport (a slow drip, HTTP/1.0 close-delimited answers, TLS with a self-signed certificate), so anything the
run reports beyond the transport's own effect would be a false alarm. The server is bounded: it stops by itself
after `lifetime` seconds, holds a silent connection at most that long, and never reads more than it needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import http
import shutil
import socket
import ssl
import struct
import subprocess
import tempfile
import threading
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from apiconform.mocks import behaviour as mock_behaviour
from apiconform.mocks.engine import MockEngine

BASE_PATH = "/codeinsight/api"
SURFACE = "code-insight"
MIB = 1024 * 1024
HUGE_BYTES = 50 * MIB
BOMB_EXPANDED_MIB = 1024  # the gzip bomb decodes to 1 GiB from about 1 MB on the wire
MAX_REQUEST_HEAD = 64 * 1024
MAX_REQUEST_BODY = 4 * MIB
REQUEST_HEAD_TIMEOUT = 30.0

BEHAVIOURS = (
    "plain",  # the control: the mock's real answers over ordinary HTTP/1.1
    "refused",  # nothing listens on the port
    "reset",  # headers and part of the body, then a TCP reset
    "truncated",  # Content-Length promises more than is sent, then a clean close
    "silent",  # accepts and reads the request, never answers
    "drip",  # the mock's real answers, body trickled in small pieces over `drip_seconds`
    "drip_head",  # the status line and headers trickled a byte at a time, each byte well within any read timeout
    "html",  # 200 text/html error page for everything
    "not_json",  # 200 application/json whose body is not JSON
    "bad_utf8",  # 200 application/json with invalid UTF-8 inside
    "huge",  # 200 application/json, a 50 MB (valid JSON) body
    "gzip_bomb",  # 200 application/json, Content-Encoding gzip: ~1 MB that expands to 1 GiB
    "redirect_loop",  # 302 to the very same URL, forever
    "tls",  # the mock's real answers over TLS with a self-signed certificate
    "http10",  # the mock's real answers as HTTP/1.0, no Content-Length, connection closed after the body
    "garbage",  # bytes that are not HTTP at all (an SSH banner)
    "error_503",  # 503 Service Unavailable with an HTML body for everything
)


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


_bomb: list[bytes] = []


def gzip_bomb() -> bytes:
    """A single-member gzip stream of 1 GiB of spaces between brackets (`[   ...   ]` is valid JSON) in ~1 MB.

    Built from one full-flushed deflate block repeated, so it takes a fraction of a second instead of compressing
    a gigabyte; the CRC and length trailer are correct, so a client without a cap would accept it whole."""
    if not _bomb:
        chunk = b" " * MIB
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        opening = compressor.compress(b"[") + compressor.flush(zlib.Z_FULL_FLUSH)
        block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
        closing = compressor.compress(b"]") + compressor.flush(zlib.Z_FINISH)
        crc = zlib.crc32(b"[")
        for _ in range(BOMB_EXPANDED_MIB):
            crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(b"]", crc)
        size = (BOMB_EXPANDED_MIB * MIB + 2) & 0xFFFFFFFF
        header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
        _bomb.append(header + opening + block * BOMB_EXPANDED_MIB + closing + struct.pack("<II", crc, size))
    return _bomb[0]


def self_signed_context(directory: Path) -> ssl.SSLContext | None:
    """A server TLS context with a fresh self-signed certificate for 127.0.0.1 (None when neither the
    `cryptography` package nor the `openssl` command is available to make one)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    if not _make_cert_cryptography(cert, key) and not _make_cert_openssl(cert, key):
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def tls_available() -> str | None:
    """None when a self-signed certificate can be made here, else the reason it cannot."""
    try:
        import cryptography  # noqa: F401
    except ImportError:
        if shutil.which("openssl") is None:
            return "neither the cryptography package nor the openssl command is available to make a certificate"
    return None


def _make_cert_cryptography(cert: Path, key: Path) -> bool:
    try:
        import datetime as dt
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        return False
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return True


def _make_cert_openssl(cert: Path, key: Path) -> bool:
    openssl = shutil.which("openssl")
    if openssl is None:
        return False
    command = [
        openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, timeout=30, check=False)
    return done.returncode == 0 and cert.exists() and key.exists()


def refused_url() -> str:
    """A loopback URL where nothing listens (a port just bound and released: refused, not filtered)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{BASE_PATH}"


class HostileServer:
    """`with HostileServer("html") as server: server.url` — one behaviour, every request, bounded lifetime."""

    def __init__(
        self,
        behaviour: str,
        *,
        lifetime: float = 180.0,
        drip_seconds: float = 1.3,
        only: str | None = None,
        plays: int | None = None,
    ) -> None:
        """`only="GET /jobs/*"`: play the behaviour for that method and path pattern (below the base path, query
        ignored) only, and let the mock answer everything else normally. `plays=N`: only the first N targeted
        requests (a slow behaviour on every request makes the test as slow as the run's request count)."""
        if behaviour not in BEHAVIOURS or behaviour == "refused":
            raise ValueError(f"unknown or serverless behaviour {behaviour!r}")
        self.behaviour = behaviour
        self.only = only
        self.lifetime = lifetime
        self.drip_seconds = drip_seconds
        self.plays_left = plays
        self.port = 0
        self.requests = 0
        self.scheme = "https" if behaviour == "tls" else "http"
        self.mock = mock_behaviour(SURFACE)
        self._app = MockEngine(self.mock).app()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name=f"hostile-{behaviour}", daemon=True)
        self._ready = threading.Event()
        self._stopping: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._tmp = Path(tempfile.mkdtemp(prefix="apiconform-hostile-"))
        self.error: BaseException | None = None
        self._mock_client: httpx.AsyncClient | None = None

    # -- lifecycle ------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{BASE_PATH}"

    def credentials(self) -> dict[str, Any]:
        """Credentials the mock behind the hostile transport accepts."""
        return {"surface": SURFACE, **self.mock.credentials()}

    def start(self) -> HostileServer:
        self._thread.start()
        if not self._ready.wait(30) or self.error is not None:
            raise RuntimeError(f"hostile server {self.behaviour} did not start: {self.error!r}")
        return self

    def stop(self) -> None:
        if self._thread.is_alive() and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(30)
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        try:
            self._loop.run_until_complete(self._main())
        except BaseException as exc:  # reported to the test through `error`, never as a thread traceback
            self.error = exc
            self._ready.set()
        finally:
            self._loop.close()

    async def _main(self) -> None:
        self._stopping = asyncio.Event()
        context = None
        if self.behaviour == "tls":
            context = self_signed_context(self._tmp)
            if context is None:
                raise RuntimeError("cannot make a self-signed certificate here")
        if self.behaviour == "gzip_bomb":
            await asyncio.to_thread(gzip_bomb)
        server = await asyncio.start_server(self._connection, "127.0.0.1", 0, ssl=context, limit=MAX_REQUEST_HEAD)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self._app), base_url="http://mock") as mock:
            self._mock_client = mock
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.lifetime)
            server.close()
            for task in list(self._tasks):
                task.cancel()
            if self._tasks:
                await asyncio.wait(self._tasks, timeout=10)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 5)

    # -- one connection -------------------------------------------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            keep_alive = True
            while keep_alive:
                request = await _read_request(reader)
                if request is None:
                    break
                self.requests += 1
                keep_alive = await self._play(request, writer)
        except (ConnectionError, asyncio.CancelledError, ssl.SSLError, OSError):
            pass  # the client went away, or the server is stopping: both are normal here
        finally:
            self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _play(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Answer one request the hostile way; True when the connection may carry another request."""
        plays: dict[str, Callable[[Request, asyncio.StreamWriter], Awaitable[bool]]] = {
            "reset": self._reset,
            "truncated": self._truncated,
            "silent": self._silent,
            "drip": self._drip,
            "drip_head": self._drip_head,
            "huge": self._huge,
            "gzip_bomb": self._gzip_bomb,
            "http10": self._http10,
            "garbage": self._garbage,
        }
        targeted = self._targeted(request)
        if targeted and self.plays_left is not None:
            targeted = self.plays_left > 0
            self.plays_left -= 1
        play = plays.get(self.behaviour) if targeted else None
        if play is not None:
            return await play(request, writer)
        if self.behaviour in ("plain", "tls") or not targeted:
            answer = await self._mock_answer(request)
        else:
            answer = _canned(self.behaviour, request)
        writer.write(_head(answer.status, answer.headers, len(answer.body)) + answer.body)
        await writer.drain()
        return True

    def _targeted(self, request: Request) -> bool:
        if self.only is None:
            return True
        method, _, path = self.only.partition(" ")
        path_only = request.target.split("?", 1)[0]
        return fnmatch.fnmatchcase(request.method, method) and fnmatch.fnmatchcase(path_only, BASE_PATH + path)

    async def _mock_answer(self, request: Request) -> Answer:
        assert self._mock_client is not None
        headers = {k: v for k, v in request.headers.items() if k not in ("host", "content-length", "connection")}
        response = await self._mock_client.request(
            request.method, request.target, headers=headers, content=request.body or None
        )
        drop = {"content-length", "transfer-encoding", "connection", "content-encoding"}
        kept = [(k, v) for k, v in response.headers.items() if k.lower() not in drop]
        return Answer(response.status_code, kept, response.content)

    async def _reset(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        headers = [("Content-Type", "application/json")]
        writer.write(_head(200, headers, 5000) + b'[{"id": 1, "status": "Compl')
        await writer.drain()
        await asyncio.sleep(0.05)
        sock = writer.get_extra_info("socket")
        if sock is not None:  # SO_LINGER 0: close() sends RST instead of FIN
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        return False

    async def _truncated(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(_head(200, [("Content-Type", "application/json")], 1000) + b'[{"id": 1,')
        await writer.drain()
        return False

    async def _silent(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        assert self._stopping is not None
        await self._stopping.wait()  # bounded: the server stops by itself after its lifetime
        return False

    async def _drip(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        answer = await self._mock_answer(request)
        writer.write(_head(answer.status, answer.headers, len(answer.body)))
        await writer.drain()
        pieces = 10
        step = max(1, -(-len(answer.body) // pieces))
        for offset in range(0, max(len(answer.body), 1), step):
            await asyncio.sleep(self.drip_seconds / pieces)
            writer.write(answer.body[offset : offset + step])
            await writer.drain()
        return True

    async def _drip_head(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        head = _head(200, [("Content-Type", "application/json"), ("X-Padding", "." * 200)], 2)
        for offset in range(len(head)):
            writer.write(head[offset : offset + 1])
            await writer.drain()
            await asyncio.sleep(0.25)
        writer.write(b"[]")
        await writer.drain()
        return True

    async def _huge(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(_head(200, [("Content-Type", "application/json")], HUGE_BYTES) + b"[")
        chunk = b" " * (256 * 1024)
        remaining = HUGE_BYTES - 2
        while remaining > 0:
            piece = chunk[: min(len(chunk), remaining)]
            writer.write(piece)
            remaining -= len(piece)
            await writer.drain()
        writer.write(b"]")
        await writer.drain()
        return True

    async def _gzip_bomb(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        body = gzip_bomb()
        headers = [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]
        writer.write(_head(200, headers, len(body)))
        for offset in range(0, len(body), 64 * 1024):
            writer.write(body[offset : offset + 64 * 1024])
            await writer.drain()
        return True

    async def _http10(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        answer = await self._mock_answer(request)
        reason = _reason(answer.status)
        lines = [f"HTTP/1.0 {answer.status} {reason}", *(f"{k}: {v}" for k, v in answer.headers)]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if request.method != "HEAD":
            writer.write(answer.body)
        await writer.drain()
        return False  # the end of the body is the end of the connection

    async def _garbage(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n")
        await writer.drain()
        return False


def _canned(behaviour: str, request: Request) -> Answer:
    if behaviour == "html":
        page = (
            b"<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Something went wrong</h1></body></html>"
        )
        return Answer(200, [("Content-Type", "text/html; charset=utf-8")], page)
    if behaviour == "not_json":
        return Answer(200, [("Content-Type", "application/json")], b"upstream timed out; please try again later\n")
    if behaviour == "bad_utf8":
        body = b'[{"id": 1, "status": "Completed", "name": "caf\xe9 \xff\xfe\xc3"}]'
        return Answer(200, [("Content-Type", "application/json; charset=utf-8")], body)
    if behaviour == "redirect_loop":
        return Answer(302, [("Location", request.target), ("Content-Type", "text/plain")], b"moved\n")
    if behaviour == "error_503":
        page = b"<html><body><h1>503 Service Unavailable</h1>maintenance</body></html>"
        return Answer(503, [("Content-Type", "text/html"), ("Retry-After", "3600")], page)
    raise AssertionError(f"no canned answer for {behaviour}")


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _head(status: int, headers: list[tuple[str, str]], length: int) -> bytes:
    lines = [f"HTTP/1.1 {status} {_reason(status)}", *(f"{k}: {v}" for k, v in headers), f"Content-Length: {length}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    """One request (head and Content-Length body), or None when the client is done or misbehaves."""
    try:
        raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), REQUEST_HEAD_TIMEOUT)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
        return None
    lines = raw.decode("latin-1").split("\r\n")
    try:
        method, target, _ = lines[0].split(" ", 2)
    except ValueError:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or "0")
    if length > MAX_REQUEST_BODY or "transfer-encoding" in headers:
        return None
    try:
        body = await asyncio.wait_for(reader.readexactly(length), REQUEST_HEAD_TIMEOUT) if length else b""
    except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
        return None
    return Request(method, target, headers, body)
