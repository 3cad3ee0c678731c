/**
 * OpenRouter's model list (`GET /api/v1/models`): `{"data": [{"id": "openai/gpt-4o",
 * "pricing": {"prompt": "0.0000025", "completion": "0.00001", ...}, ...}]}`, prices in dollars
 * per token written as strings; `-1` marks a price that varies (routers such as `openrouter/auto`).
 */
import { isObject, toNumber } from '../adapters/util.ts';
import { perMillion } from './litellm.ts';
import type { PriceEntry } from './types.ts';

/** True when a parsed JSON value has OpenRouter's shape: a `data` list of models with `pricing`. */
export function looksLikeOpenRouter(value: unknown): boolean {
  if (!isObject(value) || !Array.isArray(value.data)) return false;
  const first = value.data.find(isObject);
  return first !== undefined && typeof first.id === 'string' && isObject(first.pricing);
}

/** The priced models of an OpenRouter list; models with a missing or variable price go to `skipped`. O(models). */
export function parseOpenRouter(value: { readonly data: readonly unknown[] }): { entries: PriceEntry[]; skipped: string[] } {
  const entries: PriceEntry[] = [];
  const skipped: string[] = [];
  for (const model of value.data) {
    if (!isObject(model) || typeof model.id !== 'string') continue;
    const pricing = isObject(model.pricing) ? model.pricing : {};
    const input = toNumber(pricing.prompt);
    const output = toNumber(pricing.completion);
    if (input === undefined || output === undefined || input < 0 || output < 0) {
      skipped.push(model.id);
      continue;
    }
    // The canonical slug names the same model when it differs from the id (dated versions).
    const slug = typeof model.canonical_slug === 'string' && model.canonical_slug !== model.id ? [model.canonical_slug] : [];
    entries.push({ key: model.id, aliases: slug, inputPerMillion: perMillion(input), outputPerMillion: perMillion(output) });
  }
  return { entries, skipped };
}
