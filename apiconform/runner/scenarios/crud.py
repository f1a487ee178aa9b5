"""crud_roundtrip: what a vendor's create -> read back -> update -> delete -> gone round trip reports.

Each vendor drives the round trip with its own calls (its semantics module); the check is declared once here.
"""

from __future__ import annotations

from apiconform.checks import declare

CRUD_ROUNDTRIP = declare(
    "crud_roundtrip",
    group="semantic",
    source="scenario",
    description="create -> read back equal -> update -> delete -> 404",
)
