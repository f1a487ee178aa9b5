"""The stylesheet of `report.html`, inlined into the page (the page loads nothing).

The matrix box scrolls both ways inside the page, so its header row and operation column can be sticky: a sticky
cell sticks to its nearest scrolling ancestor, and a wide table needs one for its horizontal overflow anyway. The
view filters are radio buttons placed before the sections they filter (CSS can only look at later siblings), so
they work without a script, which the page's Content-Security-Policy forbids.
"""

from __future__ import annotations

COLOURS = {
    "passed": "#2e9d46",
    "failed": "#d93025",
    "waived": "#f0a500",
    "not_run": "#b8bec6",
    "known_deviation": "#7b61c4",
}
VIEWS = ("all", "failed", "unexercised")  # radio ids view-<name>, in the order the filter bar shows them

_FILTERS = "".join(
    f"#view-{v}:checked~.filters label[for=view-{v}]{{background:#1f2328;color:#fff;border-color:#1f2328}}"
    f"#view-{v}:focus-visible~.filters label[for=view-{v}]{{outline:2px solid #0b57d0;outline-offset:2px}}"
    for v in VIEWS
)

CSS = (
    """
:root{--pass:#1e7d32;--pass-bg:#e3f4e6;--fail:#b3261e;--fail-bg:#fde8e6;--waive:#8a5a00;--waive-bg:#fff1d6;
--none:#5f6368;--none-bg:#eef0f2;--line:#d6d9dd;--muted:#5f6368;--head:#f0f2f4}
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
.terms dt{font-weight:600;margin-top:6px}.terms dd{margin:0 0 0 16px}
.scroll{overflow-x:auto}table{border-collapse:collapse;background:#fff}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600}
.matrix-box{max-height:calc(100vh - 24px);overflow:auto;width:fit-content;max-width:100%;margin:8px 0;
border:1px solid var(--line);background:#fff}
table.matrix{border-collapse:separate;border-spacing:0}
table.matrix th,table.matrix td{border-width:0 1px 1px 0}
table.matrix thead th{position:sticky;top:0;z-index:2;background:var(--head);vertical-align:bottom}
table.matrix .op{position:sticky;left:0;z-index:1;background:#fff}
table.matrix thead th.op{z-index:3;background:var(--head)}
table.matrix th.check{padding:8px 4px;font-weight:500;font-size:12px}
table.matrix th.check span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;display:inline-block}
table.matrix td.c{text-align:center;font-weight:700;min-width:26px;padding:4px 2px}
td.passed{background:var(--pass-bg);color:var(--pass)}td.failed{background:var(--fail-bg);color:var(--fail)}
td.waived{background:var(--waive-bg);color:var(--waive)}td.not_run{background:var(--none-bg);color:var(--none)}
td.na{color:var(--muted);font-size:.75em}td.known_deviation{background:#efeafb;color:#7b61c4}
td.c a{color:inherit;text-decoration:none;display:block}
table.matrix tr.unexercised td.op{background:var(--fail-bg);box-shadow:inset 4px 0 var(--fail)}
tr.excluded td{color:var(--muted)}table.matrix tr.excluded td.op{box-shadow:inset 4px 0 var(--none)}
td.op{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
input.view{position:absolute;opacity:0;width:1px;height:1px;margin:0}
.filters{margin:12px 0}.filters label{display:inline-block;border:1px solid var(--line);border-radius:14px;
padding:2px 12px;margin:0 6px 4px 0;cursor:pointer;background:#fff}
#view-failed:checked~section tr.op-row:not(.has-failed),#view-unexercised:checked~section tr.op-row:not(.unexercised),
.only-failed,.only-unexercised{display:none}
#view-failed:checked~section .only-failed,#view-unexercised:checked~section .only-unexercised{display:block}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:11.5px;font-weight:600;margin-left:6px;
font-family:system-ui,sans-serif}
.b-fail{background:var(--fail);color:#fff}.b-waive{background:var(--waive-bg);color:var(--waive)}
.b-none{background:var(--none-bg);color:var(--none)}.b-pass{background:var(--pass-bg);color:var(--pass)}
.muted{color:var(--muted)}.small{font-size:12px}.err{border-left:4px solid var(--fail)}
code.cmd{background:#1f2328;color:#f0f3f6;padding:2px 6px;border-radius:4px;user-select:all}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:4px 0 10px;
white-space:pre-wrap;word-break:break-word;max-height:320px;overflow:auto;font-size:12.5px}
pre.curl{background:#1f2328;color:#f0f3f6;user-select:all}
details.failure{background:#fff;border:1px solid var(--line);border-left:4px solid var(--fail);border-radius:6px;
margin:8px 0;padding:6px 12px}details.failure.waived{border-left-color:var(--waive)}
details.failure summary{cursor:pointer;font-weight:600}details.failure summary code{font-weight:400}
details.na{margin:8px 0}details.na summary{cursor:pointer;color:var(--muted)}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:12px}@media (max-width:900px){.grid{grid-template-columns:1fr}}
.label{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin-top:8px}
svg text{font:12px system-ui,sans-serif}.legend span{margin-right:14px}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:4px;vertical-align:-1px}
"""
    + _FILTERS
)
