import type { Dataset } from '../types.ts';

/**
 * The exact path of a per-query routing rule `argmax_m score_m(i) - lambda * cost_m(i)` as
 * lambda goes from 0 to +infinity. Each query's choice moves to cheaper models at a few
 * breakpoints (the upper envelope of its k lines); `events` lists every move, sorted by lambda.
 * Ties at a breakpoint go to the cheaper model (lower decision cost, then lower model index).
 */
export interface RoutingPath {
  readonly n: number;
  readonly k: number;
  /** Choice per query at lambda = 0 (model index). */
  readonly initial: Uint8Array;
  /** Breakpoints, ascending, with the query that moves and from which model to which. */
  readonly lambda: Float64Array;
  readonly query: Uint32Array;
  readonly from: Uint8Array;
  readonly to: Uint8Array;
}

/**
 * Computes a {@link RoutingPath} from decision scores and decision costs (k arrays of n).
 * O(n k^2 + E log E) for E breakpoints (at most n (k - 1)).
 * @throws RangeError when the arrays disagree in shape or k > 255.
 */
export function routingPath(score: readonly Float64Array[], cost: readonly Float64Array[]): RoutingPath {
  const k = score.length;
  if (k === 0 || k > 255 || cost.length !== k) throw new RangeError(`routingPath: needs 1..255 models with a score and a cost each, got ${k} and ${cost.length}`);
  const n = score[0].length;
  for (let m = 0; m < k; m++) {
    if (score[m].length !== n || cost[m].length !== n) throw new RangeError('routingPath: every score and cost array must have one entry per query');
  }
  const initial = new Uint8Array(n);
  const evLambda: number[] = [];
  const evQuery: number[] = [];
  const evFrom: number[] = [];
  const evTo: number[] = [];
  for (let i = 0; i < n; i++) {
    let cur = 0;
    for (let m = 1; m < k; m++) {
      const better = score[m][i] > score[cur][i] || (score[m][i] === score[cur][i] && cost[m][i] < cost[cur][i]);
      if (better) cur = m;
    }
    initial[i] = cur;
    let at = 0;
    for (;;) {
      let next = -1;
      let cross = Infinity;
      for (let m = 0; m < k; m++) {
        if (!(cost[m][i] < cost[cur][i])) continue;
        // Where line m overtakes the current line; never before the current breakpoint.
        const l = Math.max(at, (score[cur][i] - score[m][i]) / (cost[cur][i] - cost[m][i]));
        if (l < cross || (l === cross && next >= 0 && cost[m][i] < cost[next][i])) {
          cross = l;
          next = m;
        }
      }
      if (next < 0 || !Number.isFinite(cross)) break;
      evLambda.push(cross);
      evQuery.push(i);
      evFrom.push(cur);
      evTo.push(next);
      cur = next;
      at = cross;
    }
  }
  const order = Array.from({ length: evLambda.length }, (_, e) => e).sort((a, b) => evLambda[a] - evLambda[b] || a - b);
  return {
    n,
    k,
    initial,
    lambda: Float64Array.from(order, (e) => evLambda[e]),
    query: Uint32Array.from(order, (e) => evQuery[e]),
    from: Uint8Array.from(order, (e) => evFrom[e]),
    to: Uint8Array.from(order, (e) => evTo[e]),
  };
}

/**
 * Where to read a path, as counts of breakpoints applied (0 = every query at its lambda = 0
 * choice). Candidates are the ends of the groups of equal lambda (`perEvent` false: one point
 * per distinct shadow price) or every single move (`perEvent` true: queries that tie at a
 * shadow price move one at a time, in query order, which traces the segment between the two
 * group ends with deterministic policies). At most `count` positions: all candidates when
 * they fit, else candidates at evenly spaced ranks from the first to the last. Ascending. O(E).
 */
export function pathSamplePositions(path: RoutingPath, count: number, perEvent = false): number[] {
  const E = path.lambda.length;
  const candidates: number[] = [];
  for (let e = 1; e <= E; e++) if (perEvent || e === E || path.lambda[e] !== path.lambda[e - 1]) candidates.push(e);
  const take = Math.max(2, Math.floor(count)) - 1;
  const pick = candidates.length <= take ? candidates : Array.from({ length: take }, (_, s) => candidates[Math.round((s * (candidates.length - 1)) / Math.max(1, take - 1))]);
  const out = [0];
  for (const v of pick) if (v !== out[out.length - 1]) out.push(v);
  return out;
}

/** Mean realised cost and quality of a path at one position, and the share of queries per model. */
export interface PathPoint {
  /** The shadow price of the last breakpoint applied (0 at the start). */
  readonly lambda: number;
  readonly cost: number;
  readonly quality: number;
  /** Share of queries routed to each model (index as in the path). */
  readonly share: readonly number[];
}

/**
 * Reads a path at ascending positions ({@link pathSamplePositions}): the realised mean cost and
 * quality (what the chosen model really cost and scored), weighting query i by `weights[i]`
 * (default 1; bootstrap resamples pass their counts), with the share of queries per model.
 * O(n k + E + positions k).
 * @throws RangeError when `positions` is not ascending within 0..E.
 */
export function pathPoints(path: RoutingPath, realizedQuality: readonly Float64Array[], realizedCost: readonly Float64Array[], positions: readonly number[], weights?: ArrayLike<number>): PathPoint[] {
  const out: PathPoint[] = [];
  walkPath(path, realizedQuality, realizedCost, positions, weights, (s, cost, quality, mass, total) => {
    out.push({ lambda: positions[s] > 0 ? path.lambda[positions[s] - 1] : 0, cost, quality, share: Array.from(mass, (x) => x / total) });
  });
  return out;
}

/**
 * {@link pathPoints} without shares or allocation, for resampling: mean cost and quality at
 * position s go to `cost[s]` and `quality[s]`. O(n + E + positions).
 */
export function pathMeansInto(
  path: RoutingPath,
  realizedQuality: readonly Float64Array[],
  realizedCost: readonly Float64Array[],
  positions: readonly number[],
  weights: ArrayLike<number> | undefined,
  cost: Float64Array,
  quality: Float64Array,
): void {
  pathMeansReader(path, realizedQuality, realizedCost, positions)(weights, cost, quality);
}

/** Reads a path's mean cost and quality at fixed positions under any weights ({@link pathMeansReader}). */
export type PathMeansReader = (weights: ArrayLike<number> | undefined, cost: Float64Array, quality: Float64Array) => void;

/**
 * {@link pathMeansInto} prepared once for many weightings (the bootstrap): each query's
 * starting cost and quality and each move's change of cost and quality are looked up once, so
 * a reading is one weighted pass over the queries and one over the moves up to the last
 * position, skipping moves of queries weighted 0. The figures are bit for bit those of
 * {@link pathPoints} (the same products summed in the same order). O(n + E) to prepare,
 * O(n + E + positions) per reading.
 * @throws RangeError when `positions` is not ascending within 0..E.
 */
export function pathMeansReader(path: RoutingPath, realizedQuality: readonly Float64Array[], realizedCost: readonly Float64Array[], positions: readonly number[]): PathMeansReader {
  const { n } = path;
  const E = path.lambda.length;
  let last = 0;
  for (const position of positions) {
    if (!(position >= last && position <= E)) throw new RangeError('pathPoints: positions must ascend within the breakpoints');
    last = position;
  }
  const startCost = new Float64Array(n);
  const startQuality = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = path.initial[i];
    startCost[i] = realizedCost[m][i];
    startQuality[i] = realizedQuality[m][i];
  }
  const moveCost = new Float64Array(last);
  const moveQuality = new Float64Array(last);
  for (let e = 0; e < last; e++) {
    const i = path.query[e];
    const a = path.from[e];
    const b = path.to[e];
    moveCost[e] = realizedCost[b][i] - realizedCost[a][i];
    moveQuality[e] = realizedQuality[b][i] - realizedQuality[a][i];
  }
  const query = path.query;
  const ones = new Float64Array(n).fill(1);
  return (weights, cost, quality) => {
    const w8 = weights ?? ones;
    let total = 0;
    let c = 0;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const w = w8[i];
      total += w;
      c += w * startCost[i];
      q += w * startQuality[i];
    }
    let e = 0;
    for (let s = 0; s < positions.length; s++) {
      const position = positions[s];
      for (; e < position; e++) {
        const w = w8[query[e]];
        // A move weighted 0 adds a zero, which leaves a sum as it is.
        if (w === 0) continue;
        c += w * moveCost[e];
        q += w * moveQuality[e];
      }
      cost[s] = c / total;
      quality[s] = q / total;
    }
  };
}

function walkPath(
  path: RoutingPath,
  realizedQuality: readonly Float64Array[],
  realizedCost: readonly Float64Array[],
  positions: readonly number[],
  weights: ArrayLike<number> | undefined,
  visit: (s: number, cost: number, quality: number, mass: Float64Array, total: number) => void,
): void {
  const { n, k } = path;
  const w8 = weights ?? new Float64Array(n).fill(1);
  let total = 0;
  let cost = 0;
  let quality = 0;
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const w = w8[i];
    const m = path.initial[i];
    total += w;
    cost += w * realizedCost[m][i];
    quality += w * realizedQuality[m][i];
    mass[m] += w;
  }
  let e = 0;
  positions.forEach((position, s) => {
    if (!(position >= e && position <= path.lambda.length)) throw new RangeError('pathPoints: positions must ascend within the breakpoints');
    for (; e < position; e++) {
      const i = path.query[e];
      const w = w8[i];
      const a = path.from[e];
      const b = path.to[e];
      cost += w * (realizedCost[b][i] - realizedCost[a][i]);
      quality += w * (realizedQuality[b][i] - realizedQuality[a][i]);
      mass[a] -= w;
      mass[b] += w;
    }
    visit(s, cost / total, quality / total, mass, total);
  });
}

/**
 * The perfect-routing path of a dataset: each query to `argmax_m q_m(i) - lambda c_m(i)` with
 * its true outcomes. An upper limit of any router on these models, not a policy (it needs the
 * answers). Models in dataset order. O(n k^2 + E log E).
 */
export function perfectRoutingPath(ds: Dataset): RoutingPath {
  return routingPath(
    ds.models.map((m) => m.quality),
    ds.models.map((m) => m.cost),
  );
}
