import type { ModelColumns } from '../types.ts';

/**
 * Per-query outcome of a k-model chain: the stage that answered, what the query cost (every
 * stage visited) and the quality of the answer it got.
 */
export interface ChainOutcomes {
  /** 0-based index of the answering stage, per query. */
  readonly stop: Uint8Array;
  /** Sum of the costs of the stages visited, per query. */
  readonly cost: Float64Array;
  /** Quality of the answering stage, per query. */
  readonly quality: Float64Array;
  /** Wasted spend per query: the cost of the stages that were visited but did not answer. */
  readonly structuralCost: Float64Array;
}

/** Means of a chain's outcomes over the queries. */
export interface ChainSummary {
  readonly cost: number;
  readonly quality: number;
  /** Share of queries that went past the first stage. */
  readonly escalationRate: number;
  /** Share of queries answered by each stage. */
  readonly answeredShare: readonly number[];
  /** Mean wasted spend per query (stages visited that did not answer). */
  readonly structuralCost: number;
}

/** Threshold as JSON: `Infinity` becomes `null`. */
export function thresholdJson(t: number): number | null {
  return t === Infinity ? null : t;
}

/**
 * Runs every query through the chain `stages[0] -> ... -> stages[L-1]`: a query stops at the
 * first stage whose confidence is >= that stage's threshold; the last stage always answers;
 * cost is the sum over every stage visited. `thresholds` has L-1 entries (`Infinity` = always
 * escalate). O(n L).
 * @throws RangeError when the threshold count is not L-1 or the columns differ in length.
 */
export function chainOutcomes(stages: readonly ModelColumns[], thresholds: ArrayLike<number>): ChainOutcomes {
  const L = stages.length;
  if (L === 0) throw new RangeError('chainOutcomes: a chain needs at least one stage');
  if (thresholds.length !== L - 1) {
    throw new RangeError(`chainOutcomes: a chain of ${L} stages needs ${L - 1} thresholds, got ${thresholds.length}`);
  }
  const n = stages[0].quality.length;
  for (const m of stages) {
    if (m.quality.length !== n) throw new RangeError(`chainOutcomes: ${m.name} has ${m.quality.length} queries, ${stages[0].name} has ${n}`);
  }
  const stop = new Uint8Array(n);
  const cost = new Float64Array(n);
  const quality = new Float64Array(n);
  const structuralCost = new Float64Array(n);
  // The columns unpacked once: read through the stages' objects, every query paid a lookup per stage.
  const confidences = stages.map((m) => m.confidence);
  const costs = stages.map((m) => m.cost);
  const qualities = stages.map((m) => m.quality);
  for (let i = 0; i < n; i++) {
    let c = 0;
    let j = 0;
    for (; j < L - 1; j++) {
      if (confidences[j][i] >= thresholds[j]) break;
      c += costs[j][i];
    }
    structuralCost[i] = c;
    cost[i] = c + costs[j][i];
    quality[i] = qualities[j][i];
    stop[i] = j;
  }
  return { stop, cost, quality, structuralCost };
}

/** Means of {@link chainOutcomes} over all queries (NaN figures for an empty set). O(n). */
export function summarizeOutcomes(outcomes: ChainOutcomes, stages: number): ChainSummary {
  const n = outcomes.cost.length;
  let cost = 0;
  let quality = 0;
  let structural = 0;
  let escalated = 0;
  const answered = new Array<number>(stages).fill(0);
  for (let i = 0; i < n; i++) {
    cost += outcomes.cost[i];
    quality += outcomes.quality[i];
    structural += outcomes.structuralCost[i];
    answered[outcomes.stop[i]]++;
    if (outcomes.stop[i] > 0) escalated++;
  }
  return {
    cost: cost / n,
    quality: quality / n,
    escalationRate: escalated / n,
    answeredShare: answered.map((a) => a / n),
    structuralCost: structural / n,
  };
}
