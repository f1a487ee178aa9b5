"""apiconform's settings file: `apiconform.toml` (top-level tables) or else `[tool.apiconform]` in
`pyproject.toml`, both read from the current directory; an explicit path (`--config FILE`) wins.

Every command reads its own table (`[diff]`, `[run]`). The keys a table may hold and their types are declared
once, in `SCHEMA`, so a typo or a wrong type is a one-line usage error naming the file, the key and the fix before
any command runs. A command validates what only it can judge (a rule id, a severity, a profile name) with
`config_source` naming the file in its message.

A `path` setting is relative to the directory of the file that holds it (not to wherever the command runs), so a
settings file checked in next to its waivers and credentials means the same from any working directory.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from apiconform.errors import UsageError, did_you_mean

CONFIG_NAME = "apiconform.toml"
PYPROJECT_NAME = "pyproject.toml"

Kind = Literal["string", "path", "integer", "number", "boolean", "string-list", "string-table"]


@dataclass(frozen=True)
class Key:
    """One setting: its TOML type and, for messages, what it holds."""

    kind: Kind
    holds: str


# table -> key -> Key. A command that grows a setting declares it here (and documents it in README.md).
SCHEMA: dict[str, dict[str, Key]] = {
    "diff": {
        "severity": Key("string-table", 'a table of rule id = "breaking" | "warning" | "info"'),
    },
    # `apiconform run`: one key per option, spelt like the option without its dashes; the command line wins.
    "run": {
        "base-url": Key("string", "the server to test (default: the embedded mock)"),
        "credentials": Key("path", "the credentials file (JSON or TOML)"),
        "profile": Key("string", "quick, default or thorough"),
        "seed": Key("integer", "the seed of the generated cases"),
        "workers": Key("integer", "parallel workers (0: automatic)"),
        "shard": Key("string", 'the slice of the operations to run, "K/N"'),
        "allow-writes": Key("boolean", "whether writes may reach a non-loopback target"),
        "rate-limit": Key("number", "requests per second"),
        "timeout": Key("number", "seconds per request, body included"),
        "max-response-bytes": Key("integer", "the largest answer body read, in bytes"),
        "waivers": Key("path", "the YAML waiver file"),
        "report-dir": Key("path", "the directory the reports go to"),
        "record": Key("path", "the file every exchange is saved to"),
        "format": Key("string-list", 'the report formats, e.g. ["junit", "html"]'),
        "mock-fault": Key("string-list", "fault profiles of the embedded mocks"),
        "contract": Key("string", "observed (the documents plus the evidence overlay) or documented"),
    },
}

_KIND_NAMES: dict[Kind, str] = {
    "string": "a string",
    "path": "a path (a string, relative to this file's directory)",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "string-list": "a list of strings",
    "string-table": "a table of strings",
}


@dataclass(frozen=True)
class _Source:
    path: Path
    pyproject: bool  # the settings are the [tool.apiconform] table of a pyproject.toml

    @property
    def label(self) -> str:
        return f"{self.path} [tool.apiconform]" if self.pyproject else str(self.path)

    def table(self, name: str) -> str:
        return f"[tool.apiconform.{name}]" if self.pyproject else f"[{name}]"


def load_tool_config(explicit: Path | None = None, cwd: Path | None = None) -> dict[str, Any]:
    """The settings, validated against SCHEMA: `explicit` (a pyproject.toml is read at [tool.apiconform], any
    other file at its top level), else `apiconform.toml`, else `pyproject.toml`'s [tool.apiconform] in `cwd`
    (default: the current directory); {} when there is none. `path` settings come back as `Path`s joined to the
    file's directory (still relative when the file was found by a relative path)."""
    found = _locate(explicit, cwd)
    if found is None:
        return {}
    source, document = found
    tool = document.get("tool")
    settings = (tool.get("apiconform", {}) if isinstance(tool, dict) else {}) if source.pyproject else document
    if not isinstance(settings, dict):
        raise UsageError(f"{source.path}: tool.apiconform must be a table; write it as [tool.apiconform]")
    _validate(source, settings)
    for name, table in settings.items():
        for key, value in table.items():
            if SCHEMA[name][key].kind == "path":
                table[key] = source.path.parent / Path(value).expanduser()
    return settings


def config_source(explicit: Path | None = None, cwd: Path | None = None) -> str | None:
    """Where `load_tool_config` reads the settings from, for messages ('apiconform.toml', 'pyproject.toml
    [tool.apiconform]'); None when there are no settings."""
    found = _locate(explicit, cwd)
    return None if found is None else found[0].label


def table_source(table: str, explicit: Path | None = None, cwd: Path | None = None) -> str | None:
    """Where a table of the settings is written, for messages about one of its values ('apiconform.toml [run]',
    'pyproject.toml [tool.apiconform.run]'); None when there are no settings."""
    found = _locate(explicit, cwd)
    return None if found is None else f"{found[0].path} {found[0].table(table)}"


def string_table(settings: dict[str, Any], table: str, key: str) -> dict[str, str]:
    """A `string-table` setting (validated by `load_tool_config`), {} when absent."""
    value = settings.get(table, {}).get(key, {})
    return {str(k): str(v) for k, v in value.items()}


def _locate(explicit: Path | None, cwd: Path | None) -> tuple[_Source, dict[str, Any]] | None:
    if explicit is not None:
        if not explicit.is_file():
            raise UsageError(f"config file {explicit} not found; give the path of an existing TOML file")
        return _Source(explicit, explicit.name == PYPROJECT_NAME), _parse(explicit)
    base = Path() if cwd is None else cwd
    own = base / CONFIG_NAME
    if own.is_file():
        return _Source(own, pyproject=False), _parse(own)
    pyproject = base / PYPROJECT_NAME
    if pyproject.is_file():
        document = _parse(pyproject)
        tool = document.get("tool")
        if isinstance(tool, dict) and "apiconform" in tool:
            return _Source(pyproject, pyproject=True), document
    return None


def _parse(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc}); fix the syntax there") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror}); check its permissions") from None


def _validate(source: _Source, settings: dict[str, Any]) -> None:
    for name, table in settings.items():
        if name not in SCHEMA:
            known = ", ".join(source.table(t) for t in SCHEMA)
            raise UsageError(
                f"{source.label}: unknown table {source.table(name)}{did_you_mean(name, SCHEMA)}; known tables: {known}"
            )
        if not isinstance(table, dict):
            raise UsageError(
                f"{source.label}: {source.table(name)} must be a table, not {_toml_type(table)};"
                f" write `{source.table(name)}` and the settings on the lines below it"
            )
        for key, value in table.items():
            keys = SCHEMA[name]
            if key not in keys:
                raise UsageError(
                    f"{source.label}: unknown key {key!r} in {source.table(name)}{did_you_mean(key, keys)};"
                    f" known keys: {', '.join(keys)}"
                )
            _check_type(source, name, key, keys[key], value)


def _check_type(source: _Source, table: str, name: str, key: Key, value: Any) -> None:
    ok = {
        "string": isinstance(value, str),
        "path": isinstance(value, str) and value.strip() != "",
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "string-list": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "string-table": isinstance(value, dict) and all(isinstance(v, str) for v in value.values()),
    }[key.kind]
    if ok:
        return
    if key.kind == "path" and isinstance(value, str):
        raise UsageError(f"{source.label}: {name} in {source.table(table)} is empty; give the path of {key.holds}")
    if key.kind == "string-table" and isinstance(value, dict):
        entry, bad = next((k, v) for k, v in value.items() if not isinstance(v, str))
        raise UsageError(
            f"{source.label}: {source.table(f'{table}.{name}')} {entry} must be a string, not {_toml_type(bad)};"
            f" {name} holds {key.holds}"
        )
    raise UsageError(
        f"{source.label}: {name} in {source.table(table)} must be {_KIND_NAMES[key.kind]}, not {_toml_type(value)};"
        f" it holds {key.holds}"
    )


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"
