"""`apiconform run` and `apiconform proxy` against hostile servers: nothing hangs, nothing prints a traceback,
nothing eats memory, and every outcome is classified the way a user needs it.

- The whole target unusable (refused, TLS it cannot trust, no complete answer in time, resets, not HTTP at all):
  exit 3 and one line on stderr naming the problem and the fix.
- The target answers, badly (an HTML page with 200, "JSON" that is not, a 50 MB body, a gzip bomb, a redirect
  loop, 503s, a slow operation): exit 1, and report.json attributes each failure to the operation(s) and check
  it concerns — and to nothing else (no false alarms).
- A transport that is odd but legal (HTTP/1.0, close-delimited bodies) in front of a conforming server: exit 0.

Each hostile server (hostile_server.py) listens on 127.0.0.1, port 0, in a thread, and stops by itself.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from apiconform.runner.scenarios.base import ANSWER_TOO_LARGE, NO_ANSWER_IN_TIME
from tests.apiconform.robustness.hostile_server import HostileServer, gzip_bomb, refused_url, tls_available
from tests.apiconform.robustness.support import (
    Background,
    CliResult,
    assert_clean_exit,
    assert_one_line_error,
    error_lines,
    report_failures,
    run_cli,
)

SURFACE = "code-insight"
STARTUP_S = 15.0  # interpreter start, imports, report writing: the margin over what the target costs
MEMORY_MIB = 450.0  # a run that unpacked the gzip bomb (1 GiB) or kept the 50 MB body would be far above this
GET_OPS = frozenset({"GET /jobs", "GET /jobs/{jobId}"})
ALL_OPS = GET_OPS | {"POST /jobs/sbomexport/{projectId}", "POST /jobs/notices/{projectId}"}
SHAPE_AND_TRANSPORT = frozenset(
    {"not_a_server_error", "response_schema_conformance", "content_type_conformance", "status_code_conformance"}
)


@dataclass(frozen=True)
class Case:
    behaviour: str
    exit_code: int
    timeout: float = 3.0  # --timeout
    bound: float = 60.0  # the whole command must end within this many seconds
    message: tuple[str, ...] = ()  # exit 3: the error line names these
    required: dict[str, frozenset[str]] = field(default_factory=dict)  # check -> operations it must fail on
    forbidden: frozenset[str] = frozenset()  # checks that must not fail (false alarms)
    only_ops: frozenset[str] | None = None  # no failure on any other operation
    only: str | None = None  # the server plays the behaviour on this "METHOD /path" pattern only
    drip_seconds: float = 1.3
    plays: int | None = None  # the server plays the behaviour on the first N targeted requests only
    extra_args: tuple[str, ...] = ()
    says: tuple[str, str, tuple[str, ...]] | None = None  # (check, its failures' title, words in their message)

    @property
    def id(self) -> str:
        return (
            self.behaviour
            + (f"[{self.only}]" if self.only else "")
            + ("+" + "".join(self.extra_args) if self.extra_args else "")
        )


UNUSABLE = (
    Case("refused", 3, timeout=2, bound=2 + STARTUP_S, message=("cannot connect", "Connection refused", "--base-url")),
    Case("reset", 3, timeout=2, bound=2 + STARTUP_S, message=("complete HTTP answer", "reset")),
    Case("truncated", 3, timeout=2, bound=2 + STARTUP_S, message=("complete HTTP answer", "received 10 bytes")),
    Case("silent", 3, timeout=2, bound=2 * 2 + STARTUP_S, message=("did not answer within 2 s", "--timeout")),
    Case("drip", 3, timeout=1, bound=3 * 1 + STARTUP_S, drip_seconds=6, message=("still sending", "--timeout")),
    Case("drip_head", 3, timeout=1, bound=3 * 1 + 1 + STARTUP_S, message=("did not finish answering", "--timeout")),
    Case("garbage", 3, timeout=2, bound=2 + STARTUP_S, message=("complete HTTP answer",)),
    Case("tls", 3, timeout=2, bound=2 + STARTUP_S, message=("TLS certificate", "not trusted", "SSL_CERT_FILE")),
    # The base URL answers, every operation's request resets mid-body: no complete answer at all is exit 3 too.
    Case("reset", 3, only="* /jobs*", bound=60, message=("GET /jobs got no answer", "reset")),
    # The same behaviours everywhere: the preflight's documented call already shows the target cannot be tested.
    Case("html", 3, message=("answered 200 with an HTML page", "not the code-insight API", "--base-url")),
    Case("error_503", 3, message=("answered 503", "check the server")),
    Case("huge", 3, message=("GET /jobs got no answer", "10 MiB", "--max-response-bytes")),
    Case("redirect_loop", 3, message=("GET /jobs answered 302, not a success", "--base-url")),
)
BY_ID = frozenset({"GET /jobs/{jobId}"})
BELOW_JOBS = ALL_OPS - {"GET /jobs"}  # every operation but the list the preflight reads
# A broken GET /jobs/{jobId} also breaks the async-job checks of the exports, which poll their job through it.
BY_ID_AND_POLLERS = BELOW_JOBS
ANSWERS_BADLY = (
    # The preflight's list answers well; the operations below /jobs/ answer badly: each is their failure.
    Case(
        "html",
        1,
        only="GET /jobs/[0-9]*",
        required={"content_type_conformance": BY_ID},
        only_ops=BY_ID_AND_POLLERS,
        forbidden=frozenset({"not_a_server_error", "response_time", "response_schema_conformance"}),
    ),
    Case(
        "not_json",
        1,
        only="GET /jobs/[0-9]*",
        required={"response_schema_conformance": BY_ID},
        only_ops=BY_ID_AND_POLLERS,
        forbidden=frozenset({"not_a_server_error", "response_time", "content_type_conformance"}),
    ),
    Case(
        "bad_utf8",
        1,
        only="GET /jobs/[0-9]*",
        required={"response_schema_conformance": BY_ID},
        only_ops=BY_ID_AND_POLLERS,
        forbidden=frozenset({"not_a_server_error", "response_time", "content_type_conformance"}),
    ),
    Case(
        "huge",
        1,
        only="* /jobs/*",
        required={"not_a_server_error": BELOW_JOBS},
        forbidden=frozenset({"response_schema_conformance", "content_type_conformance", "response_time"}),
    ),
    Case(
        "gzip_bomb",
        1,
        only="* /jobs/*",
        required={"not_a_server_error": BELOW_JOBS},
        forbidden=frozenset({"response_schema_conformance", "content_type_conformance", "response_time"}),
        says=("not_a_server_error", ANSWER_TOO_LARGE, ("10 MiB", "--max-response-bytes")),
    ),
    Case(
        "redirect_loop",
        1,
        only="* /jobs/*",
        required={"status_code_conformance": BELOW_JOBS},
        forbidden=frozenset({"not_a_server_error", "response_time"}),
    ),
    Case(
        "error_503",
        1,
        only="* /jobs/*",
        required={"not_a_server_error": BELOW_JOBS, "status_code_conformance": BY_ID},
        forbidden=frozenset({"response_time"}),
    ),
    # One operation trickles its first (correct) answers in over 1.3 s: response_time on that operation, nothing else.
    Case(
        "drip",
        1,
        timeout=5,
        only="GET /jobs",
        plays=4,
        bound=120,
        required={"response_time": frozenset({"GET /jobs"})},
        only_ops=frozenset({"GET /jobs"}),
        forbidden=SHAPE_AND_TRANSPORT,
    ),
    # One operation stops answering: its requests time out (response_time), the other operations stay clean.
    Case(
        "silent",
        1,
        timeout=1,
        only="POST /jobs/notices/*",
        plays=3,
        bound=90,
        required={"response_time": frozenset({"POST /jobs/notices/{projectId}"})},
        only_ops=frozenset({"POST /jobs/notices/{projectId}"}),
        forbidden=SHAPE_AND_TRANSPORT,
        says=("response_time", NO_ANSWER_IN_TIME, ("--timeout",)),
    ),
    # --max-response-bytes is honoured: the mock's job list (well over 2000 bytes) is refused, reported, not read.
    Case(
        "plain",
        1,
        extra_args=("--max-response-bytes", "2000"),
        says=("not_a_server_error", ANSWER_TOO_LARGE, ("2000 bytes", "--max-response-bytes")),
        required={"not_a_server_error": frozenset({"GET /jobs"})},
        forbidden=frozenset({"response_schema_conformance", "content_type_conformance"}),
    ),
)
CONFORMING = (Case("plain", 0), Case("http10", 0))


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "work").mkdir()
    return tmp_path / "work"


def _credentials(path: Path, server: HostileServer | None) -> Path:
    document = server.credentials() if server is not None else {"surface": SURFACE, "token": "not-a-real-token-1234"}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@contextlib.contextmanager
def serve(case: Case) -> Iterator[HostileServer | None]:
    if case.behaviour == "refused":
        yield None
        return
    if case.behaviour == "tls" and tls_available() is not None:
        pytest.skip(f"no self-signed certificate: {tls_available()}")
    with HostileServer(case.behaviour, only=case.only, drip_seconds=case.drip_seconds, plays=case.plays) as server:
        yield server


def _run(case: Case, server: HostileServer | None, tmp_path: Path, workdir: Path) -> CliResult:
    url = server.url if server is not None else refused_url()
    credentials = _credentials(tmp_path / "credentials.json", server)
    args = [
        "run", SURFACE, "--base-url", url, "--credentials", str(credentials), "--profile", "quick",
        "--report-dir", str(tmp_path / "reports"), "--timeout", f"{case.timeout:g}", *case.extra_args,
    ]  # fmt: skip
    result = run_cli(args, bound=case.bound, cwd=workdir)
    assert result.seconds <= case.bound, result.describe()
    assert result.max_rss_mib < MEMORY_MIB, result.describe()
    return result


@pytest.mark.parametrize("case", UNUSABLE, ids=lambda c: c.id)
def test_an_unusable_target_is_exit_3_with_one_line(case: Case, tmp_path: Path, workdir: Path) -> None:
    with serve(case) as server:
        result = _run(case, server, tmp_path, workdir)
        assert_one_line_error(result, 3, *case.message)


@pytest.mark.parametrize("case", ANSWERS_BADLY, ids=lambda c: c.id)
def test_bad_answers_fail_the_operations_they_concern(case: Case, tmp_path: Path, workdir: Path) -> None:
    with serve(case) as server:
        result = _run(case, server, tmp_path, workdir)
        assert_clean_exit(result)
        assert result.code == case.exit_code, result.describe()
        assert not error_lines(result.stderr), result.describe()
        failures = report_failures(tmp_path / "reports")
        failed: dict[str, set[str]] = {}
        for failure in failures:
            failed.setdefault(failure["check"], set()).add(failure["operation"])
        for check, operations in case.required.items():
            assert operations <= failed.get(check, set()), f"{check}: {failed.get(check)}\n{result.describe()}"
        assert not case.forbidden & set(failed), f"false alarms: {case.forbidden & set(failed)}\n{result.describe()}"
        if case.only_ops is not None:
            stray = {f["operation"] for f in failures} - case.only_ops
            assert not stray, f"failures on operations that answered fine: {stray}\n{result.describe()}"
        if case.says is not None:
            check, title, words = case.says
            said = [f for f in failures if f["check"] == check and f["operation"] in case.required[check]]
            assert said, result.describe()
            for failure in said:  # names the bound that was hit, carries a reproduction
                assert failure["title"] == title, failure
                assert all(word in failure["message"] for word in words), failure
                assert failure["curl"].startswith("curl "), failure
        if server is not None and case.behaviour == "redirect_loop":
            # A redirect is judged, never followed: a few requests per case, not 30 hops each.
            assert server.requests < 300, server.requests


@pytest.mark.parametrize("case", CONFORMING, ids=lambda c: c.id)
def test_a_conforming_server_over_an_odd_transport_passes(case: Case, tmp_path: Path, workdir: Path) -> None:
    with serve(case) as server:
        result = _run(case, server, tmp_path, workdir)
        assert_clean_exit(result)
        assert result.code == 0, result.describe()
        assert report_failures(tmp_path / "reports") == []


# -- the proxy in front of hostile servers ------------------------------------------------------------------------

PROXY_TIMEOUT_S = 2.0
AUTH = {"Authorization": "Bearer not-a-real-token-1234"}


@dataclass(frozen=True)
class ProxyCase:
    behaviour: str
    status: int  # what the client gets
    exit_code: int  # the proxy's, once stopped
    check: str | None  # the check the exchange fails in the proxy's report


PROXY_CASES = (
    # An upstream that never answered anything: the proxy proved nothing, exit 3 (its reports still say why).
    ProxyCase("refused", 502, 3, "not_a_server_error"),
    ProxyCase("silent", 504, 3, "not_a_server_error"),
    ProxyCase("garbage", 502, 3, "not_a_server_error"),
    ProxyCase("reset", 200, 1, "not_a_server_error"),  # headers came; the body breaks off for the client too
    ProxyCase("html", 200, 1, "content_type_conformance"),  # the hostile bytes, judged
    ProxyCase("gzip_bomb", 200, 0, None),  # the hostile bytes, byte for byte, never unpacked by the proxy
)


@pytest.mark.parametrize("case", PROXY_CASES, ids=lambda c: c.behaviour)
def test_proxy_in_front_of_a_hostile_server(case: ProxyCase, tmp_path: Path, workdir: Path) -> None:
    with serve(Case(case.behaviour, 0)) as server:
        upstream = server.url if server is not None else refused_url()
        reports = tmp_path / "reports"
        proxy = Background(
            [
                "proxy",
                SURFACE,
                "--upstream",
                upstream,
                "--report-dir",
                str(reports),
                "--timeout",
                f"{PROXY_TIMEOUT_S:g}",
            ],
            cwd=workdir,
        )
        try:
            received = 0
            broke_off = False
            with (
                httpx.Client(timeout=PROXY_TIMEOUT_S * 5) as client,
                client.stream(
                    "GET", f"{proxy.url}/jobs", params={"limit": 5}, headers={"Authorization": "Bearer x"}
                ) as answer,
            ):
                status = answer.status_code
                try:
                    for chunk in answer.iter_raw():
                        received += len(chunk)
                except httpx.RemoteProtocolError:
                    broke_off = True
        finally:
            result = proxy.stop()
        assert_clean_exit(result)
        assert "ERROR" not in result.stderr, result.describe()
        assert status == case.status, result.describe()
        assert result.code == case.exit_code, result.describe()
        assert result.max_rss_mib < MEMORY_MIB, result.describe()
        assert (reports / "report.json").exists(), result.describe()
        checks = {f["check"] for f in report_failures(reports)}
        assert checks == ({case.check} if case.check else set()), result.describe()
        if case.behaviour == "reset":
            assert broke_off, "the client must see the truncation the upstream caused"
        if case.behaviour == "gzip_bomb":
            assert received == len(gzip_bomb())
