"""The command line as a user meets it: exact options only, one-line mistakes with a did-you-mean, help that
shows surfaces, defaults and examples, and messages without Python reprs or "1 specs".

All in-process through `apiconform.cli.main` (every case fails or finishes before anything is started).
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

import pytest

import apiconform
from apiconform.cli import _build_parser, main
from apiconform.commands import plural
from apiconform.commands.proxy import _summary as proxy_summary
from apiconform.commands.run import print_summary
from apiconform.runner.results import Failure, OperationResult, RunResult, SurfaceResult
from apiconform.surfaces import SURFACES

COMMANDS = (
    "run",
    "mock",
    "checks",
    "proxy",
    "diff",
    "compare",
    "baseline",
    "merge",
    "replay",
    "repro",
    "lint",
    "codegen",
)


def _error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one stderr line of a usage error (exit 2, nothing on stdout)."""
    assert main(list(args)) == 2
    out, err = capsys.readouterr()
    assert not out
    assert err.count("\n") == 1, err
    return err


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main([*args, "--help"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("run", "code-insight", "--credential", "c.json"),
            "unrecognized arguments: --credential c.json (did you mean '--credentials'?); see `apiconform run --help`",
        ),
        (
            ("mock", "--list"),
            "unrecognized arguments: --list (did you mean '--list-faults'?); see `apiconform mock --help`",
        ),
        (
            ("--vers", "checks"),
            "unrecognized arguments: --vers (did you mean '--version'?); see `apiconform checks --help`",
        ),
        (
            ("diff", "a.yaml", "b.yaml", "--fail", "warning"),
            "unrecognized arguments: --fail warning (did you mean '--fail-on'?); see `apiconform diff --help`",
        ),
    ],
    ids=["run", "mock", "top-level", "diff"],
)
def test_an_abbreviated_option_is_not_taken_for_the_full_one(
    args: tuple[str, ...], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _error(capsys, *args) == f"apiconform: error: {line}\n"


def test_every_parser_refuses_abbreviations() -> None:
    parser, commands = _build_parser()
    assert [p.allow_abbrev for p in (parser, *commands.values())] == [False] * (1 + len(COMMANDS))


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("run", "code-insight", "--baseurl", "http://127.0.0.1:9"),
            "unrecognized arguments: --baseurl http://127.0.0.1:9 (did you mean '--base-url'?); "
            "see `apiconform run --help`",
        ),
        (
            ("run", "code-insight", "--tiemout=3"),
            "unrecognized arguments: --tiemout=3 (did you mean '--timeout'?); see `apiconform run --help`",
        ),
        (
            ("codegen", "--chek"),
            "unrecognized arguments: --chek (did you mean '--check'?); see `apiconform codegen --help`",
        ),
        # Nothing close: no suggestion rather than a wild one (`--colour` is not `--record`).
        (("run", "code-insight", "--colour"), "unrecognized arguments: --colour; see `apiconform run --help`"),
        (
            ("rnu", "code-insight"),
            "argument COMMAND: invalid choice: 'rnu' (did you mean 'run'?); "
            f"choose from {', '.join(COMMANDS)}; see `apiconform --help`",
        ),
        (
            ("diff", "a.yaml", "b.yaml", "--format", "markdown"),
            "argument --format: invalid choice: 'markdown'; choose from text, json, md, junit; "
            "see `apiconform diff --help`",
        ),
    ],
    ids=["base-url", "with-value", "codegen", "nothing-close", "command", "choices"],
)
def test_a_mistyped_name_is_one_line_with_a_did_you_mean(
    args: tuple[str, ...], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _error(capsys, *args) == f"apiconform: error: {line}\n"


def test_top_level_help_is_a_description_and_the_command_list(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys)
    assert text.startswith("usage: apiconform [-h] [--version] COMMAND ...\n\nContract tests, mock servers")
    assert "parses arguments, dispatches" not in text, "the module docstring is not help"
    listed = [line.split()[0] for line in text.split("commands:\n")[1].split("\n\n")[0].splitlines()[1:]]
    assert [name for name in listed if name in COMMANDS] == list(COMMANDS)
    assert f"surfaces: {', '.join(SURFACES)}" in text and "examples:" in text and "exit codes:" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_shows_surfaces_defaults_and_examples(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = _help(capsys, command)
    assert text.startswith(f"usage: apiconform {command} ")
    assert all(name in text for name in SURFACES)
    examples = text.split("examples:\n")[1].split("\n\n")[0].splitlines()
    assert 2 <= len(examples) <= 3 and all(line.startswith("  apiconform ") for line in examples), examples
    too_wide = [line for line in text.splitlines() if len(line) > 80]
    assert not too_wide, too_wide


def test_every_option_with_a_default_says_what_it_is() -> None:
    _, commands = _build_parser()
    silent = [
        f"{name} {action.option_strings[0]}"
        for name, command in commands.items()
        for action in command._actions
        if action.option_strings
        and action.default not in (None, False, [], argparse.SUPPRESS)
        and "default" not in (action.help or "")
    ]
    assert not silent, silent


def test_run_help_names_its_defaults(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per option
    text = _help(capsys, "run")
    for expected in ("(default: default)", "(default: 0)", "(default: 10)", "(default: 10 MiB)", "(default: reports)"):
        assert expected in text, expected


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"apiconform {apiconform.__version__}\n"
    assert apiconform.__version__ not in ("", "0+unknown")


def test_importing_the_main_module_does_not_run_the_command_line() -> None:
    importlib.import_module("apiconform.__main__")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("run", "sd-elements", "--mock-fault", "page-larger-than-limit"),
            "fault 'page-larger-than-limit' does not apply to sd-elements: it needs a surface where it has paged "
            "list endpoints (limit/offset); see `apiconform mock --list-faults`",
        ),
        (
            ("mock", "mend", "--fault", "page-larger-than-limit"),
            "fault 'page-larger-than-limit' does not apply to mend: it needs a surface where it has paged "
            "list endpoints (limit/offset); see `apiconform mock --list-faults`",
        ),
    ],
    ids=["run", "mock"],
)
def test_an_inapplicable_fault_is_one_line_without_a_python_list(
    args: tuple[str, ...], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _error(capsys, *args) == f"apiconform: error: {line}\n"


def _result(*, cases: int, failures: int) -> RunResult:
    op = OperationResult("code-insight", "GET /jobs", "getJobs", cases=cases)
    surface = SurfaceResult("code-insight", "http://127.0.0.1:1/codeinsight/api", True, {op.label: op})
    failed = [Failure("code-insight", op.label, "status_code_conformance", "Undocumented status", "418")] * failures
    return RunResult("quick", 0, "2026-01-01T00:00:00+00:00", 1.0, {"code-insight": surface}, failed)


def test_counts_agree_with_their_nouns(capsys: pytest.CaptureFixture[str]) -> None:
    assert [plural(n, "spec") for n in (0, 1, 2)] == ["0 specs", "1 spec", "2 specs"]
    print_summary(_result(cases=1, failures=1), [])
    assert capsys.readouterr().out.startswith("NOT conformant: 1 operation, 1 case, 1 failure (0 waived), ")
    print_summary(_result(cases=2, failures=0), [Path("r/report.json")])
    assert capsys.readouterr().out.startswith("conformant: 1 operation, 2 cases, 0 failures (0 waived), ")
    proxy_summary(_result(cases=1, failures=0), [])
    assert capsys.readouterr().err == "apiconform proxy: conformant: 1 exchange over 1 operation, 0 failures\n"


def test_lint_of_one_spec_says_one_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(SURFACES["code-insight"].spec_path)]) == 0
    assert capsys.readouterr().out.startswith("1 spec clean; ")
