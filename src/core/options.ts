import type { PolicySpec, PriceTable } from './types.ts';

/** How to read evaluation files. */
export interface LoadOptions {
  /** Prices for records that give tokens instead of a cost. */
  readonly prices?: PriceTable;
  /** The provider whose entry prices a model the table lists under several providers at different prices (e.g. `together_ai`). */
  readonly priceProvider?: string;
  /** Record field holding the split label (default `split`). */
  readonly splitField?: string;
  /** Keep prompts in memory (needed by the router; off saves memory on huge sets). Default true. */
  readonly keepPrompts?: boolean;
  /** Keep each model's answer text (the `response` field; needed by the learned confidence). Default false. */
  readonly keepResponses?: boolean;
  /** Longest line accepted, in bytes; longer lines are reported and skipped. Default 16 MiB. */
  readonly maxLineBytes?: number;
  /** Stops reading early; the promise then rejects with an AbortError. */
  readonly signal?: AbortSignal;
  /** Called now and then with bytes read so far and the total size of all inputs. */
  readonly onProgress?: (bytesRead: number, bytesTotal: number) => void;
  /** Harness outputs with token log-probabilities: the signal a cascade thresholds on. Default `mean-logprob`. */
  readonly confidenceSignal?: ConfidenceSignal;
  /** lm-evaluation-harness samples hold one line per filter per doc: the filter to read. Default: the first filter in the file. */
  readonly lmEvalFilter?: string;
  /** lm-evaluation-harness metric used as quality (e.g. `acc`, `acc_norm`, `exact_match`). Default: the sample's first metric. */
  readonly lmEvalMetric?: string;
  /** Wide tables: the column holding the query id. Default `sample_id`, `id`, `query_id` or `question_id`, else a hash of `prompt`. */
  readonly idColumn?: string;
  /** Inspect scorer, promptfoo named score or HELM stat used as quality instead of the default. */
  readonly qualityScore?: string;
  /** Inspect scorer or promptfoo named score used as confidence when a file has no token log-probabilities. */
  readonly confidenceScore?: string;
  /** Harness outputs that keep the texts but no token counts (lm-evaluation-harness): estimate tokens as characters / 4, labelled as an estimate. Default false. */
  readonly estimateTokens?: boolean;
}

/**
 * Confidence signals computed from token log-probabilities: mean or minimum token log-prob,
 * mean token negentropy (sum of p log p over the reported alternatives), sequence probability.
 */
export type ConfidenceSignal = 'mean-logprob' | 'min-logprob' | 'mean-negentropy' | 'sequence-prob';

/** How calibration and holdout queries are told apart. */
export type SplitOption =
  | { readonly kind: 'field'; readonly calibration: string; readonly holdout: string; readonly field?: string }
  | { readonly kind: 'random'; readonly seed: number; readonly holdoutFraction: number }
  | { readonly kind: 'none' };

/**
 * Defaults of the statistics shared by the pairwise analysis and the comparison, stated in
 * every result's `settings`: bootstrap resamples, seed, interval level, the local
 * shadow-price window (max(minLocalWindow, localWindowShare of the calibration queries)) and
 * the points kept per pair curve in an analysis result.
 */
export const ANALYSIS_DEFAULTS = { bootstrapResamples: 1000, seed: 1, level: 0.95, minLocalWindow: 20, localWindowShare: 0.1, maxPairPoints: 500 } as const;

/** What to analyse. */
export interface AnalyzeOptions {
  /** Budget in dollars per query. */
  readonly budget?: number;
  /** Quality target in [0,1]. */
  readonly target?: number;
  /** Default: the `split` field when the data has one with the calibration/holdout values `train`/`test`, else a seeded random split. */
  readonly split?: SplitOption;
  /** A configured cascade to evaluate against the envelope. */
  readonly cascade?: PolicySpec;
  /** Bootstrap resamples (default 1000), seed (default 1), interval level (default 0.95). */
  readonly bootstrapResamples?: number;
  readonly seed?: number;
  readonly level?: number;
  /** Queries in the local shadow-price window (default: max(20, 10% of calibration queries)). */
  readonly localWindow?: number;
  /** Confidence that a recommended policy's mean cost per query is within the budget (default 0.9). */
  readonly budgetConfidence?: number;
  /** One-sided confidence of the bounds of the escalation gain (default 0.9). */
  readonly gainConfidence?: number;
  /** Largest p95 latency in milliseconds a recommended policy may have (needs `latency_ms`). */
  readonly maxLatencyP95Ms?: number;
  /** Budgets of `budgetPicks` (the rule's pick at log-spaced budgets, for a budget control); 0 or absent for none. */
  readonly budgetGrid?: number;
  /** Loader issues to carry into `warnings`. */
  readonly issues?: readonly import('./types.ts').InputIssue[];
  /** The files read (their formats say which harness to advise on for models without a confidence). */
  readonly files?: readonly import('./types.ts').FileSummary[];
  /** What the learned confidence (`core/confidence/learned.ts`) did, when one was asked for. */
  readonly learned?: readonly import('./types.ts').LearnedModel[];
}
