"""`apiconform replay FILE [--report-dir DIR] [--format ...]`."""

from __future__ import annotations

import argparse

from apiconform.commands.run import print_summary
from apiconform.errors import EXIT_NONCONFORMANT, EXIT_OK
from apiconform.runner.recording import load_recording
from apiconform.runner.replay import replay


def run_replay(args: argparse.Namespace) -> int:
    from apiconform.reports import check_writable, selected_formats, write_reports

    formats = selected_formats(args.format)
    check_writable(args.report_dir, formats)
    result = replay(load_recording(args.recording), contract=args.contract)
    paths = write_reports(result, args.report_dir, formats)
    print_summary(result, paths)
    return EXIT_OK if not result.blocking_failures else EXIT_NONCONFORMANT
