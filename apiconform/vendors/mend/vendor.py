"""Mend (HTTP API v1.x), as a plug-in."""

from __future__ import annotations

from apiconform.vendors.mend import discovery, semantics
from apiconform.vendors.mend.mock import MendMock
from apiconform.vendors.plugin import Vendor

VENDOR = Vendor(
    surface="mend",
    display_name="Mend",
    mock=MendMock,
    credential_keys=frozenset({"userKey", "orgToken", "productToken", "projectToken", "globalOrgToken"}),
    auth_headers=semantics.auth_headers,
    preflight=semantics.preflight,
    discover=discovery.discover,
    credential_rejection=semantics.credential_rejection,
    valid_request_rejection=semantics.valid_request_rejection,
    run_scenarios=semantics.run_scenarios,
    prepare_example=semantics.prepare_example,
    caller_credentials=semantics.CALLER,
    destructive=semantics.DESTRUCTIVE,
    credential_needs={"getAllOrganizations": "globalOrgToken"},
)
