"""`apiconform merge DIR... [--report-dir OUT] [--format LIST]`: the shards of one run, one verdict and one report.

Exit 0 when the merged run is conformant, 1 when it is not (an interrupted shard included: this command was not
interrupted, the run it reports on is incomplete), 2 when the reports are not the complete shards of one run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from apiconform.commands.reporting import add_report_arguments
from apiconform.commands.run import print_summary
from apiconform.errors import EXIT_NONCONFORMANT, EXIT_OK, UsageError
from apiconform.merge import merge_reports, report_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shards",
        nargs="+",
        type=Path,
        metavar="DIR",
        help="the --report-dir of each `apiconform run ... --shard K/N` (or its report.json)",
    )
    add_report_arguments(parser, "where the merged reports go", metavar="OUT")


def run_merge(args: argparse.Namespace) -> int:
    from apiconform.reports import check_writable, selected_formats, write_reports

    formats = selected_formats(args.format)
    out = args.report_dir.resolve()
    for shard in args.shards:
        if report_path(shard).resolve().parent == out:
            raise UsageError(
                f"--report-dir {args.report_dir} holds the shard report {shard}, which the merged reports would "
                "overwrite; pass another --report-dir"
            )
    result = merge_reports(list(args.shards))
    check_writable(args.report_dir, formats)
    paths = write_reports(result, args.report_dir, formats)
    print_summary(result, paths)
    return EXIT_OK if result.conformant else EXIT_NONCONFORMANT
