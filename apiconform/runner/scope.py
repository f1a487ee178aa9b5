"""The run scope: everything one run of the schemathesis engine needs process-wide, owned by one object.

Schemathesis hooks and checks are global functions, so they find the run they serve through `active()`: its
contract (which operation a case is, how to judge its answer), its answer bounds, its response-time limit and
the facts the checks observe. `activate()` installs a scope for the duration of a run and undoes everything on
exit (one run at a time per process; `run all` uses one process per surface).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis

from apiconform.contract import Contract, Judgement, VirtualOperation
from apiconform.observed import ContractView
from apiconform.runner.bounds import Bounds
from apiconform.validation import SchemaValidator


@dataclass
class RunScope:
    view: ContractView
    bounds: Bounds
    max_response_time: float | None = None
    # The vendor's reading of an answer body that rejects the caller's credentials (RPC surfaces answer so with 200)
    credential_rejection: Callable[[Any], str | None] | None = None
    # ... and of an error body answering a valid request that the request's data does not explain
    valid_request_rejection: Callable[[Any], str | None] | None = None
    auth_headers: dict[str, str] = field(default_factory=dict)  # how the run authenticates
    # Operations that take a credential in the body (a token refresh): their 401 judges that credential
    token_exchanges: frozenset[str] = frozenset()
    # label -> field -> enum values seen; label -> top-level response fields seen
    enum_values: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    response_fields: dict[str, set[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _judged: dict[int, tuple[Any, Judgement]] = field(default_factory=dict, repr=False)
    _pinned_validator: SchemaValidator | None = field(default=None, repr=False)
    # (label, check) -> [count, message, evidence] of the known deviations the checks saw
    deviations: dict[tuple[str, str], list[Any]] = field(default_factory=dict)

    @property
    def contract(self) -> Contract:
        return self.view.contract

    def operation(self, case: Any) -> VirtualOperation | None:
        """The contract operation of a schemathesis case (it knows them by their exploded-document label)."""
        return self.contract.by_schema_label(case.operation.label)

    def judge(self, op: VirtualOperation, response: Any) -> Judgement:
        """The contract's judgement of one answer, computed once however many checks ask for it."""
        key = id(response)
        with self._lock:
            cached = self._judged.get(key)
            if cached is not None and cached[0] is response:
                return cached[1]
        media = response.headers.get("content-type") or [""]
        judgement = self.view.judge_response(op, response.status_code, str(media[0]), response.content)
        with self._lock:
            if len(self._judged) > 64:  # checks of one answer run back to back: a small window suffices
                self._judged.clear()
            self._judged[key] = (response, judgement)
            for where, values in judgement.enum_values.items():
                self.enum_values.setdefault(op.label, {}).setdefault(where, set()).update(values)
            self.response_fields.setdefault(op.label, set()).update(judgement.fields)
        return judgement

    def deviated(self, label: str, check: str, message: str, evidence: tuple[str, ...]) -> None:
        with self._lock:
            seen = self.deviations.setdefault((label, check), [0, message, evidence])
            seen[0] += 1

    def pinned_validator(self, document: dict[str, Any]) -> SchemaValidator:
        """A validator of the prepared document (credentials pinned), built on first use."""
        if self._pinned_validator is None:
            self._pinned_validator = SchemaValidator(document)
        return self._pinned_validator


_active: list[RunScope] = []


def active() -> RunScope | None:
    return _active[0] if _active else None


@contextmanager
def activate(scope: RunScope) -> Iterator[RunScope]:
    if _active:
        raise RuntimeError("a schemathesis run is already active in this process; run surfaces one at a time")
    _active.append(scope)
    restore = _bound_sessions()
    try:
        yield scope
    finally:
        restore()
        _active.clear()


def _bound_answers(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """schemathesis `before_call` hook: every request carries the active run's body bounds as a response hook."""
    scope = active()
    if scope is not None:
        kwargs["hooks"] = {"response": [scope.bounds.response_hook]}


schemathesis.hook("before_call")(_bound_answers)


def _bound_sessions() -> Callable[[], None]:
    """Every `requests` session the engine makes during the run carries the bounds too: that also covers the
    requests no `before_call` hook sees (schemathesis' capability probes of the base URL, which read whole
    bodies). Returns the undo. The engine's session factory is internal, hence the guard."""
    from schemathesis.engine import context

    original = getattr(context, "make_session", None)
    if original is None:  # pragma: no cover - a schemathesis without it: the before_call hook still applies
        return lambda: None

    def make_session(*args: Any, **kwargs: Any) -> requests.Session:
        session: requests.Session = original(*args, **kwargs)
        scope = active()
        if scope is not None:
            session.hooks.setdefault("response", []).append(scope.bounds.response_hook)
        return session

    context.make_session = make_session

    def restore() -> None:
        context.make_session = original

    return restore
