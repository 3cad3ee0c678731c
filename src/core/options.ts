import type { PolicySpec, PriceTable } from './types.ts';

/** How to read evaluation files. */
export interface LoadOptions {
  /** Prices for records that give tokens instead of a cost. */
  readonly prices?: PriceTable;
  /** Record field holding the split label (default `split`). */
  readonly splitField?: string;
  /** Keep prompts in memory (needed by the router; off saves memory on huge sets). Default true. */
  readonly keepPrompts?: boolean;
  /** Longest line accepted, in bytes; longer lines are reported and skipped. Default 16 MiB. */
  readonly maxLineBytes?: number;
  /** Stops reading early; the promise then rejects with an AbortError. */
  readonly signal?: AbortSignal;
  /** Called now and then with bytes read so far and the total size of all inputs. */
  readonly onProgress?: (bytesRead: number, bytesTotal: number) => void;
}

/** How calibration and holdout queries are told apart. */
export type SplitOption =
  | { readonly kind: 'field'; readonly calibration: string; readonly holdout: string; readonly field?: string }
  | { readonly kind: 'random'; readonly seed: number; readonly holdoutFraction: number }
  | { readonly kind: 'none' };

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
  /** Loader issues to carry into `warnings`. */
  readonly issues?: readonly import('./types.ts').InputIssue[];
}
