"""`apiconform baseline REPORT.json -o waivers.yaml [--expires YYYY-MM-DD | --expires-in DAYS]`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from apiconform.baseline import DEFAULT_DAYS, baseline, write_waivers
from apiconform.commands import plural
from apiconform.errors import EXIT_OK, UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", type=Path, metavar="REPORT", help="a report.json of `apiconform run`")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the waiver file to write")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--expires", metavar="YYYY-MM-DD", help="expiry of every waiver")
    when.add_argument(
        "--expires-in",
        type=int,
        default=DEFAULT_DAYS,
        metavar="DAYS",
        help="expiry as days from today (default: %(default)s)",
    )


def run_baseline(args: argparse.Namespace) -> int:
    if args.expires is not None:
        try:
            expires = dt.date.fromisoformat(args.expires)
        except ValueError:
            raise UsageError(f"--expires {args.expires!r} is not a date; write YYYY-MM-DD") from None
    elif args.expires_in < 1:
        raise UsageError(f"--expires-in {args.expires_in}: give a positive number of days")
    else:
        expires = dt.date.today() + dt.timedelta(days=args.expires_in)
    waivers = baseline(args.report, expires=expires)
    write_waivers(waivers, args.output, args.report)
    print(
        f"{plural(len(waivers), 'waiver')} written to {args.output} (expire {expires.isoformat()}); "
        f"run with --waivers {args.output} to fail only on new drift",
        file=sys.stderr,
    )
    return EXIT_OK
