/**
 * The budget rule of the recommendation: a policy fits a budget when an upper confidence bound
 * of its mean cost per query does, not merely its calibration mean. Mean costs measured on a
 * few hundred queries move by a few percent on new queries; a policy tuned to sit exactly at
 * the budget on calibration goes over it on about half of new query sets.
 */
import type { BudgetCheck, Dataset, PolicySpec } from '../types.ts';
import { policyOutcome } from '../policy.ts';
import { normalQuantile } from './normal.ts';

/** Default confidence that the mean cost per query of a recommended policy is within the budget. */
export const DEFAULT_BUDGET_CONFIDENCE = 0.9;

/**
 * One-sided upper confidence bound of a mean from the sum and the sum of squares of `n` values:
 * mean + z * s / sqrt(n), s the sample standard deviation (0 when n < 2). O(1).
 */
export function meanUpperBound(sum: number, sumSquares: number, n: number, z: number): number {
  if (n <= 0) return NaN;
  const mean = sum / n;
  if (n < 2) return mean;
  const variance = Math.max(0, (sumSquares - n * mean * mean) / (n - 1));
  return mean + z * Math.sqrt(variance / n);
}

/** The normal quantile for a one-sided confidence level in (0, 1). @throws RangeError otherwise. */
export function zForConfidence(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`a confidence level must be between 0 and 1 (exclusive), got ${confidence}`);
  return normalQuantile(confidence);
}

/**
 * The budget rule on per-query costs: the mean fits the budget when its one-sided upper
 * confidence bound at `confidence` (normal approximation, sample standard deviation) is at most
 * the budget. O(n).
 * @throws RangeError for a confidence outside (0, 1).
 */
export function checkBudget(perQueryCost: ArrayLike<number>, budget: number, confidence: number = DEFAULT_BUDGET_CONFIDENCE): BudgetCheck {
  const z = zForConfidence(confidence);
  const n = perQueryCost.length;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const c = perQueryCost[i];
    sum += c;
    sumSquares += c * c;
  }
  const costUpperBound = meanUpperBound(sum, sumSquares, n, z);
  return { budget, confidence, n, meanCost: n > 0 ? sum / n : NaN, costUpperBound, fits: costUpperBound <= budget };
}

/**
 * {@link checkBudget} for a policy run on a dataset (a pair or chain pays every stage it visits).
 * This is the test every recommended policy passes; use it to judge whether a configured policy
 * is over budget the same way. O(n * stages).
 * @throws Error for an unknown model; RangeError for a confidence outside (0, 1).
 */
export function checkPolicyBudget(dataset: Dataset, policy: PolicySpec, budget: number, confidence: number = DEFAULT_BUDGET_CONFIDENCE): BudgetCheck {
  return checkBudget(policyOutcome(dataset, policy).cost, budget, confidence);
}
