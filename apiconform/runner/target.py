"""The server under test: an embedded mock started for the run, or a URL with credentials from a file/env."""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
import tempfile
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import httpx

from apiconform.errors import TargetUnreachableError, UsageError
from apiconform.surfaces import Surface

MOCK_START_TIMEOUT = 30.0
ENV_PREFIX = "APICONFORM_"


@dataclass
class Target:
    surface: Surface
    base_url: str
    credentials: dict[str, Any]
    embedded: bool
    process: subprocess.Popen[str] | None = field(default=None, repr=False)
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


def validate_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--base-url {url!r} is not an http(s) URL; pass e.g. http://127.0.0.1:8080/codeinsight/api")
    return url.rstrip("/")


def load_credentials(path: Path | None, surface: Surface) -> dict[str, Any]:
    """Credentials from FILE (JSON or TOML, the format `apiconform mock --credentials-out` writes) plus
    `APICONFORM_<KEY>` environment variables (e.g. APICONFORM_TOKEN, APICONFORM_USERKEY), which win."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read credentials file {path}: {exc.strerror}; check the path") from None
        try:
            loaded = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            kind = "TOML" if path.suffix == ".toml" else "JSON"
            raise UsageError(f"credentials file {path} is not valid {kind} ({exc}); fix it or regenerate it") from None
        if not isinstance(loaded, dict):
            raise UsageError(
                f"credentials file {path} must hold an object of credential keys, not {type(loaded).__name__}"
            )
        data.update(loaded)
    for name, value in os.environ.items():
        if name.startswith(ENV_PREFIX) and name not in ("APICONFORM_DEBUG", "APICONFORM_REPORT_DIR"):
            key = name[len(ENV_PREFIX) :].lower()
            matches = [k for k in data if k.lower().replace("_", "") == key.replace("_", "")]
            data[matches[0] if matches else key] = value
    surface_named = data.get("surface")
    if surface_named and surface_named != surface.name:
        raise UsageError(f"credentials file is for {surface_named!r}, not {surface.name!r}; pass the right file")
    return data


def start_embedded(surface: Surface, *, seed: int = 0, faults: tuple[str, ...] = ()) -> Target:
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
        *(a for f in faults for a in ("--fault", f)),
    ]
    # stderr goes to a file, not a pipe: a pipe nobody reads fills up and blocks the mock mid-run.
    errors = tempfile.TemporaryFile(mode="w+", prefix="apiconform-mock-stderr-")  # noqa: SIM115 - closed in stop()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True)
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline() if process.stdout else ""))
    reader.start()
    reader.join(MOCK_START_TIMEOUT)
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


def probe(target: Target, timeout: float) -> None:
    """Fail fast with exit 3 when nothing answers HTTP at the base URL."""
    try:
        with httpx.Client(timeout=timeout, verify=True, follow_redirects=False) as client:
            client.get(target.base_url, headers=target.headers)
    except httpx.ConnectError as exc:
        raise TargetUnreachableError(
            f"cannot connect to {target.base_url} ({_reason(exc)}); check --base-url and that the server is up"
        ) from None
    except httpx.TimeoutException:
        raise TargetUnreachableError(
            f"{target.base_url} did not answer within {timeout:g} s; check the server or raise --timeout"
        ) from None
    except httpx.HTTPError as exc:
        raise TargetUnreachableError(f"{target.base_url} is not usable ({_reason(exc)}); check --base-url") from None


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:160]
