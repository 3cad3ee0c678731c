/**
 * OpenRouter's model list (`GET /api/v1/models`; also its `data` array saved bare):
 * `{"data": [{"id": "openai/gpt-4o",
 * "pricing": {"prompt": "0.0000025", "completion": "0.00001", ...}, ...}]}`, prices in dollars
 * per token written as strings; `-1` marks a price that varies (routers such as `openrouter/auto`).
 */
import { isObject, toNumber } from '../adapters/util.ts';
import { perMillion } from './litellm.ts';
import type { ParsedPriceList, PriceEntry } from './types.ts';

/** The models of an OpenRouter list: the `data` array of `{"data": [...]}`, or the array itself when the list was saved bare. */
function modelsOf(value: unknown): readonly unknown[] | undefined {
  if (Array.isArray(value)) return value;
  return isObject(value) && Array.isArray(value.data) ? value.data : undefined;
}

/** True when a parsed JSON value has OpenRouter's shape: a list of models with `id` and `pricing`, bare or as `{"data": [...]}`. */
export function looksLikeOpenRouter(value: unknown): boolean {
  const first = modelsOf(value)?.find(isObject);
  return first !== undefined && typeof first.id === 'string' && isObject(first.pricing);
}

/**
 * The models of an OpenRouter list (bare or as `{"data": [...]}`): those with a prompt and a
 * completion price, with their reasoning (`internal_reasoning`) and cache-read
 * (`input_cache_read`) rates when given; models with a missing or variable price in
 * `unpriced`. O(models).
 */
export function parseOpenRouter(value: unknown): ParsedPriceList {
  const entries: PriceEntry[] = [];
  const unpriced: ParsedPriceList['unpriced'] = [];
  for (const model of modelsOf(value) ?? []) {
    if (!isObject(model) || typeof model.id !== 'string') continue;
    const pricing = isObject(model.pricing) ? model.pricing : {};
    const input = toNumber(pricing.prompt);
    const output = toNumber(pricing.completion);
    if (input === undefined || output === undefined || input < 0 || output < 0) {
      unpriced.push({ key: model.id });
      continue;
    }
    const reasoning = toNumber(pricing.internal_reasoning);
    const cacheRead = toNumber(pricing.input_cache_read);
    // The canonical slug names the same model when it differs from the id (dated versions).
    const slug = typeof model.canonical_slug === 'string' && model.canonical_slug !== model.id ? [model.canonical_slug] : [];
    entries.push({
      key: model.id,
      aliases: slug,
      inputPerMillion: perMillion(input),
      outputPerMillion: perMillion(output),
      // OpenRouter writes "0" for a rate it does not charge apart: such tokens are billed at the output or input price.
      ...(reasoning !== undefined && reasoning > 0 ? { reasoningPerMillion: perMillion(reasoning) } : {}),
      ...(cacheRead !== undefined && cacheRead > 0 ? { cacheReadPerMillion: perMillion(cacheRead) } : {}),
    });
  }
  return { entries, unpriced };
}
