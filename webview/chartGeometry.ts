/**
 * Geometry of the frontier chart: pair curves reduced to their Pareto points, thinning of a
 * curve to the plot's horizontal resolution, and padded axis ranges. Pure numbers, tested in Node.
 */
import type { AnalysisResult } from '../src/core/types.ts';
import { paretoIndices } from '../src/core/pareto.ts';
import { runEndIndices } from '../src/core/envelopeThinning.ts';

/** A pair curve ready for drawing: its Pareto points, cost ascending, in typed arrays. */
export interface PreparedPair {
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
    const pts = pair.points;
    const keep = paretoIndices(
      Float64Array.from(pts, (p) => p.cost),
      Float64Array.from(pts, (p) => p.quality),
    );
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

/**
 * The first and last index of each run of consecutive values in one of `columns` columns
 * between `xMin` and `xMax` (values in any order; those outside fall in columns of their own
 * beyond either end). O(n).
 */
export function columnRunEnds(x: ArrayLike<number>, xMin: number, xMax: number, columns: number, log: boolean): number[] {
  const tx = log ? (v: number) => Math.log(Math.max(v, xMin)) : (v: number) => v;
  const a = tx(xMin);
  const span = tx(xMax) - a;
  const scale = span > 0 && Number.isFinite(span) ? Math.max(1, columns) / span : 0;
  return runEndIndices(x.length, (i) => Math.floor((tx(x[i]) - a) * scale));
}

export function slope(c0: number, q0: number, c1: number, q1: number): number | null {
  return c1 > c0 ? (q1 - q0) / (c1 - c0) : null;
}

export interface Bounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export function extend(b: Bounds, x: number, y?: number): void {
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
export function axesFor(b: Bounds, positiveX: number, log: boolean): { x: [number, number]; y: [number, number] } {
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
