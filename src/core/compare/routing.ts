/**
 * What can be said without any confidence: each model alone, the pre-generation router (which
 * decides from the prompt, before any answer) and the perfect-routing bound, held out, and
 * whether the router would beat the best single model. The part of the comparison `analyze`
 * shows when models lack a confidence.
 */
import type { Dataset } from '../types.ts';
import { compare, type CompareOptions } from './compare.ts';
import type { ComparisonFamily, ComparisonResult, Verdict } from './types.ts';

/** The held-out routing figures of a dataset (see {@link routingSummary}). */
export interface RoutingSummary {
  /** False when there is no holdout split: every figure is then in-sample. */
  readonly heldOut: boolean;
  readonly nCalibration: number;
  readonly nHoldout: number;
  /** The comparison's cost range and the definition of `area`. */
  readonly range: ComparisonResult['range'];
  readonly singles: ComparisonFamily;
  readonly router: ComparisonFamily;
  readonly bound: ComparisonFamily;
  /** Would a pre-generation router beat the best single model within each budget? */
  readonly verdict: Verdict;
  /** The router's features, settings and cost models, or why there is none. */
  readonly routerInfo: ComparisonResult['router'];
}

/**
 * The single models, the pre-generation router and the perfect-routing bound measured as
 * `compare` measures them (chosen on calibration, measured held out, paired bootstrap
 * intervals), without the chain and subsequence search. O(k epochs nnz + resamples n k).
 * @throws Error as `compare` does (no queries, an empty split, unknown split labels).
 */
export function routingSummary(dataset: Dataset, options: CompareOptions = {}): RoutingSummary {
  const c = compare(dataset, { ...options, maxSubsequence: 1 });
  const family = (id: ComparisonFamily['id']) => c.families.find((f) => f.id === id)!;
  return {
    heldOut: c.heldOut,
    nCalibration: c.split.nCalibration,
    nHoldout: c.split.nHoldout,
    range: c.range,
    singles: family('singles'),
    router: family('router'),
    bound: family('bound'),
    verdict: c.verdicts.routerVsSingle,
    routerInfo: c.router,
  };
}
