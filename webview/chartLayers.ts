/**
 * The layers of the frontier chart, one function each, in drawing-list order: pair curves, the
 * envelope, its held-out policies, switching points, the concave hull, the comparison's
 * families, single models, the configured cascade, the recommendation, the clicked vertex and
 * the budget line. Each takes the chart's context (data, view, palette, axes) and returns its
 * series and text labels; `buildChartModel` joins them.
 */
import type { AnalysisResult, PolicySpec } from '../src/core/types.ts';
import { lastVertexWithin } from '../src/core/envelope.ts';
import { formatModels, formatPercent, formatPolicy, verdictWord } from '../src/core/format/index.ts';
import { chainPointLines, familyOf, familyPoints, routerPointLines } from './comparison.ts';
import { COMPARISON_SERIES, type ComparisonSeriesId } from './comparisonSeries.ts';
import type { ChartPalette } from './theme.ts';
import type { SampleKind } from './viewState.ts';
import { holdoutFiguresOf, recommendForBudget } from './recommendation.ts';
import { columnRunEnds, slope, thinCurveIndices, type PreparedPair } from './chartGeometry.ts';
import { envelopeTotal, vertexAt, wholeIndex } from './envelopeIndex.ts';
import { gridRange, groupedMarkerIndices, spanRange } from '../src/core/envelopeThinning.ts';
import type { AxisModel, AxisRange, ChartPoint, ChartViewState, PointMeta, SeriesModel, TextLabel } from './chartTypes.ts';

/** What every layer draws from. */
export interface LayerContext {
  readonly result: AnalysisResult;
  readonly view: ChartViewState;
  readonly palette: ChartPalette;
  /** Which figures are shown. */
  readonly figures: SampleKind;
  readonly log: boolean;
  readonly x: AxisModel;
  readonly y: AxisRange;
  /** A cost as an x position: a free model has no place on a log axis and sits at its left end (its tooltip keeps the true cost). */
  readonly px: (cost: number) => number;
  /** Horizontal resolution curves are thinned to. */
  readonly columns: number;
}

/** A layer's series, in drawing-list order, and its text labels. */
export interface Layer {
  readonly series: readonly SeriesModel[];
  readonly labels?: readonly TextLabel[];
}

type SeriesInput = Omit<SeriesModel, 'dash' | 'showLine' | 'hitRadius' | 'inLegend' | 'pointStyle' | 'metaAt'> & Partial<SeriesModel> & { readonly meta?: readonly (PointMeta | undefined)[] };

function series(input: SeriesInput): SeriesModel {
  const { meta, ...rest } = input;
  return { dash: [], showLine: false, hitRadius: 6, inLegend: true, pointStyle: 'circle', metaAt: (i) => meta?.[i], ...rest };
}

function label(x: number, y: number, text: string, color: string, opts: Partial<TextLabel> = {}): TextLabel {
  return { x, y, text, color, dx: 7, dy: -7, align: 'left', bold: false, ...opts };
}

/** Randomised hull segments that get a text label: the longest one (the legend and the notes under the chart explain the rest). */
const MAX_RANDOMISED_LABELS = 1;

/** Pair curves (when shown), thinned to the visible columns, with one legend entry for all. */
export function pairCurvesLayer(c: LayerContext, pairs: readonly PreparedPair[]): Layer & { readonly pointsIn: number; readonly pointsDrawn: number } {
  const { palette, log, x, px, columns } = c;
  const out: SeriesModel[] = [];
  let pointsIn = 0;
  let pointsDrawn = 0;
  pairs.forEach((p, k) => {
    pointsIn += p.cost.length;
    const idx = thinCurveIndices(p.cost, x.min, x.max, columns, log);
    pointsDrawn += idx.length;
    const title = `${p.cheap} → ${p.expensive}`;
    out.push(
      series({
        id: `pair:${p.cheap}:${p.expensive}`,
        kind: 'pair',
        label: title,
        inLegend: false,
        points: idx.map((i) => ({ x: px(p.cost[i]), y: p.quality[i] })),
        metaAt: (j) => {
          const i = idx[j];
          if (i === undefined) return undefined;
          return {
            title,
            policy: { kind: 'pair', models: [p.cheap, p.expensive], thresholds: [p.threshold[i]] },
            cost: p.cost[i],
            quality: p.quality[i],
            figures: 'in-sample',
            escalationRate: p.escalationRate[i],
            curveSlope: {
              left: i > 0 ? slope(p.cost[i - 1], p.quality[i - 1], p.cost[i], p.quality[i]) : null,
              right: i < p.cost.length - 1 ? slope(p.cost[i], p.quality[i], p.cost[i + 1], p.quality[i + 1]) : null,
            },
          };
        },
        color: palette.pairs[k % palette.pairs.length],
        lineWidth: 1,
        showLine: true,
        pointRadius: 0,
        hitRadius: 4,
        order: 50,
      }),
    );
  });
  if (pairs.length > 0) {
    // One legend entry for all pair curves (the tooltip names each one).
    out.push(
      series({ id: 'pairs-legend', kind: 'pair', label: `Pair curves (${pairs.length})`, points: [], meta: [], color: palette.pairs[0], lineWidth: 1, showLine: true, pointRadius: 0, order: 51 }),
    );
  }
  return { series: out, pointsIn, pointsDrawn };
}

/** The envelope as a step function: F(B) holds each vertex's quality until the next vertex's cost; its vertices as markers. */
export function envelopeLayer(c: LayerContext): Layer {
  const { result, palette, figures, x, px, columns } = c;
  const env = result.envelope;
  const out: SeriesModel[] = [];
  if (env.length > 0) {
    // The line alone (no markers: per-point options would make Chart.js resolve options point by point).
    const points: ChartPoint[] = [];
    env.forEach((v, i) => {
      if (i > 0) points.push({ x: px(v.cost), y: env[i - 1].quality });
      points.push({ x: px(v.cost), y: v.quality });
    });
    const last = env[env.length - 1];
    if (x.max > last.cost) points.push({ x: x.max, y: last.quality });
    out.push(
      series({
        id: 'envelope',
        kind: 'envelope',
        label: figures === 'in-sample' ? 'Envelope (best pair per budget)' : 'Envelope, in-sample',
        points,
        color: palette.envelope,
        lineWidth: figures === 'in-sample' ? 3 : 1.5,
        dash: figures === 'in-sample' ? [] : [2, 3],
        showLine: true,
        pointRadius: 0,
        hitRadius: 0,
        order: 11,
      }),
    );
    // Its vertices as markers, thinned like the pair curves when there are more than the plot can show.
    const costs = env.map((v) => v.cost);
    const shown = envelopeTotal(result) > 2 * columns ? markerIndices(costs, c) : env.map((_, i) => i);
    out.push(
      series({
        id: 'envelope-vertices',
        kind: 'envelope',
        label: 'Envelope vertices',
        inLegend: false,
        points: shown.map((i) => ({ x: px(env[i].cost), y: env[i].quality })),
        metaAt: (j) => {
          const i = shown[j];
          const v = i !== undefined ? env[i] : undefined;
          if (!v || i === undefined) return undefined;
          return {
            title: formatPolicy(v.policy),
            policy: v.policy,
            cost: v.cost,
            quality: v.quality,
            figures: 'in-sample',
            escalationRate: v.escalationRate,
            shadowPrice: v.shadowPrice,
            envelopeIndex: wholeIndex(result, i),
            ...(v.latency ? { latency: v.latency } : {}),
            ...(v.onHull ? {} : { note: 'Below the concave hull: a randomised mix of its neighbours does better here.' }),
          };
        },
        color: palette.envelope,
        lineWidth: 1,
        pointRadius: figures === 'in-sample' ? 3 : 2,
        hitRadius: 7,
        order: 10,
      }),
    );
  }
  return { series: out };
}

/**
 * The envelope vertices that get a marker when there are more than two a column: over the
 * whole view (no zoom), the first and last of each run of vertices in one column of the host's
 * grid grouped to the plot's columns, which a thinned envelope always holds, so that the
 * markers are the same whether the panel holds the thinned or the whole envelope
 * (`groupedMarkerIndices`); in a zoom (drawn from the whole envelope), the first and last of
 * each run in one column of the plot. `costs` are the envelope's own (ascending, on the grid of
 * their first and last) or, `held` set, the held-out costs of its vertices (in no order, on the
 * grid of their extremes). Positions in `costs`. O(n).
 */
function markerIndices(costs: readonly number[], c: LayerContext, held = false): number[] {
  const { view, x, log, columns } = c;
  if (view.zoom) return held ? columnRunEnds(costs, x.min, x.max, columns, log) : thinCurveIndices(costs, x.min, x.max, columns, log);
  // The plot's columns over the grid's own span (the axis is wider by its padding).
  const r = held ? spanRange(costs) : gridRange(costs);
  const useLog = log && Number.isFinite(r.positiveLo) && x.min > 0;
  const share = useLog ? Math.log(r.hi / r.positiveLo) / Math.log(x.max / x.min) : (r.hi - r.lo) / (x.max - x.min);
  return groupedMarkerIndices(costs, useLog, Number.isFinite(share) && share > 0 ? columns * Math.min(1, share) : columns, r);
}

/** In the held-out view, the envelope policies at their held-out figures. */
export function heldOutEnvelopeLayer(c: LayerContext): Layer {
  const { result, palette, figures, px } = c;
  const env = result.envelope;
  const out: SeriesModel[] = [];
  if (figures === 'held-out') {
    const points: ChartPoint[] = [];
    const heldCosts: number[] = [];
    const vertexOf: number[] = [];
    env.forEach((v, i) => {
      const h = holdoutFiguresOf(result, v.policy);
      if (!h) return;
      points.push({ x: px(h.cost), y: h.quality });
      heldCosts.push(h.cost);
      vertexOf.push(i);
    });
    const metaOf = (j: number): PointMeta | undefined => {
      const i = vertexOf[j];
      const v = i !== undefined ? env[i] : undefined;
      const h = v ? holdoutFiguresOf(result, v.policy) : undefined;
      if (!v || !h) return undefined;
      return {
        title: formatPolicy(v.policy),
        policy: v.policy,
        cost: h.cost,
        quality: h.quality,
        figures: 'held-out',
        escalationRate: h.escalationRate,
        shadowPrice: v.shadowPrice,
        envelopeIndex: wholeIndex(result, i),
        ...(v.latency ? { latency: v.latency } : {}),
      };
    };
    // More vertices than the plot has columns: markers on some of them only (drawing thousands of overlapping circles is most
    // of what the panel paints at 100k queries), every point still on the line and answering the tooltip.
    const marked = envelopeTotal(result) > 2 * c.columns && vertexOf.length === env.length ? markerIndices(heldCosts, c, true) : undefined;
    out.push(
      series({
        id: 'envelope-holdout',
        kind: 'envelope-holdout',
        label: 'Envelope policies, held out',
        points,
        metaAt: metaOf,
        color: palette.envelope,
        lineWidth: 3,
        showLine: true,
        pointRadius: marked ? 0 : 3,
        ...(marked ? { hoverRadius: 5 } : {}),
        hitRadius: 7,
        order: 9,
      }),
    );
    if (marked) {
      out.push(
        series({
          id: 'envelope-holdout-vertices',
          kind: 'envelope-holdout',
          label: 'Envelope policies, held out',
          inLegend: false,
          points: marked.map((j) => points[j]),
          metaAt: (k) => metaOf(marked[k]),
          color: palette.envelope,
          lineWidth: 1,
          pointRadius: 3,
          hitRadius: 7,
          order: 9,
        }),
      );
    }
  }
  return { series: out };
}

/** Switching points: where the pair realising the envelope changes. */
export function switchingLayer(c: LayerContext): Layer {
  const { result, palette, px } = c;
  const env = result.envelope;
  const out: SeriesModel[] = [];
  if (result.switchingPoints.length > 0) {
    const points: ChartPoint[] = [];
    const meta: PointMeta[] = [];
    for (const s of result.switchingPoints) {
      const within = lastVertexWithin(env, s.budget);
      if (within < 0) continue;
      const q = env[within].quality;
      const i = env[within].cost === s.budget ? within : -1;
      points.push({ x: px(s.budget), y: q });
      meta.push({
        title: `Switch: ${formatModels(s.from)} → ${formatModels(s.to)}`,
        policy: s.to,
        cost: s.budget,
        quality: q,
        figures: 'in-sample',
        ...(i >= 0 ? { escalationRate: env[i].escalationRate, shadowPrice: env[i].shadowPrice, envelopeIndex: wholeIndex(result, i) } : {}),
        note: `From this budget on, the envelope is realised by ${formatModels(s.to)}.`,
      });
    }
    out.push(
      series({ id: 'switching', kind: 'switching', label: 'Switching points', points, meta, color: palette.switching, lineWidth: 1, pointRadius: 6, pointStyle: 'rectRot', hitRadius: 8, order: 5 }),
    );
  }
  return { series: out };
}

/** The concave hull; segments that skip envelope vertices are reachable only by randomising. Labels its longest randomised segment, above it (nothing lies above the hull). */
export function hullLayer(c: LayerContext): Layer {
  const { result, palette, log, x, y, px } = c;
  const out: SeriesModel[] = [];
  const labels: TextLabel[] = [];
  if (result.hull.length > 0) {
    const hull = result.hull;
    out.push(
      series({
        id: 'hull',
        kind: 'hull',
        label: 'Concave hull (randomised mix)',
        points: hull.map((h) => ({ x: px(h.cost), y: h.quality })),
        meta: hull.map((h) => ({
          title: `Hull vertex: ${formatPolicy(h.policy)}`,
          policy: h.policy,
          cost: h.cost,
          quality: h.quality,
          figures: 'in-sample',
          ...(h.randomizedToNext ? { note: 'Up to the next hull vertex: reachable only by randomising between the two policies.' } : {}),
        })),
        color: palette.hull,
        lineWidth: 1.5,
        dash: [6, 4],
        showLine: true,
        pointRadius: 0,
        hitRadius: 4,
        order: 20,
      }),
    );
    // Label the longest randomised segments only (in axis units), so labels do not pile up.
    const tx = (c: number) => (log ? Math.log(Math.max(c, x.min)) : c);
    const xSpan = tx(x.max) - tx(x.min) || 1;
    const ySpan = y.max - y.min || 1;
    hull
      .map((h, i) => ({ h, next: hull[i + 1] }))
      .filter((s): s is { h: (typeof hull)[number]; next: (typeof hull)[number] } => s.h.randomizedToNext && s.next !== undefined)
      .map((s) => ({ ...s, length: Math.hypot((tx(s.next.cost) - tx(s.h.cost)) / xSpan, (s.next.quality - s.h.quality) / ySpan) }))
      .sort((a, b) => b.length - a.length)
      .slice(0, MAX_RANDOMISED_LABELS)
      .forEach(({ h, next }) => {
        const mx = log && h.cost > 0 && next.cost > 0 ? Math.sqrt(h.cost * next.cost) : (h.cost + next.cost) / 2;
        labels.push(label(px(mx), (h.quality + next.quality) / 2, 'randomised mix', palette.hull, { dx: -4, dy: -8, align: 'right', optional: true }));
      });
  }
  return { series: out, labels };
}

/** The comparison's families, as step frontiers like the envelope. */
export function comparisonLayer(c: LayerContext, overlays: readonly Overlay[]): Layer {
  const { palette, figures, x, px } = c;
  const out: SeriesModel[] = [];
  for (const o of overlays) {
    const points: ChartPoint[] = [];
    const meta: (PointMeta | undefined)[] = [];
    const radius: number[] = [];
    // Dense paths (router, bound) as lines alone; their points still answer the tooltip.
    const dot = o.id === 'bound' || o.points.length > 80 ? 0 : 2.5;
    o.points.forEach((p, i) => {
      if (i > 0) {
        points.push({ x: px(p.cost), y: o.points[i - 1].quality });
        meta.push(undefined);
        radius.push(0);
      }
      points.push({ x: px(p.cost), y: p.quality });
      meta.push({
        title: `${o.title}${p.policy && o.id !== 'router' && o.id !== 'bound' && p.policy.models.length > 1 ? ` (${p.policy.models.length} stages)` : ''}`,
        cost: p.cost,
        quality: p.quality,
        figures,
        lines: o.id === 'router' || o.id === 'bound' ? routerPointLines(p) : chainPointLines(o.family, p),
        ...(o.id === 'bound' ? { note: 'An upper limit that knows every answer in advance: a bound, not a policy.' } : {}),
      });
      radius.push(dot);
    });
    const last = o.points[o.points.length - 1];
    if (last && x.max > last.cost) {
      points.push({ x: x.max, y: last.quality });
      meta.push(undefined);
      radius.push(0);
    }
    out.push(
      series({
        id: `comparison:${o.id}`,
        kind: 'comparison',
        label: `${o.label}${figures === 'held-out' ? ', held out' : ', in-sample'}`,
        points,
        meta,
        color: o.style.color(palette),
        lineWidth: o.id === 'bound' ? 1.5 : 2,
        dash: o.style.dash,
        showLine: true,
        pointRadius: radius,
        hitRadius: 5,
        order: 15,
      }),
    );
  }
  return { series: out };
}

/** Single models, labelled. */
export function singlesLayer(c: LayerContext): Layer {
  const { result, palette, px } = c;
  const env = result.envelope;
  const out: SeriesModel[] = [];
  const labels: TextLabel[] = [];
  out.push(
    series({
      id: 'singles',
      kind: 'single',
      label: 'Single models (in-sample)',
      points: result.models.map((m) => ({ x: px(m.cost), y: m.quality })),
      meta: result.models.map((m) => {
        const i = env.findIndex((v) => v.policy.models.length === 1 && v.policy.models[0] === m.name);
        return {
          title: m.name,
          policy: { kind: 'single', models: [m.name], thresholds: [] },
          cost: m.cost,
          quality: m.quality,
          figures: 'in-sample',
          ...(i >= 0 ? { shadowPrice: env[i].shadowPrice, envelopeIndex: wholeIndex(result, i) } : {}),
        };
      }),
      color: palette.single,
      lineWidth: 1,
      pointRadius: 5,
      hitRadius: 8,
      order: 4,
    }),
  );
  for (const m of result.models) labels.push(label(px(m.cost), m.quality, m.name, palette.foreground, { dx: 8, dy: 4 }));
  return { series: out, labels };
}

/** The configured cascade. */
export function configuredLayer(c: LayerContext): Layer {
  const { result, palette, figures, px } = c;
  const out: SeriesModel[] = [];
  const labels: TextLabel[] = [];
  const cascade = result.cascade;
  if (cascade) {
    const m = (figures === 'held-out' ? cascade.holdout : undefined) ?? cascade.inSample;
    const shown: SampleKind = m === cascade.inSample ? 'in-sample' : 'held-out';
    out.push(
      series({
        id: 'configured',
        kind: 'configured',
        label: 'Configured cascade',
        points: [{ x: px(m.cost), y: m.quality }],
        meta: [
          {
            title: `Configured: ${formatPolicy(cascade.policy)}`,
            policy: cascade.policy,
            cost: m.cost,
            quality: m.quality,
            figures: shown,
            escalationRate: m.escalationRate,
            shadowPrice: cascade.shadowPrice,
            note: cascade.gapToEnvelope > 0 ? `${formatPercent(cascade.gapToEnvelope, 2)} below the envelope at the same cost.` : 'On the envelope.',
          },
        ],
        color: palette.configured,
        lineWidth: 2,
        pointRadius: 8,
        pointStyle: 'triangle',
        hitRadius: 10,
        order: 2,
      }),
    );
    labels.push(label(px(m.cost), m.quality, 'configured', palette.configured, { dx: 0, dy: 20, align: 'center', bold: true }));
  }
  return { series: out, labels };
}

/** The recommendation for the budget. */
export function recommendedLayer(c: LayerContext): Layer {
  const { result, view, palette, figures, px } = c;
  const out: SeriesModel[] = [];
  const labels: TextLabel[] = [];
  const recommendation = view.budget !== undefined ? recommendForBudget(result, view.budget) : undefined;
  const holdoutOf = (policy: PolicySpec) => (figures === 'held-out' ? holdoutFiguresOf(result, policy) : undefined);
  if (recommendation?.feasible && recommendation.vertex) {
    const v = recommendation.vertex;
    const h = holdoutOf(v.policy);
    const shown = h ?? v;
    const verdict = recommendation.verdict ? `Is escalation worth it? ${verdictWord(recommendation.verdict)}` : undefined;
    out.push(
      series({
        id: 'recommended',
        kind: 'recommended',
        label: 'Recommended for the budget',
        points: [{ x: px(shown.cost), y: shown.quality }],
        meta: [
          {
            title: `Recommended: ${formatPolicy(v.policy)}`,
            policy: v.policy,
            cost: shown.cost,
            quality: shown.quality,
            figures: h ? 'held-out' : 'in-sample',
            escalationRate: shown.escalationRate,
            shadowPrice: v.shadowPrice,
            ...(recommendation.index !== undefined ? { envelopeIndex: recommendation.index } : {}),
            ...(v.latency ? { latency: v.latency } : {}),
            ...(verdict ? { note: verdict } : {}),
          },
        ],
        color: palette.recommended,
        lineWidth: 2,
        pointRadius: 11,
        pointStyle: 'star',
        hitRadius: 12,
        order: 1,
      }),
    );
    labels.push(label(px(shown.cost), shown.quality, 'recommended', palette.recommended, { dx: 0, dy: -16, align: 'center', bold: true }));
  }
  return { series: out, labels };
}

/** The clicked vertex. */
export function selectedLayer(c: LayerContext): Layer {
  const { result, view, palette, figures, px } = c;
  const out: SeriesModel[] = [];
  const holdoutOf = (policy: PolicySpec) => (figures === 'held-out' ? holdoutFiguresOf(result, policy) : undefined);
  const sel = vertexAt(result, view.selectedVertex);
  if (sel && view.selectedVertex !== undefined) {
    const shown = holdoutOf(sel.policy) ?? sel;
    out.push(
      series({
        id: 'selected',
        kind: 'selected',
        label: 'Selected vertex',
        inLegend: false,
        points: [{ x: px(shown.cost), y: shown.quality }],
        meta: [
          {
            title: `Selected: ${formatPolicy(sel.policy)}`,
            policy: sel.policy,
            cost: shown.cost,
            quality: shown.quality,
            figures: shown === sel ? 'in-sample' : 'held-out',
            escalationRate: shown.escalationRate,
            shadowPrice: sel.shadowPrice,
            envelopeIndex: view.selectedVertex,
          },
        ],
        color: palette.selected,
        lineWidth: 2,
        pointRadius: 9,
        pointStyle: 'circle',
        hitRadius: 10,
        order: 0,
      }),
    );
  }
  return { series: out };
}

/** The budget line. */
export function budgetLayer(c: LayerContext): Layer {
  const { view, palette, y, px } = c;
  const out: SeriesModel[] = [];
  if (view.budget !== undefined && Number.isFinite(view.budget)) {
    out.push(
      series({
        id: 'budget',
        kind: 'budget',
        label: 'Budget',
        points: [
          { x: px(view.budget), y: y.min },
          { x: px(view.budget), y: y.max },
        ],
        meta: [undefined, undefined],
        color: palette.budget,
        lineWidth: 1.5,
        dash: [3, 3],
        showLine: true,
        pointRadius: 0,
        hitRadius: 0,
        order: 30,
      }),
    );
  }
  return { series: out };
}

/** A comparison family the view overlays, with its points in the figures shown and its line style. */
export interface Overlay {
  readonly id: ComparisonSeriesId;
  readonly label: string;
  readonly title: string;
  readonly family: NonNullable<ReturnType<typeof familyOf>>;
  readonly points: ReturnType<typeof familyPoints>;
  readonly style: (typeof OVERLAY_STYLE)[ComparisonSeriesId];
}

const OVERLAY_STYLE: Record<ComparisonSeriesId, { readonly color: (p: ChartPalette) => string; readonly dash: readonly number[] }> = {
  fullChain: { color: (p) => p.chain, dash: [] },
  bestSubsequence: { color: (p) => p.subsequence, dash: [8, 3] },
  router: { color: (p) => p.router, dash: [] },
  bound: { color: (p) => p.bound, dash: [2, 3] },
};

/** The comparison families the view asks for, in a fixed order, with their points in the figures shown. */
export function comparisonOverlays(view: ChartViewState, figures: SampleKind): readonly Overlay[] {
  const c = view.comparison;
  if (!c || c.shown.length === 0) return [];
  const out: Overlay[] = [];
  for (const info of COMPARISON_SERIES) {
    if (!c.shown.includes(info.id)) continue;
    const family = familyOf(c.result, info.id);
    if (!family || !family.available) continue;
    // Without a holdout split the comparison's held-out points are the calibration ones again.
    const points = familyPoints(family, figures);
    if (points.length === 0) continue;
    out.push({ id: info.id, label: info.label, title: family.label, family, points, style: OVERLAY_STYLE[info.id] });
  }
  return out;
}
