"""Reproductions that run: curls that read the run's credentials from `$APICONFORM_*` variables (and mask every
other secret), failure ids in report.json, and `apiconform repro REPORT ID`, which sends a failure's request again
(to the same embedded mock started again, or to --base-url) and judges the answer by the failure's check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apiconform.cli import main
from apiconform.compare import _validator as report_validator
from apiconform.errors import UsageError
from apiconform.redact import MASK, Redactor, credential_names
from apiconform.reports import json_report
from apiconform.repro import failure_of, rebase, recorded_request, shell_words
from apiconform.runner.profiles import PROFILES
from apiconform.runner.property import _sample
from apiconform.runner.results import Failure
from apiconform.runner.scenarios.base import curl_command
from tests.apiconform.robustness.support import Background
from tests.shared_runs import shared_run

# Credentials with every character a shell treats specially, so quoting mistakes show.
TOKEN = "tok'en\"$HOME`x`!\\-0123456789"
USER_KEY = "uk-7f00 dba1'1"
OTHER = "canary-4c4c4c4c4c"  # a secret the run knows only by value (a custom header)
ENV = {"APICONFORM_TOKEN": TOKEN, "APICONFORM_USERKEY": USER_KEY}
ARGV_DUMP = f"{sys.executable} -c 'import json, sys; print(json.dumps(sys.argv[1:]))'"


def redactor() -> Redactor:
    credentials = {"token": TOKEN, "userKey": USER_KEY, "headers": {"X-Other": OTHER}, "surface": "code-insight"}
    return Redactor([TOKEN, USER_KEY, OTHER, f"Bearer {TOKEN}"], credential_names(credentials))


def named(text: str) -> str:
    """What the shell makes of a redacted text: the placeholders' values."""
    return text.replace("$APICONFORM_USERKEY", USER_KEY).replace("$APICONFORM_TOKEN", TOKEN)


# -- the redactor ---------------------------------------------------------------------------------------------------


def test_credentials_are_named_and_every_other_secret_is_masked() -> None:
    r = redactor()
    assert r.text(f"Authorization: Bearer {TOKEN}") == "Authorization: Bearer $APICONFORM_TOKEN"
    shown = r.text(json.dumps({"userKey": USER_KEY, "x": OTHER}))
    assert shown == '{"userKey": "$APICONFORM_USERKEY", "x": "[REDACTED]"}'
    assert r.headers({"Authorization": f"Bearer {TOKEN}", "X-Other": OTHER}) == {
        "Authorization": "Bearer $APICONFORM_TOKEN",
        "X-Other": MASK,
    }
    assert r.data({"userKey": USER_KEY, "orgToken": "not-a-known-one", "nested": [{"token": TOKEN}]}) == {
        "userKey": "$APICONFORM_USERKEY",
        "orgToken": MASK,
        "nested": [{"token": "$APICONFORM_TOKEN"}],
    }


def test_only_its_own_placeholders_pass_the_secret_patterns() -> None:
    r = redactor()
    # A value that merely looks like a placeholder, or holds a credential and more, is masked whole.
    assert r.data({"password": "$APICONFORM_PASSWORD"}) == {"password": MASK}
    assert r.headers({"Authorization": f"Bearer {TOKEN} {OTHER}"}) == {"Authorization": MASK}
    assert r.text("/x?userKey=$APICONFORM_TOKENX") == f"/x?userKey={MASK}"
    assert Redactor([f"prefix-{TOKEN}"], {TOKEN: "APICONFORM_TOKEN"}).text(f"x prefix-{TOKEN}") == f"x {MASK}"


# -- curl reproductions ---------------------------------------------------------------------------------------------


def test_a_curl_runs_in_sh_with_the_credentials_from_the_environment() -> None:
    body = json.dumps({"requestType": "getProjectAlerts", "userKey": USER_KEY, "note": "it's $5 `now`!"})
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Other": OTHER, "User-Agent": "python-httpx/0.28"}
    url = "http://127.0.0.1:9/api/v1.2/#getProjectAlerts"
    curl = curl_command("POST", url, headers, body, redactor(), json_body=True)
    assert not any(secret in curl for secret in (TOKEN, USER_KEY, OTHER))
    assert '"$APICONFORM_USERKEY"' in curl and "$APICONFORM_TOKEN" in curl and "#" not in curl
    expected = ["-X", "POST", "-H", f"Authorization: Bearer {TOKEN}", "-H", f"X-Other: {MASK}", "-H",
                "Content-Type: application/json", "-d", body, "http://127.0.0.1:9/api/v1.2/"]  # fmt: skip
    ran = subprocess.run(
        ["sh", "-c", ARGV_DUMP + curl.removeprefix("curl")], env=ENV, capture_output=True, text=True, check=True
    )
    assert json.loads(ran.stdout) == expected
    assert shell_words(curl, ENV)[1:] == expected  # repro reads it as sh does


@settings(deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", " ", "'", '"', "\\", "$", "`", "!", "{", "}", "X_1", "é", "\n", TOKEN,
                                          USER_KEY, OTHER, "Bearer ", "userKey", ": ", "="]),
                         max_size=8).map("".join), min_size=1, max_size=4))  # fmt: skip
def test_shell_words_read_back_what_the_redactor_quotes(argv: list[str]) -> None:
    r = redactor()
    assert shell_words(r.shell_command(argv), ENV) == [named(r.text(arg)) for arg in argv]


def test_curl_says_what_the_request_said() -> None:
    # no Content-Type: curl must not add its form-urlencoded one; an empty header is `Name;`; HEAD does not wait
    expected = "curl -X POST -H 'X-Empty;' -H Content-Type: -d raw http://h/x"
    assert curl_command("POST", "http://h/x", {"X-Empty": ""}, "raw") == expected
    assert (
        curl_command("HEAD", "http://h/x", {"Accept": "*/*", "Connection": "close"}, None) == "curl --head http://h/x"
    )
    sample = "curl -X POST -H 'Content-Type: application/json' -d '{}' 'http://h/api/v1.2/#getProjectAlerts'"
    assert _sample(sample, Redactor()).endswith(" 'http://h/api/v1.2/'")


# -- failure ids ----------------------------------------------------------------------------------------------------


def _failure(operation: str = "GET /jobs", title: str = "Undocumented status code") -> Failure:
    return Failure("code-insight", operation, "status_code_conformance", title, "received 299")


def test_failure_ids_are_stable_and_unique_in_a_report() -> None:
    failures = [_failure(), _failure("GET /jobs/{jobId}"), _failure(), _failure()]
    ids = json_report.failure_ids(failures)
    assert ids[0] == json_report.failure_ids([_failure("GET /projects"), _failure()])[1]  # whatever else was found
    assert ids[2:] == [f"{ids[0]}-2", f"{ids[0]}-3"] and len(set(ids)) == 4
    schema = json.loads(Path(json_report.__file__).with_name("report.schema.json").read_text(encoding="utf-8"))
    failure_schema = {**schema["$defs"]["failure"], "$defs": schema["$defs"]}
    document = json_report._failure(_failure(), ids[2])
    jsonschema.validate(document, failure_schema)
    jsonschema.validate({k: v for k, v in document.items() if k != "id"}, failure_schema)  # older reports


def _report(*ids: str) -> dict[str, Any]:
    return {"failures": [{"id": i, "curl": ""} for i in ids]}


def test_a_failure_is_found_by_its_id_or_a_unique_start() -> None:
    report = _report("3f9c2a1b", "3f9c2a1b-2", "a0b1c2d3")
    assert failure_of(report, "3f9c2a1b", Path("r.json"))["id"] == "3f9c2a1b"
    assert failure_of(report, "a0b1", Path("r.json"))["id"] == "a0b1c2d3"
    with pytest.raises(UsageError, match=r"no failure '3f9c2a1c' in r.json \(did you mean '3f9c2a1b'\?\)"):
        failure_of(report, "3f9c2a1c", Path("r.json"))
    with pytest.raises(UsageError, match="no failure 'a0b' in"):  # too short to be taken for a prefix
        failure_of(report, "a0b", Path("r.json"))
    with pytest.raises(UsageError, match="no failure ids"):
        failure_of({"failures": [{"curl": ""}]}, "3f9c2a1b", Path("r.json"))


def test_the_recorded_request_is_read_from_the_curl() -> None:
    curl = redactor().shell_command(
        ["curl", "-X", "POST", "-H", f"Authorization: Bearer {TOKEN}", "-H", "Content-Type:", "-H", "X-Empty;",
         "-d", json.dumps({"userKey": USER_KEY}), "http://127.0.0.1:1/api/v1.2/"]
    )  # fmt: skip
    request = recorded_request({"id": "f", "curl": curl}, ENV)
    assert (request.method, request.url) == ("POST", "http://127.0.0.1:1/api/v1.2/")
    assert request.body == json.dumps({"userKey": USER_KEY})
    assert request.headers == [("Authorization", f"Bearer {TOKEN}"), ("X-Empty", "")]  # `Content-Type:` sends none
    bad_ones = (("curl -o out http://h/x", "option -o"), ("curl http://h/$(id)", "expansion"), ("wget x", "not a curl"))
    for bad, why in bad_ones:
        with pytest.raises(UsageError, match=why):
            recorded_request({"id": "f", "curl": bad}, ENV)


def test_a_url_is_rebased_below_the_new_base_url() -> None:
    old = "http://127.0.0.1:40197/api/v1.2"
    assert rebase(f"{old}/", old, "http://127.0.0.1:5/api/v1.2") == "http://127.0.0.1:5/api/v1.2/"
    assert rebase("http://other:1/jobs?x=1", old, "https://h/ci") == "https://h/jobs?x=1"


# -- apiconform repro -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mend_report(shared_runs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = shared_run(shared_runs, "mend", PROFILES["quick"], faults=("wrong-request-type-shape",))
    folder = tmp_path_factory.mktemp("repro-report")
    return json_report.write(run.result, folder)


def _first(report: Path, check: str) -> dict[str, Any]:
    failures: list[dict[str, Any]] = json.loads(report.read_text(encoding="utf-8"))["failures"]
    return next(f for f in failures if f["check"] == check)


def test_the_report_is_valid_and_its_reproductions_carry_placeholders_not_fragments(mend_report: Path) -> None:
    document = json.loads(mend_report.read_text(encoding="utf-8"))
    report_validator().validate(document)
    for failure in document["failures"]:
        assert "#" not in failure["curl"] and "#" not in (failure["exchange"] or {}).get("url", ""), failure
        assert '"userKey": "[REDACTED]"' not in failure["curl"], failure
    assert '"$APICONFORM_USERKEY"' in _first(mend_report, "request_type_shape")["curl"]


def test_repro_on_the_same_mock_started_again_still_fails(
    mend_report: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APICONFORM_USERKEY", "from-a-developer-shell")  # the restarted mock's own credentials win
    failure = _first(mend_report, "request_type_shape")
    assert main(["repro", str(mend_report), failure["id"]]) == 1
    out = capsys.readouterr().out
    assert "target: the same mock again: apiconform mock mend --seed 0 --fault wrong-request-type-shape" in out
    assert "#" not in out.split("sent:")[1].splitlines()[0]
    request_type = failure["operation"].split("#")[1]
    assert out.splitlines()[-1].startswith(f"STILL FAILING request_type_shape: {request_type} answered without its")


def test_repro_against_a_conformant_server_now_passes(
    mend_report: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in os.environ if n.startswith("APICONFORM_")]:
        monkeypatch.delenv(name)
    credentials = tmp_path / "clean.json"
    mock = Background(["mock", "mend", "--port", "0", "--credentials-out", str(credentials)], cwd=tmp_path)
    try:
        failure = _first(mend_report, "response_schema_conformance")
        args = ["repro", str(mend_report), failure["id"][:6], "--base-url", mock.url]
        assert main([*args, "--credentials", str(credentials)]) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[-1] == "NOW PASSING response_schema_conformance: answered 200; the check holds"
        assert main(args) == 2  # without credentials: says which variables the request reads
        assert "the request reads APICONFORM_ORGTOKEN, APICONFORM_USERKEY" in capsys.readouterr().err
    finally:
        mock.stop()


def test_repro_refuses_an_unknown_id_and_a_check_of_several_requests(
    mend_report: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failure = _first(mend_report, "request_type_shape")
    typo = failure["id"][:-1] + ("0" if failure["id"][-1] != "0" else "1")
    assert main(["repro", str(mend_report), typo]) == 2
    assert f"(did you mean {failure['id']!r}?)" in capsys.readouterr().err
    assert main(["repro", str(mend_report), _first(mend_report, "crud_roundtrip")["id"]]) == 2
    assert "crud_roundtrip is decided over a sequence of requests" in capsys.readouterr().err
