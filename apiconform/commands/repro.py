"""`apiconform repro REPORT FAILURE-ID [--base-url URL] [--credentials FILE] [--timeout S]`.

Exit 1 when the failure still fails, 0 when the answer now passes its check; 2 for an unknown id (with a
did-you-mean), a report that is not one, or a check one answer cannot decide; 3 when the server cannot be reached.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from apiconform.errors import EXIT_NONCONFORMANT, EXIT_OK
from apiconform.reports.json_report import show_controls
from apiconform.repro import Reproduction, reproduce


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", type=Path, metavar="REPORT", help="the report.json the failure is in")
    parser.add_argument("failure_id", metavar="FAILURE-ID", help="the failure's `id` in report.json (or its start)")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="send it here (default: the same embedded mock started again, else the report's base URL)",
    )
    parser.add_argument(
        "--credentials",
        type=Path,
        metavar="FILE",
        help="JSON/TOML credentials for $APICONFORM_* placeholders; the variables win (default: the environment)",
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="seconds for the answer (default: %(default)g)"
    )


def run_repro(args: argparse.Namespace) -> int:
    result = reproduce(
        args.report, args.failure_id, base_url=args.base_url, credentials=args.credentials, timeout=args.timeout
    )
    for line in lines(result):
        print(line)
    return EXIT_NONCONFORMANT if result.still_failing else EXIT_OK


def lines(result: Reproduction) -> list[str]:
    failure, answer = result.failure, result.answer
    out = [
        f"failure {failure['id']}: {failure['surface']} {failure['operation']} [{failure['check']}] {failure['title']}",
        f"target: {result.target}",
        f"sent:   {result.method} {result.url}",
    ]
    if result.masked:
        out.append(f"        ({result.masked} value(s) masked in the report, [REDACTED], were sent as they are)")
    if not answer.error:
        size = f"{len(answer.body)} bytes in {answer.elapsed_s:.2f} s"
        out.append(f"answer: {answer.status} {answer.content_type or '(no Content-Type)'}, {size}")
        out += [f"        {line}" for line in show_controls(result.shown_body).splitlines()[:12]]
    verdict = "STILL FAILING" if result.still_failing else "NOW PASSING"
    out.append(f"{verdict} {failure['check']}: {show_controls(result.verdict)}")
    return out
