"""OPSWAT MetaDefender Software Supply Chain, as a plug-in."""

from __future__ import annotations

from apiconform.vendors.metadefender_sscp import semantics
from apiconform.vendors.metadefender_sscp.mock import MetaDefenderSscpMock
from apiconform.vendors.plugin import Vendor

VENDOR = Vendor(
    surface="metadefender-sscp",
    display_name="OPSWAT MetaDefender Software Supply Chain",
    mock=MetaDefenderSscpMock,
    credential_keys=frozenset({"token", "api_key", "username", "password", "webhook_secret"}),
    auth_headers=semantics.auth_headers,
    preflight=semantics.preflight,
    discover=semantics.discover,
    run_scenarios=semantics.run_scenarios,
    token_exchanges=frozenset({"loginUser", "refreshAccessToken"}),
)
