"""`apiconform.config`: which settings file is read, and one-line errors for everything wrong in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiconform.config import SCHEMA, config_source, load_tool_config, string_table
from apiconform.errors import UsageError

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
    assert set(SCHEMA) == {"diff"}
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
