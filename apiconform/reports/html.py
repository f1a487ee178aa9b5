"""`report.html`: one self-contained page a person reads after a run.

Every value that reaches the page may come from the server under test, so everything is escaped, and a
Content-Security-Policy forbids scripts and network loads outright: a missed escape still cannot run code
or call home. No JavaScript; collapsible parts are <details>. Inline CSS, inline SVG; no external resource.
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

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
from apiconform.runner.results import Failure, OperationResult, RunResult, SurfaceResult

FILENAME = "report.html"
OPEN_FAILURES = 10  # the first ones are expanded; the rest stay one line each until clicked
_SYMBOL = {"passed": "✓", "failed": "✗", "waived": "~", "not_run": "·", "known_deviation": "≈"}
_HEADLINE = {
    # Plain check marks, not emoji: they render without an emoji font (headless browsers, minimal desktops).
    "conformant": ("ok", "✓ Conformant"),
    "nonconformant": ("bad", "✗ Not conformant"),
    "interrupted": ("bad", "✗ Interrupted: incomplete run, not conformant"),
}
_CSS = """
:root{--pass:#1e7d32;--pass-bg:#e3f4e6;--fail:#b3261e;--fail-bg:#fde8e6;--waive:#8a5a00;--waive-bg:#fff1d6;
--none:#5f6368;--none-bg:#eef0f2;--line:#d6d9dd;--muted:#5f6368}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0;background:#f6f7f9}
main{max-width:1280px;margin:0 auto;padding:0 24px 48px}
header.verdict{padding:20px 24px;color:#fff}header.ok{background:var(--pass)}header.bad{background:var(--fail)}
header h1{margin:0 auto;max-width:1232px;font-size:24px}header p{margin:4px auto 0;max-width:1232px;opacity:.92}
h2{margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--line)}h3{margin:20px 0 8px}
nav{margin:12px 0;color:var(--muted)}nav a{margin-right:12px}a{color:#0b57d0}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:12px}
.card.bad b{color:var(--fail)}.card.warn b{color:var(--waive)}
.panel{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:12px 0}
.scroll{overflow-x:auto}table{border-collapse:collapse;background:#fff}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f4;font-weight:600}
table.matrix th.check{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:500;
padding:8px 4px;font-size:12px}
table.matrix td.c{text-align:center;font-weight:700;min-width:26px;padding:4px 2px}
td.passed{background:var(--pass-bg);color:var(--pass)}td.failed{background:var(--fail-bg);color:var(--fail)}
td.waived{background:var(--waive-bg);color:var(--waive)}td.not_run{background:var(--none-bg);color:var(--none)}
td.na{color:var(--muted);font-size:.75em}td.known_deviation{background:#efeafb;color:#7b61c4}
td.c a{color:inherit;text-decoration:none;display:block}
tr.unexercised td.op{background:var(--fail-bg);box-shadow:inset 4px 0 var(--fail)}
tr.excluded td{color:var(--muted)}tr.excluded td.op{box-shadow:inset 4px 0 var(--none)}
td.op{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:11.5px;font-weight:600;margin-left:6px;
font-family:system-ui,sans-serif}
.b-fail{background:var(--fail);color:#fff}.b-waive{background:var(--waive-bg);color:var(--waive)}
.b-none{background:var(--none-bg);color:var(--none)}.b-pass{background:var(--pass-bg);color:var(--pass)}
.muted{color:var(--muted)}.small{font-size:12px}.err{border-left:4px solid var(--fail)}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:4px 0 10px;
white-space:pre-wrap;word-break:break-word;max-height:320px;overflow:auto;font-size:12.5px}
pre.curl{background:#1f2328;color:#f0f3f6;user-select:all}
details.failure{background:#fff;border:1px solid var(--line);border-left:4px solid var(--fail);border-radius:6px;
margin:8px 0;padding:6px 12px}details.failure.waived{border-left-color:var(--waive)}
details.failure summary{cursor:pointer;font-weight:600}details.failure summary code{font-weight:400}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:12px}@media (max-width:900px){.grid{grid-template-columns:1fr}}
.label{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin-top:8px}
svg text{font:12px system-ui,sans-serif}.legend span{margin-right:14px}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:4px;vertical-align:-1px}
"""
_COLOURS = {
    "passed": "#2e9d46",
    "failed": "#d93025",
    "waived": "#f0a500",
    "not_run": "#b8bec6",
    "known_deviation": "#7b61c4",
}


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
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>apiconform report: {e(headline)}</title><style>{_CSS}</style></head>
<body><header class="verdict {css_class}"><h1>{e(headline)}</h1>
<p>profile <b>{e(result.profile)}</b> · seed <b>{e(result.seed)}</b> · started {e(result.started_at)}
 · {result.duration_s:.1f} s</p></header>
<main>
<nav>Surfaces: {toc} · <a href="#failures">Failures</a> · <a href="#checks">Checks</a></nav>
{_cards(whole)}
<div class="panel"><h3 style="margin-top:0">Check cells per surface</h3>{_chart(result)}</div>
{"".join(surfaces)}
{_failures(result.failures, anchors)}
{_waiver_notes(result.waiver_notes)}
{_catalogue(result)}
<p class="muted small">apiconform report · report.json holds the same data (schema_version 1).</p>
</main></body></html>
"""


def _cards(t: Totals) -> str:
    cards = [
        ("", t.operations, "operations"),
        ("", t.exercised, "exercised"),
        ("bad" if t.unexercised else "", t.unexercised, "unexercised"),
        ("", t.excluded, "excluded on purpose"),
        ("", t.cases, "cases"),
        ("", t.checks["passed"], "cells passed"),
        ("bad" if t.checks["failed"] else "", t.checks["failed"], "cells failed"),
        ("warn" if t.checks["waived"] else "", t.checks["waived"], "cells waived"),
        ("bad" if t.blocking_failures else "", t.blocking_failures, "blocking failures"),
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
                f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1.5):.1f}" height="20" fill="{_COLOURS[verdict]}">'
                f"<title>{e(name)}: {n} {verdict.replace('_', ' ')}</title></rect>"
            )
            x += w
        summary = " / ".join(f"{counts[v]} {v.replace('_', ' ')}" for v in CELL_VERDICTS if counts[v])
        parts.append(f'<text x="{x + 8:.1f}" y="{y + 15}" fill="#5f6368">{e(summary or "no cells")}</text>')
    height = 16 + len(rows) * row_h
    legend = "".join(
        f'<span><i class="sw" style="background:{_COLOURS[v]}"></i>{e(v.replace("_", " "))}</span>'
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
 · {t.exercised}/{t.operations} operations exercised · {t.cases} cases · {t.unexercised} unexercised
 · {t.excluded} excluded · {t.blocking_failures} blocking failure(s)</p>
{error if surface.error is not None else ""}
{_matrix(result, name, surface, anchors)}
{_enums(surface)}</section>
"""


def _matrix(result: RunResult, name: str, surface: SurfaceResult, anchors: dict[int, str]) -> str:
    ops = list(surface.operations.values())
    if not ops:
        return '<p class="muted">No operations.</p>'
    present = {c for op in ops for c in op.checks} | {c for op in ops for c in op.not_applicable}
    checks = [c for c in check_order(result) if c in present]
    by_cell = cell_failures(result)
    head = "".join(f'<th class="check" title="{e(check_info(c)["description"])}">{e(c)}</th>' for c in checks)
    rows = []
    for op in ops:
        cells = []
        for check in checks:
            cell = op.checks.get(check)
            if cell is None:
                why = op.not_applicable.get(check)
                cells.append(
                    f'<td class="c na" title="{e(check)}: not applicable: {e(why)}">n/a</td>'
                    if why
                    else '<td class="c"></td>'
                )
                continue
            tip = f"{check}: {cell.passed} passed, {cell.failed} failed ({cell.verdict.replace('_', ' ')})"
            mark = _SYMBOL[cell.verdict]
            first = by_cell.get((name, op.label, check))
            if first:
                mark = f'<a href="#{anchors[id(first[0])]}">{mark}</a>'
            cells.append(f'<td class="c {cell.verdict}" title="{e(tip)}">{mark}</td>')
        rows.append(
            f'<tr class="{_row_class(op)}">{_op_cell(op)}<td>{op.cases}</td>'
            f'<td class="small">{e(_statuses(op.statuses))}</td>{"".join(cells)}</tr>'
        )
    legend = " ".join(f"{s} {v.replace('_', ' ')}" for v, s in _SYMBOL.items())
    return f"""<div class="scroll"><table class="matrix"><thead><tr><th>operation</th><th>cases</th>
<th>statuses</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>
<p class="muted small">{e(legend)} · empty: not scheduled for this operation · hover a cell for counts</p>"""


def _row_class(op: OperationResult) -> str:
    if op.exercised:
        return "exercised"
    return "excluded" if op.excluded is not None else "unexercised"


def _op_cell(op: OperationResult) -> str:
    badge = ""
    if not op.exercised and op.excluded is None:
        badge = '<span class="badge b-fail">not exercised</span>'
        badge += f'<div class="small">{e(op.unexercised_reason)}</div>'
    elif not op.exercised:
        badge = f'<span class="badge b-none" title="{e(op.excluded)}">excluded</span>'
        badge += f'<div class="small">{e(op.excluded)}</div>'
    return f'<td class="op" title="operationId: {e(op.operation_id)}">{e(op.label)}{badge}</td>'


def _statuses(statuses: Counter[int]) -> str:
    return " ".join(f"{status}×{count}" for status, count in sorted(statuses.items()))


def _enums(surface: SurfaceResult) -> str:
    if not surface.enum_coverage:
        return ""
    rows = []
    for enum, raw in sorted(surface.enum_coverage.items()):
        entry = enum_entry(raw)
        documented, seen = entry["documented"], entry["seen"]
        share = f"{len(set(documented) & set(seen))}/{len(documented)}"
        rows.append(
            f"<tr><td><code>{e(enum)}</code></td><td>{share}</td><td>{_values(seen)}</td>"
            f"<td>{_values(entry['unseen'])}</td><td>{_values(entry['undocumented'], 'b-fail')}</td></tr>"
        )
    return f"""<h3>Enum coverage</h3><div class="scroll"><table><thead><tr><th>enum</th><th>documented seen</th>
<th>seen</th><th>never seen</th><th>undocumented</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>"""


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
<p>{len(blocking)} blocking · {len(waived)} waived. Each holds the request, the response, the contract it broke and a
curl command to reproduce it (click a command to select it all).</p>{"".join(items)}</section>"""


def _failure(f: Failure, anchor: str, expanded: bool) -> str:
    badge = f'<span class="badge b-waive">waived: {e(f.waived_by)}</span>' if f.waived else ""
    body = [f'<div class="label">Message</div><pre>{e(f.message)}</pre>']
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
<summary><code>{e(f.surface)}</code> · <code>{e(f.operation)}</code> · <code>{e(f.check)}</code> — {e(f.title)}{badge}
</summary>{"".join(body)}</details>"""


def _headers(headers: dict[str, str]) -> str:
    return "\n".join(f"{e(k)}: {e(v)}" for k, v in headers.items())


def _body(body: str | None) -> str:
    return "" if not body else f'<div class="label">Body (excerpt)</div><pre>{e(body)}</pre>'


def _waiver_notes(notes: list[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{e(n)}</li>" for n in notes)
    return f"<section><h2>Waiver notes</h2><ul>{items}</ul></section>"


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
