"""Mock state shared by every handler: the resource store, the clock, the faults, replies and paging.

Records are plain dicts holding the vendor's PascalCase fields; keys starting with `_` are internal
(never rendered). Collections keep insertion order, so listings are stable.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Iterable, Sequence
from typing import Any

from apiconform.mocks.behaviour import MockRequest, MockResponse
from apiconform.mocks.clock import Clock
from apiconform.openapi import Operation
from apiconform.vendors import _tokens

Record = dict[str, Any]
DEFAULT_PAGE_SIZE = 25
TENANT_ID = "000000000000000000000001"


def iso(epoch: float) -> str:
    """RFC 3339 UTC timestamp with milliseconds, as .NET serialises DateTime (`2024-05-01T12:00:00.000Z`)."""
    whole = int(epoch)
    millis = round((epoch - whole) * 1000) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


def public(record: Record) -> Record:
    """The record as the API shows it: internal `_` keys removed, deep-copied so callers cannot alias state."""
    return {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith("_")}


class Store:
    """Collections of records keyed by id, with deterministic, collision-resistant ids (24 hex, Mongo-like)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._collections: dict[str, dict[str, Record]] = {}
        self._counters: dict[str, itertools.count[int]] = {}

    def new_id(self, collection: str) -> str:
        counter = self._counters.setdefault(collection, itertools.count(1))
        return _tokens.hex_token(self.seed, f"{collection}:{next(counter)}", 24)

    def all(self, collection: str) -> list[Record]:
        return list(self._collections.setdefault(collection, {}).values())

    def get(self, collection: str, record_id: Any) -> Record | None:
        return self._collections.setdefault(collection, {}).get(str(record_id))

    def put(self, collection: str, record: Record, key: str = "Id") -> Record:
        self._collections.setdefault(collection, {})[str(record[key])] = record
        return record

    def delete(self, collection: str, record_id: str) -> Record | None:
        return self._collections.setdefault(collection, {}).pop(record_id, None)

    def count(self, collection: str) -> int:
        return len(self._collections.setdefault(collection, {}))


class State:
    """What handlers share: store, clock, faults, and the vendor's reply conventions."""

    def __init__(self, *, clock: Clock, faults: frozenset[str], seed: int) -> None:
        self.clock = clock
        self.faults = faults
        self.seed = seed
        self.store = Store(seed)
        self.started = clock.now()
        self.singletons: dict[str, Record | None] = {}

    # -- time -------------------------------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    def stamp(self) -> str:
        return iso(self.clock.now())

    # -- faults -----------------------------------------------------------------------------------------------
    @property
    def filtering(self) -> bool:
        """False under the `filter-ignored` fault: list endpoints then ignore their filters."""
        return "filter-ignored" not in self.faults

    def page(self, items: Sequence[Any], start: int | None, count: int | None) -> list[Any]:
        """One page of `items` (already in the documented order), honouring the paging faults."""
        ordered = list(reversed(items)) if "order-flipped" in self.faults else list(items)
        first = 0 if start is None or "offset-ignored" in self.faults else max(start, 0)
        size = DEFAULT_PAGE_SIZE if count is None else max(count, 0)
        if "page-larger-than-limit" in self.faults:
            size += 1
        return ordered[first : first + size]

    # -- audit trail --------------------------------------------------------------------------------------------
    def audit(
        self,
        log_type: str,
        category: str,
        message: str,
        *,
        user: str = "admin",
        level: str = "Info",
        at: float | None = None,
    ) -> None:
        at = self.now() if at is None else at
        self.store.put(
            "audit",
            {
                "Id": self.store.new_id("audit"),
                "Timestamp": iso(at),
                "LogType": log_type,
                "CategoryType": category,
                "LogLevel": level,
                "Message": message,
                "UserName": user,
                "_at": at,
            },
        )


# -- reply conventions -------------------------------------------------------------------------------------------


def base(key: str = "Success", message: str = "") -> Record:
    """The common `ResponseKey` / `ResponseMessage` envelope."""
    return {"ResponseKey": key, "ResponseMessage": message or _MESSAGES.get(key, key)}


def result(code: str = "Success", message: str = "", params: dict[str, str] | None = None) -> Record:
    """The common `OperationResult`: Result (Success|Error|InternalError|NotFound) plus the envelope."""
    return {"Result": code, **base(code, message), "ResponseMessageParams": dict(params or {})}


_MESSAGES = {
    "Success": "The operation completed successfully.",
    "NotFound": "The requested resource was not found.",
    "Error": "The operation failed.",
}


def ok(body: Any = None, status: int = 200, **kwargs: Any) -> MockResponse:
    return MockResponse(status, body, **kwargs)


def documents(operation: Operation, status: str) -> bool:
    return status in operation.responses


def missing(request: MockRequest, what: str, in_band: Any) -> MockResponse:
    """A reference to something that does not exist: 404 where documented, else the vendor's in-band answer.

    Operations that document only `200` (most of this API) report outcomes in the body (`Result: NotFound`,
    `ResponseKey: NotFound`), so that is what the mock answers there.
    """
    if documents(request.operation, "404"):
        return MockResponse(404, {"error": f"{what} not found"})
    return MockResponse(200, in_band)


def matches_text(needle: str | None, *haystacks: Any) -> bool:
    if not needle:
        return True
    lowered = needle.lower()
    return any(lowered in str(h).lower() for h in haystacks)


def any_in(wanted: Iterable[Any] | None, values: Iterable[Any]) -> bool:
    """True when no filter is given or one wanted value is among `values`."""
    chosen = list(wanted or [])
    return not chosen or bool(set(chosen) & set(values))
