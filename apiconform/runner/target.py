"""The server under test: an embedded mock started for the run, or a URL with credentials from a file/env."""

from __future__ import annotations

import ipaddress
import json
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

import httpx

from apiconform.errors import TargetUnreachableError, UsageError
from apiconform.redact import MASK
from apiconform.runner.scenarios.base import DEFAULT_MAX_RESPONSE_BYTES
from apiconform.surfaces import Surface

MOCK_START_TIMEOUT = 30.0
PROBE_ROUNDS = 3  # the reachability probe's whole budget, in --timeout units (connect, headers, body)
_USERINFO_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/?#@:]*:)[^/?#@]*@")


@dataclass
class Target:
    surface: Surface
    base_url: str
    credentials: dict[str, Any]
    embedded: bool
    process: subprocess.Popen[str] | None = field(default=None, repr=False)
    # where each credential came from (a file, a variable), for messages that say what to fix
    sources: dict[str, str] = field(default_factory=dict)
    empty_credentials: list[str] = field(default_factory=list)  # APICONFORM_* variables set but empty
    stderr: IO[str] | None = field(default=None, repr=False)

    @property
    def headers(self) -> dict[str, str]:
        headers = self.credentials.get("headers") or {}
        return {str(k): str(v) for k, v in headers.items()}

    @property
    def loopback(self) -> bool:
        host = urlsplit(self.base_url).hostname or ""
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    def secrets(self) -> list[str]:
        """Every credential value, for the redactor (nested header values included)."""
        values: list[str] = []
        password = _url_password(self.base_url)  # https://user:password@host/...: a credential like any other
        if password:
            values += [password, unquote(password)]
        for key, value in self.credentials.items():
            if key in ("surface", "base_url"):
                continue
            if isinstance(value, dict):
                values += [str(v).split(" ", 1)[-1] for v in value.values()] + [str(v) for v in value.values()]
            elif isinstance(value, str):
                values.append(value)
        return values

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()
        if self.stderr is not None:
            self.stderr.close()


def shown_url(url: str) -> str:
    """`url` for messages: the password of a `user:password@` part masked."""
    return _USERINFO_PASSWORD.sub(rf"\1{MASK}@", url)


def _url_password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def validate_base_url(url: str, option: str = "--base-url") -> str:
    """The URL without its trailing slash, or a UsageError naming what is wrong with it."""
    example = "pass e.g. http://127.0.0.1:8080/codeinsight/api"
    shown = shown_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a port that is not a number in 0..65535
    except ValueError as exc:
        raise UsageError(f"{option} {shown!r} is not a valid URL ({exc}); {example}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} {shown!r} is not an http(s) URL; {example}")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise UsageError(f"{option} {shown!r} contains whitespace or control characters; {example}")
    if port == 0:
        raise UsageError(f"{option} {shown!r} names port 0; give the port the server listens on")
    return url.rstrip("/")


def start_embedded(
    surface: Surface, *, seed: int = 0, faults: tuple[str, ...] = (), contract: str = "observed"
) -> Target:
    """Start `apiconform mock SURFACE --port 0` in a child process and wait for its URL line."""
    tmp = Path(tempfile.mkdtemp(prefix="apiconform-mock-"))
    creds_path = tmp / "credentials.json"
    cmd = [
        sys.executable,
        "-m",
        "apiconform",
        "mock",
        surface.name,
        "--port",
        "0",
        "--seed",
        str(seed),
        "--credentials-out",
        str(creds_path),
        "--contract",
        contract,
        *(a for f in faults for a in ("--fault", f)),
    ]
    # stderr goes to a file, not a pipe: a pipe nobody reads fills up and blocks the mock mid-run.
    errors = tempfile.TemporaryFile(mode="w+", prefix="apiconform-mock-stderr-")  # noqa: SIM115 - closed in stop()
    # Its own session: Ctrl-C in the terminal interrupts the run, which then stops the mock itself (a mock killed
    # by the same signal would turn the last answers into transport failures).
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True, start_new_session=True)
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline() if process.stdout else ""))
    reader.start()
    try:
        reader.join(MOCK_START_TIMEOUT)
    except BaseException:  # Ctrl-C while the mock starts: it is in a session of its own, so nothing else stops it
        process.kill()
        process.wait()
        raise
    url = line[0].strip() if line else ""
    if not url or not creds_path.exists():
        process.kill()
        process.wait()
        errors.seek(0)
        err = errors.read().strip().splitlines()
        errors.close()
        if process.stdout is not None:
            process.stdout.close()
        raise TargetUnreachableError(
            f"embedded {surface.name} mock did not start ({err[-1] if err else 'no output'}); "
            "run `apiconform mock " + surface.name + "` to see why"
        )
    credentials = json.loads(creds_path.read_text(encoding="utf-8"))
    creds_path.unlink()
    tmp.rmdir()
    return Target(surface, url, credentials, embedded=True, process=process, stderr=errors)


def probe(target: Target, timeout: float, max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES) -> None:
    """Fail fast with exit 3 when nothing answers HTTP at the base URL: the connection (and TLS) must work and
    one GET must get a complete answer (any status) within `timeout` seconds a read, its body within `timeout`
    of its headers. At most `max_bytes` of the raw body are read (a huge or compressed answer is not unpacked).

    A server can keep every read under `timeout` and still never finish (headers trickled a byte at a time): the
    whole probe gets PROBE_ROUNDS x `timeout` (plus a second), after which the target is called unusable."""
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            _probe(target, timeout, max_bytes)
            outcome.append(None)
        except BaseException as exc:  # handed to the caller's thread
            outcome.append(exc)

    bound = PROBE_ROUNDS * timeout + 1
    worker = threading.Thread(target=attempt, name="apiconform-probe", daemon=True)
    worker.start()
    worker.join(bound)
    if not outcome:  # the daemon thread is abandoned: its socket closes with the process
        raise TargetUnreachableError(
            f"{shown_url(target.base_url)} did not finish answering within {bound:g} s (it sends, too slowly); "
            "check the server or raise --timeout"
        )
    if outcome[0] is not None:
        raise outcome[0]


def _probe(target: Target, timeout: float, limit: int) -> None:
    url = shown_url(target.base_url)
    try:
        with (
            httpx.Client(timeout=timeout, verify=True, follow_redirects=False) as client,
            client.stream("GET", target.base_url, headers=target.headers) as response,
        ):
            deadline = time.monotonic() + timeout
            received = 0
            for chunk in response.iter_raw():
                received += len(chunk)
                if received >= limit:
                    break  # it answers; whether the answer is too large is for the checks to judge
                if time.monotonic() > deadline:
                    raise TargetUnreachableError(
                        f"{url} was still sending its answer {timeout:g} s after the headers; "
                        "check the server or raise --timeout"
                    )
    except httpx.ConnectError as exc:
        tls = _tls_error(exc)
        if tls is not None and "CERTIFICATE_VERIFY_FAILED" in str(tls):
            raise TargetUnreachableError(
                f"the TLS certificate of {url} is not trusted ({_reason(tls)}); use a certificate from a trusted CA, "
                "or point SSL_CERT_FILE and REQUESTS_CA_BUNDLE at a CA bundle that holds its issuer"
            ) from None
        if tls is not None:
            raise TargetUnreachableError(
                f"TLS handshake with {url} failed ({_reason(tls)}); "
                "check the scheme (http or https) and the port in --base-url"
            ) from None
        raise TargetUnreachableError(
            f"cannot connect to {url} ({_reason(exc)}); check --base-url and that the server is up"
        ) from None
    except httpx.TimeoutException:
        raise TargetUnreachableError(
            f"{url} did not answer within {timeout:g} s; check the server or raise --timeout"
        ) from None
    except httpx.HTTPError as exc:
        raise TargetUnreachableError(
            f"{url} did not give a complete HTTP answer ({_reason(exc)}); check --base-url and the server"
        ) from None


def _tls_error(exc: BaseException) -> ssl.SSLError | None:
    """The TLS error behind a connection failure, if that is what it was."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:160]
