"""Revenera Code Insight, as a plug-in."""

from __future__ import annotations

from apiconform.vendors.code_insight import semantics
from apiconform.vendors.code_insight.mock import CodeInsightMock
from apiconform.vendors.plugin import Vendor

VENDOR = Vendor(
    surface="code-insight",
    display_name="Revenera Code Insight",
    mock=CodeInsightMock,
    credential_keys=frozenset({"token"}),
    auth_headers=semantics.auth_headers,
    preflight=semantics.preflight,
    discover=semantics.discover,
    run_scenarios=semantics.run_scenarios,
)
