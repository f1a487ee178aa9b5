"""A verdict you can trust: never green without evidence, never red for the wrong reason.

The trust matrix: every surface, against its mock served on a real port, with the setups that make a gate lie:
no credentials, bogus ones, a misspelt key, another surface's file, a wrong base path, an expired JWT, an HTML
login page. Each is exit 3 (2 for the file's mistakes) with exactly one line naming the cause; none is ever 0.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

import apiconform.mocks
from apiconform.cli import main
from apiconform.mocks.behaviour import Behaviour
from apiconform.runner.profiles import get_profile
from tests.apiconform.runner.test_fault_profiles import EXPECTED, SCENARIOS_ONLY
from tests.served import Served
from tests.shared_runs import shared_run

SURFACES = ("code-insight", "sd-elements", "metadefender-sscp", "mend")
BOGUS = {
    "code-insight": {"token": "bogus-token-1234"},
    "sd-elements": {"token": "bogus-token-1234"},
    "metadefender-sscp": {"token": "bogus-token-1234"},
    "mend": {"userKey": "0" * 64, "orgToken": "bogus-org-token"},
}
MISSPELT = {
    "code-insight": {"tokn": "x"},
    "sd-elements": {"tokn": "x"},
    "metadefender-sscp": {"api_kye": "x"},
    "mend": {"userKey": "x", "orgTokn": "x"},
}
OTHER = {"code-insight": "mend", "sd-elements": "mend", "metadefender-sscp": "mend", "mend": "code-insight"}
# A base URL whose path is not the API's: the mock answers 404 there.
WRONG_BASE = {"code-insight": "", "sd-elements": "/sde", "metadefender-sscp": "/mds", "mend": "/api"}


@dataclass(frozen=True)
class Setup:
    name: str
    code: int
    says: tuple[str, ...]  # what the one line must name


SETUPS = {
    "no-credentials": Setup("no-credentials", 3, ("no credentials for", "--credentials FILE or set APICONFORM_")),
    "bogus-credentials": Setup("bogus-credentials", 3, ("credentials rejected:", "credentials file")),
    "misspelt-key": Setup("misspelt-key", 2, ("unknown key", "did you mean")),
    "other-surface": Setup("other-surface", 2, ("a key of",)),
    "wrong-base-path": Setup("wrong-base-path", 3, ("answered 404", "check the path in --base-url")),
    "html-login-page": Setup("html-login-page", 3, ("HTML page", '"Sign in"', "--base-url")),
    "expired-jwt": Setup("expired-jwt", 3, ("credentials rejected:", "expired or invalid", "fresh token")),
}
MATRIX = [(s, name) for s in SURFACES for name in SETUPS if name != "expired-jwt"] + [
    ("metadefender-sscp", "expired-jwt")
]


async def _login_page(request: Request) -> HTMLResponse:
    return HTMLResponse("<html><head><title>Sign in</title></head><body><form>...</form></body></html>")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("APICONFORM_"):
            monkeypatch.delenv(name)


@contextmanager
def _served(surface: str) -> Iterator[tuple[Behaviour, Served]]:
    behaviour = apiconform.mocks.behaviour(surface)
    with Served(apiconform.mocks.app(behaviour)) as served:
        yield behaviour, served


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(("surface", "setup"), MATRIX)
def test_a_target_that_cannot_be_tested_is_never_green(
    surface: str, setup: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = SETUPS[setup]
    credentials = tmp_path / "credentials.json"
    args = ["run", surface, "--profile", "quick", "--report-dir", str(tmp_path / "reports")]
    if setup == "html-login-page":
        credentials.write_text(json.dumps(BOGUS[surface]), encoding="utf-8")
        with Served(Starlette(routes=[Route("/{path:path}", _login_page, methods=["GET", "POST"])])) as page:
            code = main([*args, "--credentials", str(credentials), "--base-url", page.url("/login")])
    else:
        with _served(surface) as (behaviour, served):
            base = served.url(behaviour.spec.base_paths()[0])
            given: dict[str, object] | None = {
                "no-credentials": None,
                "bogus-credentials": BOGUS[surface],
                "misspelt-key": MISSPELT[surface],
                "other-surface": apiconform.mocks.behaviour(OTHER[surface]).credentials(),
                "wrong-base-path": behaviour.credentials(),
                "expired-jwt": {"token": behaviour.credentials().get("token")},
            }[setup]
            if setup == "wrong-base-path":
                base = served.url(WRONG_BASE[surface])
            if setup == "expired-jwt":
                behaviour.clock.advance(2 * 3600)  # past the JWT's 60 minutes; no username/password to log in
            if given is not None:
                credentials.write_text(json.dumps(given), encoding="utf-8")
                args += ["--credentials", str(credentials)]
            code = main([*args, "--base-url", base])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == expected.code, err
    assert len(lines) == 1, err
    assert all(part in lines[0] for part in expected.says), lines[0]
    assert "Traceback" not in err and not out


@pytest.mark.usefixtures("clean_env")
def test_a_base_url_in_the_credentials_file_is_the_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with _served("code-insight") as (behaviour, served):
        url = served.url(behaviour.spec.base_paths()[0])
        document = {**behaviour.credentials(), "base_url": url}
        (tmp_path / "c.json").write_text(json.dumps(document), encoding="utf-8")
        code = main(["run", "code-insight", "--profile", "quick", "--credentials", str(tmp_path / "c.json"),
                     "--report-dir", str(tmp_path / "reports")])  # fmt: skip
    report = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    assert code == 0, capsys.readouterr().err
    assert report["surfaces"][0]["base_url"] == url and not report["surfaces"][0]["embedded"]


# -- one check never hides another ---------------------------------------------------------------------------

SEMANTIC = {
    "code-insight": ("page-larger-than-limit", "offset-ignored", "filter-ignored", "order-flipped", "async-job-stuck"),
    "sd-elements": ("filter-ignored", "writes-lost"),
}
# The semantic faults live in the scenarios: the property phases would only add cost here (SCENARIOS_ONLY).
GROUPS = [
    (surface, combo) for surface, faults in SEMANTIC.items() for size in (2, 3) for combo in combinations(faults, size)
]


@pytest.mark.parametrize(("surface", "faults"), GROUPS, ids=lambda v: v if isinstance(v, str) else "+".join(v))
def test_faults_caught_alone_are_caught_together(shared_runs: Path, surface: str, faults: tuple[str, ...]) -> None:
    reported = {f.check for f in shared_run(shared_runs, surface, SCENARIOS_ONLY, faults=faults).result.failures}
    missed = [fault for fault in faults if not reported & EXPECTED[fault]]
    assert not missed, f"{missed} not reported together with {faults}: got {sorted(reported)}"


@pytest.mark.parametrize(("surface", "fault"), [(s, f) for s, faults in SEMANTIC.items() for f in faults])
def test_each_semantic_fault_alone_is_caught_by_the_scenarios(shared_runs: Path, surface: str, fault: str) -> None:
    result = shared_run(shared_runs, surface, SCENARIOS_ONLY, faults=(fault,)).result
    assert {f.check for f in result.failures} & EXPECTED[fault]


# -- Ctrl-C keeps what finished ------------------------------------------------------------------------------


def test_ctrl_c_during_run_all_keeps_every_finished_surface(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APICONFORM_")}
    reports = tmp_path / "reports"
    # A sixth of each surface's operations: every surface still runs in its own process, and one finishes soon.
    command = [sys.executable, "-m", "apiconform", "run", "all", "--profile", "quick", "--shard", "1/6",
               "--report-dir", str(reports)]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    finished: list[str] = []
    try:
        for line in process.stderr:
            done = re.match(r"apiconform: ([a-z-]+): done, ", line)
            if done:
                finished.append(done.group(1))
                break
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert finished, "no surface finished"
    assert process.returncode == 130, err
    report = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["interrupted"] and report["run"]["verdict"] == "interrupted"
    kept = {s["surface"] for s in report["surfaces"]}
    assert set(finished) <= kept, (finished, kept)
    assert "(interrupted)" in out
    assert get_profile("quick").name == report["run"]["profile"]
