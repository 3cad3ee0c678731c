/**
 * Entry of the frontier webview (bundled to dist/webview.js, loaded by nonce).
 *
 * Stable hooks for end-to-end tests (keep them when changing the markup):
 * - `#frontier-root`: `data-key` (analysis key), `data-status` (`waiting` | `idle` | `computing` | `error`),
 *   `data-computed-at` (ms since epoch of the shown result), `data-x-scale` (`linear` | `log`),
 *   `data-show-pairs` (`true` | `false`), `data-figures` (`in-sample` | `held-out`); for the editor benchmark,
 *   `data-result-received-at` (ms since epoch the last snapshot carrying a result reached the page) and
 *   `data-result-ms` (how long the page took to take it in and redraw, ms).
 * - `#chart-container`: `data-theme-kind` (`light` | `dark` | `high-contrast` | `high-contrast-light`),
 *   `data-grid-color`, `data-foreground-color`, `data-envelope-color`, `data-background-color` (the chart's
 *   colours as read from the theme), `data-label-colors` (the colours of the text labels on the plot, `;`-separated), `data-render-ms` (last chart update, ms), `data-render-count`,
 *   `data-chart-instance` (Chart.js instance id: unchanged across updates), `data-pair-points` and
 *   `data-pair-points-drawn` (pair-curve points before and after thinning).
 * - `canvas#frontier-chart`: the chart.
 * - `table#vertex-table`: one `tbody tr` per envelope vertex, cost ascending, with `data-index`, `data-models`
 *   (comma-separated, cheap first), `data-threshold` (`''` for a single model, `Infinity` for always-escalate),
 *   `data-cost`, `data-quality`, `data-escalation-rate` (calibration figures, full precision) and
 *   `data-holdout-cost`, `data-holdout-quality` (when held out); text shows $/query, $ per 1k queries and %.
 *   Classes `recommended` and `selected` mark rows; clicking a row selects its vertex. The table carries
 *   `data-vertex-count`, `data-rows-shown` and `data-vertices-held`: above 300 vertices only the cheapest 300 rows
 *   are drawn until `#show-all-vertices` is clicked; a large envelope arrives thinned (`data-vertices-held` of
 *   `data-vertex-count`), and "Show all" brings the rest. `data-index` is always the vertex's index in the whole envelope.
 * - `#recommendation`: `data-budget`, `data-feasible`, `data-index`, `data-models`, `data-threshold`,
 *   `data-escalation-rate`, `data-cost`, `data-quality`, `data-holdout-cost`, `data-holdout-quality`, `data-gain`.
 * - `#vertex-action` (shown when a vertex is selected): `data-index`, `data-models`, `data-threshold`;
 *   buttons `#apply-policy` and `#clear-selection`; outcome text in `#action-message`.
 * - Controls: `#analysis-select`, `#x-scale-linear`, `#x-scale-log`, `#toggle-pairs`, `#sample-in`,
 *   `#sample-held-out`, `#budget-slider` (0..1000, log scale; `data-budget`), `#budget-input`, `#save-budget`
 *   (outcome in `#budget-message`), `#reset-zoom`.
 * - `#status` (`data-status`), `#problem-count` (`data-errors`, `data-warnings`), `#file-table`, `#warning-list`.
 * - Held-out comparison: `#frontier-root` also carries `data-comparison-status` (`computing` | `ready` |
 *   `unavailable`) and `data-comparison-series` (comma-separated families overlaid). Toggles `#toggle-fullChain`,
 *   `#toggle-bestSubsequence`, `#toggle-router`, `#toggle-bound` (off by default; disabled when the family is
 *   unavailable, the reason in `title`); chart series ids `comparison:<family>`. `#comparison` holds
 *   `#comparison-status` (`data-status`) while computing or unavailable, `table#comparison-table` with one
 *   `tbody tr` per family (`data-family`: `singles`, `envelope`, `fullChain`, `bestSubsequence`, `router`,
 *   `bound`, then `bestCascade`; `data-available`; `data-area`, `data-area-low`, `data-area-high`,
 *   `data-vs-envelope` exact held-out figures) and `#comparison-verdicts` (`li[data-verdict][data-answer]`).
 * - Confidence signals: `#drift` (shown before `#recommendation` when the calibration split does not look like
 *   the holdout; one `p.drift-warning` per warning); `#signals-section` with `table#signal-table`, one `tbody tr`
 *   per model (`data-model`, `data-auroc`, `data-auroc-holdout`, `data-calibration-error` full precision, absent
 *   when undefined; `data-bins` reliability bins on calibration; `data-flags` `weak` and/or `degenerate`), and one
 *   `figure.reliability[data-model]` per model whose confidence is a probability or log-probability (an SVG with a
 *   `circle` per bin, calibration then holdout).
 */
import { acquireHostApi } from './hostApi.ts';
import { FrontierApp } from './app.ts';

const mount = document.getElementById('app');
if (mount) {
  const app = new FrontierApp(mount, acquireHostApi());
  window.addEventListener('unload', () => app.dispose());
}
