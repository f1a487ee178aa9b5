"""`apiconform mock SURFACE [--host H] [--port N] [--fault NAME ...] [--credentials-out FILE]`."""

from __future__ import annotations

import argparse

from apiconform.errors import UsageError
from apiconform.mocks import FAULTS, behaviour
from apiconform.mocks.faults import applies
from apiconform.mocks.serve import serve
from apiconform.surfaces import SURFACES
from apiconform.vendors.registry import VENDORS


def run_mock(args: argparse.Namespace) -> int:
    if args.list_faults:
        width = max(len(name) for name in FAULTS)
        for fault in FAULTS.values():
            surfaces = [name for name, vendor in VENDORS.items() if applies(fault, vendor.fault_capabilities)]
            where = "" if len(surfaces) == len(VENDORS) else f" [{', '.join(surfaces)}]"
            print(f"{fault.name:<{width}}  {fault.description}{where}")
        return 0
    if not args.surface:
        raise UsageError(f"name the surface to mock: one of {', '.join(SURFACES)}")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is out of range; use 0..65535 (0 picks a free port)")
    mock = behaviour(args.surface, faults=args.fault, seed=args.seed, contract=args.contract)
    return serve(mock, host=args.host, port=args.port, credentials_out=args.credentials_out)
