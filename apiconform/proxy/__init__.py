"""`apiconform proxy`: a validating reverse proxy that judges real client traffic against a surface's contract.

from apiconform.proxy import ProxyRecorder, proxy_app
recorder = ProxyRecorder("code-insight", secrets=[token])
asgi = proxy_app("code-insight", "http://127.0.0.1:8080/codeinsight/api", recorder=recorder)
... serve it, send traffic ...
result = recorder.result()   # a RunResult (profile "proxy") for apiconform.reports.write_reports
"""

from __future__ import annotations

from apiconform.proxy.app import proxy_app
from apiconform.proxy.checks import CLIENT_OPERATION_KNOWN, CLIENT_REQUEST_VALID, PROXY_CHECKS
from apiconform.proxy.recorder import DEFAULT_MAX_BODY_BYTES, ProxyRecorder

__all__ = [
    "CLIENT_OPERATION_KNOWN",
    "CLIENT_REQUEST_VALID",
    "DEFAULT_MAX_BODY_BYTES",
    "PROXY_CHECKS",
    "ProxyRecorder",
    "proxy_app",
]
