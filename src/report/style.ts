/**
 * The report's stylesheet. Colours are CSS variables named like the editor's theme variables,
 * so the panel's palette reader gives the chart the same roles and colours here; light and dark
 * follow the reader's system setting. System fonts only: the page loads nothing.
 */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --vscode-font-size: 13px;
  --vscode-editor-background: #ffffff;
  --vscode-editor-foreground: #1f1f1f;
  --vscode-descriptionForeground: #5f6368;
  --vscode-charts-foreground: #424242;
  --vscode-charts-blue: #1a73e8;
  --vscode-charts-red: #d93025;
  --vscode-charts-yellow: #b06000;
  --vscode-charts-orange: #e8710a;
  --vscode-charts-green: #188038;
  --vscode-charts-purple: #8e24aa;
  --vscode-focusBorder: #0b57d0;
  --vscode-editorHoverWidget-background: #f8f8f8;
  --vscode-editorHoverWidget-foreground: #1f1f1f;
  --vscode-editorHoverWidget-border: #c8c8c8;
  --border: #d9d9d9;
  --stripe: #f6f8fa;
  --accent-bg: #e8f0fe;
  --good: #188038;
  --bad: #c5221f;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --vscode-editor-background: #1e1e1e;
    --vscode-editor-foreground: #d4d4d4;
    --vscode-descriptionForeground: #a0a0a0;
    --vscode-charts-foreground: #cccccc;
    --vscode-charts-blue: #4daafc;
    --vscode-charts-red: #f14c4c;
    --vscode-charts-yellow: #cca700;
    --vscode-charts-orange: #e6964a;
    --vscode-charts-green: #89d185;
    --vscode-charts-purple: #c08ae0;
    --vscode-focusBorder: #4daafc;
    --vscode-editorHoverWidget-background: #252526;
    --vscode-editorHoverWidget-foreground: #d4d4d4;
    --vscode-editorHoverWidget-border: #454545;
    --border: #3c3c3c;
    --stripe: #252526;
    --accent-bg: #0e2a47;
    --good: #89d185;
    --bad: #f48771;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0;
  background: var(--vscode-editor-background);
  color: var(--vscode-editor-foreground);
  font-family: var(--vscode-font-family);
  font-size: 14px;
  line-height: 1.45;
}
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
.muted, .note { color: var(--vscode-descriptionForeground); }
.note { font-size: 12.5px; }
.lead { font-size: 15px; margin-bottom: 14px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 10px 0 0; }
dl.meta dt { color: var(--vscode-descriptionForeground); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.answer { border: 1px solid var(--border); border-left: 4px solid var(--vscode-charts-green); background: var(--accent-bg); border-radius: 6px; padding: 12px 16px; margin: 20px 0 0; }
.answer.infeasible { border-left-color: var(--bad); }
.answer.neutral { border-left-color: var(--vscode-descriptionForeground); }
.answer code { white-space: nowrap; }
.answer .policy { font-size: 17px; font-weight: 600; margin: 2px 0 6px; overflow-wrap: anywhere; }
.answer .verdict { font-weight: 600; }
.yes { color: var(--good); }
.no { color: var(--bad); }
dl.facts { display: grid; grid-template-columns: minmax(180px, max-content) 1fr; gap: 4px 18px; margin: 10px 0; }
dl.facts dt { color: var(--vscode-descriptionForeground); }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.caution { border-left: 3px solid var(--vscode-charts-orange); padding: 4px 10px; margin: 8px 0; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 22px; align-items: center; margin: 6px 0 8px; }
.controls[hidden] { display: none; }
.controls fieldset { border: 0; padding: 0; margin: 0; display: flex; gap: 10px; align-items: center; }
.controls legend { float: left; margin-right: 8px; color: var(--vscode-descriptionForeground); }
.controls label { cursor: pointer; white-space: nowrap; }
button { font: inherit; color: inherit; background: transparent; border: 1px solid var(--border); border-radius: 4px; padding: 2px 10px; cursor: pointer; }
button:hover { border-color: var(--vscode-focusBorder); }
#chart-container { position: relative; height: 520px; border: 1px solid var(--border); border-radius: 6px; padding: 6px; }
#chart-message:empty { display: none; }
#chart-message { color: var(--bad); }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; color: var(--vscode-descriptionForeground); padding: 0 0 6px; font-size: 12.5px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
th { font-weight: 600; white-space: nowrap; position: sticky; top: 0; background: var(--vscode-editor-background); }
td.num, th.num { text-align: right; white-space: nowrap; }
td.name { overflow-wrap: break-word; min-width: 12em; }
thead tr.groups th { text-align: center; font-weight: 600; color: var(--vscode-descriptionForeground); border-bottom: 0; padding-bottom: 0; }
thead tr.groups th.group { border-bottom: 1px solid var(--border); }
thead tr + tr th { top: 24px; }
tbody tr:nth-child(even) { background: var(--stripe); }
#vertex-table tbody tr { cursor: pointer; }
tr.recommended td { font-weight: 600; }
tr.recommended td:first-child { box-shadow: inset 3px 0 0 var(--vscode-charts-green); }
tr.selected td { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
tr.off-hull td.hull { color: var(--vscode-descriptionForeground); }
.tag { display: inline-block; font-size: 11px; font-weight: 600; border-radius: 3px; padding: 0 5px; margin-left: 6px; color: var(--vscode-editor-background); background: var(--vscode-charts-green); }
.per-1k { color: var(--vscode-descriptionForeground); }
ul.warnings { padding-left: 20px; font-family: var(--mono); font-size: 12.5px; }
ul.warnings li { overflow-wrap: anywhere; margin: 2px 0; }
.drift { border-left-color: var(--vscode-charts-orange); margin: 20px 0 0; }
.drift p { margin: 4px 0; overflow-wrap: anywhere; }
tr.flagged td:last-child { color: var(--bad); font-weight: 600; }
.reliability-grid { display: flex; flex-wrap: wrap; gap: 12px 16px; margin: 8px 0; }
figure.reliability { margin: 0; text-align: center; font-size: 12px; }
figure.reliability figcaption { overflow-wrap: anywhere; max-width: 150px; }
.reliability-plot .frame { fill: none; stroke: var(--border); }
.reliability-plot .diagonal { stroke: var(--vscode-descriptionForeground); stroke-dasharray: 3 3; }
.reliability-plot .tick { fill: var(--vscode-descriptionForeground); font-size: 9px; }
.reliability-plot .tick.end { text-anchor: end; }
.reliability-plot .series path { fill: none; stroke-width: 1.5; }
.reliability-plot .calibration path { stroke: var(--vscode-charts-blue); }
.reliability-plot .calibration circle { fill: var(--vscode-charts-blue); }
.reliability-plot .holdout path { stroke: var(--vscode-charts-orange); stroke-dasharray: 4 2; }
.reliability-plot .holdout circle { fill: var(--vscode-editor-background); stroke: var(--vscode-charts-orange); stroke-width: 1.5; }
footer { margin-top: 36px; padding-top: 10px; border-top: 1px solid var(--border); font-size: 12.5px; color: var(--vscode-descriptionForeground); }
@media print {
  .controls { display: none; }
  #chart-container { break-inside: avoid; height: 420px; }
  th { position: static; }
}
`;
