/**
 * One cheap -> expensive pair traced over every threshold on a subset of queries, with what the
 * recommendation rule needs at each threshold: the sums of cost, squared cost and quality (for
 * the mean cost's upper confidence bound and the quality), and a smoothed quality curve. Buffers
 * are allocated once and reused for every pair and fold.
 */
import type { ModelColumns } from '../types.ts';
import { meanUpperBound } from './budget.ts';

/** A cheap model's confidence, cost and quality laid out in its confidence order (position y holds the query of rank y). */
export interface SortedCheap {
  readonly order: ArrayLike<number>;
  readonly confidence: Float64Array;
  readonly cost: Float64Array;
  readonly quality: Float64Array;
}

/**
 * A pair's columns laid out in the order of the cheap model's confidence, so a sweep reads them
 * in sequence: the cheap model's confidence (its {@link SortedCheap} array), and what escalating
 * the query adds to its cost, to its squared cost ((a + b)^2 - a^2 = b (2a + b)) and to its
 * quality (q_b - q_a).
 */
export interface SortedPair {
  confidence: Float64Array;
  readonly addCost: Float64Array;
  readonly addCostSquared: Float64Array;
  readonly addQuality: Float64Array;
}

/** Sums over the traced queries of the cheap model alone: cost, squared cost, quality. */
export interface CheapSums {
  readonly cost: number;
  readonly costSquared: number;
  readonly quality: number;
}

/**
 * Where a trace may stop early: once a point's mean cost is above `cost` (with a bound that is
 * never below the mean, no budget up to `cost` can reach that point) or a point past the first
 * has a threshold above `threshold`, and `margin` more queries are traced (what smoothing that
 * point's neighbours reads).
 */
export interface TraceLimit {
  readonly cost: number;
  readonly threshold: number;
  readonly margin: number;
}

/** The {@link SortedCheap} of a model along `order` (its confidence order, or a subset of it). O(n). */
export function sortedCheap(cheap: ModelColumns, order: ArrayLike<number>): SortedCheap {
  const n = order.length;
  const { confidence: s, cost: c, quality: q } = cheap;
  const confidence = new Float64Array(n);
  const cost = new Float64Array(n);
  const quality = new Float64Array(n);
  for (let y = 0; y < n; y++) {
    const i = order[y];
    confidence[y] = s[i];
    cost[y] = c[i];
    quality[y] = q[i];
  }
  return { order, confidence, cost, quality };
}

/**
 * Fills `out` (capacity at least n) with the {@link SortedPair} of cheap -> expensive: the
 * expensive model's columns read along the cheap model's order, the cheap one's in sequence. O(n).
 */
export function sortedPair(cheap: SortedCheap, expensive: ModelColumns, out?: SortedPair): SortedPair {
  const { order, cost: cA, quality: qA } = cheap;
  const n = order.length;
  const pair = out ?? { confidence: cheap.confidence, addCost: new Float64Array(n), addCostSquared: new Float64Array(n), addQuality: new Float64Array(n) };
  pair.confidence = cheap.confidence;
  const { cost: cB, quality: qB } = expensive;
  const { addCost, addCostSquared, addQuality } = pair;
  for (let y = 0; y < n; y++) {
    const i = order[y];
    const b = cB[i];
    addCost[y] = b;
    addCostSquared[y] = b * (2 * cA[y] + b);
    addQuality[y] = qB[i] - qA[y];
  }
  return pair;
}

/** The cheap model's sums over the queries at `positions` of its confidence order (all n when null), summed in that order. O(m). */
export function cheapSums(cheap: SortedCheap, positions: ArrayLike<number> | null, m: number): CheapSums {
  const { cost: cA, quality: qA } = cheap;
  let cost = 0;
  let costSquared = 0;
  let quality = 0;
  for (let x = 0; x < m; x++) {
    const y = positions ? positions[x] : x;
    const c = cA[y];
    cost += c;
    costSquared += c * c;
    quality += qA[y];
  }
  return { cost, costSquared, quality };
}

export class PairSweep {
  /** Points of the last sweep: point p escalates the queries whose cheap-model confidence is below `threshold[p]`. */
  points = 0;
  /** Queries of the last sweep. */
  queries = 0;
  /** False when the last sweep stopped early (see {@link TraceLimit}): the points end before the one that escalates every query. */
  complete = true;
  /** Point p's threshold: the (p+1)-th lowest distinct confidence, +Infinity for the last point (escalate all). */
  readonly threshold: Float64Array;
  /** Queries escalated at point p. */
  readonly escalated: Int32Array;
  /** Sums over the queries of the cascade's cost, squared cost and quality at point p. */
  readonly sumCost: Float64Array;
  readonly sumCostSquared: Float64Array;
  readonly sumQuality: Float64Array;
  /** Smoothed quality sum at point p (after {@link smooth}). */
  readonly smoothed: Float64Array;
  private readonly prefix: Float64Array;
  private identityRows = new Uint32Array(0);

  constructor(capacity: number) {
    this.threshold = new Float64Array(capacity + 1);
    this.escalated = new Int32Array(capacity + 1);
    this.sumCost = new Float64Array(capacity + 1);
    this.sumCostSquared = new Float64Array(capacity + 1);
    this.sumQuality = new Float64Array(capacity + 1);
    this.smoothed = new Float64Array(capacity + 1);
    this.prefix = new Float64Array(capacity + 2);
  }

  /**
   * Traces cheap -> expensive over the `m` queries `rows`, given in ascending order of the cheap
   * model's confidence. Tied confidences move together. O(m).
   */
  run(cheap: ModelColumns, expensive: ModelColumns, rows: Uint32Array, m: number): void {
    const sorted = sortedCheap(cheap, rows.subarray(0, m));
    this.trace(sortedPair(sorted, expensive), null, m, cheapSums(sorted, null, m));
  }

  /**
   * Traces a pair over the `m` queries at `positions` (ascending) of its {@link SortedPair}, all
   * of them when null, given the cheap model's sums over them. Tied confidences move together.
   * With a `limit` the trace may end early ({@link complete} false). O(m).
   */
  trace(pair: SortedPair, positions: ArrayLike<number> | null, m: number, cheap: CheapSums, limit?: TraceLimit): void {
    const { confidence: s, addCost, addCostSquared, addQuality } = pair;
    // One loop for a subset and for all queries: all of them read through the identity.
    const rows = positions ?? this.identity(m);
    const threshold = this.threshold;
    const escalated = this.escalated;
    const sumCost = this.sumCost;
    const sumCostSquared = this.sumCostSquared;
    const sumQuality = this.sumQuality;
    let cost = cheap.cost;
    let costSquared = cheap.costSquared;
    let quality = cheap.quality;
    const stopCost = limit ? limit.cost : Infinity;
    const stopThreshold = limit ? limit.threshold : Infinity;
    const margin = limit ? limit.margin : 0;
    // Escalation count from which the trace may end (once a point is past the limits); never without a limit.
    let stopAt = limit ? Infinity : -1;
    let p = 0;
    let x = 0;
    this.complete = true;
    for (;;) {
      const t = x < m ? s[rows[x]] : Infinity;
      threshold[p] = t;
      escalated[p] = x;
      sumCost[p] = cost;
      sumCostSquared[p] = costSquared;
      sumQuality[p] = quality;
      p++;
      if (x >= m) break;
      if (stopAt === Infinity && (!(cost / m <= stopCost) || (p > 1 && t > stopThreshold))) stopAt = x + margin + 1;
      if (x >= stopAt && stopAt >= 0) {
        this.complete = false;
        break;
      }
      // The tie group of t (its first query is the one t was read from).
      let y = rows[x];
      do {
        cost += addCost[y];
        costSquared += addCostSquared[y];
        quality += addQuality[y];
        x++;
      } while (x < m && s[(y = rows[x])] === t);
    }
    this.points = p;
    this.queries = m;
  }

  /** 0 .. m-1, made once per size. */
  private identity(m: number): Uint32Array {
    if (this.identityRows.length !== m) {
      this.identityRows = new Uint32Array(m);
      for (let i = 0; i < m; i++) this.identityRows[i] = i;
    }
    return this.identityRows;
  }

  /**
   * Smooths the quality curve: point p gets the mean quality sum over the escalation counts
   * within `halfWidth` of its own (the curve read as a step function of the number of queries
   * escalated, tie groups included), so a threshold is judged by its neighbourhood rather than
   * by one query's luck. O(points).
   */
  smooth(halfWidth: number): void {
    const P = this.points;
    const m = this.queries;
    const esc = this.escalated;
    const q = this.sumQuality;
    const prefix = this.prefix;
    const smoothed = this.smoothed;
    // prefix[p] = sum of the step function over escalation counts 0 .. escalated[p] - 1.
    let sum = 0;
    prefix[0] = 0;
    for (let p = 0; p < P; p++) {
      const width = p + 1 < P ? esc[p + 1] - esc[p] : 1;
      sum += width * q[p];
      prefix[p + 1] = sum;
    }
    // S(k): sum over counts 0 .. k-1, for k in [0, m + 1], read at the point holding count k
    // (k - 1 for the upper end, plus that point's value); pointers only move forward.
    let loPoint = 0;
    let hiPoint = 0;
    for (let p = 0; p < P; p++) {
      const e = esc[p];
      const lo = e - halfWidth > 0 ? e - halfWidth : 0;
      const hi = e + halfWidth + 1 < m + 1 ? e + halfWidth + 1 : m + 1;
      while (loPoint + 1 < P && esc[loPoint + 1] <= lo) loPoint++;
      while (hiPoint + 1 < P && esc[hiPoint + 1] <= hi - 1) hiPoint++;
      // Counts lo .. hi-1: S(hi) - S(lo).
      const qHi = q[hiPoint];
      const upper = prefix[hiPoint] + (hi - 1 - esc[hiPoint]) * qHi + qHi;
      const lower = prefix[loPoint] + (lo - esc[loPoint]) * q[loPoint];
      smoothed[p] = (upper - lower) / (hi - lo);
    }
  }

  /**
   * The threshold the rule picks for each budget: among the longest prefix of points whose mean
   * cost's upper bound (normal quantile `z`) stays within the budget and whose threshold is at
   * most `maxThreshold`, the point of highest smoothed quality (ties: the cheaper). The last
   * point, which escalates every query, is never picked: the expensive model alone is as good
   * and cheaper. `budgets` must be ascending; `out[k]` is a point index, or -1 when not even the
   * cheap model alone fits. Call {@link smooth} first. O(points + budgets).
   */
  fit(budgets: ArrayLike<number>, z: number, maxThreshold: number, out: Int32Array): void {
    // A trace that stopped early ends past every point a budget reaches.
    const P = this.complete ? Math.max(1, this.points - 1) : this.points;
    const m = this.queries;
    const threshold = this.threshold;
    const sumCost = this.sumCost;
    const sumCostSquared = this.sumCostSquared;
    const smoothed = this.smoothed;
    let last = -1;
    let best = -1;
    let bestValue = -Infinity;
    let bound = -Infinity;
    for (let k = 0; k < budgets.length; k++) {
      const budget = budgets[k];
      while (last + 1 < P) {
        const p = last + 1;
        if (threshold[p] > maxThreshold && p > 0) break;
        const u = Math.max(bound, meanUpperBound(sumCost[p], sumCostSquared[p], m, z));
        if (!(u <= budget)) break;
        bound = u;
        last = p;
        if (smoothed[p] > bestValue) {
          bestValue = smoothed[p];
          best = p;
        }
      }
      out[k] = best;
    }
  }
}
