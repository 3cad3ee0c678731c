import { readFileSync } from 'node:fs';
import type { PriceTable } from '../core/types.ts';
import type { LoadOptions, SplitOption } from '../core/options.ts';
import { parsePriceTable } from '../core/load/prices.ts';
import { UsageError } from './io.ts';

/** Options shared by the commands that read evaluation files (`analyze`, `compare`, `report`). */
export const INPUT_OPTIONS = {
  'split-field': { type: 'string' },
  calibration: { type: 'string' },
  holdout: { type: 'string' },
  'holdout-fraction': { type: 'string' },
  seed: { type: 'string' },
  'no-split': { type: 'boolean' },
  prices: { type: 'string' },
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
                          {"model": {"input": $/1M tokens, "output": $/1M tokens}}
  --json                  print one JSON object instead of tables`;

interface InputValues {
  'split-field'?: string;
  calibration?: string;
  holdout?: string;
  'holdout-fraction'?: string;
  seed?: string;
  'no-split'?: boolean;
  prices?: string;
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

/** Load options from the command line. @throws UsageError for an unreadable price table. */
export function loadOptionsFrom(values: InputValues): LoadOptions {
  let prices: PriceTable | undefined;
  if (values.prices !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.prices, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read the price table ${values.prices}: ${(e as Error).message}`);
    }
    prices = parsePriceTable(text, values.prices);
  }
  return { ...(prices ? { prices } : {}), splitField: values['split-field'] ?? 'split' };
}
