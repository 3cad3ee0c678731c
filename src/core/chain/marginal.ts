import type { Dataset, ModelColumns, PolicySpec } from '../types.ts';
import { modelByName } from '../policy.ts';
import { confidenceOrder } from '../pairCurve.ts';
import { stopBefore, thresholdJson } from './evaluate.ts';

/**
 * The first-order diagnostic of one stage boundary j -> j+1 of a chain at given thresholds:
 *
 *     lambda_j = E[Q_after - q_j | reaches j, s_j near t_j] / E[C_after | reaches j, s_j near t_j]
 *
 * where Q_after and C_after are the quality the query would get and the cost it would add if
 * it went past stage j (through the rest of the chain at its thresholds). At an interior
 * optimum of max Q - lambda C every boundary's ratio equals the same lambda.
 */
export interface BoundaryRatio {
  /** 0-based boundary index: between stage `boundary` and `boundary + 1`. */
  readonly boundary: number;
  readonly from: string;
  readonly to: string;
  readonly threshold: number | null;
  /** Quality per dollar per query at the margin; null when the window is empty or adds no cost. */
  readonly lambda: number | null;
  /** 1 / lambda: dollars per query for one more unit of quality; null where lambda <= 0 or undefined. */
  readonly mu: number | null;
  /** Mean quality gained and mean cost added by going past the stage, over the window. */
  readonly deltaQuality: number;
  readonly deltaCost: number;
  /** Queries in the window and the stage-j confidence range they span. */
  readonly windowQueries: number;
  readonly confidenceFrom: number | null;
  readonly confidenceTo: number | null;
  /** Queries that reach stage j. */
  readonly reached: number;
}

/**
 * Marginal quality per marginal cost at every boundary of a chain ({@link BoundaryRatio}).
 * The window at boundary j holds `window` of the queries reaching stage j nearest the cut in
 * stage j's confidence order: half the lowest-confidence ones it answers, half the
 * highest-confidence ones it passes on (all of one side when the other is short or empty).
 * O(L (n log n + n L)); pass `orders` (ascending confidence per stage) to skip the sorts.
 */
export function chainMarginalRatios(stages: readonly ModelColumns[], thresholds: ArrayLike<number>, window: number, orders?: readonly Uint32Array[]): BoundaryRatio[] {
  const L = stages.length;
  const n = L > 0 ? stages[0].quality.length : 0;
  const result: BoundaryRatio[] = [];
  const confidences = stages.map((m) => m.confidence);
  // Queries reaching stage j, by ascending confidence: the first `count` entries.
  const reached = new Uint32Array(n);
  for (let j = 0; j < L - 1; j++) {
    const order = orders?.[j] ?? confidenceOrder(stages[j]);
    const s = stages[j].confidence;
    let count = 0;
    for (let p = 0; p < n; p++) {
      const i = order[p];
      if (stopBefore(confidences, thresholds, i, j) === j) reached[count++] = i;
    }
    let cut = 0;
    while (cut < count && s[reached[cut]] < thresholds[j]) cut++;
    const size = Math.min(Math.max(1, Math.floor(window)), count);
    let above = Math.min(Math.ceil(size / 2), count - cut);
    const below = Math.min(size - above, cut);
    above = Math.min(size - below, count - cut);
    let dq = 0;
    let dc = 0;
    for (let p = cut - below; p < cut + above; p++) {
      const i = reached[p];
      let c = 0;
      let q = 0;
      for (let k = j + 1; k < L; k++) {
        c += stages[k].cost[i];
        if (k === L - 1 || stages[k].confidence[i] >= thresholds[k]) {
          q = stages[k].quality[i];
          break;
        }
      }
      dq += q - stages[j].quality[i];
      dc += c;
    }
    const w = below + above;
    const lambda = w > 0 && dc > 0 ? dq / dc : null;
    result.push({
      boundary: j,
      from: stages[j].name,
      to: stages[j + 1].name,
      threshold: thresholdJson(thresholds[j]),
      lambda,
      mu: lambda !== null && lambda > 0 ? 1 / lambda : null,
      deltaQuality: w > 0 ? dq / w : 0,
      deltaCost: w > 0 ? dc / w : 0,
      windowQueries: w,
      confidenceFrom: w > 0 ? s[reached[cut - below]] : null,
      confidenceTo: w > 0 ? s[reached[cut + above - 1]] : null,
      reached: count,
    });
  }
  return result;
}

/**
 * The first-order diagnostic of any configured chain or pair on a dataset: each boundary's
 * marginal ratio ({@link chainMarginalRatios}) at the policy's own thresholds.
 * O(L (n log n + n L)).
 * @throws Error for an unknown model or a threshold count that does not fit the stages.
 */
export function policyBoundaryRatios(dataset: Dataset, policy: PolicySpec, window: number): BoundaryRatio[] {
  const stages = policy.models.map((m) => modelByName(dataset, m));
  if (policy.thresholds.length !== stages.length - 1) {
    throw new Error(`a policy of ${stages.length} stages needs ${stages.length - 1} thresholds, got ${policy.thresholds.length}`);
  }
  return chainMarginalRatios(
    stages,
    policy.thresholds.map((t) => t ?? Infinity),
    window,
  );
}
