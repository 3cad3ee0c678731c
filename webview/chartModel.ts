/**
 * The frontier chart as data: `buildChartModel` turns an analysis and the panel's view state
 * into series (points, colours, line and marker styles, per-point details for tooltips), text
 * labels and axis ranges. It knows nothing of the DOM or of the charting library, so it runs
 * and is tested in plain Node; the renderer only maps it onto a chart instance.
 */
import type { AnalysisResult } from '../src/core/types.ts';
import type { ChartPalette } from './theme.ts';
import type { SampleKind } from './viewState.ts';
import { formatCost, formatLambda, formatModels, formatMu, formatPercent, shadowPriceLines, thresholdDisplay } from '../src/core/format/index.ts';
import { axesFor, extend, preparePairs, type Bounds, type PreparedPair } from './chartGeometry.ts';
import {
  budgetLayer,
  comparisonLayer,
  comparisonOverlays,
  configuredLayer,
  envelopeLayer,
  heldOutEnvelopeLayer,
  hullLayer,
  pairCurvesLayer,
  recommendedLayer,
  selectedLayer,
  singlesLayer,
  switchingLayer,
  type LayerContext,
  type Overlay,
} from './chartLayers.ts';
import type { AxisModel, AxisRange, ChartModel, ChartViewState, PointMeta } from './chartTypes.ts';

export type { AxisModel, AxisRange, ChartModel, ChartPoint, ChartViewState, PointMeta, PointStyle, SeriesKind, SeriesModel, TextLabel } from './chartTypes.ts';
export { preparePairs, thinCurveIndices } from './chartGeometry.ts';

const DEFAULT_COLUMNS = 600;

/**
 * The chart of an analysis under a view state: single models as labelled points, pair curves
 * (when shown, thinned to the visible columns), the envelope as a step line with its switching
 * points, the concave hull dashed and labelled where it needs randomising, the configured
 * cascade, the recommendation for the budget, the clicked vertex and the budget line. In the
 * held-out view the envelope policies are also drawn at their held-out figures (the step line
 * stays as the in-sample reference). O(k + v + drawn pair points), plus O(total pair points)
 * the first time a result is seen.
 */
export function buildChartModel(result: AnalysisResult, view: ChartViewState, palette: ChartPalette): ChartModel {
  const log = view.xScale === 'log';
  const figures: SampleKind = view.sample === 'held-out' && result.holdout && result.holdout.length > 0 ? 'held-out' : 'in-sample';
  const pairs = view.showPairs ? preparePairs(result) : [];
  const overlays = comparisonOverlays(view, figures);
  const { x, y } = chartAxes(result, view, figures, pairs, overlays);
  const c: LayerContext = { result, view, palette, figures, log, x, y, px: (cost) => (log && !(cost > 0) ? x.min : cost), columns: view.columns ?? DEFAULT_COLUMNS };
  const pairCurves = pairCurvesLayer(c, pairs);
  const layers = [
    pairCurves,
    envelopeLayer(c),
    heldOutEnvelopeLayer(c),
    switchingLayer(c),
    hullLayer(c),
    comparisonLayer(c, overlays),
    singlesLayer(c),
    configuredLayer(c),
    recommendedLayer(c),
    selectedLayer(c),
    budgetLayer(c),
  ];
  return {
    series: layers.flatMap((l) => l.series),
    labels: layers.flatMap((l) => l.labels ?? []),
    x,
    y,
    figures,
    stats: { pairPointsIn: pairCurves.pointsIn, pairPointsDrawn: pairCurves.pointsDrawn },
  };
}

/** Axis ranges: the zoom when there is one, else everything drawn, padded. O(k + v + pairs + overlay points). */
function chartAxes(result: AnalysisResult, view: ChartViewState, figures: SampleKind, pairs: readonly PreparedPair[], overlays: readonly Overlay[]): { x: AxisModel; y: AxisRange } {
  const log = view.xScale === 'log';
  const bounds: Bounds = { xMin: Infinity, xMax: -Infinity, yMin: Infinity, yMax: -Infinity };
  let positiveX = Infinity;
  const see = (x: number, y?: number) => {
    extend(bounds, x, y);
    if (x > 0 && x < positiveX) positiveX = x;
  };
  for (const m of result.models) see(m.cost, m.quality);
  for (const v of result.envelope) see(v.cost, v.quality);
  if (result.cascade) see(result.cascade.inSample.cost, result.cascade.inSample.quality);
  if (figures === 'held-out') {
    for (const h of result.holdout ?? []) see(h.holdout.cost, h.holdout.quality);
    if (result.cascade?.holdout) see(result.cascade.holdout.cost, result.cascade.holdout.quality);
  }
  for (const p of pairs) {
    if (p.cost.length === 0) continue;
    see(p.cost[0], p.quality[0]);
    see(p.cost[p.cost.length - 1], p.quality[p.quality.length - 1]);
  }
  for (const o of overlays) for (const p of o.points) see(p.cost, p.quality);
  const padded = axesFor(bounds, positiveX, log);
  const zoom = view.zoom && (!log || view.zoom.xMin > 0) ? view.zoom : undefined;
  return {
    x: { type: view.xScale, min: zoom ? zoom.xMin : padded.x[0], max: zoom ? zoom.xMax : padded.x[1] },
    y: { min: zoom ? zoom.yMin : padded.y[0], max: zoom ? zoom.yMax : padded.y[1] },
  };
}

/** The tooltip's lines for a point: what it is, threshold, escalation, cost, quality, shadow price. */
export function tooltipLines(meta: PointMeta): string[] {
  const lines: string[] = [];
  if (meta.lines) {
    lines.push(...meta.lines);
    lines.push(`Cost: ${formatCost(meta.cost)}`);
    lines.push(`Quality: ${formatPercent(meta.quality, 2)} (${meta.figures})`);
    if (meta.note) lines.push(meta.note);
    return lines;
  }
  const policy = meta.policy;
  if (policy && policy.models.length > 1) {
    lines.push(`Pair: ${formatModels(policy)}`);
    lines.push(`Threshold: ${policy.thresholds.map((t) => thresholdDisplay(t)).join(', ')}`);
  }
  if (meta.escalationRate !== undefined) lines.push(`Escalation rate: ${formatPercent(meta.escalationRate)}`);
  lines.push(`Cost: ${formatCost(meta.cost)}`);
  lines.push(`Quality: ${formatPercent(meta.quality, 2)} (${meta.figures})`);
  const sp = meta.shadowPrice;
  if (sp) {
    // Each side in words: a missing or flat side says so instead of showing dashes.
    lines.push(...shadowPriceLines(sp));
  } else if (meta.curveSlope) {
    const s = meta.curveSlope.right ?? meta.curveSlope.left;
    lines.push(`Curve slope: ${formatLambda(s)}; ${formatMu(s !== null && s > 0 ? 1 / s : null)}`);
  }
  if (meta.latency) lines.push(`Latency: ${Math.round(meta.latency.meanMs)} ms mean, ${Math.round(meta.latency.p95Ms)} ms p95 (calibration)`);
  if (meta.note) lines.push(meta.note);
  if (meta.envelopeIndex !== undefined) lines.push('Click to select this vertex.');
  return lines;
}
