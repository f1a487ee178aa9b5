from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apiconform.spec import load_document
from apiconform.surfaces import SURFACES
from apiconform.validation import SchemaValidator, parse_parameter, with_integer_bounds

_DOCUMENTS = {name: load_document(surface.spec_path) for name, surface in SURFACES.items()}
_VALIDATORS = {name: SchemaValidator(document) for name, document in _DOCUMENTS.items()}
_SCHEMA_REFS = [
    (name, f"#/components/schemas/{schema}")
    for name, document in _DOCUMENTS.items()
    for schema in sorted(document.get("components", {}).get("schemas", {}))
]

_json = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _reference_is_valid(document: dict[str, Any], schema: dict[str, Any], instance: Any) -> bool:
    """What the validator has to agree with: the whole (bounded) components section embedded in the root."""
    root = {"allOf": [with_integer_bounds(schema)], "components": with_integer_bounds(document["components"])}
    return bool(jsonschema_rs.validator_for(root, validate_formats=True).is_valid(instance))


def _example_or_empty(document: dict[str, Any], ref: str) -> Any:
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    examples = schema.get("examples") or ([schema["example"]] if "example" in schema else [])
    return examples[0] if examples else {}


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(target=st.sampled_from(_SCHEMA_REFS), data=st.data())
def test_validator_agrees_with_embedding_the_components(target: tuple[str, str], data: st.DataObject) -> None:
    name, ref = target
    document = _DOCUMENTS[name]
    example = _example_or_empty(document, ref)
    instance = data.draw(
        st.one_of(
            st.just(example),
            _json,
            st.builds(lambda extra: {**example, **extra}, st.dictionaries(st.text(max_size=6), _json, max_size=2))
            if isinstance(example, dict)
            else _json,
        )
    )
    schema = {"$ref": ref}
    assert (not _VALIDATORS[name].errors(instance, schema)) == _reference_is_valid(document, schema, instance)


def test_refs_inside_inline_schemas_reach_the_components() -> None:
    name, ref = next(
        (n, r)
        for n, r in _SCHEMA_REFS
        if isinstance(_example_or_empty(_DOCUMENTS[n], r), dict) and _example_or_empty(_DOCUMENTS[n], r)
    )
    inline = {"type": "object", "properties": {"nested": {"$ref": ref}}, "required": ["nested"]}
    validator = _VALIDATORS[name]
    assert validator.errors({"nested": _example_or_empty(_DOCUMENTS[name], ref)}, inline) == []
    assert validator.errors({"nested": 5}, inline), "a wrong type behind a $ref must be reported"


@pytest.mark.parametrize("schema", [{"type": "integer", "format": "int64"}, {"$ref": "#/components/schemas/Id"}])
def test_int64_format_is_a_bound_inline_and_behind_refs(schema: dict[str, Any]) -> None:
    validator = SchemaValidator({"components": {"schemas": {"Id": {"type": "integer", "format": "int64"}}}})
    assert validator.errors(2**63 - 1, schema) == []
    (violation,) = validator.errors(2**63, schema, where="body.id")
    assert violation.where == "body.id"


@pytest.mark.parametrize(
    ("raw", "schema", "expected"),
    [
        (["5"], {"type": "integer"}, (5, None)),
        (["5.0"], {"type": "integer"}, ("5.0", "'5.0' is not an integer")),
        ([" 5"], {"type": "integer"}, (" 5", "' 5' is not an integer")),
        (["1,2"], {"type": "array", "items": {"type": "integer"}}, ([1, 2], None)),
        (["1", "x"], {"type": "array", "items": {"type": "integer"}}, (["1", "x"], "'x' is not an integer")),
        (["a", "b"], {"type": "string"}, (["a", "b"], "given 2 times; it takes one value")),
        (["yes"], {"type": "boolean"}, ("yes", "'yes' is not a boolean (true or false)")),
    ],
)
def test_parameters_are_parsed_exactly(raw: list[str], schema: dict[str, Any], expected: tuple[Any, Any]) -> None:
    assert parse_parameter(raw, schema) == expected
