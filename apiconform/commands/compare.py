"""`apiconform compare BASELINE_REPORT CANDIDATE_REPORT [--format md|json] [--output FILE]`.

Exit 1 when the candidate has failures the baseline did not (a cell that now fails), else 0; 2 when either
file is not a report.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from apiconform.compare import compare, load_report, to_json, to_markdown
from apiconform.errors import EXIT_NONCONFORMANT, EXIT_OK, UsageError

OUTPUT_FORMATS = ("md", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("baseline", type=Path, metavar="BASELINE_REPORT", help="report.json of the reference run")
    parser.add_argument("candidate", type=Path, metavar="CANDIDATE_REPORT", help="report.json of the run to judge")
    parser.add_argument("--format", choices=OUTPUT_FORMATS, default="md", help="output format (default: %(default)s)")
    parser.add_argument("--output", type=Path, metavar="FILE", help="write here (default: stdout)")


def run_compare(args: argparse.Namespace) -> int:
    comparison = compare(load_report(args.baseline), load_report(args.candidate))
    if args.format == "json":
        text = json.dumps(to_json(comparison), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    else:
        text = to_markdown(comparison)
    if args.output is None:
        sys.stdout.write(text)
    else:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise UsageError(f"cannot write {args.output}: {reason}; pass a writable --output path") from None
    return EXIT_NONCONFORMANT if comparison.has_new_failures else EXIT_OK
