"""The API surfaces apiconform knows: every `specs/<surface>.yaml` is one (its `info.x-surface` repeats the name).

Vendor knowledge beyond the spec lives in one package per vendor, registered in `apiconform.vendors.registry`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from apiconform.errors import UsageError, did_you_mean

REPO_ROOT = Path(__file__).resolve().parent.parent


def _data_dir(packaged: str, in_checkout: str) -> Path:
    """An installed wheel carries specs/ and generated/ inside the package (pyproject.toml maps them there); a
    source checkout, editable install included, has only the repository's own copies, which codegen writes and
    lint reads. Packaged data wins when present, so an installed apiconform never reads a stray specs/ beside it."""
    shipped = resources.files("apiconform").joinpath(packaged)
    if isinstance(shipped, Path) and shipped.is_dir():
        return shipped
    return REPO_ROOT / in_checkout


SPECS_DIR = _data_dir("_specs", "specs")
GENERATED_DIR = _data_dir("_generated", "generated")


@dataclass(frozen=True)
class Surface:
    """One vendor API surface and the files that describe it."""

    name: str

    @property
    def spec_path(self) -> Path:
        return SPECS_DIR / f"{self.name}.yaml"

    @property
    def module_name(self) -> str:
        return self.name.replace("-", "_")

    @property
    def generated_path(self) -> Path:
        return GENERATED_DIR / f"{self.module_name}.py"


def _discover() -> dict[str, Surface]:
    # Sorted, so every listing (reports, `run all`, QUIRKS.md) comes in one order whatever the file system says.
    return {path.stem: Surface(path.stem) for path in sorted(SPECS_DIR.glob("*.yaml"))}


SURFACES: dict[str, Surface] = _discover()


def get_surface(name: str) -> Surface:
    """The surface called `name`, or a UsageError that lists the known ones."""
    try:
        return SURFACES[name]
    except KeyError:
        known = ", ".join(SURFACES)
        raise UsageError(f"unknown surface {name!r}{did_you_mean(name, SURFACES)}; choose one of: {known}") from None


def resolve_surfaces(name: str) -> list[Surface]:
    """`all` or one surface name, as a list."""
    return list(SURFACES.values()) if name == "all" else [get_surface(name)]
