"""Vendor knowledge beyond the specs: one package per surface, with the same file names in each.

`mock.py` (the mock's Behaviour: state, auth, handlers), `seed.py` (deterministic seed data).
"""

from __future__ import annotations

import importlib

from apiconform.mocks.behaviour import Behaviour
from apiconform.surfaces import get_surface


def behaviour_class(surface: str) -> type[Behaviour]:
    """The Behaviour subclass that mocks `surface`."""
    module = importlib.import_module(f"apiconform.vendors.{get_surface(surface).module_name}.mock")
    cls: type[Behaviour] = module.MOCK
    return cls
