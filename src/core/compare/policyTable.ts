import type { Dataset, ModelColumns, PolicySpec } from '../types.ts';
import { confidenceOrder } from '../pairCurve.ts';
import { countBelow } from '../sortIndices.ts';
import { modelByName } from '../policy.ts';
import { chainStops } from '../chain/evaluate.ts';
import {
  type ChainColumns,
  type ChainDelta,
  chainDeltaSums,
  chainPlanOrder,
  type DeltaPlanner,
  outcomeColumnsOf,
  type PolicyMeans,
  planHere,
  sharedFloat64,
  type SummedColumns,
} from './chainDeltas.ts';

export type { PolicyMeans } from './chainDeltas.ts';

/**
 * Many fixed policies measured on one set of queries, again and again under different query
 * weights (the bootstrap). Pairs share one sort of the cheap model's confidences: a resample
 * costs one weighted prefix sum per pair of models and O(1) per threshold; singles one sum per
 * model; longer chains a dot product with their per-query outcomes (for resamples, with the
 * differences of their outcomes from a close chain's or model's, see `chainDeltaPlan`).
 */
export interface PolicyTable {
  readonly policies: readonly PolicySpec[];
  /** Means under `weights` (default: every query once). O(pairs n + models n + chains n). */
  measure(weights?: ArrayLike<number>): PolicyMeans;
  /** {@link measure} under each weighting, bit for bit; chains are summed for four weightings per pass over their outcomes. */
  measureEach(weightings: readonly ArrayLike<number>[]): PolicyMeans[];
  /**
   * {@link measureEach} for bootstrap resamples: the same means up to rounding (the same
   * products, summed in another order): each chain is summed as the chain or single model it
   * differs least from plus the weighted differences on the queries where their outcomes differ.
   */
  measureResamples(weightings: readonly ArrayLike<number>[]): PolicyMeans[];
  /**
   * What {@link measureResamples} reads, prepared once (the chains' delta plan finished when
   * first asked for), in shared memory: another thread measures resamples from it
   * ({@link resampleTable}) without preparing it again.
   */
  readonly prepared: PreparedTable;
}

/**
 * The prepared part of a {@link PolicyTable} that {@link PolicyTable.measureResamples} reads, as
 * plain data whose large arrays are in shared memory (`SharedArrayBuffer`): sent to a worker
 * thread, they are shared, not copied. The models' own columns are not part of it.
 */
export interface PreparedTable {
  readonly n: number;
  /** Per single model (by name), the indexes of its policies. */
  readonly singles: readonly (readonly [string, readonly number[]])[];
  /** Names of the models whose weighted sums singles, pairs and chains start from. */
  readonly summed: readonly string[];
  readonly plans: readonly PairPlan[];
  readonly deltas: readonly ChainDelta[];
}

interface PairGroup {
  readonly cheap: ModelColumns;
  readonly expensive: ModelColumns;
  readonly order: Uint32Array;
  /** (policy index, escalated count = queries with confidence < threshold) */
  readonly members: [number, number][];
}

/** A pair's columns laid out in the cheap model's confidence order, with its members by escalated count. */
interface PairPlan {
  readonly cheap: string;
  readonly order: Uint32Array;
  readonly expensiveCost: Float64Array;
  readonly gain: Float64Array;
  readonly cheapCost: Float64Array;
  readonly members: readonly (readonly [number, number])[];
}

/**
 * Prepares a {@link PolicyTable}, the chains' delta plan by `planner` (default: in this thread),
 * started before the pairs' plans are made. O(pairs n log n + chains (group) n L), with one
 * byte per query kept for each chain.
 * @throws Error for an unknown model or a threshold count that does not fit the stages.
 */
export function policyTable(ds: Dataset, policies: readonly PolicySpec[], planner: DeltaPlanner = planHere): PolicyTable {
  const n = ds.n;
  const singles = new Map<string, number[]>();
  const pairs = new Map<string, PairGroup>();
  const chains: ChainColumns[] = [];
  policies.forEach((policy, index) => {
    const stages = policy.models.map((m) => modelByName(ds, m));
    if (policy.thresholds.length !== stages.length - 1) {
      throw new Error(`a policy of ${stages.length} stages needs ${stages.length - 1} thresholds, got ${policy.thresholds.length}`);
    }
    if (stages.length === 1) {
      const list = singles.get(stages[0].name) ?? [];
      list.push(index);
      singles.set(stages[0].name, list);
    } else if (stages.length === 2) {
      const key = JSON.stringify(policy.models);
      let group = pairs.get(key);
      if (!group) {
        group = { cheap: stages[0], expensive: stages[1], order: confidenceOrder(stages[0]), members: [] };
        pairs.set(key, group);
      }
      group.members.push([index, countBelow(stages[0].confidence, group.order, policy.thresholds[0] ?? Infinity)]);
    } else {
      const stop = chainStops(
        stages,
        policy.thresholds.map((t) => t ?? Infinity),
      );
      chains.push({ index, models: policy.models, stop, costs: stages.map((m) => m.cost), qualities: stages.map((m) => m.quality) });
    }
  });
  // Model sums are shared by singles and by every pair with that cheap model.
  const summed = [...new Set([...singles.keys(), ...[...pairs.values()].map((g) => g.cheap.name)])].map((name) => modelByName(ds, name));
  const sumIndex = new Map(summed.map((m, k) => [m.name, k]));
  const planned = planner(chainPlanOrder(chains), summed);
  // Pairs with the same cheap model next to each other: they read the weights in the same order.
  const plans: PairPlan[] = [...pairs.values()]
    .sort((a, b) => sumIndex.get(a.cheap.name)! - sumIndex.get(b.cheap.name)!)
    .map((g) => {
      const expensiveCost = sharedFloat64(n);
      const gain = sharedFloat64(n);
      const cheapCost = sharedFloat64(n);
      for (let j = 0; j < n; j++) {
        const i = g.order[j];
        expensiveCost[j] = g.expensive.cost[i];
        gain[j] = g.expensive.quality[i] - g.cheap.quality[i];
        cheapCost[j] = g.cheap.cost[i];
      }
      const order = new Uint32Array(new SharedArrayBuffer(4 * n));
      order.set(g.order);
      return { cheap: g.cheap.name, order, expensiveCost, gain, cheapCost, members: [...g.members].sort((a, b) => a[1] - b[1]) };
    });
  // The plan is finished when resamples are first measured (or the prepared table is asked for): until then, a worker's steps go on beside this thread's work.
  let deltas: readonly ChainDelta[] | undefined;
  return tableOf({ n, singles: [...singles], summed: summed.map((m) => m.name), plans }, () => (deltas ??= planned()), chains.length, policies, summed, chains);
}

/**
 * A {@link PolicyTable} that measures resamples only ({@link PolicyTable.measureResamples}; the
 * other measures throw), from a table prepared elsewhere and the models' columns (by name).
 * O(1): nothing is prepared again.
 * @throws Error for a summed model missing from `models`.
 */
export function resampleTable(prepared: PreparedTable, policies: readonly PolicySpec[], models: readonly SummedColumns[]): PolicyTable {
  const summed = prepared.summed.map((name) => {
    const m = models.find((x) => x.name === name);
    if (!m) throw new Error(`resampleTable: no columns for model "${name}"`);
    return m;
  });
  return tableOf(prepared, () => prepared.deltas, prepared.deltas.length, policies, summed, undefined);
}

/**
 * The measures of a prepared table, its delta plan (of `chainCount` chains) by `deltasOf` when
 * first needed; without the chains' outcomes (`chains` undefined) only resamples.
 */
function tableOf(
  prepared: Omit<PreparedTable, 'deltas'>,
  deltasOf: () => readonly ChainDelta[],
  chainCount: number,
  policies: readonly PolicySpec[],
  summed: readonly SummedColumns[],
  chains: readonly ChainColumns[] | undefined,
): PolicyTable {
  const { n, plans } = prepared;
  let whole: PreparedTable | undefined;
  const singles = new Map(prepared.singles);
  const sumIndex = new Map(summed.map((m, k) => [m.name, k]));
  // Per plan, how far its pass reads: its last member's escalated count.
  const reads = plans.map((plan) => (plan.members.length > 0 ? plan.members[plan.members.length - 1][1] : 0));
  // Per plan, how far the weights are gathered in its cheap model's order: as far as any pair of that cheap model reads.
  const gatherUpTo = plans.map((plan) => Math.max(...reads.filter((_, m) => plans[m].cheap === plan.cheap)));
  // A block of four weightings side by side (query i's four weights at 4i .. 4i + 3, one cache
  // line), and the same in a cheap model's confidence order for its pairs.
  const side = new Float64Array(4 * n);
  const ordered = new Float64Array(4 * n);
  const raw = new Float64Array(12 * chainCount);
  const ones = new Float64Array(n).fill(1);
  // A chain's outcome columns, written from its answering stages for each pass over it.
  const outcomeColumns = chains && chains.length > 0 ? outcomeColumnsOf(n) : undefined;
  /**
   * Every policy under up to four weightings, each lane of every sum adding the same products
   * in the same order as one weighting alone would (the free lanes repeat the last weighting).
   */
  const measureFour = (weightings: readonly ArrayLike<number>[], resampled: boolean): PolicyMeans[] => {
    const P = policies.length;
    const lanes = weightings.length;
    const out: PolicyMeans[] = weightings.map(() => ({ cost: new Float64Array(P), quality: new Float64Array(P), structuralCost: new Float64Array(P) }));
    const lane = (k: number) => weightings[Math.min(k, lanes - 1)];
    const [wa, wb, wc, wd] = [lane(0), lane(1), lane(2), lane(3)];
    const total = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      total[0] += wa[i];
      total[1] += wb[i];
      total[2] += wc[i];
      total[3] += wd[i];
    }
    // Per summed model and lane: its weighted cost and quality sums.
    const sumCost = summed.map(() => [0, 0, 0, 0]);
    const sumQuality = summed.map(() => [0, 0, 0, 0]);
    summed.forEach((m, k) => {
      const [c, q] = laneSums2(n, m.cost, m.quality, wa, wb, wc, wd);
      sumCost[k] = c;
      sumQuality[k] = q;
    });
    for (const [name, members] of singles) {
      const k = sumIndex.get(name)!;
      for (const p of members) {
        for (let l = 0; l < lanes; l++) {
          out[l].cost[p] = sumCost[k][l] / total[l];
          out[l].quality[p] = sumQuality[k][l] / total[l];
        }
      }
    }
    for (let i = 0; i < n; i++) {
      side[4 * i] = wa[i];
      side[4 * i + 1] = wb[i];
      side[4 * i + 2] = wc[i];
      side[4 * i + 3] = wd[i];
    }
    plans.forEach((plan, k) => {
      // The weights in the cheap model's confidence order, once for the pairs that share it.
      if (k === 0 || plans[k - 1].cheap !== plan.cheap) {
        gather(side, plan.order, gatherUpTo[k], ordered);
      }
      pairSums(plan, n, sumCost[sumIndex.get(plan.cheap)!], sumQuality[sumIndex.get(plan.cheap)!], ordered, total, out);
    });
    if (resampled) chainDeltaSums(deltasOf(), raw, [sumCost, sumQuality], side, total, out);
    else if (chains) chainSums(chains, n, [wa, wb, wc, wd], total, out, outcomeColumns!);
    else throw new Error('this policy table measures resamples only');
    return out;
  };
  const inFours = (weightings: readonly ArrayLike<number>[], resampled: boolean): PolicyMeans[] => {
    const out: PolicyMeans[] = [];
    for (let g = 0; g < weightings.length; g += 4) out.push(...measureFour(weightings.slice(g, g + 4), resampled));
    return out;
  };
  return {
    policies,
    measure: (weights: ArrayLike<number> = ones) => inFours([weights], false)[0],
    measureEach: (weightings) => inFours(weightings, false),
    measureResamples: (weightings) => inFours(weightings, true),
    get prepared() {
      return (whole ??= { ...prepared, deltas: deltasOf() });
    },
  };
}

/** Four weights side by side, in `order`: `out[4j + l] = side[4 order[j] + l]` for j < upTo. O(upTo). */
function gather(side: Float64Array, order: Uint32Array, upTo: number, out: Float64Array): void {
  for (let j = 0; j < upTo; j++) {
    const i = 4 * order[j];
    const o = 4 * j;
    out[o] = side[i];
    out[o + 1] = side[i + 1];
    out[o + 2] = side[i + 2];
    out[o + 3] = side[i + 3];
  }
}

/** Two weighted sums (of `x` and of `y`) under four weightings in one pass: [x sums, y sums] by lane. O(n). */
function laneSums2(n: number, x: Float64Array, y: Float64Array, wa: ArrayLike<number>, wb: ArrayLike<number>, wc: ArrayLike<number>, wd: ArrayLike<number>): [number[], number[]] {
  let xa = 0;
  let xb = 0;
  let xc = 0;
  let xd = 0;
  let ya = 0;
  let yb = 0;
  let yc = 0;
  let yd = 0;
  for (let i = 0; i < n; i++) {
    const u = x[i];
    const v = y[i];
    let w = wa[i];
    xa += w * u;
    ya += w * v;
    w = wb[i];
    xb += w * u;
    yb += w * v;
    w = wc[i];
    xc += w * u;
    yc += w * v;
    w = wd[i];
    xd += w * u;
    yd += w * v;
  }
  return [
    [xa, xb, xc, xd],
    [ya, yb, yc, yd],
  ];
}

/**
 * A pair's members under four weightings (`out`'s lanes; lanes past `out.length` are not
 * stored), given side by side as `w[4j + l]` = the weight in lane l of the query at position j
 * of the cheap model's confidence order: one pass down that order, each member reading the
 * running sums at its escalated count. O(n + members).
 */
function pairSums(plan: PairPlan, n: number, cheapCost: readonly number[], cheapQuality: readonly number[], w: Float64Array, total: readonly number[], out: readonly PolicyMeans[]): void {
  const { expensiveCost, gain, members } = plan;
  const paidCost = plan.cheapCost;
  const add = [0, 0, 0, 0];
  const up = [0, 0, 0, 0];
  const paid = [0, 0, 0, 0];
  let ca = 0;
  let cb = 0;
  let cc = 0;
  let cd = 0;
  let ga = 0;
  let gb = 0;
  let gc = 0;
  let gd = 0;
  let pa = 0;
  let pb = 0;
  let pc = 0;
  let pd = 0;
  let next = 0;
  for (let j = 0; j <= n && next < members.length; j++) {
    if (members[next][1] === j) {
      add[0] = ca;
      add[1] = cb;
      add[2] = cc;
      add[3] = cd;
      up[0] = ga;
      up[1] = gb;
      up[2] = gc;
      up[3] = gd;
      paid[0] = pa;
      paid[1] = pb;
      paid[2] = pc;
      paid[3] = pd;
      while (next < members.length && members[next][1] === j) {
        const p = members[next++][0];
        for (let l = 0; l < out.length; l++) {
          out[l].cost[p] = (cheapCost[l] + add[l]) / total[l];
          out[l].quality[p] = (cheapQuality[l] + up[l]) / total[l];
          out[l].structuralCost[p] = paid[l] / total[l];
        }
      }
    }
    if (j === n) break;
    const x = expensiveCost[j];
    const g = gain[j];
    const c = paidCost[j];
    let v = w[4 * j];
    ca += v * x;
    ga += v * g;
    pa += v * c;
    v = w[4 * j + 1];
    cb += v * x;
    gb += v * g;
    pb += v * c;
    v = w[4 * j + 2];
    cc += v * x;
    gc += v * g;
    pc += v * c;
    v = w[4 * j + 3];
    cd += v * x;
    gd += v * g;
    pd += v * c;
  }
}

/**
 * Each chain's weighted means under four weightings (`out`'s lanes; lanes past `out.length`
 * are not stored), in one pass over its outcomes in query order, written first from its
 * answering stages (`outcomeColumns`, see {@link outcomeColumnsOf}). Written apart from
 * {@link pairSums}, which stops at members: run through the same loop, the chains took half
 * again as long. O(chains n + n L for each change of stages from one chain to the next).
 */
function chainSums(
  chains: readonly ChainColumns[],
  n: number,
  w: readonly ArrayLike<number>[],
  total: readonly number[],
  out: readonly PolicyMeans[],
  outcomeColumns: ReturnType<typeof outcomeColumnsOf>,
): void {
  const [wa, wb, wc, wd] = w;
  for (const ch of chains) {
    let ca = 0;
    let qa = 0;
    let sa = 0;
    let cb = 0;
    let qb = 0;
    let sb = 0;
    let cc = 0;
    let qc = 0;
    let sc = 0;
    let cd = 0;
    let qd = 0;
    let sd = 0;
    const [xc, xq, xs] = outcomeColumns(ch).columns;
    for (let i = 0; i < n; i++) {
      const c = xc[i];
      const q = xq[i];
      const s = xs[i];
      let v = wa[i];
      ca += v * c;
      qa += v * q;
      sa += v * s;
      v = wb[i];
      cb += v * c;
      qb += v * q;
      sb += v * s;
      v = wc[i];
      cc += v * c;
      qc += v * q;
      sc += v * s;
      v = wd[i];
      cd += v * c;
      qd += v * q;
      sd += v * s;
    }
    const sums = [
      [ca, qa, sa],
      [cb, qb, sb],
      [cc, qc, sc],
      [cd, qd, sd],
    ];
    for (let l = 0; l < out.length; l++) {
      out[l].cost[ch.index] = sums[l][0] / total[l];
      out[l].quality[ch.index] = sums[l][1] / total[l];
      out[l].structuralCost[ch.index] = sums[l][2] / total[l];
    }
  }
}
