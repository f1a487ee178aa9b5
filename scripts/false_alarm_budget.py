#!/usr/bin/env python3
"""The false-alarm budget at full strength (not a test: minutes per seed): the thorough profile over every
surface against the clean embedded mocks, for several seeds; prints failures per surface and seed (must be 0).

    scripts/false_alarm_budget.py [--seeds 1,2,3]
"""

from __future__ import annotations

import argparse
import sys
import time

from apiconform.runner.core import RunOptions, run
from apiconform.runner.profiles import get_profile
from apiconform.surfaces import SURFACES


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="1,2,3")
    args = parser.parse_args()
    total = 0
    for seed in (int(s) for s in args.seeds.split(",")):
        started = time.monotonic()
        options = RunOptions(surfaces=tuple(SURFACES.values()), profile=get_profile("thorough"), seed=seed, workers=2)
        result = run(options)
        for name, surface in result.surfaces.items():
            failures = [f for f in result.failures if f.surface == name]
            cases = sum(op.cases for op in surface.operations.values())
            print(f"seed {seed} {name:18s} {cases:6d} cases  {len(failures)} failures")
            for failure in failures:
                print(f"    {failure.operation} [{failure.check}] {failure.title}")
            total += len(failures)
        print(f"seed {seed}: {time.monotonic() - started:.0f} s")
    print(f"false alarms: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
