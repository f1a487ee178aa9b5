"""What a request meant to test, recorded with it (`run --record`) so `replay` applies the run's expectation.

A positive or negative case is judged by the contract; a probe of an undocumented method expects 405 with an
Allow header; any other request-shape probe (a wrong Content-Type) was judged by negative_data_rejection, which
needs the live server, and is not re-judged.
"""

from __future__ import annotations

from typing import Any

from schemathesis.generation.meta import CoverageScenario, coverage_scenario
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

POSITIVE = "positive"
NEGATIVE = "negative"
METHOD_PROBE = "probe:unsupported-method"
SHAPE_PROBE = "probe:request-shape"


def intent_of(case: Any) -> str:
    """What a schemathesis case meant to test."""
    scenario = coverage_scenario(case)
    if scenario == CoverageScenario.UNSPECIFIED_HTTP_METHOD:
        return METHOD_PROBE
    if is_unexpected_http_status_case(case):
        return SHAPE_PROBE
    meta = case._meta  # reading `case.meta` would revalidate the case (schemathesis' own helpers read it this way)
    negative = meta is not None and meta.generation.mode.is_negative
    return NEGATIVE if negative else POSITIVE
