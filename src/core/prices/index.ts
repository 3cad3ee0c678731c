/**
 * Price lists people already have, recognised by content: LiteLLM's
 * `model_prices_and_context_window.json` and OpenRouter's model list. Both give dollars per
 * token; the table holds dollars per million tokens. Our own price JSON is read by the loader.
 */
import type { PriceTable } from '../types.ts';
import { looksLikeLiteLLM, parseLiteLLM } from './litellm.ts';
import { looksLikeOpenRouter, parseOpenRouter } from './openrouter.ts';
import type { PriceEntry, PriceTableResult } from './types.ts';

export type { PriceEntry, PriceTableResult } from './types.ts';
export { perMillion } from './litellm.ts';

type Price = { readonly inputPerMillion: number; readonly outputPerMillion: number };

/** Which external price list a parsed JSON value is; undefined for anything else (e.g. our own format). */
export function detectPriceFormat(value: unknown): 'litellm' | 'openrouter' | undefined {
  if (looksLikeOpenRouter(value)) return 'openrouter';
  if (looksLikeLiteLLM(value)) return 'litellm';
  return undefined;
}

/**
 * Reads a LiteLLM or OpenRouter price list from its parsed JSON; undefined when the value is
 * neither (the caller then reads it as its own format). O(entries).
 */
export function readExternalPriceTable(file: string, value: unknown): PriceTableResult | undefined {
  const format = detectPriceFormat(value);
  if (format === undefined) return undefined;
  const { entries, skipped } =
    format === 'openrouter' ? parseOpenRouter(value as { data: unknown[] }) : parseLiteLLM(value as Record<string, unknown>);
  const issues =
    entries.length === 0
      ? [{ file, line: 0, severity: 'error' as const, message: `the ${format === 'openrouter' ? 'OpenRouter' : 'LiteLLM'} price list has no model with both an input and an output price per token. Use a list that prices chat models.` }]
      : [];
  return { format, table: tableWithAliases(entries), entries: entries.length, skipped, issues };
}

/**
 * A price table holding every entry under its own key and under each alias that names only
 * one price: the list's own aliases, `<provider>/<key>` for an unprefixed LiteLLM key, and the
 * key without its leading provider segments (`openrouter/openai/gpt-4o` also answers to
 * `openai/gpt-4o` and `gpt-4o`). A real key always wins over an alias. O(entries x segments).
 */
export function tableWithAliases(entries: readonly PriceEntry[]): PriceTable {
  const table = new Map<string, Price>();
  for (const e of entries) if (!table.has(e.key)) table.set(e.key, { inputPerMillion: e.inputPerMillion, outputPerMillion: e.outputPerMillion });
  const candidates = new Map<string, Price[]>();
  const offer = (alias: string, price: Price): void => {
    if (alias === '' || table.has(alias)) return;
    const list = candidates.get(alias) ?? [];
    list.push(price);
    candidates.set(alias, list);
  };
  for (const e of entries) {
    const price = { inputPerMillion: e.inputPerMillion, outputPerMillion: e.outputPerMillion };
    for (const a of e.aliases ?? []) offer(a, price);
    if (e.provider !== undefined && !e.key.includes('/')) offer(`${e.provider}/${e.key}`, price);
    const parts = e.key.split('/');
    for (let i = 1; i < parts.length; i++) offer(parts.slice(i).join('/'), price);
  }
  for (const [alias, prices] of candidates) {
    if (prices.every((p) => samePrice(p, prices[0]))) table.set(alias, prices[0]);
  }
  return table;
}

function samePrice(a: Price, b: Price): boolean {
  return a.inputPerMillion === b.inputPerMillion && a.outputPerMillion === b.outputPerMillion;
}

/**
 * A model name in the form price lists use: lower case, `:` as `/`, and promptfoo's API-kind
 * segment dropped (`openai:chat:gpt-4o` becomes `openai/gpt-4o`).
 */
export function normaliseModelName(name: string): string {
  const parts = name.trim().toLowerCase().replace(/:/g, '/').split('/').filter((p) => p !== '');
  if (parts.length >= 3 && ['chat', 'completion', 'messages', 'responses'].includes(parts[1])) parts.splice(1, 1);
  return parts.join('/');
}

export type PriceLookup =
  | { readonly kind: 'found'; readonly key: string; readonly price: Price }
  | { readonly kind: 'ambiguous'; readonly keys: readonly string[] }
  | { readonly kind: 'none' };

const normalisedIndexes = new WeakMap<PriceTable, Map<string, string[]>>();

function normalisedIndex(table: PriceTable): Map<string, string[]> {
  let index = normalisedIndexes.get(table);
  if (!index) {
    index = new Map();
    for (const key of table.keys()) {
      const n = normaliseModelName(key);
      const list = index.get(n) ?? [];
      list.push(key);
      index.set(n, list);
    }
    normalisedIndexes.set(table, index);
  }
  return index;
}

/**
 * The price of an evaluation model, trying in turn: its exact name; its normalised name; that
 * name without leading provider segments, shortest prefix dropped first; the keys that end with
 * it after a provider prefix (`llama3-8b-8192` finds `groq/llama3-8b-8192`). Keys that match at
 * the same step with different prices make the lookup ambiguous. O(table) for the first lookup
 * of a table and for the last step, else O(segments).
 */
export function findPrice(table: PriceTable, model: string): PriceLookup {
  const exact = table.get(model);
  if (exact) return { kind: 'found', key: model, price: exact };
  const index = normalisedIndex(table);
  const name = normaliseModelName(model);
  const parts = name.split('/');
  for (let i = 0; i < parts.length; i++) {
    const keys = index.get(parts.slice(i).join('/'));
    if (keys) return lookupOf(table, keys);
  }
  const suffixed = [...index.entries()].filter(([n]) => n.endsWith(`/${name}`)).flatMap(([, keys]) => keys);
  return suffixed.length > 0 ? lookupOf(table, suffixed) : { kind: 'none' };
}

function lookupOf(table: PriceTable, keys: readonly string[]): PriceLookup {
  const prices = keys.map((k) => table.get(k)!);
  return prices.every((p) => samePrice(p, prices[0])) ? { kind: 'found', key: keys[0], price: prices[0] } : { kind: 'ambiguous', keys };
}

/** The message for a model whose name matches several prices. */
export function ambiguousPriceMessage(model: string, keys: readonly string[]): string {
  return `model ${JSON.stringify(model)} matches several price entries with different prices (${keys.map((k) => JSON.stringify(k)).join(', ')}); name the model as one of them, or add it to a price table of your own.`;
}
