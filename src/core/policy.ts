import type { Dataset, Measured, ModelColumns, PolicySpec } from './types.ts';
import { bootstrapMeanIntervals } from './stats.ts';

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
}

/**
 * Mean cost, quality and escalation rate of a policy on a dataset, with seeded bootstrap
 * percentile intervals over queries when `resamples` > 0. O(n * stages + resamples * n).
 */
export function measurePolicy(dataset: Dataset, policy: PolicySpec, options: MeasureOptions = { resamples: 0, seed: 1, level: 0.95 }): Measured {
  const outcome = policyOutcome(dataset, policy);
  const n = dataset.n;
  let c = 0;
  let q = 0;
  let e = 0;
  for (let i = 0; i < n; i++) {
    c += outcome.cost[i];
    q += outcome.quality[i];
    e += outcome.escalated[i];
  }
  const base = { n, cost: c / n, quality: q / n, escalationRate: e / n };
  if (options.resamples <= 0 || n === 0) return base;
  const [costInterval, qualityInterval] = bootstrapMeanIntervals([outcome.cost, outcome.quality], options.resamples, options.seed, options.level);
  return { ...base, costInterval, qualityInterval };
}

/** Short human label of a policy, e.g. `llama3.1-8b -> gpt-4o @ -0.12`. */
export function policyLabel(policy: PolicySpec): string {
  if (policy.models.length === 1) return policy.models[0];
  const parts: string[] = [];
  policy.models.forEach((m, i) => {
    parts.push(m);
    if (i < policy.thresholds.length) {
      const t = policy.thresholds[i];
      parts.push(`@ ${t === null ? '+inf' : formatThreshold(t)} ->`);
    }
  });
  return parts.join(' ');
}

/** A threshold printed so that parsing it back gives the same number (and so the same policy). */
export function formatThreshold(t: number | null): string {
  return t === null ? '+inf' : String(t);
}

/** True when two policies are the same models with the same thresholds. */
export function samePolicy(a: PolicySpec, b: PolicySpec): boolean {
  return (
    a.models.length === b.models.length &&
    a.models.every((m, i) => m === b.models[i]) &&
    a.thresholds.every((t, i) => t === b.thresholds[i])
  );
}
