"""What the real-client tests stand on: the embedded mock on a loopback port, a TLS front with a throwaway
certificate for the clients that only speak https, `apiconform proxy` as a subprocess, and a runner for the
published clients installed in the side venv (`.venv-clients/`, built by tests/clients/sidevenv.py).

Every address is 127.0.0.1 and every port is picked by the OS (tests run in parallel under xdist).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import apiconform.mocks
from apiconform.mocks.behaviour import Behaviour
from tests.served import Served

REPO = Path(__file__).resolve().parents[2]
STARTUP_S = 30.0
CLIENT_TIMEOUT_S = 120.0


# -- the mock ------------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One exchange a client had with the mock: the request body and the JSON answer (None when not JSON)."""

    method: str
    path: str
    request: Any
    answer: Any

    @property
    def request_type(self) -> str | None:
        return self.request.get("requestType") if isinstance(self.request, dict) else None

    @property
    def error(self) -> Any:
        return self.answer.get("errorCode") if isinstance(self.answer, dict) else None


class Recorder:
    """ASGI middleware keeping every request body and JSON answer, so a test can say which call of a client's
    flow the mock refused and why."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls: list[Call] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_chunks: list[bytes] = []
        answer_chunks: list[bytes] = []
        content_type = [""]

        async def receive_and_keep() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                request_chunks.append(message.get("body", b""))
            return message

        async def send_and_keep(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                content_type[0] = headers.get(b"content-type", b"").decode("latin-1")
            elif message["type"] == "http.response.body":
                answer_chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive_and_keep, send_and_keep)
        self.calls.append(
            Call(
                scope["method"],
                scope["path"],
                _json(b"".join(request_chunks)),
                _json(b"".join(answer_chunks)) if "json" in content_type[0] else None,
            )
        )

    def of(self, request_type: str) -> list[Call]:
        return [c for c in self.calls if c.request_type == request_type]


def _json(data: bytes) -> Any:
    try:
        return json.loads(data) if data else None
    except ValueError:
        return None


class Mock:
    """The embedded mock of one surface served by uvicorn in a thread, with a Recorder in front of it."""

    def __init__(self, surface: str) -> None:
        self.behaviour: Behaviour = apiconform.mocks.behaviour(surface)
        self.recorder = Recorder(apiconform.mocks.app(self.behaviour))
        self.served = Served(self.recorder)
        self.port = self.served.port
        self.base_path = self.behaviour.spec.base_paths()[0]
        self.url = self.served.url(self.base_path)
        self.origin = self.served.url()
        self.credentials: dict[str, Any] = dict(self.behaviour.credentials())

    def call(self, body: dict[str, Any]) -> Any:
        """A Mend call made by the test itself (to find the seeded data a flow needs), not recorded."""
        import httpx

        kept = len(self.recorder.calls)
        with httpx.Client(timeout=30) as http:
            answer = http.post(self.url, json={"userKey": self.credentials["userKey"], **body})
        del self.recorder.calls[kept:]
        answer.raise_for_status()
        return answer.json()

    def stop(self) -> None:
        self.served.stop()


# -- TLS front -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificates:
    """A throwaway CA and a server certificate it signed for 127.0.0.1 (made with the openssl CLI)."""

    ca: Path
    cert: Path
    key: Path


def make_certificates(directory: Path) -> Certificates:
    directory.mkdir(parents=True, exist_ok=True)
    ca, ca_key = directory / "ca.pem", directory / "ca.key"
    cert, key, csr = directory / "server.pem", directory / "server.key", directory / "server.csr"
    ext = directory / "server.ext"
    ext.write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:api.github.com,DNS:github.com\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        encoding="utf-8",
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        "req",
        "-x509",
        *ec,
        "-keyout",
        ca_key,
        "-out",
        ca,
        "-days",
        "2",
        "-subj",
        "/CN=apiconform test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    )
    _openssl("req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    _openssl(
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca,
        "-CAkey",
        ca_key,
        "-CAcreateserial",
        "-out",
        cert,
        "-days",
        "2",
        "-extfile",
        ext,
    )
    return Certificates(ca=ca, cert=cert, key=key)


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True, timeout=60)


class _LoopThread:
    """An asyncio server on a free loopback port, run in a daemon thread."""

    def __init__(self, handler: Any, context: ssl.SSLContext | None) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = 0
        self.thread = threading.Thread(target=self._run, args=(handler, context), daemon=True)
        self.thread.start()
        assert self.ready.wait(STARTUP_S), "loopback server did not start"

    def _run(self, handler: Any, context: ssl.SSLContext | None) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(handler, "127.0.0.1", 0, ssl=context, ssl_handshake_timeout=10 if context else None)
        )
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()
        server.close()
        self.loop.run_until_complete(server.wait_closed())
        self.loop.close()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(STARTUP_S)


class GitHubStub:
    """What ws-sdk's `WS()` constructor needs from GitHub, served on loopback: the SDK (via `requests`) asks
    api.github.com for the latest Unified Agent release and downloads the agent jar from github.com before any Mend
    call. Clients reach this stub through HTTPS_PROXY: it accepts CONNECT to those two hosts only (anything else is
    refused, nothing is ever forwarded off the machine), terminates TLS with the throwaway certificate and answers
    the release query with a fixed tag and the download with a placeholder jar. A fake `java` on PATH (see
    `fake_java`) answers the SDK's version probe of that jar, so the agent is never run."""

    HOSTS = ("api.github.com:443", "github.com:443")
    TAG = "v99.0.0"

    def __init__(self, certificates: Certificates) -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(certificates.cert, certificates.key)
        self.requests: list[str] = []
        self.server = _LoopThread(self._connect, None)
        self.port = self.server.port

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            method, target = head.split(" ", 2)[:2]
            if method != "CONNECT" or target not in self.HOSTS:
                writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                return
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await writer.start_tls(self.context)
            request = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            path = request.split(" ", 2)[1]
            self.requests.append(f"{target.split(':')[0]}{path}")
            if path.endswith("/releases/latest"):
                body, kind = json.dumps({"tag_name": self.TAG}).encode(), b"application/json"
            else:
                body, kind = b"placeholder: the Unified Agent is never run", b"application/java-archive"
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: "
                + kind
                + b"\r\nConnection: close\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        with contextlib.suppress(OSError, ConnectionError, ssl.SSLError, RuntimeError):
            writer.close()

    def stop(self) -> None:
        self.server.stop()


def fake_java(directory: Path) -> Path:
    """A `java` for PATH that answers `-version` and the Unified Agent's `-v` (a version newer than the stub's
    release), so ws-sdk's WSClient finds its agent current and never downloads or runs it."""
    directory.mkdir(parents=True, exist_ok=True)
    java = directory / "java"
    java.write_text(
        "#!/bin/sh\n"
        'case " $* " in\n'
        '  *" -version "*) echo \'openjdk version "17.0.0"\' >&2 ;;\n'
        '  *" -v "*) echo "99.0.0" ;;\n'
        '  *) echo "fake java: the Unified Agent is not run in tests" >&2; exit 1 ;;\n'
        "esac\n",
        encoding="utf-8",
    )
    java.chmod(0o755)
    return directory


class TlsFront:
    """Terminates TLS on a free loopback port and pipes the plain bytes to 127.0.0.1:`upstream_port` (the mock, or
    `apiconform proxy` in front of it): for clients that hard-code https://."""

    def __init__(self, certificates: Certificates, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificates.cert, certificates.key)
        self.server = _LoopThread(self._pipe, context)
        self.port = self.server.port

    @property
    def host(self) -> str:
        """host:port, the form the Mend tools take as their server URL."""
        return f"127.0.0.1:{self.port}"

    async def _pipe(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_w.close()
            return

        async def copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, ConnectionError, ssl.SSLError):
                while chunk := await reader.read(65536):
                    writer.write(chunk)
                    await writer.drain()
            with contextlib.suppress(OSError, ConnectionError, ssl.SSLError, RuntimeError):
                writer.close()

        await asyncio.gather(copy(client_r, up_w), copy(up_r, client_w))

    def stop(self) -> None:
        self.server.stop()


# -- apiconform proxy ----------------------------------------------------------------------------------------


class Proxy:
    """`apiconform proxy SURFACE --upstream URL --port 0 --report-dir DIR` as a subprocess; `stop()` sends SIGTERM
    and returns the report.json it wrote."""

    def __init__(self, surface: str, upstream: str, report_dir: Path, contract: str = "observed") -> None:
        self.report_dir = report_dir
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "apiconform",
                "proxy",
                surface,
                "--upstream",
                upstream,
                "--port",
                "0",
                "--report-dir",
                str(report_dir),
                "--format",
                "json",
                "--contract",
                contract,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()  # printed when ready
        if not line.startswith("http://"):
            self.process.kill()
            raise AssertionError(f"apiconform proxy did not start: {line!r} {self.process.stderr.read()}")  # type: ignore[union-attr]
        self.url = line
        self.port = int(line.split(":")[2].split("/")[0])

    def stop(self) -> dict[str, Any]:
        self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=STARTUP_S)
        assert self.process.returncode in (0, 1), f"proxy exit {self.process.returncode}: {err}"
        return json.loads((self.report_dir / "report.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def reported_operations(report: dict[str, Any]) -> dict[str, set[str]]:
    """operation label -> the checks that failed on it, from a proxy report.json."""
    found: dict[str, set[str]] = {}
    for failure in report.get("failures", []):
        found.setdefault(failure["operation"], set()).add(failure["check"])
    return found


# -- the published clients -----------------------------------------------------------------------------------


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    cwd: Path
    files: list[Path] = field(default_factory=list)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        tail = self.output[-4000:]
        return f"{' '.join(self.args[:2])}... exit {self.returncode}\n{tail}"


class Clients:
    """Runs what the side venv installed: a console script by name, or a driver script under its python."""

    def __init__(self, venv: Path, certificates: Certificates) -> None:
        self.venv = venv
        self.certificates = certificates

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(
            {
                # requests reads these: trust only the throwaway CA, and never route loopback through a proxy.
                "REQUESTS_CA_BUNDLE": str(self.certificates.ca),
                "SSL_CERT_FILE": str(self.certificates.ca),
                "NO_PROXY": "127.0.0.1,localhost",
                "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONWARNINGS": "ignore",
            }
        )
        env.update(extra or {})
        return env

    def run(
        self, program: str, *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
    ) -> Run:
        """`program` is a console script of the side venv, or a path to a .py driver run by its python."""
        if program.endswith(".py"):
            argv = [str(self.venv / "bin" / "python"), program, *args]
        else:
            argv = [str(self.venv / "bin" / program), *args]
        cwd.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            argv,
            cwd=cwd,
            env=self.env(env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=CLIENT_TIMEOUT_S,
            check=False,
        )
        files = sorted(p for p in cwd.rglob("*") if p.is_file())
        return Run(argv, done.returncode, done.stdout, done.stderr, cwd, files)


# -- reading what the clients wrote --------------------------------------------------------------------------


def xlsx_text(path: Path) -> str:
    """All the text of an .xlsx workbook (shared strings and inline strings), for asserting what a report lists."""
    import zipfile
    from xml.etree import ElementTree

    texts: list[str] = []
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.startswith("xl/") and name.endswith(".xml"):
                root = ElementTree.fromstring(book.read(name))
                texts += [el.text for el in root.iter() if el.tag.endswith("}t") and el.text]
    return "\n".join(texts)


# -- the Mend mock's seeded data, found the way a client would find it ---------------------------------------


def mend_projects(mock: Mock) -> dict[str, str]:
    """project name -> token, every project of the organization."""
    vitals = mock.call({"requestType": "getOrganizationProjectVitals", "orgToken": mock.credentials["orgToken"]})
    return {p["name"]: p["token"] for p in vitals["projectVitals"]}


def mend_products(mock: Mock) -> dict[str, str]:
    answer = mock.call({"requestType": "getAllProducts", "orgToken": mock.credentials["orgToken"]})
    return {p["productName"]: p["productToken"] for p in answer["products"]}


def mend_product_projects(mock: Mock, product_token: str) -> dict[str, str]:
    answer = mock.call({"requestType": "getAllProjects", "productToken": product_token})
    return {p["projectName"]: p["projectToken"] for p in answer["projects"]}


def mend_project_alerts(mock: Mock, project_token: str) -> list[dict[str, Any]]:
    answer = mock.call({"requestType": "getProjectAlerts", "projectToken": project_token})
    return answer["alerts"]  # type: ignore[no-any-return]  # the observed mock answers like the real server


def mend_ignored_alerts(mock: Mock) -> list[dict[str, Any]]:
    answer = mock.call({"requestType": "getOrganizationIgnoredAlerts", "orgToken": mock.credentials["orgToken"]})
    return answer["alerts"]  # type: ignore[no-any-return]
