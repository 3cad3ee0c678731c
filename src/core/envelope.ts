import type { Dataset, EnvelopeVertex, HullVertex, ModelColumns, PairwiseEnvelope, PolicySpec, ShadowPrice, SwitchingPoint } from './types.ts';
import { cheapInOrder, confidenceOrder, pairParetoCurve, sweepRoom, type PairCurve } from './pairCurve.ts';
import { countBelow, sortIndicesByValue } from './sortIndices.ts';
import { hullSlopesAt, paretoIndicesInOrder, paretoIndicesOfCostSorted, upperConcaveHullIndices } from './pareto.ts';
import { mean } from './stats.ts';
import { readableThreshold } from './readable.ts';
import { hasConfidence } from './confidence/source.ts';
import { ColumnMemo } from './columnMemo.ts';
import { keeping } from './keptBetweenCalls.ts';

/** A single model's mean cost and quality. */
export interface SinglePoint {
  readonly name: string;
  readonly cost: number;
  readonly quality: number;
}

/** Everything the pairwise analysis derives from one set of queries. */
export interface PairwiseFrontier extends PairwiseEnvelope {
  /** Models cheap to expensive (mean cost, ties by name). */
  readonly singles: readonly SinglePoint[];
  /** Every cheap -> expensive pair's curve whose cheap model has a confidence, thinned to its own Pareto points (point 0, the cheap model alone, always kept), in the order of `singles`. */
  readonly curves: readonly PairCurve[];
}

/** Single-model points ordered cheap to expensive by mean cost, ties by name. O(n k + k log k). */
export function singleModelPoints(models: readonly ModelColumns[]): SinglePoint[] {
  return models.map((m) => ({ name: m.name, cost: mean(m.cost), quality: mean(m.quality) })).sort((a, b) => a.cost - b.cost || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Indices of a pair curve's own Pareto points (cost is non-decreasing along the curve). O(n). */
export function pairParetoIndices(curve: PairCurve): number[] {
  return paretoIndicesOfCostSorted(curve.cost, curve.quality);
}

/**
 * Slopes of the upper concave hull at budget `b` and their reciprocals.
 * lambda is quality per dollar per query; mu = 1/lambda is dollars per query per unit of quality
 * (null where lambda is 0 or undefined).
 */
export function shadowPriceAt(hull: readonly { cost: number; quality: number }[], b: number): ShadowPrice {
  return shadowPricesAt(hull, [b])[0];
}

/**
 * {@link shadowPriceAt} for many budgets at once, sharing the hull's coordinate arrays.
 * O(h + m log h) for m budgets.
 */
export function shadowPricesAt(hull: readonly { cost: number; quality: number }[], budgets: ArrayLike<number>): ShadowPrice[] {
  const cost = hull.map((h) => h.cost);
  const quality = hull.map((h) => h.quality);
  const inv = (x: number | null) => (x !== null && x > 0 ? 1 / x : null);
  return Array.from(budgets, (b) => {
    const { left, right } = hullSlopesAt(cost, quality, b);
    return { lambdaLeft: left, lambdaRight: right, muLeft: inv(left), muRight: inv(right) };
  });
}

function pairPolicy(curve: PairCurve, j: number): PolicySpec {
  return { kind: 'pair', models: [curve.cheap, curve.expensive], thresholds: [curveThreshold(curve, j)] };
}

/**
 * The threshold of point j of a pair curve as a policy states it: the shortest decimal that
 * selects the same queries (see {@link readableThreshold}), null for +Infinity (always escalate).
 */
export function curveThreshold(curve: PairCurve, j: number): number | null {
  const t = readableThreshold(curve.below[j], curve.thresholds[j]);
  // Only +Infinity is "always escalate"; -Infinity (the lowest confidence, point 0) stays a number.
  return t === Infinity ? null : t;
}

/**
 * The pairwise envelope of a dataset: the Pareto set of all single-model points and all
 * pair-threshold points (pairs whose cheap model has a confidence), each vertex realised by one policy, plus its upper concave hull
 * (segments that skip envelope vertices are reachable only by randomising), the hull slopes at
 * every vertex, and the switching points where the realising pair changes.
 * Exact ties prefer a single model to a pair, then the earlier pair. One sort per model and one
 * sweep per pair: O(k n log n + k^2 n).
 */
export function pairwiseFrontier(dataset: Dataset, singles: readonly SinglePoint[] = singleModelPoints(dataset.models)): PairwiseFrontier {
  const byName = new Map(dataset.models.map((m) => [m.name, m]));
  const curves: PairCurve[] = [];
  const room = sweepRoom(dataset.n);
  for (let a = 0; a < singles.length; a++) {
    const cheap = byName.get(singles[a].name)!;
    // A model without a confidence cannot decide when to escalate: it is never a first stage.
    if (!hasConfidence(cheap)) continue;
    // The cheap model's columns in its confidence order, made when a pair of it is swept.
    let along: { readonly order: Uint32Array; readonly sorted: ReturnType<typeof cheapInOrder> } | undefined;
    for (let b = a + 1; b < singles.length; b++) {
      const expensive = byName.get(singles[b].name)!;
      const sweep = (): PairCurve => {
        if (!along) {
          const order = confidenceOrder(cheap);
          along = { order, sorted: cheapInOrder(cheap, order) };
        }
        return pairParetoCurve(cheap, expensive, along.order, along.sorted, room);
      };
      // Inside keepBetweenCalls, a pair's curve is kept for its columns: a save that changes one model's file sweeps that model's pairs only.
      const kept = keeping() ? keptCurves.get([cheap.confidence, cheap.quality, cheap.cost, expensive.cost, expensive.quality], sweep) : undefined;
      curves.push(kept && kept.cheap === cheap.name && kept.expensive === expensive.name ? kept : sweep());
    }
  }
  const { source, point, cost, quality } = mergedEnvelope(singles, curves);
  const policyOf = (v: number): PolicySpec => (source[v] < 0 ? { kind: 'single', models: [singles[point[v]].name], thresholds: [] } : pairPolicy(curves[source[v]], point[v]));
  const hullIdx = upperConcaveHullIndices(cost, quality);
  const hullPoints = hullIdx.map((h) => ({ cost: cost[h], quality: quality[h] }));
  const onHull = new Set(hullIdx);
  const prices = shadowPricesAt(hullPoints, cost);
  const envelope: EnvelopeVertex[] = Array.from(cost, (c, v) => ({
    cost: c,
    quality: quality[v],
    escalationRate: source[v] < 0 ? 0 : curves[source[v]].escalationRate[point[v]],
    policy: policyOf(v),
    shadowPrice: prices[v],
    onHull: onHull.has(v),
  }));
  const hull: HullVertex[] = hullIdx.map((v, h) => ({
    cost: envelope[v].cost,
    quality: envelope[v].quality,
    policy: envelope[v].policy,
    randomizedToNext: h < hullIdx.length - 1 && hullIdx[h + 1] - v > 1,
  }));
  const switchingPoints: SwitchingPoint[] = [];
  for (let v = 1; v < envelope.length; v++) {
    const from = envelope[v - 1].policy;
    const to = envelope[v].policy;
    const same = from.models.length === to.models.length && from.models.every((m, i) => m === to.models[i]);
    if (!same) switchingPoints.push({ budget: envelope[v].cost, from, to });
  }
  return { singles, curves, envelope, hull, switchingPoints };
}

/** Inside keepBetweenCalls: each pair's curve, by the memory of the columns it is swept from (see `ColumnMemo`; never modified). */
const keptCurves = new ColumnMemo<PairCurve>();

/** The envelope's vertices: where each comes from (-1 for a single model, else the curve) and its point there. */
interface MergedEnvelope {
  readonly source: Int32Array;
  readonly point: Int32Array;
  readonly cost: Float64Array;
  readonly quality: Float64Array;
}

/**
 * The Pareto set of the single models and every pair's points (without point 0, the cheap
 * model alone), cost ascending. The candidates are read in the order of a stable sort by cost
 * of the singles followed by each curve's points (so exact ties go to the single model, then to
 * the earlier pair) by merging the k(k-1)/2 + 1 lists, each already cost ascending, with a heap.
 * A curve's points also rise in quality, so once its next point is no better than the best so
 * far, the merge jumps (by binary search) to its first point that is: the points skipped could
 * never be vertices. O(v log(k^2) + jumps log n) for v vertices instead of a sort of every point;
 * lists that are not ordered that way (negative costs) are sorted instead.
 */
function mergedEnvelope(singles: readonly SinglePoint[], curves: readonly PairCurve[]): MergedEnvelope {
  const lists = curves.length + 1;
  const ordered = (c: number): boolean => {
    const curve = curves[c];
    for (let j = 2; j < curve.cost.length; j++) if (!(curve.cost[j] > curve.cost[j - 1] && curve.quality[j] > curve.quality[j - 1])) return false;
    return true;
  };
  for (let i = 1; i < singles.length; i++) if (!(singles[i].cost >= singles[i - 1].cost)) return sortedEnvelope(singles, curves);
  for (let c = 0; c < curves.length; c++) if (!ordered(c)) return sortedEnvelope(singles, curves);
  const lengthOf = (l: number) => (l === 0 ? singles.length : curves[l - 1].cost.length);
  const costAt = (l: number, j: number) => (l === 0 ? singles[j].cost : curves[l - 1].cost[j]);
  const qualityAt = (l: number, j: number) => (l === 0 ? singles[j].quality : curves[l - 1].quality[j]);
  // Next position per list (a curve's point 0 is the cheap model alone, already a single).
  const next = new Int32Array(lists);
  for (let l = 1; l < lists; l++) next[l] = 1;
  // Min-heap of lists by (cost of their next point, list number); `key` holds each list's next cost.
  const heap = new Int32Array(lists);
  const key = new Float64Array(lists);
  let size = 0;
  const before = (a: number, b: number) => key[a] < key[b] || (key[a] === key[b] && a < b);
  const siftDown = (at: number) => {
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) return;
      const child = left + 1 < size && before(heap[left + 1], heap[left]) ? left + 1 : left;
      if (!before(heap[child], heap[at])) return;
      const t = heap[child];
      heap[child] = heap[at];
      heap[at] = t;
      at = child;
    }
  };
  const push = (l: number) => {
    let at = size++;
    heap[at] = l;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(heap[at], heap[parent])) return;
      const t = heap[parent];
      heap[parent] = heap[at];
      heap[at] = t;
      at = parent;
    }
  };
  for (let l = 0; l < lists; l++) {
    if (next[l] >= lengthOf(l)) continue;
    key[l] = costAt(l, next[l]);
    push(l);
  }
  const source: number[] = [];
  const point: number[] = [];
  const cost: number[] = [];
  const quality: number[] = [];
  let best = -Infinity;
  while (size > 0) {
    const l = heap[0];
    const j = next[l];
    const c = costAt(l, j);
    const q = qualityAt(l, j);
    if (q > best) {
      // A kept point of the same cost and lower quality is dominated by this one.
      while (cost.length > 0 && cost[cost.length - 1] === c) {
        source.pop();
        point.pop();
        cost.pop();
        quality.pop();
      }
      source.push(l - 1);
      point.push(j);
      cost.push(c);
      quality.push(q);
      best = q;
      next[l] = j + 1;
    } else if (l === 0) {
      next[l] = j + 1;
    } else {
      // The first point of this curve better than the best so far.
      const curveQuality = curves[l - 1].quality;
      let lo = j + 1;
      let hi = curveQuality.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (curveQuality[mid] > best) hi = mid;
        else lo = mid + 1;
      }
      next[l] = lo;
    }
    if (next[l] < lengthOf(l)) {
      key[l] = costAt(l, next[l]);
      siftDown(0);
    } else {
      heap[0] = heap[--size];
      siftDown(0);
    }
  }
  return { source: Int32Array.from(source), point: Int32Array.from(point), cost: Float64Array.from(cost), quality: Float64Array.from(quality) };
}

/** {@link mergedEnvelope} by one stable sort of every candidate by cost. O(P log P) for P points. */
function sortedEnvelope(singles: readonly SinglePoint[], curves: readonly PairCurve[]): MergedEnvelope {
  let total = singles.length;
  for (const curve of curves) total += curve.cost.length - 1;
  const cost = new Float64Array(total);
  const quality = new Float64Array(total);
  const source = new Int32Array(total);
  const point = new Int32Array(total);
  let k = 0;
  singles.forEach((s, i) => {
    cost[k] = s.cost;
    quality[k] = s.quality;
    source[k] = -1;
    point[k++] = i;
  });
  curves.forEach((curve, c) => {
    for (let j = 1; j < curve.cost.length; j++) {
      cost[k] = curve.cost[j];
      quality[k] = curve.quality[j];
      source[k] = c;
      point[k++] = j;
    }
  });
  const kept = paretoIndicesInOrder(cost, quality, sortIndicesByValue(cost));
  return {
    source: Int32Array.from(kept, (i) => source[i]),
    point: Int32Array.from(kept, (i) => point[i]),
    cost: Float64Array.from(kept, (i) => cost[i]),
    quality: Float64Array.from(kept, (i) => quality[i]),
  };
}

/**
 * Envelope quality F(B): the best quality of any vertex with cost <= B, or null when B is below
 * the cheapest vertex. O(log v).
 */
export function envelopeQualityAt(envelope: readonly { cost: number; quality: number }[], budget: number): number | null {
  const v = lastVertexWithin(envelope, budget);
  return v < 0 ? null : envelope[v].quality;
}

/** Index of the last (highest-quality) vertex with cost <= budget, or -1. Vertices cost ascending. O(log v). */
export function lastVertexWithin(envelope: readonly { cost: number }[], budget: number): number {
  let lo = 0;
  let hi = envelope.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (envelope[mid].cost <= budget) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Index of the cheapest vertex with quality >= target, or -1. Vertices quality ascending. O(log v). */
export function firstVertexReaching(envelope: readonly { quality: number }[], target: number): number {
  let lo = 0;
  let hi = envelope.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (envelope[mid].quality >= target) {
      found = mid;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  return found;
}

/**
 * Local shadow price of a pair at threshold t: E[q_b - q_a] / E[c_b] over the `window` queries
 * whose cheap-model confidence is nearest to t (half just below t, the ones escalated last, and
 * half at or above it). O(window) given the cheap model's confidence order.
 */
export function localPairShadowPrice(
  cheap: ModelColumns,
  expensive: ModelColumns,
  order: Uint32Array,
  threshold: number,
  window: number,
): { lambda: number | null; mu: number | null; windowQueries: number; confidenceFrom: number; confidenceTo: number } {
  const n = order.length;
  const s = cheap.confidence;
  // The number of queries with s < threshold.
  const lo = countBelow(s, order, threshold);
  const w = Math.max(1, Math.min(window, n));
  let from = Math.max(0, lo - Math.floor(w / 2));
  const to = Math.min(n, from + w);
  from = Math.max(0, to - w);
  let gain = 0;
  let extra = 0;
  for (let j = from; j < to; j++) {
    const i = order[j];
    gain += expensive.quality[i] - cheap.quality[i];
    extra += expensive.cost[i];
  }
  const lambda = extra > 0 ? gain / extra : null;
  return {
    lambda,
    mu: lambda !== null && lambda > 0 ? 1 / lambda : null,
    windowQueries: to - from,
    confidenceFrom: n > 0 ? s[order[from]] : NaN,
    confidenceTo: n > 0 ? s[order[to - 1]] : NaN,
  };
}
