"""Secrets never leave apiconform: canary values planted in credentials files (and in the traffic a proxied client
sends) must not appear in any report file, recording, comparison or console line — nor may the real credentials
of the mocks, nor recognisable pieces of them (a forged token that keeps all but four characters, a message that
cuts a token short). Yet a report's curl reproduces its failure: it reads the credentials from the APICONFORM_*
variables, and so does `apiconform repro`.

The mocks run as `apiconform mock SURFACE --port 0 --credentials-out FILE` with fault profiles, so that runs
fail and their reports carry the curls, exchanges and messages where a secret could slip through.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from apiconform.redact import variable_for
from tests.apiconform.robustness.support import (
    REPO,
    Background,
    CliResult,
    assert_clean_exit,
    report_failures,
    run_cli,
)

BOUND_S = 240.0
CANARIES = {  # values the redactor can only know from the credentials file: sent as headers on every request
    "password": "canary-pw-5d1e0f77aa",
    "api_key": "canary-ak-91b2c3d4ee",
    "userKey": "canary-uk-77f00dba11",
    "webhook_secret": "canary-wh-0c0c0c0c42",
}


def canary_headers(real: dict[str, Any]) -> dict[str, str]:
    """The mock's own auth headers plus every canary as a custom header (a surface takes only its own keys)."""
    return {**real.get("headers", {}), **{f"X-Canary-{name}": value for name, value in CANARIES.items()}}


HEADER_CANARY = "canary-hdr-3c3c3c3c9d"  # sent on every request in a custom header (credentials `headers`)
URL_PASSWORD = "canary-url-6f6f6f6f17"  # https://user:password@host
PATTERN_ONLY = {  # secrets a proxied client sends that no credentials file names: only the patterns can catch them
    "bearer": "patternonly-bearer-8d8d8d8d8d8d",
    "password": "patternonly-pw-2e2e2e2e2e",
    "userkey": "patternonly-uk-7a7a7a7a7a",
    "orgtoken": "patternonly-ot-4b4b4b4b4b",
}


def fragments(secret: str) -> list[str]:
    """The secret and pieces of it long enough to matter: a forged copy (all but the last four characters), the
    head, the middle and the tail."""
    if len(secret) < 32:
        return [secret]
    middle = len(secret) // 2
    return [secret, secret[:-4], secret[:16], secret[middle - 8 : middle + 8], secret[-16:]]


def _texts(paths: Iterable[Path]) -> Iterator[tuple[str, str]]:
    for root in paths:
        if not root.exists():
            continue
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            yield str(path), path.read_bytes().decode("latin-1")


def assert_no_leak(secrets: Iterable[str], paths: Iterable[Path], results: Iterable[CliResult]) -> None:
    pieces = {piece for secret in secrets for piece in fragments(secret)}
    places = list(_texts(paths))
    for result in results:
        places += [(f"stdout of {' '.join(result.args[:2])}", result.stdout)]
        places += [(f"stderr of {' '.join(result.args[:2])}", result.stderr)]
    assert len(places) > 2, "nothing was written: the test would prove nothing"
    leaks = sorted({(where, piece) for where, text in places for piece in pieces if piece in text})
    assert not leaks, "secrets leaked:\n" + "\n".join(f"  {piece!r} in {where}" for where, piece in leaks[:20])


def _mock(surface: str, tmp_path: Path, *faults: str) -> tuple[Background, dict[str, Any]]:
    out = tmp_path / f"{surface}-mock-credentials.json"
    args = ["mock", surface, "--port", "0", "--credentials-out", str(out)]
    for fault in faults:
        args += ["--fault", fault]
    mock = Background(args, cwd=tmp_path)
    return mock, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "work").mkdir()
    return tmp_path / "work"


def test_code_insight_run_replay_and_compare_leak_nothing(tmp_path: Path, work: Path) -> None:
    mock, real = _mock("code-insight", tmp_path, "auth-not-enforced", "required-field-missing", "wrong-content-type")
    try:
        credentials = dict(real)
        credentials["headers"] = dict(canary_headers(real), **{"X-Api-Key": HEADER_CANARY})
        creds = tmp_path / "canary-credentials.json"
        creds.write_text(json.dumps(credentials), encoding="utf-8")
        reports, recording = tmp_path / "reports", tmp_path / "recording.json"
        run = run_cli(
            ["run", "code-insight", "--base-url", mock.url, "--credentials", str(creds), "--profile", "quick",
             "--report-dir", str(reports), "--record", str(recording)],
            bound=BOUND_S, cwd=work,
        )  # fmt: skip
    finally:
        mock_result = mock.stop()
    assert_clean_exit(run)
    assert run.code == 1, run.describe()  # the faults make failures, with curls and exchanges, in every format
    failures = json.loads((reports / "report.json").read_text(encoding="utf-8"))["failures"]
    assert any(f["curl"] and f["exchange"] for f in failures)
    assert "[REDACTED]" in (reports / "report.json").read_text(encoding="utf-8")  # secrets went by, masked

    replayed = run_cli(["replay", str(recording), "--report-dir", str(tmp_path / "replayed")], bound=BOUND_S, cwd=work)
    assert_clean_exit(replayed)
    baseline = run_cli(
        ["run", "code-insight", "--profile", "quick", "--report-dir", str(tmp_path / "baseline")],
        bound=BOUND_S,
        cwd=work,
    )
    assert baseline.code == 0, baseline.describe()
    compared = [
        run_cli(["compare", str(tmp_path / "baseline" / "report.json"), str(reports / "report.json"), *fmt],
                bound=BOUND_S, cwd=work)
        for fmt in (("--format", "md"), ("--format", "json", "--output", str(tmp_path / "compare.json")))
    ]  # fmt: skip
    for result in compared:
        assert_clean_exit(result)
        assert result.code == 1, result.describe()  # the candidate has new failures: the comparison shows them

    secrets = [*CANARIES.values(), HEADER_CANARY, real["token"]]
    outputs = [reports, recording, tmp_path / "replayed", tmp_path / "compare.json"]
    assert_no_leak(secrets, outputs, [run, replayed, *compared, mock_result])


def test_mend_run_leaks_no_token(tmp_path: Path, work: Path) -> None:
    """The mock's real userKey and orgToken are the credentials (the mock must accept them); they, the product
    and project tokens, and the canaries must all stay out of every output."""
    mock, real = _mock("mend", tmp_path, "wrong-request-type-shape", "auth-not-enforced")
    try:
        creds = tmp_path / "canary-credentials.json"
        creds.write_text(json.dumps(dict(real, headers=canary_headers(real))), "utf-8")
        reports, recording = tmp_path / "reports", tmp_path / "recording.json"
        run = run_cli(
            ["run", "mend", "--base-url", mock.url, "--credentials", str(creds), "--profile", "quick",
             "--report-dir", str(reports), "--record", str(recording)],
            bound=BOUND_S, cwd=work,
        )  # fmt: skip
    finally:
        mock_result = mock.stop()
    assert_clean_exit(run)
    assert run.code == 1, run.describe()
    tokens = [real[k] for k in ("userKey", "orgToken", "productToken", "projectToken")]
    assert all(len(t) >= 32 for t in tokens)
    assert_no_leak([*tokens, CANARIES["password"], CANARIES["api_key"]], [reports, recording], [run, mock_result])


def credential_env(real: dict[str, Any]) -> dict[str, str]:
    """The APICONFORM_* variables of a credentials document (what a CI job would set)."""
    return {variable_for(k): v for k, v in real.items() if isinstance(v, str) and k not in ("surface", "base_url")}


def run_curl(curl: str, env: dict[str, str], tmp_path: Path) -> tuple[int, str, bytes]:
    """A report's curl run as written by `sh`, with `env` as its only variables: (status, Content-Type, body)."""
    out = tmp_path / "curl-body"
    command = f"{curl} -sS -o {shlex.quote(str(out))} -w '%{{http_code}} %{{content_type}}'"
    ran = subprocess.run(
        ["sh", "-c", command],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    status, _, content_type = ran.stdout.partition(" ")
    return int(status), content_type, out.read_bytes()


def _run_with_canaries(surface: str, mock: Background, real: dict[str, Any], tmp_path: Path, work: Path) -> CliResult:
    creds = tmp_path / "canary-credentials.json"
    creds.write_text(json.dumps(dict(real, headers=canary_headers(real))), encoding="utf-8")
    args = ["run", surface, "--base-url", mock.url, "--credentials", str(creds), "--profile", "quick"]
    run = run_cli([*args, "--report-dir", str(tmp_path / "reports")], bound=BOUND_S, cwd=work)
    assert_clean_exit(run)
    assert run.code == 1, run.describe()
    return run


def _repro(failure: dict[str, Any], tmp_path: Path, work: Path) -> CliResult:
    report, creds = tmp_path / "reports" / "report.json", tmp_path / "canary-credentials.json"
    result = run_cli(["repro", str(report), failure["id"], "--credentials", str(creds)], bound=BOUND_S, cwd=work)
    assert result.code == 1 and f"STILL FAILING {failure['check']}" in result.stdout, result.describe()
    return result


def test_a_mend_curl_from_the_report_runs_with_the_credentials_from_the_environment(tmp_path: Path, work: Path) -> None:
    """The curl names the userKey and orgToken as $APICONFORM_* (never the value, never a mask): with those set it
    gets the answer the run saw, with a wrong userKey an errorCode; `repro` sends it again to the same effect."""
    mock, real = _mock("mend", tmp_path, "wrong-request-type-shape")
    try:
        run = _run_with_canaries("mend", mock, real, tmp_path, work)
        failures = report_failures(tmp_path / "reports")
        assert all('"userKey": "[REDACTED]"' not in f["curl"] and "#" not in f["curl"] for f in failures)
        shape = next(f for f in failures if f["check"] == "request_type_shape")
        assert '"$APICONFORM_USERKEY"' in shape["curl"], shape["curl"]
        status, _, body = run_curl(shape["curl"], credential_env(real), tmp_path)
        seen = json.loads(shape["exchange"]["response_body"])
        assert (status, sorted(json.loads(body))) == (shape["exchange"]["status"], sorted(seen))
        wrong = dict(credential_env(real), APICONFORM_USERKEY="0" * 36)
        assert "errorCode" in json.loads(run_curl(shape["curl"], wrong, tmp_path)[2])
        repro = _repro(shape, tmp_path, work)
    finally:
        mock_result = mock.stop()
    tokens = [real[k] for k in ("userKey", "orgToken", "productToken", "projectToken")]
    secrets = [*tokens, *CANARIES.values()]
    assert_no_leak(secrets, [tmp_path / "reports"], [run, repro, mock_result])


def test_a_code_insight_curl_reads_its_bearer_token_from_the_environment(tmp_path: Path, work: Path) -> None:
    mock, real = _mock("code-insight", tmp_path, "wrong-content-type")
    try:
        run = _run_with_canaries("code-insight", mock, real, tmp_path, work)
        failure = next(f for f in report_failures(tmp_path / "reports") if f["check"] == "content_type_conformance")
        assert '-H "Authorization: Bearer $APICONFORM_TOKEN"' in failure["curl"], failure["curl"]
        status, content_type, _ = run_curl(failure["curl"], credential_env(real), tmp_path)
        exchange = failure["exchange"]
        assert (status, content_type) == (exchange["status"], exchange["response_headers"]["content-type"])
        assert run_curl(failure["curl"], {}, tmp_path)[0] == 401  # the variable is what carries the token
        repro = _repro(failure, tmp_path, work)
    finally:
        mock_result = mock.stop()
    assert_no_leak([real["token"], *CANARIES.values()], [tmp_path / "reports"], [run, repro, mock_result])


def test_a_password_in_the_base_url_is_masked(tmp_path: Path, work: Path) -> None:
    # The URL's user:password goes out as Basic auth in place of the token: a mock that serves anyone lets the run
    # reach its reports, which must show the URL with the password masked.
    mock, real = _mock("code-insight", tmp_path, "auth-not-enforced")
    try:
        creds = tmp_path / "credentials.json"
        creds.write_text(json.dumps(real), encoding="utf-8")
        url = mock.url.replace("http://", f"http://admin:{URL_PASSWORD}@")
        reports = tmp_path / "reports"
        run = run_cli(
            ["run", "code-insight", "--base-url", url, "--credentials", str(creds), "--profile", "quick",
             "--report-dir", str(reports)],
            bound=BOUND_S, cwd=work,
        )  # fmt: skip
    finally:
        mock.stop()
    assert_clean_exit(run)
    assert "admin:[REDACTED]@" in (reports / "report.json").read_text(encoding="utf-8")
    # ... and in one-line errors: a bad URL, an unreachable one.
    bad = run_cli(["run", "code-insight", "--base-url", f"ftp://admin:{URL_PASSWORD}@h/x"], bound=BOUND_S, cwd=work)
    gone = run_cli(
        [
            "run",
            "code-insight",
            "--base-url",
            f"http://admin:{URL_PASSWORD}@127.0.0.1:9/x",
            "--credentials",
            str(creds),
        ],
        bound=BOUND_S,
        cwd=work,
    )
    assert (bad.code, gone.code) == (2, 3), bad.describe() + gone.describe()
    assert_no_leak([URL_PASSWORD], [reports], [run, bad, gone])


def _proxy(surface: str, upstream: str, credentials: Path, reports: Path, work: Path) -> Background:
    return Background(
        ["proxy", surface, "--upstream", upstream, "--credentials", str(credentials), "--report-dir", str(reports)],
        cwd=work,
    )


def test_proxy_reports_leak_nothing(tmp_path: Path, work: Path) -> None:
    """Secrets from the credentials file, and secret-looking values only the patterns can recognise, sent by a
    client in headers, query strings and bodies, to documented and undocumented operations."""
    mock, real = _mock("code-insight", tmp_path, "wrong-content-type", "required-field-missing")
    creds = tmp_path / "canary-credentials.json"
    creds.write_text(json.dumps(dict(real, headers=canary_headers(real))), encoding="utf-8")
    reports = tmp_path / "reports"
    try:
        proxy = _proxy("code-insight", mock.url, creds, reports, work)
        try:
            auth = {"Authorization": f"Bearer {real['token']}", "X-Api-Key": HEADER_CANARY}
            with httpx.Client(base_url=proxy.url, timeout=30) as client:
                assert client.get("/jobs", params={"limit": 3}, headers=auth).status_code == 200
                query = {"limit": 3, "api_key": CANARIES["api_key"], "userKey": PATTERN_ONLY["userkey"]}
                client.get("/jobs", params=query, headers={"Authorization": f"Bearer {PATTERN_ONLY['bearer']}"})
                client.post("/jobs/sbomexport/1", headers=auth, json={"password": CANARIES["password"]})
                client.post("/jobs/sbomexport/1", headers=auth, json={"password": PATTERN_ONLY["password"]})
                client.put("/no/such/operation", headers=auth, json={"webhook_secret": CANARIES["webhook_secret"]})
        finally:
            proxy_result = proxy.stop()
    finally:
        mock_result = mock.stop()
    assert_clean_exit(proxy_result)
    assert proxy_result.code == 1, proxy_result.describe()
    assert "[REDACTED]" in (reports / "report.json").read_text(encoding="utf-8")
    secrets = [*CANARIES.values(), HEADER_CANARY, real["token"], PATTERN_ONLY["bearer"], PATTERN_ONLY["password"],
               PATTERN_ONLY["userkey"]]  # fmt: skip
    assert_no_leak(secrets, [reports], [proxy_result, mock_result])


def test_mend_proxy_reports_leak_nothing(tmp_path: Path, work: Path) -> None:
    mock, real = _mock("mend", tmp_path, "wrong-request-type-shape")
    creds = tmp_path / "credentials.json"
    creds.write_text(json.dumps(real), encoding="utf-8")
    reports = tmp_path / "reports"
    try:
        proxy = _proxy("mend", mock.url, creds, reports, work)
        try:
            keys = {"userKey": real["userKey"], "orgToken": real["orgToken"]}
            with httpx.Client(timeout=30) as client:
                for body in (
                    {"requestType": "getAllProducts", **keys},
                    {
                        "requestType": "getProductProjects",
                        "userKey": real["userKey"],
                        "productToken": real["productToken"],
                    },
                    {
                        "requestType": "getProjectAlerts",
                        "userKey": real["userKey"],
                        "projectToken": real["projectToken"],
                    },
                    {"requestType": "noSuchRequestType", **keys},
                    {
                        "requestType": "getAllProducts",
                        "userKey": PATTERN_ONLY["userkey"],
                        "orgToken": PATTERN_ONLY["orgtoken"],
                    },
                ):
                    client.post(proxy.url, json=body)
        finally:
            proxy_result = proxy.stop()
    finally:
        mock_result = mock.stop()
    assert_clean_exit(proxy_result)
    assert proxy_result.code == 1, proxy_result.describe()
    tokens = [real[k] for k in ("userKey", "orgToken", "productToken", "projectToken")]
    assert_no_leak([*tokens, PATTERN_ONLY["userkey"], PATTERN_ONLY["orgtoken"]], [reports], [proxy_result, mock_result])


def test_diff_output_leaks_no_credentials_from_the_environment(tmp_path: Path, work: Path) -> None:
    """`apiconform diff` reads specs, never credentials: secrets in APICONFORM_* variables stay out of it."""
    old = REPO / "specs" / "code-insight.yaml"
    document = yaml.safe_load(old.read_text(encoding="utf-8"))
    for parameter in document["paths"]["/jobs"]["get"]["parameters"]:
        if parameter["name"] == "triggeredBy":
            parameter["required"] = True  # a breaking change, so the diff has something to say
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(document), encoding="utf-8")
    env = {"APICONFORM_TOKEN": CANARIES["api_key"], "APICONFORM_PASSWORD": CANARIES["password"]}
    results = [
        run_cli(["diff", str(old), str(new), "--format", fmt], bound=BOUND_S, cwd=work, env=env)
        for fmt in ("text", "json", "md", "junit")
    ]
    for result in results:
        assert_clean_exit(result)
        assert result.code == 1 and "triggeredBy" in result.stdout, result.describe()
    assert_no_leak(CANARIES.values(), [], results)


def test_diff_masks_a_password_in_a_server_url(tmp_path: Path, work: Path) -> None:
    old = REPO / "specs" / "code-insight.yaml"
    document = yaml.safe_load(old.read_text(encoding="utf-8"))
    document["servers"][0]["url"] = document["servers"][0]["url"].replace("https://", f"https://ci:{URL_PASSWORD}@")
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(document), encoding="utf-8")
    out = tmp_path / "diff.md"
    result = run_cli(["diff", str(old), str(new), "--format", "md", "--output", str(out)], bound=BOUND_S, cwd=work)
    assert_clean_exit(result)
    assert "server-url-changed" in out.read_text(encoding="utf-8")
    assert_no_leak([URL_PASSWORD], [out], [result])


def test_fragments_cover_forged_and_cut_tokens() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9." + "a" * 30 + "." + "b" * 30
    assert token[:-4] in fragments(token) and token[-16:] in fragments(token)
    assert fragments("short-secret") == ["short-secret"]
