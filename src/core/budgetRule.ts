import type { Measured } from './types.ts';
import { DEFAULT_BUDGET_CONFIDENCE, zForConfidence } from './select/budget.ts';

/**
 * The recommendation's budget rule, applied to a policy's measured figures: true when the policy
 * does not fit the budget (dollars per query), i.e. when the one-sided upper confidence bound at
 * `confidence` of its mean cost, mean + z * sd / sqrt(n), is above the budget (see
 * `select/budget.ts`; without a standard deviation, when the mean is). `cascade-frontier check`
 * and the config's diagnostics judge a configured cascade's held-out cost with it, so they follow
 * the rule the recommendation uses. O(1).
 * @throws RangeError for a confidence outside (0, 1).
 */
export function exceedsBudget(measured: Pick<Measured, 'cost' | 'costSd' | 'n'>, budget: number, confidence: number = DEFAULT_BUDGET_CONFIDENCE): boolean {
  return costUpperBound(measured, confidence) > budget;
}

/** The upper confidence bound {@link exceedsBudget} holds against the budget (the mean without a standard deviation). O(1). */
export function costUpperBound(measured: Pick<Measured, 'cost' | 'costSd' | 'n'>, confidence: number = DEFAULT_BUDGET_CONFIDENCE): number {
  if (measured.costSd === undefined || measured.n < 2) return measured.cost;
  return measured.cost + (zForConfidence(confidence) * measured.costSd) / Math.sqrt(measured.n);
}
