/// The whole design system: tokens first, then a handful of components. Hand-written, no build step.
enum Stylesheet {
    static let css = #"""
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --surface: #ffffff; --text: #16181d; --muted: #565d6b; --border: #d6dae1;
  --accent: #0b5cad; --accent-text: #ffffff; --danger: #a4161a; --danger-bg: #fdecec; --ok: #1b6e3a; --ok-bg: #e8f5ec;
  --warn-bg: #fff4d6; --warn: #6b4a00; --focus: #f5a300;
  --space-1: 0.25rem; --space-2: 0.5rem; --space-3: 0.75rem; --space-4: 1rem; --space-5: 1.5rem; --space-6: 2rem;
  --radius: 6px;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  --step--1: 0.875rem; --step-0: 1rem; --step-1: 1.2rem; --step-2: 1.44rem; --step-3: 1.728rem;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111318; --surface: #1a1d24; --text: #e8eaef; --muted: #a6adbb; --border: #343a46;
    --accent: #6cb1ff; --accent-text: #0b1320; --danger: #ff8a8a; --danger-bg: #3a1518; --ok: #7fd69b; --ok-bg: #12301d;
    --warn-bg: #3a2e08; --warn: #ffd872;
  }
}
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: var(--step-0)/1.5 var(--font); overflow-wrap: break-word; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--surface); padding: var(--space-2); }
.skip:focus { left: var(--space-2); z-index: 10; }
header.top { background: var(--surface); border-bottom: 1px solid var(--border); }
.top-inner { max-width: 72rem; margin: 0 auto; padding: var(--space-2) var(--space-4); display: flex; flex-wrap: wrap; gap: var(--space-2) var(--space-4); align-items: center; }
.brand { font-weight: 700; text-decoration: none; color: var(--text); font-size: var(--step-1); }
.top nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: var(--space-1) var(--space-3); margin: 0; padding: 0; }
.top nav a { text-decoration: none; padding: var(--space-1) var(--space-2); border-radius: var(--radius); }
.top nav a[aria-current="page"] { background: var(--accent); color: var(--accent-text); }
.who { margin-left: auto; display: flex; flex-wrap: wrap; gap: var(--space-2) var(--space-3); align-items: center; color: var(--muted); font-size: var(--step--1); }
main { max-width: 72rem; margin: 0 auto; padding: var(--space-5) var(--space-4); }
h1 { font-size: var(--step-3); margin: 0 0 var(--space-4); line-height: 1.2; }
h2 { font-size: var(--step-2); margin: var(--space-5) 0 var(--space-3); }
.card > :first-child { margin-top: 0; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: var(--space-4); margin-bottom: var(--space-4); }
.narrow { max-width: 28rem; margin: 0 auto; }
.grid { display: grid; gap: var(--space-4); grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
.card + .grid, p.hint + .grid { margin-top: var(--space-4); }
.tile .label { color: var(--muted); font-size: var(--step--1); }
.tile .figure { font-size: var(--step-2); font-variant-numeric: tabular-nums; }
form .field { margin-bottom: var(--space-4); }
label { display: block; font-weight: 600; margin-bottom: var(--space-1); }
.hint { color: var(--muted); font-size: var(--step--1); margin: var(--space-1) 0 0; }
input, select { width: 100%; font: inherit; padding: var(--space-2); border: 1px solid var(--border); border-radius: var(--radius); background: var(--bg); color: var(--text); min-height: 2.75rem; }
input[aria-invalid="true"], select[aria-invalid="true"] { border-color: var(--danger); }
.error { color: var(--danger); font-size: var(--step--1); margin: var(--space-1) 0 0; }
.button, button { display: inline-flex; align-items: center; justify-content: center; min-height: 2.75rem; padding: var(--space-2) var(--space-4); font: inherit; font-weight: 600; border-radius: var(--radius); border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); cursor: pointer; text-decoration: none; }
.button.secondary, button.secondary { background: transparent; color: var(--accent); }
button.danger { background: transparent; color: var(--danger); border-color: var(--danger); }
button.link { background: none; border: none; color: var(--accent); padding: 0 var(--space-1); min-height: auto; text-decoration: underline; font-weight: 400; }
.actions { display: flex; flex-wrap: wrap; gap: var(--space-2); align-items: center; }
.notice { padding: var(--space-3) var(--space-4); border-radius: var(--radius); margin-bottom: var(--space-4); }
.notice.error-box { background: var(--danger-bg); color: var(--danger); }
.notice.ok { background: var(--ok-bg); color: var(--ok); }
.notice.warn { background: var(--warn-bg); color: var(--warn); }
.offline-banner { display: none; background: var(--warn-bg); color: var(--warn); text-align: center; padding: var(--space-2); font-weight: 600; }
body.offline .offline-banner { display: block; }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; background: var(--surface); }
th, td { text-align: left; padding: var(--space-2) var(--space-3); border-bottom: 1px solid var(--border); vertical-align: top; }
th { font-size: var(--step--1); color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td code, .mono { font-family: var(--mono); font-size: var(--step--1); }
.filters { display: grid; gap: var(--space-3); grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); align-items: end; }
.filters .field { margin: 0; }
.pager { display: flex; justify-content: space-between; margin-top: var(--space-3); }
.inline-form { display: inline-flex; gap: var(--space-2); align-items: center; flex-wrap: wrap; }
.inline-form select { width: auto; min-width: 9rem; }
dialog { border: 1px solid var(--border); border-radius: var(--radius); background: var(--surface); color: var(--text); max-width: 32rem; width: calc(100% - 2rem); }
dialog::backdrop { background: rgb(0 0 0 / 0.5); }
kbd { font-family: var(--mono); border: 1px solid var(--border); border-bottom-width: 2px; border-radius: 4px; padding: 0 var(--space-1); }
dl.shortcuts { display: grid; grid-template-columns: max-content 1fr; gap: var(--space-2) var(--space-4); }
dl.shortcuts dd { margin: 0; }
.depth-1 { padding-left: 1.5rem; } .depth-2 { padding-left: 2.5rem; } .depth-3 { padding-left: 3.5rem; }
.depth-4, .depth-5, .depth-6 { padding-left: 4.5rem; }
tr.group th { text-align: left; font-weight: 700; color: var(--text); }
tr.total th, tr.total td { font-weight: 700; border-top: 2px solid var(--text); }
.report-nav { margin-bottom: var(--space-4); }
.report-nav a[aria-current="page"] { font-weight: 700; text-decoration: none; }
fieldset.line { border: none; padding: 0; margin: 0; display: grid; grid-template-columns: 5rem 1fr 10rem; gap: var(--space-3); }
fieldset.line .field { margin-bottom: var(--space-2); }
.bill-fields { grid-column: 1 / -1; display: grid; grid-template-columns: 9rem 1fr 10rem; gap: var(--space-3); padding-left: 5rem; }
.bill-fields[hidden] { display: none; }
.field.check { display: flex; gap: var(--space-2); align-items: center; }
fieldset.invoice-line { border: none; padding: 0; margin: 0; display: grid; grid-template-columns: 1fr 7rem 8rem 8rem; gap: var(--space-3); }
.invoice .party p { margin: 0; }
dl.totals { display: grid; grid-template-columns: auto 10rem; gap: var(--space-1) var(--space-4); justify-content: end; text-align: right; }
dl.totals dd { margin: 0; font-variant-numeric: tabular-nums; }
.signature { margin-top: var(--space-6, 2rem); text-align: right; }
@media print {
  header.top, footer, .offline-banner, .no-print, .skip, dialog { display: none !important; }
  body, main { background: #fff; color: #000; padding: 0; }
  .card { border: none; box-shadow: none; }
}
.field.check input { width: auto; min-height: auto; }
.difference { font-weight: 700; font-variant-numeric: tabular-nums; }
.difference.balanced { color: var(--ok); }
footer { max-width: 72rem; margin: 0 auto; padding: var(--space-4); color: var(--muted); font-size: var(--step--1); }
@media (max-width: 40rem) {
  main { padding: var(--space-4) var(--space-3); }
  .who { margin-left: 0; width: 100%; }
  th, td { padding: var(--space-2); }
  fieldset.line { grid-template-columns: 4.5rem 1fr; }
  fieldset.line > div.field:nth-of-type(3) { grid-column: 1 / -1; }
  .bill-fields { grid-template-columns: 1fr 1fr; padding-left: 0; }
  fieldset.invoice-line { grid-template-columns: 1fr 1fr; }
  fieldset.invoice-line > div.field:first-of-type { grid-column: 1 / -1; }
  .bill-fields .field:last-child { grid-column: 1 / -1; }
  table.stack thead { position: absolute; left: -9999px; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
  table.stack tr { border-bottom: 1px solid var(--border); padding: var(--space-2) 0; }
  table.stack td { border: none; padding: var(--space-1) var(--space-3); text-align: left; white-space: normal; }
  table.stack td::before { content: attr(data-label); display: block; font-size: var(--step--1); color: var(--muted); font-weight: 600; }
}
"""#
}
