/**
 * Summary measures of a cost-quality frontier over a cost range, so that policies of different
 * kinds (cascades, chains, routers, the perfect-routing bound) can be ranked by one number.
 */
import { paretoIndices, upperConcaveHullIndices } from '../pareto.ts';

/** A cost-quality point. */
export interface CostQuality {
  readonly cost: number;
  readonly quality: number;
}

/** The Pareto points of a set, cost ascending (quality then ascending too). O(P log P), O(P) when already cost-sorted. */
export function paretoSteps(points: readonly CostQuality[]): { cost: number[]; quality: number[] } {
  return paretoStepsOf(
    points.map((p) => p.cost),
    points.map((p) => p.quality),
  );
}

/** {@link paretoSteps} of the first `count` entries of parallel cost and quality arrays. O(P log P), O(P) when already cost-sorted. */
export function paretoStepsOf(cost: ArrayLike<number>, quality: ArrayLike<number>, count: number = cost.length): { cost: number[]; quality: number[] } {
  const kept = paretoIndices(cost, quality, undefined, count);
  return { cost: kept.map((i) => cost[i]), quality: kept.map((i) => quality[i]) };
}

/**
 * The step frontier F(B) = max{quality : cost <= B} of a set of deterministic policies,
 * integrated exactly over [from, to] against a measure on cost: `log` uses d(ln B) (mean
 * quality per factor of cost), `linear` uses dB. F(B) = 0 below the cheapest point (no policy
 * fits the budget). Returns the mean of F over the range. O(P log P).
 * @throws RangeError when the range is empty or, for `log`, not positive.
 */
export function meanStepQuality(points: readonly CostQuality[], from: number, to: number, scale: 'log' | 'linear'): number {
  const { cost, quality } = paretoSteps(points);
  return meanOfSteps(cost, quality, from, to, scale);
}

/**
 * Mean over [from, to] (against d(ln B) or dB) of the step function that takes `value[i]` from
 * `cost[i]` up to `cost[i+1]` (the last one onwards) and 0 below `cost[0]`. Costs ascending. O(P).
 * @throws RangeError when the range is empty or, for `log`, not positive.
 */
export function meanOfSteps(cost: ArrayLike<number>, value: ArrayLike<number>, from: number, to: number, scale: 'log' | 'linear'): number {
  if (!(to > from) || (scale === 'log' && !(from > 0))) throw new RangeError(`meanOfSteps: need 0 ${scale === 'log' ? '<' : '<='} from < to, got [${from}, ${to}]`);
  return scale === 'log' ? stepsAgainstLog(cost, value, from, to) : stepsAgainstLinear(cost, value, from, to);
}

// The two measures in loops of their own: a loop that calls the one or the other through one
// variable calls a function it cannot inline at every step.

function stepsAgainstLog(cost: ArrayLike<number>, value: ArrayLike<number>, from: number, to: number): number {
  let total = 0;
  // A step within the range starts where the one before it ended: the logarithm of that end is taken again, not computed again.
  let end = NaN;
  let logEnd = NaN;
  for (let i = 0; i < cost.length; i++) {
    const a = Math.max(from, cost[i]);
    const b = Math.min(to, i + 1 < cost.length ? cost[i + 1] : Infinity);
    if (!(b > a)) continue;
    const logA = a === end ? logEnd : Math.log(a);
    end = b;
    logEnd = Math.log(b);
    total += value[i] * (logEnd - logA);
  }
  return total / (Math.log(to) - Math.log(from));
}

function stepsAgainstLinear(cost: ArrayLike<number>, value: ArrayLike<number>, from: number, to: number): number {
  let total = 0;
  for (let i = 0; i < cost.length; i++) {
    const a = Math.max(from, cost[i]);
    const b = Math.min(to, i + 1 < cost.length ? cost[i + 1] : Infinity);
    if (b > a) total += value[i] * (b - a);
  }
  return total / (to - from);
}

/**
 * RouterBench's Average Improvement in Quality (Hu et al., 2024): the mean over the linear cost
 * range [from, to] of the non-decreasing concave hull of the points, interpolated linearly
 * between hull vertices (a randomised mix of two policies reaches every point in between) and
 * flat after the last; 0 below the cheapest point. O(P log P).
 * @throws RangeError when the range is empty.
 */
export function averageImprovementInQuality(points: readonly CostQuality[], from: number, to: number): number {
  const { cost, quality } = paretoSteps(points);
  return averageImprovementInQualityOfSteps(cost, quality, from, to);
}

/** {@link averageImprovementInQuality} of Pareto steps already computed ({@link paretoSteps}). O(P). */
export function averageImprovementInQualityOfSteps(cost: readonly number[], quality: readonly number[], from: number, to: number): number {
  if (!(to > from)) throw new RangeError(`averageImprovementInQuality: need from < to, got [${from}, ${to}]`);
  const hull = upperConcaveHullIndices(cost, quality);
  const hc = hull.map((h) => cost[h]);
  const hq = hull.map((h) => quality[h]);
  // Integral of the piecewise-linear hull (flat after its last vertex) over [a, b] within one piece.
  let total = 0;
  for (let i = 0; i < hc.length; i++) {
    const last = i + 1 === hc.length;
    const a = Math.max(from, hc[i]);
    const b = Math.min(to, last ? Infinity : hc[i + 1]);
    if (!(b > a)) continue;
    const slope = last ? 0 : (hq[i + 1] - hq[i]) / (hc[i + 1] - hc[i]);
    const qa = hq[i] + slope * (a - hc[i]);
    const qb = hq[i] + slope * (b - hc[i]);
    total += ((qa + qb) / 2) * (b - a);
  }
  return total / (to - from);
}

/**
 * RouteLLM's Average Performance Gap Recovered (Ong et al., 2024), for a weak and a strong
 * model: PGR(B) = (F(B) - Q_weak) / (Q_strong - Q_weak) with F the step frontier, averaged over
 * the linear cost range [C_weak, C_strong] (for a two-model router, the share of calls sent to
 * the strong model maps linearly onto it). Null when the strong model is not both dearer and
 * better. O(P log P).
 */
export function averagePerformanceGapRecovered(points: readonly CostQuality[], weak: CostQuality, strong: CostQuality): number | null {
  const { cost, quality } = paretoSteps(points);
  return averagePerformanceGapRecoveredOfSteps(cost, quality, weak, strong);
}

/** {@link averagePerformanceGapRecovered} of Pareto steps already computed ({@link paretoSteps}). O(P). */
export function averagePerformanceGapRecoveredOfSteps(cost: readonly number[], quality: readonly number[], weak: CostQuality, strong: CostQuality): number | null {
  if (!(strong.cost > weak.cost) || !(strong.quality > weak.quality)) return null;
  const mean = meanOfSteps(cost, quality, weak.cost, strong.cost, 'linear');
  return (mean - weak.quality) / (strong.quality - weak.quality);
}
