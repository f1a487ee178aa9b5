"""Built-in mock servers: strict, stateful, spec-driven ASGI apps, one per surface.

from apiconform.mocks import app
asgi_app = app("mend", faults=["wrong-content-type"])
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette

from apiconform import rpc
from apiconform.contract import contract_for
from apiconform.enums import response_enum_values
from apiconform.mocks.behaviour import Behaviour
from apiconform.mocks.clock import Clock
from apiconform.mocks.faults import FAULTS, Fault, validate_names
from apiconform.surfaces import get_surface

__all__ = ["FAULTS", "Clock", "Fault", "app", "behaviour"]


def behaviour(
    surface: str,
    *,
    faults: Iterable[str] = (),
    clock: Clock | None = None,
    seed: int = 0,
    contract: str = "observed",
) -> Behaviour:
    """The stateful mock of `surface` (its `.credentials()` work against the app built from it). `observed`: it
    accepts what the real server accepts and answers like it (the spec plus its evidence overlay); `documented`:
    strictly as the documents say."""
    from apiconform.vendors.registry import get_vendor

    mock = get_vendor(get_surface(surface).name).mock
    spec = contract_for(get_surface(surface).spec_path, contract).spec
    names = validate_names(
        tuple(faults),
        surface,
        mock.capabilities,
        lambda: response_enum_values(spec.document),
        lambda: rpc.variants(spec.document),
    )
    return mock(spec, clock=clock or Clock(), faults=names, seed=seed, observed=contract == "observed")


def app(
    surface: str | Behaviour,
    *,
    faults: Iterable[str] = (),
    clock: Clock | None = None,
    seed: int = 0,
    contract: str = "observed",
) -> Starlette:
    """An ASGI app serving the mock of `surface` under every base path of its spec's server URL."""
    from apiconform.mocks.engine import MockEngine

    mock = (
        surface
        if isinstance(surface, Behaviour)
        else behaviour(surface, faults=faults, clock=clock, seed=seed, contract=contract)
    )
    return MockEngine(mock).app()
