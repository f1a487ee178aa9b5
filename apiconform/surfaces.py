"""The API surfaces apiconform knows: name, spec file, generated module, source documents.

Vendor knowledge beyond this table lives in the specs and in `apiconform.vendors.<vendor>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from apiconform.errors import UsageError, did_you_mean

REPO_ROOT = Path(__file__).resolve().parent.parent
SPECS_DIR = REPO_ROOT / "specs"
GENERATED_DIR = REPO_ROOT / "generated"


@dataclass(frozen=True)
class Surface:
    """One vendor API surface and the files that describe it."""

    name: str
    vendor: str
    documents: tuple[str, ...]

    @property
    def spec_path(self) -> Path:
        return SPECS_DIR / f"{self.name}.yaml"

    @property
    def module_name(self) -> str:
        return self.name.replace("-", "_")

    @property
    def generated_path(self) -> Path:
        return GENERATED_DIR / f"{self.module_name}.py"


SURFACES: dict[str, Surface] = {
    s.name: s
    for s in (
        Surface("code-insight", "Revenera Code Insight", ("code-insight-jobs-api.txt",)),
        Surface("sd-elements", "Security Compass SD Elements", ("sd-elements-jobs-api.md",)),
        Surface("metadefender-sscp", "OPSWAT MetaDefender Software Supply Chain", ("metadefender-sscp-rest-api.txt",)),
        Surface("mend", "Mend", ("mend-http-api-v1.2.txt", "mend-product-project-api.txt")),
    )
}


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
