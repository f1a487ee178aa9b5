#!/usr/bin/env python3
"""Run plain `schemathesis run --checks all` (examples, coverage, fuzzing, stateful) against the built-in mocks.

    scripts/schemathesis_mocks.py [SURFACE ...] [--fault NAME] [--max-examples N] [--seed N]

Starts `apiconform mock SURFACE --port 0 --credentials-out FILE`, reads the URL it prints, passes the
credentials' headers to schemathesis, and exits non-zero if any surface has a failure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURFACES = ["code-insight", "sd-elements", "metadefender-sscp", "mend"]
# Mend rejects invalid requests with HTTP 200 and an {"errorCode", "errorMessage"} body (the vendor's documented
# behaviour). Plain schemathesis judges rejection by status code only, so for Mend a 200 counts as a rejection;
# apiconform's own negative-data check looks at the errorCode instead.
MEND_CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["200", "400", "401", "403", "404", "405", "406", "409", "413", "415", "422"]
"""


def _tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else (shutil.which(name) or name)


def run_surface(
    surface: str, faults: list[str], max_examples: int, seed: int, extra: list[str], *, quiet: bool = False
) -> tuple[int, str]:
    """(exit code, schemathesis' closing summary line) of one plain `schemathesis run` against a fresh mock."""
    with tempfile.TemporaryDirectory(prefix="st-mock-") as tmp:
        creds_path = Path(tmp) / "credentials.json"
        fault_args = [arg for f in faults for arg in ("--fault", f)]
        mock = subprocess.Popen(
            [_tool("apiconform"), "mock", surface, "--port", "0", "--credentials-out", str(creds_path), *fault_args],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert mock.stdout is not None
            url = mock.stdout.readline().strip()
            if not url:
                print(f"{surface}: mock did not start", file=sys.stderr)
                return 2, "mock did not start"
            creds = json.loads(creds_path.read_text())
            headers = [arg for k, v in creds.get("headers", {}).items() for arg in ("-H", f"{k}: {v}")]
            config = []
            if surface == "mend":
                (Path(tmp) / "schemathesis.toml").write_text(MEND_CONFIG)
                config = ["--config-file", str(Path(tmp) / "schemathesis.toml")]
            cmd = [
                _tool("schemathesis"), *config, "run", str(ROOT / "specs" / f"{surface}.yaml"), "-u", url, *headers,
                "--checks", "all", "--phases", "examples,coverage,fuzzing,stateful",
                "--max-examples", str(max_examples), "--seed", str(seed), "--generation-deterministic", *extra,
            ]  # fmt: skip
            if not quiet:
                print(f"== {surface}: {' '.join(c if 'Authorization' not in c else '-H <redacted>' for c in cmd)}")
            proc = subprocess.run(cmd, check=False, capture_output=quiet, text=True)
            closing = [line.strip("= ") for line in (proc.stdout or "").splitlines() if line.startswith("=====")]
            return proc.returncode, closing[-1] if closing else ""
        finally:
            mock.terminate()
            mock.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("surfaces", nargs="*", default=SURFACES)
    parser.add_argument("--fault", action="append", default=[])
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args, extra = parser.parse_known_args()
    codes = {s: run_surface(s, args.fault, args.max_examples, args.seed, extra)[0] for s in args.surfaces}
    for surface, code in codes.items():
        print(f"{surface}: {'ok' if code == 0 else f'exit {code}'}")
    return max(codes.values())


if __name__ == "__main__":
    sys.exit(main())
