"""Every report format over one small RunResult built in code: valid, deterministic, escaped, complete.

The fixture (factories.sample_result) holds two surfaces with a passing, a failing, an unexercised and an excluded
operation, a waived failure, and server text that is hostile to HTML, XML and Markdown. report.html's own features
are in test_html.py (structure) and test_html_browser.py (headless Chromium).
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

import apiconform.reports
from apiconform.errors import UsageError
from apiconform.reports import FORMATS, write_reports
from apiconform.reports.markdown import render as render_markdown
from tests.apiconform.reports.factories import CANARY, make_failure, sample_result

SCHEMA = Path(apiconform.reports.__file__).parent / "report.schema.json"


@pytest.fixture
def written(tmp_path: Path) -> dict[str, Path]:
    paths = write_reports(sample_result(), tmp_path / "reports", FORMATS)
    return dict(zip(FORMATS, paths, strict=True))


def _texts(root: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


def test_every_format_is_written(written: dict[str, Path]) -> None:
    assert [p.name for p in written.values()] == ["junit.xml", "allure-results", "report.html", "report.json",
                                                  "summary.md"]  # fmt: skip
    assert all(p.exists() for p in written.values())


def test_report_json_is_schema_valid_and_byte_identical(written: dict[str, Path], tmp_path: Path) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(written["json"].read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    again = write_reports(sample_result(), tmp_path / "again", ["json"])[0]
    assert again.read_bytes() == written["json"].read_bytes()
    assert data["schema_version"] == 1
    assert data["run"]["verdict"] == "nonconformant"
    assert data["totals"]["operations"] == 5
    assert data["totals"]["unexercised"] == 1
    assert data["totals"]["excluded"] == 1
    assert data["totals"]["checks"] == {"passed": 5, "failed": 1, "waived": 1, "not_run": 1, "known_deviation": 0}
    assert data["totals"]["failures"] == {"total": 2, "blocking": 1, "waived": 1}
    enum = data["surfaces"][0]["enum_coverage"]["JobStatus"]
    assert enum["unseen"] == ["done", "failed"]
    assert enum["undocumented"] == ["weird"]
    assert data["surfaces"][0]["operations"][0]["statuses"] == {"200": 10, "404": 2}
    assert data["checks"]["negative_data_rejection_rpc"]["group"] == "unknown"


def test_junit_names_are_unique_and_counts_match(written: dict[str, Path]) -> None:
    root = ET.parse(written["junit"]).getroot()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["alpha", "beta"]
    cases = root.findall("testsuite/testcase")
    keys = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(keys) == len(set(keys))
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    skipped = {c.get("name"): s.get("message") for c in cases if (s := c.find("skipped")) is not None}
    assert failed == {"POST /jobs :: not_a_server_error", "DELETE /jobs/{id} :: exercised"}
    assert skipped == {
        "POST /jobs :: response_time": "waived: slow cold start <b>ticket 12</b>",
        "POST /api/v1.2#adminReset :: exercised": "excluded: destructive: <resets> the organisation",
    }
    assert "POST /jobs :: pagination_limit" not in {c.get("name") for c in cases}  # never ran: no testcase
    failure = next(c for c in cases if c.get("name") == "POST /jobs :: not_a_server_error").findtext("failure")
    assert "<script>alert(1)</script> ]]>" in (failure or "")
    assert "curl -X POST" in (failure or "")
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == (str(len(cases)), "2", "2")


def test_allure_has_one_result_per_cell_with_unique_history_ids(written: dict[str, Path]) -> None:
    results = [json.loads(p.read_text(encoding="utf-8")) for p in written["allure"].glob("*-result.json")]
    # cells that ran (7) + one "exercised" result per operation (5)
    assert len(results) == 12
    assert len({r["historyId"] for r in results}) == 12
    by_name = {r["name"]: r for r in results}
    assert Counter(r["status"] for r in results) == {"passed": 8, "failed": 2, "skipped": 2}
    failed = by_name["POST /jobs :: not_a_server_error"]
    assert failed["status"] == "failed"
    assert "curl -X POST" in failed["statusDetails"]["trace"]
    labels = {(label["name"], label["value"]) for label in failed["labels"]}
    assert {("suite", "alpha"), ("feature", "POST /jobs"), ("story", "not_a_server_error")} <= labels
    assert by_name["POST /jobs :: response_time"]["statusDetails"]["message"].startswith("waived: slow cold start")
    attachment = written["allure"] / failed["attachments"][0]["source"]
    assert "> POST http://127.0.0.1:8001/jobs" in attachment.read_text(encoding="utf-8")


def test_allure_rewrite_replaces_previous_results(written: dict[str, Path], tmp_path: Path) -> None:
    before = sorted(p.name for p in written["allure"].iterdir())
    write_reports(sample_result(), tmp_path / "reports", ["allure"])
    assert sorted(p.name for p in written["allure"].iterdir()) == before


def test_summary_has_verdict_failures_and_reproduction(written: dict[str, Path]) -> None:
    text = written["md"].read_text(encoding="utf-8")
    assert text.startswith("## ❌ apiconform: not conformant")
    line = next(x for x in text.splitlines() if "not_a_server_error" in x and x.startswith("|"))
    assert "`POST /jobs`" in line
    assert "\\| pipe" in line  # a `|` in server text does not split the table cell
    assert "**Waived:** 1 failure(s) · **Not exercised:** 1 operation(s)" in text
    assert "```shell\ncurl -X POST" in text
    # Outside code, server text could render as HTML, a tracking image or an @mention in a PR comment.
    prose = re.sub(r"(`{3,})shell\n.*?\n\1", "", text, flags=re.DOTALL)
    prose = re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", "", prose)
    assert "<script" not in prose and "![x]" not in prose and "@someone" not in prose


def test_summary_stays_short_with_500_failures() -> None:
    result = sample_result()
    result.failures = [make_failure("not_a_server_error", operation=f"GET /op{i}") for i in range(500)]
    text = render_markdown(result)
    assert len(text.splitlines()) < 150
    assert "… and 475 more failures" in text
    assert len(text) < 65536


def test_summary_is_green_when_conformant() -> None:
    result = sample_result()
    result.failures = []
    result.surfaces["alpha"].operations.pop("DELETE /jobs/{id}")
    result.surfaces["alpha"].operations["POST /jobs"].checks.clear()
    assert render_markdown(result).startswith("## ✅ apiconform: conformant")


def test_html_escapes_server_text_and_loads_nothing(written: dict[str, Path]) -> None:
    page = written["html"].read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert "url(" not in page and "@import" not in page
    for op in sample_result().operations():
        assert html.escape(op.label) in page
    assert 'class="op-row unexercised"' in page and 'class="op-row excluded"' in page
    assert "<svg" in page and page.count('class="failure') == 2


def test_canary_secret_is_nowhere(written: dict[str, Path], tmp_path: Path) -> None:
    texts = _texts(tmp_path / "reports")
    assert len(texts) > 10
    assert all(CANARY not in text for text in texts.values())
    assert all("[REDACTED]" in texts[p] for p in (written["json"], written["html"], written["junit"]))


def test_unwritable_report_dir_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    for target in (blocker, blocker / "sub"):
        with pytest.raises(UsageError, match="cannot write reports to") as info:
            write_reports(sample_result(), target, ["json"])
        assert str(target) in info.value.message and "\n" not in info.value.message


def test_unknown_format_suggests_the_close_one(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"unknown report format 'junt' \(did you mean 'junit'\?\)"):
        write_reports(sample_result(), tmp_path / "r", ["html", "junt"])
    assert not (tmp_path / "r").exists()  # nothing is written when the request is wrong


def test_surface_error_is_reported_everywhere(tmp_path: Path) -> None:
    result = sample_result()
    result.surfaces["beta"].error = "connection refused <at> beta"
    out = tmp_path / "r"
    paths = dict(zip(FORMATS, write_reports(result, out, FORMATS), strict=True))
    root = ET.parse(paths["junit"]).getroot()
    assert root.get("errors") == "1"
    assert "connection refused &lt;at&gt; beta" in paths["html"].read_text(encoding="utf-8")
    assert "connection refused <at> beta" in paths["md"].read_text(encoding="utf-8")
