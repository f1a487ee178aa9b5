"""`apiconform run SURFACE|all [--base-url URL] [--credentials FILE] [--profile P] [--seed N] ...`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from apiconform.commands import plural
from apiconform.commands.progress import NORMAL, QUIET, VERBOSE, Paint, colour_wanted, make_progress, reason, safe
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

TRANSPORT_CHECKS = ("not_a_server_error", "response_time")  # where a request without a complete answer is reported
SUMMARY_CHECKS = 10  # failure groups (one per check) the terminal summary shows; the rest are counted
SUMMARY_OPERATIONS = 3  # operations named per group
REASON_CHARS = 200


def add_arguments(parser: argparse.ArgumentParser) -> None:
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
        default="default",
        metavar="PROFILE",
        help="quick (the CI smoke gate), default or thorough (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="same seed, same cases (default: %(default)s)")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="parallel workers (default: one process per core across surfaces; 1 for one surface)",
    )
    parser.add_argument("--shard", metavar="K/N", help="run the K-th of N slices of the operations (default: all)")
    parser.add_argument(
        "--allow-writes",
        action="store_true",
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
        default=10.0,
        metavar="S",
        help="seconds per request, body included (default: %(default)g)",
    )
    parser.add_argument(
        "--max-response-bytes",
        type=int,
        default=DEFAULT_MAX_RESPONSE_BYTES,
        metavar="N",
        help="read at most N bytes of an answer's (decoded) body; a larger answer fails "
        f"(default: {size_text(DEFAULT_MAX_RESPONSE_BYTES)})",
    )
    parser.add_argument("--waivers", type=Path, metavar="FILE", help="YAML file of accepted deviations (default: none)")
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="where the reports go (default: %(default)s)",
    )
    parser.add_argument("--record", type=Path, metavar="FILE", help="save every exchange for `apiconform replay`")
    parser.add_argument(
        "--format", metavar="LIST", help="comma-separated subset of junit,allure,html,json,md (default: all)"
    )
    parser.add_argument(
        "--mock-fault",
        action="append",
        default=[],
        metavar="NAME",
        help="embedded mocks only: switch on a fault profile (to see the gate fail), repeatable",
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


def _shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise UsageError(f"--shard {text!r} is not K/N; write e.g. --shard 1/3") from None
    if not 1 <= k <= n:
        raise UsageError(f"--shard {text}: K must be between 1 and N")
    return k, n


def run_command(args: argparse.Namespace) -> int:
    from apiconform.reports import FORMATS, check_writable, write_reports

    formats = [f.strip() for f in (args.format or ",".join(FORMATS)).split(",") if f.strip()]
    options = _options(args)
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


def _options(args: argparse.Namespace) -> RunOptions:
    """The run the arguments ask for, every value checked before anything starts (a typo costs no mock start, no
    report directory, no wait)."""
    surfaces = resolve_surfaces(args.surface)
    if args.mock_fault and args.base_url:
        raise UsageError("--mock-fault only applies to the embedded mocks; drop --base-url or the fault")
    for surface in surfaces:
        validate_names(tuple(args.mock_fault), surface.name, get_vendor(surface.name).fault_capabilities)
    base_url = _base_url(args, surfaces)
    if args.workers < 0:
        raise UsageError(f"--workers {args.workers}: give at least 1 (or 0 for automatic)")
    if not args.timeout > 0 or args.timeout == float("inf"):
        raise UsageError(f"--timeout {args.timeout}: give a positive number of seconds")
    if args.max_response_bytes < 1:
        raise UsageError(f"--max-response-bytes {args.max_response_bytes}: give a positive number of bytes")
    rate = args.rate_limit
    if rate is not None and not 0 < rate < float("inf"):
        raise UsageError(f"--rate-limit {rate:g}: give a positive number of requests per second")
    if rate is None and base_url and not _loopback(base_url):
        rate = 10.0  # be a polite client of a vendor's production server unless told otherwise
    return RunOptions(
        surfaces=tuple(surfaces),
        profile=get_profile(args.profile),
        seed=args.seed,
        base_url=base_url,
        credentials=args.credentials,
        workers=args.workers or (os.cpu_count() or 1 if len(surfaces) > 1 else 1),
        shard=_shard(args.shard),
        allow_writes=args.allow_writes,
        rate_limit=rate,
        timeout=args.timeout,
        waivers=_waivers(args.waivers) if args.waivers else (),
        mock_faults=tuple(args.mock_fault),
        record=args.record,
        max_response_bytes=args.max_response_bytes,
    )


def _base_url(args: argparse.Namespace, surfaces: list[Surface]) -> str | None:
    """--base-url, else the `base_url` of the credentials file (what `apiconform mock --credentials-out` writes):
    a server named in the file is used, never silently ignored. None: the embedded mocks."""
    if (args.base_url or args.credentials is not None) and len(surfaces) > 1:
        raise UsageError("--base-url and --credentials name one server: run one surface at a time (not `all`)")
    url: str | None = args.base_url
    if url is None and args.credentials is not None:
        named = load_credentials(args.credentials, surfaces[0]).values.get("base_url")
        if not isinstance(named, str) or not named:
            raise UsageError(
                f"--credentials {args.credentials} names no server: pass --base-url URL (or add base_url to the file)"
            )
        url = named
    if url is not None:
        url = validate_base_url(url)
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
