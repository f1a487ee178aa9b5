"""`apiconform proxy SURFACE --upstream URL [--host H] [--port N] [--report-dir DIR] [--format ...] ...`.

Serves a validating reverse proxy until SIGINT/SIGTERM, then writes the same reports as `run` (profile
`proxy`). Prints the proxy's base URL on stdout when ready (point the client there instead of the vendor);
the summary goes to stderr. Exit 0 when the traffic conformed, 1 when anything was flagged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import uvicorn

from apiconform.commands import plural
from apiconform.commands.contract import add_contract_argument
from apiconform.commands.reporting import add_report_arguments
from apiconform.errors import (
    EXIT_INTERRUPTED,
    EXIT_NONCONFORMANT,
    EXIT_OK,
    ApiconformError,
    TargetUnreachableError,
    UsageError,
)
from apiconform.openapi import load_api
from apiconform.proxy import DEFAULT_MAX_BODY_BYTES, ProxyRecorder, proxy_app
from apiconform.proxy.app import DEFAULT_TIMEOUT
from apiconform.reports import check_writable, selected_formats, write_reports
from apiconform.runner.credentials import load_credentials
from apiconform.runner.results import RunResult
from apiconform.runner.scenarios.base import size_text
from apiconform.runner.target import Target, shown_url, validate_base_url
from apiconform.surfaces import SURFACES, Surface, get_surface

# In-flight requests get this long to finish after Ctrl-C before the reports are written without them.
GRACEFUL_SHUTDOWN_S = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("surface", metavar="SURFACE", help=f"the surface behind it: {', '.join(SURFACES)}")
    add_contract_argument(parser, "judge the traffic by the observed contract or by the documents alone")
    parser.add_argument(
        "--upstream",
        required=True,
        metavar="URL",
        help="the real server: its base URL (as `apiconform mock` prints it) or just its origin",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, metavar="N", help="port; 0 picks a free one (default: 0)")
    add_report_arguments(parser, "where the reports go on exit")
    parser.add_argument(
        "--credentials",
        type=Path,
        metavar="FILE",
        help="secrets to mask in the reports (JSON/TOML, as for `run`); the proxy adds none to traffic",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=DEFAULT_MAX_BODY_BYTES,
        metavar="N",
        help="bodies are judged up to this size; larger ones pass through unjudged "
        f"(default: {size_text(DEFAULT_MAX_BODY_BYTES)})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help="seconds to wait for the upstream (default: %(default)g)",
    )


def run_proxy(args: argparse.Namespace) -> int:
    surface = get_surface(args.surface)
    upstream = _upstream(args.upstream)
    formats = selected_formats(args.format)
    credentials = load_credentials(args.credentials, surface).values
    _check_options(args, formats)
    secrets = Target(surface, upstream, credentials, embedded=False).secrets()
    recorder = ProxyRecorder(
        surface, upstream=upstream, secrets=secrets, max_body_bytes=args.max_body_bytes, contract=args.contract
    )
    reports = _Reports(args.report_dir, formats)
    app = proxy_app(surface, upstream, recorder=recorder, timeout=args.timeout, on_shutdown=reports.write)
    sock = _bind(args.host, args.port)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        # The upstream's own Server and Date headers pass through; uvicorn must not add a second pair.
        server_header=False,
        date_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    uvicorn_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _IntendedTruncation) for f in uvicorn_log.filters):
        uvicorn_log.addFilter(_IntendedTruncation())
    url = _proxy_url(surface, args.host, sock.getsockname()[1])
    server = _Server(config, lambda: print(url, flush=True))
    try:
        asyncio.run(server.serve(sockets=[sock]))
    except KeyboardInterrupt:  # a second Ctrl-C forces uvicorn out: still write what was seen
        pass
    finally:
        sock.close()
    reports.write(recorder)  # no-op when the lifespan already wrote them
    if reports.error is not None:
        raise reports.error
    assert reports.result is not None
    _summary(reports.result, reports.paths)
    _never_used(reports.result, url, upstream)
    if server.interrupted:
        return EXIT_INTERRUPTED  # Ctrl-C, as for every command; SIGTERM is the proxy's ordinary end
    return EXIT_OK if reports.result.conformant else EXIT_NONCONFORMANT


def _never_used(result: RunResult, url: str, upstream: str) -> None:
    """A proxy that saw no traffic, or whose upstream never answered, proves nothing: exit 3 (reports written)."""
    ops = result.operations()
    if not any(op.cases for op in ops):
        raise TargetUnreachableError(
            f"no traffic went through the proxy: did the client use {url}? (point its base URL there)"
        )
    if not any(op.statuses for op in ops):
        lost = next((f.message for f in result.failures if f.title == "Upstream unreachable"), "no answer")
        raise TargetUnreachableError(
            f"the upstream {shown_url(upstream)} never answered ({lost.splitlines()[0][:160]}); check --upstream"
        )


class _Reports:
    """Writes the reports once, whichever comes first: the ASGI lifespan's end or the server's return."""

    def __init__(self, report_dir: Path, formats: list[str]) -> None:
        self.report_dir = report_dir
        self.formats = formats
        self.paths: list[Path] = []
        self.result: RunResult | None = None
        self.error: ApiconformError | None = None

    def write(self, recorder: ProxyRecorder) -> None:
        if self.result is not None:
            return
        self.result = recorder.result()
        try:
            self.paths = write_reports(self.result, self.report_dir, self.formats)
        except ApiconformError as exc:  # raised from inside uvicorn's lifespan it would become a traceback
            self.error = exc


class _IntendedTruncation(logging.Filter):
    """When the upstream breaks off mid-body, the proxy leaves the client's answer incomplete on purpose (the
    client sees the truncation it would have seen without the proxy; the report says what happened): uvicorn's
    complaint about it is not an error of the proxy's, and would read like one on stderr."""

    MESSAGE = "ASGI callable returned without completing response."

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self.MESSAGE


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready
        self.interrupted = False  # ended by SIGINT (Ctrl-C) rather than SIGTERM

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.interrupted |= sig == signal.SIGINT
        super().handle_exit(sig, frame)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._on_ready()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn re-raises SIGINT/SIGTERM after its graceful shutdown, which would end the process before the
        # summary and exit code; the proxy treats either signal as its normal end instead.
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        original = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def _upstream(url: str) -> str:
    return validate_base_url(url, "--upstream")


def _check_options(args: argparse.Namespace, formats: list[str]) -> None:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is out of range; use 0..65535 (0 picks a free port)")
    if args.max_body_bytes < 1:
        raise UsageError(f"--max-body-bytes {args.max_body_bytes}: give a positive number of bytes")
    if not 0 < args.timeout < float("inf"):
        raise UsageError(f"--timeout {args.timeout}: give a positive number of seconds")
    # Fail now, not after hours of traffic, when the reports could not be written.
    check_writable(args.report_dir, formats)


def _bind(host: str, port: int) -> socket.socket:
    """Bound before uvicorn starts, so a busy port is a one-line usage error and port 0 is known up front."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or type(exc).__name__
        raise UsageError(f"cannot listen on {host}:{port}: {reason}; pick another --port (0 = any)") from None
    return sock


def _proxy_url(surface: Surface, host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{load_api(surface.spec_path).base_paths()[0]}"


def _summary(result: RunResult, paths: list[Path]) -> None:
    ops = [op for op in result.operations() if op.exercised]
    failed = len(result.blocking_failures)
    verdict = "conformant" if result.conformant else "NOT conformant"
    exchanges = sum(op.cases for op in ops)
    print(
        f"apiconform proxy: {verdict}: {plural(exchanges, 'exchange')} over {plural(len(ops), 'operation')}, "
        f"{plural(failed, 'failure')}",
        file=sys.stderr,
    )
    for failure in result.blocking_failures[:10]:
        print(f"  FAIL {failure.operation} [{failure.check}] {failure.title}", file=sys.stderr)
    if paths:
        print(f"reports: {', '.join(str(p) for p in paths)}", file=sys.stderr)
