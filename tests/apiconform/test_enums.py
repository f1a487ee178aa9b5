"""The enum walk: the subtrees it skips (no enum anywhere below) change nothing it finds, on every documented
example answer of the four specs, and it names fields by their component."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apiconform import enums
from apiconform.contract import contract_for
from apiconform.enums import EnumSite, enum_fields, enum_sites
from apiconform.runner.coverage import open_enum_fields
from apiconform.surfaces import SURFACES


def _examples(surface: str) -> list[tuple[dict[str, Any], Any]]:
    """(schema, example) of every documented example: of named components, and of JSON answers."""
    document = contract_for(SURFACES[surface].spec_path, "documented").exploded.document
    found: list[tuple[dict[str, Any], Any]] = [
        ({"$ref": f"#/components/schemas/{name}"}, value)
        for name, schema in document.get("components", {}).get("schemas", {}).items()
        for value in schema.get("examples") or []
    ]
    for item in document["paths"].values():
        for operation in item.values():
            for response in (operation.get("responses") or {}).values() if isinstance(operation, dict) else ():
                media = (response.get("content") or {}).get("application/json") or {}
                for example in (media.get("examples") or {}).values():
                    if isinstance(media.get("schema"), dict) and "value" in example:
                        found.append((media["schema"], example["value"]))
    return found


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_skipping_enumless_subtrees_finds_the_same_sites(surface: str, monkeypatch: pytest.MonkeyPatch) -> None:
    document = contract_for(SURFACES[surface].spec_path, "documented").exploded.document
    examples = _examples(surface)
    pruned = [list(enum_sites(document, schema, body)) for schema, body in examples]
    monkeypatch.setattr(enums, "_holds_enum", lambda *_: True)
    walked = [list(enum_sites(document, schema, body)) for schema, body in examples]
    assert pruned == walked
    if surface in ("code-insight", "mend"):  # SD Elements documents no enum, MetaDefender's answers no example
        assert any(pruned)


def test_fields_are_named_by_component_and_unions_of_scalars_stay_values() -> None:
    document: dict[str, Any] = {
        "components": {
            "schemas": {
                "Job": {
                    "type": "object",
                    "properties": {
                        "status": {"$ref": "#/components/schemas/Status"},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                    },
                },
                "Status": {"type": "string", "enum": ["New", "Done"]},
                "Kind": {"type": "string", "anyOf": [{"enum": ["Scan"]}, {"pattern": "^Report - .+$"}]},
            }
        }
    }
    schema = {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}
    assert enum_fields(document, schema) == {"Job.status": ("New", "Done"), "Job.kind": ("Scan",)}
    body = [{"status": "Done", "kind": "Scan"}, {"status": "Gone", "kind": "Report - X"}]
    assert list(enum_sites(document, schema, body, fits=lambda s, b: "enum" not in s or b in s["enum"])) == [
        EnumSite("[].status", "Job.status", "Done", ("New", "Done")),
        EnumSite("[].kind", "Job.kind", "Scan", ("Scan",)),
        EnumSite("[].status", "Job.status", "Gone", ("New", "Done")),
    ]


def test_an_open_enum_counts_its_values_and_fails_nothing() -> None:
    # Mend's library type is documented as "e.g. MAVEN_ARTIFACT, UNKNOWN_ARTIFACT" (x-known-values, MEND-109).
    contract = contract_for(SURFACES["mend"].spec_path, "documented")
    document = contract.exploded.document
    library = {"$ref": "#/components/schemas/Library"}
    site = next(enum_sites(document, library, {"type": "NPM_PACKAGE", "name": "left-pad"}))
    assert (site.field, site.value, site.closed) == ("Library.type", "NPM_PACKAGE", False)
    assert "MAVEN_ARTIFACT" in site.allowed
    assert enum_fields(document, library)["Library.type"] == ("MAVEN_ARTIFACT", "UNKNOWN_ARTIFACT")
    assert "Library.type" not in enum_fields(document, library, lists=("enum",))
    assert "MAVEN_ARTIFACT" not in enums.response_enum_values(document)  # enum-renamed cannot aim at an open list
    op = next(o for o in contract.operations if o.operation_id == "getProjectInventory")
    answer = {
        "libraries": [{"keyUuid": "k", "keyId": 1, "filename": "f", "name": "n", "type": "NPM_PACKAGE"}],
        "projectVitals": {},
    }
    judgement = contract.judge_response(op, 200, "application/json", json.dumps(answer).encode())
    verdicts = [v for v in judgement.verdicts if v.check == "enum_documented"]
    assert verdicts and all(v.ok for v in verdicts), [v.message for v in verdicts]
    assert judgement.enum_values["Library.type"] == {"NPM_PACKAGE"}


def test_the_coverage_marks_an_open_enum() -> None:
    contract = contract_for(SURFACES["metadefender-sscp"].spec_path, "documented")
    assert "Scan.Status" in open_enum_fields(contract)  # MDS-69: only the scan filters name its values
    assert "Cve.Severity" not in open_enum_fields(contract)
