import type { Dataset, ModelColumns, PolicyPoint, PolicySpec } from '../types.ts';
import { pairParetoCurve } from '../pairCurve.ts';
import { paretoIndices } from '../pareto.ts';
import { curveThreshold, pairParetoIndices, singleModelPoints } from '../envelope.ts';
import { modelByName } from '../policy.ts';
import { mean } from '../stats.ts';
import { chainSummary, thresholdJson } from './evaluate.ts';
import { chainFrontier, type ChainPoint } from './frontier.ts';
import { chainProblem, type ConfidenceIndex, confidenceIndexes } from './optimize.ts';
import { hasConfidence } from '../confidence/source.ts';

/** A frontier point of a chain family, with the shadow price its thresholds were optimised for. */
export interface ChainFrontierPoint extends PolicyPoint {
  /** null: the point is not tied to one shadow price (single models, every threshold of a pair, the first stage alone). */
  readonly lambda: number | null;
}

/** Default longest subsequence searched. */
export const DEFAULT_MAX_SUBSEQUENCE = 4;

/** Models ordered cheap to expensive by mean cost on the dataset, ties by name. O(k n + k log k). */
export function costOrder(dataset: Dataset): ModelColumns[] {
  return singleModelPoints(dataset.models).map((s) => modelByName(dataset, s.name));
}

/** A policy in the stable JSON shape from its stages and numeric thresholds. */
export function chainPolicy(stages: readonly ModelColumns[], thresholds: ArrayLike<number>): PolicySpec {
  return {
    kind: stages.length === 1 ? 'single' : stages.length === 2 ? 'pair' : 'chain',
    models: stages.map((m) => m.name),
    thresholds: Array.from(thresholds, thresholdJson),
  };
}

/** Turns optimised chain points into policy points with their escalation rates. O(points n L). */
export function chainPoints(stages: readonly ModelColumns[], points: readonly ChainPoint[]): ChainFrontierPoint[] {
  return points.map((p) => {
    const summary = chainSummary(stages, p.thresholds);
    return {
      cost: summary.cost,
      quality: summary.quality,
      escalationRate: summary.escalationRate,
      policy: chainPolicy(stages, p.thresholds),
      lambda: Number.isFinite(p.lambda) ? p.lambda : null,
    };
  });
}

/**
 * The frontier of the full fixed chain: every model, cheap to expensive by mean cost, with
 * thresholds optimised by coordinate ascent for each shadow price in `lambdas` (`frontierOf`:
 * computed here unless given). O(grid * passes * k^2 n).
 */
export function fullChainFrontier(
  dataset: Dataset,
  lambdas: readonly number[],
  indexes: ReadonlyMap<string, ConfidenceIndex> = confidenceIndexes(dataset.models),
  frontierOf: (stages: readonly ModelColumns[]) => readonly ChainPoint[] = (stages) => chainFrontier(chainProblem(stages, indexes), lambdas),
): ChainFrontierPoint[] {
  const stages = costOrder(dataset);
  if (stages.length === 1) return [singlePoint(stages[0])];
  return chainPoints(stages, frontierOf(stages));
}

export interface SubsequenceFrontier {
  /** Ordered subsets evaluated: sum over j <= maxLength of C(k, j), less those with a model without confidence before the last stage. */
  readonly candidatesEvaluated: number;
  readonly maxLength: number;
  /** The cost order the subsets follow (model names, cheap first). */
  readonly costOrder: readonly string[];
  /** Pareto set of every candidate's points, cost ascending; each realised by one subset and its thresholds. */
  readonly points: readonly ChainFrontierPoint[];
}

/**
 * The best subsequence: every ordered subset of 1..`maxLength` models (in cost order) whose
 * stages but the last have a confidence, with its own thresholds, searched exhaustively, and the Pareto set of all their points. Singles give
 * one point, pairs their whole threshold curve (exact), longer subsets their coordinate-ascent
 * frontier over `lambdas`. Because singles and pairs enter whole, the result dominates the
 * pairwise envelope on the same data; because the full chain is a candidate when
 * k <= maxLength, it then dominates the full chain too.
 * `frontierOf` gives the frontier of a subset of three stages or more (default: computed here;
 * the comparison passes frontiers computed ahead, some on a second core).
 * O(C(k, maxLength) * grid * passes * maxLength^2 n).
 * @throws RangeError when maxLength < 1.
 */
export function bestSubsequenceFrontier(
  dataset: Dataset,
  lambdas: readonly number[],
  maxLength: number = DEFAULT_MAX_SUBSEQUENCE,
  indexes: ReadonlyMap<string, ConfidenceIndex> = confidenceIndexes(dataset.models),
  frontierOf: (stages: readonly ModelColumns[]) => readonly ChainPoint[] = (stages) => chainFrontier(chainProblem(stages, indexes), lambdas),
): SubsequenceFrontier {
  if (!(maxLength >= 1)) throw new RangeError(`bestSubsequenceFrontier: maxLength must be at least 1, got ${maxLength}`);
  const models = costOrder(dataset);
  const all: { point: ChainFrontierPoint; stages: number }[] = [];
  // Chains' points enter after the others, with the cost and quality their search computed;
  // their policies are evaluated again below only where they can reach the Pareto set.
  const searched: { stages: ModelColumns[]; points: readonly ChainPoint[] }[] = [];
  let candidates = 0;
  for (const stages of subsequenceCandidates(models, maxLength)) {
    candidates++;
    if (stages.length === 1) {
      all.push({ point: singlePoint(stages[0]), stages: 1 });
    } else if (stages.length === 2) {
      // Its own Pareto points (and the cheap model alone), without the full curve's arrays.
      const curve = pairParetoCurve(stages[0], stages[1], indexes.get(stages[0].name)?.order);
      for (const p of pairParetoIndices(curve)) {
        all.push({
          point: {
            cost: curve.cost[p],
            quality: curve.quality[p],
            escalationRate: curve.escalationRate[p],
            policy: { kind: 'pair', models: [stages[0].name, stages[1].name], thresholds: [curveThreshold(curve, p)] },
            lambda: null,
          },
          stages: 2,
        });
      }
    } else {
      searched.push({ stages, points: frontierOf(stages) });
    }
  }
  const reaching = reachingPareto(all, searched, dataset.n);
  searched.forEach(({ stages }, c) => {
    for (const point of chainPoints(stages, reaching[c])) all.push({ point, stages: stages.length });
  });
  const keep = paretoIndices(
    all.map((x) => x.point.cost),
    all.map((x) => x.point.quality),
    all.map((x) => x.stages),
  );
  return { candidatesEvaluated: candidates, maxLength, costOrder: models.map((m) => m.name), points: keep.map((k) => all[k].point) };
}

/**
 * Per searched chain, its points that can be on the Pareto set of all candidates: a point
 * strictly dominated (lower cost and higher quality, both beyond any rounding) by a single
 * model, a pair point or another chain's point is left out before its policy is evaluated
 * again. A chain's point carries the cost and quality its search summed, which differ from
 * those of {@link chainPoints} (the same means summed in another order) by at most
 * 2 n 2^-53 times the largest per-query term; the margin taken, (1e-9 + 4 n 2^-53) times the
 * sum of the stages' largest absolute cost (or quality), is above that, so a point left out is
 * strictly dominated on the evaluated figures too (by the dominating point or, if that one is
 * left out as well, by what dominates it), and the Pareto set is the one of every point.
 * O(P log P) for P points.
 */
export function reachingPareto(
  exact: readonly { readonly point: { readonly cost: number; readonly quality: number } }[],
  searched: readonly { readonly stages: readonly ModelColumns[]; readonly points: readonly ChainPoint[] }[],
  n: number,
): ChainPoint[][] {
  const rel = 1e-9 + 4 * n * 2 ** -53;
  const largest = (column: Float64Array) => {
    let m = 0;
    for (let i = 0; i < column.length; i++) m = Math.max(m, Math.abs(column[i]));
    return m;
  };
  const largestOf = new Map<ModelColumns, { cost: number; quality: number }>();
  const margins = searched.map(({ stages }) => {
    let cost = 0;
    let quality = 0;
    for (const m of stages) {
      let known = largestOf.get(m);
      if (!known) largestOf.set(m, (known = { cost: largest(m.cost), quality: largest(m.quality) }));
      cost += known.cost;
      quality += known.quality;
    }
    return { cost: rel * cost, quality: rel * quality };
  });
  // Every point at its least favourable: cost at most `cost`, quality at least `quality`.
  const sure: { cost: number; quality: number }[] = exact.map((x) => ({ cost: x.point.cost, quality: x.point.quality }));
  searched.forEach(({ points }, c) => {
    for (const p of points) sure.push({ cost: p.cost + margins[c].cost, quality: p.quality - margins[c].quality });
  });
  sure.sort((a, b) => a.cost - b.cost);
  // bestBelow[k]: the highest sure quality among the k cheapest.
  const bestBelow = new Float64Array(sure.length + 1).fill(-Infinity);
  for (let k = 0; k < sure.length; k++) bestBelow[k + 1] = Math.max(bestBelow[k], sure[k].quality);
  return searched.map(({ points }, c) =>
    points.filter((p) => {
      const cost = p.cost - margins[c].cost;
      const quality = p.quality + margins[c].quality;
      // How many sure points cost strictly less than this point at its cheapest.
      let lo = 0;
      let hi = sure.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sure[mid].cost < cost) lo = mid + 1;
        else hi = mid;
      }
      return !(bestBelow[lo] > quality);
    }),
  );
}

/**
 * The candidates of the best-subsequence search: every ordered subset of 1..`maxLength` of
 * `models` (in cost order, {@link costOrder}), shorter first, whose stages but the last have a
 * confidence (a model without one can only end a chain). O(C(k, maxLength) maxLength).
 */
export function subsequenceCandidates(models: readonly ModelColumns[], maxLength: number): ModelColumns[][] {
  const out: ModelColumns[][] = [];
  for (const subset of orderedSubsets(models.length, Math.min(maxLength, models.length))) {
    const stages = subset.map((x) => models[x]);
    if (!stages.slice(0, -1).some((m) => !hasConfidence(m))) out.push(stages);
  }
  return out;
}

function singlePoint(m: ModelColumns): ChainFrontierPoint {
  return { cost: mean(m.cost), quality: mean(m.quality), escalationRate: 0, policy: { kind: 'single', models: [m.name], thresholds: [] }, lambda: null };
}

/** Every increasing index tuple of length 1..maxLength over 0..k-1, shorter first, lexicographic within a length. */
export function* orderedSubsets(k: number, maxLength: number): Generator<number[]> {
  for (let len = 1; len <= maxLength; len++) {
    const idx = Array.from({ length: len }, (_, i) => i);
    if (len > k) return;
    while (true) {
      yield [...idx];
      let i = len - 1;
      while (i >= 0 && idx[i] === k - len + i) i--;
      if (i < 0) break;
      idx[i]++;
      for (let j = i + 1; j < len; j++) idx[j] = idx[j - 1] + 1;
    }
  }
}
