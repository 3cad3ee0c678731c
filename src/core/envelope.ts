import type { Dataset, EnvelopeVertex, HullVertex, ModelColumns, PolicySpec, ShadowPrice, SwitchingPoint } from './types.ts';
import { confidenceOrder, pairParetoCurve, type PairCurve } from './pairCurve.ts';
import { sortIndicesByValue } from './sortIndices.ts';
import { hullSlopesAt, paretoIndicesInOrder, paretoIndicesOfCostSorted, upperConcaveHullIndices } from './pareto.ts';
import { mean } from './stats.ts';
import { readableThreshold } from './readable.ts';
import { hasConfidence } from './confidence/source.ts';

/** A single model's mean cost and quality. */
export interface SinglePoint {
  readonly name: string;
  readonly cost: number;
  readonly quality: number;
}

/** Everything the pairwise analysis derives from one set of queries. */
export interface PairwiseFrontier {
  /** Models cheap to expensive (mean cost, ties by name). */
  readonly singles: readonly SinglePoint[];
  /** Every cheap -> expensive pair's curve whose cheap model has a confidence, thinned to its own Pareto points (point 0, the cheap model alone, always kept), in the order of `singles`. */
  readonly curves: readonly PairCurve[];
  /** Envelope vertices, cost ascending, with hull slopes. */
  readonly envelope: readonly EnvelopeVertex[];
  readonly hull: readonly HullVertex[];
  readonly switchingPoints: readonly SwitchingPoint[];
}

/** Single-model points ordered cheap to expensive by mean cost, ties by name. O(n k + k log k). */
export function singleModelPoints(models: readonly ModelColumns[]): SinglePoint[] {
  return models
    .map((m) => ({ name: m.name, cost: mean(m.cost), quality: mean(m.quality) }))
    .sort((a, b) => a.cost - b.cost || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
export function shadowPricesAt(hull: readonly { cost: number; quality: number }[], budgets: readonly number[]): ShadowPrice[] {
  const cost = hull.map((h) => h.cost);
  const quality = hull.map((h) => h.quality);
  const inv = (x: number | null) => (x !== null && x > 0 ? 1 / x : null);
  return budgets.map((b) => {
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
export function pairwiseFrontier(dataset: Dataset): PairwiseFrontier {
  const singles = singleModelPoints(dataset.models);
  const byName = new Map(dataset.models.map((m) => [m.name, m]));
  const curves: PairCurve[] = [];
  for (let a = 0; a < singles.length; a++) {
    const cheap = byName.get(singles[a].name)!;
    // A model without a confidence cannot decide when to escalate: it is never a first stage.
    if (!hasConfidence(cheap)) continue;
    const order = confidenceOrder(cheap);
    for (let b = a + 1; b < singles.length; b++) {
      curves.push(pairParetoCurve(cheap, byName.get(singles[b].name)!, order));
    }
  }
  // Candidates: singles first, then each pair's Pareto points without point 0 (the cheap model
  // alone). A stable sort by cost keeps that order among equal costs, so exact ties go to the
  // single model, then to the earlier pair.
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
  const escalation = (i: number) => (source[i] < 0 ? 0 : curves[source[i]].escalationRate[point[i]]);
  const policyOf = (i: number): PolicySpec =>
    source[i] < 0 ? { kind: 'single', models: [singles[point[i]].name], thresholds: [] } : pairPolicy(curves[source[i]], point[i]);
  const vCost = kept.map((i) => cost[i]);
  const vQuality = kept.map((i) => quality[i]);
  const hullIdx = upperConcaveHullIndices(vCost, vQuality);
  const hullPoints = hullIdx.map((h) => ({ cost: vCost[h], quality: vQuality[h] }));
  const onHull = new Set(hullIdx);
  const prices = shadowPricesAt(hullPoints, vCost);
  const envelope: EnvelopeVertex[] = kept.map((i, v) => ({
    cost: cost[i],
    quality: quality[i],
    escalationRate: escalation(i),
    policy: policyOf(i),
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
  // p = number of queries with s < threshold.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[order[mid]] < threshold) lo = mid + 1;
    else hi = mid;
  }
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
