"""Running apiconform the way a user does: `python -m apiconform ...` in a subprocess, bounded in time, with its
exit code, both output streams, wall time and peak memory (from the kernel's accounting of that one child).

The child gets the parent's environment minus every `APICONFORM_*` variable (they would turn into credentials),
so a developer's shell cannot change what these tests see.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parents[3]
POLL_S = 0.05


@dataclass
class CliResult:
    args: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mib: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        return (
            f"apiconform {' '.join(self.args)}\nexit {self.code} after {self.seconds:.1f} s, {self.max_rss_mib:.0f} MiB"
            f"\n--- stdout\n{self.stdout[-4000:]}\n--- stderr\n{self.stderr[-4000:]}"
        )


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APICONFORM_")}
    env.update(extra or {})
    return env


def _reap(process: subprocess.Popen[bytes], deadline: float) -> tuple[int, float, bool]:
    """Wait for the child until `deadline` (then kill it); (exit code, peak RSS in MiB, timed out)."""
    timed_out = False
    while True:
        if process.returncode is not None:  # already reaped (Popen.send_signal polls first): no usage to read
            return process.returncode, 0.0, False
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            timed_out = True
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(POLL_S)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    return process.returncode, usage.ru_maxrss / 1024, timed_out


def _read(handle: IO[bytes]) -> str:
    handle.seek(0)
    text = handle.read().decode("utf-8", "replace")
    handle.close()
    return text


def run_cli(
    args: list[str], *, bound: float, cwd: Path, env: dict[str, str] | None = None, stdin: bytes | None = None
) -> CliResult:
    """Run `apiconform ARGS`; fails the test when it is still running after `bound` seconds."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _read
    err = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _read
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "apiconform", *args],
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=err,
        cwd=cwd,
        env=clean_env(env),
    )
    code, rss, timed_out = _reap(process, started + bound)
    result = CliResult(args, code, _read(out), _read(err), time.monotonic() - started, rss)
    assert not timed_out, f"still running after {bound} s, killed:\n{result.describe()}"
    return result


class Background:
    """`apiconform mock|proxy ...` serving in a child process: `url` is the first line it prints."""

    def __init__(self, args: list[str], *, cwd: Path, startup: float = 30.0, env: dict[str, str] | None = None):
        self.args = args
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self._started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "apiconform", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._err,
            cwd=cwd,
            env=clean_env(env),
        )
        line: list[bytes] = []
        stdout = self.process.stdout
        assert stdout is not None
        reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(startup)
        self.url = line[0].decode().strip() if line else ""
        if not self.url:
            result = self.stop()
            raise AssertionError(f"no URL within {startup} s:\n{result.describe()}")

    def stop(self, *, bound: float = 30.0) -> CliResult:
        """SIGTERM, then wait up to `bound` seconds (killed after that: the test fails)."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        code, rss, timed_out = _reap(self.process, time.monotonic() + bound)
        assert self.process.stdout is not None
        rest = self.process.stdout.read().decode("utf-8", "replace")
        self.process.stdout.close()
        result = CliResult(
            self.args, code, self.url + "\n" + rest, _read(self._err), time.monotonic() - self._started, rss
        )
        assert not timed_out, f"did not stop within {bound} s of SIGTERM:\n{result.describe()}"
        return result


def report_failures(report_dir: Path) -> list[dict[str, Any]]:
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    failures: list[dict[str, Any]] = report["failures"]
    return failures


def assert_clean_exit(result: CliResult) -> None:
    """No traceback, no internal error, whatever the outcome."""
    assert "Traceback" not in result.output, result.describe()
    assert "internal error" not in result.output, result.describe()
    assert result.code != 70, result.describe()


_PROGRESS = re.compile(r"^apiconform: (?!error:|internal error:)[a-z][a-z-]*[a-z]: ")


def error_lines(stderr: str) -> list[str]:
    """stderr without the run's progress lines (`apiconform: SURFACE: ...`): what a user must act on."""
    return [line for line in stderr.strip().splitlines() if line and not _PROGRESS.match(line)]


def assert_one_line_error(result: CliResult, code: int, *needles: str) -> str:
    """Exit `code` with exactly one `apiconform: error:` line on stderr that contains every needle."""
    assert_clean_exit(result)
    assert result.code == code, result.describe()
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.describe()
    assert lines[0].startswith("apiconform: error: "), result.describe()
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in the error line:\n{result.describe()}"
    return lines[0]
