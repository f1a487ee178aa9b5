"""The spec linter: one defect per broken spec, each reported at its exact JSON pointer; real specs lint clean."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from apiconform.commands.lint import run_lint
from apiconform.lint import Problem, count_examples, lint_spec
from apiconform.spec import load_document, resolve_pointer
from apiconform.surfaces import SPECS_DIR

CLEAN = Path(__file__).parent / "lint_cases" / "clean.yaml"
CLEAN_EXAMPLES = 8  # clean.yaml's examples, its binary PDF example excluded
JSON = "content/application~1json"


@functools.cache
def _clean_document() -> dict[str, Any]:
    return yaml.safe_load(CLEAN.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _parent(document: dict[str, Any], pointer: str) -> tuple[Any, Any]:
    parent_pointer, _, last = pointer.rpartition("/")
    parent = resolve_pointer(document, parent_pointer)
    key = last.replace("~1", "/").replace("~0", "~")
    return parent, int(key) if isinstance(parent, list) else key


def set_(pointer: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        node, key = _parent(document, pointer)
        node[key] = value

    return edit


def delete(pointer: str) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        node, key = _parent(document, pointer)
        del node[key]

    return edit


def rename(pointer: str, new_key: str) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        node, key = _parent(document, pointer)
        # Rebuild in order: the spec's key order is part of its meaning (paths in document order).
        items = [(new_key if k == key else k, v) for k, v in node.items()]
        node.clear()
        node.update(items)

    return edit


@dataclass(frozen=True)
class Case:
    name: str
    edit: Callable[[dict[str, Any]], None] | str  # an edit of clean.yaml, or the whole file's text
    pointer: str  # where the problem must be reported
    says: str  # a fragment of the message


CASES = [
    Case(
        "type-typo-inline-request-schema",
        set_(f"/paths/~1jobs/post/requestBody/{JSON}/schema/properties/name/type", "strin"),
        f"/paths/~1jobs/post/requestBody/{JSON}/schema/properties/name/type",
        "did you mean 'string'?",
    ),
    Case(
        "negative-minLength",
        set_(f"/paths/~1jobs/post/requestBody/{JSON}/schema/properties/name/minLength", -1),
        f"/paths/~1jobs/post/requestBody/{JSON}/schema/properties/name/minLength",
        "less than the minimum of 0",
    ),
    Case(
        "properties-not-a-mapping",
        set_("/components/schemas/PingResponse/properties", []),
        "/components/schemas/PingResponse/properties",
        "is not of type 'object'",
    ),
    Case(
        "dangling-ref-inline",
        set_(f"/paths/~1jobs/get/responses/200/{JSON}/schema/items/$ref", "#/components/schemas/Jobs"),
        f"/paths/~1jobs/get/responses/200/{JSON}/schema/items/$ref",
        "points nowhere (did you mean 'Job'?)",
    ),
    Case(
        "dangling-ref-in-components",
        set_("/components/schemas/Job/properties/owner", {"$ref": "#/components/schemas/User"}),
        "/components/schemas/Job/properties/owner/$ref",
        "'#/components/schemas/User' points nowhere",
    ),
    Case(
        # openapi-spec-validator 0.9 raises PointerToNowhere here instead of reporting an error.
        "dangling-parameter-ref",
        set_("/paths/~1jobs/get/parameters/0", {"$ref": "#/components/parameters/Limit"}),
        "",
        "openapi-spec-validator stopped at dangling $ref",
    ),
    Case(
        "non-local-ref",
        set_("/components/schemas/Job/properties/owner", {"$ref": "users.yaml#/User"}),
        "/components/schemas/Job/properties/owner/$ref",
        "is not local",
    ),
    Case(
        "discriminator-mapping-to-missing-schema",
        set_("/components/schemas/RpcRequest/discriminator/mapping/echo", "#/components/schemas/EkoRequest"),
        "/components/schemas/RpcRequest/discriminator/mapping/echo",
        "does not exist",
    ),
    Case(
        "discriminator-variant-without-const",
        delete("/components/schemas/PingRequest/properties/requestType/const"),
        "/components/schemas/PingRequest/properties/requestType",
        "lacks `properties.requestType: {const: ping}`",
    ),
    Case(
        "discriminator-branch-not-in-mapping",
        delete("/components/schemas/RpcRequest/discriminator/mapping/echo"),
        "/components/schemas/RpcRequest/oneOf/1",
        "missing from discriminator mapping",
    ),
    Case(
        "media-type-example-violates-schema",
        set_(f"/paths/~1jobs/post/requestBody/{JSON}/example", {"name": ""}),
        f"/paths/~1jobs/post/requestBody/{JSON}/example",
        "should be non-empty",
    ),
    Case(
        "schema-example-bad-date-time",
        set_("/components/schemas/Job/examples/0/createdAt", "yesterday"),
        "/components/schemas/Job/examples/0",
        "is not a 'date-time'",
    ),
    Case(
        "named-example-violates-referenced-schema",
        set_(f"/paths/~1jobs/get/responses/200/{JSON}/examples/one/value/0/id", "one"),
        f"/paths/~1jobs/get/responses/200/{JSON}/examples/one/value",
        "is not of type 'integer'",
    ),
    Case(
        "parameter-example-violates-schema",
        set_("/paths/~1jobs/get/parameters/0/example", 0),
        "/paths/~1jobs/get/parameters/0/example",
        "less than the minimum of 1",
    ),
    Case(
        "default-violates-schema",
        set_("/paths/~1jobs/get/parameters/0/schema/default", "twenty"),
        "/paths/~1jobs/get/parameters/0/schema/default",
        "'twenty' is not of type 'integer'",
    ),
    Case(
        "path-parameter-not-declared",
        delete("/paths/~1jobs~1{jobId}~1report/get/parameters"),
        "/paths/~1jobs~1{jobId}~1report/get",
        "Path parameter 'jobId'",
    ),
    Case(
        "missing-operationId",
        delete("/paths/~1jobs/get/operationId"),
        "/paths/~1jobs/get",
        "no operationId",
    ),
    Case(
        "duplicate-operationId",
        set_("/paths/~1jobs/post/operationId", "listJobs"),
        "/paths/~1jobs/post/operationId",
        "already used at /paths/~1jobs/get",
    ),
    Case(
        "missing-x-doc-source",
        delete("/paths/~1jobs/get/x-doc-source"),
        "/paths/~1jobs/get",
        "no x-doc-source",
    ),
    Case(
        "x-doc-source-without-heading",
        set_("/paths/~1jobs/get/x-doc-source", {"document": "jobs.txt"}),
        "/paths/~1jobs/get/x-doc-source",
        "x-doc-source must be {document",
    ),
    Case(
        "operation-without-responses",
        delete("/paths/~1jobs/get/responses"),
        "/paths/~1jobs/get",
        "no responses",
    ),
    Case(
        "path-without-leading-slash",
        rename("/paths/~1jobs", "jobs"),
        "/paths/jobs",
        "must start with '/'",
    ),
    Case(
        "misspelled-required",
        rename("/components/schemas/Job/required", "requird"),
        "/components/schemas/Job/requird",
        "did you mean 'required'?",
    ),
    Case(
        "misspelled-minLength-inline",
        rename(f"/paths/~1jobs/post/requestBody/{JSON}/schema/properties/name/minLength", "minLenght"),
        f"/paths/~1jobs/post/requestBody/{JSON}/schema/properties/name/minLenght",
        "did you mean 'minLength'?",
    ),
    Case(
        "x-doc-quirk-without-note",
        set_("/paths/~1jobs/post/x-doc-quirk", {"id": "CI-01"}),
        "/paths/~1jobs/post/x-doc-quirk",
        "x-doc-quirk must be {id",
    ),
    Case(
        "x-doc-quirk-duplicate-id",
        set_("/components/schemas/EchoRequest/x-doc-quirk/0/id", "CI-01"),
        "/components/schemas/EchoRequest/x-doc-quirk/0/id",
        "already used at /paths/~1jobs/post/x-doc-quirk",
    ),
    Case(
        "x-response-schema-dangling",
        set_("/components/schemas/PingRequest/x-response-schema", "#/components/schemas/PongResponse"),
        "/components/schemas/PingRequest/x-response-schema",
        "points nowhere",
    ),
    Case("garbage-yaml", "openapi: [3.1.0\n  paths: {: :\n", "", "does not parse"),
    Case("not-a-mapping", "- openapi\n- 3.1.0\n", "", "not a mapping"),
]


def _write(tmp_path: Path, case: Case) -> Path:
    path = tmp_path / f"{case.name}.yaml"
    if isinstance(case.edit, str):
        path.write_text(case.edit, encoding="utf-8")
    else:
        document = copy.deepcopy(_clean_document())
        case.edit(document)
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_clean_spec_has_no_problems() -> None:
    assert lint_spec(CLEAN) == []
    assert count_examples(load_document(CLEAN)) == CLEAN_EXAMPLES


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_spec_reports_the_defect_at_its_pointer(tmp_path: Path, case: Case) -> None:
    path = _write(tmp_path, case)
    problems = lint_spec(path)
    at_pointer = [p for p in problems if p.pointer == case.pointer]
    assert at_pointer, f"nothing reported at {case.pointer!r}; got:\n" + "\n".join(map(str, problems))
    assert any(case.says in p.message for p in at_pointer), "\n".join(map(str, at_pointer))
    for problem in problems:
        assert str(problem).startswith(f"{path}:{problem.pointer}: ")
        assert "\n" not in str(problem)


def test_problem_renders_as_file_pointer_message() -> None:
    assert str(Problem("a.yaml", "/paths", "fix it")) == "a.yaml:/paths: fix it"


def test_run_lint_prints_one_line_per_problem_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = _write(tmp_path, CASES[0])
    assert run_lint([broken, CLEAN]) == 2
    lines = capsys.readouterr().out.splitlines()
    problems = lint_spec(broken)
    assert lines[:-1] == [str(p) for p in problems]
    noun = "problem" if len(problems) == 1 else "problems"
    assert lines[-1] == f"{len(problems)} {noun} in 2 specs; {CLEAN_EXAMPLES * 2} examples validated"


def test_run_lint_exits_0_on_a_clean_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_lint([CLEAN]) == 0
    assert capsys.readouterr().out == f"1 spec clean; {CLEAN_EXAMPLES} examples validated\n"


@pytest.mark.parametrize("spec", sorted(SPECS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_repository_spec_lints_clean(spec: Path, record_property: Callable[[str, object], None]) -> None:
    problems = lint_spec(spec)
    assert not problems, "\n".join(map(str, problems))
    examples = count_examples(load_document(spec))
    record_property("examples_checked", examples)
    print(f"{spec.name}: {examples} examples checked")
