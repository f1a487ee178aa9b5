"""An injectable clock, so tests can expire a JWT or finish an async job without sleeping."""

from __future__ import annotations

import time


class Clock:
    """Wall-clock seconds plus an offset that tests advance."""

    def __init__(self, start: float | None = None) -> None:
        self._offset = 0.0 if start is None else start - time.time()

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += seconds
