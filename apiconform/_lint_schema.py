"""Schema-level lint rules: JSON Schema 2020-12 meta-schema, keyword typos, examples (for apiconform.lint)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import referencing.exceptions
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from apiconform._lint_walk import Census, ptr
from apiconform.errors import did_you_mean
from apiconform.spec import Document

Found = tuple[str, str]  # (JSON pointer, message)

SCHEMA_KEYWORDS = frozenset(
    {
        # JSON Schema 2020-12: core, applicator, unevaluated, validation, meta-data, format, content.
        *("$anchor", "$comment", "$defs", "$dynamicAnchor", "$dynamicRef", "$id", "$ref", "$schema", "$vocabulary"),
        *("additionalProperties", "allOf", "anyOf", "const", "contains", "contentEncoding", "contentMediaType"),
        *("contentSchema", "default", "dependentRequired", "dependentSchemas", "deprecated", "description", "else"),
        *("enum", "examples", "exclusiveMaximum", "exclusiveMinimum", "format", "if", "items", "maxContains"),
        *("maxItems", "maxLength", "maxProperties", "maximum", "minContains", "minItems", "minLength"),
        *("minProperties", "minimum", "multipleOf", "not", "oneOf", "pattern", "patternProperties", "prefixItems"),
        *("properties", "propertyNames", "readOnly", "required", "then", "title", "type", "unevaluatedItems"),
        *("unevaluatedProperties", "uniqueItems", "writeOnly"),
        # OpenAPI 3.1 base dialect.
        *("discriminator", "xml", "externalDocs", "example"),
    }
)
# OpenAPI 3.0 keywords that 3.1 silently ignores: worth a precise fix rather than a spelling suggestion.
_OAS30_ONLY = {
    "nullable": "OpenAPI 3.0 `nullable` is ignored in 3.1; write `type: [<type>, 'null']` instead",
}
_JSON_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")

_META_VALIDATOR = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=FormatChecker(formats=["regex"])
)
# Only the formats the spec conventions use; jsonschema's defaults would also assert idn-hostname and friends.
_FORMAT_CHECKER = FormatChecker(formats=["date-time", "date", "uuid", "email"])
_DOCUMENT_URI = "https://apiconform.invalid/spec.json"
_MAX_MESSAGE = 240


def one_line(text: str, limit: int = _MAX_MESSAGE) -> str:
    """`text` on one line, cut to `limit` characters (jsonschema messages embed whole instances)."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def error_pointer(base: str, error: ValidationError) -> str:
    return ptr(base, *error.absolute_path)


def most_relevant(error: ValidationError) -> ValidationError:
    """The deepest useful error under a oneOf/anyOf failure, which names the field actually at fault."""
    while error.context:
        deeper = best_match(error.context)
        if deeper is None or deeper is error:
            break
        error = deeper
    return error


def meta_schema_problems(census: Census) -> Iterator[Found]:
    """Every top-level Schema Object against the 2020-12 meta-schema (which recurses into nested ones)."""
    for pointer, schema in census.schema_sites:
        for raw_error in _META_VALIDATOR.iter_errors(schema):
            error = most_relevant(raw_error)
            where = error_pointer(pointer, error)
            if error.absolute_path and error.absolute_path[-1] == "type" and isinstance(error.instance, str):
                hint = did_you_mean(error.instance, _JSON_TYPES)
                yield (
                    where,
                    f"type {error.instance!r} is not a JSON Schema type{hint}; use one of {', '.join(_JSON_TYPES)}",
                )
            else:
                yield where, f"not valid JSON Schema 2020-12: {one_line(error.message, 160)}; fix the value"


def keyword_problems(census: Census) -> Iterator[Found]:
    """Unknown keys in Schema Objects: JSON Schema ignores them, so a typo like `requird` silently drops a rule."""
    for pointer, schema in census.subschemas:
        for raw_key in schema:
            key = str(raw_key)
            if key in _OAS30_ONLY:
                yield ptr(pointer, key), _OAS30_ONLY[key]
            elif key not in SCHEMA_KEYWORDS and not key.startswith("x-"):
                yield (
                    ptr(pointer, key),
                    f"unknown Schema Object keyword {key!r}{did_you_mean(key, SCHEMA_KEYWORDS)}; validators ignore it "
                    "silently: fix the spelling, or prefix a vendor extension with x-",
                )


def example_problems(document: Document, census: Census) -> Iterator[Found]:
    """Every example (and `default`) against its schema, `$ref`s resolved within the document."""
    registry: Registry[Any] = Registry().with_resource(_DOCUMENT_URI, DRAFT202012.create_resource(document))
    base = Draft202012Validator({}, registry=registry, format_checker=_FORMAT_CHECKER)
    for site in census.examples:
        what = "default" if site.is_default else "example"
        schema_ref = _DOCUMENT_URI + "#" + quote(site.schema_pointer, safe="/~")
        validator = base.evolve(schema={"$ref": schema_ref})
        try:
            error = best_match(validator.iter_errors(site.value))
        except referencing.exceptions.Unresolvable as exc:
            # str(exc) embeds the whole document; the ref alone says what to fix.
            ref = exc.ref if str(exc.ref).startswith("#") else f"#{exc.ref}"
            yield site.pointer, f"cannot check this {what}: $ref {ref!r} in its schema points nowhere; fix it"
            continue
        except Exception as exc:
            # A schema the meta-schema rejects (`type: strin`, a bad regex, ...) can make validation itself fail;
            # that schema problem is reported where it is, this only says the value went unchecked.
            detail = f"{type(exc).__name__}: {one_line(str(exc), 80)}"
            yield site.pointer, f"cannot check this {what}: its schema is broken ({detail}); fix the schema"
            continue
        if error is not None:
            at = ptr("", *error.absolute_path) or "its root"
            yield (
                site.pointer,
                f"{what} does not match its schema ({site.schema_pointer}) at {at}: {one_line(error.message, 160)}; "
                f"fix the {what}, or widen the schema with an x-doc-quirk if the document shows it this way",
            )


def count_examples(census: Census) -> int:
    return sum(1 for site in census.examples if not site.is_default)
