/**
 * Price lists people already have, recognised by content: LiteLLM's
 * `model_prices_and_context_window.json` and OpenRouter's model list. Both give dollars per
 * token; the table holds dollars per million tokens. Our own price JSON is read by the loader.
 *
 * A model name is matched to an entry honestly: a name several providers price differently is
 * never resolved to one of them silently (the caller names a provider or the exact key), and
 * an entry the list gives without a price never borrows another entry's.
 */
import type { PriceMatch, PriceTable, TokenPrice } from '../types.ts';
import { looksLikeLiteLLM, parseLiteLLM } from './litellm.ts';
import { looksLikeOpenRouter, parseOpenRouter } from './openrouter.ts';
import type { ParsedPriceList, PriceEntry, PriceTableResult } from './types.ts';

export type { ParsedPriceList, PriceEntry, PriceTableResult } from './types.ts';
export { perMillion } from './litellm.ts';

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
  const parsed = format === 'openrouter' ? parseOpenRouter(value) : parseLiteLLM(value as Record<string, unknown>);
  const issues =
    parsed.entries.length === 0
      ? [
          {
            file,
            line: 0,
            severity: 'error' as const,
            message: `the ${format === 'openrouter' ? 'OpenRouter' : 'LiteLLM'} price list has no model with both an input and an output price per token. Use a list that prices chat models.`,
          },
        ]
      : [];
  return { format, table: tableWithAliases(parsed), entries: parsed.entries.length, skipped: parsed.unpriced.map((u) => u.key), issues };
}

const UNPRICED: TokenPrice = { inputPerMillion: 0, outputPerMillion: 0, unpriced: true };

function priceOf(e: PriceEntry): TokenPrice {
  return {
    inputPerMillion: e.inputPerMillion,
    outputPerMillion: e.outputPerMillion,
    ...(e.reasoningPerMillion !== undefined ? { reasoningPerMillion: e.reasoningPerMillion } : {}),
    ...(e.cacheReadPerMillion !== undefined ? { cacheReadPerMillion: e.cacheReadPerMillion } : {}),
    ...(e.provider !== undefined ? { provider: e.provider } : {}),
  };
}

/**
 * A price table holding every entry under its own key (the unpriced ones marked as such) and
 * under each alias that names only one price: the list's own aliases, `<provider>/<key>` for an
 * unprefixed LiteLLM key, and the key without its leading provider segments
 * (`openrouter/openai/gpt-4o` also answers to `openai/gpt-4o` and `gpt-4o`). Aliases are
 * compared in normalised form (`Mixtral-8x7B` and `mixtral-8x7b` are one alias), and one
 * offered by an unpriced entry is never created. A real key always wins over an alias.
 * O(entries x segments).
 */
export function tableWithAliases(list: ParsedPriceList | readonly PriceEntry[]): PriceTable {
  const { entries, unpriced } = Array.isArray(list) ? { entries: list as readonly PriceEntry[], unpriced: [] } : (list as ParsedPriceList);
  const table = new Map<string, TokenPrice>();
  for (const e of entries) if (!table.has(e.key)) table.set(e.key, priceOf(e));
  for (const u of unpriced) if (!table.has(u.key)) table.set(u.key, { ...UNPRICED, ...(u.provider !== undefined ? { provider: u.provider } : {}) });
  const realKeys = new Set([...table.keys()].map(normaliseModelName));
  const candidates = new Map<string, { alias: string; prices: TokenPrice[] }>();
  const offer = (alias: string, price: TokenPrice): void => {
    const n = normaliseModelName(alias);
    if (n === '' || realKeys.has(n)) return;
    const c = candidates.get(n) ?? { alias, prices: [] };
    c.prices.push(price);
    candidates.set(n, c);
  };
  const offerAll = (key: string, provider: string | undefined, aliases: readonly string[], price: TokenPrice): void => {
    for (const a of aliases) offer(a, price);
    if (provider !== undefined && !key.includes('/')) offer(`${provider}/${key}`, price);
    const parts = key.split('/');
    for (let i = 1; i < parts.length; i++) offer(parts.slice(i).join('/'), price);
  };
  for (const e of entries) offerAll(e.key, e.provider, e.aliases ?? [], { ...priceOf(e), key: e.key });
  for (const u of unpriced) offerAll(u.key, u.provider, [], UNPRICED);
  for (const { alias, prices } of candidates.values()) {
    if (prices.every((p) => samePrice(p, prices[0]!))) table.set(alias, prices[0]!);
  }
  return table;
}

/** Equal prices (every rate), both usable. */
function samePrice(a: TokenPrice, b: TokenPrice): boolean {
  return (
    !a.unpriced &&
    !b.unpriced &&
    a.inputPerMillion === b.inputPerMillion &&
    a.outputPerMillion === b.outputPerMillion &&
    a.reasoningPerMillion === b.reasoningPerMillion &&
    a.cacheReadPerMillion === b.cacheReadPerMillion
  );
}

/**
 * A model name in the form price lists use: lower case, `:` as `/`, and promptfoo's API-kind
 * segment dropped (`openai:chat:gpt-4o` becomes `openai/gpt-4o`).
 */
export function normaliseModelName(name: string): string {
  const parts = name
    .trim()
    .toLowerCase()
    .replace(/:/g, '/')
    .split('/')
    .filter((p) => p !== '');
  if (parts.length >= 3 && ['chat', 'completion', 'messages', 'responses'].includes(parts[1]!)) parts.splice(1, 1);
  return parts.join('/');
}

/** An entry a name matched, under the key of its list (not an alias). */
export interface MatchedEntry {
  readonly key: string;
  readonly price: TokenPrice;
}

export type PriceLookup =
  | { readonly kind: 'found'; readonly key: string; readonly price: TokenPrice; readonly samePrice: readonly string[] }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly MatchedEntry[] }
  | { readonly kind: 'unpriced'; readonly key: string }
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

/** The key of an entry in its own list (an alias points to it). */
const realKey = (table: PriceTable, key: string): string => table.get(key)!.key ?? key;

/** The provider of an entry: the one its list names, else the first segment of its key; lower case. */
export function providerOf(table: PriceTable, key: string): string | undefined {
  const price = table.get(key);
  const own = price?.key ?? key;
  const provider = price?.provider ?? (own.includes('/') ? own.slice(0, own.indexOf('/')) : undefined);
  return provider?.toLowerCase();
}

/**
 * The price of an evaluation model, trying in turn: its exact name; its normalised name; that
 * name without leading provider segments, shortest prefix dropped first; the keys that end with
 * it after a provider prefix (`llama3-8b-8192` finds `groq/llama3-8b-8192`). The first step
 * with a match decides: one price (several keys at the same prices included) is `found`;
 * different prices are `ambiguous`, never resolved here; an entry the list gives without a
 * price is `unpriced` (it borrows no other entry's price).
 *
 * `providers` (comma-separated, in order of preference, e.g. `together_ai,groq`) picks among a
 * model's entries: the first provider with an entry for the model prices it; a model none of
 * them lists is looked up as without them. O(table) for the first lookup of a table and for
 * the last step, else O(segments).
 */
export function findPrice(table: PriceTable, model: string, providers?: string): PriceLookup {
  const wanted = (providers ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  for (const provider of wanted) {
    const r = lookupSteps(table, model, provider);
    if (r.kind !== 'none') return r;
  }
  return lookupSteps(table, model, undefined);
}

function lookupSteps(table: PriceTable, model: string, provider: string | undefined): PriceLookup {
  const index = normalisedIndex(table);
  const name = normaliseModelName(model);
  const parts = name.split('/');
  const steps: string[][] = [];
  if (table.has(model)) steps.push([model]);
  for (let i = 0; i < parts.length; i++) {
    const keys = index.get(parts.slice(i).join('/'));
    if (keys) steps.push(keys);
  }
  steps.push([...index.entries()].filter(([n]) => n.endsWith(`/${name}`)).flatMap(([, keys]) => keys));
  for (const keys of steps) {
    const usable = provider === undefined ? keys : keys.filter((k) => providerOf(table, k) === provider);
    if (usable.length === 0) continue;
    const priced = usable.filter((k) => !table.get(k)!.unpriced);
    if (priced.length === 0) return { kind: 'unpriced', key: realKey(table, usable[0]!) };
    return lookupOf(table, priced);
  }
  return { kind: 'none' };
}

function lookupOf(table: PriceTable, keys: readonly string[]): PriceLookup {
  // One entry per key of the list: an alias and its entry are the same candidate.
  const byReal = new Map<string, TokenPrice>();
  for (const k of keys) if (!byReal.has(realKey(table, k))) byReal.set(realKey(table, k), table.get(k)!);
  const entries = [...byReal].map(([key, price]) => ({ key, price }));
  const first = entries[0]!;
  return entries.every((e) => samePrice(e.price, first.price))
    ? { kind: 'found', key: first.key, price: first.price, samePrice: entries.slice(1).map((e) => e.key) }
    : { kind: 'ambiguous', candidates: entries };
}

/**
 * The dollars of one call from its tokens. Reasoning tokens are part of `tokensOut` and cached
 * input tokens part of `tokensIn` (as OpenAI's `completion_tokens` and `prompt_tokens` count
 * them), so each token is billed once: the reasoning ones at the entry's reasoning rate, the
 * cached ones at its cache-read rate, and, where the entry has no such rate, at its output and
 * input rates (the cost is then that of `tokensIn` and `tokensOut` alone). The callers check
 * that `reasoning <= tokensOut` and `cached <= tokensIn`. O(1).
 * @example costOfTokens({ inputPerMillion: 1, outputPerMillion: 4, reasoningPerMillion: 2 }, 100, 50, 20, 0) // (100 * 1 + 30 * 4 + 20 * 2) / 1e6
 */
export function costOfTokens(p: TokenPrice, tokensIn: number, tokensOut: number, reasoning = 0, cached = 0): number {
  const input = p.cacheReadPerMillion === undefined || !(cached > 0) ? tokensIn * p.inputPerMillion : (tokensIn - cached) * p.inputPerMillion + cached * p.cacheReadPerMillion;
  const output = p.reasoningPerMillion === undefined || !(reasoning > 0) ? tokensOut * p.outputPerMillion : (tokensOut - reasoning) * p.outputPerMillion + reasoning * p.reasoningPerMillion;
  return (input + output) / 1e6;
}

/** Dollars per million tokens, in and out, e.g. `$0.6 in / $0.6 out per 1M tokens`. */
const rates = (p: TokenPrice): string => `$${p.inputPerMillion} in / $${p.outputPerMillion} out per 1M tokens`;

/** The providers of the candidates, to pick one from. */
function providersOf(table: PriceTable | undefined, candidates: readonly MatchedEntry[]): string[] {
  const names = candidates.map((c) => (table ? providerOf(table, c.key) : undefined) ?? c.price.provider ?? (c.key.includes('/') ? c.key.slice(0, c.key.indexOf('/')) : undefined));
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}

/**
 * The message for a model whose name matches several entries at different prices: the entries
 * (the first eight), and the ways to choose.
 */
export function ambiguousPriceMessage(model: string, candidates: readonly MatchedEntry[], table?: PriceTable): string {
  const shown = candidates.slice(0, 8).map((c) => `"${c.key}" (${rates(c.price)})`);
  const more = candidates.length > shown.length ? `, and ${candidates.length - shown.length} more` : '';
  const providers = providersOf(table, candidates);
  const pick =
    providers.length > 1 ? `choose a provider with --price-provider NAME (config key priceProvider), NAME one of ${providers.join(', ')} (several, comma-separated, are tried in order); or ` : '';
  return `model ${JSON.stringify(model)} matches ${candidates.length} price entries with different prices: ${shown.join(', ')}${more}. It is not priced from any of them: ${pick}name the model as one of the keys, or give a price table of your own.`;
}

/** What a lookup found, for the load result: the entry used or why there is none. */
export function priceMatchOf(model: string, lookup: PriceLookup, records: number, table: PriceTable, providerAsked?: string): PriceMatch {
  const asked = providerAsked !== undefined ? { providerAsked } : {};
  if (lookup.kind === 'found') {
    const p = lookup.price;
    const provider = providerOf(table, lookup.key);
    return {
      model,
      status: 'found',
      key: lookup.key,
      ...(provider !== undefined ? { provider } : {}),
      inputPerMillion: p.inputPerMillion,
      outputPerMillion: p.outputPerMillion,
      ...(p.reasoningPerMillion !== undefined ? { reasoningPerMillion: p.reasoningPerMillion } : {}),
      ...(p.cacheReadPerMillion !== undefined ? { cacheReadPerMillion: p.cacheReadPerMillion } : {}),
      ...(lookup.samePrice.length > 0 ? { samePrice: lookup.samePrice } : {}),
      ...asked,
      records,
    };
  }
  if (lookup.kind === 'ambiguous') {
    return {
      model,
      status: 'ambiguous',
      candidates: lookup.candidates.map((c) => {
        const provider = providerOf(table, c.key);
        return { key: c.key, ...(provider !== undefined ? { provider } : {}), inputPerMillion: c.price.inputPerMillion, outputPerMillion: c.price.outputPerMillion };
      }),
      ...asked,
      records,
    };
  }
  if (lookup.kind === 'unpriced') return { model, status: 'unpriced', key: lookup.key, ...asked, records };
  return { model, status: 'none', ...asked, records };
}

/** One line per model: which entry priced it, or why none did. */
export function describePriceMatch(m: PriceMatch): string {
  if (m.status === 'found') {
    const extra = [m.reasoningPerMillion !== undefined ? `reasoning $${m.reasoningPerMillion}` : '', m.cacheReadPerMillion !== undefined ? `cache read $${m.cacheReadPerMillion}` : ''].filter(Boolean);
    const same = m.samePrice && m.samePrice.length > 0 ? `; ${m.samePrice.length} other entr${m.samePrice.length === 1 ? 'y has' : 'ies have'} the same prices` : '';
    const key = `entry "${m.key}"${m.provider !== undefined && !m.key!.startsWith(`${m.provider}/`) ? ` (${m.provider})` : ''}`;
    return `${m.model}: ${key}, $${m.inputPerMillion} in / $${m.outputPerMillion} out${extra.length > 0 ? ` (${extra.join(', ')})` : ''} per 1M tokens${same}`;
  }
  if (m.status === 'ambiguous')
    return `${m.model}: not priced, ${m.candidates!.length} entries at different prices (${m
      .candidates!.slice(0, 4)
      .map((c) => c.key)
      .join(', ')}${m.candidates!.length > 4 ? ', ...' : ''})`;
  if (m.status === 'unpriced') return `${m.model}: not priced, its entry "${m.key}" has no input or output price`;
  return `${m.model}: not priced, no entry`;
}
