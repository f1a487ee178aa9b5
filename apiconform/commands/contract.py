"""`--contract observed|documented`, the same on every command that judges or answers by a contract."""

from __future__ import annotations

import argparse

from apiconform.contract import CONTRACTS


def add_contract_argument(
    parser: argparse.ArgumentParser, what: str, *, default: str | None = "observed", shown: str = "observed"
) -> None:
    """`default=None`: the command fills it in later (`run` reads its settings file first) with `shown`."""
    parser.add_argument(
        "--contract",
        choices=CONTRACTS,
        default=default,
        help=f"{what}: `observed` is the documented spec plus its evidence-backed overlay "
        f"(specs/overlays/), `documented` the documents alone (default: {default or shown})",
    )
