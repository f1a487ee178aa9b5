"""specs/doc-facts/ is what scripts/extract_doc_facts.py extracts from the vendor documents, and its --check
notices when it is not.

The documents are not part of the repository: the freshness test runs where APICONFORM_DOCS_DIR names them
(scripts/test sets it when they sit beside the checkout) and is skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from apiconform.surfaces import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "extract_doc_facts.py"
DOCS_ENV = "APICONFORM_DOCS_DIR"


def _extract(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_committed_doc_facts_are_current_with_the_documents() -> None:
    docs = os.environ.get(DOCS_ENV)
    if not docs:
        pytest.skip(f"{DOCS_ENV} is not set: no vendor documents here to re-extract specs/doc-facts/ from")
    # Set but wrong is a broken setup, not an absent one: skipping would hide it.
    assert Path(docs).is_dir(), f"{DOCS_ENV}={docs} is not a directory"
    result = _extract("--check", "--docs", docs)
    assert result.returncode == 0, result.stdout + result.stderr


def _write_documents(docs: Path) -> None:
    docs.mkdir()
    (docs / "other-api.md").write_text("no facts here\n", encoding="utf-8")
    (docs / "jobs-api.txt").write_text(
        'get/jobs\n**`POST /jobs/{id}`**\nstatus\n  Enum: "New", "Done"\nlimit\ninteger <int32> [ 1 .. 50 ]\n',
        encoding="utf-8",
    )


def test_the_script_writes_the_facts_and_check_reports_a_changed_document(tmp_path: Path) -> None:
    docs, facts = tmp_path / "docs", tmp_path / "facts"
    _write_documents(docs)
    assert _extract("--docs", str(docs), "--facts", str(facts)).returncode == 0
    written = json.loads((facts / "jobs-api.json").read_text(encoding="utf-8"))
    assert written["source"]["document"] == "jobs-api.txt"
    assert written["operations"] == ["GET /jobs", "POST /jobs/{id}"]
    assert written["enums"] == [{"line": 4, "values": ["Done", "New"]}]
    assert written["bounds"] == [{"line": 6, "parameter": "limit", "minimum": 1, "maximum": 50}]
    assert _extract("--check", "--docs", str(docs), "--facts", str(facts)).returncode == 0

    with (docs / "jobs-api.txt").open("a", encoding="utf-8") as doc:
        doc.write("DELETE /jobs/{id}\n")
    before = {p.name: p.read_text(encoding="utf-8") for p in facts.iterdir()}
    stale = _extract("--check", "--docs", str(docs), "--facts", str(facts))
    assert stale.returncode == 1
    assert '+    "DELETE /jobs/{id}",' in stale.stdout
    assert "is stale: run `python scripts/extract_doc_facts.py" in stale.stdout
    assert {p.name: p.read_text(encoding="utf-8") for p in facts.iterdir()} == before, "--check must write nothing"


def test_check_reports_the_facts_of_a_removed_document_and_needs_documents(tmp_path: Path) -> None:
    docs, facts = tmp_path / "docs", tmp_path / "facts"
    _write_documents(docs)
    assert _extract("--docs", str(docs), "--facts", str(facts)).returncode == 0
    (docs / "other-api.md").unlink()
    stale = _extract("--check", "--docs", str(docs), "--facts", str(facts))
    assert stale.returncode == 1
    assert "--- committed other-api.json\n+++ /dev/null" in stale.stdout
    assert _extract("--docs", str(docs), "--facts", str(facts)).returncode == 0
    assert sorted(p.name for p in facts.iterdir()) == ["jobs-api.json"]

    (docs / "jobs-api.txt").unlink()
    empty = _extract("--check", "--docs", str(docs), "--facts", str(facts))
    assert empty.returncode == 2
    assert f"no vendor documents at {docs}" in empty.stderr
