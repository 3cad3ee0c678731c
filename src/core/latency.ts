/**
 * Latency of policies, where the records carry `latency_ms`. A query a cascade escalates waits
 * for both models (the cheap model's answer, then the expensive one's), so its latency is the
 * sum of the stages it visits. Figures are over the queries that have a latency for every
 * model; the p95 is the nearest-rank 95th percentile (the smallest latency that at least 95% of
 * those queries do not exceed).
 */
import type { Dataset, LatencySummary, ModelColumns, PolicySpec } from './types.ts';
import { countBelow, sharedOrder, sortIndicesByValue } from './sortIndices.ts';
import { kthSmallest } from './stats.ts';
import { ColumnMemo, RecentColumns } from './columnMemo.ts';
import { keeping } from './keptBetweenCalls.ts';

/** The percentile reported. */
export const LATENCY_PERCENTILE = 0.95;

/**
 * 1 for the queries that have a finite latency for every model; undefined when some model has
 * no latency at all or no query has them all. Computed once per dataset (datasets and their
 * columns never change once made): the result must not be modified. O(n k) the first time.
 */
export function latencyMask(dataset: Dataset): Uint8Array | undefined {
  if (masks.has(dataset)) return masks.get(dataset);
  const computed = computeLatencyMask(dataset);
  const mask = computed && keeping() ? recentMasks.same(computed) : computed;
  masks.set(dataset, mask);
  return mask;
}

const masks = new WeakMap<Dataset, Uint8Array | undefined>();

/**
 * Inside keepBetweenCalls: the masks handed out lately. A dataset loaded again whose latencies
 * are known at the same queries gets the very same mask, so that what is kept by the memory of
 * the columns read (a pair's latencies, a policy's figures) keys on the mask rather than on every
 * model's latencies: a save that changes one model's file finds the other pairs' figures.
 */
const recentMasks = new RecentColumns<Uint8Array>(4);

function computeLatencyMask(dataset: Dataset): Uint8Array | undefined {
  if (dataset.models.length === 0 || dataset.models.some((m) => !m.latencyMs)) return undefined;
  const mask = new Uint8Array(dataset.n).fill(1);
  let known = dataset.n;
  for (const m of dataset.models) known -= maskNonFinite(m.latencyMs!, mask);
  return known > 0 ? mask : undefined;
}

/** Clears the mask where a latency is not finite; how many it cleared. */
function maskNonFinite(latency: Float64Array, mask: Uint8Array): number {
  let cleared = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] && !Number.isFinite(latency[i])) {
      mask[i] = 0;
      cleared++;
    }
  }
  return cleared;
}

/** 1-based nearest rank of the p-quantile of n values: ceil(p n), at least 1. */
export function nearestRank(n: number, p: number): number {
  return Math.min(n, Math.max(1, Math.ceil(p * n - 1e-9)));
}

/**
 * 1-based rank of a distribution-free upper confidence bound of the p-quantile of n values: the
 * number of values below the true quantile is Binomial(n, p), so the order statistic of rank
 * ceil(n p + z sqrt(n p (1 - p))) exceeds it with probability about Phi(z). Capped at n (then
 * the bound is the largest value seen: too few queries to bound it further).
 */
export function quantileUpperRank(n: number, p: number, z: number): number {
  return Math.min(n, Math.max(1, Math.ceil(n * p + z * Math.sqrt(n * p * (1 - p)) - 1e-9)));
}

/**
 * Latency of each query under a policy (the sum of the stages it visits), for the queries of
 * `mask`, in query order. One small loop per shape of policy (a single model, a pair, a longer
 * chain) over the stages' columns. O(n * stages).
 */
function policyLatencies(dataset: Dataset, policy: PolicySpec, mask: Uint8Array): Float64Array {
  const stages = policy.models.map((name) => modelByName(dataset, name));
  const latency = stages.map((m) => m.latencyMs!);
  const confidence = stages.map((m) => m.confidence);
  const thresholds = policy.thresholds.map((t) => (t === null ? Infinity : t));
  let known = 0;
  for (let i = 0; i < mask.length; i++) known += mask[i];
  const out = new Float64Array(known);
  if (stages.length === 1) singleLatencies(latency[0], mask, out);
  else if (stages.length === 2) pairLatencies(latency[0], latency[1], confidence[0], thresholds[0], mask, out);
  else chainLatencies(latency, confidence, thresholds, mask, out);
  return out;
}

function singleLatencies(la: Float64Array, mask: Uint8Array, out: Float64Array): void {
  let x = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    let l = 0;
    l += la[i];
    out[x++] = l;
  }
}

/** A query waits for the second model when the first's confidence is below the threshold. */
function pairLatencies(la: Float64Array, lb: Float64Array, sa: Float64Array, t: number, mask: Uint8Array, out: Float64Array): void {
  let x = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    let l = 0;
    l += la[i];
    if (!(sa[i] >= t)) l += lb[i];
    out[x++] = l;
  }
}

function chainLatencies(latency: readonly Float64Array[], confidence: readonly Float64Array[], thresholds: readonly number[], mask: Uint8Array, out: Float64Array): void {
  const last = latency.length - 1;
  let x = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    let l = 0;
    let stage = 0;
    for (; stage < last; stage++) {
      l += latency[stage][i];
      if (confidence[stage][i] >= thresholds[stage]) break;
    }
    if (stage === last) l += latency[last][i];
    out[x++] = l;
  }
}

function modelByName(dataset: Dataset, name: string): ModelColumns {
  const m = dataset.models.find((x) => x.name === name);
  if (!m) throw new Error(`unknown model ${JSON.stringify(name)}; the data has ${dataset.models.map((x) => x.name).join(', ')}. Use one of those names.`);
  return m;
}

/** Mean and p95 of latencies (a policy's, made for this call: the selection reorders them); the p95 the value of its rank, selected without sorting. O(n) expected. */
function summarize(values: Float64Array): LatencySummary {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  return { meanMs: sum / n, p95Ms: n > 0 ? kthSmallest(values, nearestRank(n, LATENCY_PERCENTILE) - 1) : NaN, n };
}

/**
 * Mean and p95 latency of any policy, or undefined when the data has no latencies. O(n).
 */
export function policyLatency(dataset: Dataset, policy: PolicySpec, mask: Uint8Array | undefined = latencyMask(dataset)): LatencySummary | undefined {
  if (!mask) return undefined;
  return summarize(policyLatencies(dataset, policy, mask));
}

/**
 * Latencies of a pair cascade as escalation grows: counts the queries' current latencies in a
 * Fenwick tree over the ranks of every possible value (the cheap model's latency, and the sum
 * of both), so escalating one query and reading an order statistic each take O(log n).
 */
export class PairLatencyTracker {
  private readonly tree: Int32Array;
  private readonly values: Float64Array;
  private readonly rankAlone: Uint32Array;
  private readonly rankBoth: Uint32Array;
  private readonly both: Float64Array;
  private readonly alone: Float64Array;
  private readonly mask: Uint8Array;
  private readonly size: number;
  private readonly top: number;
  /** Queries counted (those of the mask) and the sum of their current latencies. */
  readonly n: number;
  sum = 0;

  constructor(cheap: ModelColumns, expensive: ModelColumns, mask: Uint8Array) {
    const n = mask.length;
    const lA = cheap.latencyMs!;
    const lB = expensive.latencyMs!;
    this.mask = mask;
    this.alone = new Float64Array(n);
    this.both = new Float64Array(n);
    const all = new Float64Array(2 * n);
    let known = 0;
    for (let i = 0; i < n; i++) {
      const a = mask[i] ? lA[i] : 0;
      const b = mask[i] ? lA[i] + lB[i] : 0;
      this.alone[i] = a;
      this.both[i] = b;
      all[2 * i] = a;
      all[2 * i + 1] = b;
      known += mask[i];
    }
    const order = sortIndicesByValue(all);
    this.values = new Float64Array(2 * n);
    const rank = new Uint32Array(2 * n);
    for (let r = 0; r < 2 * n; r++) {
      rank[order[r]] = r;
      this.values[r] = all[order[r]];
    }
    this.rankAlone = new Uint32Array(n);
    this.rankBoth = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      this.rankAlone[i] = rank[2 * i];
      this.rankBoth[i] = rank[2 * i + 1];
    }
    this.size = 2 * n;
    this.tree = new Int32Array(this.size + 1);
    let top = 1;
    while (top * 2 <= this.size) top *= 2;
    this.top = top;
    this.n = known;
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      this.add(this.rankAlone[i], 1);
      this.sum += this.alone[i];
    }
  }

  private add(rank: number, delta: number): void {
    for (let x = rank + 1; x <= this.size; x += x & -x) this.tree[x] += delta;
  }

  /** Escalates query i: its latency becomes the sum of both models'. */
  escalate(i: number): void {
    if (!this.mask[i]) return;
    this.add(this.rankAlone[i], -1);
    this.add(this.rankBoth[i], 1);
    this.sum += this.both[i] - this.alone[i];
  }

  /** The r-th smallest current latency (1-based). O(log n). */
  orderStatistic(r: number): number {
    let pos = 0;
    let remaining = r;
    for (let step = this.top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.size && this.tree[next] < remaining) {
        pos = next;
        remaining -= this.tree[next];
      }
    }
    return this.values[pos];
  }

  summary(): LatencySummary {
    return { meanMs: this.sum / this.n, p95Ms: this.orderStatistic(nearestRank(this.n, LATENCY_PERCENTILE)), n: this.n };
  }
}

/**
 * One order statistic (rank `r`, 1-based) of a pair cascade's latencies as escalation grows,
 * for {@link policiesLatency}: every query's latency alone (the cheap model's) and escalated
 * (the sum of both) ranked together by merging their two sorted orders, and a pointer on that
 * ranking at the r-th smallest current latency. Escalating a query moves its latency up the
 * ranking, so with latencies that are never negative the pointer only moves up: a whole pass
 * over the escalation order costs O(n) after the sorts (a negative latency is still handled,
 * by moving the pointer back). The value at the pointer is the same whichever way equal
 * latencies are ranked among themselves.
 */
export class PairQuantileTracker {
  /** Every possible latency, ascending: position `rank` holds the latency of that rank. */
  private readonly values: Float64Array;
  private readonly rankAlone: Uint32Array;
  private readonly rankBoth: Uint32Array;
  /** 1 where the latency of that rank is a query's current one. */
  private readonly current: Uint8Array;
  private readonly alone: Float64Array;
  private readonly both: Float64Array;
  private readonly mask: Uint8Array;
  private readonly r: number;
  /** Rank of the r-th smallest current latency, and how many current latencies rank at or below it. */
  private at = -1;
  private atOrBelow = 0;
  /** Queries counted (those of the mask) and the sum of their current latencies. */
  readonly n: number;
  sum = 0;

  /**
   * `alone` and `both`: each query's latency unescalated and escalated (anything where `mask`
   * is 0); `aloneOrder`, `bothOrder`: their indices by ascending value; `r` from 1 to the
   * number of queries in the mask.
   */
  constructor(alone: Float64Array, aloneOrder: Uint32Array, both: Float64Array, bothOrder: Uint32Array, mask: Uint8Array, r: number) {
    const n = alone.length;
    this.alone = alone;
    this.both = both;
    this.mask = mask;
    this.r = r;
    this.values = new Float64Array(2 * n);
    this.rankAlone = new Uint32Array(n);
    this.rankBoth = new Uint32Array(n);
    this.current = new Uint8Array(2 * n);
    mergeRanks(alone, aloneOrder, both, bothOrder, this.values, this.rankAlone, this.rankBoth);
    const { known, sum } = markCurrent(alone, this.rankAlone, mask, this.current);
    this.n = known;
    this.sum = sum;
    this.settle();
  }

  /** Escalates query i: its latency becomes the sum of both models'. */
  escalate(i: number): void {
    if (!this.mask[i]) return;
    const from = this.rankAlone[i];
    const to = this.rankBoth[i];
    this.current[from] = 0;
    this.current[to] = 1;
    if (from <= this.at) this.atOrBelow--;
    if (to <= this.at) this.atOrBelow++;
    this.sum += this.both[i] - this.alone[i];
    this.settle();
  }

  /** Moves the pointer to the lowest rank with at least r current latencies at or below it. */
  private settle(): void {
    const current = this.current;
    while (this.atOrBelow < this.r) this.atOrBelow += current[++this.at];
    while (this.atOrBelow - current[this.at] >= this.r) this.atOrBelow -= current[this.at--];
  }

  /** The r-th smallest current latency. */
  value(): number {
    return this.values[this.at];
  }
}

/** Marks each query's latency alone as current (queries of the mask): how many, and the sum of those latencies in query order. O(n). */
function markCurrent(alone: Float64Array, rankAlone: Uint32Array, mask: Uint8Array, current: Uint8Array): { known: number; sum: number } {
  let known = 0;
  let sum = 0;
  for (let i = 0; i < alone.length; i++) {
    if (!mask[i]) continue;
    known++;
    current[rankAlone[i]] = 1;
    sum += alone[i];
  }
  return { known, sum };
}

/**
 * Ranks `a` and `b` together from their ascending orders: `values` (length a + b) gets every
 * value ascending, `rankA[i]` and `rankB[i]` the positions of a[i] and b[i] in it (of equal
 * values, a's first). O(a + b).
 */
export function mergeRanks(a: Float64Array, orderA: Uint32Array, b: Float64Array, orderB: Uint32Array, values: Float64Array, rankA: Uint32Array, rankB: Uint32Array): void {
  const na = orderA.length;
  const nb = orderB.length;
  let x = 0;
  let y = 0;
  for (let r = 0; r < na + nb; r++) {
    if (y >= nb || (x < na && a[orderA[x]] <= b[orderB[y]])) {
      const i = orderA[x++];
      rankA[i] = r;
      values[r] = a[i];
    } else {
      const i = orderB[y++];
      rankB[i] = r;
      values[r] = b[i];
    }
  }
}

/**
 * Latency of many policies of one dataset at once: singles by one sort each, pairs by one
 * pass of a {@link PairQuantileTracker} per pair over its escalation order (each model's
 * latencies sorted once for every pair it leads, the escalated ones once per pair), so a long
 * envelope costs O(k^2 n) after the sorts rather than O(v n log n). Undefined entries when the
 * data has no latencies.
 */
export function policiesLatency(dataset: Dataset, policies: readonly PolicySpec[]): (LatencySummary | undefined)[] {
  const mask = latencyMask(dataset);
  if (!mask) return policies.map(() => undefined);
  const out: (LatencySummary | undefined)[] = new Array(policies.length).fill(undefined);
  const byPair = new Map<string, number[]>();
  const singles: number[] = [];
  policies.forEach((p, x) => {
    if (p.models.length === 2) {
      const key = JSON.stringify(p.models);
      const list = byPair.get(key);
      if (list) list.push(x);
      else byPair.set(key, [x]);
    } else singles.push(x);
  });
  const n = dataset.n;
  let known = 0;
  for (let i = 0; i < n; i++) known += mask[i];
  const rank = nearestRank(known, LATENCY_PERCENTILE);
  // Each cheap model's latency alone (0 outside the mask) and its order, shared by its pairs.
  const alone = new Map<string, { readonly values: Float64Array; readonly order: Uint32Array }>();
  const aloneOf = (m: ModelColumns) => {
    let made = alone.get(m.name);
    if (!made) {
      const values = maskedLatencies(m.latencyMs!, undefined, mask);
      made = { values, order: sortIndicesByValue(values) };
      alone.set(m.name, made);
    }
    return made;
  };
  // A single model's latency is its latency alone: the mean over the mask, the p95 read from the same sorted values its pairs use.
  for (const x of singles) {
    const { values, order } = aloneOf(modelByName(dataset, policies[x].models[0]));
    out[x] = { meanMs: maskedSum(values, mask) / known, p95Ms: values[maskedRank(order, mask, known, rank)], n: known };
  }
  // Inside keepBetweenCalls, each pair's figures at each number of queries escalated are kept for the columns they read and the mask (the same mask while every model's latencies are known at the same queries): a save sweeps the pairs of the model it changed.
  for (const [key, list] of byPair) {
    const [a, b] = JSON.parse(key) as [string, string];
    const cheap = modelByName(dataset, a);
    const expensive = modelByName(dataset, b);
    const order = sharedOrder(cheap.confidence);
    const s = cheap.confidence;
    const threshold = (x: number) => policies[x].thresholds[0] ?? Infinity;
    const known = keeping() ? keptLatencies.get([s, cheap.latencyMs!, expensive.latencyMs!, mask], () => new Map()) : undefined;
    if (known) {
      const at = list.map((x) => countBelow(s, order, threshold(x)));
      if (at.every((j) => known.has(j))) {
        list.forEach((x, i) => (out[x] = { ...known.get(at[i]!)! }));
        continue;
      }
      if (known.size > MAX_KEPT_LATENCY_POSITIONS) known.clear();
    }
    const single = aloneOf(cheap);
    const both = maskedLatencies(cheap.latencyMs!, expensive.latencyMs!, mask);
    const tracker = new PairQuantileTracker(single.values, single.order, both, sortIndicesByValue(both), mask, rank);
    list.sort((x, y) => (threshold(x) < threshold(y) ? -1 : threshold(x) > threshold(y) ? 1 : 0));
    let j = 0;
    for (const x of list) {
      const t = threshold(x);
      j = escalateBelow(tracker, s, order, j, t);
      out[x] = { meanMs: tracker.sum / tracker.n, p95Ms: tracker.value(), n: tracker.n };
      known?.set(j, { ...out[x]! });
    }
  }
  return out;
}

/** The sum of values[i] where the mask is 1, in query order. O(n). */
function maskedSum(values: Float64Array, mask: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) if (mask[i]) sum += values[i];
  return sum;
}

/** The query of the r-th (1-based) entry of `order` whose mask is 1 (`known` of them in all). O(n), O(1) when every query is in the mask. */
function maskedRank(order: Uint32Array, mask: Uint8Array, known: number, r: number): number {
  if (known === order.length) return order[r - 1];
  let seen = 0;
  for (let y = 0; y < order.length; y++) if (mask[order[y]] && ++seen === r) return order[y];
  throw new RangeError(`maskedRank: fewer than ${r} queries in the mask`);
}

/** a[i] (+ b[i] when given) where the mask is 1, else 0. O(n). */
function maskedLatencies(a: Float64Array, b: Float64Array | undefined, mask: Uint8Array): Float64Array {
  const out = new Float64Array(mask.length);
  for (let i = 0; i < mask.length; i++) if (mask[i]) out[i] = b ? a[i] + b[i] : a[i];
  return out;
}

/** Positions kept per pair before they are let go (thresholds move from save to save). */
const MAX_KEPT_LATENCY_POSITIONS = 4096;
/** Inside keepBetweenCalls: each pair's latency figures at each number of queries escalated, by the memory of the columns they read. */
const keptLatencies = new ColumnMemo<Map<number, LatencySummary>>();

/** Escalates the queries from position j of `order` whose confidence is below t; the position after them. */
function escalateBelow(tracker: PairQuantileTracker, s: Float64Array, order: Uint32Array, j: number, t: number): number {
  while (j < order.length && s[order[j]] < t) tracker.escalate(order[j++]);
  return j;
}
