"""What a request meant to test, recorded with it (`run --record`) so `replay` applies the run's expectation.

A positive or negative case is judged by the contract; a probe of an undocumented method expects 405 with an
Allow header; any other request-shape probe (a wrong Content-Type) was judged by negative_data_rejection, which
needs the live server, and is not re-judged.
"""

from __future__ import annotations

POSITIVE = "positive"
NEGATIVE = "negative"
METHOD_PROBE = "probe:unsupported-method"
SHAPE_PROBE = "probe:request-shape"
