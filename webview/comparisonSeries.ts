/**
 * The comparison families the chart can overlay on the envelope, in their fixed order, with
 * the text of their toggles. Shared by the view state (which remembers the toggles) and the
 * comparison's view models.
 */
import type { FamilyId } from '../src/core/compare/types.ts';

/** The families the chart can overlay (the singles and the envelope are drawn already). */
export type ComparisonSeriesId = Extract<FamilyId, 'fullChain' | 'bestSubsequence' | 'router' | 'bound'>;

export interface ComparisonSeriesInfo {
  readonly id: ComparisonSeriesId;
  /** Toggle and legend text. */
  readonly label: string;
}

export const COMPARISON_SERIES: readonly ComparisonSeriesInfo[] = [
  { id: 'fullChain', label: 'Full chain' },
  { id: 'bestSubsequence', label: 'Best subsequence' },
  { id: 'router', label: 'Router' },
  { id: 'bound', label: 'Perfect-routing bound (bound, not a policy)' },
];

export function isComparisonSeriesId(v: unknown): v is ComparisonSeriesId {
  return COMPARISON_SERIES.some((s) => s.id === v);
}
