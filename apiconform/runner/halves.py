"""A large surface's property phases in two halves, side by side, each against its own copy of the embedded mock.

Schemathesis is CPU-bound Python: one process drives one core. Mend's 139 virtual operations and MetaDefender's 111
kept one core busy for most of a run while the other idled (the mock needs a fraction of it). With
`RunOptions.split` (what `apiconform run` does for a single surface unless given `--workers 1`), a surface of at
least SPLIT_FROM operations tested against its embedded mock has the second half of its operations (in document
order) tested by a child process, against a second mock started with the same seed and faults: the child
authenticates, discovers and prepares for itself, then runs the examples, coverage and fuzzing phases over its
half. The parent runs the first half, then the stateful phase over every operation (its links cross the halves),
then the scenarios over every operation, and adds the child's tally to its own.

Deterministic: the halves are fixed by the document and each starts from the same seeded state, so the report is
the same whether the halves ran side by side or, on a single CPU, one after the other. It is not the report of
`--workers 1`, where the second half's operations see what the first half wrote: the cases and the verdicts are the
same, but status counts and enum values seen may differ where a mock answers from earlier writes.
A live server is never split: two processes would double the request rate it was promised (`--rate-limit`).
"""

from __future__ import annotations

import copy
import multiprocessing
import queue
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from apiconform.contract import VirtualOperation
from apiconform.runner.child import send_signal
from apiconform.runner.prepare import HTTP_METHODS
from apiconform.runner.property import PropertyOutcome
from apiconform.spec import Document

SPLIT_FROM = 100  # operations in the prepared document; smaller surfaces gain less than a second process costs
SECOND = 2  # RunOptions.half of the process testing the second half
_GRACE_S = 15.0  # how long the parent waits for an interrupted child's tally before leaving it
_PROPERTY_ONLY = frozenset({"examples", "coverage", "fuzzing"})  # the phases that split; stateful spans both


@dataclass
class HalfOutcome:
    """What the second half found, in a form that crosses a process boundary."""

    prop: PropertyOutcome = field(default_factory=PropertyOutcome)
    response_fields: dict[str, set[str]] = field(default_factory=dict)
    enum_values: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    deviations: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    recorded: dict[str, dict[str, Any]] | None = None  # Recording.surfaces of the half's exchanges
    error: str | None = None  # the half could not run at all (its mock did not start, its credentials failed)


def halves(operations: Sequence[VirtualOperation]) -> tuple[list[VirtualOperation], list[VirtualOperation]]:
    """The first and second half of the operations a run prepared, in document order (path, then method)."""
    ordered = sorted(operations, key=lambda op: (op.operation.path, op.method.lower()))
    middle = (len(ordered) + 1) // 2
    return ordered[:middle], ordered[middle:]


def without(document: Document, operations: Sequence[VirtualOperation]) -> Document:
    """A copy of the prepared document without `operations` (path items left empty are dropped)."""
    doc = dict(document)
    doc["paths"] = copy.deepcopy(document["paths"])
    for op in operations:
        doc["paths"].get(op.operation.path, {}).pop(op.method.lower(), None)
    doc["paths"] = {path: item for path, item in doc["paths"].items() if any(m in HTTP_METHODS for m in item)}
    return doc


def split_phases(phases: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the phases each half runs over its own operations, the phases the parent then runs over all of them)."""
    return tuple(p for p in phases if p in _PROPERTY_ONLY), tuple(p for p in phases if p not in _PROPERTY_ONLY)


OperationEvent = tuple[str, str, int, bool]  # (phase, operation label, cases, failed), as OperationTested carries


class SecondHalf:
    """The second half: started in a child process at once (side by side), or run in this process when `result`
    is asked for (a single CPU: the halves one after the other, the same report)."""

    def __init__(self, work: Callable[..., None], args: tuple[Any, ...], *, side_by_side: bool) -> None:
        self._work, self._args = work, args
        self._events: Any = None
        self._process: Any = None
        self._outcome: HalfOutcome | None = None
        if side_by_side:
            context = multiprocessing.get_context("spawn")
            self._events = context.Queue()
            self._process = context.Process(target=work, args=(*args, self._events, True), daemon=True)
            self._process.start()

    def drain(self, forward: Callable[[OperationEvent], None]) -> None:
        """Hand on the progress the child reported so far (called between the parent's own operations)."""
        if self._events is None:
            return
        while True:
            try:
                item = self._events.get_nowait()
            except (queue.Empty, OSError, ValueError):
                return
            self._take(item, forward)

    def result(self, forward: Callable[[OperationEvent], None], *, interrupted: bool = False) -> HalfOutcome:
        """The second half's outcome: waited for (a bounded time when the run was interrupted), or run now."""
        if self._process is None:
            if interrupted:
                return HalfOutcome(error="interrupted before the second half of the operations ran")
            local: queue.SimpleQueue[Any] = queue.SimpleQueue()
            self._work(*self._args, local, False)
            while not local.empty():
                self._take(local.get(), forward)
        else:
            deadline = None
            if interrupted:  # stop the child too (a Ctrl-C in a terminal has reached it already: it takes one)
                send_signal(self._process, signal.SIGINT)
                deadline = time.monotonic() + _GRACE_S
            while self._outcome is None:
                if deadline is not None and time.monotonic() > deadline:
                    break
                try:
                    self._take(self._events.get(timeout=0.2), forward)
                except queue.Empty:
                    if not self._process.is_alive() and self._events.empty():
                        break
        if self._outcome is None:
            code = None if self._process is None else self._process.exitcode
            return HalfOutcome(error=f"the process testing the second half ended without a result (exit {code})")
        return self._outcome

    def stop(self) -> None:
        """End the child (it stops its mock on the way out); nothing to do for an in-process half."""
        process = self._process
        if process is None or not process.is_alive():
            return
        send_signal(process, signal.SIGINT)
        process.join(5)
        if process.is_alive():
            process.terminate()
            process.join(5)

    def _take(self, item: Any, forward: Callable[[OperationEvent], None]) -> None:
        if isinstance(item, HalfOutcome):
            self._outcome = item
        else:
            forward(item)
