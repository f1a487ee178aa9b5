"""`apiconform proxy` end to end: a real mock served by uvicorn, the proxy served by uvicorn in front of it, and a
real HTTP client (httpx) talking to the proxy. Ports are all 0 (picked by the OS), only loopback is used.

Conforming traffic leaves no failure; malformed requests and undocumented operations are reported against the
operation they aimed at; binary downloads pass byte-identical; concurrent clients are all answered; reports
validate and never hold a secret; the command writes its reports when stopped by a signal.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from starlette.middleware.gzip import GZipMiddleware

import apiconform.mocks
from apiconform.commands.proxy import add_arguments, run_proxy
from apiconform.errors import UsageError
from apiconform.mocks import Clock
from apiconform.mocks.behaviour import Behaviour
from apiconform.proxy import ProxyRecorder, proxy_app
from apiconform.proxy.app import upstream_root
from apiconform.reports import FORMATS, write_reports
from apiconform.runner.results import Failure, RunResult
from tests.served import Served

REPO = Path(__file__).resolve().parents[3]
REPORT_SCHEMA = json.loads((REPO / "apiconform" / "reports" / "report.schema.json").read_text(encoding="utf-8"))
START = 1_750_000_000.0
CANARY = "canary-7f3a9c1e5b2d"  # a credential value no redaction pattern would recognise by its shape


class FrozenClock(Clock):
    """Time stands still, so two downloads of the same report are byte-identical (reports carry a timestamp)."""

    def now(self) -> float:
        return START


class Setup:
    """A mock of one surface, the proxy in front of it and a client of the proxy."""

    def __init__(
        self,
        surface: str,
        *,
        faults: tuple[str, ...] = (),
        wrap: Any = None,
        secrets: tuple[str, ...] = (),
        max_body_bytes: int = 1024 * 1024,
    ) -> None:
        self.behaviour: Behaviour = apiconform.mocks.behaviour(surface, faults=faults, clock=FrozenClock())
        base_path = self.behaviour.spec.base_paths()[0]
        mock_app = apiconform.mocks.app(self.behaviour)
        self.mock = Served(wrap(mock_app) if wrap else mock_app)
        self.upstream = self.mock.url(base_path)
        creds = [str(v) for v in self.behaviour.credentials().values()]
        self.recorder = ProxyRecorder(
            surface, upstream=self.upstream, secrets=[*creds, *secrets], max_body_bytes=max_body_bytes
        )
        self.written: list[Path] = []
        self.report_dir: Path | None = None
        app = proxy_app(surface, self.upstream, recorder=self.recorder, on_shutdown=self._write)
        self.proxy = Served(app, lifespan="on")
        self.base_url = self.proxy.url(base_path)
        self.client = httpx.Client(base_url=self.base_url, headers=self.behaviour.auth_headers(), timeout=30)

    def _write(self, recorder: ProxyRecorder) -> None:
        if self.report_dir is not None:
            self.written += write_reports(recorder.result(), self.report_dir, FORMATS)

    def direct(self) -> httpx.Client:
        return httpx.Client(base_url=self.upstream, headers=self.behaviour.auth_headers(), timeout=30)

    def failures(self) -> list[Failure]:
        return self.recorder.result().failures

    def close(self) -> None:
        self.client.close()
        self.proxy.stop()
        self.mock.stop()


@pytest.fixture
def code_insight() -> Iterator[Setup]:
    setup = Setup("code-insight", secrets=(CANARY,))
    yield setup
    setup.close()


def _cells(result: RunResult, label: str) -> dict[str, tuple[int, int]]:
    op = next(o for o in result.operations() if o.label == label)
    return {check: (cell.passed, cell.failed) for check, cell in op.checks.items()}


def _reported(setup: Setup) -> set[tuple[str, str]]:
    return {(f.operation, f.check) for f in setup.failures()}


# -- conforming and malformed traffic -------------------------------------------------------------------------


def test_conforming_traffic_is_not_reported(code_insight: Setup) -> None:
    client = code_insight.client
    jobs = client.get("/jobs", params={"limit": 5})
    assert jobs.status_code == 200
    assert len(jobs.json()) == 5
    assert client.get(f"/jobs/{jobs.json()[0]['id']}").status_code == 200
    assert client.get("/jobs", params={"status": "Completed", "jobsHistoryInDays": 30}).status_code == 200
    assert client.post("/jobs/notices/1", params={"overwriteAll": "true"}).status_code == 202

    result = code_insight.recorder.result()
    assert result.failures == []
    assert result.conformant
    listing = next(o for o in result.operations() if o.label == "GET /jobs")
    assert listing.cases == 2
    assert dict(listing.statuses) == {200: 2}
    assert "Job.status" in listing.enum_values  # enum values seen, as `run` records them
    single = next(o for o in result.operations() if o.label == "GET /jobs/{jobId}")
    assert {"id", "status"} <= single.response_fields  # top-level fields of object answers
    for check in ("client_operation_known", "client_request_valid", "status_code_conformance",
                  "content_type_conformance", "response_schema_conformance"):  # fmt: skip
        assert _cells(result, "GET /jobs")[check] == (2, 0), check
    assert _cells(result, "POST /jobs/notices/{projectId}")["client_request_valid"] == (1, 0)
    unused = next(o for o in result.operations() if o.label == "POST /jobs/sbomexport/{projectId}")
    assert unused.excluded is not None  # nobody called it: shown, but not a failure of the traffic


def test_malformed_requests_and_undocumented_operations_are_reported(code_insight: Setup) -> None:
    client = code_insight.client
    # The proxy forwards even what it flags: the client sees the upstream's own answer.
    assert client.get("/jobs", params={"limit": 0}).status_code == 400
    assert client.get("/jobs/not-a-number").status_code == 400
    assert client.get("/jobs", params={"colour": "red"}).status_code == 200
    assert client.delete("/jobs/1").status_code == 405
    assert client.get("/reports").status_code == 404

    reported = _reported(code_insight)
    assert ("GET /jobs", "client_request_valid") in reported
    assert ("GET /jobs/{jobId}", "client_request_valid") in reported
    assert ("DELETE /jobs/{jobId}", "client_operation_known") in reported
    assert ("GET /reports", "client_operation_known") in reported
    titles = {f.title for f in code_insight.failures() if f.operation == "GET /jobs"}
    assert titles == {"Invalid query parameter `limit`", "Undocumented query parameter"}
    limit = next(f for f in code_insight.failures() if f.title == "Invalid query parameter `limit`")
    assert "minimum" in limit.message
    assert limit.curl.startswith("curl -X GET") and "limit=0" in limit.curl
    assert "[REDACTED]" in limit.curl  # the client's Authorization header, masked
    assert limit.exchange is not None and limit.exchange.status == 400
    # The server answered the malformed requests as documented: only the client is at fault.
    assert not {c for _, c in reported} - {"client_request_valid", "client_operation_known"}


def test_a_string_where_an_integer_is_required_is_reported() -> None:
    setup = Setup("sd-elements")
    try:
        assert setup.client.get("/api/v2/jobs/alm/", params={"connection": "twelve"}).status_code == 400
        reported = _reported(setup)
        assert ("GET /api/v2/jobs/alm/", "client_request_valid") in reported
        message = next(f.message for f in setup.failures() if f.operation == "GET /api/v2/jobs/alm/")
        assert "'twelve' is not an integer" in message
    finally:
        setup.close()


# -- transparency ---------------------------------------------------------------------------------------------


def test_binary_pdf_export_passes_through_byte_identical() -> None:
    setup = Setup("metadefender-sscp")
    try:
        with setup.direct() as direct:
            expected = direct.get("/api/v1/export/pdf/all-scans")
        proxied = setup.client.get("/api/v1/export/pdf/all-scans")
        assert proxied.status_code == expected.status_code == 200
        assert proxied.content.startswith(b"%PDF-")
        assert proxied.content == expected.content
        for header in ("content-type", "content-disposition", "content-length"):
            assert proxied.headers[header] == expected.headers[header]
        assert setup.failures() == []
        cells = _cells(setup.recorder.result(), "GET /api/v1/export/pdf/all-scans")
        assert cells["content_type_conformance"] == (1, 0)
    finally:
        setup.close()


def test_compressed_answers_pass_compressed_and_are_judged_decoded() -> None:
    setup = Setup("code-insight", wrap=lambda app: GZipMiddleware(app, minimum_size=10))
    try:
        request = setup.client.build_request("GET", "/jobs", params={"limit": 25})
        with setup.client.stream(request.method, request.url, headers=request.headers) as answer:
            wire = b"".join(answer.iter_raw())  # the bytes as they crossed the proxy, not decoded by httpx
        assert answer.headers["content-encoding"] == "gzip"
        assert isinstance(json.loads(gzip.decompress(wire)), list)
        assert setup.failures() == []
        assert _cells(setup.recorder.result(), "GET /jobs")["response_schema_conformance"] == (1, 0)
    finally:
        setup.close()


def test_bodies_over_the_buffer_pass_whole_and_are_not_judged() -> None:
    setup = Setup("code-insight", max_body_bytes=64)
    try:
        with setup.direct() as direct:
            expected = direct.get("/jobs", params={"limit": 25})
        proxied = setup.client.get("/jobs", params={"limit": 25})
        assert len(proxied.content) > 64
        assert proxied.content == expected.content
        cells = _cells(setup.recorder.result(), "GET /jobs")
        assert cells["status_code_conformance"] == (1, 0)
        assert "response_schema_conformance" not in cells  # only 64 bytes were kept: no verdict, no false alarm
        assert setup.failures() == []
    finally:
        setup.close()


def test_concurrent_clients_all_get_answers(code_insight: Setup) -> None:
    def fetch(i: int) -> int:
        with httpx.Client(base_url=code_insight.base_url, headers=code_insight.behaviour.auth_headers()) as c:
            return c.get("/jobs", params={"limit": 1 + i % 10}).status_code

    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = list(pool.map(fetch, range(50)))
    assert statuses == [200] * 50
    result = code_insight.recorder.result()
    assert next(o for o in result.operations() if o.label == "GET /jobs").cases == 50
    assert result.failures == []


def test_unreachable_upstream_gets_a_502_and_a_failure() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/codeinsight/api"
    recorder = ProxyRecorder("code-insight", upstream=dead)
    proxy = Served(proxy_app("code-insight", dead, recorder=recorder, timeout=5), lifespan="on")
    try:
        with httpx.Client(base_url=proxy.url("/codeinsight/api"), timeout=30) as client:
            first = client.get("/jobs")
            second = client.get("/jobs/1")  # the proxy is still up after the first failure
        assert first.status_code == second.status_code == 502
        assert "upstream" in first.json()["error"]
        failures = recorder.result().failures
        assert {(f.operation, f.check, f.title) for f in failures} >= {
            ("GET /jobs", "not_a_server_error", "Upstream unreachable"),
            ("GET /jobs/{jobId}", "not_a_server_error", "Upstream unreachable"),
        }
    finally:
        proxy.stop()


def test_upstream_root_keeps_the_client_path_whole() -> None:
    bases = ["/api/v1.2", "/api/v1.3"]
    assert upstream_root("http://h:1/api/v1.2", bases).raw_path == b"/"
    assert upstream_root("http://h:1/gateway/api/v1.3/", bases).raw_path == b"/gateway"
    assert upstream_root("http://h:1", [""]).raw_path == b"/"


# -- reports --------------------------------------------------------------------------------------------------


def test_reports_validate_and_never_hold_a_secret(code_insight: Setup, tmp_path: Path) -> None:
    client = code_insight.client
    # The canary rides in a documented parameter and in a header no pattern knows; only the credentials net
    # (ProxyRecorder secrets) can catch it. The undocumented parameter makes sure a failure records the request.
    client.get("/jobs", params={"triggeredBy": CANARY, "colour": "red"}, headers={"X-Trace": CANARY})
    client.get("/jobs", params={"limit": "abc"})
    code_insight.report_dir = tmp_path
    code_insight.proxy.stop()  # the ASGI lifespan ends: the proxy writes its reports

    assert {p.name for p in code_insight.written} == {
        "junit.xml", "allure-results", "report.html", "report.json", "summary.md"
    }  # fmt: skip
    document = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    assert document["run"]["profile"] == "proxy"
    assert {c for c in document["checks"]} >= {"client_request_valid", "client_operation_known"}
    assert document["checks"]["client_request_valid"]["source"] == "proxy"
    token = code_insight.behaviour.credentials()["token"]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) > 5
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert CANARY not in text, path
        assert token not in text, path


_BOOTSTRAP = "import sys\nfrom apiconform.cli import main\nsys.exit(main(['proxy', *sys.argv[1:]]))\n"


def _proxy_command(upstream: str, reports: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """`apiconform proxy code-insight` in a child process, and the URL it prints when ready."""
    command = [sys.executable, "-c", _BOOTSTRAP, "code-insight", "--upstream", upstream,
               "--report-dir", str(reports), "--format", "json,md", *extra]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/codeinsight/api"), url
    return process, url


def _stop(process: subprocess.Popen[str], how: signal.Signals) -> str:
    try:
        process.send_signal(how)
        return process.communicate(timeout=60)[1]
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_command_writes_reports_when_stopped(tmp_path: Path, stop: signal.Signals) -> None:
    behaviour = apiconform.mocks.behaviour("code-insight")
    mock = Served(apiconform.mocks.app(behaviour))
    credentials = tmp_path / "credentials.json"
    secrets = {**behaviour.credentials(), "headers": {"X-Canary": CANARY}}
    credentials.write_text(json.dumps(secrets), encoding="utf-8")
    reports = tmp_path / "reports"
    try:
        process, url = _proxy_command(mock.url("/codeinsight/api"), reports, "--credentials", str(credentials))
        with httpx.Client(base_url=url, headers=behaviour.auth_headers(), timeout=30) as client:
            assert client.get("/jobs", params={"limit": 2, "note": CANARY}).status_code == 200
        stderr = _stop(process, stop)
    finally:
        mock.stop()
    # SIGTERM is the proxy's ordinary end (the verdict: the undocumented `note` parameter was flagged); Ctrl-C is
    # exit 130, as for every command. The reports are written either way.
    assert process.returncode == (1 if stop == signal.SIGTERM else 130), stderr
    assert "Traceback" not in stderr
    assert "[client_request_valid]" in stderr
    document = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    assert CANARY not in (reports / "report.json").read_text(encoding="utf-8")
    assert CANARY not in (reports / "summary.md").read_text(encoding="utf-8")


def test_a_proxy_no_traffic_went_through_is_not_conformant(tmp_path: Path) -> None:
    mock = Served(apiconform.mocks.app("code-insight"))
    try:
        process, url = _proxy_command(mock.url("/codeinsight/api"), tmp_path / "reports")
        stderr = _stop(process, signal.SIGTERM)
    finally:
        mock.stop()
    assert process.returncode == 3, stderr
    assert f"apiconform: error: no traffic went through the proxy: did the client use {url}?" in stderr
    assert (tmp_path / "reports" / "report.json").exists()


def test_a_proxy_whose_upstream_never_answered_is_exit_3(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/codeinsight/api"
    process, url = _proxy_command(dead, tmp_path / "reports")
    with httpx.Client(base_url=url, timeout=30) as client:
        assert client.get("/jobs").status_code == 502
    stderr = _stop(process, signal.SIGTERM)
    assert process.returncode == 3, stderr
    assert f"the upstream {dead} never answered" in stderr and "check --upstream" in stderr


def test_command_usage_errors_are_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        cases = {
            "cannot listen on 127.0.0.1": ["--upstream", "http://127.0.0.1:9/codeinsight/api", "--port", port],
            "is not an http(s) URL": ["--upstream", "ftp://vendor.example/api"],
            "unknown report format": ["--upstream", "http://127.0.0.1:9", "--format", "pdf"],
            "--max-body-bytes 0": ["--upstream", "http://127.0.0.1:9", "--max-body-bytes", "0"],
        }
        for expected, argv in cases.items():
            parser = argparse.ArgumentParser()
            add_arguments(parser)
            args = parser.parse_args(["code-insight", "--report-dir", str(tmp_path), *argv])
            with pytest.raises(UsageError) as caught:
                run_proxy(args)
            assert expected in caught.value.message
            assert "\n" not in caught.value.message


# -- Mend: one operation per requestType ------------------------------------------------------------------------


def _mend(setup: Setup, request_type: str, scope: str, **fields: Any) -> httpx.Response:
    """POST one requestType with the userKey and the token of its scope (`orgToken`, `projectToken`, ...)."""
    credentials = setup.behaviour.credentials()
    body = {"requestType": request_type, "userKey": credentials["userKey"], scope: credentials[scope], **fields}
    return setup.client.post("", json=body)


def test_mend_traffic_is_judged_per_request_type() -> None:
    pytest.importorskip("apiconform.vendors.mend.mock", reason="the Mend mock is not in this checkout")
    setup = Setup("mend")
    try:
        assert "errorCode" not in _mend(setup, "getAllProducts", "orgToken").json()
        assert "errorCode" not in _mend(setup, "getProjectAlerts", "projectToken").json()
        proxied = _mend(setup, "getOrganizationInventoryReport", "orgToken")
        with setup.direct() as direct:
            expected = direct.post("", json=json.loads(proxied.request.content))
        assert proxied.content.startswith(b"PK\x03\x04")
        assert proxied.content == expected.content
        assert proxied.headers["content-type"] == expected.headers["content-type"]
        assert setup.failures() == []
        # Another version path of the same API: the same virtual operation, labelled as `run` labels it.
        credentials = setup.behaviour.credentials()
        body = {"requestType": "getAllProducts", "userKey": credentials["userKey"], "orgToken": credentials["orgToken"]}
        assert setup.client.post(setup.proxy.url("/api/v1.3"), json=body).status_code == 200
        result = setup.recorder.result()
        assert next(o for o in result.operations() if o.label == "POST /api/v1.2#getAllProducts").cases == 2
        _mend(setup, "getEverything", "orgToken")
        _mend(setup, "getProjectAlerts", "projectToken", fromDate=12)
        reported = _reported(setup)
        assert ("POST /api/v1.2#getEverything", "client_operation_known") in reported
        assert ("POST /api/v1.2#getProjectAlerts", "client_request_valid") in reported
        result = setup.recorder.result()
        assert _cells(result, "POST /api/v1.2#getAllProducts")["response_schema_conformance"] == (2, 0)
        assert _cells(result, "POST /api/v1.2#getAllProducts")["request_type_shape"] == (2, 0)
    finally:
        setup.close()


def test_mend_wrong_request_type_shape_is_flagged_per_request_type() -> None:
    pytest.importorskip("apiconform.vendors.mend.mock", reason="the Mend mock is not in this checkout")
    setup = Setup("mend", faults=("wrong-request-type-shape",))
    try:
        answer = _mend(setup, "getProjectAlerts", "projectToken")
        assert answer.status_code == 200
        assert "alerts" not in answer.json()  # the fault answered another requestType's shape
        reported = _reported(setup)
        assert ("POST /api/v1.2#getProjectAlerts", "request_type_shape") in reported
        assert ("POST /api/v1.2#getProjectAlerts", "response_schema_conformance") in reported
        shape = next(f for f in setup.failures() if f.check == "request_type_shape")
        assert "getProjectAlerts" in shape.message
        assert not any(f.check.startswith("client_") for f in setup.failures())
    finally:
        setup.close()
