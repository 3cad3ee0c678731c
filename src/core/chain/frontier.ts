import type { ModelColumns } from '../types.ts';
import { paretoIndices } from '../pareto.ts';
import { mean } from '../stats.ts';
import { type ChainProblem, chainObjective, optimizeChainThresholds } from './optimize.ts';

/** Default density of the shadow-price sweep: values per factor of ten. */
export const DEFAULT_LAMBDAS_PER_DECADE = 6;

/**
 * Chains of four stages or more also run from scratch at every COLD_EVERY-th shadow price (a
 * second start for a local search; more often changed no frontier on the reference data).
 */
const COLD_EVERY = 4;

/**
 * The shadow prices (quality per dollar per query) at which chains and routers are optimised:
 * 0, then a geometric grid from 1/100 of the smallest to 100 times the largest positive slope
 * (Q_b - Q_a) / (C_b - C_a) between two single models with C_a < C_b (capped at 1 / the
 * smallest positive per-query cost, past which no escalation can pay), `perDecade` values per
 * factor of ten. Without any such slope (one model is cheapest and best) the grid spans three
 * decades either side of mean quality / mean cost (or of 1 when that is not positive). Ascending. O(k^2 + grid).
 */
export function lambdaGrid(models: readonly ModelColumns[], perDecade: number = DEFAULT_LAMBDAS_PER_DECADE): number[] {
  const C = models.map((m) => mean(m.cost));
  const Q = models.map((m) => mean(m.quality));
  let lo = Infinity;
  let hi = 0;
  for (let a = 0; a < models.length; a++) {
    for (let b = 0; b < models.length; b++) {
      if (C[a] < C[b] && Q[b] > Q[a]) {
        const slope = (Q[b] - Q[a]) / (C[b] - C[a]);
        lo = Math.min(lo, slope);
        hi = Math.max(hi, slope);
      }
    }
  }
  if (!(hi > 0) || !Number.isFinite(lo)) {
    const meanC = mean(Float64Array.from(C));
    const meanQ = mean(Float64Array.from(Q));
    const ref = meanC > 0 && meanQ > 0 ? meanQ / meanC : 1;
    lo = ref / 10;
    hi = ref * 10;
  }
  // Quality is at most 1 per query, so beyond 1 / (smallest positive cost) no escalation pays.
  let minCost = Infinity;
  for (const m of models) for (let i = 0; i < m.cost.length; i++) if (m.cost[i] > 0 && m.cost[i] < minCost) minCost = m.cost[i];
  const from = Math.log10(lo / 100);
  const to = Math.max(from + 1, Math.log10(Math.min(hi * 100, 1 / minCost)));
  const steps = Math.max(1, Math.ceil((to - from) * perDecade));
  const grid = [0];
  for (let g = 0; g <= steps; g++) grid.push(10 ** (from + ((to - from) * g) / steps));
  return grid;
}

/** One optimised operating point of a chain. */
export interface ChainPoint {
  /** The shadow price it was optimised for (`Infinity`: the first stage answers everything). */
  readonly lambda: number;
  readonly thresholds: Float64Array;
  readonly cost: number;
  readonly quality: number;
}

/**
 * The thresholds that make the first stage answer every query: its lowest confidence, and
 * +infinity for the later boundaries (never reached).
 */
export function firstStageOnlyThresholds(problem: ChainProblem): Float64Array {
  const L = problem.stages.length;
  const t = new Float64Array(Math.max(0, L - 1)).fill(Infinity);
  if (L > 1 && problem.stages[0].confidence.length > 0) t[0] = problem.index[0].values[problem.index[0].values.length - 1];
  return t;
}

/**
 * Traces a chain's frontier: for each shadow price (visited from the most expensive end
 * down), the optimum of {@link optimizeChainThresholds}: exact up to three stages (one run from
 * every threshold at +infinity); for longer chains, where it is a local optimum, the better of
 * a run warm-started from the previous shadow price's thresholds and, at every fourth shadow
 * price, a run from scratch. Plus the first stage alone, which is the optimum (and the search
 * is skipped) for every shadow price above 1 / the second stage's cheapest call.
 * Returns the Pareto set of the distinct points found, cost ascending.
 * O(grid * passes * L^2 n).
 */
export function chainFrontier(problem: ChainProblem, lambdas: readonly number[]): ChainPoint[] {
  const found: ChainPoint[] = [];
  const first = firstStageOnlyThresholds(problem);
  found.push({ lambda: Infinity, thresholds: first, ...pick(chainObjective(problem.stages, first, Infinity)) });
  const sorted = [...lambdas].sort((a, b) => b - a);
  let previous: Float64Array = first;
  const exact = problem.stages.length <= 3;
  // Escalating a query past stage 1 gains at most 1 in quality and costs at least the second
  // stage's cheapest call, so above 1 / that cost the first stage alone is the unique optimum.
  let minSecond = Infinity;
  if (problem.stages.length > 1) for (const c of problem.stages[1].cost) if (c < minSecond) minSecond = c;
  const trivialAbove = minSecond > 0 ? 1 / minSecond : Infinity;
  sorted.forEach((lambda, g) => {
    if (lambda > trivialAbove) return;
    // Up to three stages one run is exact. Longer chains run warm-started from the previous
    // shadow price's optimum, and now and then from scratch as a second start.
    const warm = exact ? undefined : optimizeChainThresholds(problem, lambda, previous);
    const cold = exact || g % COLD_EVERY === 0 ? optimizeChainThresholds(problem, lambda) : undefined;
    let best = (warm ?? cold)!;
    if (warm && cold && (cold.objective > warm.objective || (cold.objective === warm.objective && cold.cost < warm.cost))) best = cold;
    previous = best.thresholds;
    found.push({ lambda, thresholds: best.thresholds, cost: best.cost, quality: best.quality });
  });
  const keep = paretoIndices(
    found.map((p) => p.cost),
    found.map((p) => p.quality),
  );
  return keep.map((k) => found[k]);
}

function pick(r: { cost: number; quality: number }): { cost: number; quality: number } {
  return { cost: r.cost, quality: r.quality };
}
