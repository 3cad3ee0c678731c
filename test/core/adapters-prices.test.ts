import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parsePriceTable } from '../../src/core/load/index.ts';
import { findPrice, normaliseModelName, perMillion, readExternalPriceTable } from '../../src/core/prices/index.ts';
import type { TokenPrice } from '../../src/core/types.ts';
import { repoRoot } from '../support/paths.ts';

const DIR = join(repoRoot, 'test', 'fixtures', 'adapters', 'prices');
const LITELLM = join(DIR, 'model_prices_and_context_window.json');
const OPENROUTER = join(DIR, 'openrouter-models.json');
const json = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const rates = (p: TokenPrice | undefined): [number, number] | undefined => (p ? [p.inputPerMillion, p.outputPerMillion] : undefined);

describe('external price lists', () => {
  it('turns dollars per token into dollars per million tokens without float noise', () => {
    assert.equal(perMillion(0.0000025), 2.5);
    assert.equal(perMillion(0.00000002), 0.02);
    assert.equal(perMillion(0.0000006), 0.6);
  });

  it("reads LiteLLM's list: per-token prices with reasoning and cache-read rates, provider aliases, entries without both prices kept out", () => {
    const r = readExternalPriceTable(LITELLM, json(LITELLM))!;
    assert.equal(r.format, 'litellm');
    assert.equal(r.entries, 13);
    assert.deepEqual(r.skipped, ['snowflake/mixtral-8x7b', 'text-embedding-3-small']);
    assert.deepEqual(r.table.get('gpt-4o'), { inputPerMillion: 2.5, outputPerMillion: 10, provider: 'openai' });
    assert.deepEqual(rates(r.table.get('gpt-4o-mini')), [0.15, 0.6]);
    assert.deepEqual(r.table.get('o3-mini'), { inputPerMillion: 1.1, outputPerMillion: 4.4, cacheReadPerMillion: 0.55, provider: 'openai' });
    assert.deepEqual(r.table.get('dashscope/qwen-turbo'), { inputPerMillion: 0.05, outputPerMillion: 0.2, reasoningPerMillion: 0.5, provider: 'dashscope' });
    // `<provider>/<key>` for an unprefixed key, the key without its provider prefixes: aliases that name their entry.
    assert.deepEqual(r.table.get('openai/gpt-4o-mini'), { inputPerMillion: 0.15, outputPerMillion: 0.6, provider: 'openai', key: 'gpt-4o-mini' });
    assert.deepEqual(rates(r.table.get('anthropic/claude-3-5-haiku-latest')), [0.8, 4]);
    // Two providers price it differently: no alias. Mixtral's spellings are one alias, at four prices: none.
    assert.equal(r.table.has('llama3-8b-8192'), false);
    assert.equal(r.table.has('mistralai/Mixtral-8x7B-Instruct-v0.1'), false);
    assert.equal(r.table.has('mixtral-8x7b-instruct-v0.1'), false);
    // An entry without a price is marked, and the alias it shares with a priced entry is not made.
    assert.equal(r.table.get('snowflake/mixtral-8x7b')?.unpriced, true);
    assert.equal(r.table.has('mixtral-8x7b'), false);
    assert.equal(r.table.has('sample_spec'), false);
  });

  it("reads OpenRouter's list, also saved as a bare array: prices as strings, canonical slugs, the variable-price router kept out", () => {
    for (const value of [json(OPENROUTER), (json(OPENROUTER) as { data: unknown[] }).data]) {
      const r = readExternalPriceTable(OPENROUTER, value)!;
      assert.equal(r.format, 'openrouter');
      assert.equal(r.entries, 3);
      assert.deepEqual(r.skipped, ['openrouter/auto']);
      assert.deepEqual(r.table.get('meta-llama/llama-3.1-8b-instruct'), { inputPerMillion: 0.02, outputPerMillion: 0.03 });
      assert.deepEqual(rates(r.table.get('openai/gpt-4o-mini-2024-07-18')), [0.15, 0.6]);
      assert.deepEqual(r.table.get('gpt-4o'), { inputPerMillion: 2.5, outputPerMillion: 10, key: 'openai/gpt-4o' });
    }
  });

  it('leaves other JSON to the caller', () => {
    assert.equal(readExternalPriceTable('p.json', { 'gpt-4o': { input: 2.5, output: 10 } }), undefined);
  });

  it('finds the price of the names harnesses use', () => {
    const litellm = readExternalPriceTable(LITELLM, json(LITELLM))!.table;
    const openrouter = readExternalPriceTable(OPENROUTER, json(OPENROUTER))!.table;
    assert.equal(normaliseModelName('openai:chat:gpt-4o-mini'), 'openai/gpt-4o-mini');
    const found = (table: typeof litellm, model: string) => {
      const r = findPrice(table, model);
      return r.kind === 'found' ? [r.price.inputPerMillion, r.price.outputPerMillion] : r.kind;
    };
    assert.deepEqual(found(litellm, 'openai:gpt-4o-mini'), [0.15, 0.6]); // promptfoo provider id
    assert.deepEqual(found(litellm, 'openai:chat:gpt-4o'), [2.5, 10]);
    assert.deepEqual(found(litellm, 'openai/gpt-4o-mini'), [0.15, 0.6]); // Inspect model
    assert.deepEqual(found(litellm, 'vertex/gpt-4o'), [2.5, 10]); // unknown prefix dropped
    assert.deepEqual(found(openrouter, 'meta-llama/Llama-3.1-8B-Instruct'), [0.02, 0.03]); // lm-eval pretrained=
    const ambiguous = findPrice(litellm, 'llama3-8b-8192');
    assert.deepEqual(ambiguous.kind === 'ambiguous' ? ambiguous.candidates.map((c) => [c.key, ...rates(c.price)!]) : ambiguous, [
      ['groq/llama3-8b-8192', 0.05, 0.08],
      ['deepinfra/llama3-8b-8192', 0.06, 0.06],
    ]);
    assert.deepEqual(findPrice(litellm, 'mistral-large'), { kind: 'none' });
  });

  it('never resolves a name several providers price differently, and picks the provider asked for', () => {
    const litellm = readExternalPriceTable(LITELLM, json(LITELLM))!.table;
    const mixtral = findPrice(litellm, 'mistralai/Mixtral-8x7B-Instruct-v0.1');
    assert.equal(mixtral.kind, 'ambiguous');
    assert.deepEqual(mixtral.kind === 'ambiguous' ? mixtral.candidates.map((c) => c.key).sort() : [], [
      'deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1',
      'replicate/mistralai/mixtral-8x7b-instruct-v0.1',
      'together_ai/mistralai/Mixtral-8x7B-Instruct-v0.1',
    ]);
    const picked = findPrice(litellm, 'mistralai/Mixtral-8x7B-Instruct-v0.1', 'together_ai');
    assert.deepEqual(picked.kind === 'found' ? [picked.key, ...rates(picked.price)!] : picked, ['together_ai/mistralai/Mixtral-8x7B-Instruct-v0.1', 0.6, 0.6]);
    // Providers in order of preference: the first that lists the model prices it; a model none lists is looked up without them.
    const second = findPrice(litellm, 'mistralai/Mixtral-8x7B-Instruct-v0.1', 'azure, deepinfra');
    assert.equal(second.kind === 'found' ? second.key : second.kind, 'deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1');
    const gpt = findPrice(litellm, 'gpt-4o', 'together_ai');
    assert.equal(gpt.kind === 'found' ? gpt.key : gpt.kind, 'gpt-4o');
    // The provider asked for wins over another provider's unprefixed key.
    const azure = findPrice(litellm, 'gpt-4o', 'azure');
    assert.equal(azure.kind === 'found' ? azure.key : azure.kind, 'azure/gpt-4o');
    // The exact key of one entry is that entry.
    const exact = findPrice(litellm, 'replicate/mistralai/mixtral-8x7b-instruct-v0.1');
    assert.deepEqual(exact.kind === 'found' ? rates(exact.price) : exact, [0.3, 1]);
  });

  it("never lends an unpriced entry another entry's price", () => {
    const litellm = readExternalPriceTable(LITELLM, json(LITELLM))!.table;
    assert.deepEqual(findPrice(litellm, 'snowflake/mixtral-8x7b'), { kind: 'unpriced', key: 'snowflake/mixtral-8x7b' });
    // The one priced entry of that name, fireworks', still prices the bare name.
    const bare = findPrice(litellm, 'mixtral-8x7b');
    assert.equal(bare.kind === 'found' ? bare.key : bare.kind, 'fireworks_ai/accounts/fireworks/models/mixtral-8x7b');
  });

  it('is recognised by the loader when given as the price table', () => {
    assert.deepEqual(rates(parsePriceTable(readFileSync(LITELLM, 'utf8'), LITELLM).get('gpt-4o')), [2.5, 10]);
    assert.deepEqual(rates(parsePriceTable(readFileSync(OPENROUTER, 'utf8'), OPENROUTER).get('openai/gpt-4o')), [2.5, 10]);
    const bare = JSON.stringify((json(OPENROUTER) as { data: unknown[] }).data);
    assert.deepEqual(rates(parsePriceTable(bare, 'models.json').get('openai/gpt-4o')), [2.5, 10]);
    assert.deepEqual(parsePriceTable('{"m": {"input": 1, "output": 2}}', 'own.json').get('m'), { inputPerMillion: 1, outputPerMillion: 2 });
    assert.deepEqual(parsePriceTable('{"m": {"input": 1, "output": 2, "reasoning": 3, "cacheRead": 0.5}}', 'own.json').get('m'), {
      inputPerMillion: 1,
      outputPerMillion: 2,
      reasoningPerMillion: 3,
      cacheReadPerMillion: 0.5,
    });
    assert.throws(() => parsePriceTable('{"data": [{"id": "x/y", "pricing": {"prompt": "-1", "completion": "-1"}}]}', 'or.json'), {
      message: 'or.json: the OpenRouter price list has no model with both an input and an output price per token. Use a list that prices chat models.',
    });
  });
});
