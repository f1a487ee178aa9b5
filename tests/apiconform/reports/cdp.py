"""A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe`: headless Chromium from the Debian
package, no browser download, no websocket library. Enough to load a page, run an expression and read its value.

Chromium reads commands from its fd 3 and writes answers and events to its fd 4, each a JSON text ended by NUL.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

TIMEOUT_S = 60.0
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--hide-scrollbars", "--remote-debugging-pipe",
)  # fmt: skip


class BrowserError(Exception):
    pass


class Browser:
    """One headless Chromium and one page in it; use as a context manager."""

    def __init__(self, chromium: str, profile: Path, width: int = 1280, height: int = 900) -> None:
        # Our ends of the two pipes, and Chromium's ends moved above fd 10 so the child can dup2 them onto 3 and 4
        # without clobbering one with the other (bash: dash takes no fd number above 9).
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()
        child_in, child_out = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_browser, from_browser))
        os.close(to_browser)
        os.close(from_browser)
        self.log = profile.with_suffix(".log")
        profile.parent.mkdir(parents=True, exist_ok=True)
        args = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"]
        # A file, not a pipe, for its log: nobody reads a pipe while the test runs, and a full one would block it.
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                ["bash", "-c", f'exec "$@" 3<&{child_in} 4>&{child_out}', "bash", *args],
                pass_fds=(child_in, child_out),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        os.close(child_in)
        os.close(child_out)
        self._buffer = b""
        self._next_id = 0
        self.session = ""
        self.events: list[dict[str, Any]] = []  # every event seen so far (console and log entries among them)

    def __enter__(self) -> Browser:
        try:
            targets = self.call("Target.getTargets")["targetInfos"]
            page = next(t for t in targets if t["type"] == "page")
            self.session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                self.call(f"{domain}.enable")
        except BaseException:
            self.__exit__()  # a browser that did not come up is still a process and two pipes to end
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(BrowserError, OSError):  # already gone: nothing to close
            self.call("Browser.close", session=False)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        finally:
            os.close(self._write)
            os.close(self._read)

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self._wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        answer = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in answer:
            raise BrowserError(json.dumps(answer["exceptionDetails"])[:2000])
        return answer["result"].get("value")

    def call(self, method: str, *, session: bool = True, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if "method" in answer:
                self.events.append(answer)
            elif answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result

    def _wait_event(self, method: str) -> None:
        while True:
            event = self._receive()
            self.events.append(event)
            if event.get("method") == method:
                return

    def console_errors(self) -> list[str]:
        """Errors the page logged: script errors, blocked loads, Content-Security-Policy violations."""
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event.get("method") == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"]["text"])
            elif event.get("method") == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:500])
            elif event.get("method") == "Runtime.consoleAPICalled" and params["type"] == "error":
                found.append(json.dumps(params["args"])[:500])
        return found

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT_S
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise BrowserError(f"no answer from chromium in {TIMEOUT_S:g} s")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise BrowserError(f"chromium closed the pipe: {self.log.read_text(errors='replace')[-2000:]}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        answer: dict[str, Any] = json.loads(message)
        return answer
