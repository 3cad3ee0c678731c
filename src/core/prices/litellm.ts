/**
 * LiteLLM's `model_prices_and_context_window.json`: an object keyed by model name (often
 * provider-prefixed, e.g. `azure/gpt-4o`, `openrouter/openai/gpt-4o`), each entry with
 * `input_cost_per_token` and `output_cost_per_token` in dollars per token and a
 * `litellm_provider`; the `sample_spec` entry documents the fields.
 */
import { isObject, toNumber } from '../adapters/util.ts';
import type { ParsedPriceList, PriceEntry } from './types.ts';

/** True when a parsed JSON value has LiteLLM's shape: per-model objects with `*_cost_per_token` fields. */
export function looksLikeLiteLLM(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isObject(value.sample_spec) && 'input_cost_per_token' in value.sample_spec) return true;
  let seen = 0;
  for (const key of Object.keys(value)) {
    const entry = value[key];
    if (!isObject(entry)) return false;
    if ('input_cost_per_token' in entry || 'output_cost_per_token' in entry) return true;
    if (++seen >= 50) break;
  }
  return false;
}

/** Dollars per token to dollars per million tokens, without binary-fraction noise (2.5e-6 gives 2.5). */
export function perMillion(perToken: number): number {
  return Number((perToken * 1e6).toPrecision(12));
}

/**
 * The models of a LiteLLM table: those with both per-token prices, with their reasoning and
 * cache-read rates when given; the others (embedding, image or audio models, entries with a
 * missing price) in `unpriced`. O(entries).
 */
export function parseLiteLLM(value: Readonly<Record<string, unknown>>): ParsedPriceList {
  const entries: PriceEntry[] = [];
  const unpriced: ParsedPriceList['unpriced'] = [];
  for (const [key, entry] of Object.entries(value)) {
    if (key === 'sample_spec' || !isObject(entry)) continue;
    const provider = typeof entry.litellm_provider === 'string' ? entry.litellm_provider : undefined;
    const input = toNumber(entry.input_cost_per_token);
    const output = toNumber(entry.output_cost_per_token);
    if (input === undefined || output === undefined || input < 0 || output < 0) {
      unpriced.push({ key, ...(provider !== undefined ? { provider } : {}) });
      continue;
    }
    const reasoning = toNumber(entry.output_cost_per_reasoning_token);
    const cacheRead = toNumber(entry.cache_read_input_token_cost);
    entries.push({
      key,
      ...(provider !== undefined ? { provider } : {}),
      inputPerMillion: perMillion(input),
      outputPerMillion: perMillion(output),
      ...(reasoning !== undefined && reasoning >= 0 ? { reasoningPerMillion: perMillion(reasoning) } : {}),
      ...(cacheRead !== undefined && cacheRead >= 0 ? { cacheReadPerMillion: perMillion(cacheRead) } : {}),
    });
  }
  return { entries, unpriced };
}
