"""The generated models round-trip every documented example and validate strictly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from apiconform import models
from apiconform.errors import SpecError
from apiconform.spec import load_document
from apiconform.surfaces import SURFACES


def _examples(surface: str) -> Iterator[tuple[str, str, Any]]:
    """(schema name, where, example value) for every example whose schema is a named component."""
    doc = load_document(SURFACES[surface].spec_path)
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        for i, value in enumerate(schema.get("examples") or []):
            yield name, f"components/schemas/{name}/examples/{i}", value
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            bodies = [op.get("requestBody", {}), *op.get("responses", {}).values()]
            for body in bodies:
                for media in body.get("content", {}).values():
                    ref = media.get("schema", {}).get("$ref", "")
                    if not ref.startswith("#/components/schemas/"):
                        continue
                    for ex_name, ex in (media.get("examples") or {}).items():
                        yield ref.rsplit("/", 1)[1], f"{method.upper()} {path} examples/{ex_name}", ex["value"]


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_generated_models_round_trip_every_documented_example(surface: str) -> None:
    checked = 0
    for name, where, value in _examples(surface):
        instance = models.validate(surface, name, value)  # raises with the reason if the example is rejected
        dumped = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
        assert dumped == value, f"{surface} {where}: {name} does not round-trip"
        checked += 1
    print(f"{surface}: {checked} examples round-tripped through generated models")


def test_strict_validation_rejects_lax_coercion() -> None:
    job = {
        "id": 1, "jobType": "Project Scan", "project": {}, "server": {}, "status": "New", "triggeredBy": {},
        "queuedOn": "2017-10-24 13:04:26.0", "activatedOn": "2017-10-24 13:04:26.0",
        "completedOn": "2017-10-24 13:04:26.0", "jobDetails": "", "error": "",
    }  # fmt: skip
    assert models.round_trips("code-insight", "Job", job)
    with pytest.raises(ValidationError):
        models.validate("code-insight", "Job", {**job, "id": "5"})
    with pytest.raises(ValidationError):
        models.validate("code-insight", "Job", {**job, "status": "Unknown"})


def test_unknown_model_name_is_a_clear_error() -> None:
    with pytest.raises(SpecError, match="no model 'Nope'"):
        models.model("code-insight", "Nope")
