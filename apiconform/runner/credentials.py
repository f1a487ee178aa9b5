"""Credentials for a server under test: a JSON or TOML file (what `apiconform mock --credentials-out` writes) plus
`APICONFORM_<KEY>` environment variables, which win (the way to pass CI secrets).

Strict, because a typo must not pass as "no credentials": a key the surface does not take is a usage error with
did-you-mean (the keys of another surface say so), and every value remembers where it came from, so a rejection
can name the variable or the file to fix.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apiconform.errors import UsageError, did_you_mean
from apiconform.surfaces import Surface
from apiconform.vendors.registry import VENDORS, get_vendor

ENV_PREFIX = "APICONFORM_"


@dataclass
class Credentials:
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # key -> "APICONFORM_TOKEN" or "credentials file x.json"
    empty: list[str] = field(default_factory=list)  # variables that are set but empty (a fork's missing secrets)

    def source(self, key: str) -> str:
        return self.sources.get(key, "not given")

    def describe(self, keys: tuple[str, ...] | list[str]) -> str:
        """'userKey from APICONFORM_USERKEY, orgToken from credentials file c.json' for an error message."""
        return ", ".join(f"{key} from {self.source(key)}" for key in keys if key in self.values) or "none given"


def load_credentials(path: Path | None, surface: Surface) -> Credentials:
    vendor = get_vendor(surface.name)
    allowed = vendor.allowed_credential_keys
    credentials = Credentials()
    if path is not None:
        for key, value in _read(path).items():
            if key not in allowed:
                raise UsageError(_unknown_key(path, key, surface.name, allowed))
            credentials.values[key] = value
            credentials.sources[key] = f"credentials file {path}"
    for name, value in sorted(os.environ.items()):
        if not name.startswith(ENV_PREFIX):
            continue
        wanted = name[len(ENV_PREFIX) :].lower().replace("_", "")
        matches = [k for k in sorted(allowed) if k.lower().replace("_", "") == wanted]
        key = matches[0] if matches else ""
        if not key or key in ("surface", "base_url", "headers"):
            continue  # another surface's key, or one of apiconform's own settings (APICONFORM_DEBUG, ...)
        if not value.strip():
            credentials.empty.append(name)
            continue
        credentials.values[key] = value
        credentials.sources[key] = name
    named = credentials.values.get("surface")
    if named and named != surface.name:
        raise UsageError(f"credentials file is for {named!r}, not {surface.name!r}; pass the {surface.name} file")
    headers = credentials.values.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise UsageError(f"credentials file {path}: 'headers' must map header names to strings")
    return credentials


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read credentials file {path}: {exc.strerror}; check the path") from None
    except UnicodeDecodeError:
        raise UsageError(f"credentials file {path} is not UTF-8 text; write it as JSON (or TOML) in UTF-8") from None
    try:
        loaded = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        kind = "TOML" if path.suffix == ".toml" else "JSON"
        raise UsageError(f"credentials file {path} is not valid {kind} ({exc}); fix it or regenerate it") from None
    if not isinstance(loaded, dict):
        raise UsageError(f"credentials file {path} must hold an object of credential keys, not {type(loaded).__name__}")
    return loaded


def _unknown_key(path: Path, key: str, surface: str, allowed: frozenset[str]) -> str:
    takes = ", ".join(sorted(allowed))
    owners = [name for name, vendor in VENDORS.items() if name != surface and key in vendor.credential_keys]
    if owners:
        return (
            f"credentials file {path} has {key!r}, a key of {' and '.join(owners)}, not of {surface}; "
            f"pass the {surface} credentials ({surface} takes: {takes})"
        )
    return f"credentials file {path}: unknown key {key!r}{did_you_mean(key, allowed)}; {surface} takes: {takes}"
