/**
 * One cheap -> expensive pair traced over every threshold on a subset of queries, with what the
 * recommendation rule needs at each threshold: the sums of cost, squared cost and quality (for
 * the mean cost's upper confidence bound and the quality), and a smoothed quality curve. Buffers
 * are allocated once and reused for every pair and fold.
 */
import type { ModelColumns } from '../types.ts';
import { meanUpperBound } from './budget.ts';

export class PairSweep {
  /** Points of the last sweep: point p escalates the queries whose cheap-model confidence is below `threshold[p]`. */
  points = 0;
  /** Queries of the last sweep. */
  queries = 0;
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
    const { confidence: s, cost: cA, quality: qA } = cheap;
    const { cost: cB, quality: qB } = expensive;
    let cost = 0;
    let costSquared = 0;
    let quality = 0;
    for (let x = 0; x < m; x++) {
      const i = rows[x];
      const c = cA[i];
      cost += c;
      costSquared += c * c;
      quality += qA[i];
    }
    let p = 0;
    let x = 0;
    for (;;) {
      this.threshold[p] = x < m ? s[rows[x]] : Infinity;
      this.escalated[p] = x;
      this.sumCost[p] = cost;
      this.sumCostSquared[p] = costSquared;
      this.sumQuality[p] = quality;
      p++;
      if (x >= m) break;
      const v = s[rows[x]];
      while (x < m && s[rows[x]] === v) {
        const i = rows[x];
        const b = cB[i];
        cost += b;
        costSquared += b * (2 * cA[i] + b);
        quality += qB[i] - qA[i];
        x++;
      }
    }
    this.points = p;
    this.queries = m;
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
    // prefix[p] = sum of the step function over escalation counts 0 .. escalated[p] - 1.
    this.prefix[0] = 0;
    for (let p = 0; p < P; p++) {
      const width = p + 1 < P ? esc[p + 1] - esc[p] : 1;
      this.prefix[p + 1] = this.prefix[p] + width * q[p];
    }
    // S(k): sum over counts 0 .. k-1, for k in [0, m + 1]; pointers only move forward.
    let loPoint = 0;
    let hiPoint = 0;
    const at = (k: number, point: number): number => this.prefix[point] + (k - esc[point]) * q[point];
    for (let p = 0; p < P; p++) {
      const lo = Math.max(0, esc[p] - halfWidth);
      const hi = Math.min(m + 1, esc[p] + halfWidth + 1);
      while (loPoint + 1 < P && esc[loPoint + 1] <= lo) loPoint++;
      while (hiPoint + 1 < P && esc[hiPoint + 1] <= hi - 1) hiPoint++;
      // Counts lo .. hi-1: S(hi) - S(lo); S(hi) uses the point holding count hi - 1.
      const upper = at(hi - 1, hiPoint) + q[hiPoint];
      const lower = at(lo, loPoint);
      this.smoothed[p] = (upper - lower) / (hi - lo);
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
    const P = Math.max(1, this.points - 1);
    const m = this.queries;
    let last = -1;
    let best = -1;
    let bestValue = -Infinity;
    let bound = -Infinity;
    for (let k = 0; k < budgets.length; k++) {
      const budget = budgets[k];
      while (last + 1 < P) {
        const p = last + 1;
        if (this.threshold[p] > maxThreshold && p > 0) break;
        const u = Math.max(bound, meanUpperBound(this.sumCost[p], this.sumCostSquared[p], m, z));
        if (!(u <= budget)) break;
        bound = u;
        last = p;
        if (this.smoothed[p] > bestValue) {
          bestValue = this.smoothed[p];
          best = p;
        }
      }
      out[k] = best;
    }
  }
}
