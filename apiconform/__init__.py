"""apiconform: contract tests, mocks and conformance reports for software-supply-chain vendor APIs."""

from importlib import metadata

from apiconform.errors import ApiconformError, SpecError, TargetUnreachableError, UsageError
from apiconform.surfaces import SURFACES, Surface, get_surface

__all__ = [
    "SURFACES",
    "ApiconformError",
    "SpecError",
    "Surface",
    "TargetUnreachableError",
    "UsageError",
    "__version__",
    "get_surface",
]

try:  # one source of truth: pyproject.toml's version, as installed (editable installs included)
    __version__ = metadata.version("apiconform")
except metadata.PackageNotFoundError:  # imported from a checkout that was never installed (PYTHONPATH=.)
    __version__ = "0+unknown"
