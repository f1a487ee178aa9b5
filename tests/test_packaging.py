"""apiconform as an installed package: the wheel carries the specs and generated models, an installed apiconform
runs from any directory without the checkout, and the editable install keeps reading the checkout's files.

The wheel is built offline from a copy of the checkout (the build writes build/ and *.egg-info beside the sources,
so parallel runs must not share them) and installed into fresh venvs without downloading anything: a .pth file
lends them this interpreter's site-packages for the dependencies. A .pth line only adds a directory to sys.path;
the .pth files inside it (this environment's editable apiconform) are not processed, so apiconform itself can
only come from what the test installs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from apiconform.surfaces import SURFACES

REPO = Path(__file__).resolve().parent.parent
SHIPPED = ("pyproject.toml", "README.md", "apiconform", "specs", "generated")
BOUND_S = 120


@dataclass(frozen=True)
class Venv:
    root: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    @property
    def apiconform(self) -> Path:
        return self.root / "bin" / "apiconform"


def _run(args: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(a) for a in args]
    env = env or _env(cwd)
    done = subprocess.run(command, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=BOUND_S)
    assert done.returncode == 0, f"{args} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def _env(tmp: Path) -> dict[str, str]:
    """No PYTHONPATH (the test run puts the checkout there), no pip network or cache, temp files under tmp."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "APICONFORM_"))}
    (tmp / "tmp").mkdir(exist_ok=True)
    return env | {
        "PIP_NO_INDEX": "1",
        "PIP_NO_CACHE_DIR": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "TMPDIR": str(tmp / "tmp"),
    }


def _source_copy(root: Path) -> Path:
    src = root / "src"
    for name in SHIPPED:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    return src


def _venv(root: Path, name: str) -> Venv:
    venv = Venv(root / name)
    _run([sys.executable, "-m", "venv", "--without-pip", venv.root], cwd=root)
    purelib = Path(
        _run([venv.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root).stdout.strip()
    )
    ours = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (purelib / "_apiconform_test_dependencies.pth").write_text("".join(f"{p}\n" for p in ours), encoding="utf-8")
    return venv


def _pip_install(venv: Venv, *args: str | Path, cwd: Path) -> None:
    # This interpreter's pip installs into the venv (`--python`), so the venv needs no pip of its own.
    _run([sys.executable, "-m", "pip", "--python", venv.python, "install", "--no-deps", "--no-index", *args], cwd=cwd)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(source copy, wheel)."""
    root = tmp_path_factory.mktemp("build")
    src = _source_copy(root)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", root / "dist", src],
        cwd=root,
    )
    (wheel,) = (root / "dist").glob("apiconform-*.whl")
    return src, wheel


@pytest.fixture(scope="module")
def installed(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Venv:
    root = tmp_path_factory.mktemp("installed")
    venv = _venv(root, "venv")
    _pip_install(venv, built[1], cwd=root)
    return venv


def test_the_wheel_carries_every_module_spec_and_generated_model(built: tuple[Path, Path]) -> None:
    src, wheel = built
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {p.relative_to(src).as_posix() for p in (src / "apiconform").rglob("*.py")}
    specs = src / "specs"
    expected |= {f"apiconform/_specs/{p.relative_to(specs).as_posix()}" for p in specs.rglob("*.yaml")}
    expected |= {f"apiconform/_generated/{p.name}" for p in (src / "generated").glob("*.py")}
    expected.add("apiconform/reports/report.schema.json")
    missing = sorted(expected - names)
    assert not missing, f"not in the wheel (add the package to [tool.setuptools] packages or package-data): {missing}"
    print(f"wheel: {wheel.name}, {wheel.stat().st_size} bytes, {len(names)} files")


PROBE = """
import json, sys
import apiconform, apiconform.cli, apiconform.runner.core
from apiconform import models, surfaces
generated = [models.load_models(name).__file__ for name in surfaces.SURFACES]
files = {name: getattr(module, "__file__", None) for name, module in list(sys.modules.items())}
ours = {name: path for name, path in files.items() if name.startswith("apiconform") and path}
print(json.dumps({"specs": str(surfaces.SPECS_DIR), "generated": str(surfaces.GENERATED_DIR), "models": generated,
                  "modules": ours}))
"""


def test_the_installed_package_reads_nothing_from_the_checkout(installed: Venv, tmp_path: Path) -> None:
    found = json.loads(_run([installed.python, "-c", PROBE], cwd=tmp_path).stdout)
    specs, generated = Path(found["specs"]), Path(found["generated"])
    assert specs.is_relative_to(installed.root) and (specs / "code-insight.yaml").is_file(), specs
    assert generated.is_relative_to(installed.root), generated
    assert len(found["models"]) == len(SURFACES) and all(Path(m).parent == generated for m in found["models"])
    elsewhere = {name: path for name, path in found["modules"].items() if not Path(path).is_relative_to(installed.root)}
    assert "apiconform.cli" in found["modules"] and not elsewhere, elsewhere


def test_version_and_help_of_the_installed_command(installed: Venv, tmp_path: Path) -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert _run([installed.apiconform, "--version"], cwd=tmp_path).stdout == f"apiconform {version}\n"
    usage = _run([installed.python, "-m", "apiconform", "--help"], cwd=tmp_path).stdout
    assert usage.startswith("usage: apiconform ") and "run" in usage and "code-insight" in usage


def test_a_run_from_an_unrelated_directory_writes_only_its_reports(installed: Venv, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    env = _env(tmp_path)
    args = [installed.apiconform, "run", "code-insight", "--profile", "quick", "--report-dir", "R"]
    done = _run(args, cwd=work, env=env)
    assert done.stdout.startswith("conformant: "), done.stdout
    assert (work / "R" / "report.json").is_file()
    assert sorted(p.name for p in work.iterdir()) == ["R"], "a run writes nothing but its report directory"
    assert not list((tmp_path / "tmp").iterdir()), "temporary files left behind"


def test_the_editable_install_reads_the_checkouts_specs_and_generated_models(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    src = built[0]
    venv = _venv(tmp_path, "venv")
    _pip_install(venv, "--no-build-isolation", "-e", src, cwd=tmp_path)
    found = json.loads(_run([venv.python, "-c", PROBE], cwd=tmp_path).stdout)
    assert (found["specs"], found["generated"]) == (str(src / "specs"), str(src / "generated"))
    assert Path(found["modules"]["apiconform.cli"]) == src / "apiconform" / "cli.py"
