"""`apiconform.config`: which settings file is read, and one-line errors for everything wrong in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiconform.cli import _build_parser, _parse, main
from apiconform.commands.run import run_options, with_settings
from apiconform.config import SCHEMA, config_source, load_tool_config, string_table
from apiconform.errors import UsageError
from apiconform.runner.options import RunOptions

SEVERITY = '[diff.severity]\nrequest-default-value-changed = "warning"\n'
PYPROJECT = '[project]\nname = "client"\n\n[tool.apiconform.diff.severity]\noperation-id-changed = "info"\n'


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_no_settings_file_means_no_settings(tmp_path: Path) -> None:
    assert load_tool_config(cwd=tmp_path) == {}
    assert config_source(cwd=tmp_path) is None


def test_apiconform_toml_is_read_at_its_top_level(tmp_path: Path) -> None:
    _write(tmp_path, "apiconform.toml", SEVERITY)
    settings = load_tool_config(cwd=tmp_path)
    assert settings == {"diff": {"severity": {"request-default-value-changed": "warning"}}}
    assert string_table(settings, "diff", "severity") == {"request-default-value-changed": "warning"}
    assert config_source(cwd=tmp_path) == str(tmp_path / "apiconform.toml")


def test_pyproject_is_read_at_tool_apiconform(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", PYPROJECT)
    assert load_tool_config(cwd=tmp_path) == {"diff": {"severity": {"operation-id-changed": "info"}}}
    assert config_source(cwd=tmp_path) == f"{tmp_path / 'pyproject.toml'} [tool.apiconform]"


def test_a_pyproject_without_our_table_is_no_settings(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[project]\nname = "client"\n[tool.ruff]\nline-length = 120\n')
    assert load_tool_config(cwd=tmp_path) == {}
    assert config_source(cwd=tmp_path) is None


def test_apiconform_toml_wins_over_pyproject(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", PYPROJECT)
    _write(tmp_path, "apiconform.toml", SEVERITY)
    assert string_table(load_tool_config(cwd=tmp_path), "diff", "severity") == {
        "request-default-value-changed": "warning"
    }


def test_an_explicit_file_wins_and_a_pyproject_is_read_at_its_table(tmp_path: Path) -> None:
    _write(tmp_path, "apiconform.toml", SEVERITY)
    elsewhere = tmp_path / "ci"
    elsewhere.mkdir()
    explicit = _write(elsewhere, "diff-settings.toml", '[diff.severity]\nserver-added = "warning"\n')
    assert string_table(load_tool_config(explicit, cwd=tmp_path), "diff", "severity") == {"server-added": "warning"}
    pyproject = _write(elsewhere, "pyproject.toml", PYPROJECT)
    assert string_table(load_tool_config(pyproject, cwd=tmp_path), "diff", "severity") == {
        "operation-id-changed": "info"
    }
    assert config_source(pyproject) == f"{pyproject} [tool.apiconform]"


def test_the_schema_declares_every_table_it_knows() -> None:
    assert set(SCHEMA) == {"diff", "run"}
    assert SCHEMA["diff"]["severity"].kind == "string-table"


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("apiconform.toml", "[diff.severity\n", "apiconform.toml: not valid TOML ("),
        (
            "apiconform.toml",
            "[dif.severity]\nx = 'info'\n",
            "unknown table [dif] (did you mean 'diff'?); known tables: [diff]",
        ),
        ("apiconform.toml", "[diff]\nseverty = {}\n", "unknown key 'severty' in [diff] (did you mean 'severity'?)"),
        ("apiconform.toml", "diff = 1\n", "[diff] must be a table, not a number"),
        ("apiconform.toml", '[diff]\nseverity = "breaking"\n', "severity in [diff] must be a table of strings"),
        ("apiconform.toml", "[diff.severity]\nserver-added = 1\n", "[diff.severity] server-added must be a string"),
        ("pyproject.toml", "[tool.apiconform.dif]\n", "unknown table [tool.apiconform.dif] (did you mean 'diff'?)"),
        ("pyproject.toml", "[tool]\napiconform = 3\n", "tool.apiconform must be a table"),
        ("pyproject.toml", "[project\n", "pyproject.toml: not valid TOML ("),
    ],
)
def test_a_bad_settings_file_is_one_line_naming_file_and_fix(
    tmp_path: Path, name: str, text: str, fragment: str
) -> None:
    _write(tmp_path, name, text)
    with pytest.raises(UsageError) as caught:
        load_tool_config(cwd=tmp_path)
    assert fragment in caught.value.message
    assert str(tmp_path / name) in caught.value.message
    assert "\n" not in caught.value.message and ";" in caught.value.message  # problem; fix


def test_a_missing_explicit_file_and_a_non_utf8_file_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"config file .*missing\.toml not found; give the path"):
        load_tool_config(tmp_path / "missing.toml")
    latin = tmp_path / "apiconform.toml"
    latin.write_bytes("[diff.severity]\n# caf\xe9\n".encode("latin-1"))
    with pytest.raises(UsageError, match="not UTF-8 text; save it as UTF-8"):
        load_tool_config(cwd=tmp_path)


# -- [run]: every `apiconform run` option, the command line winning -------------------------------------------


def _planned(*argv: str) -> RunOptions:
    """What `apiconform run ARGV` would run, with the settings merged, without starting anything."""
    args = _parse(["run", *argv])
    merged = with_settings(args)
    return run_options(merged)


def test_every_run_option_has_a_settings_key_spelt_like_it() -> None:
    _, commands = _build_parser()
    options = {
        name.removeprefix("--")
        for action in commands["run"]._actions
        for name in action.option_strings
        if name.startswith("--") and not name.startswith("--no-")
    }
    # --quiet/--verbose say how much this terminal shows, not what the run does: a shared settings file that
    # silenced every developer's runs would surprise them, so they stay command-line only.
    assert options - {"help", "config", "quiet", "verbose"} == set(SCHEMA["run"])


def test_run_settings_are_used_when_the_command_line_is_silent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path,
        "apiconform.toml",
        '[run]\nprofile = "quick"\nseed = 7\nworkers = 2\nshard = "2/3"\nallow-writes = true\nrate-limit = 4\n'
        'timeout = 3\nmax-response-bytes = 2048\nmock-fault = ["order-flipped"]\nformat = ["json", "md"]\n',
    )
    options = _planned("code-insight")
    assert (options.profile.name, options.seed, options.workers, options.shard) == ("quick", 7, 2, (2, 3))
    assert (options.allow_writes, options.rate_limit, options.timeout) == (True, 4.0, 3.0)
    assert (options.max_response_bytes, options.mock_faults) == (2048, ("order-flipped",))
    assert with_settings(_parse(["run", "code-insight"])).format == "json,md"


def test_the_command_line_wins_over_the_settings_even_with_the_default_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path,
        "apiconform.toml",
        '[run]\nprofile = "quick"\nseed = 7\nallow-writes = true\nmock-fault = ["order-flipped"]\nreport-dir = "a"\n',
    )
    options = _planned(
        "code-insight", "--profile", "thorough", "--seed", "0", "--no-allow-writes", "--mock-fault", "slow-responses"
    )
    assert (options.profile.name, options.seed, options.allow_writes) == ("thorough", 0, False)
    assert options.mock_faults == ("slow-responses",)  # the command line's list replaces the file's
    assert with_settings(_parse(["run", "code-insight", "--report-dir", "b"])).report_dir == Path("b")


def test_without_settings_the_run_defaults_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    options = _planned("code-insight")
    assert (options.profile.name, options.seed, options.workers, options.timeout) == ("default", 0, 1, 10.0)
    assert (options.allow_writes, options.mock_faults, options.record, options.waivers) == (False, (), None, ())
    assert with_settings(_parse(["run", "code-insight"])).report_dir == Path("reports")


def test_run_paths_are_relative_to_the_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ci = tmp_path / "ci"
    ci.mkdir()
    _write(ci, "waivers.yaml", "[]\n")
    _write(ci, "ci.json", '{"token": "t", "base_url": "http://127.0.0.1:9/codeinsight/api"}')
    _write(
        ci,
        "run.toml",
        '[run]\nwaivers = "waivers.yaml"\ncredentials = "ci.json"\nreport-dir = "out"\nrecord = "rec/run.json"\n',
    )
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the paths do not depend on the working directory
    args = with_settings(_parse(["run", "code-insight", "--config", "../ci/run.toml"]))
    assert (args.report_dir, args.record) == (Path("../ci/out"), Path("../ci/rec/run.json"))
    options = run_options(args)
    assert options.credentials == Path("../ci/ci.json")
    assert options.base_url == "http://127.0.0.1:9/codeinsight/api"  # the credentials file's own server
    # A path given on the command line stays relative to the working directory.
    given = with_settings(_parse(["run", "code-insight", "--config", "../ci/run.toml", "--record", "r.json"]))
    assert given.record == Path("r.json")


def test_a_pyproject_holds_the_run_settings_at_tool_apiconform_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "pyproject.toml", '[project]\nname = "client"\n\n[tool.apiconform.run]\nprofile = "quick"\n')
    assert _planned("code-insight").profile.name == "quick"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            '[run]\nprofil = "quick"\n',
            "apiconform.toml: unknown key 'profil' in [run] (did you mean 'profile'?); known keys: base-url, ",
        ),
        (
            "[run]\nallow_writes = true\n",
            "apiconform.toml: unknown key 'allow_writes' in [run] (did you mean 'allow-writes'?); known keys: ",
        ),
        ('[run]\nseed = "1"\n', "apiconform.toml: seed in [run] must be an integer, not a string; it holds"),
        ('[run]\nformat = "json"\n', "apiconform.toml: format in [run] must be a list of strings, not a string;"),
        ('[run]\nwaivers = ""\n', "apiconform.toml: waivers in [run] is empty; give the path of the YAML waiver file"),
        (
            '[run]\nprofile = "quik"\n',
            "apiconform.toml [run] profile: unknown profile 'quik' (did you mean 'quick'?); choose quick,",
        ),
        ('[run]\nshard = "half"\n', "apiconform.toml [run] shard 'half' is not K/N; write e.g. --shard 1/3"),
        ("[run]\ntimeout = -1\n", "apiconform.toml [run] timeout -1: give a positive number of seconds"),
        (
            '[run]\nmock-fault = ["order-flipd"]\n',
            "apiconform.toml [run] mock-fault: unknown fault 'order-flipd' (did you mean 'order-flipped'?);",
        ),
        (
            '[run]\nbase-url = "ftp://x"\n',
            "apiconform.toml [run] base-url 'ftp://x' is not an http(s) URL; pass e.g. http://",
        ),
    ],
    ids=[
        "unknown-key",
        "underscore",
        "type",
        "format-type",
        "empty-path",
        "profile",
        "shard",
        "timeout",
        "fault",
        "url",
    ],
)
def test_a_bad_run_setting_is_exit_2_in_one_line_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str, line: str
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "apiconform.toml", text)
    assert main(["run", "code-insight"]) == 2
    out, err = capsys.readouterr()
    assert not out and err.count("\n") == 1, err
    assert err.startswith(f"apiconform: error: {line}"), err
    assert not (tmp_path / "reports").exists()  # refused before anything ran


def test_run_config_names_another_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "apiconform.toml", '[run]\nprofile = "quik"\n')  # not read: --config names another file
    other = _write(tmp_path, "other.toml", '[run]\nprofile = "quick"\n')
    assert _planned("code-insight", "--config", str(other)).profile.name == "quick"
    assert main(["run", "code-insight", "--config", "missing.toml"]) == 2
    assert "config file missing.toml not found; give the path" in capsys.readouterr().err
