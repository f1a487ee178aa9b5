"""The spec linter: everything a hand-written spec must satisfy before models, mocks and checks are built from it.

openapi-spec-validator 0.9 misses inline schemas, dangling `$ref`s outside components and discriminator
mistakes (shared/notes/toolchain.md, section 7), and schemathesis silently skips a body it cannot resolve; a
spec that passes here has none of those holes. Rules:

- openapi-spec-validator (all errors, not just the first);
- every Schema Object is valid JSON Schema 2020-12, with no unknown (likely misspelled) keywords;
- every `$ref` is local and resolves; discriminator mappings are complete and match the variants' consts;
- every example (and `default`) validates against its schema;
- operations have a unique `operationId`, `x-doc-source` and responses; `x-doc-source`, `x-doc-quirk` and
  `x-response-schema` are well formed (specs/README.md).
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from apiconform import _lint_rules, _lint_schema
from apiconform._lint_osv import osv_problems
from apiconform._lint_walk import Census, take_census
from apiconform.errors import SpecError
from apiconform.spec import load_document

Found = tuple[str, str]  # (JSON pointer, message)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec, at one JSON pointer."""

    file: str  # path as given
    pointer: str  # JSON pointer, "" for the whole file
    message: str  # what is wrong and what to do

    def __str__(self) -> str:
        return f"{self.file}:{self.pointer}: {self.message}"


def lint_spec(path: pathlib.Path) -> list[Problem]:
    """Every problem in the spec at `path`; a file that does not load is one problem, never an exception."""
    try:
        document = load_document(path)
    except SpecError as exc:
        message = exc.message
        for prefix in (f"{path}: ", f"{path.resolve()}: "):
            message = message.removeprefix(prefix)
        return [Problem(str(path), "", message)]
    return lint_document(document, str(path))


def lint_document(document: dict[str, Any], file: str) -> list[Problem]:
    """Every problem in an already loaded OpenAPI document; `file` only labels the problems."""
    if not isinstance(document, dict):
        return [Problem(file, "", f"spec is a {type(document).__name__}, not a mapping; write an OpenAPI document")]
    census = take_census(document)
    dangling = _lint_rules.has_dangling_refs(document, census)
    rules: list[tuple[str, Callable[[], Iterable[Found]]]] = [
        ("openapi-spec-validator", lambda: osv_problems(document, dangling_refs=dangling)),
        ("meta-schema", lambda: _lint_schema.meta_schema_problems(census)),
        ("keywords", lambda: _lint_schema.keyword_problems(census)),
        ("refs", lambda: _lint_rules.ref_problems(document, census)),
        ("discriminators", lambda: _lint_rules.discriminator_problems(document, census)),
        ("examples", lambda: _lint_schema.example_problems(document, census)),
        ("operations", lambda: _lint_rules.operation_problems(census)),
        ("extensions", lambda: _lint_rules.extension_problems(document)),
    ]
    problems: list[Problem] = []
    seen: set[Found] = set()
    for name, rule in rules:
        try:
            found = list(rule())
        except Exception as exc:  # a lint bug must not hide the other rules' findings
            found = [("", f"lint rule {name!r} crashed ({type(exc).__name__}: {exc}); report it as an apiconform bug")]
        for pointer, message in found:
            if (pointer, message) not in seen:
                seen.add((pointer, message))
                problems.append(Problem(file, pointer, _lint_schema.one_line(message, 400)))
    return problems


def count_examples(document: dict[str, Any]) -> int:
    """How many examples `lint_document` validates in `document` (defaults and binary bodies not counted)."""
    census: Census = take_census(document) if isinstance(document, dict) else Census()
    return _lint_schema.count_examples(census)
