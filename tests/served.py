"""An ASGI app served by uvicorn on a free loopback port, in a background thread: for tests that need real sockets
(hanging-up clients, a proxy in front of a mock, schemathesis against a deliberately broken server)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any, Literal

import uvicorn

STARTUP_S = 15.0


class Served:
    def __init__(self, app: Any, *, lifespan: Literal["on", "off"] = "off", log_level: str = "warning") -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_config=None, log_level=log_level, access_log=False, lifespan=lifespan)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + STARTUP_S
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)

    def url(self, base_path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{base_path}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(STARTUP_S)
        self.sock.close()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
