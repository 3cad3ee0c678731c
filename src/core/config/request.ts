import type { AnalyzeOptions, LoadOptions } from '../options.ts';
import { confidenceOptions, configPolicy, type CascadeConfig } from './config.ts';

/** Eval file globs of a config without `evals` (the extension's `evalFiles` default), relative to the config's folder. */
export const DEFAULT_EVAL_GLOBS: readonly string[] = ['**/*.{jsonl,jsonl.gz,csv,csv.gz,parquet,eval}', '**/per_instance_stats.json', '**/logs/[0-9]*.json'];
/** Folders never searched for eval files (the extension's `exclude` default). */
export const EXCLUDED_FOLDERS_GLOB = '**/{node_modules,.git,dist,out}/**';

/**
 * What a config asks to load and analyse: its eval globs (relative to its folder), the price
 * table, split field, confidence signal and token estimation for loading, and the budget, target, budget
 * confidence, latency limit, split and cascade for the analysis. O(config size).
 */
export function configRequest(config: CascadeConfig): {
  globs: readonly string[];
  /** `pricesFile`: a price list file to read, relative to the config's folder. */
  load: Pick<LoadOptions, 'prices' | 'splitField' | 'priceProvider' | 'confidenceSignal' | 'keepResponses' | 'estimateTokens'> & { readonly pricesFile?: string };
  /** `confidence: learned`: models without a logged confidence get one learned from their answer texts. */
  learned: boolean;
  analyze: Pick<AnalyzeOptions, 'budget' | 'target' | 'split' | 'cascade' | 'budgetConfidence' | 'maxLatencyP95Ms'>;
} {
  const policy = configPolicy(config);
  const split = config.split?.value;
  const confidence = confidenceOptions(config);
  return {
    globs: config.evals?.globs.map((g) => g.value) ?? DEFAULT_EVAL_GLOBS,
    load: {
      ...(config.prices ? { prices: config.prices.table } : {}),
      ...(config.pricesFile ? { pricesFile: config.pricesFile.value } : {}),
      ...(config.priceProvider ? { priceProvider: config.priceProvider.value } : {}),
      ...(config.estimateTokens?.value ? { estimateTokens: true } : {}),
      ...(split?.kind === 'field' && split.field !== undefined ? { splitField: split.field } : {}),
      ...(confidence.confidenceSignal ? { confidenceSignal: confidence.confidenceSignal } : {}),
      ...(confidence.learned ? { keepResponses: true } : {}),
    },
    learned: confidence.learned,
    analyze: {
      ...(config.budget ? { budget: config.budget.value } : {}),
      ...(config.target ? { target: config.target.value } : {}),
      ...(config.budgetConfidence ? { budgetConfidence: config.budgetConfidence.value } : {}),
      ...(config.maxLatencyP95Ms ? { maxLatencyP95Ms: config.maxLatencyP95Ms.value } : {}),
      ...(split ? { split } : {}),
      ...(policy ? { cascade: policy } : {}),
    },
  };
}

/** Line and character (both 0-based) of an offset in a text. O(offset). */
export function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}
