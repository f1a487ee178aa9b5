"""`apiconform codegen` output is reproducible, and `--check` catches a spec edited without regenerating."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from apiconform import codegen, surfaces
from apiconform.commands.codegen import run_codegen
from apiconform.contract import overlay_path
from apiconform.surfaces import SURFACES


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """specs/ and generated/ copies for code-insight, so edits never touch the repository."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "generated").mkdir()
    shutil.copy(SURFACES["code-insight"].spec_path, tmp_path / "specs" / "code-insight.yaml")
    # the models are generated from the observed contract: the spec with its overlay
    (tmp_path / "specs" / "overlays").mkdir()
    overlay = overlay_path(SURFACES["code-insight"].spec_path)
    shutil.copy(overlay, tmp_path / "specs" / "overlays" / overlay.name)
    shutil.copy(SURFACES["code-insight"].generated_path, tmp_path / "generated" / "code_insight.py")
    monkeypatch.setattr(surfaces, "SPECS_DIR", tmp_path / "specs")
    monkeypatch.setattr(surfaces, "GENERATED_DIR", tmp_path / "generated")
    return tmp_path


def test_regenerating_twice_is_byte_identical() -> None:
    surface = SURFACES["sd-elements"]
    assert codegen.render(surface) == codegen.render(surface)


def test_an_edited_spec_makes_check_fail_with_a_diff(sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    surface = SURFACES["code-insight"]
    assert run_codegen(["code-insight"], check_only=True) == 0
    spec = sandbox / "specs" / "code-insight.yaml"
    spec.write_text(spec.read_text().replace("description: ID of the Job.", "description: Identifier of the job."))
    assert run_codegen(["code-insight"], check_only=True) == 1
    out = capsys.readouterr()
    assert "Identifier of the job." in out.out and "stale generated models" in out.err
    drift = codegen.check(surface)
    assert drift is not None and drift.path == sandbox / "generated" / "code_insight.py"
    assert run_codegen(["code-insight"], check_only=False) == 0
    assert codegen.check(surface) is None


def test_the_header_names_the_source_spec_and_its_digest() -> None:
    text = SURFACES["mend"].generated_path.read_text()
    assert "source: specs/mend.yaml" in text and "sha256: " in text and "do not edit" in text
