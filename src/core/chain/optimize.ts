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
    workspace: {
      reach: new Uint8Array(n),
      after: new Float64Array(n),
      rest: new Float64Array(n + 1),
      objectiveAt: new Float64Array(n + 1),
      back: new Float64Array(n + 1),
      leafBefore: new Float64Array(n),
      probes: new Int32Array(Math.max(0, stages.length - 2)).fill(-1),
      tree: new MaxPrefixTree(leaves),
      layouts: [],
      steps: new Map(),
      stepsLambda: NaN,
    },
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
  return columnsObjective(
    stages.map((m) => m.confidence),
    stages.map((m) => m.cost),
    stages.map((m) => m.quality),
    thresholds,
    lambda,
  );
}

/** {@link chainObjective} of a prepared chain (its columns already unpacked): the same sums in the same order. O(n L). */
export function problemObjective(problem: ChainProblem, thresholds: ArrayLike<number>, lambda: number): { objective: number; cost: number; quality: number } {
  return columnsObjective(problem.confidence, problem.cost, problem.quality, thresholds, lambda);
}

function columnsObjective(
  confidence: StageColumns['confidence'],
  costs: StageColumns['cost'],
  qualities: StageColumns['quality'],
  thresholds: ArrayLike<number>,
  lambda: number,
): { objective: number; cost: number; quality: number } {
  const L = confidence.length;
  const n = qualities[0].length;
  let cost = 0;
  let quality = 0;
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (; j < L - 1; j++) {
      if (confidence[j][i] >= thresholds[j]) break;
      cost += costs[j][i];
    }
    cost += costs[j][i];
    quality += qualities[j][i];
  }
  const objective = lambda === Infinity ? -cost / n : (quality - lambda * cost) / n;
  return { objective, cost: cost / n, quality: quality / n };
}

/** Scratch arrays of a chain's optimisations, reused across their steps. */
interface Workspace {
  /** Whether a query reaches the stage swept (by query, or in a block step by position in that stage's confidence order). */
  readonly reach: Uint8Array;
  /** Value of a query that goes past the block: quality minus lambda times the later stages' cost (indexed as `reach`). */
  readonly after: Float64Array;
  /** Per position p of a stage's confidence order, an upper bound of what passing on more queries from p on can add (see {@link bestBlockThresholds}). */
  readonly rest: Float64Array;
  /** For {@link skipAhead}: the block's objective before position p of the scan. */
  readonly objectiveAt: Float64Array;
  /** For {@link skipAhead}: per position p, an upper bound of what passing on fewer queries (only those before some p' <= p) can add to the total of the split at p. */
  readonly back: Float64Array;
  /** For {@link skipAhead}: per position p of a reaching query, its leaf's best prefix sum in the tree before the query was added (-infinity: the leaf was empty). */
  readonly leafBefore: Float64Array;
  /** Per block j, where its last scan found its best split (a position of its order), or -1. */
  readonly probes: Int32Array;
  readonly tree: MaxPrefixTree;
  /** Per block j, its stages' columns laid out in stage j's confidence order (built at the block's first step). */
  readonly layouts: (BlockLayout | undefined)[];
  /** Block steps taken at the shadow price `stepsLambda`, by block and the thresholds they read (see {@link blockStep}). */
  readonly steps: Map<string, BlockStep | null>;
  stepsLambda: number;
}

/**
 * Marks the queries that reach stage `j` (every earlier stage passed them on) and, for those,
 * the value V(i) they get after stage `from` (exclusive): minus lambda times the cost of each
 * later stage visited, plus the quality of the one that answers. Query i's are stored at
 * `position[i]` when given (a block step's layout), else at i. O(n L).
 */
function reachAndValueAfter(problem: ChainProblem, thresholds: ArrayLike<number>, j: number, from: number, lambda: number, ws: Workspace, position?: Uint32Array): void {
  const { confidence, cost, quality } = problem;
  const L = confidence.length;
  const n = ws.reach.length;
  const { reach, after } = ws;
  for (let i = 0; i < n; i++) {
    const p = position ? position[i] : i;
    let r = 1;
    for (let k = 0; k < j; k++) {
      if (confidence[k][i] >= thresholds[k]) {
        r = 0;
        break;
      }
    }
    reach[p] = r;
    if (r === 0) continue;
    let v = 0;
    for (let k = from + 1; k < L; k++) {
      v -= lambda * cost[k][i];
      if (k === L - 1 || confidence[k][i] >= thresholds[k]) {
        v += quality[k][i];
        break;
      }
    }
    after[p] = v;
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

/** Sets node p of a {@link MaxPrefixTree}'s array from its two children: their summed sums, and the better of the left best and the left sum plus the right best (the right on a tie). */
function setNode(t: Float64Array, p: number): void {
  const l = 4 * p;
  const sumLeft = t[l];
  const viaRight = sumLeft + t[l + 3];
  const bestLeft = t[l + 1];
  t[2 * p] = sumLeft + t[l + 2];
  t[2 * p + 1] = viaRight >= bestLeft ? viaRight : bestLeft;
}

/**
 * A segment tree over the distinct confidence values of one stage (descending), holding per
 * value the summed gain of the queries inserted so far, that answers "best prefix sum ending
 * at a value some inserted query has" in O(1) after O(log G) per insertion, and where that
 * prefix ends in O(log G). Among equal prefix sums the longer prefix wins. Node p keeps its
 * sum at `node[2p]` and its best prefix sum at `node[2p + 1]`: the two children a step reads
 * share a cache line.
 */
class MaxPrefixTree {
  readonly node: Float64Array;
  /** Leaves in use since the last reset (a power of two). */
  used = 1;
  constructor(leaves: number) {
    let size = 1;
    while (size < leaves) size <<= 1;
    this.node = new Float64Array(4 * size);
  }
  /** The best prefix sum (-infinity while nothing is inserted). */
  get best(): number {
    return this.node[3];
  }
  /** Empties the tree and sizes it for `leaves` values (at most the constructor's). */
  reset(leaves: number): void {
    let size = 1;
    while (size < leaves) size <<= 1;
    this.used = size;
    const t = this.node;
    for (let k = 0; k < 4 * size; k += 2) {
      t[k] = 0;
      t[k + 1] = -Infinity;
    }
  }
  add(leaf: number, gain: number): void {
    this.addLeaf(leaf, gain);
    const t = this.node;
    for (let p = (this.used + leaf) >> 1; p >= 1; p >>= 1) setNode(t, p);
  }
  /**
   * Adds `gain` at a leaf without updating the nodes above it (as {@link add} does at the
   * leaf): {@link rebuild} then brings them up to date.
   */
  addLeaf(leaf: number, gain: number): void {
    const t = this.node;
    const p = this.used + leaf;
    const s = t[2 * p] + gain;
    t[2 * p] = s;
    t[2 * p + 1] = s;
  }
  /** A leaf's best prefix sum: its sum, or -infinity while nothing was added to it. */
  leafBest(leaf: number): number {
    return this.node[2 * (this.used + leaf) + 1];
  }
  /**
   * Puts a leaf back as it was when {@link leafBest} gave `best` (the nodes above it are set by
   * {@link rebuild}): a leaf holds its sum twice, or 0 and -infinity while empty.
   */
  setLeaf(leaf: number, best: number): void {
    const t = this.node;
    const p = this.used + leaf;
    t[2 * p] = best === -Infinity ? 0 : best;
    t[2 * p + 1] = best;
  }
  /**
   * Sets every node from its children, as {@link add} sets the nodes on its way up. A node
   * holds a function of its children's values only, so after any leaves are added the tree
   * is the one {@link add} would have built, bit for bit. O(leaves).
   */
  rebuild(): void {
    const t = this.node;
    for (let p = this.used - 1; p >= 1; p--) setNode(t, p);
  }
  /**
   * The leaf where the best prefix ends: down from the root, right wherever the right child
   * gives the node its best (the comparison `add` made when it last set the node), else left.
   */
  end(): number {
    const t = this.node;
    let p = 1;
    while (p < this.used) {
      const l = 4 * p;
      p = t[l] + t[l + 3] >= t[l + 1] ? 2 * p + 1 : 2 * p;
    }
    return p - this.used;
  }
}

/**
 * Block j's columns in stage j's confidence order (position p holds query `order[p]`): the
 * scans of {@link bestBlockThresholds} then read them in sequence instead of through the order.
 */
interface BlockLayout {
  /** Per query, its position in stage j's confidence order. */
  readonly position: Uint32Array;
  /** Stage j's confidence (ascending) and quality. */
  readonly confidence: Float64Array;
  readonly quality: Float64Array;
  /** Stage j+1's cost, quality and confidence rank (its leaf in the tree). */
  readonly nextCost: Float64Array;
  readonly nextQuality: Float64Array;
  readonly nextRank: Uint32Array;
}

function blockLayout(problem: ChainProblem, j: number): BlockLayout {
  const known = problem.workspace.layouts[j];
  if (known) return known;
  const { order } = problem.index[j];
  const { rank } = problem.index[j + 1];
  const n = order.length;
  const position = new Uint32Array(n);
  for (let p = 0; p < n; p++) position[order[p]] = p;
  const layout: BlockLayout = {
    position,
    confidence: gather(problem.confidence[j], order, new Float64Array(n)),
    quality: gather(problem.quality[j], order, new Float64Array(n)),
    nextCost: gather(problem.cost[j + 1], order, new Float64Array(n)),
    nextQuality: gather(problem.quality[j + 1], order, new Float64Array(n)),
    nextRank: gather(rank, order, new Uint32Array(n)),
  };
  problem.workspace.layouts[j] = layout;
  return layout;
}

/** `out[p] = column[order[p]]` for every p; returns `out`. O(n). */
function gather<T extends Float64Array | Uint32Array>(column: ArrayLike<number>, order: Uint32Array, out: T): T {
  for (let p = 0; p < order.length; p++) out[p] = column[order[p]];
  return out;
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
function restBounds(layout: BlockLayout, lambda: number, ws: Workspace): number {
  const { quality: qj, nextCost: ck, nextQuality: qk } = layout;
  const { reach, after, rest } = ws;
  const n = reach.length;
  let bound = 0;
  let scale = 1;
  rest[n] = 0;
  for (let p = n - 1; p >= 0; p--) {
    if (reach[p] === 1) {
      const d = after[p] - lambda * ck[p] - qj[p];
      const g = qk[p] - after[p];
      bound += g > 0 ? d + g : d;
      if (bound < 0) bound = 0;
      scale += Math.abs(d) + Math.abs(g) + Math.abs(qj[p]);
    }
    rest[p] = bound;
  }
  return 1e-9 * scale;
}

/**
 * The outcome of a block step that reads only the other thresholds: the best t_j, and the best
 * t_{j+1} or `undefined` for "keep the current one" (no split beat answering every reaching
 * query at stage j). `null`: no query reaches stage j (both thresholds stay).
 */
interface BlockStep {
  readonly j: number;
  readonly k: number | undefined;
}

/**
 * The exact best pair of thresholds (t_j, t_{j+1}) of two adjacent boundaries with every
 * other threshold fixed. Raising t_j sends more of the queries reaching stage j on to stage
 * j+1, one confidence group at a time; for the set passed on, the best t_{j+1} is a maximum
 * prefix sum of q_{j+1} - V_{j+2} down stage j+1's confidence order, kept by a segment tree.
 * Ties: the cheaper choice (more answered earlier). The answer depends on t_j and t_{j+1}
 * only through the fallbacks of {@link BlockStep}. O(n L + n log n).
 */
function bestBlockThresholds(problem: ChainProblem, thresholds: ArrayLike<number>, j: number, lambda: number, ws: Workspace): BlockStep | null {
  const layout = blockLayout(problem, j);
  reachAndValueAfter(problem, thresholds, j, j + 1, lambda, ws, layout.position);
  const { confidence: sj, quality: qj, nextCost: ck, nextQuality: qk, nextRank: leaf } = layout;
  const { values } = problem.index[j + 1];
  const { reach, after, tree } = ws;
  tree.reset(values.length);
  const n = reach.length;
  // Everything reaching stage j answered there: the starting point.
  let objective = 0;
  let lowest = NaN;
  for (let p = 0; p < n; p++) {
    if (reach[p] === 1) {
      objective += qj[p];
      if (Number.isNaN(lowest)) lowest = sj[p];
    }
  }
  if (Number.isNaN(lowest)) return null;
  const margin = restBounds(layout, lambda, ws);
  const { rest } = ws;
  let bestObjective = objective;
  let bestJ = lowest;
  let bestK: number | undefined;
  let bestAt = -1;
  let p = 0;
  const probe = ws.probes[j];
  if (search.skipAhead && probe > 0 && probe < n) {
    p = skipAhead(layout, lambda, ws, probe, objective, margin);
    if (p > 0) objective = ws.objectiveAt[p];
    search.skipped += p;
  }
  const from = p;
  while (p < n) {
    // Pass on the group of reaching queries with the lowest remaining stage-j confidence.
    const v = sj[p];
    let moved = false;
    for (; p < n && sj[p] === v; p++) {
      if (reach[p] !== 1) continue;
      moved = true;
      objective += after[p] - lambda * ck[p] - qj[p];
      tree.add(leaf[p], qk[p] - after[p]);
    }
    if (!moved) continue;
    const prefix = tree.best;
    const total = objective + (prefix >= 0 ? prefix : 0);
    if (total > bestObjective) {
      bestObjective = total;
      while (p < n && reach[p] !== 1) p++;
      bestJ = p < n ? sj[p] : Infinity;
      bestK = prefix >= 0 ? values[tree.end()] : Infinity;
      bestAt = p;
    } else if (total + rest[p] + margin < bestObjective) {
      // No later split can reach the best: stop (exact, see restBounds).
      break;
    }
  }
  ws.probes[j] = bestAt;
  search.scanned += p - from;
  return { j: bestJ, k: bestK };
}

/** Scans that {@link skipAhead} would start this close to their beginning start there. */
const MIN_SKIP = 256;

const search = {
  /** Whether block scans may start ahead ({@link skipAhead}). */
  skipAhead: true,
  /** Positions looked at and left out by block scans so far, and those {@link skipAhead} walked back over to leave them out. */
  scanned: 0,
  skipped: 0,
  walkedBack: 0,
  /** Whether each scan that starts ahead checks its tree against one made from the beginning (for tests), and how many were checked. */
  checkTrees: false,
  treesChecked: 0,
};

/**
 * Whether block scans may start ahead (for tests and benchmarks: off, every scan starts at its
 * beginning, as the scan that finds the same splits), and whether those that do check the tree
 * they start from against one made from the beginning (for tests: slower, and a difference throws).
 */
export function configureChainSearch(options: { readonly skipAhead?: boolean; readonly checkTrees?: boolean }): void {
  if (options.skipAhead !== undefined) search.skipAhead = options.skipAhead;
  if (options.checkTrees !== undefined) search.checkTrees = options.checkTrees;
}

/** Positions the block scans have looked at and left out (skipped ahead), and walked back over to leave them out, and the trees checked, since the process started: for benchmarks and tests. */
export function chainSearchCounts(): { readonly scanned: number; readonly skipped: number; readonly walkedBack: number; readonly treesChecked: number } {
  return { scanned: search.scanned, skipped: search.skipped, walkedBack: search.walkedBack, treesChecked: search.treesChecked };
}

/**
 * For {@link bestBlockThresholds}: the position from which its scan must look at every split,
 * with the tree holding the reaching queries before it (and `ws.objectiveAt` the objective
 * before each position up to `probe`); 0 (and an empty tree) when that saves little. The queries
 * before `probe` (moved to the end of its confidence group) are put in the tree's leaves alone
 * and the tree rebuilt: the total there, T, is one the scan reaches (or, with no split yet,
 * the objective it starts from), so its best is at least T. Then, back from the probe, the
 * queries are taken out of the tree one at a time, which gives the total of the split at each
 * earlier position m as the scan would find it, up to a rounding far below the scan's margin;
 * where it stays below T by twice the margin, the split at m is not the best. The walk stops
 * at a position m where no split at or before it can come that near T: leaving a query in
 * stage j takes its d off the objective and can raise the best prefix by at most -g when its
 * g < 0, so those splits' totals are at most the total at m plus the largest sum of
 * -d + max(0, -g) over positions m' .. m-1 (`ws.back`, made on the way up, with a margin for
 * its rounding too). From the first position whose split may be the best (moved back to the
 * start of its confidence group) on, the scan looks at every split as before, its tree (leaves
 * added alone, then rebuilt) and objective (the same sums in the same order) the same as if it
 * had come there step by step, and it finds the same best split. O(probe + leaves + the
 * positions walked back over times log leaves).
 */
function skipAhead(layout: BlockLayout, lambda: number, ws: Workspace, probe: number, start: number, margin: number): number {
  const { confidence: sj, quality: qj, nextCost: ck, nextQuality: qk, nextRank: leaf } = layout;
  const { reach, after, tree, objectiveAt, back, leafBefore } = ws;
  const n = reach.length;
  let m0 = probe;
  while (m0 < n && sj[m0] === sj[m0 - 1]) m0++;
  let objective = start;
  let bound = 0;
  for (let p = 0; p < m0; p++) {
    objectiveAt[p] = objective;
    back[p] = bound;
    if (reach[p] !== 1) continue;
    const d = after[p] - lambda * ck[p] - qj[p];
    const g = qk[p] - after[p];
    objective += d;
    leafBefore[p] = tree.leafBest(leaf[p]);
    tree.addLeaf(leaf[p], g);
    // Leaving query p in the first stage takes d off the objective and can raise the best prefix by at most -g when g < 0.
    bound += g < 0 ? -d - g : -d;
    if (bound < 0) bound = 0;
  }
  objectiveAt[m0] = objective;
  back[m0] = bound;
  tree.rebuild();
  const best = tree.best;
  const reached = objective + (best >= 0 ? best : 0);
  // Backwards from the probe, the queries taken out of the tree one by one: the total of the
  // split at each position (the tree's best as the scan would find it, up to rounding far below
  // the margin), and the first position whose split may not be left out; the walk stops where
  // no earlier split can come near the total reached (see `back`).
  let from = m0;
  let walked = m0;
  for (let p = m0 - 1; p >= 1; p--) {
    if (reach[p] === 1) tree.add(leaf[p], after[p] - qk[p]);
    walked = p;
    search.walkedBack++;
    const b = tree.best;
    const total = objectiveAt[p] + (b >= 0 ? b : 0);
    if (!(total + 2 * margin < reached)) from = p;
    else if (total + back[p] + 2 * margin < reached) break;
  }
  // The split there is looked at after the confidence group of position from - 1: start at that group.
  let restart = from - 1;
  while (restart > 0 && sj[restart] === sj[restart - 1]) restart--;
  if (restart < MIN_SKIP) {
    tree.reset(tree.used);
    return 0;
  }
  // The tree as adding the queries before `restart` one by one leaves it, without adding them
  // again: back to the probe, each leaf the walk or the queries from `restart` on touched is put
  // back as it was before the first of them (the values kept on the way up, not sums undone);
  // then the queries between the walk's end and `restart` are added again in order, the same
  // sums as on the way up.
  const low = walked < restart ? walked : restart;
  for (let p = m0 - 1; p >= low; p--) if (reach[p] === 1) tree.setLeaf(leaf[p], leafBefore[p]);
  for (let p = low; p < restart; p++) if (reach[p] === 1) tree.addLeaf(leaf[p], qk[p] - after[p]);
  tree.rebuild();
  if (search.checkTrees) checkTree(tree, layout, ws, restart);
  return restart;
}

/**
 * For tests ({@link configureChainSearch} `checkTrees`): throws unless `tree` is, bit for bit,
 * the tree that adding the reaching queries before `restart` one by one to an empty tree gives.
 * O(restart + leaves).
 */
function checkTree(tree: MaxPrefixTree, layout: BlockLayout, ws: Workspace, restart: number): void {
  const { nextQuality: qk, nextRank: leaf } = layout;
  const { reach, after } = ws;
  const want = new MaxPrefixTree(tree.used);
  want.reset(tree.used);
  for (let p = 0; p < restart; p++) if (reach[p] === 1) want.addLeaf(leaf[p], qk[p] - after[p]);
  want.rebuild();
  for (let k = 2; k < 4 * tree.used; k++) {
    if (!Object.is(tree.node[k], want.node[k])) throw new Error(`a block scan's tree started at ${restart} differs at node ${k >> 1} (internal error)`);
  }
  search.treesChecked++;
}

/**
 * {@link bestBlockThresholds} applied to `thresholds` (sets t_j and t_{j+1}; returns whether
 * either changed). A step reads the other thresholds, lambda and the data, nothing else (t_j
 * and t_{j+1} only as the values to keep, see {@link BlockStep}), so a step already taken at
 * the same shadow price with the same other thresholds (coordinate ascent comes back to a
 * block it has just settled, and the cold start meets the warm one) is looked up instead of
 * recomputed: the same answer, bit for bit.
 */
function blockStep(problem: ChainProblem, thresholds: Float64Array, j: number, lambda: number, ws: Workspace): boolean {
  if (!Object.is(ws.stepsLambda, lambda)) {
    ws.steps.clear();
    ws.stepsLambda = lambda;
  }
  let key = `${j}`;
  for (let k = 0; k < thresholds.length; k++) if (k !== j && k !== j + 1) key += `,${thresholds[k]}`;
  let step = ws.steps.get(key);
  if (step === undefined) {
    step = bestBlockThresholds(problem, thresholds, j, lambda, ws);
    ws.steps.set(key, step);
  }
  if (step === null) return false;
  const a = step.j;
  const b = step.k ?? thresholds[j + 1];
  if (a === thresholds[j] && b === thresholds[j + 1]) return false;
  thresholds[j] = a;
  thresholds[j + 1] = b;
  return true;
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
      if (blockStep(problem, thresholds, j, lambda, ws)) consistent = 1;
      else consistent++;
      steps++;
      j = j === 0 ? L - 3 : j - 1;
      if (steps % blocks === 0 && consistent < blocks) {
        // Ties can make thresholds move without gain: stop when a whole pass does not raise the objective.
        const now = problemObjective(problem, thresholds, lambda).objective;
        if (!(now > objective + 1e-12 * Math.abs(objective))) break;
        objective = now;
      }
    }
    passes = Math.ceil(steps / blocks);
  }
  return { thresholds, passes, ...problemObjective(problem, thresholds, lambda) };
}
