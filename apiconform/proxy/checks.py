"""The client-side checks only the proxy can evaluate: it sees what a real client sends, not generated cases.

Server-side verdicts reuse the ids `run` reports (status, Content-Type, schema, Mend requestType shape), so a
proxy report and a run report line up cell by cell in `apiconform compare`. An upstream that cannot be reached
or answers 5xx is a `not_a_server_error` failure: that check already covers "no 5xx and no transport errors".
"""

from __future__ import annotations

from apiconform.runner.checks import CHECKS, CheckInfo, register

CLIENT_REQUEST_VALID = "client_request_valid"
CLIENT_OPERATION_KNOWN = "client_operation_known"

# The checks a proxy evaluates, in report order (request side first, as the traffic flows).
PROXY_CHECKS = (
    CLIENT_OPERATION_KNOWN,
    CLIENT_REQUEST_VALID,
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "enum_documented",
    "request_type_shape",
)

for _info in (
    CheckInfo(
        CLIENT_OPERATION_KNOWN,
        "client",
        "proxy",
        "the client calls only documented operations (method, path, Mend requestType)",
    ),
    CheckInfo(
        CLIENT_REQUEST_VALID,
        "client",
        "proxy",
        "the client's parameters, Content-Type and body conform to the operation's contract",
    ),
):
    # Importing this module twice (tests reload, plugins) must not trip the registry's duplicate guard.
    if _info.id not in CHECKS:
        register(_info)
