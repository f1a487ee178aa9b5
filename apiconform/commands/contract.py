"""`--contract observed|documented`, the same on every command that judges or answers by a contract."""

from __future__ import annotations

import argparse

from apiconform.contract import CONTRACTS


def add_contract_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--contract",
        choices=CONTRACTS,
        default="observed",
        help=f"{what}: `observed` is the documented spec plus its evidence-backed overlay "
        "(specs/overlays/), `documented` the documents alone (default: %(default)s)",
    )
