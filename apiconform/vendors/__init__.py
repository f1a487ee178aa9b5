"""Vendor knowledge beyond the specs: one package per surface, with the same file names in each.

`vendor.py` (the `Vendor` plug-in object, listed in `registry.py`), `mock.py` (the mock's Behaviour: state, auth,
handlers), `seed.py` (deterministic seed data), `semantics.py` (discovery and the vendor's semantic scenarios).
"""
