"""Every README example still runs: each command line the README shows (in code blocks, tables and prose, starting
with `apiconform `, `python -m apiconform`, `scripts/` or `pytest contracts`) is run here offline with the exit
code the README implies, or listed in NOT_RUN with the reason. A new example fails
`test_every_example_is_run_or_says_why_not` until it is given one or the other.

Synopses (`apiconform diff OLD NEW [--format ...]`) run with concrete values in place of their placeholders. The
commands run in a scratch directory holding `specs` and `examples` (links to the checkout's), so the README's
relative paths work and the reports go there. Most run in this process through `apiconform.cli.main` (the console
script's entry point); the servers (`mock`, `proxy`) and `python -m apiconform` run as child processes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from apiconform.cli import main
from apiconform.config import load_tool_config
from apiconform.runner.waivers import load_waivers

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PREFIXES = ("apiconform ", "python -m apiconform", "scripts/", "pytest contracts")
SERVER_START_S = 30.0


@dataclass(frozen=True)
class Command:
    """An example as it runs here: `apiconform ARGS` in the scratch directory, and the exit code it must give."""

    args: tuple[str, ...]
    exit_code: int = 0


# The runs the other examples read (the recording, the reports): made first.
RUN = Command(("run", "code-insight", "--profile", "quick", "--seed", "0", "--record", "recording.json"))
COMPARE = Command(("compare", "reports/report.json", "reports/report.json"))  # a report against itself: no drift
REPLAY = Command(("replay", "recording.json", "--report-dir", "replayed"))
DIFF_EXAMPLE = Command(("diff", "specs/mend.yaml", "examples/upgrade/mend-next.yaml"), 1)  # 12 breaking changes
DIFF = Command((*DIFF_EXAMPLE.args, "--format", "md", "--fail-on", "warning", "--config", "apiconform.toml"), 1)
SERVE = "serve"  # `apiconform mock` and `apiconform proxy`: test_the_mock_and_the_proxy_serve_and_stop
HELP = "python -m apiconform --help"

RUNS: dict[str, Command | str] = {
    "apiconform --version": Command(("--version",)),
    HELP: HELP,
    "apiconform codegen [--check] [SURFACE ...]": Command(("codegen", "--check", "code-insight")),
    "apiconform run SURFACE|all [options]": RUN,
    "apiconform run SURFACE|all [--base-url URL] [--credentials FILE] [--profile quick|default|thorough]": RUN,
    "apiconform run": RUN,
    "apiconform run ... --record FILE": RUN,
    "apiconform replay FILE": REPLAY,
    "apiconform replay": REPLAY,
    "apiconform mock": SERVE,
    "apiconform mock SURFACE [--host H] [--port N] [--fault NAME ...] [--credentials-out FILE] [--seed N]": SERVE,
    "apiconform mock --credentials-out FILE": SERVE,
    "apiconform proxy SURFACE --upstream URL [--port N] [--report-dir DIR] [--credentials FILE]": SERVE,
    "apiconform proxy": SERVE,
    "apiconform mock --list-faults": Command(("mock", "--list-faults")),
    "apiconform checks": Command(("checks",)),
    "apiconform diff OLD NEW [--format text|json|md|junit] [--fail-on breaking|warning] [--config FILE]": DIFF,
    "apiconform diff specs/mend.yaml examples/upgrade/mend-next.yaml": DIFF_EXAMPLE,
    "apiconform compare BASELINE_REPORT CANDIDATE_REPORT [--format md|json]": Command(
        ("compare", "reports/report.json", "reports/report.json", "--format", "json")
    ),
    "apiconform compare reports-old/report.json reports-new/report.json": COMPARE,
    "apiconform lint [SPEC ...]": Command(("lint", "specs/code-insight.yaml")),
    # the run above is conformant: no failure to turn into a waiver, an empty waiver file
    "apiconform baseline REPORT.json -o waivers.yaml [--expires DATE | --expires-in DAYS]": Command(
        ("baseline", "reports/report.json", "-o", "waivers.yaml", "--expires-in", "30")
    ),
}

NOT_RUN: dict[str, str] = {
    "pytest contracts --apiconform=mend -k getProjectAlerts": (
        "runs offline, but tests/apiconform/test_pytest_plugin.py::test_k_selects_the_operations_the_run_tests"
        " runs this very command line (and checks it tests 3 of 139 operations): not twice"
    ),
    "scripts/conformance": "sets up .venv and runs every surface with the default profile: minutes",
    "scripts/test": "sets up .venv and runs the whole test suite, this file included",
    "apiconform codegen": "rewrites generated/ in the checkout; `apiconform codegen --check code-insight` runs here",
    "apiconform run ... ; echo $?": "a pattern for a CI gate, not a command; the exit code of `run` is checked here",
    "pytest contracts --apiconform=mend --apiconform-base-url=URL --apiconform-credentials=FILE": (
        "needs a Mend server; tests/apiconform/test_pytest_plugin.py runs the plugin against a server a credentials"
        " file names"
    ),
    "apiconform run mend --base-url NEW --record new.json": "needs the new Mend server (NEW) and its credentials",
    "apiconform run mend --base-url URL": "needs a Mend server; the observed contract's runs are tests/specs/observed",
    "apiconform run mend --base-url URL --contract documented": (
        "needs a Mend server; tests/specs/observed/test_mend_documented_run.py runs the documented contract against"
        " the observed mock and checks the failures name apiAlertInfo"
    ),
    "scripts/schemathesis_mocks.py": "plain schemathesis with every phase against each mock: minutes",
    "scripts/bench_mocks.py": "a benchmark (requests per second, with Prism and wrk when installed): minutes",
    "scripts/bench_run.py": "a benchmark of `run all --profile default` and plain schemathesis runs: minutes",
    "apiconform run all --profile default": "the benchmark's run, about 60 s on 2 cores; `run code-insight` runs here",
    "scripts/false_alarm_budget.py [--seeds 1,2,3]": "the thorough profile over every surface per seed: minutes",
    "scripts/setup": "creates .venv; scripts/test and scripts/conformance run it first",
    "apiconform merge DIR... [--report-dir OUT] [--format LIST]": (
        "needs the reports of every shard of one run; tests/apiconform/test_merge.py merges three through the CLI"
    ),
    "apiconform repro REPORT FAILURE-ID [--base-url URL] [--credentials FILE] [--timeout S]": (
        "needs a failing report (this file's run is conformant); tests/apiconform/test_repro.py runs it on the"
        " failures of a faulted run"
    ),
    "apiconform repro": "the command above, named in prose",
}


def readme_examples(text: str) -> list[str]:
    """The command lines of the README: code-block lines and inline code spans that start with PREFIXES."""
    found: list[str] = []
    prose: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            command = line.split("  #")[0].strip()  # `scripts/test          # sets up .venv, ...`
            if command.startswith(PREFIXES):
                found.append(command)
        else:
            prose.append(line)
    for span in re.findall(r"`([^`]+)`", "\n".join(prose)):
        command = span.replace("\\|", "|").strip()  # a `|` inside a table cell is written `\|`
        if command.startswith(PREFIXES):
            found.append(command)
    return list(dict.fromkeys(found))


EXAMPLES = readme_examples(README.read_text(encoding="utf-8"))


def test_every_example_is_run_or_says_why_not() -> None:
    assert not set(RUNS) & set(NOT_RUN)
    unclassified = [e for e in EXAMPLES if e not in RUNS and e not in NOT_RUN]
    assert not unclassified, f"README examples to add to RUNS (with their exit code) or NOT_RUN: {unclassified}"
    gone = [e for e in (*RUNS, *NOT_RUN) if e not in EXAMPLES]
    assert not gone, f"no longer in the README (drop them here): {gone}"


@dataclass
class Outcome:
    exit_code: int
    out: str
    err: str


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory the examples run in: the checkout's specs and examples, and a settings file for `--config`."""
    where = tmp_path_factory.mktemp("readme")
    for name in ("specs", "examples"):
        (where / name).symlink_to(ROOT / name, target_is_directory=True)
    (where / "apiconform.toml").write_text('[diff.severity]\nresponse-property-added = "info"\n', encoding="utf-8")
    return where


@contextlib.contextmanager
def _inside(directory: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)


@pytest.fixture(scope="module")
def outcomes(scratch: Path) -> dict[tuple[str, ...], Outcome]:
    """Each distinct in-process command, run once (RUN first: the others read what it writes)."""
    commands = [RUN, *dict.fromkeys(c for c in RUNS.values() if isinstance(c, Command) and c is not RUN)]
    done: dict[tuple[str, ...], Outcome] = {}
    with _inside(scratch):
        for command in commands:
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(command.args))
            done[command.args] = Outcome(code, out.getvalue(), err.getvalue())
    return done


@pytest.mark.parametrize("example", [e for e in EXAMPLES if isinstance(RUNS.get(e), Command)])
def test_the_example_exits_as_the_readme_says(example: str, outcomes: dict[tuple[str, ...], Outcome]) -> None:
    command = RUNS[example]
    assert isinstance(command, Command)
    outcome = outcomes[command.args]
    assert outcome.exit_code == command.exit_code, (
        f"apiconform {' '.join(command.args)} exited {outcome.exit_code}, not {command.exit_code}:\n"
        f"{outcome.out[-1500:]}\n{outcome.err[-1500:]}"
    )


def test_the_worked_diff_example_counts_what_the_readme_shows(outcomes: dict[tuple[str, ...], Outcome]) -> None:
    text = README.read_text(encoding="utf-8")
    shown = text.split(f"`{' '.join(('apiconform', *DIFF_EXAMPLE.args))}` reports")[1].split("```")[1]
    summary = shown.strip().splitlines()[-1]
    assert summary == "14 changes (counted per operation): 12 breaking, 0 warning, 2 info"
    assert outcomes[DIFF_EXAMPLE.args].out.strip().splitlines()[-1] == summary


def test_python_m_apiconform_help(scratch: Path) -> None:
    done = _child(["-m", "apiconform", "--help"], scratch)
    assert done.returncode == 0 and done.stdout.startswith("usage: apiconform"), done.stderr


def test_the_mock_and_the_proxy_serve_and_stop(scratch: Path) -> None:
    """`apiconform mock ... --credentials-out FILE` serves until SIGTERM; `apiconform proxy ...` in front of it
    forwards a client's request and, on SIGTERM, writes its reports with the verdict's exit code (0: conformant).
    The mock ends the way uvicorn ends on SIGTERM: after its graceful shutdown it re-raises the signal."""
    creds = scratch / "ci.json"
    mock = _serve(["mock", "code-insight", "--port", "0", "--credentials-out", str(creds), "--seed", "0"], scratch)
    try:
        upstream = _url(mock)
        token = json.loads(creds.read_text(encoding="utf-8"))["token"]
        proxy = _serve(
            ["proxy", "code-insight", "--upstream", upstream, "--port", "0", "--report-dir", "proxied",
             "--credentials", str(creds)],
            scratch,
        )  # fmt: skip
        try:
            answer = httpx.get(f"{_url(proxy)}/jobs", headers={"Authorization": f"Bearer {token}"}, timeout=30)
            assert answer.status_code == 200
        finally:
            assert _stop(proxy) == 0
        assert (scratch / "proxied" / "report.json").is_file()
    finally:
        assert _stop(mock) in (0, -signal.SIGTERM)


def test_the_settings_and_waiver_blocks_load(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    settings = re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)
    waivers = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    assert settings and waivers
    for number, block in enumerate(settings):
        tomllib.loads(block)
        path = tmp_path / f"settings-{number}.toml"
        path.write_text(block, encoding="utf-8")
        assert load_tool_config(path)
    for number, block in enumerate(waivers):
        assert isinstance(yaml.safe_load(block), list)
        path = tmp_path / f"waivers-{number}.yaml"
        path.write_text(block, encoding="utf-8")
        assert load_waivers(path)


# -- child processes ------------------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    """This checkout first on the path; no pytest or apiconform settings of the session leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "APICONFORM_"))}
    return env | {"PYTHONPATH": str(ROOT)}


def _child(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=_env(), capture_output=True, text=True, check=False, timeout=60
    )


def _serve(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "apiconform", *args],
        cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _url(server: subprocess.Popen[str]) -> str:
    """The base URL a server prints when it is ready."""
    assert server.stdout is not None
    line = server.stdout.readline()  # bounded by the server: it prints the line or exits (EOF)
    assert line.startswith("http://"), f"no URL: {line!r} {server.stderr.read() if server.stderr else ''}"
    return line.strip()


def _stop(server: subprocess.Popen[str]) -> int:
    """SIGTERM, then its exit code (its pipes read to the end and closed)."""
    server.send_signal(signal.SIGTERM)
    try:
        server.communicate(timeout=SERVER_START_S)
    except subprocess.TimeoutExpired:
        server.kill()
        server.communicate()
        raise
    return server.returncode
