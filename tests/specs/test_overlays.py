"""The observed contract stays honest: every overlay action rests on evidence, every deviation the evidence
records is either in the overlay or rejected with a reason, and the overlaid spec lints clean."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from apiconform.contract import overlay_path
from apiconform.lint import lint_document
from apiconform.observed import evidence_items
from apiconform.overlay import apply_overlay, load_overlay
from apiconform.spec import load_document
from apiconform.surfaces import SURFACES

WITH_OVERLAY = sorted(name for name, s in SURFACES.items() if overlay_path(s.spec_path).exists())


def _overlay(surface: str) -> tuple[Path, Path]:
    spec = SURFACES[surface].spec_path
    return spec, overlay_path(spec)


@pytest.mark.parametrize("surface", WITH_OVERLAY)
def test_every_action_cites_evidence_that_exists(surface: str) -> None:
    spec, path = _overlay(surface)
    items = evidence_items(spec)
    overlay = load_overlay(path)
    for action in overlay.actions:
        assert action.evidence, f"{path.name} actions[{action.index}] ({action.target}) cites no evidence"
        unknown = [e for e in action.evidence if e not in items]
        assert not unknown, f"{path.name} actions[{action.index}] cites unknown evidence {unknown}"
        assert action.description, f"{path.name} actions[{action.index}] says nothing about what it changes"


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_every_recorded_deviation_is_overlaid_or_rejected_with_a_reason(surface: str) -> None:
    spec, path = _overlay(surface)
    cited = load_overlay(path).evidence if path.exists() else frozenset()
    for evidence_id, item in evidence_items(spec).items():
        if item.get("spec_accepts") is True:
            continue  # a confirmation of the documented contract: nothing to overlay
        rejected = str(item.get("rejected") or "").strip()
        assert (evidence_id in cited) != bool(rejected), (
            f"{evidence_id}: {'both cited and rejected' if rejected else 'neither in the overlay nor rejected'}; "
            f"add an action citing it to {path.name}, or `rejected: <reason>` to the item"
        )


@pytest.mark.parametrize("surface", WITH_OVERLAY)
def test_the_overlaid_spec_lints_clean(surface: str) -> None:
    spec, path = _overlay(surface)
    overlaid, touched = apply_overlay(load_document(spec), load_overlay(path))
    assert all(touched.values())
    assert lint_document(overlaid, f"{spec.name} + {path.name}") == []


def test_an_action_that_selects_nothing_is_an_error(tmp_path: Path) -> None:
    overlay = tmp_path / "x.observed.yaml"
    overlay.write_text(
        yaml.safe_dump({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [
            {"target": "$.components.schemas.NoSuchSchema", "update": {"x": 1}, "x-evidence": ["E"]}]}),
        encoding="utf-8",
    )  # fmt: skip
    from apiconform.errors import SpecError

    with pytest.raises(SpecError, match="selects nothing"):
        apply_overlay(load_document(SURFACES["code-insight"].spec_path), load_overlay(overlay))
    document = load_document(SURFACES["code-insight"].spec_path)
    lenient, touched = apply_overlay(document, load_overlay(overlay), strict=False)
    assert touched == {} and lenient == document


def test_updates_merge_objects_and_append_to_arrays() -> None:
    from apiconform.overlay import parse_overlay

    document = {"openapi": "3.1.0", "a": {"b": {"c": 1, "d": [1]}, "e": ["x"]}}
    overlay = parse_overlay(
        {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [
            {"target": "$.a", "update": {"b": {"c": 2}}},
            {"target": "$.a.e", "update": ["y"]},
            {"target": "$.a.b.d", "remove": True}]},
        "test",
    )  # fmt: skip
    result, _ = apply_overlay(document, overlay)
    assert result == {"openapi": "3.1.0", "a": {"b": {"c": 2}, "e": ["x", "y"]}}
    assert document["a"]["b"] == {"c": 1, "d": [1]}  # the base document is untouched
