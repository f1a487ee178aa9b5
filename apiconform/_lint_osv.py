"""openapi-spec-validator as a lint rule: every error, each with a JSON pointer (for apiconform.lint).

`openapi_spec_validator.validate` stops at the first error, and its `iter_errors` flattens the OpenAPI
meta-schema errors into text without the validator keyword. So the two halves of its validation run
separately here: the OpenAPI meta-schema (jsonschema errors that carry their path) and the keyword walk
(duplicate parameters, unresolved path parameters, ...; errors without a path, located from their message).

The keyword walk's Schema Object checks are switched off: apiconform's own meta-schema rule covers every Schema
Object (0.9 checks only components/schemas), reports nested errors with exact pointers, and doubling them up
would add about 0.6 s per large spec (measured on mend.yaml and metadefender-sscp.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_spec_validator.shortcuts import get_validator_cls
from openapi_spec_validator.validation.exceptions import DuplicateOperationIDError
from openapi_spec_validator.validation.keywords import KeywordValidator

from apiconform._lint_schema import error_pointer, most_relevant, one_line
from apiconform._lint_walk import ptr
from apiconform.spec import Document

Found = tuple[str, str]  # (JSON pointer, message)

_OPERATION_IN_MESSAGE = re.compile(r"for '(?P<method>\w+)'(?: operation)? in '(?P<path>/[^']*)'")
_UNEXPECTED_KEY = re.compile(r"\('(?P<key>[^']*)' was unexpected\)")


class _NoSchemaChecks(KeywordValidator):
    def __call__(self, *_args: object, **_kwargs: object) -> Iterator[ValidationError]:
        return iter(())


def osv_problems(document: Document, *, dangling_refs: bool) -> Iterator[Found]:
    """openapi-spec-validator's findings; `dangling_refs` says whether the $ref rule already reported some."""
    try:
        validator_cls = get_validator_cls(document)
    except Exception:
        yield (
            "/openapi",
            f"openapi {document.get('openapi')!r} is not a version openapi-spec-validator knows; use 3.1.0",
        )
        return
    structural = list(_structure_problems(validator_cls, document))
    yield from structural
    quiet_cls: Any = type(
        "_QuietSpecValidator",
        (validator_cls,),
        {"keyword_validators": {**validator_cls.keyword_validators, "schema": _NoSchemaChecks}},
    )
    try:
        validator = quiet_cls(document)
        for error in validator.root_validator(validator.schema_path):
            if isinstance(error, DuplicateOperationIDError):
                continue  # the operation rule reports it with the pointer of the duplicate
            message = one_line(error.message.split("\n\n", 1)[0])
            yield _keyword_pointer(message), f"{message}; fix it so the spec validates"
    except Exception as exc:
        # 0.9 follows $refs with `referencing` and lets PointerToNowhere escape on a dangling one; its keyword walk
        # also trips over documents of the wrong shape, which the meta-schema pass has then already reported.
        detail = getattr(exc, "ref", None) or one_line(str(exc), 120)
        if dangling_refs:
            yield "", f"openapi-spec-validator stopped at dangling $ref {detail!r}; fix the $ref problems listed"
        elif not structural:
            yield "", f"openapi-spec-validator crashed ({type(exc).__name__}: {detail}); fix the problems listed first"


def _structure_problems(validator_cls: Any, document: Document) -> Iterator[Found]:
    """The document against the OpenAPI meta-schema."""
    try:
        for error in validator_cls.schema_validator.iter_errors(document):
            yield _located(most_relevant(error))
    except Exception as exc:
        yield "", f"openapi-spec-validator crashed ({type(exc).__name__}: {one_line(str(exc), 120)}); report it"


def _located(error: ValidationError) -> Found:
    pointer = error_pointer("", error)
    # 0.9 validates with jsonschema-rs and appends "Failed validating ... On instance ..." to the message.
    message = one_line(error.message.split("\n\n", 1)[0])
    key = _UNEXPECTED_KEY.search(message)
    if key and message.startswith(("Unevaluated properties", "Additional properties")):
        pointer = ptr(pointer, key["key"])
        if pointer.startswith("/paths/") and pointer.count("/") == 2:
            return pointer, f"path {key['key']!r} must start with '/'; write '/{key['key']}'"
        return pointer, f"{key['key']!r} is not allowed here (OpenAPI 3.1); fix the name or prefix an extension with x-"
    return pointer, f"{message}; fix it so the spec is valid OpenAPI"


def _keyword_pointer(message: str) -> str:
    match = _OPERATION_IN_MESSAGE.search(message)
    return ptr("/paths", match["path"], match["method"]) if match else ""
