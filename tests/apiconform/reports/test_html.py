"""report.html's structure, checked without a browser (test_html_browser.py checks what a browser makes of it):
the sticky matrix, the view filters, the count vocabulary shared with summary.md and junit.xml, and what each
failure, operation and surface tells a reader.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from apiconform.reports import FORMATS, write_reports
from apiconform.reports.html import render
from apiconform.reports.html_style import CSS
from apiconform.reports.json_report import mock_entry, totals
from apiconform.runner.results import Deviation, RunResult
from tests.apiconform.reports.factories import matrix_result, sample_result


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr class="(op-row[^"]*)">', page)


def test_matrix_header_and_operation_column_are_sticky_inside_a_scrolling_box() -> None:
    page = render(matrix_result())
    assert '<div class="matrix-box"><table class="matrix"><thead><tr><th class="op">operation</th>' in page
    # A sticky cell sticks to its nearest scrolling ancestor: the box must scroll both ways and be bounded in height.
    assert re.search(r"\.matrix-box\{max-height:[^}]*overflow:auto", CSS)
    assert "table.matrix thead th{position:sticky;top:0;" in CSS
    assert "table.matrix .op{position:sticky;left:0;" in CSS
    assert "border-collapse:separate" in CSS  # collapsed borders scroll away from sticky cells
    assert len(_rows(page)) == 139
    assert page.count('<td class="op"') == 139


def test_filters_are_radios_before_the_sections_they_filter() -> None:
    result = matrix_result()
    page = render(result)
    main = page.split("<main>", 1)[1]
    first_section = main.index("<section")
    for view in ("all", "failed", "unexercised"):
        assert main.index(f'id="view-{view}"') < first_section  # CSS `~` only reaches later siblings
        assert f'<label for="view-{view}">' in page
    assert 'id="view-all" checked' in page
    rows = _rows(page)
    failed_ops = [op for op in result.operations() if any(c.verdict == "failed" for c in op.checks.values())]
    assert sum("has-failed" in r for r in rows) == len(failed_ops) == 14
    assert sum(r.split()[1] == "unexercised" for r in rows) == len(result.unexercised) == 6
    assert "with a failed cell (14)" in page and "not exercised (6)" in page
    assert "#view-failed:checked~section tr.op-row:not(.has-failed)" in CSS
    assert "#view-unexercised:checked~section tr.op-row:not(.unexercised)" in CSS
    assert "<script" not in page.lower() and "script-src" not in page  # the filters need no script


def test_a_surface_without_failed_rows_says_so_in_the_failed_view() -> None:
    result = matrix_result(failing_every=1000)
    for op in result.operations():
        for cell in op.checks.values():
            cell.failed = 0
    result.failures = []
    page = render(result)
    assert '<p class="only-failed muted">No operation of mend has a failed cell.</p>' in page
    assert '<p class="only-unexercised' not in page  # it has unexercised rows to show


def test_counts_agree_across_html_summary_and_junit(tmp_path: Path) -> None:
    for i, result in enumerate((sample_result(), matrix_result())):
        paths = dict(zip(FORMATS, write_reports(result, tmp_path / str(i), FORMATS), strict=True))
        t = totals(result.operations(), result.failures)
        page = paths["html"].read_text(encoding="utf-8")
        summary = paths["md"].read_text(encoding="utf-8")
        report = json.loads(paths["json"].read_text(encoding="utf-8"))
        assert f"<b>{t.blocking_failures}</b><span>failures</span>" in page
        assert f"<b>{t.checks['failed']}</b><span>failed cells</span>" in page
        assert f"<b>{t.unexercised}</b><span>not exercised</span>" in page
        assert f"<b>{t.waived_failures}</b><span>waived failures</span>" in page
        assert f"{t.blocking_failures} failure(s) in {t.checks['failed']} failed cell(s)" in summary
        assert report["totals"]["failures"]["blocking"] == t.blocking_failures
        assert report["totals"]["checks"]["failed"] == t.checks["failed"]
        junit = ET.parse(paths["junit"]).getroot()
        assert int(junit.get("failures", "-1")) == t.checks["failed"] + t.unexercised
        assert "failed cell" in page.split('id="terms"')[1] and "_Failed cell_" in summary
        # The words retired for being ambiguous are gone.
        for text in (page, summary):
            assert "blocking failure" not in text and "cells failed" not in text


def test_a_failure_shows_its_pointer_and_keyword_everywhere(tmp_path: Path) -> None:
    paths = dict(zip(FORMATS, write_reports(matrix_result(), tmp_path, FORMATS), strict=True))
    page = paths["html"].read_text(encoding="utf-8")
    assert "JSON pointer: /alerts/0/type\nschema keyword: enum" in page
    assert "— Response body does not match its schema\n · <code>/alerts/0/type</code>" in page
    assert "At: /alerts/0/type (schema keyword enum)" in paths["junit"].read_text(encoding="utf-8")
    assert "(at /alerts/0/type)" in paths["md"].read_text(encoding="utf-8")
    allure = [json.loads(p.read_text(encoding="utf-8")) for p in paths["allure"].glob("*-result.json")]
    assert any("At: /alerts/0/type" in r.get("statusDetails", {}).get("message", "") for r in allure)


def test_operations_say_why_they_were_not_exercised_and_why_checks_could_not_run() -> None:
    page = render(matrix_result())
    assert (
        page.count('<span class="badge b-fail">not exercised</span><div class="small">answered only errorCode 5001')
        == 6
    )
    assert '<details class="na"><summary>Checks that could not run (n/a): 19 cell(s), and why</summary>' in page
    assert "<td>needs --allow-writes against a live server</td><td>19</td>" in page
    assert 'title="crud_roundtrip: not applicable: needs --allow-writes against a live server">n/a</td>' in page


def test_an_embedded_mock_shows_the_command_that_starts_it_again(tmp_path: Path) -> None:
    result = matrix_result()
    paths = dict(zip(FORMATS, write_reports(result, tmp_path, FORMATS), strict=True))
    command = json.loads(paths["json"].read_text(encoding="utf-8"))["surfaces"][0]["mock"]["command"]
    # The mock answered as the documents say (the factory's contract): the command starts that mock, not the
    # observed one `apiconform mock` starts by default.
    assert command == (
        "apiconform mock mend --seed 7 --fault undocumented-enum --contract documented"
        " --credentials-out credentials.json"
    )
    assert f'Same mock again: <code class="cmd">{command}</code>' in paths["html"].read_text(encoding="utf-8")
    result.surfaces["mend"].contract = "observed"
    assert "--contract" not in (mock_entry("mend", result.surfaces["mend"]) or {}).get("command", "missing")
    assert "Same mock again" not in render(_live(result))


def _live(result: RunResult) -> RunResult:
    result.surfaces["mend"].embedded = False
    return result


def test_enum_coverage_renders_what_the_run_recorded_or_says_it_recorded_none() -> None:
    result = matrix_result()
    page = render(result)
    section = page.split('<h3 id="enums-mend">Enum coverage</h3>')[1].split("</table>")[0]
    assert "<code>Alert.type</code></td><td>1/3</td>" in section
    assert '<span class="badge b-fail">NEW_ONE</span>' in section  # seen, undocumented
    assert '<span class="badge b-none">CRITICAL</span> <span class="badge b-none">LOW</span>' in section  # never seen
    # An open list (x-known-values): values beyond it are drift, shown apart from failures.
    result.surfaces["mend"].enum_coverage["Library.type"] = {
        "documented": ["MAVEN_ARTIFACT"],
        "seen": ["NPM_PACKAGE"],
        "open": True,
    }
    section = render(result).split('<h3 id="enums-mend">Enum coverage</h3>')[1].split("</table>")[0]
    assert '<code>Library.type</code> <span class="small">(open list)</span>' in section
    assert '<span class="badge b-waive">NPM_PACKAGE</span>' in section
    result.surfaces["mend"].enum_coverage = {}
    empty = render(result)
    assert '<h3 id="enums-mend">Enum coverage</h3><p class="muted enum-empty">No enum coverage recorded' in empty
    assert 'href="#enums-mend"' in empty


def test_blind_spots_and_known_deviations_are_listed_with_their_evidence() -> None:
    result = matrix_result()
    mend = result.surfaces["mend"]
    mend.contract = "observed"
    mend.enum_coverage["Alert.level"] = {
        "documented": ["MAJOR", "MINOR"],
        "seen": ["MAJOR"],
        "operations": ["POST /api/v1.2#getProjectAlerts", "POST /api/v1.2#getProductAlerts"],
        "unobserved": ["POST /api/v1.2#getProductAlerts"],
    }
    mend.deviations = [
        Deviation("mend", "POST /api/v1.2#getProjectAlerts", "response_schema_conformance", "alerts <x>", ("M-1",), 3)
    ]
    page = render(result)
    enums = page.split('<h3 id="enums-mend">Enum coverage</h3>')[1].split("</table>")[0]
    assert '<td class="small">1 of 2: POST /api/v1.2#getProductAlerts</td>' in enums
    deviations = page.split("<h3>Known deviations (observed contract)</h3>")[1].split("</table>")[0]
    assert "<td>alerts &lt;x&gt;</td><td>M-1</td><td>3</td>" in deviations
    mend.deviations = []
    assert "Known deviations (" not in render(result)
