"""apiconform: contract tests, mocks and conformance reports for software-supply-chain vendor APIs."""

from apiconform.errors import ApiconformError, SpecError, TargetUnreachableError, UsageError
from apiconform.surfaces import SURFACES, Surface, get_surface

__all__ = [
    "SURFACES",
    "ApiconformError",
    "SpecError",
    "Surface",
    "TargetUnreachableError",
    "UsageError",
    "get_surface",
]
__version__ = "0.1.0"
