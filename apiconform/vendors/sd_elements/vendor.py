"""Security Compass SD Elements, as a plug-in."""

from __future__ import annotations

from apiconform.vendors.plugin import Vendor
from apiconform.vendors.sd_elements import semantics
from apiconform.vendors.sd_elements.mock import SdElementsMock

VENDOR = Vendor(
    surface="sd-elements",
    display_name="Security Compass SD Elements",
    mock=SdElementsMock,
    credential_keys=frozenset({"token"}),
    auth_headers=semantics.auth_headers,
    preflight=semantics.preflight,
    discover=semantics.discover,
    run_scenarios=semantics.run_scenarios,
    prepare_example=semantics.prepare_example,
)
