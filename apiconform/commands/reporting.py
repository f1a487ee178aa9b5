"""`--report-dir` and `--format`, the same on every command that writes reports (run, replay, proxy, merge)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_report_arguments(
    parser: argparse.ArgumentParser,
    where: str = "where the reports go",
    *,
    default: Path | None = Path("reports"),
    shown: str = "reports",
    metavar: str = "DIR",
) -> None:
    """`default=None`: the command fills it in later (`run` reads its settings file first) with `shown`."""
    parser.add_argument(
        "--report-dir", type=Path, default=default, metavar=metavar, help=f"{where} (default: {default or shown})"
    )
    # The list is spelled out rather than read from apiconform.reports: the CLI parses before the writers load.
    parser.add_argument(
        "--format", metavar="LIST", help="comma-separated subset of junit,allure,html,json,md (default: all)"
    )
