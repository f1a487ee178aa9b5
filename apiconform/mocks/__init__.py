"""Built-in mock servers: strict, stateful, spec-driven ASGI apps, one per surface.

from apiconform.mocks import app
asgi_app = app("mend", faults=["wrong-content-type"])
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette

from apiconform.mocks.behaviour import Behaviour
from apiconform.mocks.clock import Clock
from apiconform.mocks.faults import FAULTS, Fault, validate_names
from apiconform.openapi import load_api
from apiconform.surfaces import get_surface

__all__ = ["FAULTS", "Clock", "Fault", "app", "behaviour"]


def behaviour(surface: str, *, faults: Iterable[str] = (), clock: Clock | None = None, seed: int = 0) -> Behaviour:
    """The stateful mock of `surface` (its `.credentials()` work against the app built from it)."""
    from apiconform.vendors.registry import get_vendor

    mock = get_vendor(get_surface(surface).name).mock
    spec = load_api(get_surface(surface).spec_path)
    names = validate_names(tuple(faults), surface, mock.capabilities)
    return mock(spec, clock=clock or Clock(), faults=names, seed=seed)


def app(
    surface: str | Behaviour, *, faults: Iterable[str] = (), clock: Clock | None = None, seed: int = 0
) -> Starlette:
    """An ASGI app serving the mock of `surface` under every base path of its spec's server URL."""
    from apiconform.mocks.engine import MockEngine

    mock = surface if isinstance(surface, Behaviour) else behaviour(surface, faults=faults, clock=clock, seed=seed)
    return MockEngine(mock).app()
