"""The client-side checks only the proxy can evaluate: it sees what a real client sends, not generated cases.

Server-side verdicts reuse the ids `run` reports (status, Content-Type, schema, Mend requestType shape), so a
proxy report and a run report line up cell by cell in `apiconform compare`. An upstream that cannot be reached
or answers 5xx is a `not_a_server_error` failure: that check already covers "no 5xx and no transport errors".
"""

from __future__ import annotations

from apiconform.checks import declare
from apiconform.contract import (
    CONTENT_TYPE_CONFORMANCE,
    ENUM_DOCUMENTED,
    NOT_A_SERVER_ERROR,
    REQUEST_TYPE_SHAPE,
    RESPONSE_SCHEMA_CONFORMANCE,
    STATUS_CODE_CONFORMANCE,
)

CLIENT_OPERATION_KNOWN = declare(
    "client_operation_known",
    group="client",
    source="proxy",
    description="the client calls only documented operations (method, path, Mend requestType)",
)
CLIENT_REQUEST_VALID = declare(
    "client_request_valid",
    group="client",
    source="proxy",
    description="the client's parameters, Content-Type and body conform to the operation's contract",
)

# The checks a proxy evaluates, in report order (request side first, as the traffic flows).
PROXY_CHECKS = (
    CLIENT_OPERATION_KNOWN,
    CLIENT_REQUEST_VALID,
    NOT_A_SERVER_ERROR,
    STATUS_CODE_CONFORMANCE,
    CONTENT_TYPE_CONFORMANCE,
    RESPONSE_SCHEMA_CONFORMANCE,
    ENUM_DOCUMENTED,
    REQUEST_TYPE_SHAPE,
)
