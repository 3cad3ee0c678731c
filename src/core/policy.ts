import type { Dataset, Measured, ModelColumns, PolicySpec } from './types.ts';
import { bootstrapMeanIntervals } from './stats.ts';
import { sortIndicesByValue } from './sortIndices.ts';
import { latencyMask, policyLatency } from './latency.ts';

/** Per-query outcome of a policy: what each query cost, its quality, and whether it escalated. */
export interface PolicyOutcome {
  readonly cost: Float64Array;
  readonly quality: Float64Array;
  readonly escalated: Uint8Array;
}

/** Looks a model up by name. @throws Error naming the model and the models available. */
export function modelByName(dataset: Dataset, name: string): ModelColumns {
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
 * O(n * stages * p + resamples * n * p).
 */
export function measurePoliciesJointly(dataset: Dataset, policies: readonly PolicySpec[], options: MeasureOptions): Measured[] {
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
  if (options.resamples <= 0 || n === 0) return withLatency;
  const intervals = bootstrapMeanIntervals(outcomes.flatMap((o) => [o.cost, o.quality]), options.resamples, options.seed, options.level);
  return withLatency.map((b, k) => ({ ...b, costInterval: intervals[2 * k], qualityInterval: intervals[2 * k + 1] }));
}

/**
 * A string equal for two policies exactly when {@link samePolicy} holds (String(number)
 * round-trips), to key maps and sets of policies. O(stages).
 */
export function policyKey(p: PolicySpec): string {
  return `${p.models.join('\u0000')}\u0001${p.thresholds.map(String).join('\u0000')}`;
}

/** True when two policies are the same models with the same thresholds. */
export function samePolicy(a: PolicySpec, b: PolicySpec): boolean {
  return (
    a.models.length === b.models.length &&
    a.models.every((m, i) => m === b.models[i]) &&
    a.thresholds.every((t, i) => t === b.thresholds[i])
  );
}

/**
 * Cost, quality and escalation rate of many policies on one dataset at once: singles directly,
 * pairs by one sort of the cheap model's confidences and prefix sums, so each threshold costs a
 * binary search; longer chains query by query. O(k n log n + p log n) for p pair policies.
 */
export function measurePolicies(dataset: Dataset, policies: readonly PolicySpec[]): Measured[] {
  const n = dataset.n;
  const prefixes = new Map<string, { sorted: Float64Array; costB: Float64Array; costB2: Float64Array; gain: Float64Array; baseCost: number; baseCost2: number; baseQuality: number }>();
  const orders = new Map<string, Uint32Array>();
  const prefixFor = (a: string, b: string) => {
    const key = JSON.stringify([a, b]);
    let p = prefixes.get(key);
    if (!p) {
      const cheap = modelByName(dataset, a);
      const expensive = modelByName(dataset, b);
      let order = orders.get(a);
      if (!order) {
        order = sortIndicesByValue(cheap.confidence);
        orders.set(a, order);
      }
      const sorted = new Float64Array(n);
      const costB = new Float64Array(n + 1);
      const costB2 = new Float64Array(n + 1);
      const gain = new Float64Array(n + 1);
      let baseCost = 0;
      let baseCost2 = 0;
      let baseQuality = 0;
      for (let j = 0; j < n; j++) {
        const i = order[j];
        const a = cheap.cost[i];
        const b = expensive.cost[i];
        sorted[j] = cheap.confidence[i];
        costB[j + 1] = costB[j] + b;
        // An escalated query's squared cost grows from a^2 to (a + b)^2.
        costB2[j + 1] = costB2[j] + b * (2 * a + b);
        gain[j + 1] = gain[j] + expensive.quality[i] - cheap.quality[i];
        baseCost += a;
        baseCost2 += a * a;
        baseQuality += cheap.quality[i];
      }
      p = { sorted, costB, costB2, gain, baseCost, baseCost2, baseQuality };
      prefixes.set(key, p);
    }
    return p;
  };
  return policies.map((policy) => {
    if (policy.models.length !== 2 || policy.thresholds.length !== 1) return measurePolicy(dataset, policy);
    const p = prefixFor(policy.models[0], policy.models[1]);
    const t = policy.thresholds[0] ?? Infinity;
    // j = number of queries with confidence < t.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (p.sorted[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    const sum = p.baseCost + p.costB[lo];
    return { n, cost: sum / n, costSd: sampleSd(sum, p.baseCost2 + p.costB2[lo], n), quality: (p.baseQuality + p.gain[lo]) / n, escalationRate: lo / n };
  });
}
