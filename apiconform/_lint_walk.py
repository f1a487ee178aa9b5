"""Where things are in an OpenAPI document: Schema Objects, operations, examples, `$ref`s (for apiconform.lint).

The walk follows the OpenAPI object structure instead of scanning every mapping, so that example payloads and
property names (a property may well be called `example`, `default` or `$ref`) are never mistaken for spec
structure. It never raises on a malformed document: anything of the wrong type is skipped here and reported by
the openapi-spec-validator and meta-schema rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from apiconform.spec import Document, escape_pointer_part, resolve_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Subschema-bearing keywords of JSON Schema 2020-12; everything else in a Schema Object is data or annotation.
_ONE_SUBSCHEMA = (
    "additionalProperties",
    "unevaluatedProperties",
    "items",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "contentSchema",
)
_LIST_OF_SUBSCHEMAS = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP_OF_SUBSCHEMAS = ("properties", "patternProperties", "$defs", "dependentSchemas")
# YAML aliases can make a document arbitrarily deep; no hand-written schema nests this far.
_MAX_DEPTH = 64


def ptr(base: str, *parts: str | int) -> str:
    """`base` extended by escaped pointer segments."""
    return base + "".join("/" + escape_pointer_part(p) for p in parts)


def mapping_items(node: Any) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in node.items()] if isinstance(node, dict) else []


def lookup_ref(document: Document, ref: str) -> Any:
    """The node a local `#/...` ref points to; KeyError when it points nowhere (or is not local)."""
    if not ref.startswith("#"):
        raise KeyError(ref)
    try:
        return resolve_pointer(document, unquote(ref))
    except (KeyError, IndexError, ValueError, TypeError):
        raise KeyError(ref) from None


def deref(document: Document, node: Any) -> Any:
    """`node` with local `$ref`s followed (a chain of them too); None when one dangles or they loop."""
    for _ in range(_MAX_DEPTH):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node
        try:
            node = lookup_ref(document, node["$ref"])
        except KeyError:
            return None
    return None


@dataclass(frozen=True)
class ExampleSite:
    """A value that must validate against the Schema Object at `schema_pointer` (`default`s are not counted)."""

    pointer: str
    value: Any
    schema_pointer: str
    is_default: bool = False


@dataclass
class Census:
    """Everything the lint rules look at, with the JSON pointer of each."""

    schema_sites: list[tuple[str, Any]] = field(default_factory=list)  # top-level Schema Objects
    subschemas: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # every schema mapping, nested too
    refs: list[tuple[str, Any]] = field(default_factory=list)  # (pointer of the `$ref` key, its value)
    operations: list[tuple[str, Any]] = field(default_factory=list)
    examples: list[ExampleSite] = field(default_factory=list)


def take_census(document: Document) -> Census:
    walker = _Walker(document)
    components = document.get("components")
    for kind, visit in (
        ("schemas", walker.schema_site),
        ("parameters", walker.parameter),
        ("headers", walker.parameter),
        ("requestBodies", walker.request_body),
        ("responses", walker.response),
        ("examples", walker.reference_only),
        ("pathItems", walker.path_item),
    ):
        for name, node in mapping_items(components.get(kind) if isinstance(components, dict) else None):
            visit(ptr("/components", kind, name), node)
    for top in ("paths", "webhooks"):
        for name, item in mapping_items(document.get(top)):
            walker.path_item(ptr("", top, name), item)
    return walker.census


class _Walker:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.census = Census()

    def _is_reference(self, pointer: str, node: Any) -> bool:
        if isinstance(node, dict) and "$ref" in node:
            self.census.refs.append((ptr(pointer, "$ref"), node["$ref"]))
            return True
        return False

    def reference_only(self, pointer: str, node: Any) -> None:
        self._is_reference(pointer, node)

    def path_item(self, pointer: str, item: Any) -> None:
        if self._is_reference(pointer, item) or not isinstance(item, dict):
            return
        self._parameters(ptr(pointer, "parameters"), item.get("parameters"))
        for method in HTTP_METHODS:
            if method in item:
                self.operation(ptr(pointer, method), item[method])

    def operation(self, pointer: str, operation: Any) -> None:
        self.census.operations.append((pointer, operation))
        if not isinstance(operation, dict):
            return
        self._parameters(ptr(pointer, "parameters"), operation.get("parameters"))
        if "requestBody" in operation:
            self.request_body(ptr(pointer, "requestBody"), operation["requestBody"])
        for code, response in mapping_items(operation.get("responses")):
            self.response(ptr(pointer, "responses", code), response)
        for name, callback in mapping_items(operation.get("callbacks")):
            if not self._is_reference(ptr(pointer, "callbacks", name), callback):
                for expression, item in mapping_items(callback):
                    self.path_item(ptr(pointer, "callbacks", name, expression), item)

    def _parameters(self, pointer: str, parameters: Any) -> None:
        for index, parameter in enumerate(parameters if isinstance(parameters, list) else []):
            self.parameter(ptr(pointer, index), parameter)

    def parameter(self, pointer: str, parameter: Any) -> None:
        """A Parameter or Header Object: `schema` + `example(s)`, or `content`."""
        if self._is_reference(pointer, parameter) or not isinstance(parameter, dict):
            return
        if "schema" in parameter:
            self.schema_site(ptr(pointer, "schema"), parameter["schema"])
            self._examples(pointer, parameter, ptr(pointer, "schema"))
        self._content(ptr(pointer, "content"), parameter.get("content"))

    def request_body(self, pointer: str, body: Any) -> None:
        if not self._is_reference(pointer, body) and isinstance(body, dict):
            self._content(ptr(pointer, "content"), body.get("content"))

    def response(self, pointer: str, response: Any) -> None:
        if self._is_reference(pointer, response) or not isinstance(response, dict):
            return
        for name, header in mapping_items(response.get("headers")):
            self.parameter(ptr(pointer, "headers", name), header)
        self._content(ptr(pointer, "content"), response.get("content"))
        for name, link in mapping_items(response.get("links")):
            self._is_reference(ptr(pointer, "links", name), link)

    def _content(self, pointer: str, content: Any) -> None:
        for media_type, media in mapping_items(content):
            here = ptr(pointer, media_type)
            if not isinstance(media, dict):
                continue
            if "schema" in media:
                self.schema_site(ptr(here, "schema"), media["schema"])
                self._examples(here, media, ptr(here, "schema"))
            for name, encoding in mapping_items(media.get("encoding")):
                for header_name, header in mapping_items(
                    encoding.get("headers") if isinstance(encoding, dict) else None
                ):
                    self.parameter(ptr(here, "encoding", name, "headers", header_name), header)

    def _examples(self, pointer: str, owner: dict[str, Any], schema_pointer: str) -> None:
        """`example` and the `examples` map of a media type, parameter or header."""
        if _is_binary(deref(self.document, owner.get("schema"))):
            return  # a binary body's example is a placeholder string, not the bytes
        if "example" in owner:
            self.census.examples.append(ExampleSite(ptr(pointer, "example"), owner["example"], schema_pointer))
        for name, entry in mapping_items(owner.get("examples")):
            here = ptr(pointer, "examples", name)
            example = entry
            if self._is_reference(here, entry):
                # Reported where it is used: the shared Example Object may suit one schema and not another.
                example = deref(self.document, entry)
            else:
                here = ptr(here, "value")
            # `externalValue` examples live outside the spec; nothing to validate here.
            if isinstance(example, dict) and "value" in example:
                self.census.examples.append(ExampleSite(here, example["value"], schema_pointer))

    def schema_site(self, pointer: str, schema: Any) -> None:
        self.census.schema_sites.append((pointer, schema))
        self._schema(pointer, schema, 0)

    def _schema(self, pointer: str, schema: Any, depth: int) -> None:
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return
        self.census.subschemas.append((pointer, schema))
        if "$ref" in schema:
            self.census.refs.append((ptr(pointer, "$ref"), schema["$ref"]))
        if "default" in schema:
            self.census.examples.append(ExampleSite(ptr(pointer, "default"), schema["default"], pointer, True))
        if not _is_binary(schema):
            if "example" in schema:
                self.census.examples.append(ExampleSite(ptr(pointer, "example"), schema["example"], pointer))
            examples = schema.get("examples")
            for index, value in enumerate(examples if isinstance(examples, list) else []):
                self.census.examples.append(ExampleSite(ptr(pointer, "examples", index), value, pointer))
        for key in _ONE_SUBSCHEMA:
            if key in schema:
                self._schema(ptr(pointer, key), schema[key], depth + 1)
        for key in _LIST_OF_SUBSCHEMAS:
            subschemas = schema.get(key)
            for index, subschema in enumerate(subschemas if isinstance(subschemas, list) else []):
                self._schema(ptr(pointer, key, index), subschema, depth + 1)
        for key in _MAP_OF_SUBSCHEMAS:
            for name, subschema in mapping_items(schema.get(key)):
                self._schema(ptr(pointer, key, name), subschema, depth + 1)


def _is_binary(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("format") == "binary"


def walk_all(node: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every mapping in the document with its pointer (for extension keys, which may sit on any object)."""
    stack: list[tuple[str, Any]] = [(pointer, node)]
    while stack:
        here, current = stack.pop()
        if isinstance(current, dict):
            yield here, current
            stack.extend((ptr(here, str(k)), v) for k, v in reversed(list(current.items())))
        elif isinstance(current, list):
            stack.extend((ptr(here, i), v) for i, v in reversed(list(enumerate(current))))
