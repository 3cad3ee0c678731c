import type { AnalyzeOptions } from './options.ts';
import type { Dataset, Recommendation } from './types.ts';
import { analyze } from './analyze.ts';
import { pairwiseFrontier } from './envelope.ts';
import { splitDataset } from './split.ts';
import { roundBudgetUp } from './readable.ts';

/** Budgets offered at most: the hull's vertices, evenly spaced when there are more. */
export const MAX_BUDGET_OPTIONS = 9;

/**
 * The budgets worth choosing between: the costs of the vertices of the envelope's upper concave
 * hull on the calibration queries (where what one more dollar buys changes), each rounded up to
 * the roundest budget that allows the same envelope policies ({@link roundBudgetUp}), at most
 * {@link MAX_BUDGET_OPTIONS}, cheapest first. O(k n log n + k^2 n).
 */
export function hullBudgets(dataset: Dataset, options: Pick<AnalyzeOptions, 'split'> = {}): number[] {
  const cal = splitDataset(dataset, options.split).calibration;
  if (cal.n === 0) return [];
  const frontier = pairwiseFrontier(cal);
  const decisive = [...frontier.envelope.map((v) => v.cost), ...frontier.singles.map((s) => s.cost)];
  const costs = [...new Set(frontier.hull.map((h) => h.cost))];
  const picked = costs.length <= MAX_BUDGET_OPTIONS ? costs : Array.from({ length: MAX_BUDGET_OPTIONS }, (_, k) => costs[Math.round((k * (costs.length - 1)) / (MAX_BUDGET_OPTIONS - 1))]);
  return [...new Set(picked.map((c) => roundBudgetUp(c, decisive)))];
}

/**
 * The recommendation at each budget of {@link hullBudgets}, exactly as `analyze` gives it for
 * that budget (the same rule, figures and verdict a config with that budget will show; its
 * `budget` is the one to write).
 * O(budgets * the cost of `analyze`).
 * @throws Error as `analyze` does for unusable data or split.
 */
export function budgetOptions(dataset: Dataset, options: AnalyzeOptions = {}): Recommendation[] {
  return hullBudgets(dataset, options).map((budget) => analyze(dataset, { ...options, budget, target: undefined, cascade: undefined }).recommendation!);
}
