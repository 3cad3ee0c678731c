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
 * A chain's stages checked against its thresholds, with their columns unpacked once (read
 * through the stages' objects, every query paid a lookup per stage).
 * @throws RangeError (naming `caller`) when there is no stage, the threshold count is not L-1 or the columns differ in length.
 */
function chainColumns(caller: string, stages: readonly ModelColumns[], thresholds: ArrayLike<number>) {
  const L = stages.length;
  if (L === 0) throw new RangeError(`${caller}: a chain needs at least one stage`);
  if (thresholds.length !== L - 1) {
    throw new RangeError(`${caller}: a chain of ${L} stages needs ${L - 1} thresholds, got ${thresholds.length}`);
  }
  const n = stages[0].quality.length;
  for (const m of stages) {
    if (m.quality.length !== n) throw new RangeError(`${caller}: ${m.name} has ${m.quality.length} queries, ${stages[0].name} has ${n}`);
  }
  return { L, n, confidences: stages.map((m) => m.confidence), costs: stages.map((m) => m.cost), qualities: stages.map((m) => m.quality) };
}

/**
 * The first of stages 0 .. `upTo` - 1 whose confidence for query i reaches its threshold, else
 * `upTo`: the answering stage when `upTo` is the last stage, and `upTo` itself exactly when the
 * query reaches stage `upTo`. O(upTo).
 */
export function stopBefore(confidences: readonly ArrayLike<number>[], thresholds: ArrayLike<number>, i: number, upTo: number): number {
  let j = 0;
  while (j < upTo && !(confidences[j][i] >= thresholds[j])) j++;
  return j;
}

/**
 * The stage that answers query i (the first whose confidence reaches its threshold, else the
 * last), with what the stages before it cost, summed in stage order, in `spent[0]`. O(L).
 */
function answeringStage(confidences: readonly ArrayLike<number>[], costs: readonly ArrayLike<number>[], thresholds: ArrayLike<number>, i: number, spent: Float64Array): number {
  const last = confidences.length - 1;
  let c = 0;
  let j = 0;
  for (; j < last; j++) {
    if (confidences[j][i] >= thresholds[j]) break;
    c += costs[j][i];
  }
  spent[0] = c;
  return j;
}

/**
 * Runs every query through the chain `stages[0] -> ... -> stages[L-1]`: a query stops at the
 * first stage whose confidence is >= that stage's threshold; the last stage always answers;
 * cost is the sum over every stage visited. `thresholds` has L-1 entries (`Infinity` = always
 * escalate). O(n L).
 * @throws RangeError when the threshold count is not L-1 or the columns differ in length.
 */
export function chainOutcomes(stages: readonly ModelColumns[], thresholds: ArrayLike<number>): ChainOutcomes {
  const { n, confidences, costs, qualities } = chainColumns('chainOutcomes', stages, thresholds);
  const stop = new Uint8Array(n);
  const cost = new Float64Array(n);
  const quality = new Float64Array(n);
  const structuralCost = new Float64Array(n);
  const spent = new Float64Array(1);
  for (let i = 0; i < n; i++) {
    const j = answeringStage(confidences, costs, thresholds, i, spent);
    const c = spent[0];
    structuralCost[i] = c;
    cost[i] = c + costs[j][i];
    quality[i] = qualities[j][i];
    stop[i] = j;
  }
  return { stop, cost, quality, structuralCost };
}

/**
 * The stage that answers each query ({@link chainOutcomes}' `stop`) alone: the rest of the
 * outcomes follow from it and the stages' columns (see `chainDeltas.ts`), in 1 byte per query
 * instead of 25. O(n L).
 * @throws RangeError as {@link chainOutcomes}, or for more than 256 stages.
 */
export function chainStops(stages: readonly ModelColumns[], thresholds: ArrayLike<number>): Uint8Array {
  const { L, n, confidences } = chainColumns('chainStops', stages, thresholds);
  if (L > 256) throw new RangeError(`chainStops: a chain of ${L} stages has more than 256`);
  const stop = new Uint8Array(n);
  for (let i = 0; i < n; i++) stop[i] = stopBefore(confidences, thresholds, i, L - 1);
  return stop;
}

/**
 * Means of a chain's outcomes over all queries (NaN figures for an empty set): the means of
 * {@link chainOutcomes}' columns summed in query order, to the last bit, without the per-query
 * arrays (for the many operating points whose figures alone are needed). O(n L).
 * @throws RangeError as {@link chainOutcomes}.
 */
export function chainSummary(stages: readonly ModelColumns[], thresholds: ArrayLike<number>): ChainSummary {
  const { L, n, confidences, costs, qualities } = chainColumns('chainSummary', stages, thresholds);
  const answered = new Array<number>(L).fill(0);
  let cost = 0;
  let quality = 0;
  let structural = 0;
  let escalated = 0;
  const spent = new Float64Array(1);
  for (let i = 0; i < n; i++) {
    const j = answeringStage(confidences, costs, thresholds, i, spent);
    const c = spent[0];
    cost += c + costs[j][i];
    quality += qualities[j][i];
    structural += c;
    answered[j]++;
    if (j > 0) escalated++;
  }
  return {
    cost: cost / n,
    quality: quality / n,
    escalationRate: escalated / n,
    answeredShare: answered.map((a) => a / n),
    structuralCost: structural / n,
  };
}
