"""`apiconform codegen [--check] [SURFACE ...]`."""

from __future__ import annotations

import sys

from apiconform import codegen
from apiconform.commands import plural
from apiconform.errors import EXIT_NONCONFORMANT, EXIT_OK
from apiconform.surfaces import SURFACES, get_surface


def run_codegen(names: list[str], *, check_only: bool, contract: str = "observed") -> int:
    surfaces = [get_surface(n) for n in names] if names else list(SURFACES.values())
    if check_only:
        drifts = [d for d in (codegen.check(s, contract) for s in surfaces) if d is not None]
        for drift in drifts:
            sys.stdout.write(drift.diff)
        if drifts:
            stale = ", ".join(str(d.path.relative_to(d.path.parent.parent)) for d in drifts)
            print(f"stale generated models: {stale}; run `apiconform codegen` and commit the result", file=sys.stderr)
            return EXIT_NONCONFORMANT
        print(f"generated models up to date for {plural(len(surfaces), 'spec')}")
        return EXIT_OK
    for surface in surfaces:
        changed = codegen.write(surface, contract)
        print(f"{surface.generated_path.name}: {'written' if changed else 'unchanged'}")
    return EXIT_OK
