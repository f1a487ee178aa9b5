"""The cached side venv of the published clients: `.venv-clients/` at the repository root, built from
tests/clients/requirements.txt and rebuilt only when that file's sha256 changes.

Safe when several pytest-xdist workers (or two test runs) start at once: the build happens under an exclusive
fcntl lock on `.venv-clients.lock`, into a fresh directory that is renamed into place only when complete, and the
stamp file holding the sha256 is written last. A worker that waited for the lock finds the stamp and returns.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REQUIREMENTS = Path(__file__).with_name("requirements.txt")
VENV = REPO / ".venv-clients"
LOCK = REPO / ".venv-clients.lock"
STAMP = "requirements.sha256"
INSTALL_TIMEOUT_S = 600


def requirements_hash() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def is_current(venv: Path, digest: str) -> bool:
    stamp = venv / STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == digest and (venv / "bin/python").exists()


def ensure(venv: Path = VENV) -> tuple[Path, float | None]:
    """The venv, built if missing or stale, and the seconds the build took (None when it was already current)."""
    digest = requirements_hash()
    if is_current(venv, digest):
        return venv, None
    venv.parent.mkdir(parents=True, exist_ok=True)
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if is_current(venv, digest):  # another worker built it while we waited
            return venv, None
        return venv, _build(venv, digest)


def _build(venv: Path, digest: str) -> float:
    started = time.monotonic()
    staging = venv.with_name(venv.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    # The interpreter running the tests (Python 3.11+): the clients are pure Python plus a few binary wheels.
    with_uv = importlib.util.find_spec("uv") is not None
    # uv from the test environment (scripts/setup installs it) installs the pinned wheels in about a second, into a
    # venv without pip (bootstrapping pip alone takes 3 s); pip takes about 12 s on a clean clone.
    _run([sys.executable, "-m", "venv", *(["--without-pip"] if with_uv else []), str(staging)])
    if with_uv:
        installer = [sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", str(staging / "bin/python")]
    else:
        installer = [str(staging / "bin/python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*installer, "--no-deps", "--only-binary=:all:", "-r", str(REQUIREMENTS)])
    # Everything is in place: swap the new venv in, then stamp it (the stamp is what readers trust).
    shutil.rmtree(venv, ignore_errors=True)
    staging.rename(venv)
    _fix_shebangs(staging, venv)
    (venv / STAMP).write_text(digest + "\n", encoding="utf-8")
    return time.monotonic() - started


def _fix_shebangs(old: Path, new: Path) -> None:
    """Console scripts name the interpreter by absolute path: point them at the renamed venv."""
    old_line, new_line = f"#!{old}/bin/python", f"#!{new}/bin/python"
    for script in (new / "bin").iterdir():
        if not script.is_file() or script.is_symlink():
            continue
        head = script.read_bytes()[:512]
        if head.startswith(old_line.encode()):
            script.write_bytes(script.read_bytes().replace(old_line.encode(), new_line.encode(), 1))
    cfg = new / "pyvenv.cfg"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(str(old), str(new)), encoding="utf-8")


def _run(argv: list[str]) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"building the clients' venv failed: {' '.join(argv[:4])}...\n{done.stderr[-4000:]}")


if __name__ == "__main__":
    path, took = ensure()
    print(f"{path}: " + ("already current" if took is None else f"built in {took:.1f} s"))
