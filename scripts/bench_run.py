#!/usr/bin/env python3
"""Benchmark (not a test): `apiconform run all --profile default` against the embedded mocks, and, in the same
process, plain `schemathesis run --checks all` on the same specs against the same mocks, clean and with each
fault profile; then which faults each tool finds.

    scripts/bench_run.py [--skip-full] [--faults NAME,...]

Targets (issues 4 and 14): the full default run <= 30 s and the Mend quick run <= 8 s on this 2-core machine;
apiconform finds every fault profile plain schemathesis finds, and more.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from schemathesis_mocks import run_surface

from apiconform.mocks.faults import FAULTS, applies
from apiconform.vendors.registry import VENDORS

SURFACES = ("code-insight", "sd-elements", "metadefender-sscp", "mend")
CHEAPEST_FIRST = SURFACES
# Faults that name what they break, with the argument each is benchmarked with (on its cheapest surface): the
# spelling the observed Code Insight mock answers, and a Mend report answered "inactive organization".
ARGUMENTS = {
    "enum-renamed": "enum-renamed:COMPLETED",
    "request-type-error": "request-type-error:getProductRiskReport=2015",
}


def _apiconform(*args: str) -> tuple[int, float, dict[str, object]]:
    report = Path(tempfile.mkdtemp(prefix="bench-run-"))
    binary = shutil.which("apiconform", path=str(Path(sys.executable).parent)) or "apiconform"
    started = time.monotonic()
    proc = subprocess.run(
        [binary, "run", *args, "--report-dir", str(report), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - started
    data = json.loads((report / "report.json").read_text()) if (report / "report.json").exists() else {}
    shutil.rmtree(report, ignore_errors=True)
    return proc.returncode, elapsed, data


def _failure_count(report: dict[str, object]) -> int:
    failures = report.get("failures")
    return len(failures) if isinstance(failures, list) else -1


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-full", action="store_true", help="skip the full default run")
    parser.add_argument("--faults", help="comma-separated fault names (default: all)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    if not args.skip_full:
        code, elapsed, report = _apiconform("all", "--profile", "default")
        print(
            f"apiconform run all --profile default: {elapsed:.1f} s wall, exit {code}, "
            f"{_failure_count(report)} failures (target <= 30 s)"
        )
        # The CI gate on the biggest surface, split in two halves (the default) against one process (the baseline).
        code, split, _ = _apiconform("mend", "--profile", "quick")
        _, whole, _ = _apiconform("mend", "--profile", "quick", "--workers", "1")
        print(
            f"apiconform run mend --profile quick: {split:.1f} s wall, exit {code} (target <= 8 s); "
            f"{whole:.1f} s with --workers 1 (one process): {whole / split:.2f}x"
        )
        for surface in SURFACES:
            started = time.monotonic()
            st_code, summary = run_surface(surface, [], 50, 1, [], quiet=True)
            print(
                f"schemathesis run --checks all ({surface}, clean mock): {time.monotonic() - started:.1f} s, "
                f"exit {st_code}: {summary}"
            )
    names = args.faults.split(",") if args.faults else list(FAULTS)
    rows = []
    for name in names:
        surface = next(s for s in CHEAPEST_FIRST if applies(FAULTS[name], VENDORS[s].fault_capabilities))
        fault = ARGUMENTS.get(name, name)
        code, ours, report = _apiconform(surface, "--profile", "quick", "--mock-fault", fault)
        started = time.monotonic()
        st_code, summary = run_surface(surface, [fault], 25, 1, [], quiet=True)
        theirs = time.monotonic() - started
        checks = sorted({f["check"] for f in report.get("failures", [])})  # type: ignore[union-attr, index]
        # A tool that could not run (exit 2: usage error, a mock that did not start) found nothing; apiconform's
        # exit 3 (nothing could be proven: a server that rejects every credential) is a gate that stays red.
        st_found, found = st_code not in (0, 2), code in (1, 3)
        rows.append((name, surface, found, ours, st_found, theirs, checks, summary))
        print(
            f"{name:28s} {surface:18s} apiconform quick: {'FOUND' if found else 'missed':6s} {ours:5.1f} s "
            f"{','.join(checks)[:60]:60s} | schemathesis: {'FOUND' if st_found else 'missed':6s} {theirs:5.1f} s "
            f"{summary[:50]}"
        )
    ours_found = {r[0] for r in rows if r[2]}
    theirs_found = {r[0] for r in rows if r[4]}
    total = len(rows)
    print(f"apiconform found {len(ours_found)}/{total} fault profiles; plain schemathesis {len(theirs_found)}/{total}")
    print(f"found by schemathesis but missed by apiconform: {sorted(theirs_found - ours_found) or 'none'}")
    print(f"found only by apiconform: {sorted(ours_found - theirs_found) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
