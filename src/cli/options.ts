import { readFileSync } from 'node:fs';
import type { PriceTable } from '../core/types.ts';
import type { LoadOptions, SplitOption } from '../core/options.ts';
import { describeFsError, parsePriceTable } from '../core/load/prices.ts';
import { unreadablePath } from '../core/load/messages.ts';
import { InputError, UsageError } from './io.ts';
import { isConfidenceSignal } from '../core/adapters/confidence.ts';

/** Options shared by the commands that read evaluation files (`analyze`, `compare`, `report`). */
export const INPUT_OPTIONS = {
  'split-field': { type: 'string' },
  calibration: { type: 'string' },
  holdout: { type: 'string' },
  'holdout-fraction': { type: 'string' },
  seed: { type: 'string' },
  'no-split': { type: 'boolean' },
  prices: { type: 'string' },
  'price-provider': { type: 'string' },
  'confidence-signal': { type: 'string' },
  'lm-eval-filter': { type: 'string' },
  'lm-eval-metric': { type: 'string' },
  'id-column': { type: 'string' },
  'quality-score': { type: 'string' },
  'confidence-score': { type: 'string' },
  'estimate-tokens': { type: 'boolean' },
  confidence: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const INPUT_USAGE = `  --split-field NAME      record field that holds the split (default: split)
  --calibration VALUE     value of that field for calibration queries (default: train)
  --holdout VALUE         value for holdout queries (default: test)
  --holdout-fraction F    without a split field: hold out this share at random (default 0.5)
  --seed N                seed of the random split and of bootstrap intervals (default 1)
  --no-split              use every query for both choosing and reporting (in-sample only)
  --prices FILE           JSON price table for records that give tokens instead of cost:
                          {"model": {"input": $/1M tokens, "output": $/1M tokens}},
                          or LiteLLM's model_prices_and_context_window.json, or OpenRouter's model list
  --price-provider NAME   the provider whose entry prices a model the table lists under several
                          providers at different prices (e.g. together_ai)
  --confidence-signal S   from token log-probs: mean-logprob (default), min-logprob,
                          mean-negentropy or sequence-prob
  --lm-eval-filter NAME   lm-evaluation-harness filter to read (default: the first in each file)
  --lm-eval-metric NAME   lm-evaluation-harness metric used as quality (default: the first)
  --id-column NAME        wide tables: the column that names each query
  --quality-score NAME    Inspect scorer, promptfoo named score or HELM stat used as quality
  --confidence-score NAME Inspect scorer or promptfoo named score used as confidence
  --estimate-tokens       estimate tokens as characters / 4 of the prompt and the answer, to price
                          records that have the texts but no tokens or cost
  --confidence learned    models without a logged confidence get one learned from their answer
                          texts and the prompts (cross-fitted P(correct), labelled learned)
  --json                  print one JSON object instead of tables (also when nothing can be
                          analysed: then with "error" and "files")`;

interface InputValues {
  'split-field'?: string;
  calibration?: string;
  holdout?: string;
  'holdout-fraction'?: string;
  seed?: string;
  'no-split'?: boolean;
  prices?: string;
  'price-provider'?: string;
  'confidence-signal'?: string;
  'lm-eval-filter'?: string;
  'lm-eval-metric'?: string;
  'id-column'?: string;
  'quality-score'?: string;
  'confidence-score'?: string;
  'estimate-tokens'?: boolean;
  confidence?: string;
}

/**
 * The arguments with a negative number joined to the option before it (`--budget -1` becomes
 * `--budget=-1`): node's parser takes `-1` for an option and refuses the pair as ambiguous,
 * where the option's own check says what is wrong with the value. O(args).
 */
export function joinNegativeValues(argv: readonly string[], options: Readonly<Record<string, { readonly type: string }>>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg.startsWith('--') && !arg.includes('=') && options[arg.slice(2)]?.type === 'string' && next !== undefined && /^-(?:\d|\.\d|inf)/i.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Parses a number option. @throws UsageError naming the option. */
export function numberOption(name: string, value: string | undefined, check: (x: number) => boolean, expect: string): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || !check(x)) throw new UsageError(`--${name} must be ${expect}, got ${JSON.stringify(value)}`);
  return x;
}

/** The split and seed the user asked for; undefined split means "the default for this data". */
export function splitFromOptions(values: InputValues): { split?: SplitOption; seed?: number } {
  const seed = numberOption('seed', values.seed, (x) => Number.isInteger(x) && x >= 0, 'a whole number >= 0');
  if (values['no-split']) return { split: { kind: 'none' }, seed };
  const fraction = numberOption('holdout-fraction', values['holdout-fraction'], (x) => x > 0 && x < 1, 'a number between 0 and 1');
  const fieldGiven = values['split-field'] !== undefined || values.calibration !== undefined || values.holdout !== undefined;
  if (fieldGiven && fraction !== undefined) throw new UsageError('use either --split-field/--calibration/--holdout or --holdout-fraction, not both');
  if (fieldGiven) {
    return {
      split: { kind: 'field', field: values['split-field'] ?? 'split', calibration: values.calibration ?? 'train', holdout: values.holdout ?? 'test' },
      seed,
    };
  }
  if (fraction !== undefined || seed !== undefined) return { split: { kind: 'random', seed: seed ?? 1, holdoutFraction: fraction ?? 0.5 }, seed };
  return { seed };
}

/** Where a model's confidence may come from, as `--confidence` (config `confidence`) asks. */
export type ConfidenceChoice = 'logged' | 'learned';

/** `--confidence`: `learned` or `logged` (the default). @throws UsageError for any other value. */
export function confidenceFromOptions(values: { confidence?: string }): ConfidenceChoice {
  const v = values.confidence;
  if (v === undefined || v === 'logged') return 'logged';
  if (v === 'learned') return 'learned';
  throw new UsageError(`--confidence must be learned (a confidence learned from the answer texts for models that log none) or logged (the default), got ${JSON.stringify(v)}`);
}

/**
 * Load options from the command line.
 * @throws InputError for a price table that cannot be read (worded as for an input file), Error for one that is not a price table.
 */
export function loadOptionsFrom(values: InputValues): LoadOptions {
  let prices: PriceTable | undefined;
  if (values.prices !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.prices, 'utf8');
    } catch (e) {
      throw new InputError(unreadablePath(values.prices, describeFsError(e)));
    }
    prices = parsePriceTable(text, values.prices);
  }
  if (values['price-provider'] !== undefined && values.prices === undefined) throw new UsageError('--price-provider picks among the entries of a price table: give the table with --prices');
  const signal = values['confidence-signal'];
  if (signal !== undefined && !isConfidenceSignal(signal)) {
    throw new UsageError(`--confidence-signal must be mean-logprob, min-logprob, mean-negentropy or sequence-prob, got ${JSON.stringify(signal)}`);
  }
  return {
    ...(prices ? { prices } : {}),
    ...(values['price-provider'] !== undefined && values['price-provider'].trim() !== '' ? { priceProvider: values['price-provider'].trim() } : {}),
    splitField: values['split-field'] ?? 'split',
    ...(signal !== undefined ? { confidenceSignal: signal } : {}),
    lmEvalFilter: values['lm-eval-filter'],
    lmEvalMetric: values['lm-eval-metric'],
    idColumn: values['id-column'],
    qualityScore: values['quality-score'],
    confidenceScore: values['confidence-score'],
    estimateTokens: values['estimate-tokens'] ?? false,
    // The learned confidence reads each model's answer text.
    ...(confidenceFromOptions(values) === 'learned' ? { keepResponses: true } : {}),
  };
}
