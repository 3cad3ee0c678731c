import type { Measured } from './types.ts';

/**
 * The recommendation's budget rule, applied to a policy's measured figures: true when the policy
 * does not fit the budget (dollars per query). The rule today: the mean cost must not exceed the
 * budget. `cascade-frontier check` and the config's diagnostics judge a configured cascade's
 * held-out cost with it, so they follow whatever rule the recommendation uses. O(1).
 */
export function exceedsBudget(measured: Pick<Measured, 'cost' | 'costInterval' | 'n'>, budget: number): boolean {
  return measured.cost > budget;
}
