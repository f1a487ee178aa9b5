"""`enum-renamed:VALUE`: a documented enum value answered under another name wherever it appears. The quick gate
must fail on every operation and field where a clean run saw that value, naming the field, at every depth.

SD Elements documents no enum in any answer (its documents give none), so the fault does not apply to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apiconform.contract import contract_for
from apiconform.enums import response_enum_values
from apiconform.errors import UsageError
from apiconform.mocks import behaviour
from apiconform.mocks.faults import _other_spelling, _rename, validate_names
from apiconform.openapi import ApiSpec
from apiconform.runner.results import RunResult
from apiconform.surfaces import SURFACES
from apiconform.vendors.registry import VENDORS
from tests.apiconform.runner.test_run_clean import QUICK
from tests.shared_runs import CONTRACT, shared_run

# Three documented values per surface (Code Insight documents two response enums: Job.status and Job.jobType),
# chosen among those a clean quick run sees, across depths: top level, inside array items, nested two levels.
# The observed mocks answer in the spelling real servers use (Code Insight's COMPLETED, Mend's MAJOR level); the
# documented ones in the documents' (Completed, major).
OBSERVED = CONTRACT == "observed"
RENAMED = {
    "code-insight": ("COMPLETED", "Project Branching", "FAILED")
    if OBSERVED
    else ("Completed", "Project Branching", "Failed"),
    "mend": ("MAJOR" if OBSERVED else "major", "CVE", "UPGRADE_VERSION"),
    "metadefender-sscp": ("Success", "MdCore", "Administrator", "Critical"),  # Critical: Cve.Severity, discovery
}


def _seen(result: RunResult, surface: str, value: str) -> dict[str, set[str]]:
    """operation label -> the fields whose answers carried `value`."""
    out: dict[str, set[str]] = {}
    for op in result.surfaces[surface].operations.values():
        for field, values in op.enum_values.items():
            if value in values:
                out.setdefault(op.label, set()).add(field)
    return out


@pytest.mark.parametrize("surface", sorted(RENAMED))
def test_a_renamed_value_fails_the_gate_on_every_operation_and_field_that_carries_it(
    shared_runs: Path, surface: str
) -> None:
    values = RENAMED[surface]
    # The quick profile itself (issue 14's gate), its clean run shared with test_run_clean.
    clean = shared_run(shared_runs, surface, QUICK).result
    assert clean.conformant
    faulted = shared_run(shared_runs, surface, QUICK, faults=tuple(f"enum-renamed:{v}" for v in values)).result
    assert not faulted.conformant
    for value in values:
        where = _seen(clean, surface, value)
        assert where, f"a clean quick run on {surface} never sees {value!r}: pick a value it observes"
        assert not _seen(faulted, surface, value), f"{value!r} survived the rename somewhere"
        for label, fields in where.items():
            messages = [f.message for f in faulted.failures if f.operation == label and f.check == "enum_documented"]
            assert messages, f"{label}: the renamed {value!r} was not reported"
            for field in fields:
                assert any(f"({field}) = " in m for m in messages), f"{label}: {field} not named in {messages}"


def test_a_value_no_answer_documents_is_a_usage_error_with_a_suggestion() -> None:
    mend = VENDORS["mend"]
    with pytest.raises(UsageError, match=r"no answer of mend documents 'majr' \(did you mean 'major'\?\)"):
        behaviour("mend", faults=["enum-renamed:majr"])
    with pytest.raises(UsageError, match=r"needs the value to rename"):
        validate_names(("enum-renamed",), "mend", mend.fault_capabilities, lambda: {"major"})
    with pytest.raises(UsageError, match=r"needs the value to rename"):
        validate_names(("enum-renamed:major=",), "mend", mend.fault_capabilities, lambda: {"major"})
    with pytest.raises(UsageError, match=r"does not apply to sd-elements"):
        behaviour("sd-elements", faults=["enum-renamed:Completed"])


def test_sd_elements_documents_no_response_enum() -> None:
    # Why the fault does not apply there: a spec revision that adds one makes this fail, and the mock should then
    # declare the `response-enums` capability.
    document = contract_for(SURFACES["sd-elements"].spec_path, "documented").spec.document
    assert response_enum_values(document) == set()
    assert "response-enums" not in VENDORS["sd-elements"].fault_capabilities


SPEC = ApiSpec(
    {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Level": {"type": "string", "enum": ["major", "minor", "MAJOR"]},
                "Alert": {
                    "type": "object",
                    "properties": {
                        "level": {"$ref": "#/components/schemas/Level"},
                        "note": {"type": "string"},
                        "nested": {"allOf": [{"$ref": "#/components/schemas/Alert"}]},
                        "byName": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Level"}},
                        "either": {"anyOf": [{"type": "integer"}, {"$ref": "#/components/schemas/Level"}]},
                    },
                },
            }
        },
    }
)


def test_rename_reaches_every_depth_and_leaves_free_text_alone() -> None:
    body: Any = [
        {
            "level": "major",
            "note": "major",  # free text: not an enum site
            "nested": {"level": "major", "nested": {"level": "minor"}},
            "byName": {"a": "major", "b": "minor"},
            "either": "major",
        }
    ]
    renamed = _rename(
        body, {"type": "array", "items": {"$ref": "#/components/schemas/Alert"}}, SPEC, {"major": None}, 0
    )
    # "MAJOR" is itself documented, so the derived new name is another spelling nobody documents
    assert renamed == [
        {
            "level": "Major",
            "note": "major",
            "nested": {"level": "Major", "nested": {"level": "minor"}},
            "byName": {"a": "Major", "b": "minor"},
            "either": "Major",
        }
    ]


def test_an_explicit_new_name_is_used_as_given() -> None:
    schema = {"$ref": "#/components/schemas/Alert"}
    assert _rename({"level": "minor"}, schema, SPEC, {"minor": "MINOR_ISSUE"}, 0) == {"level": "MINOR_ISSUE"}
    assert _other_spelling("Critical", ["Critical"]) == "CRITICAL"
    assert _other_spelling("x", ["x", "X"]) == "x_RENAMED"
