"""Serving a mock over HTTP: bind (port 0 = any free port), announce the URL, write credentials, stop cleanly."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import uvicorn

from apiconform.errors import UsageError
from apiconform.mocks.behaviour import Behaviour
from apiconform.mocks.engine import MockEngine


def base_url(behaviour: Behaviour, host: str, port: int) -> str:
    """The URL `apiconform run --base-url` and `schemathesis run -u` accept for this surface's spec."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{behaviour.spec.base_paths()[0]}"


def credentials_document(behaviour: Behaviour, url: str) -> dict[str, object]:
    return {
        "surface": behaviour.surface,
        "base_url": url,
        **behaviour.credentials(),
        "headers": behaviour.auth_headers(),
    }


def write_credentials(path: Path, document: dict[str, object]) -> None:
    """Written atomically and readable by the owner only: it holds secrets."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
        tmp.replace(path)
    except OSError as exc:
        raise UsageError(f"cannot write credentials to {path}: {exc.strerror}; choose a writable path") from None


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_ready: Callable[[int], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            port = self.servers[0].sockets[0].getsockname()[1]
            self._on_ready(port)


def serve(
    behaviour: Behaviour,
    *,
    host: str,
    port: int,
    credentials_out: Path | None,
    announce: TextIO = sys.stdout,
) -> int:
    """Run until SIGINT/SIGTERM; returns the exit code."""
    app = MockEngine(behaviour).app()

    def ready(actual_port: int) -> None:
        url = base_url(behaviour, host, actual_port)
        if credentials_out is not None:
            write_credentials(credentials_out, credentials_document(behaviour, url))
        announce.write(f"{url}\n")
        announce.flush()

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")
    server = _Server(config, ready)
    try:
        asyncio.run(server.serve())
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; pick another --port (0 = any)") from None
    return 0 if server.started else 2
