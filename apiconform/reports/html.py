"""`report.html`: one self-contained page a person reads after a run.

Every value that reaches the page may come from the server under test, so everything is escaped, and a
Content-Security-Policy forbids scripts and network loads outright: a missed escape still cannot run code
or call home. No JavaScript: collapsible parts are <details>, the view filters are CSS over radio buttons
(html_style.py). Inline CSS, inline SVG; no external resource.

Counts use one vocabulary, defined on the page ("How to read this report") and shared with summary.md and
junit.xml: a *failure* is one distinct way an operation broke a check; a *failed cell* is one operation x check
that failed (holding one failure or more).
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from apiconform.reports import json_report
from apiconform.reports.html_style import COLOURS, CSS
from apiconform.reports.json_report import (
    CELL_VERDICTS,
    Totals,
    cell_failures,
    check_info,
    check_order,
    enum_entry,
    run_verdict,
    show_controls,
    surface_totals,
    totals,
)
from apiconform.runner.results import VERDICT_FAILED, Failure, OperationResult, RunResult, SurfaceResult

FILENAME = "report.html"
OPEN_FAILURES = 10  # the first ones are expanded; the rest stay one line each until clicked
_SYMBOL = {"passed": "✓", "failed": "✗", "waived": "~", "not_run": "·", "known_deviation": "≈"}
_HEADLINE = {
    # Plain check marks, not emoji: they render without an emoji font (headless browsers, minimal desktops).
    "conformant": ("ok", "✓ Conformant"),
    "nonconformant": ("bad", "✗ Not conformant"),
    "interrupted": ("bad", "✗ Interrupted: incomplete run, not conformant"),
}
TERMS = (
    ("cell", "one operation × check: a square of a matrix, judged passed, failed, waived or not run."),
    (
        "failure",
        "one distinct way an operation broke a check, listed under Failures with its request, response and curl. "
        "A failed cell holds one failure or more, so there can be more failures than failed cells.",
    ),
    ("failed cell", "a cell where at least one evaluation failed and no waiver covers it."),
    ("evaluation", "one check judging one answer; hover a cell for its passed and failed evaluations."),
    ("waived", "a failure a waiver accepts (and its cell): listed, but it does not fail the run."),
    (
        "known deviation",
        "an answer the documents reject but recorded vendor behaviour explains (the observed contract, with its "
        "evidence ids under Known deviations): it does not fail the run; `--contract documented` fails it.",
    ),
    (
        "not exercised",
        "an operation the run meant to test where no valid request got a documented success answer: it fails the "
        "run. Excluded operations were left out on purpose (read-only run, another shard) and do not.",
    ),
    ("junit.xml", "one testcase per cell that ran, and one “exercised” testcase per operation: its failure count is "
     "failed cells + operations not exercised."),
)  # fmt: skip


def e(value: object) -> str:
    return html.escape(show_controls(str(value)), quote=True)


def write(result: RunResult, report_dir: Path) -> Path:
    path = report_dir / FILENAME
    path.write_text(render(result), encoding="utf-8", errors="backslashreplace")
    return path


def render(result: RunResult) -> str:
    verdict = run_verdict(result)
    css_class, headline = _HEADLINE[verdict]
    whole = totals(result.operations(), result.failures)
    anchors = _failure_anchors(result.failures)
    surfaces = [_surface(result, name, s, anchors) for name, s in result.surfaces.items()]
    toc = " ".join(f'<a href="#s-{_slug(name)}">{e(name)}</a>' for name in result.surfaces)
    radios = "".join(
        f'<input type="radio" name="view" class="view" id="view-{v}"{" checked" if v == "all" else ""}>'
        for v in ("all", "failed", "unexercised")
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>apiconform report: {e(headline)}</title><style>{CSS}</style></head>
<body><header class="verdict {css_class}"><h1>{e(headline)}</h1>
<p>profile <b>{e(result.profile)}</b> · seed <b>{e(result.seed)}</b> · started {e(result.started_at)}
 · {result.duration_s:.1f} s</p></header>
<main>{radios}
<nav>Surfaces: {toc} · <a href="#failures">Failures</a> · <a href="#terms">How to read this report</a>
 · <a href="#checks">Checks</a></nav>
{_filters(result)}
{_cards(whole)}
<div class="panel"><h3 style="margin-top:0">Check cells per surface</h3>{_chart(result)}</div>
{"".join(surfaces)}
{_failures(result.failures, anchors)}
{_waiver_notes(result.waiver_notes)}
{_terms()}
{_catalogue(result)}
<p class="muted small">apiconform report · report.json holds the same data (schema_version 1).</p>
</main></body></html>
"""


def _filters(result: RunResult) -> str:
    ops = result.operations()
    failed = sum(1 for op in ops if _has_failed_cell(op))
    views = [
        ("all", f"all operations ({len(ops)})"),
        ("failed", f"with a failed cell ({failed})"),
        ("unexercised", f"not exercised ({len(result.unexercised)})"),
    ]
    labels = "".join(f'<label for="view-{v}">{e(text)}</label>' for v, text in views)
    return f'<div class="filters">Show: {labels}</div>'


def _has_failed_cell(op: OperationResult) -> bool:
    return any(cell.verdict == VERDICT_FAILED for cell in op.checks.values())


def _cards(t: Totals) -> str:
    failed_cells = t.checks["failed"]
    cards = [
        ("", t.operations, "operations"),
        ("", t.exercised, "exercised"),
        ("bad" if t.unexercised else "", t.unexercised, "not exercised"),
        ("", t.excluded, "excluded on purpose"),
        ("", t.cases, "cases"),
        ("bad" if t.blocking_failures else "", t.blocking_failures, "failures"),
        ("bad" if failed_cells else "", failed_cells, "failed cells"),
        ("warn" if t.waived_failures else "", t.waived_failures, "waived failures"),
        ("", t.checks["passed"], "passed cells"),
    ]
    inner = "".join(f'<div class="card {c}"><b>{n}</b><span>{e(what)}</span></div>' for c, n, what in cards)
    return f'<div class="cards">{inner}</div>'


def _chart(result: RunResult) -> str:
    """Stacked bars on one scale, so surfaces compare by size as well as by share."""
    rows = [(name, surface_totals(result, name).checks) for name in result.surfaces]
    widest = max((sum(c.values()) for _, c in rows), default=0) or 1
    label_w, bar_w, row_h = 170, 560, 30
    parts = []
    for i, (name, counts) in enumerate(rows):
        y = 8 + i * row_h
        parts.append(f'<text x="0" y="{y + 15}">{e(name)}</text>')
        x = float(label_w)
        for verdict in CELL_VERDICTS:
            n = counts[verdict]
            if not n:
                continue
            w = bar_w * n / widest
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1.5):.1f}" height="20" fill="{COLOURS[verdict]}">'
                f"<title>{e(name)}: {n} {verdict.replace('_', ' ')} cells</title></rect>"
            )
            x += w
        summary = " / ".join(f"{counts[v]} {v.replace('_', ' ')}" for v in CELL_VERDICTS if counts[v])
        parts.append(f'<text x="{x + 8:.1f}" y="{y + 15}" fill="#5f6368">{e(summary or "no cells")}</text>')
    height = 16 + len(rows) * row_h
    legend = "".join(
        f'<span><i class="sw" style="background:{COLOURS[v]}"></i>{e(v.replace("_", " "))}</span>'
        for v in CELL_VERDICTS
    )
    return (
        f'<svg role="img" aria-label="check cells per surface" width="100%" viewBox="0 0 1000 {height}" '
        f'preserveAspectRatio="xMinYMin meet" style="max-height:{height * 1.3:.0f}px">{"".join(parts)}</svg>'
        f'<div class="legend small">{legend}</div>'
    )


def _surface(result: RunResult, name: str, surface: SurfaceResult, anchors: dict[int, str]) -> str:
    t = surface_totals(result, name)
    kind = "in-process mock" if surface.embedded else "live server"
    error = f'<div class="panel err"><b>Could not test this surface:</b> {e(surface.error)}</div>'
    return f"""<section id="s-{_slug(name)}"><h2>{e(name)}</h2>
<p><code>{e(surface.base_url)}</code> <span class="badge b-none">{kind}</span>
 · {t.exercised}/{t.operations} operations exercised · {t.cases} cases · {t.unexercised} not exercised
 · {t.excluded} excluded · {t.blocking_failures} failure(s) in {t.checks["failed"]} failed cell(s)
 · {t.waived_failures} waived failure(s) · <a href="#enums-{_slug(name)}">enum coverage</a></p>
{_mock(name, surface)}
{error if surface.error is not None else ""}
{_matrix(result, name, surface, anchors)}
{_not_applicable(surface)}
{_enums(name, surface)}</section>
"""


def _mock(name: str, surface: SurfaceResult) -> str:
    """The command that starts the same embedded mock (seed and faults), so a failure can be replayed by hand."""
    # report.json's surfaces[].mock is the one place that spells the command; the page shows the same text.
    mock = json_report.mock_entry(name, surface)
    if mock is None:
        return ""
    return (
        f'<p class="small">Same mock again: <code class="cmd">{e(mock["command"])}</code> — it prints its base URL;'
        " a failure's curl then needs that URL and the token from credentials.json.</p>"
    )


def _matrix(result: RunResult, name: str, surface: SurfaceResult, anchors: dict[int, str]) -> str:
    ops = list(surface.operations.values())
    if not ops:
        return '<p class="muted">No operations.</p>'
    present = {c for op in ops for c in op.checks} | {c for op in ops for c in op.not_applicable}
    order = check_order(result)  # a check that only ever was n/a is in no cell: it still gets its column
    checks = [c for c in order if c in present] + sorted(present - set(order))
    by_cell = cell_failures(result)
    head = "".join(
        f'<th class="check" title="{e(check_info(c)["description"])}"><span>{e(c)}</span></th>' for c in checks
    )
    rows = []
    for op in ops:
        cells = [_cell(op, check, by_cell.get((name, op.label, check)), anchors) for check in checks]
        rows.append(
            f'<tr class="{_row_class(op)}">{_op_cell(op)}<td>{op.cases}</td>'
            f'<td class="small">{e(_statuses(op.statuses))}</td>{"".join(cells)}</tr>'
        )
    legend = " ".join(f"{s} {v.replace('_', ' ')}" for v, s in _SYMBOL.items())
    empty = []
    if not any(_has_failed_cell(op) for op in ops):
        empty.append(f'<p class="only-failed muted">No operation of {e(name)} has a failed cell.</p>')
    if not any(not op.exercised and op.excluded is None for op in ops):
        empty.append(f'<p class="only-unexercised muted">Every operation of {e(name)} was exercised or excluded.</p>')
    return f"""{"".join(empty)}<div class="matrix-box"><table class="matrix"><thead><tr><th class="op">operation</th>
<th>cases</th><th>statuses</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>
<p class="muted small">{e(legend)} · n/a: could not run (why: below) · empty: not scheduled for this operation
 · hover a cell for its evaluations</p>"""


def _cell(op: OperationResult, check: str, failures: list[Failure] | None, anchors: dict[int, str]) -> str:
    cell = op.checks.get(check)
    if cell is None:
        why = op.not_applicable.get(check)
        return (
            f'<td class="c na" title="{e(check)}: not applicable: {e(why)}">n/a</td>' if why else '<td class="c"></td>'
        )
    tip = f"{check}: {cell.passed} passed, {cell.failed} failed evaluations ({cell.verdict.replace('_', ' ')})"
    if failures:
        tip += f"; {len(failures)} distinct failure(s)"
    mark = _SYMBOL[cell.verdict]
    if failures:
        mark = f'<a href="#{anchors[id(failures[0])]}">{mark}</a>'
    return f'<td class="c {cell.verdict}" title="{e(tip)}">{mark}</td>'


def _row_class(op: OperationResult) -> str:
    # Excluded first: a shard's runner can count a scenario's proof for an operation another shard tests.
    state = "excluded" if op.excluded is not None else "exercised" if op.exercised else "unexercised"
    return f"op-row {state}" + (" has-failed" if _has_failed_cell(op) else "")


def _op_cell(op: OperationResult) -> str:
    badge = ""
    if op.excluded is not None:
        badge = f'<span class="badge b-none" title="{e(op.excluded)}">excluded</span>'
        badge += f'<div class="small">{e(op.excluded)}</div>'
    elif not op.exercised:
        badge = '<span class="badge b-fail">not exercised</span>'
        badge += f'<div class="small">{e(op.unexercised_reason)}</div>'
    return f'<td class="op" title="operationId: {e(op.operation_id)}">{e(op.label)}{badge}</td>'


def _statuses(statuses: Counter[int]) -> str:
    return " ".join(f"{status}×{count}" for status, count in sorted(statuses.items()))


def _not_applicable(surface: SurfaceResult) -> str:
    """Why each n/a cell could not run, grouped by check and reason (one reason often covers many operations)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for op in surface.operations.values():
        for check, why in sorted(op.not_applicable.items()):
            if check not in op.checks:
                groups.setdefault((check, why), []).append(op.label)
    if not groups:
        return ""
    rows = "".join(
        f"<tr><td><code>{e(check)}</code></td><td>{e(why)}</td><td>{len(labels)}</td>"
        f'<td class="small">{"<br>".join(e(label) for label in labels)}</td></tr>'
        for (check, why), labels in sorted(groups.items())
    )
    count = sum(len(labels) for labels in groups.values())
    return f"""<details class="na"><summary>Checks that could not run (n/a): {count} cell(s), and why</summary>
<div class="scroll"><table><thead><tr><th>check</th><th>why</th><th>cells</th><th>operations</th></tr></thead>
<tbody>{rows}</tbody></table></div></details>"""


def _enums(name: str, surface: SurfaceResult) -> str:
    heading = f'<h3 id="enums-{_slug(name)}">Enum coverage</h3>'
    if not surface.enum_coverage:
        return f'{heading}<p class="muted enum-empty">No enum coverage recorded for this surface.</p>'
    rows = []
    for enum, raw in sorted(surface.enum_coverage.items()):
        entry = enum_entry(raw)
        documented, seen = entry["documented"], entry["seen"]
        share = f"{len(set(documented) & set(seen))}/{len(documented)}"
        blind = entry.get("unobserved") or []
        where = f"{len(blind)} of {len(entry.get('operations') or [])}: {', '.join(blind)}" if blind else "–"
        # An open list (x-known-values): values beyond it are drift to look at, not failures.
        kind, drift = (' <span class="small">(open list)</span>', "b-waive") if entry.get("open") else ("", "b-fail")
        rows.append(
            f"<tr><td><code>{e(enum)}</code>{kind}</td><td>{share}</td><td>{_values(seen)}</td>"
            f"<td>{_values(entry['unseen'])}</td><td>{_values(entry['undocumented'], drift)}</td>"
            f'<td class="small">{e(where)}</td></tr>'
        )
    return f"""{heading}<div class="scroll"><table class="enums"><thead><tr><th>enum</th><th>documented seen</th>
<th>seen</th><th>never seen</th><th>undocumented</th><th>operations that never showed it</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>{_deviations(surface)}"""


def _deviations(surface: SurfaceResult) -> str:
    """Known deviations: answers the documents reject that the observed contract accepts, with their evidence."""
    if not surface.deviations:
        return ""
    rows = "".join(
        f'<tr><td class="op">{e(d.operation)}</td><td>{e(d.check)}</td><td>{e(d.message)}</td>'
        f"<td>{e(', '.join(d.evidence))}</td><td>{d.count}</td></tr>"
        for d in surface.deviations
    )
    return f"""<h3>Known deviations ({e(surface.contract)} contract)</h3><p class="muted small">The documents reject
these answers; recorded vendor behaviour (specs/evidence/) explains them, so they do not fail the run. Run with
<code>--contract documented</code> to fail them.</p><div class="scroll"><table class="deviations"><thead><tr>
<th>operation</th><th>check</th><th>what the documents reject</th><th>evidence</th><th>answers</th></tr></thead>
<tbody>{rows}</tbody></table></div>"""


def _values(values: list[str], css: str = "b-none") -> str:
    return " ".join(f'<span class="badge {css}">{e(v)}</span>' for v in values) or '<span class="muted">–</span>'


def _failure_anchors(failures: list[Failure]) -> dict[int, str]:
    return {id(f): f"f-{i}" for i, f in enumerate(failures, 1)}


def _failures(failures: list[Failure], anchors: dict[int, str]) -> str:
    blocking = [f for f in failures if not f.waived]
    waived = [f for f in failures if f.waived]
    if not failures:
        return '<section id="failures"><h2>Failures</h2><p>None.</p></section>'
    items = [_failure(f, anchors[id(f)], i < OPEN_FAILURES) for i, f in enumerate(blocking + waived)]
    return f"""<section id="failures"><h2>Failures</h2>
<p>{len(blocking)} failure(s) · {len(waived)} waived failure(s). Each holds the request, the response, the contract it
broke and a curl command to reproduce it (click a command to select it all).</p>{"".join(items)}</section>"""


def _failure(f: Failure, anchor: str, expanded: bool) -> str:
    badge = f'<span class="badge b-waive">waived: {e(f.waived_by)}</span>' if f.waived else ""
    where = f" · <code>{e(f.pointer)}</code>" if f.pointer else ""
    body = [f'<div class="label">Message</div><pre>{e(f.message)}</pre>']
    if f.pointer or f.keyword:
        facts = [f"JSON pointer: {f.pointer or '(the whole body)'}"]
        facts += [f"schema keyword: {f.keyword}"] if f.keyword else []
        body.append(f'<div class="label">Where</div><pre class="where">{e(chr(10).join(facts))}</pre>')
    if f.expected:
        body.append(f'<div class="label">Expected</div><pre>{e(f.expected)}</pre>')
    if f.exchange is not None:
        ex = f.exchange
        status = "no response" if ex.status is None else ex.status
        elapsed = "" if ex.elapsed_ms is None else f" · {ex.elapsed_ms} ms"
        body.append(
            '<div class="grid"><div>'
            f'<div class="label">Request</div><pre>{e(ex.method)} {e(ex.url)}\n{_headers(ex.request_headers)}</pre>'
            f"{_body(ex.request_body)}</div><div>"
            f'<div class="label">Response{e(elapsed)}</div><pre>{e(status)}\n{_headers(ex.response_headers)}</pre>'
            f"{_body(ex.response_body)}</div></div>"
        )
    if f.curl:
        body.append(f'<div class="label">Reproduce</div><pre class="curl">{e(f.curl)}</pre>')
    return f"""<details class="failure{" waived" if f.waived else ""}" id="{anchor}"{" open" if expanded else ""}>
<summary><code>{e(f.surface)}</code> · <code>{e(f.operation)}</code> · <code>{e(f.check)}</code> — {e(f.title)}
{where}{badge}</summary>{"".join(body)}</details>"""


def _headers(headers: dict[str, str]) -> str:
    return "\n".join(f"{e(k)}: {e(v)}" for k, v in headers.items())


def _body(body: str | None) -> str:
    return "" if not body else f'<div class="label">Body (excerpt)</div><pre>{e(body)}</pre>'


def _waiver_notes(notes: list[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{e(n)}</li>" for n in notes)
    return f"<section><h2>Waiver notes</h2><ul>{items}</ul></section>"


def _terms() -> str:
    items = "".join(f"<dt>{e(term)}</dt><dd>{e(meaning)}</dd>" for term, meaning in TERMS)
    return f'<section id="terms"><h2>How to read this report</h2><dl class="terms panel">{items}</dl></section>'


def _catalogue(result: RunResult) -> str:
    rows = []
    for check in check_order(result):
        info = check_info(check)
        rows.append(
            f"<tr><td><code>{e(check)}</code></td><td>{e(info['group'])}</td><td>{e(info['source'])}</td>"
            f"<td>{e(info['description'])}</td></tr>"
        )
    return f"""<section id="checks"><h2>Checks</h2><div class="scroll"><table><thead><tr><th>id</th><th>group</th>
<th>source</th><th>what it asserts</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div></section>"""


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name)
