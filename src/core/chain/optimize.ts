import type { ModelColumns } from '../types.ts';
import { confidenceOrder } from '../pairCurve.ts';

/**
 * One model's confidences prepared for threshold sweeps: computed once per model and shared
 * by every chain the model is part of.
 */
export interface ConfidenceIndex {
  /** Query indices by ascending confidence (ties in index order). */
  readonly order: Uint32Array;
  /** Distinct confidence values, descending. */
  readonly values: Float64Array;
  /** Per query, the position of its confidence in `values`. */
  readonly rank: Uint32Array;
}

/** Sorts one model's confidences into a {@link ConfidenceIndex}. O(n log n). */
export function confidenceIndex(model: ModelColumns): ConfidenceIndex {
  const order = confidenceOrder(model);
  const s = model.confidence;
  const n = order.length;
  const rank = new Uint32Array(n);
  const values: number[] = [];
  for (let p = n - 1; p >= 0; p--) {
    const i = order[p];
    if (p === n - 1 || s[order[p + 1]] !== s[i]) values.push(s[i]);
    rank[i] = values.length - 1;
  }
  return { order, values: Float64Array.from(values), rank };
}

/** Per model name, its {@link ConfidenceIndex}. O(k n log n). */
export function confidenceIndexes(models: readonly ModelColumns[]): Map<string, ConfidenceIndex> {
  return new Map(models.map((m) => [m.name, confidenceIndex(m)]));
}

/** The stages' columns unpacked for the inner loops: per column, stage j's array at index j. */
type StageColumns = { readonly [C in 'confidence' | 'cost' | 'quality']: readonly ModelColumns[C][] };

/**
 * A chain ready for threshold search: its stages, their confidence indexes, the columns
 * unpacked for the inner loops, and scratch space reused by every optimisation of the chain.
 */
export interface ChainProblem extends StageColumns {
  readonly stages: readonly ModelColumns[];
  readonly index: readonly ConfidenceIndex[];
  readonly workspace: Workspace;
}

/** Builds a {@link ChainProblem}, reusing `indexes` by model name when given. O(L n) (+ sorts without `indexes`). */
export function chainProblem(stages: readonly ModelColumns[], indexes?: ReadonlyMap<string, ConfidenceIndex>): ChainProblem {
  const n = stages.length > 0 ? stages[0].quality.length : 0;
  const index = stages.map((m) => indexes?.get(m.name) ?? confidenceIndex(m));
  const leaves = Math.max(1, ...index.map((x) => x.values.length));
  return {
    stages,
    index,
    confidence: stages.map((m) => m.confidence),
    cost: stages.map((m) => m.cost),
    quality: stages.map((m) => m.quality),
    workspace: { reach: new Uint8Array(n), after: new Float64Array(n), rest: new Float64Array(n + 1), tree: new MaxPrefixTree(leaves) },
  };
}

/** Thresholds of a chain optimised for one shadow price. */
export interface OptimizedChain {
  /** L-1 thresholds; `Infinity` = always escalate. */
  readonly thresholds: Float64Array;
  /** mean(q - lambda c) at these thresholds. */
  readonly objective: number;
  readonly cost: number;
  readonly quality: number;
  /** Passes made over the boundaries. */
  readonly passes: number;
}

/** Most passes of coordinate ascent (a safeguard: the search stops once a pass leaves every block unchanged or does not raise the objective). */
const MAX_PASSES = 50;

/**
 * mean over queries of (quality - lambda * cost) of a chain at given thresholds, with the mean
 * cost and quality. O(n L).
 */
export function chainObjective(stages: readonly ModelColumns[], thresholds: ArrayLike<number>, lambda: number): { objective: number; cost: number; quality: number } {
  const L = stages.length;
  const n = stages[0].quality.length;
  let cost = 0;
  let quality = 0;
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (; j < L - 1; j++) {
      if (stages[j].confidence[i] >= thresholds[j]) break;
      cost += stages[j].cost[i];
    }
    cost += stages[j].cost[i];
    quality += stages[j].quality[i];
  }
  const objective = lambda === Infinity ? -cost / n : (quality - lambda * cost) / n;
  return { objective, cost: cost / n, quality: quality / n };
}

/** Scratch arrays of a chain's optimisations, reused across their steps. */
interface Workspace {
  readonly reach: Uint8Array;
  /** Value of a query that goes past the block: quality minus lambda times the later stages' cost. */
  readonly after: Float64Array;
  /** Per position p of a stage's confidence order, an upper bound of what passing on more queries from p on can add (see {@link bestBlockThresholds}). */
  readonly rest: Float64Array;
  readonly tree: MaxPrefixTree;
}

/**
 * Marks the queries that reach stage `j` (every earlier stage passed them on) and, for those,
 * the value V(i) they get after stage `from` (exclusive): minus lambda times the cost of each
 * later stage visited, plus the quality of the one that answers. O(n L).
 */
function reachAndValueAfter(problem: ChainProblem, thresholds: ArrayLike<number>, j: number, from: number, lambda: number, ws: Workspace): void {
  const { confidence, cost, quality } = problem;
  const L = confidence.length;
  const n = ws.reach.length;
  const { reach, after } = ws;
  for (let i = 0; i < n; i++) {
    let r = 1;
    for (let k = 0; k < j; k++) {
      if (confidence[k][i] >= thresholds[k]) {
        r = 0;
        break;
      }
    }
    reach[i] = r;
    if (r === 0) continue;
    let v = 0;
    for (let k = from + 1; k < L; k++) {
      v -= lambda * cost[k][i];
      if (k === L - 1 || confidence[k][i] >= thresholds[k]) {
        v += quality[k][i];
        break;
      }
    }
    after[i] = v;
  }
}

/**
 * The exact best threshold of boundary `j` (between stages j and j+1) with every other
 * threshold fixed: among the queries that reach stage j, answering at j gains q_j - V_{j+1};
 * the answered set is a top-confidence prefix, so one pass down the stage's confidence order
 * finds the best prefix. Tied confidences move together; on equal objective the larger
 * answered set (lower cost) wins. Returns the lowest confidence answered, `Infinity` (answer
 * none), or the current threshold when no query reaches stage j. O(n L).
 */
function bestBoundaryThreshold(problem: ChainProblem, thresholds: ArrayLike<number>, j: number, lambda: number, ws: Workspace): number {
  reachAndValueAfter(problem, thresholds, j, j, lambda, ws);
  const { order } = problem.index[j];
  const s = problem.stages[j].confidence;
  const q = problem.stages[j].quality;
  let best = 0;
  let bestThreshold = Infinity;
  let sum = 0;
  let any = false;
  let groupReached = false;
  for (let p = order.length - 1; p >= 0; p--) {
    const i = order[p];
    if (ws.reach[i] === 1) {
      sum += q[i] - ws.after[i];
      groupReached = true;
      any = true;
    }
    if (p === 0 || s[order[p - 1]] !== s[i]) {
      if (groupReached && sum >= best) {
        best = sum;
        bestThreshold = s[i];
      }
      groupReached = false;
    }
  }
  return any ? bestThreshold : thresholds[j];
}

/**
 * A segment tree over the distinct confidence values of one stage (descending), holding per
 * value the summed gain of the queries inserted so far, that answers "best prefix sum ending
 * at a value some inserted query has" in O(1) after O(log G) per insertion. Among equal
 * prefix sums the longer prefix wins.
 */
class MaxPrefixTree {
  readonly size: number;
  readonly sum: Float64Array;
  readonly best: Float64Array;
  readonly end: Int32Array;
  /** Leaves in use since the last reset (a power of two). */
  used = 1;
  constructor(leaves: number) {
    let size = 1;
    while (size < leaves) size <<= 1;
    this.size = size;
    this.sum = new Float64Array(2 * size);
    this.best = new Float64Array(2 * size);
    this.end = new Int32Array(2 * size);
  }
  /** Empties the tree and sizes it for `leaves` values (at most the constructor's). */
  reset(leaves: number): void {
    let size = 1;
    while (size < leaves) size <<= 1;
    this.used = size;
    this.sum.fill(0, 0, 2 * size);
    this.best.fill(-Infinity, 0, 2 * size);
    this.end.fill(-1, 0, 2 * size);
  }
  add(leaf: number, gain: number): void {
    const { sum, best, end } = this;
    let p = this.used + leaf;
    sum[p] += gain;
    best[p] = sum[p];
    end[p] = leaf;
    for (p >>= 1; p >= 1; p >>= 1) {
      const l = 2 * p;
      const r = l + 1;
      sum[p] = sum[l] + sum[r];
      const viaRight = sum[l] + best[r];
      if (viaRight >= best[l]) {
        best[p] = viaRight;
        end[p] = end[r];
      } else {
        best[p] = best[l];
        end[p] = end[l];
      }
    }
  }
}

/**
 * For {@link bestBlockThresholds}: fills `ws.rest[p]` with an upper bound of what passing on
 * the reaching queries at positions p.. of stage j's confidence order can still add to the
 * block's objective, whatever the split after them. Passing query i on changes the objective
 * by d_i = V(i) - lambda c_{j+1}(i) - q_j(i) and offers g_i = q_{j+1}(i) - V(i) to the best
 * prefix of stage j+1; the best prefix of a larger set is at most that of the smaller plus the
 * positive g of the added queries, so the objective plus the best prefix can grow by at most
 * max over p' of the sum of d_i + max(0, g_i) over positions p..p'. Returns a margin far above
 * the rounding error of every sum involved (1e-9 of the sum of their absolute terms), so that
 * a stop decided with the bound never drops a split the full scan would take. O(n).
 */
function restBounds(problem: ChainProblem, j: number, lambda: number, ws: Workspace): number {
  const qj = problem.quality[j];
  const ck = problem.cost[j + 1];
  const qk = problem.quality[j + 1];
  const { order } = problem.index[j];
  const { reach, after, rest } = ws;
  const n = order.length;
  let bound = 0;
  let scale = 1;
  rest[n] = 0;
  for (let p = n - 1; p >= 0; p--) {
    const i = order[p];
    if (reach[i] === 1) {
      const d = after[i] - lambda * ck[i] - qj[i];
      const g = qk[i] - after[i];
      bound += g > 0 ? d + g : d;
      if (bound < 0) bound = 0;
      scale += Math.abs(d) + Math.abs(g) + Math.abs(qj[i]);
    }
    rest[p] = bound;
  }
  return 1e-9 * scale;
}

/**
 * The exact best pair of thresholds (t_j, t_{j+1}) of two adjacent boundaries with every
 * other threshold fixed. Raising t_j sends more of the queries reaching stage j on to stage
 * j+1, one confidence group at a time; for the set passed on, the best t_{j+1} is a maximum
 * prefix sum of q_{j+1} - V_{j+2} down stage j+1's confidence order, kept by a segment tree.
 * Ties: the cheaper choice (more answered earlier). O(n L + n log n).
 */
function bestBlockThresholds(problem: ChainProblem, thresholds: ArrayLike<number>, j: number, lambda: number, ws: Workspace): [number, number] {
  reachAndValueAfter(problem, thresholds, j, j + 1, lambda, ws);
  const sj = problem.confidence[j];
  const qj = problem.quality[j];
  const ck = problem.cost[j + 1];
  const qk = problem.quality[j + 1];
  const { order } = problem.index[j];
  const { rank, values } = problem.index[j + 1];
  const { reach, after, tree } = ws;
  tree.reset(values.length);
  const n = order.length;
  // Everything reaching stage j answered there: the starting point.
  let objective = 0;
  let lowest = NaN;
  for (let p = 0; p < n; p++) {
    const i = order[p];
    if (reach[i] === 1) {
      objective += qj[i];
      if (Number.isNaN(lowest)) lowest = sj[i];
    }
  }
  if (Number.isNaN(lowest)) return [thresholds[j], thresholds[j + 1]];
  const margin = restBounds(problem, j, lambda, ws);
  const { rest } = ws;
  let bestObjective = objective;
  let bestJ = lowest;
  let bestK = thresholds[j + 1];
  let p = 0;
  while (p < n) {
    // Pass on the group of reaching queries with the lowest remaining stage-j confidence.
    const v = sj[order[p]];
    let moved = false;
    while (p < n && sj[order[p]] === v) {
      const i = order[p++];
      if (reach[i] !== 1) continue;
      moved = true;
      objective += after[i] - lambda * ck[i] - qj[i];
      tree.add(rank[i], qk[i] - after[i]);
    }
    if (!moved) continue;
    const prefix = tree.best[1];
    const total = objective + (prefix >= 0 ? prefix : 0);
    if (total > bestObjective) {
      bestObjective = total;
      while (p < n && reach[order[p]] !== 1) p++;
      bestJ = p < n ? sj[order[p]] : Infinity;
      bestK = prefix >= 0 ? values[tree.end[1]] : Infinity;
    } else if (total + rest[p] + margin < bestObjective) {
      // No later split can reach the best: stop (exact, see restBounds).
      break;
    }
  }
  return [bestJ, bestK];
}

/**
 * Optimises the thresholds of a chain for `max Q - lambda C` by coordinate ascent. A chain of
 * two stages takes one exact sweep; longer chains step over pairs of adjacent boundaries, each
 * step setting the pair to its exact joint best given the others (which contains the exact
 * one-dimensional sweep of each), last pair first, cyclically, until every pair in a row
 * comes back unchanged (or a whole pass does not raise the objective). Three stages are
 * therefore solved exactly; longer chains reach a local optimum, so callers run it from
 * several starts. Starts from `init` (default: every threshold +infinity).
 * O(passes * L * (n L + n log n)).
 */
export function optimizeChainThresholds(problem: ChainProblem, lambda: number, init?: ArrayLike<number>): OptimizedChain {
  const L = problem.stages.length;
  const thresholds = new Float64Array(Math.max(0, L - 1)).fill(Infinity);
  if (init) for (let j = 0; j < L - 1; j++) thresholds[j] = init[j];
  const ws = problem.workspace;
  let passes = 0;
  if (L === 2) {
    thresholds[0] = bestBoundaryThreshold(problem, thresholds, 0, lambda, ws);
    passes = 1;
  } else if (L > 2) {
    // Blocks j = L-3 .. 0 in turn, cyclically; a block just set is at its best given the others,
    // so the search has converged once every block in a row has come back unchanged.
    const blocks = L - 2;
    let consistent = 0;
    let steps = 0;
    let j = L - 3;
    let objective = -Infinity;
    while (consistent < blocks && steps < MAX_PASSES * blocks) {
      const [a, b] = bestBlockThresholds(problem, thresholds, j, lambda, ws);
      if (a === thresholds[j] && b === thresholds[j + 1]) consistent++;
      else {
        thresholds[j] = a;
        thresholds[j + 1] = b;
        consistent = 1;
      }
      steps++;
      j = j === 0 ? L - 3 : j - 1;
      if (steps % blocks === 0 && consistent < blocks) {
        // Ties can make thresholds move without gain: stop when a whole pass does not raise the objective.
        const now = chainObjective(problem.stages, thresholds, lambda).objective;
        if (!(now > objective + 1e-12 * Math.abs(objective))) break;
        objective = now;
      }
    }
    passes = Math.ceil(steps / blocks);
  }
  return { thresholds, passes, ...chainObjective(problem.stages, thresholds, lambda) };
}
