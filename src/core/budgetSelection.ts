/**
 * The noise-aware rule's pick for one budget and the figures of its choice, as the
 * recommendation for a budget reports them: in-sample and held out, beside the best single
 * model that fits and the candidate cascade, with their bootstrap intervals. Reads the
 * calibration and holdout columns only (not the frontier), so another thread can make it.
 */
import type { Dataset, Measured, PolicySpec, Recommendation } from './types.ts';
import { measureJointly, measurePoliciesJointly, type MeasureOptions, samePolicy } from './policy.ts';
import { type BudgetSelection, type GainInterval, selectForBudgets, type SelectionOptions } from './select/rule.ts';

/** In-sample and held-out figures of a chosen policy, of a single model, and of extra policies (held out). */
export interface ChoiceFigures {
  readonly inSample: Measured;
  readonly holdout?: Measured;
  readonly bestSingle?: NonNullable<Recommendation['bestSingle']>;
  readonly extraHoldout: Measured[];
}

/** The pick; when it chose a policy, the choice's figures and the verdict's candidate when it is another policy (its held-out figures are `figures.extraHoldout[0]`). */
export interface BudgetRulePick {
  readonly picked: BudgetSelection;
  readonly figures?: ChoiceFigures;
  readonly candidate?: PolicySpec;
}

/** The rule's pick for `budget` on the calibration queries, and its choice's figures (see {@link BudgetRulePick}). */
export function pickForBudget(cal: Dataset, holdout: Dataset | undefined, budget: number, measure: MeasureOptions, selection: SelectionOptions): BudgetRulePick {
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
  if (!picked.feasible || !picked.choice) return { picked };
  const policy = picked.choice.policy;
  const candidate = picked.verdict?.candidate && !samePolicy(picked.verdict.candidate.policy, policy) ? picked.verdict.candidate.policy : undefined;
  const singleName = picked.single?.model ?? (picked.fallback ? policy.models[0] : undefined);
  const figures = measureChoice(cal, holdout, policy, singleName, measure, candidate ? [candidate] : [], known);
  return { picked, figures, ...(candidate ? { candidate } : {}) };
}

/** In-sample and held-out figures of a policy and of a single model, on the same bootstrap resamples. */
export function measureChoice(
  cal: Dataset,
  holdout: Dataset | undefined,
  policy: PolicySpec,
  single: string | undefined,
  measure: MeasureOptions,
  extra: readonly PolicySpec[] = [],
  known: ReadonlyMap<PolicySpec, Measured> = new Map(),
): ChoiceFigures {
  const singlePolicy: PolicySpec | undefined = single !== undefined ? { kind: 'single', models: [single], thresholds: [] } : undefined;
  const policies = singlePolicy ? [policy, singlePolicy] : [policy];
  // Figures already measured on these calibration queries (with the same resamples) are taken as they are.
  const knownOf = (p: PolicySpec) => [...known].find(([q]) => samePolicy(p, q))?.[1];
  const [inSample, singleIn] = policies.every((p) => knownOf(p)) ? policies.map((p) => knownOf(p)!) : measurePoliciesJointly(cal, policies, measure);
  const held = holdout ? measurePoliciesJointly(holdout, [...policies, ...extra], measure) : undefined;
  return {
    inSample,
    ...(held ? { holdout: held[0] } : {}),
    ...(single !== undefined && singleIn ? { bestSingle: { model: single, inSample: singleIn, ...(held ? { holdout: held[1] } : {}) } } : {}),
    extraHoldout: held ? held.slice(policies.length) : [],
  };
}
