import type { ConfidenceSource, ModelColumns } from '../types.ts';

/** The source of a model's confidence (`logged` when the columns do not say). */
export const confidenceSourceOf = (m: Pick<ModelColumns, 'confidenceSource'>): ConfidenceSource => m.confidenceSource ?? 'logged';

/** True when a model has a confidence (logged or learned), so it can be a first stage. */
export const hasConfidence = (m: Pick<ModelColumns, 'confidenceSource'>): boolean => m.confidenceSource !== 'none';

/**
 * The stages of a policy, but its last, whose model has no confidence in the dataset: such a
 * stage cannot decide when to escalate. Unknown models are left to the caller. O(stages k).
 */
export function stagesWithoutConfidence(models: readonly Pick<ModelColumns, 'name' | 'confidenceSource'>[], policy: { readonly models: readonly string[] }): string[] {
  return policy.models.slice(0, -1).filter((name) => models.some((m) => m.name === name && !hasConfidence(m)));
}
