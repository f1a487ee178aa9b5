"""Doc drift guard: everything the vendor documents show must be in a spec.

The facts come from specs/doc-facts/, extracted from the documents by scripts/extract_doc_facts.py and
committed, so this runs on a clone with no documents beside it; test_doc_facts.py keeps them current.
When the documents change, these tests name what is new.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from apiconform.spec import load_document
from apiconform.surfaces import SPECS_DIR, SURFACES

FACTS_DIR = SPECS_DIR / "doc-facts"
_HTTP_METHODS = {"get", "post", "put", "delete", "patch"}


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _spec(name: str) -> dict[str, Any]:
    return load_document(SURFACES[name].spec_path)


def _cited_documents(name: str) -> set[str]:
    """The documents a spec names as its sources (x-doc-source: a mapping or a list of them)."""
    cited = set()
    for node in _walk(_spec(name)):
        source = node.get("x-doc-source")
        cited |= {s["document"] for s in (source if isinstance(source, list) else [source]) if isinstance(s, dict)}
    return cited


_DOCUMENTS = sorted((surface, doc) for surface in SURFACES for doc in _cited_documents(surface))
_FACTS: dict[str, dict[str, Any]] = {
    facts["source"]["document"]: facts
    for facts in (json.loads(p.read_text(encoding="utf-8")) for p in sorted(FACTS_DIR.glob("*.json")))
}


def _facts(document: str) -> dict[str, Any]:
    assert document in _FACTS, f"no facts for {document} in specs/doc-facts: run `python scripts/extract_doc_facts.py`"
    return _FACTS[document]


def _normalise_path(path: str) -> str:
    """Path params and literal ids (SD Elements' examples use `projects/1/`) compare equal."""
    parts = []
    for seg in path.strip().rstrip("/").split("/"):
        parts.append("{}" if re.fullmatch(r"\{[^}]+\}|\d+", seg) else seg)
    return "/".join(parts) or "/"


def _documented_operations(document: str) -> set[tuple[str, str]]:
    methods_paths = (op.split(" ", 1) for op in _facts(document)["operations"])
    return {(method, _normalise_path(path)) for method, path in methods_paths}


def _spec_operations(name: str) -> set[tuple[str, str]]:
    return {
        (method.upper(), _normalise_path(path))
        for path, item in _spec(name)["paths"].items()
        for method in item
        if method in _HTTP_METHODS
    }


def _spec_enums(name: str) -> list[set[str]]:
    return [{str(v) for v in node["enum"]} for node in _walk(_spec(name)) if isinstance(node.get("enum"), list)]


def test_every_document_with_facts_is_a_source_of_some_spec() -> None:
    uncited = sorted(set(_FACTS) - {doc for _, doc in _DOCUMENTS})
    assert not uncited, f"specs/doc-facts has facts for documents no spec cites in x-doc-source: {uncited}"


# A floor per document: an extraction that finds less than this is broken, and its output must not be committed.
@pytest.mark.parametrize(
    ("document", "kind", "at_least"),
    [
        ("code-insight-jobs-api.txt", "operations", 1),
        ("sd-elements-jobs-api.md", "operations", 1),
        ("metadefender-sscp-rest-api.txt", "operations", 101),
        ("code-insight-jobs-api.txt", "enums", 1),
        ("metadefender-sscp-rest-api.txt", "enums", 1),
        ("mend-http-api-v1.2.txt", "enums", 1),
        ("mend-product-project-api.txt", "enums", 1),
        ("code-insight-jobs-api.txt", "bounds", 4),
    ],
)
def test_the_extraction_found_what_the_documents_are_known_to_hold(document: str, kind: str, at_least: int) -> None:
    found = len(_facts(document)[kind])
    assert found >= at_least, f"only {found} {kind} extracted from {document}: the extraction is broken"


@pytest.mark.parametrize(("surface", "document"), _DOCUMENTS)
def test_every_documented_operation_is_in_the_spec(surface: str, document: str) -> None:
    documented = _documented_operations(document)
    missing = sorted(documented - _spec_operations(surface))
    assert not missing, f"documented in {document} but not in specs/{surface}.yaml: {missing}"
    print(f"{surface}: {len(documented)} operations documented in {document}, all in the spec")


def test_every_documented_request_type_is_a_mend_variant() -> None:
    found = [facts["request_types"] for facts in _FACTS.values()]
    documented = {name for request_types in found for names in request_types.values() for name in names}
    enumerated = _facts("mend-http-api-v1.2.txt")["request_types"]["enumerated"]
    assert enumerated, "no enumerated requestType list extracted from mend-http-api-v1.2.txt: the extraction is broken"
    mapping = _spec("mend")["components"]["schemas"]["MendRequest"]["discriminator"]["mapping"]
    missing = sorted(documented - set(mapping))
    assert not missing, f"requestTypes in the Mend documents but not in specs/mend.yaml: {missing}"
    invented = sorted(set(mapping) - documented)
    assert not invented, f"requestTypes in specs/mend.yaml that no Mend document shows: {invented}"
    print(f"mend: {len(documented)} documented requestTypes, all in the spec")


@pytest.mark.parametrize(("surface", "document"), _DOCUMENTS)
def test_every_documented_enum_value_set_is_in_the_spec(surface: str, document: str) -> None:
    enums = _spec_enums(surface)
    missing = [
        (enum["line"], enum["values"])
        for enum in _facts(document)["enums"]
        if not any(set(enum["values"]) <= e for e in enums)
    ]
    assert not missing, f"enum value sets in {document} (line, values) not found in any enum of the spec: {missing}"


@pytest.mark.parametrize(("surface", "document"), _DOCUMENTS)
def test_every_documented_integer_bound_is_in_the_spec(surface: str, document: str) -> None:
    params = [
        node
        for node in _walk(_spec(surface))
        if isinstance(node.get("name"), str) and isinstance(node.get("schema"), dict)
    ]
    for bound in _facts(document)["bounds"]:
        name, minimum, maximum = bound["parameter"], bound["minimum"], bound["maximum"]
        schemas = [p["schema"] for p in params if p["name"] == name]
        assert schemas, f"{document} line {bound['line']}: parameter {name!r} has no spec parameter"
        assert any(s.get("minimum") == minimum and s.get("maximum") == maximum for s in schemas), (
            f"{document} line {bound['line']}: no spec parameter {name!r} with minimum {minimum} and maximum {maximum}"
        )
