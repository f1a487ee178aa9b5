#!/usr/bin/env python3
"""Benchmark (not a test): requests/second of the built-in mocks vs Prism on the same specs and machine.

    scripts/bench_mocks.py [--seconds 5] [--connections 10] [--no-prism]

Load generator: wrk (Debian package) when installed, else a Python keep-alive loader (figures then measure
the loader as much as the server: compare ratios, not absolutes). Prism (@stoplight/prism-cli 5.14.2, the
last release that runs on Node 20) is installed with npm into a cache folder when npx is available.
Prints one line per (server, request) and the apiconform/Prism ratio; the target is >= 3x.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PRISM_VERSION = "5.14.2"
PRISM_DIR = Path(os.environ.get("APICONFORM_BENCH_CACHE", Path.home() / ".cache" / "apiconform-bench")) / "prism"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_mock(surface: str) -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    creds = Path(tempfile.mkdtemp()) / "creds.json"
    apiconform = shutil.which("apiconform", path=str(Path(sys.executable).parent)) or "apiconform"
    proc = subprocess.Popen(
        [apiconform, "mock", surface, "--port", "0", "--credentials-out", str(creds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url:
        proc.kill()
        raise SystemExit(f"the {surface} mock did not start; run `apiconform mock {surface}` to see why")
    return proc, url, json.loads(creds.read_text())


def start_prism(spec: Path) -> tuple[subprocess.Popen[str], int] | None:
    if not shutil.which("npx"):
        return None
    binary = PRISM_DIR / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        PRISM_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(PRISM_DIR), f"@stoplight/prism-cli@{PRISM_VERSION}"],
            check=True,
            capture_output=True,
        )
    port = _free_port()
    proc = subprocess.Popen(
        [str(binary), "mock", str(spec), "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    return None


def wrk(url: str, headers: dict[str, str], body: str | None, seconds: int, connections: int) -> float:
    script = Path(tempfile.mkdtemp()) / "req.lua"
    lines = [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    if body is not None:
        lines += [
            'wrk.method = "POST"',
            'wrk.headers["Content-Type"] = "application/json"',
            f"wrk.body = {json.dumps(body)}",
        ]
    script.write_text("\n".join(lines) + "\n")
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else 0.0


def python_loader(url: str, headers: dict[str, str], body: str | None, seconds: int, connections: int) -> float:
    parts = urlsplit(url)
    count = [0] * connections
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        while time.monotonic() < stop:
            conn.request(
                "POST" if body else "GET", path, body=body, headers={**headers, "Content-Type": "application/json"}
            )
            conn.getresponse().read()
            count[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(count) / seconds


def measure(url: str, headers: dict[str, str], body: str | None, args: argparse.Namespace) -> float:
    load = wrk if shutil.which("wrk") else python_loader
    return load(url, headers, body, args.seconds, args.connections)


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--no-prism", action="store_true")
    args = parser.parse_args()
    print(
        f"load generator: {'wrk' if shutil.which('wrk') else 'python keep-alive loader'}; "
        f"{args.connections} connections, {args.seconds} s per measurement; {os.cpu_count()} cores"
    )
    for surface in ("code-insight", "sd-elements", "metadefender-sscp", "mend"):
        started = time.monotonic()
        proc, _, _ = start_mock(surface)
        print(f"apiconform mock {surface}: ready in {time.monotonic() - started:.2f} s (target < 2 s)")
        proc.terminate()
        proc.wait()
    ci, ci_url, ci_creds = start_mock("code-insight")
    mend, mend_url, mend_creds = start_mock("mend")
    mend_body = json.dumps(
        {"requestType": "getAllProducts", "userKey": mend_creds["userKey"], "orgToken": mend_creds["orgToken"]}
    )
    cases = [
        ("GET /jobs/{jobId}", "code-insight", ci_url + "/jobs/7", ci_creds.get("headers", {}), None),
        ("Mend POST getAllProducts", "mend", mend_url, {}, mend_body),
    ]
    results: dict[str, dict[str, float]] = {}
    try:
        for name, _, url, headers, body in cases:
            results[name] = {"apiconform": measure(url, headers, body, args)}
    finally:
        for proc in (ci, mend):
            proc.terminate()
    if not args.no_prism:
        for name, surface, url, headers, body in cases:
            prism = start_prism(ROOT / "specs" / f"{surface}.yaml")
            if prism is None:
                print("prism: not available (no npx, or it did not start); skipping the comparison")
                break
            proc, port = prism
            try:
                path = urlsplit(url).path
                if surface == "code-insight":
                    path = path.replace("/codeinsight/api", "", 1)  # Prism serves paths without the server base
                if surface == "mend":
                    path = "/"
                results[name]["prism"] = measure(f"http://127.0.0.1:{port}{path}", headers, body, args)
            finally:
                proc.terminate()
    for name, figures in results.items():
        line = f"{name:28s} apiconform {figures['apiconform']:8.0f} req/s"
        if figures.get("prism"):
            line += f"   prism {figures['prism']:8.0f} req/s   ratio {figures['apiconform'] / figures['prism']:.1f}x"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
