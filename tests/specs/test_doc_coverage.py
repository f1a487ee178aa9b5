"""Doc drift guard: everything the vendor documents show must be in a spec.

When the documents change, these tests name what is new. They scrape the documents independently
(tests/specs/doc_surface.py) and compare with the specs' structure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from apiconform.spec import load_document
from apiconform.surfaces import SURFACES
from tests.specs import doc_surface

_HTTP_METHODS = {"get", "post", "put", "delete", "patch"}


def _spec(name: str) -> dict[str, Any]:
    return load_document(SURFACES[name].spec_path)


def _spec_operations(name: str) -> set[tuple[str, str]]:
    return {
        (method.upper(), doc_surface.normalise_path(path))
        for path, item in _spec(name)["paths"].items()
        for method in item
        if method in _HTTP_METHODS
    }


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _spec_enums(name: str) -> list[set[str]]:
    return [{str(v) for v in node["enum"]} for node in _walk(_spec(name)) if isinstance(node.get("enum"), list)]


@pytest.mark.parametrize(
    ("surface", "document"),
    [
        ("code-insight", "code-insight-jobs-api.txt"),
        ("sd-elements", "sd-elements-jobs-api.md"),
        ("metadefender-sscp", "metadefender-sscp-rest-api.txt"),
    ],
)
def test_every_documented_operation_is_in_the_spec(surface: str, document: str) -> None:
    documented = doc_surface.documented_operations(document)
    assert documented, f"no operations scraped from {document}: the scraper is broken"
    missing = sorted(documented - _spec_operations(surface))
    assert not missing, f"documented in {document} but not in specs/{surface}.yaml: {missing}"
    print(f"{surface}: {len(documented)} documented operations, all in the spec")


def test_metadefender_documents_more_than_100_operations() -> None:
    assert len(doc_surface.documented_operations("metadefender-sscp-rest-api.txt")) > 100


def test_every_documented_request_type_is_a_mend_variant() -> None:
    documented = doc_surface.documented_request_types()
    mapping = _spec("mend")["components"]["schemas"]["MendRequest"]["discriminator"]["mapping"]
    missing = sorted(set(documented) - set(mapping))
    assert not missing, f"requestTypes in the Mend documents but not in specs/mend.yaml: {missing}"
    invented = sorted(set(mapping) - set(documented))
    assert not invented, f"requestTypes in specs/mend.yaml that no Mend document shows: {invented}"
    print(f"mend: {len(documented)} documented requestTypes, all in the spec")


@pytest.mark.parametrize(
    ("surface", "document"),
    [
        ("code-insight", "code-insight-jobs-api.txt"),
        ("metadefender-sscp", "metadefender-sscp-rest-api.txt"),
        ("mend", "mend-http-api-v1.2.txt"),
        ("mend", "mend-product-project-api.txt"),
    ],
)
def test_every_documented_enum_value_set_is_in_the_spec(surface: str, document: str) -> None:
    documented = doc_surface.documented_enums(document)
    assert documented, f"no enums scraped from {document}: the scraper is broken"
    enums = _spec_enums(surface)
    missing = [(line, sorted(values)) for line, values in documented if not any(values <= e for e in enums)]
    assert not missing, f"enum value sets in {document} (line, values) not found in any enum of the spec: {missing}"


def test_every_documented_integer_bound_is_in_the_spec() -> None:
    bounds = doc_surface.documented_bounds("code-insight-jobs-api.txt")
    assert len(bounds) >= 4, "scraper found too few bounds in the Code Insight document"
    params = [
        node
        for node in _walk(_spec("code-insight"))
        if isinstance(node.get("name"), str) and isinstance(node.get("schema"), dict)
    ]
    for bound in bounds:
        schemas = [p["schema"] for p in params if p["name"] == bound.parameter]
        assert schemas, f"documented parameter {bound.parameter!r} has no spec parameter"
        assert any(s.get("minimum") == bound.minimum and s.get("maximum") == bound.maximum for s in schemas), (
            f"no spec parameter {bound.parameter!r} with minimum {bound.minimum} and maximum {bound.maximum}"
        )
