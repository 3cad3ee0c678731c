import type { InputIssue, PriceTable } from '../types.ts';

/** One model of an external price list, priced or not. */
export interface PriceEntry {
  /** The model's key in the list, e.g. `openai/gpt-4o` or `azure/gpt-4o`. */
  readonly key: string;
  /** Provider the list gives (LiteLLM's `litellm_provider`). */
  readonly provider?: string;
  /** Other names the list itself gives the same model (OpenRouter's canonical slug). */
  readonly aliases?: readonly string[];
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
  readonly reasoningPerMillion?: number;
  readonly cacheReadPerMillion?: number;
}

/** What a price list parser found: the priced models, and the keys it names without an input or an output price. */
export interface ParsedPriceList {
  readonly entries: PriceEntry[];
  readonly unpriced: { readonly key: string; readonly provider?: string }[];
}

/** A price list read from a file, with aliases added so evaluation model names find their price. */
export interface PriceTableResult {
  /** `litellm` or `openrouter`. */
  readonly format: string;
  /** Prices per model key and per unambiguous alias (dollars per million tokens); unpriced keys marked. */
  readonly table: PriceTable;
  /** Priced models in the file (aliases not counted). */
  readonly entries: number;
  /** Keys without usable input and output prices: never used as prices. */
  readonly skipped: readonly string[];
  readonly issues: readonly InputIssue[];
}
