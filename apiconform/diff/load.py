"""One side of a diff: a spec file, or `REV:path` read from git (`git show REV:path`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from apiconform.errors import SpecError, UsageError
from apiconform.spec import load_document, parse_document

GIT_TIMEOUT_S = 30
_REV_REF = re.compile(r"^(?P<rev>[^:\s]+):(?P<path>.+)$")


def observed_side(document: dict[str, Any]) -> dict[str, Any]:
    """One side as the observed contract: the surface's evidence overlay (`info.x-surface`) applied to it, the
    actions that no longer find their target skipped (this side may be another version of the spec)."""
    from apiconform.contract import overlay_path
    from apiconform.overlay import apply_overlay, load_overlay
    from apiconform.surfaces import SURFACES

    surface = SURFACES.get(str((document.get("info") or {}).get("x-surface", "")))
    overlay = overlay_path(surface.spec_path) if surface is not None else None
    if overlay is None or not overlay.exists():
        return document
    observed, _ = apply_overlay(document, load_overlay(overlay), strict=False)
    return observed


def load_side(ref: str, *, cwd: Path | None = None) -> dict[str, Any]:
    """A file path (an existing file always wins), else `REV:path` as `git show` reads it (in `cwd`)."""
    if not ref:
        raise UsageError("empty spec reference; give a file path or REV:path (e.g. main:specs/mend.yaml)")
    path = Path(ref) if cwd is None or Path(ref).is_absolute() else cwd / ref
    if path.is_file():
        return load_document(path)
    match = _REV_REF.match(ref)
    if match is None:
        return load_document(path)  # raises the usual one-line "spec file not found"
    return parse_document(_git_show(match["rev"], match["path"], ref, cwd), ref)


def _git_show(rev: str, path: str, ref: str, cwd: Path | None) -> str:
    git = shutil.which("git")
    if git is None:
        raise UsageError(f"{ref}: reading REV:path needs git on PATH; install git or pass a file path")
    try:
        done = subprocess.run(  # fixed argv, no shell
            [git, "show", f"{rev}:{path}"],
            capture_output=True,
            cwd=cwd,
            timeout=GIT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UsageError(f"{ref}: `git show` took over {GIT_TIMEOUT_S} s; check the repository") from None
    if done.returncode != 0:
        detail = " ".join(done.stderr.decode("utf-8", "replace").split()) or f"exit {done.returncode}"
        raise UsageError(
            f"{ref}: git show failed ({detail}); give an existing revision and the path from the repository root"
            " (or ./path relative to the current directory), or a file path"
        )
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError(f"{ref}: spec is not UTF-8 text; make it a UTF-8 YAML or JSON file") from None
