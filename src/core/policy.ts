import type { Dataset, Measured, ModelColumns, PolicySpec } from './types.ts';
import { bootstrapPercentileIntervals, intervalMethod, normalMeanInterval } from './stats.ts';
import { countBelow, sharedOrder } from './sortIndices.ts';
import { latencyMask, policyLatency } from './latency.ts';
import { ColumnMemo, type MemoColumn } from './columnMemo.ts';
import { keeping } from './keptBetweenCalls.ts';

/** Per-query outcome of a policy: what each query cost, its quality, and whether it escalated. */
export interface PolicyOutcome {
  readonly cost: Float64Array;
  readonly quality: Float64Array;
  readonly escalated: Uint8Array;
}

/** Looks a model up by name. @throws Error naming the model and the models available. */
export function modelByName(dataset: Pick<Dataset, 'models'>, name: string): ModelColumns {
  const m = dataset.models.find((x) => x.name === name);
  if (!m) {
    throw new Error(`unknown model ${JSON.stringify(name)}; the data has ${dataset.models.map((x) => x.name).join(', ')}. Use one of those names.`);
  }
  return m;
}

/**
 * Runs a policy query by query: a query stops at the first stage whose confidence is >= that
 * stage's threshold (null = +infinity, never stops); the last stage always answers; every
 * stage visited is paid. A pair is a chain of two stages; a single model a chain of one.
 * O(n * stages).
 * @throws Error for an unknown model or a threshold count that does not match the stages.
 */
export function policyOutcome(dataset: Dataset, policy: PolicySpec): PolicyOutcome {
  const stages = policy.models.map((name) => modelByName(dataset, name));
  if (stages.length === 0) throw new Error('a policy needs at least one model');
  if (policy.thresholds.length !== stages.length - 1) {
    throw new Error(`a policy of ${stages.length} stages needs ${stages.length - 1} thresholds, got ${policy.thresholds.length}`);
  }
  const thresholds = policy.thresholds.map((t) => (t === null ? Infinity : t));
  const n = dataset.n;
  const cost = new Float64Array(n);
  const quality = new Float64Array(n);
  const escalated = new Uint8Array(n);
  const last = stages.length - 1;
  for (let i = 0; i < n; i++) {
    let c = 0;
    let stage = 0;
    for (; stage < last; stage++) {
      c += stages[stage].cost[i];
      if (stages[stage].confidence[i] >= thresholds[stage]) break;
    }
    if (stage === last) c += stages[last].cost[i];
    cost[i] = c;
    quality[i] = stages[stage].quality[i];
    escalated[i] = stage > 0 ? 1 : 0;
  }
  return { cost, quality, escalated };
}

export interface MeasureOptions {
  /** Bootstrap resamples; 0 for no intervals. */
  readonly resamples: number;
  readonly seed: number;
  readonly level: number;
  /** Also measure mean and p95 latency where the records carry it (O(n log n) per policy). */
  readonly latency?: boolean;
}

/** Sample standard deviation from a sum and a sum of squares of n values (0 for n < 2). */
export function sampleSd(sum: number, sumSquares: number, n: number): number {
  if (n < 2) return 0;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, (sumSquares - n * mean * mean) / (n - 1)));
}

/**
 * Mean cost, quality and escalation rate of a policy on a dataset, with seeded bootstrap
 * percentile intervals over queries when `resamples` > 0. O(n * stages + resamples * n).
 */
export function measurePolicy(dataset: Dataset, policy: PolicySpec, options: MeasureOptions = { resamples: 0, seed: 1, level: 0.95 }): Measured {
  return measurePoliciesJointly(dataset, [policy], options)[0];
}

/**
 * Like {@link measurePolicy} for several policies on the same bootstrap resamples (one draw of
 * queries serves every policy, so their intervals are paired and the cost is paid once).
 * Intervals are bootstrap percentile intervals below {@link NORMAL_INTERVALS_FROM} queries and
 * normal intervals from there on. O(n * stages * p + resamples * n * p).
 */
export function measurePoliciesJointly(dataset: Dataset, policies: readonly PolicySpec[], options: MeasureOptions): Measured[] {
  return measureJointly(dataset, policies, options).measured;
}

/**
 * {@link measurePoliciesJointly}, with the bootstrap percentile intervals of `extra` per-query
 * columns drawn on the very same resamples, each at its own level (so another statistic of these
 * queries, such as the recommendation rule's gain, costs no draw of its own). The extra
 * intervals are there only when the policies' intervals are percentile ones; otherwise
 * `extraIntervals` is empty.
 */
export function measureJointly(
  dataset: Dataset,
  policies: readonly PolicySpec[],
  options: MeasureOptions,
  extra: readonly { readonly values: ArrayLike<number>; readonly level: number }[] = [],
): { measured: Measured[]; extraIntervals: [number, number][] } {
  // Inside keepBetweenCalls, the figures are kept by the memory of the columns they read: a save that changes another model's file measures nothing here.
  if (!keeping() || extra.length > 0 || dataset.n > MAX_KEPT_SWEEP_QUERIES) return measureNow(dataset, policies, options, extra);
  const { columns, key } = measuredKey(dataset, policies, options);
  const known = keptMeasures.get(columns, () => new Map());
  let hit = known.get(key);
  if (!hit) {
    if (known.size >= MAX_KEPT_MEASURES) known.clear();
    hit = measureNow(dataset, policies, options, extra).measured;
    known.set(key, hit);
  }
  return { measured: hit.map((m) => ({ ...m })), extraIntervals: [] };
}

/** Measures kept per set of columns before they are let go (thresholds move from save to save). */
const MAX_KEPT_MEASURES = 64;
/** Inside keepBetweenCalls: {@link measureJointly}'s figures, by the memory of the columns they read, then by the policies and options. */
const keptMeasures = new ColumnMemo<Map<string, Measured[]>>();

/**
 * What {@link measureJointly}'s figures read: each stage's cost and quality, the confidence of each
 * stage but the last, and, with latency, each stage's latency and the mask of queries whose
 * latencies are all known (the same mask object while they are known at the same queries); and a
 * key for the rest (the policies, the options, whether latency is measured). O(n) for the mask
 * the first time, O(stages) after.
 */
function measuredKey(dataset: Dataset, policies: readonly PolicySpec[], options: MeasureOptions): { columns: MemoColumn[]; key: string } {
  const columns: MemoColumn[] = [];
  for (const p of policies) {
    p.models.forEach((name, stage) => {
      const m = modelByName(dataset, name);
      if (stage < p.models.length - 1) columns.push(m.confidence);
      columns.push(m.cost, m.quality);
    });
  }
  const mask = options.latency ? latencyMask(dataset) : undefined;
  if (mask) {
    for (const p of policies) for (const name of p.models) columns.push(modelByName(dataset, name).latencyMs!);
    columns.push(mask);
  }
  const key = JSON.stringify([policies.map(policyKey), options.resamples, options.seed, options.level, mask ? 'latency' : '', dataset.n]);
  return { columns, key };
}

/** {@link measureJointly} without keeping anything. */
function measureNow(
  dataset: Dataset,
  policies: readonly PolicySpec[],
  options: MeasureOptions,
  extra: readonly { readonly values: ArrayLike<number>; readonly level: number }[],
): { measured: Measured[]; extraIntervals: [number, number][] } {
  const n = dataset.n;
  const outcomes = policies.map((p) => policyOutcome(dataset, p));
  const base = outcomes.map((o) => {
    let c = 0;
    let c2 = 0;
    let q = 0;
    let e = 0;
    for (let i = 0; i < n; i++) {
      c += o.cost[i];
      c2 += o.cost[i] * o.cost[i];
      q += o.quality[i];
      e += o.escalated[i];
    }
    return { n, cost: c / n, costSd: sampleSd(c, c2, n), quality: q / n, escalationRate: e / n };
  });
  const mask = options.latency ? latencyMask(dataset) : undefined;
  const withLatency = mask ? base.map((b, k) => ({ ...b, latency: policyLatency(dataset, policies[k], mask)! })) : base;
  if (options.resamples <= 0 || n === 0) return { measured: withLatency, extraIntervals: [] };
  const columns = outcomes.flatMap((o) => [o.cost, o.quality]);
  if (intervalMethod(n) === 'normal') {
    const intervals = columns.map((c) => normalMeanInterval(c, options.level));
    return { measured: withLatency.map((b, k) => ({ ...b, costInterval: intervals[2 * k], qualityInterval: intervals[2 * k + 1] })), extraIntervals: [] };
  }
  const intervals = bootstrapPercentileIntervals([...columns, ...extra.map((x) => x.values)], options.resamples, options.seed, [...columns.map(() => options.level), ...extra.map((x) => x.level)]);
  return {
    measured: withLatency.map((b, k) => ({ ...b, costInterval: intervals[2 * k], qualityInterval: intervals[2 * k + 1] })),
    extraIntervals: intervals.slice(columns.length),
  };
}

/**
 * A string equal for two policies exactly when {@link samePolicy} holds (String(number)
 * round-trips), to key maps and sets of policies. O(stages).
 */
export function policyKey(p: PolicySpec): string {
  return `${p.models.join('\u0000')}\u0001${p.thresholds.map(String).join('\u0000')}`;
}

/**
 * A cheap model's cost and quality along its confidence order into `cost` and `quality`, and
 * its sums of cost, squared cost and quality in that order into `sums`. A small function of its
 * own, as the loops below: the engine optimises it soon after the first call. O(n).
 */
function gatherCheap(order: Uint32Array, cheapCost: Float64Array, cheapQuality: Float64Array, cost: Float64Array, quality: Float64Array, sums: Float64Array): void {
  let c2 = 0;
  let c1 = 0;
  let q1 = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j];
    const c = cheapCost[i];
    const q = cheapQuality[i];
    cost[j] = c;
    quality[j] = q;
    c1 += c;
    c2 += c * c;
    q1 += q;
  }
  sums[0] = c1;
  sums[1] = c2;
  sums[2] = q1;
}

/**
 * The running sums over the queries escalated in confidence order (what each adds to the cost,
 * to the squared cost, and the quality gained) read at each member's position `at`, visited in
 * the order `byPosition`; the sweep stops at the last of them. O(last position).
 */
function escalatedSums(
  order: Uint32Array,
  cA: Float64Array,
  qA: Float64Array,
  cB: Float64Array,
  qB: Float64Array,
  at: Int32Array,
  byPosition: Int32Array,
  costB: Float64Array,
  costB2: Float64Array,
  gain: Float64Array,
): void {
  const n = order.length;
  let sumB = 0;
  let sumB2 = 0;
  let sumGain = 0;
  let next = 0;
  for (let j = 0; next < byPosition.length; j++) {
    while (next < byPosition.length && at[byPosition[next]] === j) {
      const m = byPosition[next++];
      costB[m] = sumB;
      costB2[m] = sumB2;
      gain[m] = sumGain;
    }
    if (j === n) break;
    const i = order[j];
    const b = cB[i];
    sumB += b;
    // An escalated query's squared cost grows from a^2 to (a + b)^2.
    sumB2 += b * (2 * cA[j] + b);
    sumGain += qB[i] - qA[j];
  }
}

/**
 * A single model's figures as {@link measurePolicy} gives them without intervals, read from its
 * columns (its outcome is its own cost and quality, in the same order). O(n).
 */
function singleFigures(model: ModelColumns, n: number): Measured {
  const { cost, quality } = model;
  let c = 0;
  let c2 = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    // As policyOutcome's cost (0 + the cost: a cost of -0 counts as 0).
    const x = 0 + cost[i];
    c += x;
    c2 += x * x;
    q += quality[i];
  }
  return { n, cost: c / n, costSd: sampleSd(c, c2, n), quality: q / n, escalationRate: 0 / n };
}

/** A cheap model's cost and quality in its confidence order, and its sums over every query (see {@link gatherCheap}). */
interface Gathered {
  readonly cA: Float64Array;
  readonly qA: Float64Array;
  readonly base: Float64Array;
}

function gatheredOf(order: Uint32Array, cheap: ModelColumns): Gathered {
  const n = order.length;
  const cA = new Float64Array(n);
  const qA = new Float64Array(n);
  const base = new Float64Array(3);
  gatherCheap(order, cheap.cost, cheap.quality, cA, qA, base);
  return { cA, qA, base };
}

/** Queries up to which {@link measurePolicies} keeps its sweeps inside keepBetweenCalls (a cheap model's gathered columns are 16 bytes a query). */
const MAX_KEPT_SWEEP_QUERIES = 500_000;
/** Positions kept per pair before they are let go (thresholds move from save to save). */
const MAX_KEPT_POSITIONS = 4096;
/** Inside keepBetweenCalls: each cheap model's gathered columns, by its columns' memory. */
const cheapGathered = new ColumnMemo<Gathered>();
/** Inside keepBetweenCalls: each pair's escalated sums (cost, squared cost, quality gained) at each position swept, by the pair's columns' memory. */
const pairSweeps = new ColumnMemo<Map<number, readonly [number, number, number]>>();

/** True when two policies are the same models with the same thresholds. */
export function samePolicy(a: PolicySpec, b: PolicySpec): boolean {
  return a.models.length === b.models.length && a.models.every((m, i) => m === b.models[i]) && a.thresholds.every((t, i) => t === b.thresholds[i]);
}

/**
 * Cost, quality and escalation rate of many policies on one dataset at once: singles directly,
 * pairs by one sweep per pair over the cheap model's shared confidence order, reading the
 * running sums at each of its thresholds' positions (found by binary search); longer chains
 * query by query. O(k n + p log n) for p pair policies (plus each cheap model's sort, once).
 */
export function measurePolicies(dataset: Dataset, policies: readonly PolicySpec[]): Measured[] {
  const n = dataset.n;
  const out: Measured[] = new Array(policies.length);
  const byPair = new Map<string, number[]>();
  policies.forEach((policy, x) => {
    if (policy.models.length === 1 && policy.thresholds.length === 0) {
      out[x] = singleFigures(modelByName(dataset, policy.models[0]), n);
      return;
    }
    if (policy.models.length !== 2 || policy.thresholds.length !== 1) {
      out[x] = measurePolicy(dataset, policy);
      return;
    }
    const key = JSON.stringify(policy.models);
    const members = byPair.get(key);
    if (members) members.push(x);
    else byPair.set(key, [x]);
  });
  // Pairs grouped by cheap model: its columns laid out in its confidence order once, and its own
  // sums over every query (in that order), shared by its pairs.
  const byCheap = new Map<string, number[][]>();
  for (const members of byPair.values()) {
    const name = policies[members[0]].models[0];
    const groups = byCheap.get(name);
    if (groups) groups.push(members);
    else byCheap.set(name, [members]);
  }
  for (const [name, groups] of byCheap) {
    const cheap = modelByName(dataset, name);
    const order = sharedOrder(cheap.confidence);
    const s = cheap.confidence;
    const keep = keeping() && n <= MAX_KEPT_SWEEP_QUERIES;
    let gathered: Gathered | undefined;
    const gather = (): Gathered => (gathered ??= keep ? cheapGathered.get([cheap.confidence, cheap.cost, cheap.quality], () => gatheredOf(order, cheap)) : gatheredOf(order, cheap));
    for (const members of groups) {
      const expensive = modelByName(dataset, policies[members[0]].models[1]);
      // Per member, the number of queries escalated: those with confidence < its threshold.
      const at = Int32Array.from(members, (x) => countBelow(s, order, policies[x].thresholds[0] ?? Infinity));
      // Inside keepBetweenCalls, the sums at each position are kept for the pair's columns: a save that changes another model's file sweeps nothing here.
      const known = keep ? pairSweeps.get([cheap.confidence, cheap.cost, cheap.quality, expensive.cost, expensive.quality], () => new Map()) : undefined;
      const missing = known ? Int32Array.from(members.keys()).filter((m) => !known.has(at[m])) : Int32Array.from(members.keys());
      const costB = new Float64Array(members.length);
      const costB2 = new Float64Array(members.length);
      const gain = new Float64Array(members.length);
      if (missing.length > 0) {
        const { cA, qA } = gather();
        const byPosition = missing.sort((p, q) => at[p] - at[q]);
        escalatedSums(order, cA, qA, expensive.cost, expensive.quality, at, byPosition, costB, costB2, gain);
        if (known) {
          if (known.size > MAX_KEPT_POSITIONS) known.clear();
          for (const m of missing) known.set(at[m], [costB[m], costB2[m], gain[m]]);
        }
      }
      if (known) {
        for (let m = 0; m < members.length; m++) [costB[m], costB2[m], gain[m]] = known.get(at[m])!;
      }
      const [baseCost, baseCost2, baseQuality] = gather().base;
      members.forEach((x, m) => {
        const sum = baseCost + costB[m];
        out[x] = { n, cost: sum / n, costSd: sampleSd(sum, baseCost2 + costB2[m], n), quality: (baseQuality + gain[m]) / n, escalationRate: at[m] / n };
      });
    }
  }
  return out;
}
