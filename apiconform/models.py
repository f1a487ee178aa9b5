"""Access to the generated pydantic models (`generated/<surface>.py`), validated strictly.

Strict means JSON-mode strict validation: "5" is not an int, "true" is not a bool. int32/int64 ranges are not
in the generated models (datamodel-codegen emits no bounds for formats), so `validate` checks them from the
spec schema as well.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ValidationError

from apiconform.errors import SpecError
from apiconform.surfaces import get_surface


@functools.lru_cache(maxsize=8)
def load_models(surface: str) -> ModuleType:
    """The generated module of `surface`, imported from generated/ by path (it is not an installed package)."""
    path = get_surface(surface).generated_path
    if not path.exists():
        raise SpecError(f"{path} does not exist; run `apiconform codegen {surface}`")
    name = f"apiconform_generated_{get_surface(surface).module_name}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - only for non-file paths
        raise SpecError(f"cannot import {path}; run `apiconform codegen {surface}`")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves forward references through sys.modules
    spec.loader.exec_module(module)
    return module


def model(surface: str, name: str) -> type[BaseModel]:
    """The generated model class called `name` (the spec's component schema name)."""
    cls = getattr(load_models(surface), name, None)
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        raise SpecError(f"generated/{get_surface(surface).module_name}.py has no model {name!r}; check the name")
    return cls


def validate(surface: str, name: str, data: Any) -> BaseModel:
    """Strictly validate JSON data against a generated model; raises pydantic.ValidationError."""
    return model(surface, name).model_validate_json(json.dumps(data), strict=True)


def round_trips(surface: str, name: str, data: Any) -> bool:
    """True when `data` validates strictly and dumps back to the same JSON value."""
    try:
        instance = validate(surface, name, data)
    except ValidationError:
        return False
    dumped = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return bool(dumped == data)
