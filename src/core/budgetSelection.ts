/**
 * The noise-aware rule's pick for one budget, as the recommendation for a budget makes it: with
 * the in-sample figures measured on the way (the gain's bootstrap measures the candidate and
 * the simple policy on the same draws, and the recommendation reuses those figures).
 */
import type { Dataset, Measured, PolicySpec } from './types.ts';
import { measureJointly, type MeasureOptions } from './policy.ts';
import { type BudgetSelection, type GainInterval, selectForBudgets, type SelectionOptions } from './select/rule.ts';

/** The pick, and the figures measured on the way, by policy (in the order first measured). */
export interface BudgetRulePick {
  readonly picked: BudgetSelection;
  readonly known: readonly (readonly [PolicySpec, Measured])[];
}

/** The rule's pick for `budget` on the calibration queries (see {@link BudgetRulePick}). */
export function pickForBudget(cal: Dataset, budget: number, measure: MeasureOptions, selection: SelectionOptions): BudgetRulePick {
  // The gain's bootstrap and the in-sample intervals of the candidate and the simple policy are
  // drawn together: the same seed, resamples and queries give the same draws.
  const known = new Map<PolicySpec, Measured>();
  const sameDraws = (selection.seed ?? measure.seed) === measure.seed && (selection.resamples ?? measure.resamples) === measure.resamples;
  const gainInterval: GainInterval = (gain, level, candidate, versus) => {
    if (!sameDraws) return undefined;
    const versusPolicy: PolicySpec = { kind: 'single', models: [versus], thresholds: [] };
    const { measured, extraIntervals } = measureJointly(cal, [candidate, versusPolicy], measure, [{ values: gain, level }]);
    if (extraIntervals.length === 0) return undefined;
    known.set(candidate, measured[0]);
    known.set(versusPolicy, measured[1]);
    return extraIntervals[0];
  };
  const picked = selectForBudgets(cal, [budget], { seed: measure.seed, resamples: measure.resamples, ...selection }, gainInterval)[0];
  return { picked, known: [...known] };
}
