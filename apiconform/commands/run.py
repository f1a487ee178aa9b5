"""`apiconform run SURFACE|all [--base-url URL] [--credentials FILE] [--profile P] [--seed N] ...`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Collection, Mapping
from functools import partial
from pathlib import Path
from typing import TextIO, TypeVar

from apiconform import rpc
from apiconform.commands import plural
from apiconform.commands.contract import add_contract_argument
from apiconform.commands.progress import NORMAL, QUIET, VERBOSE, Paint, colour_wanted, make_progress, reason, safe
from apiconform.commands.reporting import add_report_arguments
from apiconform.contract import CONTRACTS, contract_for
from apiconform.enums import response_enum_values
from apiconform.errors import EXIT_INTERRUPTED, EXIT_NONCONFORMANT, EXIT_OK, TargetUnreachableError, UsageError
from apiconform.mocks.faults import validate_names
from apiconform.runner.core import RunOptions, run
from apiconform.runner.credentials import load_credentials
from apiconform.runner.profiles import get_profile
from apiconform.runner.results import Failure, RunResult
from apiconform.runner.scenarios.base import (
    DEFAULT_MAX_RESPONSE_BYTES,
    NO_ANSWER_TITLES,
    size_text,
)
from apiconform.runner.target import shown_url, validate_base_url
from apiconform.runner.waivers import Waiver, load_waivers
from apiconform.surfaces import SURFACES, Surface, resolve_surfaces
from apiconform.vendors.registry import get_vendor

_T = TypeVar("_T")
TRANSPORT_CHECKS = ("not_a_server_error", "response_time")  # where a request without a complete answer is reported
SUMMARY_CHECKS = 10  # failure groups (one per check) the terminal summary shows; the rest are counted
SUMMARY_OPERATIONS = 3  # operations named per group
REASON_CHARS = 200


# What an option is when neither the command line nor the settings file gives it. The parser's own defaults are
# None (and its lists and switches None too), so "not on the command line" is visible after parsing: see
# `with_settings`. The help texts name these values.
DEFAULTS: dict[str, object] = {
    "profile": "default",
    "seed": 0,
    "workers": 0,
    "allow_writes": False,
    "timeout": 10.0,
    "max_response_bytes": DEFAULT_MAX_RESPONSE_BYTES,
    "report_dir": Path("reports"),
    "mock_fault": [],
    "contract": "observed",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_contract_argument(
        parser, "judge by the evidence-backed observed contract or by the documents alone", default=None
    )
    surfaces = ", ".join(SURFACES)
    parser.add_argument("surface", metavar="SURFACE|all", help=f"{surfaces}, or all of them")
    parser.add_argument("--base-url", metavar="URL", help="server to test (default: start the embedded mock)")
    parser.add_argument(
        "--credentials",
        type=Path,
        metavar="FILE",
        help="JSON/TOML credentials; APICONFORM_<KEY> variables win over it (see README)",
    )
    parser.add_argument(
        "--profile",
        metavar="PROFILE",
        help=f"quick (the CI smoke gate), default or thorough (default: {DEFAULTS['profile']})",
    )
    parser.add_argument("--seed", type=int, metavar="N", help=f"same seed, same cases (default: {DEFAULTS['seed']})")
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="surfaces tested at once, one process each (default: one per core); a single large surface runs its "
        "property phases in two halves, two processes, unless --workers 1",
    )
    parser.add_argument("--shard", metavar="K/N", help="run the K-th of N slices of the operations (default: all)")
    parser.add_argument(
        "--allow-writes",
        action=argparse.BooleanOptionalAction,
        help="allow writes against a non-loopback target (default: read-only there)",
    )
    parser.add_argument(
        "--rate-limit",
        type=float,
        metavar="R",
        help="requests per second (default: 10 for a non-loopback target, else unlimited)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help=f"seconds per request, body included (default: {DEFAULTS['timeout']:g})",
    )
    parser.add_argument(
        "--max-response-bytes",
        type=int,
        metavar="N",
        help="read at most N bytes of an answer's (decoded) body; a larger answer fails "
        f"(default: {size_text(DEFAULT_MAX_RESPONSE_BYTES)})",
    )
    parser.add_argument("--waivers", type=Path, metavar="FILE", help="YAML file of accepted deviations (default: none)")
    add_report_arguments(parser, default=None, shown=str(DEFAULTS["report_dir"]))
    parser.add_argument("--record", type=Path, metavar="FILE", help="save every exchange for `apiconform replay`")
    parser.add_argument(
        "--mock-fault",
        action="append",
        metavar="NAME",
        help="embedded mocks only: switch on a fault profile (to see the gate fail), repeatable",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="settings file whose [run] table holds defaults for these options; the command line wins (default:"
        " ./apiconform.toml, else [tool.apiconform] in ./pyproject.toml)",
    )
    talk = parser.add_mutually_exclusive_group()
    talk.add_argument(
        "--quiet",
        dest="verbosity",
        action="store_const",
        const=QUIET,
        default=NORMAL,
        help="print only the verdict line and errors (default: progress on stderr)",
    )
    talk.add_argument(
        "--verbose",
        dest="verbosity",
        action="store_const",
        const=VERBOSE,
        help="also print each failure as it is found",
    )


def with_settings(args: argparse.Namespace) -> argparse.Namespace:
    """The arguments with the settings file's [run] values filling what the command line left out, then DEFAULTS.

    Merged after parsing rather than passed to `parser.set_defaults` before it: the file to read is itself an
    argument (--config), so it is only known once the command line is parsed. Every run option's parser default
    is None, so None means "not given" and a value typed on the command line, even one equal to the default
    (`--seed 0`), wins over the file. `origins` remembers which values came from the file, for error messages.
    """
    from apiconform.config import load_tool_config, table_source

    settings: dict[str, object] = load_tool_config(getattr(args, "config", None)).get("run", {})
    merged = argparse.Namespace(**vars(args))
    merged.origins = {}
    where = table_source("run", getattr(args, "config", None))
    for key, value in settings.items():
        dest = key.replace("-", "_")
        if getattr(merged, dest) is None:
            # A TOML list of formats is the command line's comma-separated LIST.
            setattr(merged, dest, ",".join(value) if dest == "format" and isinstance(value, list) else value)
            merged.origins[dest] = f"{where} {key}"
    for dest, default in DEFAULTS.items():
        if getattr(merged, dest) is None:
            setattr(merged, dest, list(default) if isinstance(default, list) else default)
    return merged


def _named(args: argparse.Namespace, dest: str) -> str:
    """How a message names where a value came from: `--timeout` or `apiconform.toml [run] timeout`."""
    origins: dict[str, str] = getattr(args, "origins", {})
    return origins.get(dest, "--" + dest.replace("_", "-"))


def _shard(text: str | None, name: str = "--shard") -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise UsageError(f"{name} {text!r} is not K/N; write e.g. --shard 1/3") from None
    if not 1 <= k <= n:
        raise UsageError(f"{name} {text}: K must be between 1 and N")
    return k, n


def run_command(args: argparse.Namespace) -> int:
    from apiconform.reports import check_writable, selected_formats, write_reports

    args = with_settings(args)
    formats = selected_formats(args.format)
    options = run_options(args)
    if args.record is not None:
        _record_probe(args.record)
    check_writable(args.report_dir, formats)
    progress = make_progress(args.verbosity, phases=options.profile.phases)
    try:
        result = run(options, [progress] if progress is not None else [])
    finally:
        if progress is not None:
            progress.close()  # a run that ends in an exception must not leave a live display over its error line
    paths = write_reports(result, args.report_dir, formats)
    print_summary(result, paths, quiet=args.verbosity == QUIET)
    if result.interrupted:
        return EXIT_INTERRUPTED
    unusable = _never_answered(result) if options.base_url else None
    if unusable is not None and options.base_url:
        raise TargetUnreachableError(
            f"no request to {shown_url(options.base_url)} got a complete answer ({unusable}); "
            f"check --base-url and the server (details in {args.report_dir})"
        )
    return EXIT_OK if result.conformant else EXIT_NONCONFORMANT


def _response_enums(surface: Surface, contract: str) -> Callable[[], set[str]]:
    """The enum values the surface's answers document (read only when a fault needs them)."""
    return lambda: response_enum_values(contract_for(surface.spec_path, contract).spec.document)


def _request_types(surface: Surface, contract: str) -> Callable[[], Collection[str]]:
    """The requestTypes of an RPC surface, none for a REST one (read only when a fault needs them)."""
    return lambda: rpc.variants(contract_for(surface.spec_path, contract).spec.document)


def run_options(args: argparse.Namespace) -> RunOptions:
    """The run the arguments ask for (after `with_settings`), every value checked before anything starts (a typo
    costs no mock start, no report directory, no wait). Messages name a value by where it came from
    (`args.origins`: a settings-file key, the pytest plugin's option), else by this command's option. The pytest
    plugin builds its run here too, so both accept and refuse the same things."""
    surfaces = resolve_surfaces(args.surface)
    if args.mock_fault and args.base_url:
        raise UsageError(
            f"{_named(args, 'mock_fault')} only applies to the embedded mocks; "
            f"drop {_named(args, 'base_url')} or the fault"
        )
    if args.contract not in CONTRACTS:
        raise UsageError(f"{_named(args, 'contract')} {args.contract!r}: give one of {', '.join(CONTRACTS)}")
    for surface in surfaces:
        capabilities = get_vendor(surface.name).fault_capabilities
        enums, request_types = _response_enums(surface, args.contract), _request_types(surface, args.contract)
        _from_file(
            args,
            "mock_fault",
            partial(validate_names, tuple(args.mock_fault), surface.name, capabilities, enums, request_types),
        )
    base_url = _base_url(args, surfaces)
    if args.workers < 0:
        raise UsageError(f"{_named(args, 'workers')} {args.workers}: give at least 1 (or 0 for automatic)")
    if not args.timeout > 0 or args.timeout == float("inf"):
        raise UsageError(f"{_named(args, 'timeout')} {args.timeout}: give a positive number of seconds")
    if args.max_response_bytes < 1:
        raise UsageError(
            f"{_named(args, 'max_response_bytes')} {args.max_response_bytes}: give a positive number of bytes"
        )
    rate = args.rate_limit
    if rate is not None and not 0 < rate < float("inf"):
        raise UsageError(f"{_named(args, 'rate_limit')} {rate:g}: give a positive number of requests per second")
    if rate is None and base_url and not _loopback(base_url):
        rate = 10.0  # be a polite client of a vendor's production server unless told otherwise
    return RunOptions(
        surfaces=tuple(surfaces),
        profile=_from_file(args, "profile", lambda: get_profile(args.profile)),
        seed=args.seed,
        base_url=base_url,
        credentials=args.credentials,
        workers=args.workers or (os.cpu_count() or 1 if len(surfaces) > 1 else 1),
        # One surface leaves a core idle: unless told --workers 1 (one process), a large one runs its property phases
        # in two halves side by side. Several surfaces already fill the cores, one process each.
        split=args.workers != 1 and len(surfaces) == 1,
        shard=_shard(args.shard, _named(args, "shard")),
        allow_writes=args.allow_writes,
        rate_limit=None if rate is None else float(rate),
        timeout=float(args.timeout),
        waivers=_waivers(args.waivers) if args.waivers else (),
        mock_faults=tuple(args.mock_fault),
        record=args.record,
        max_response_bytes=args.max_response_bytes,
        contract=args.contract,
    )


def _from_file(args: argparse.Namespace, dest: str, check: Callable[[], _T]) -> _T:
    """`check()`, its usage error prefixed with where the value came from when that is not this command's option
    (the checker's own message speaks of the value, not of where it was written)."""
    try:
        return check()
    except UsageError as exc:
        origins: dict[str, str] = getattr(args, "origins", {})
        if dest not in origins:
            raise
        raise UsageError(f"{origins[dest]}: {exc.message}") from None


def _base_url(args: argparse.Namespace, surfaces: list[Surface]) -> str | None:
    """--base-url, else the `base_url` of the credentials file (what `apiconform mock --credentials-out` writes):
    a server named in the file is used, never silently ignored. None: the embedded mocks."""
    if (args.base_url or args.credentials is not None) and len(surfaces) > 1:
        raise UsageError(
            f"{_named(args, 'base_url')} and {_named(args, 'credentials')} name one server:"
            " run one surface at a time (not `all`)"
        )
    url: str | None = args.base_url
    if url is None and args.credentials is not None:
        named = load_credentials(args.credentials, surfaces[0]).values.get("base_url")
        if not isinstance(named, str) or not named:
            raise UsageError(
                f"{_named(args, 'credentials')} {args.credentials} names no server:"
                f" pass {_named(args, 'base_url')} URL (or add base_url to the file)"
            )
        url = named
    if url is not None:
        url = validate_base_url(url, _named(args, "base_url") if args.base_url else f"base_url in {args.credentials}")
        load_credentials(args.credentials, surfaces[0])
    return url


def _never_answered(result: RunResult) -> str | None:
    """The first transport failure when the target answered the reachability probe but not one test request
    (every one reset, broke off or timed out): the target is unusable, not non-conformant."""
    if result.interrupted or any(op.statuses for op in result.operations()):
        return None
    lost = [f for f in result.failures if f.check in TRANSPORT_CHECKS and f.title in NO_ANSWER_TITLES]
    return lost[0].message.splitlines()[0][:200] if lost else None


def _waivers(path: Path) -> tuple[Waiver, ...]:
    try:
        return tuple(load_waivers(path))
    except ValueError as exc:  # a YAML date that is no date (2030-13-45), bytes that are not UTF-8
        raise UsageError(
            f"waiver file {path} does not load ({str(exc).splitlines()[0][:160]}); "
            "write it as UTF-8 YAML with expires: YYYY-MM-DD"
        ) from None


def _record_probe(path: Path) -> None:
    """Fail before the run, not after it, when the recording could not be written."""
    probe = path.with_name(path.name + ".apiconform-write-test")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise UsageError(
            f"cannot write the recording to {path}: {exc.strerror}; pass a writable --record path"
        ) from None
    if path.is_dir():
        raise UsageError(f"cannot write the recording to {path}: it is a directory; pass a file path to --record")


def _loopback(url: str) -> bool:
    from apiconform.runner.target import Target
    from apiconform.surfaces import SURFACES

    return Target(next(iter(SURFACES.values())), url, {}, embedded=False).loopback


def print_summary(
    result: object,
    paths: list[Path],
    *,
    quiet: bool = False,
    stream: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """The verdict on stdout. Its first line's shape is read by scripts: `conformant: ...` or `NOT conformant: N
    operations, N cases, N failures (N waived), N not exercised, S s`. Then failures grouped by check, each group
    with its operations and its first failure's reason, and how many more the report holds."""
    from apiconform.runner.results import RunResult

    assert isinstance(result, RunResult)
    out = stream or sys.stdout
    paint = Paint(colour_wanted(out, environ))

    def say(*parts: tuple[str, str]) -> None:
        print(paint.line(list(parts)), file=out)

    ops = result.operations()
    failed = len(result.blocking_failures)
    waived = len(result.failures) - failed
    verdict = ("conformant", "green bold") if result.conformant else ("NOT conformant", "red bold")
    say(
        verdict,
        (
            f": {plural(len(ops), 'operation')}, {plural(sum(o.cases for o in ops), 'case')}, "
            f"{plural(failed, 'failure')} ({waived} waived), {len(result.unexercised)} not exercised, "
            f"{result.duration_s:.1f} s" + (" (interrupted)" if result.interrupted else ""),
            "",
        ),
    )
    if not quiet:
        for line in _failure_lines(result, paths):
            say(*line)
        unproven: dict[tuple[str, str], list[str]] = {}
        for op in result.unexercised:
            unproven.setdefault((op.surface, op.unexercised_reason or "not exercised"), []).append(op.label)
        for (surface, reason), labels in sorted(unproven.items()):
            shown = _first(labels, SUMMARY_OPERATIONS)
            say(
                ("  ", ""),
                ("NOT EXERCISED", "yellow"),
                (f" {surface}: {plural(len(labels), 'operation')} {reason}: {shown}", ""),
            )
    for tested in result.surfaces.values():
        if tested.error:
            say(("  ", ""), ("ERROR", "red bold"), (f" {tested.surface}: {safe(tested.error, 2000)}", ""))
    if quiet:
        return
    for note in result.waiver_notes:
        say(("  ", ""), ("note:", "yellow"), (f" {note}", ""))
    if paths:
        say((f"reports: {', '.join(str(p) for p in paths)}", ""))


def _failure_lines(result: RunResult, paths: list[Path]) -> list[list[tuple[str, str]]]:
    """One group per check, most failures first: where it failed, then its first failure's reason."""
    groups: dict[str, list[Failure]] = {}
    for failure in result.blocking_failures:
        groups.setdefault(failure.check, []).append(failure)
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    several = len(result.surfaces) > 1  # then an operation is named with its surface

    def where(f: Failure) -> str:
        return f"{f.surface} {f.operation}" if several else f.operation

    lines: list[list[tuple[str, str]]] = []
    for check, failures in ranked[:SUMMARY_CHECKS]:
        first = failures[0]
        if len(failures) == 1:
            lines.append(
                [("  ", ""), ("FAIL", "red bold"), (f" [{check}] {where(first)}: {reason(first, REASON_CHARS)}", "")]
            )
            continue
        lines.append([("  ", ""), ("FAIL", "red bold"), (f" [{check}] {_spread(failures, several)}", "")])
        lines.append([(f"       {where(first)}: ", "dim"), (reason(first, REASON_CHARS), "")])
    hidden = len(result.blocking_failures) - min(len(ranked), SUMMARY_CHECKS)
    if hidden > 0:
        checks = len(ranked) - SUMMARY_CHECKS
        more = f" ({plural(checks, 'more check')})" if checks > 0 else ""
        lines.append([(f"  ... and {plural(hidden, 'more failure')}{more}{_report(paths)}", "")])
    return lines


def _spread(failures: list[Failure], several: bool) -> str:
    """`N failures on K operations: A, B, C and 4 more`; across surfaces, how many operations on each."""
    per_surface: dict[str, list[str]] = {}
    for f in failures:
        labels = per_surface.setdefault(f.surface, [])
        if f.operation not in labels:
            labels.append(f.operation)
    count = f"{plural(len(failures), 'failure')} on {plural(sum(map(len, per_surface.values())), 'operation')}"
    if len(per_surface) > 1:
        return f"{count}: " + ", ".join(f"{surface} {len(labels)}" for surface, labels in per_surface.items())
    ((surface, labels),) = per_surface.items()
    return f"{count}: {surface + ' ' if several else ''}{_first(labels, SUMMARY_OPERATIONS)}"


def _first(items: list[str], count: int) -> str:
    return ", ".join(items[:count]) + (f" and {len(items) - count} more" if len(items) > count else "")


def _report(paths: list[Path]) -> str:
    """Where a person reads every failure: report.html, else whatever was written."""
    for name in ("report.html", "report.json"):
        for path in paths:
            if path.name == name:
                return f" in {path}"
    return f" in {paths[0]}" if paths else ""
