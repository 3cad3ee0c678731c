/**
 * The frontier chart as data: `buildChartModel` turns an analysis and the panel's view state
 * into series (points, colours, line and marker styles, per-point details for tooltips), text
 * labels and axis ranges. It knows nothing of the DOM or of the charting library, so it runs
 * and is tested in plain Node; the renderer only maps it onto a chart instance.
 */
import type { AnalysisResult, PolicySpec, ShadowPrice } from '../src/core/types.ts';
import type { ComparisonResult } from '../src/core/compare/types.ts';
import { chainPointLines, COMPARISON_SERIES, familyOf, familyPoints, routerPointLines, type ComparisonSeriesId } from './comparison.ts';
import type { ChartPalette } from './theme.ts';
import type { SampleKind, XScaleKind, Zoom } from './viewState.ts';
import { lastVertexWithin } from '../src/core/envelope.ts';
import { holdoutFiguresOf, recommendForBudget } from './recommendation.ts';
import { formatCost, formatLambda, formatModels, formatMu, formatPercent, formatPolicy, thresholdDisplay } from '../src/core/format/index.ts';

export interface ChartViewState {
  readonly xScale: XScaleKind;
  readonly showPairs: boolean;
  readonly sample: SampleKind;
  /** Dollars per query; draws the budget line and the recommended point. */
  readonly budget?: number;
  readonly zoom?: Zoom;
  /** Envelope vertex the user clicked. */
  readonly selectedVertex?: number;
  /** Horizontal resolution pair curves are thinned to (about the plot's width in pixels). */
  readonly columns?: number;
  /** The held-out comparison and which of its families to overlay (none by default). */
  readonly comparison?: { readonly result: ComparisonResult; readonly shown: readonly ComparisonSeriesId[] };
}

export type SeriesKind = 'pair' | 'single' | 'envelope' | 'envelope-holdout' | 'switching' | 'hull' | 'configured' | 'recommended' | 'selected' | 'budget' | 'comparison';

export type PointStyle = 'circle' | 'crossRot' | 'rect' | 'rectRot' | 'star' | 'triangle';

/** What a tooltip says about one point. */
export interface PointMeta {
  readonly title: string;
  readonly policy?: PolicySpec;
  readonly cost: number;
  readonly quality: number;
  /** Which figures `cost` and `quality` are. */
  readonly figures: SampleKind;
  readonly escalationRate?: number;
  /** Hull slopes at the point (envelope vertices). */
  readonly shadowPrice?: ShadowPrice;
  /** Slopes of the pair's own Pareto curve to its neighbours (quality per dollar per query). */
  readonly curveSlope?: { readonly left: number | null; readonly right: number | null };
  /** Index of the envelope vertex, for points that stand for one (clickable). */
  readonly envelopeIndex?: number;
  readonly note?: string;
  /** Lines that describe the policy instead of the pair and threshold lines (chains, router, bound). */
  readonly lines?: readonly string[];
}

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface SeriesModel {
  readonly id: string;
  readonly kind: SeriesKind;
  readonly label: string;
  readonly inLegend: boolean;
  readonly points: readonly ChartPoint[];
  /**
   * Details of point `index` (undefined for points that only shape a line, like step corners).
   * Computed on demand: a large analysis has tens of thousands of drawn points and a tooltip
   * needs one.
   */
  readonly metaAt: (index: number) => PointMeta | undefined;
  readonly color: string;
  readonly lineWidth: number;
  readonly dash: readonly number[];
  readonly showLine: boolean;
  readonly pointRadius: number | readonly number[];
  readonly pointStyle: PointStyle;
  /** Pixels around a point that still count as hovering it. */
  readonly hitRadius: number;
  /** Drawing order: lower is drawn on top. */
  readonly order: number;
}

export interface TextLabel {
  readonly x: number;
  readonly y: number;
  readonly text: string;
  readonly color: string;
  /** Offset in pixels from the point. */
  readonly dx: number;
  readonly dy: number;
  readonly align: 'left' | 'right' | 'center';
  readonly bold: boolean;
}

export interface AxisModel {
  readonly type: XScaleKind;
  readonly min: number;
  readonly max: number;
}

export interface ChartModel {
  readonly series: readonly SeriesModel[];
  readonly labels: readonly TextLabel[];
  readonly x: AxisModel;
  readonly y: { readonly min: number; readonly max: number };
  /** Which figures are shown (held-out only when the analysis has a holdout split). */
  readonly figures: SampleKind;
  readonly stats: { readonly pairPointsIn: number; readonly pairPointsDrawn: number };
}

/** A pair curve ready for drawing: its Pareto points, cost ascending, in typed arrays. */
interface PreparedPair {
  readonly cheap: string;
  readonly expensive: string;
  readonly cost: Float64Array;
  readonly quality: Float64Array;
  readonly threshold: (number | null)[];
  readonly escalationRate: Float64Array;
}

const preparedCache = new WeakMap<AnalysisResult, readonly PreparedPair[]>();

/**
 * Each pair curve's points sorted by cost (ties: higher quality first) and reduced to the
 * Pareto set (quality strictly rising with cost). Cached per result object, as the chart is
 * rebuilt on every zoom and budget move. O(total points) when already sorted.
 */
export function preparePairs(result: AnalysisResult): readonly PreparedPair[] {
  const cached = preparedCache.get(result);
  if (cached) return cached;
  const prepared = result.pairs.map((pair): PreparedPair => {
    let pts = pair.points;
    let sorted = true;
    for (let i = 1; i < pts.length && sorted; i++) sorted = pts[i - 1].cost <= pts[i].cost;
    if (!sorted) pts = [...pts].sort((a, b) => a.cost - b.cost || b.quality - a.quality);
    const keep: number[] = [];
    let best = -Infinity;
    for (let i = 0; i < pts.length; i++) {
      if (!(pts[i].quality > best)) continue;
      while (keep.length > 0 && pts[keep[keep.length - 1]].cost === pts[i].cost) keep.pop();
      keep.push(i);
      best = pts[i].quality;
    }
    return {
      cheap: pair.cheap,
      expensive: pair.expensive,
      cost: Float64Array.from(keep, (i) => pts[i].cost),
      quality: Float64Array.from(keep, (i) => pts[i].quality),
      threshold: keep.map((i) => pts[i].threshold),
      escalationRate: Float64Array.from(keep, (i) => pts[i].escalationRate),
    };
  });
  preparedCache.set(result, prepared);
  return prepared;
}

/** First index with x[i] >= v in an ascending array (n when none). O(log n). */
function lowerBound(x: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Indices of an ascending curve worth drawing at `columns` horizontal resolution between
 * `xMin` and `xMax`: in each column the first and the last point (so vertical runs keep their
 * extent), plus one point beyond each end so the line leaves the plot instead of stopping at
 * its edge. At most 2 * columns + 2 indices. O(log n + points in range).
 */
export function thinCurveIndices(x: ArrayLike<number>, xMin: number, xMax: number, columns: number, log: boolean): number[] {
  const n = x.length;
  if (n === 0 || !(xMax > xMin)) return [];
  const start = Math.max(0, lowerBound(x, xMin) - 1);
  const end = Math.min(n - 1, lowerBound(x, xMax));
  const floor = log ? xMin : -Infinity;
  const tx = log ? (v: number) => Math.log(Math.max(v, floor)) : (v: number) => v;
  const a = tx(xMin);
  const scale = Math.max(1, columns) / (tx(xMax) - a);
  const out: number[] = [];
  let column = NaN;
  let previous = -1;
  for (let i = start; i <= end; i++) {
    const c = Math.floor((tx(x[i]) - a) * scale);
    if (c !== column) {
      if (previous >= 0 && out[out.length - 1] !== previous) out.push(previous);
      out.push(i);
      column = c;
    }
    previous = i;
  }
  if (previous >= 0 && out[out.length - 1] !== previous) out.push(previous);
  return out;
}

function slope(c0: number, q0: number, c1: number, q1: number): number | null {
  return c1 > c0 ? (q1 - q0) / (c1 - c0) : null;
}

interface Bounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

function extend(b: Bounds, x: number, y?: number): void {
  if (Number.isFinite(x)) {
    if (x < b.xMin) b.xMin = x;
    if (x > b.xMax) b.xMax = x;
  }
  if (y !== undefined && Number.isFinite(y)) {
    if (y < b.yMin) b.yMin = y;
    if (y > b.yMax) b.yMax = y;
  }
}

/** A round step (1, 2 or 5 times a power of ten) giving about eight ticks over `span`. */
function niceStep(span: number): number {
  const raw = span / 8;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

/** Padded axis ranges around the data; on a log axis only positive costs count. */
function axesFor(b: Bounds, positiveX: number, log: boolean): { x: [number, number]; y: [number, number] } {
  let xMin = log ? positiveX : b.xMin;
  let xMax = b.xMax;
  if (!Number.isFinite(xMin) || !Number.isFinite(xMax)) [xMin, xMax] = log ? [1e-6, 1] : [0, 1];
  if (log) {
    if (!(xMax > xMin)) [xMin, xMax] = [xMin / 2, xMin * 2];
    const pad = Math.pow(xMax / xMin, 0.06);
    [xMin, xMax] = [xMin / pad, xMax * pad];
  } else {
    const span = xMax - xMin || Math.abs(xMax) || 1;
    [xMin, xMax] = [Math.max(0, xMin - span * 0.06), xMax + span * 0.06];
  }
  let yMin = b.yMin;
  let yMax = b.yMax;
  if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) [yMin, yMax] = [0, 1];
  const ySpan = yMax - yMin || 0.1;
  const step = niceStep(ySpan * 1.16);
  yMin = Math.max(0, Math.floor((yMin - ySpan * 0.04) / step) * step);
  yMax = Math.min(1, Math.ceil((yMax + ySpan * 0.06) / step) * step);
  return { x: [xMin, xMax], y: [Number(yMin.toFixed(10)), Number(yMax.toFixed(10))] };
}

type SeriesInput = Omit<SeriesModel, 'dash' | 'showLine' | 'hitRadius' | 'inLegend' | 'pointStyle' | 'metaAt'> &
  Partial<SeriesModel> & { readonly meta?: readonly (PointMeta | undefined)[] };

function series(input: SeriesInput): SeriesModel {
  const { meta, ...rest } = input;
  return { dash: [], showLine: false, hitRadius: 6, inLegend: true, pointStyle: 'circle', metaAt: (i) => meta?.[i], ...rest };
}

function label(x: number, y: number, text: string, color: string, opts: Partial<TextLabel> = {}): TextLabel {
  return { x, y, text, color, dx: 7, dy: -7, align: 'left', bold: false, ...opts };
}

const DEFAULT_COLUMNS = 600;
/** Randomised hull segments that get a text label (the legend explains the rest). */
const MAX_RANDOMISED_LABELS = 2;

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
  const recommendation = view.budget !== undefined ? recommendForBudget(result, view.budget) : undefined;
  const holdoutOf = (policy: PolicySpec) => (figures === 'held-out' ? holdoutFiguresOf(result, policy) : undefined);

  // Axis ranges: the zoom when there is one, else the data padded.
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
  const overlays = comparisonOverlays(view, figures);
  for (const o of overlays) for (const p of o.points) see(p.cost, p.quality);
  const padded = axesFor(bounds, positiveX, log);
  const zoom = view.zoom && (!log || view.zoom.xMin > 0) ? view.zoom : undefined;
  const x: AxisModel = { type: view.xScale, min: zoom ? zoom.xMin : padded.x[0], max: zoom ? zoom.xMax : padded.x[1] };
  const y = { min: zoom ? zoom.yMin : padded.y[0], max: zoom ? zoom.yMax : padded.y[1] };
  // A free model has no place on a log axis: it is drawn at the axis's left end (its tooltip keeps the true cost).
  const px = (cost: number) => (log && !(cost > 0) ? x.min : cost);

  const out: SeriesModel[] = [];
  const labels: TextLabel[] = [];

  // Pair curves, thinned.
  let pairPointsIn = 0;
  let pairPointsDrawn = 0;
  const columns = view.columns ?? DEFAULT_COLUMNS;
  pairs.forEach((p, k) => {
    pairPointsIn += p.cost.length;
    const idx = thinCurveIndices(p.cost, x.min, x.max, columns, log);
    pairPointsDrawn += idx.length;
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
    out.push(series({ id: 'pairs-legend', kind: 'pair', label: `Pair curves (${pairs.length})`, points: [], meta: [], color: palette.pairs[0], lineWidth: 1, showLine: true, pointRadius: 0, order: 51 }));
  }

  // The envelope as a step function: F(B) holds each vertex's quality until the next vertex's cost.
  const env = result.envelope;
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
    const shown = env.length > 2 * columns ? thinCurveIndices(costs, x.min, x.max, columns, log) : env.map((_, i) => i);
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
            envelopeIndex: i,
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

  if (figures === 'held-out') {
    const points: ChartPoint[] = [];
    const vertexOf: number[] = [];
    env.forEach((v, i) => {
      const h = holdoutFiguresOf(result, v.policy);
      if (!h) return;
      points.push({ x: px(h.cost), y: h.quality });
      vertexOf.push(i);
    });
    const metaAt = (j: number): PointMeta | undefined => {
      const i = vertexOf[j];
      const v = i !== undefined ? env[i] : undefined;
      const h = v ? holdoutFiguresOf(result, v.policy) : undefined;
      if (!v || !h) return undefined;
      return { title: formatPolicy(v.policy), policy: v.policy, cost: h.cost, quality: h.quality, figures: 'held-out', escalationRate: h.escalationRate, shadowPrice: v.shadowPrice, envelopeIndex: i };
    };
    out.push(
      series({ id: 'envelope-holdout', kind: 'envelope-holdout', label: 'Envelope policies, held out', points, metaAt, color: palette.envelope, lineWidth: 3, showLine: true, pointRadius: 3, hitRadius: 7, order: 9 }),
    );
  }

  // Switching points: where the pair realising the envelope changes.
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
        ...(i >= 0 ? { escalationRate: env[i].escalationRate, shadowPrice: env[i].shadowPrice, envelopeIndex: i } : {}),
        note: `From this budget on, the envelope is realised by ${formatModels(s.to)}.`,
      });
    }
    out.push(series({ id: 'switching', kind: 'switching', label: 'Switching points', points, meta, color: palette.switching, lineWidth: 1, pointRadius: 6, pointStyle: 'rectRot', hitRadius: 8, order: 5 }));
  }

  // The concave hull; segments that skip envelope vertices are reachable only by randomising.
  if (result.hull.length > 0) {
    const hull = result.hull;
    out.push(
      series({
        id: 'hull',
        kind: 'hull',
        label: 'Concave hull (randomised mix between vertices)',
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
        labels.push(label(px(mx), (h.quality + next.quality) / 2, 'randomised mix', palette.hull, { dx: -4, dy: -8, align: 'right' }));
      });
  }

  // The comparison's families, as step frontiers like the envelope.
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

  // Single models, labelled.
  out.push(
    series({
      id: 'singles',
      kind: 'single',
      label: 'Single models (in-sample)',
      points: result.models.map((m) => ({ x: px(m.cost), y: m.quality })),
      meta: result.models.map((m) => {
        const i = env.findIndex((v) => v.policy.models.length === 1 && v.policy.models[0] === m.name);
        return { title: m.name, policy: { kind: 'single', models: [m.name], thresholds: [] }, cost: m.cost, quality: m.quality, figures: 'in-sample', ...(i >= 0 ? { shadowPrice: env[i].shadowPrice, envelopeIndex: i } : {}) };
      }),
      color: palette.single,
      lineWidth: 1,
      pointRadius: 5,
      hitRadius: 8,
      order: 4,
    }),
  );
  for (const m of result.models) labels.push(label(px(m.cost), m.quality, m.name, palette.foreground, { dx: 8, dy: 4 }));

  // The configured cascade.
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
        meta: [{ title: `Configured: ${formatPolicy(cascade.policy)}`, policy: cascade.policy, cost: m.cost, quality: m.quality, figures: shown, escalationRate: m.escalationRate, shadowPrice: cascade.shadowPrice, note: cascade.gapToEnvelope > 0 ? `${formatPercent(cascade.gapToEnvelope, 2)} below the envelope at the same cost.` : 'On the envelope.' }],
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

  // The recommendation for the budget.
  if (recommendation?.feasible && recommendation.vertex && recommendation.index !== undefined) {
    const v = recommendation.vertex;
    const h = holdoutOf(v.policy);
    const shown = h ?? v;
    out.push(
      series({
        id: 'recommended',
        kind: 'recommended',
        label: 'Recommended for the budget',
        points: [{ x: px(shown.cost), y: shown.quality }],
        meta: [{ title: `Recommended: ${formatPolicy(v.policy)}`, policy: v.policy, cost: shown.cost, quality: shown.quality, figures: h ? 'held-out' : 'in-sample', escalationRate: shown.escalationRate, shadowPrice: v.shadowPrice, envelopeIndex: recommendation.index }],
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

  // The clicked vertex.
  const sel = view.selectedVertex !== undefined ? env[view.selectedVertex] : undefined;
  if (sel && view.selectedVertex !== undefined) {
    const shown = holdoutOf(sel.policy) ?? sel;
    out.push(
      series({
        id: 'selected',
        kind: 'selected',
        label: 'Selected vertex',
        inLegend: false,
        points: [{ x: px(shown.cost), y: shown.quality }],
        meta: [{ title: `Selected: ${formatPolicy(sel.policy)}`, policy: sel.policy, cost: shown.cost, quality: shown.quality, figures: shown === sel ? 'in-sample' : 'held-out', escalationRate: shown.escalationRate, shadowPrice: sel.shadowPrice, envelopeIndex: view.selectedVertex }],
        color: palette.selected,
        lineWidth: 2,
        pointRadius: 9,
        pointStyle: 'circle',
        hitRadius: 10,
        order: 0,
      }),
    );
  }

  // The budget line.
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

  return { series: out, labels, x, y, figures, stats: { pairPointsIn, pairPointsDrawn } };
}

interface Overlay {
  readonly id: ComparisonSeriesId;
  readonly label: string;
  readonly title: string;
  readonly family: NonNullable<ReturnType<typeof familyOf>>;
  readonly points: ReturnType<typeof familyPoints>;
  readonly color: string;
  readonly dash: readonly number[];
}

const OVERLAY_STYLE: Record<ComparisonSeriesId, { readonly color: (p: ChartPalette) => string; readonly dash: readonly number[] }> = {
  fullChain: { color: (p) => p.chain, dash: [] },
  bestSubsequence: { color: (p) => p.subsequence, dash: [8, 3] },
  router: { color: (p) => p.router, dash: [] },
  bound: { color: (p) => p.bound, dash: [2, 3] },
};

/** The comparison families the view asks for, in a fixed order, with their points in the figures shown. */
function comparisonOverlays(view: ChartViewState, figures: SampleKind): readonly (Omit<Overlay, 'color' | 'dash'> & { style: (typeof OVERLAY_STYLE)[ComparisonSeriesId] })[] {
  const c = view.comparison;
  if (!c || c.shown.length === 0) return [];
  const out = [];
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
    const same = sp.lambdaLeft === sp.lambdaRight;
    if (same) lines.push(`Shadow price: ${formatLambda(sp.lambdaRight)}; ${formatMu(sp.muRight)}`);
    else {
      lines.push(`Shadow price left: ${formatLambda(sp.lambdaLeft)}; ${formatMu(sp.muLeft)}`);
      lines.push(`Shadow price right: ${formatLambda(sp.lambdaRight)}; ${formatMu(sp.muRight)}`);
    }
  } else if (meta.curveSlope) {
    const s = meta.curveSlope.right ?? meta.curveSlope.left;
    lines.push(`Curve slope: ${formatLambda(s)}; ${formatMu(s !== null && s > 0 ? 1 / s : null)}`);
  }
  if (meta.note) lines.push(meta.note);
  if (meta.envelopeIndex !== undefined) lines.push('Click to select this vertex.');
  return lines;
}
