"""`apiconform diff OLD NEW [--format text|json|md|junit] [--fail-on breaking|warning] [--output FILE]
[--config FILE]`.

OLD and NEW are spec files or `REV:path` (read with `git show`, e.g. `main:specs/mend.yaml`). Exit 0 when no
change is at or above the --fail-on level, 1 when one is, 2 when a spec or the settings cannot be read.
A team's severity per rule comes from `[diff.severity]` in the settings file (`apiconform.config`).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from apiconform.commands.contract import add_contract_argument
from apiconform.config import config_source, load_tool_config, string_table
from apiconform.diff import (
    FORMATS,
    SEVERITIES,
    at_or_above,
    diff_documents,
    load_side,
    observed_side,
    render,
    severity_overrides,
    summary,
)
from apiconform.errors import EXIT_NONCONFORMANT, EXIT_OK, ApiconformError, UsageError, did_you_mean
from apiconform.redact import Redactor

FAIL_ON = ("breaking", "warning")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    side = "a spec file, or REV:path read with `git show` (e.g. main:specs/mend.yaml)"
    parser.add_argument("old", metavar="OLD", help=f"the old spec: {side}")
    parser.add_argument("new", metavar="NEW", help=f"the new spec: {side}")
    # Documented by default: diff compares two versions of the vendor's documents (an upgrade); the overlay
    # records the current servers, and applied to both sides it would hide what a new document changes in the
    # answers it replaces (a field added to a documented schema the overlay retargets).
    add_contract_argument(
        parser,
        "compare the documents, or the observed contracts (each side plus the surface's overlay)",
        default="documented",
    )
    parser.add_argument("--format", default="text", choices=FORMATS, help="output format (default: %(default)s)")
    parser.add_argument(
        "--fail-on",
        default="breaking",
        choices=FAIL_ON,
        help="exit 1 when a change at or above this severity is found (default: %(default)s)",
    )
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the report here (default: stdout)")
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="settings file ([diff.severity] overrides a rule's severity; default: ./apiconform.toml, else"
        " [tool.apiconform] in ./pyproject.toml)",
    )


def _choice(value: str, choices: tuple[str, ...], option: str) -> str:
    if value not in choices:
        raise UsageError(f"{option} {value!r} is not one of {', '.join(choices)}{did_you_mean(value, choices)}")
    return value


def _severity_overrides(explicit: Path | None) -> dict[str, str]:
    settings = load_tool_config(explicit)
    table = string_table(settings, "diff", "severity")
    if not table:
        return {}
    source = config_source(explicit)
    overrides = severity_overrides(table, f"{source} [diff.severity]")
    if overrides:  # said on stderr, so that a gate that passes because of a team's choice says so in its log
        chosen = ", ".join(f"{rule} = {severity}" for rule, severity in sorted(overrides.items()))
        print(f"apiconform: diff: severity from {source}: {chosen}", file=sys.stderr)
    return overrides


def run_diff(args: argparse.Namespace) -> int:
    """Compare OLD and NEW, print the report; 0 clean, 1 changes at/above --fail-on, 2 bad input."""
    redactor = Redactor()
    try:
        fmt = _choice(getattr(args, "format", "text"), FORMATS, "--format")
        fail_on = _choice(getattr(args, "fail_on", "breaking"), FAIL_ON, "--fail-on")
        overrides = _severity_overrides(getattr(args, "config", None))
        old, new = load_side(str(args.old)), load_side(str(args.new))
        if getattr(args, "contract", "documented") == "observed":
            old, new = observed_side(old), observed_side(new)
        findings = [
            dataclasses.replace(
                f,
                message=redactor.text(f.message),
                operation=redactor.text(f.operation),
                shared=redactor.text(f.shared),
            )
            for f in diff_documents(old, new, severity=overrides)
        ]
        report = render(findings, fmt, fail_on=fail_on)
        output: Path | None = getattr(args, "output", None)
        if output is None:
            sys.stdout.write(report)
        else:
            try:
                output.write_text(report, encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"--output {output}: cannot write ({exc.strerror}); pick a writable path") from None
            sys.stdout.write(f"{output}: {summary(findings)}\n")
    except ApiconformError as exc:
        print(f"apiconform: error: {redactor.text(exc.message)}", file=sys.stderr)
        return exc.exit_code
    assert fail_on in SEVERITIES
    return EXIT_NONCONFORMANT if at_or_above(findings, fail_on) else EXIT_OK
