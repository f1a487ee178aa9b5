"""Every deviation the Mend overlay accepts, shown on a body of the observed shape (mend_deviations.yaml): the
observed contract accepts it (a response as a known deviation, with its evidence), the documented contract refuses
it and names the member that breaks it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from apiconform.contract import VirtualOperation, overlay_path
from apiconform.observed import evidence_items, view_for
from apiconform.overlay import load_overlay
from apiconform.surfaces import SURFACES

SPEC = SURFACES["mend"].spec_path
FIXTURES: list[dict[str, Any]] = yaml.safe_load(Path(__file__).with_name("mend_deviations.yaml").read_text("utf-8"))
JSON = "application/json"


def _operation(mode: str, request_type: str) -> VirtualOperation:
    return next(op for op in view_for(SPEC, mode).contract.operations if op.variant == request_type)


def _judge(mode: str, fixture: dict[str, Any]) -> list[tuple[bool, str, tuple[str, ...]]]:
    """(ok, what the verdict says, evidence) of each verdict the contract under `mode` gives the fixture's body."""
    op = _operation(mode, fixture["requestType"])
    if fixture["side"] == "request":
        assert op.request_schema_ref is not None
        violations = view_for(SPEC, mode).contract.validator.errors(fixture["body"], {"$ref": op.request_schema_ref})
        return [(False, f"{v} {v.pointer}", ()) for v in violations] or [(True, "", ())]
    body = json.dumps(fixture["body"]).encode()
    verdicts = view_for(SPEC, mode).judge_response(op, 200, JSON, body).verdicts
    return [(v.ok, f"{v.message} {v.pointer} {v.expected}", v.evidence) for v in verdicts]


def _name(fixture: dict[str, Any]) -> str:
    return f"{fixture['evidence']}-{fixture['requestType']}-{fixture['side']}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=_name)
def test_the_observed_contract_accepts_the_observed_shape(fixture: dict[str, Any]) -> None:
    judged = _judge("observed", fixture)
    assert all(ok for ok, _, _ in judged), [said for ok, said, _ in judged if not ok]
    if fixture["side"] == "response":  # accepted as a known deviation, on its evidence
        cited = {e for _, _, evidence in judged for e in evidence}
        assert fixture["evidence"] in cited, cited


@pytest.mark.parametrize("fixture", FIXTURES, ids=_name)
def test_the_documented_contract_refuses_it_naming_the_member(fixture: dict[str, Any]) -> None:
    refused = [said for ok, said, _ in _judge("documented", fixture) if not ok]
    assert refused, f"{fixture['evidence']}: the documented contract accepts the observed shape"
    assert any(fixture["named"] in said for said in refused), refused


def test_every_accepted_deviation_has_a_fixture() -> None:
    cited = load_overlay(overlay_path(SPEC)).evidence
    deviations = {e for e, item in evidence_items(SPEC).items() if e in cited and item.get("spec_accepts") is False}
    assert deviations == {f["evidence"] for f in FIXTURES}
