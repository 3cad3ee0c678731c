/**
 * What the pairwise analysis (`analyze`) and the held-out comparison (`compare`) do first, the
 * same way: refuse empty data, split it into calibration and holdout queries, settle the
 * statistics' settings, and list the input problems as warnings.
 */
import type { Dataset, InputIssue } from './types.ts';
import { ANALYSIS_DEFAULTS, type SplitOption } from './options.ts';
import { splitDataset, type SplitDatasets } from './split.ts';
import { formatIssue } from './format/issue.ts';

/** The options both share. */
export interface RunOptions {
  readonly split?: SplitOption;
  readonly bootstrapResamples?: number;
  readonly seed?: number;
  readonly level?: number;
  readonly localWindow?: number;
}

/** A dataset split and the settings of its statistics. */
export interface PreparedRun {
  readonly split: SplitDatasets;
  /** The calibration queries (never empty). */
  readonly cal: Dataset;
  readonly resamples: number;
  readonly seed: number;
  readonly level: number;
  /** Queries in the local shadow-price window. */
  readonly localWindow: number;
}

/**
 * Splits the dataset and fills in the defaults ({@link ANALYSIS_DEFAULTS}). O(n k).
 * @throws Error for empty data, an empty calibration split or a split label the data does not have.
 */
export function prepareRun(dataset: Dataset, options: RunOptions): PreparedRun {
  if (dataset.models.length === 0 || dataset.n === 0) {
    throw new Error('no usable queries: every model needs at least one record with the same id. Check the problems listed above.');
  }
  const split = splitDataset(dataset, options.split);
  const cal = split.calibration;
  if (cal.n === 0) throw new Error('the calibration split has no queries. Check the split field and its values.');
  return {
    split,
    cal,
    resamples: options.bootstrapResamples ?? ANALYSIS_DEFAULTS.bootstrapResamples,
    seed: options.seed ?? ANALYSIS_DEFAULTS.seed,
    level: options.level ?? ANALYSIS_DEFAULTS.level,
    localWindow: options.localWindow ?? Math.max(ANALYSIS_DEFAULTS.minLocalWindow, Math.round(cal.n * ANALYSIS_DEFAULTS.localWindowShare)),
  };
}

/** Warnings printed in full; the rest are counted. */
export const MAX_LISTED_WARNINGS = 20;

/**
 * The warnings of a result: every input issue as `file:line: message`, then other warnings, the
 * first {@link MAX_LISTED_WARNINGS} listed and the rest counted in a last line. O(issues).
 */
export function listWarnings(issues: readonly InputIssue[], more: readonly string[]): string[] {
  const warnings = [...issues.map(formatIssue), ...more];
  const listed = warnings.slice(0, MAX_LISTED_WARNINGS);
  if (warnings.length > MAX_LISTED_WARNINGS) listed.push(`... and ${warnings.length - MAX_LISTED_WARNINGS} more problems not listed.`);
  return listed;
}
