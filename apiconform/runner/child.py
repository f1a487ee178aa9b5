"""Signals in a run's child processes (one surface of `run all`, the second half of a large surface)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import Any


def interrupt_once() -> None:
    """The first Ctrl-C (from the terminal, or forwarded by the parent) stops the child's work; a second one must not
    break off the sending of what finished. SIGTERM, the parent's last word, exits through `finally` blocks, so a
    mock the child started is stopped on the way out."""
    stopping = [False]

    def on_sigint(signum: int, frame: Any) -> None:
        if not stopping[0]:
            stopping[0] = True
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def send_signal(process: Any, signum: int) -> None:
    """Signal a multiprocessing child that may have ended in between (then nothing happens)."""
    if process.is_alive() and process.pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signum)
