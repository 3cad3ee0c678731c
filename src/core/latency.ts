/**
 * Latency of policies, where the records carry `latency_ms`. A query a cascade escalates waits
 * for both models (the cheap model's answer, then the expensive one's), so its latency is the
 * sum of the stages it visits. Figures are over the queries that have a latency for every
 * model; the p95 is the nearest-rank 95th percentile (the smallest latency that at least 95% of
 * those queries do not exceed).
 */
import type { Dataset, LatencySummary, ModelColumns, PolicySpec } from './types.ts';
import { sharedOrder, sortIndicesByValue } from './sortIndices.ts';
import { kthSmallest } from './stats.ts';

/** The percentile reported. */
export const LATENCY_PERCENTILE = 0.95;

/**
 * 1 for the queries that have a finite latency for every model; undefined when some model has
 * no latency at all or no query has them all. O(n k).
 */
export function latencyMask(dataset: Dataset): Uint8Array | undefined {
  if (dataset.models.length === 0 || dataset.models.some((m) => !m.latencyMs)) return undefined;
  const mask = new Uint8Array(dataset.n).fill(1);
  let known = dataset.n;
  for (const m of dataset.models) {
    const l = m.latencyMs!;
    for (let i = 0; i < dataset.n; i++) {
      if (mask[i] && !Number.isFinite(l[i])) {
        mask[i] = 0;
        known--;
      }
    }
  }
  return known > 0 ? mask : undefined;
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
 * `mask`, in query order. O(n * stages).
 */
function policyLatencies(dataset: Dataset, policy: PolicySpec, mask: Uint8Array): Float64Array {
  const stages = policy.models.map((name) => modelByName(dataset, name));
  const thresholds = policy.thresholds.map((t) => (t === null ? Infinity : t));
  const last = stages.length - 1;
  let known = 0;
  for (let i = 0; i < dataset.n; i++) known += mask[i];
  const out = new Float64Array(known);
  let x = 0;
  for (let i = 0; i < dataset.n; i++) {
    if (!mask[i]) continue;
    let l = 0;
    let stage = 0;
    for (; stage < last; stage++) {
      l += stages[stage].latencyMs![i];
      if (stages[stage].confidence[i] >= thresholds[stage]) break;
    }
    if (stage === last) l += stages[last].latencyMs![i];
    out[x++] = l;
  }
  return out;
}

function modelByName(dataset: Dataset, name: string): ModelColumns {
  const m = dataset.models.find((x) => x.name === name);
  if (!m) throw new Error(`unknown model ${JSON.stringify(name)}; the data has ${dataset.models.map((x) => x.name).join(', ')}. Use one of those names.`);
  return m;
}

/** Mean and p95 of latencies (reordered in place). O(n). */
function summarize(values: Float64Array): LatencySummary {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  return { meanMs: sum / n, p95Ms: kthSmallest(values, nearestRank(n, LATENCY_PERCENTILE) - 1), n };
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
 * Latency of many policies of one dataset at once: singles by one sort each, pairs by one
 * pass of a {@link PairLatencyTracker} per pair over its escalation order, so a long envelope
 * costs O(k n log n) rather than O(v n log n). Undefined entries when the data has no latencies.
 */
export function policiesLatency(dataset: Dataset, policies: readonly PolicySpec[]): (LatencySummary | undefined)[] {
  const mask = latencyMask(dataset);
  if (!mask) return policies.map(() => undefined);
  const out: (LatencySummary | undefined)[] = new Array(policies.length).fill(undefined);
  const byPair = new Map<string, number[]>();
  policies.forEach((p, x) => {
    if (p.models.length === 2) {
      const key = JSON.stringify(p.models);
      const list = byPair.get(key);
      if (list) list.push(x);
      else byPair.set(key, [x]);
    } else out[x] = policyLatency(dataset, p, mask);
  });
  for (const [key, list] of byPair) {
    const [a, b] = JSON.parse(key) as [string, string];
    const cheap = modelByName(dataset, a);
    const tracker = new PairLatencyTracker(cheap, modelByName(dataset, b), mask);
    const order = sharedOrder(cheap.confidence);
    const s = cheap.confidence;
    const threshold = (x: number) => policies[x].thresholds[0] ?? Infinity;
    list.sort((x, y) => (threshold(x) < threshold(y) ? -1 : threshold(x) > threshold(y) ? 1 : 0));
    let j = 0;
    for (const x of list) {
      const t = threshold(x);
      while (j < order.length && s[order[j]] < t) tracker.escalate(order[j++]);
      out[x] = tracker.summary();
    }
  }
  return out;
}
