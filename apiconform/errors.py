"""Suite errors: *our* input (spec, config, command line) or the target is unusable.

A server that breaks its contract is not an error here: that is a contract failure, reported by the checks.
Every message names the offending value and one concrete fix, and fits on one line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

EXIT_OK = 0
EXIT_NONCONFORMANT = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


class ApiconformError(Exception):
    """Root of every error apiconform reports to the user as one line and an exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(ApiconformError):
    """The command line, a config file or a credentials file is wrong."""


class SpecError(ApiconformError):
    """A spec file is missing, does not parse or is not a usable OpenAPI document."""


class TargetUnreachableError(ApiconformError):
    """The server under test cannot be reached or rejects our credentials outright."""

    exit_code = EXIT_UNREACHABLE


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A ' (did you mean X?)' suffix when a close match exists, else an empty string."""
    match = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""
