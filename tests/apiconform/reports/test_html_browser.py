"""report.html in headless Chromium (the Debian package, driven over the DevTools pipe: tests/.../cdp.py): the
matrix header and operation column stay visible while a Mend-sized matrix scrolls, the filters hide the rows they
should, the enum coverage section is there, and the page logs no error (a blocked load, a CSP violation).

Without chromium the tests skip on a developer's machine and fail on CI, where scripts/setup installs it: a check
that silently skips there has not run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from apiconform.reports import write_reports
from apiconform.runner.results import RunResult
from tests.apiconform.reports.cdp import Browser
from tests.apiconform.reports.factories import matrix_result, sample_result

# Measured in the page: where the header cell and the first operation cell are after the box scrolled to its end.
_SCROLLED = """(() => {
  const box = document.querySelector("#s-mend .matrix-box");
  box.scrollIntoView();
  box.scrollTop = box.scrollHeight;
  box.scrollLeft = box.scrollWidth;
  const at = (el) => { const r = el.getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2,
    top: r.top, left: r.left}; };
  const head = box.querySelector("thead th.check"), corner = box.querySelector("thead th.op");
  const lastOp = box.querySelector("tbody tr:last-child td.op");
  const hit = (el) => { const p = at(el); return el.contains(document.elementFromPoint(p.x, p.y)); };
  const b = box.getBoundingClientRect();
  return {scrolled: box.scrollTop > 1000 && box.scrollLeft > 0, boxTop: b.top, boxLeft: b.left,
    headTop: at(head).top, headVisible: hit(head), cornerVisible: hit(corner),
    opLeft: at(lastOp).left, opVisible: hit(lastOp)};
})()"""
_VISIBLE_ROWS = """(() => {
  document.querySelector("label[for=view-%s]").click();
  return [...document.querySelectorAll("#s-mend tr.op-row")].filter((r) => r.offsetParent !== null)
    .map((r) => r.querySelector("td.op").firstChild.textContent);
})()"""


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing on CI: scripts/setup installs it there (apt-get install chromium)")
        pytest.skip("chromium not installed (apt-get install --no-install-recommends chromium)")
    return found


@pytest.fixture
def browser(chromium: str, tmp_path: Path) -> Iterator[Browser]:
    # A laptop-sized window: the matrix is then wider than the page as well as taller, as Mend's is.
    with Browser(chromium, tmp_path / "profile", width=900, height=800) as opened:
        yield opened


def _open(browser: Browser, tmp_path: Path, result: RunResult) -> None:
    page = write_reports(result, tmp_path / "reports", ["html"])[0]
    browser.open(page.resolve().as_uri())


def test_matrix_header_and_operation_column_stay_visible_while_scrolling(browser: Browser, tmp_path: Path) -> None:
    _open(browser, tmp_path, matrix_result())
    where = browser.evaluate(_SCROLLED)
    assert where["scrolled"], where
    assert abs(where["headTop"] - where["boxTop"]) <= 2, where  # the header row sits at the top of the box
    assert where["headVisible"] and where["cornerVisible"], where  # and nothing is painted over it
    assert abs(where["opLeft"] - where["boxLeft"]) <= 2 and where["opVisible"], where
    assert not browser.console_errors()


def test_filters_show_only_failed_or_unexercised_rows(browser: Browser, tmp_path: Path) -> None:
    result = matrix_result()
    _open(browser, tmp_path, result)
    failed = [op.label for op in result.operations() if any(c.verdict == "failed" for c in op.checks.values())]
    assert browser.evaluate(_VISIBLE_ROWS % "failed") == failed
    assert browser.evaluate(_VISIBLE_ROWS % "unexercised") == [op.label for op in result.unexercised]
    assert len(browser.evaluate(_VISIBLE_ROWS % "all")) == 139


def test_enum_coverage_section_is_shown(browser: Browser, tmp_path: Path) -> None:
    _open(browser, tmp_path, matrix_result())
    text = browser.evaluate("""document.querySelector("#enums-mend").nextElementSibling.innerText""")
    assert "Alert.type" in text and "NEW_ONE" in text
    shown = browser.evaluate("""document.querySelector("#enums-mend").getBoundingClientRect().height > 0""")
    assert shown


def test_hostile_server_text_renders_without_errors(browser: Browser, tmp_path: Path) -> None:
    _open(browser, tmp_path, sample_result())
    assert "GET /jobs" in browser.evaluate("document.body.innerText")
    assert browser.evaluate("document.querySelectorAll('script').length") == 0
    assert not browser.console_errors()
