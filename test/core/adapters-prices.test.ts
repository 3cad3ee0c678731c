import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parsePriceTable } from '../../src/core/load/index.ts';
import { findPrice, normaliseModelName, perMillion, readExternalPriceTable } from '../../src/core/prices/index.ts';
import { repoRoot } from '../support/paths.ts';

const DIR = join(repoRoot, 'test', 'fixtures', 'adapters', 'prices');
const LITELLM = join(DIR, 'model_prices_and_context_window.json');
const OPENROUTER = join(DIR, 'openrouter-models.json');
const json = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

describe('external price lists', () => {
  it('turns dollars per token into dollars per million tokens without float noise', () => {
    assert.equal(perMillion(0.0000025), 2.5);
    assert.equal(perMillion(0.00000002), 0.02);
    assert.equal(perMillion(0.0000006), 0.6);
  });

  it("reads LiteLLM's list: per-token prices, provider aliases, entries without both prices skipped", () => {
    const r = readExternalPriceTable(LITELLM, json(LITELLM))!;
    assert.equal(r.format, 'litellm');
    assert.equal(r.entries, 7);
    assert.deepEqual(r.skipped, ['text-embedding-3-small']);
    assert.deepEqual(r.table.get('gpt-4o'), { inputPerMillion: 2.5, outputPerMillion: 10 });
    assert.deepEqual(r.table.get('gpt-4o-mini'), { inputPerMillion: 0.15, outputPerMillion: 0.6 });
    // `<provider>/<key>` for an unprefixed key, the key without its provider prefixes.
    assert.deepEqual(r.table.get('openai/gpt-4o-mini'), { inputPerMillion: 0.15, outputPerMillion: 0.6 });
    assert.deepEqual(r.table.get('anthropic/claude-3-5-haiku-latest'), { inputPerMillion: 0.8, outputPerMillion: 4 });
    // Two providers price it differently: no alias.
    assert.equal(r.table.has('llama3-8b-8192'), false);
    assert.equal(r.table.has('sample_spec'), false);
  });

  it("reads OpenRouter's list: prices as strings, canonical slugs, the variable-price router skipped", () => {
    const r = readExternalPriceTable(OPENROUTER, json(OPENROUTER))!;
    assert.equal(r.format, 'openrouter');
    assert.equal(r.entries, 3);
    assert.deepEqual(r.skipped, ['openrouter/auto']);
    assert.deepEqual(r.table.get('meta-llama/llama-3.1-8b-instruct'), { inputPerMillion: 0.02, outputPerMillion: 0.03 });
    assert.deepEqual(r.table.get('openai/gpt-4o-mini-2024-07-18'), { inputPerMillion: 0.15, outputPerMillion: 0.6 });
    assert.deepEqual(r.table.get('gpt-4o'), { inputPerMillion: 2.5, outputPerMillion: 10 });
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
    assert.deepEqual(findPrice(litellm, 'llama3-8b-8192'), { kind: 'ambiguous', keys: ['groq/llama3-8b-8192', 'deepinfra/llama3-8b-8192'] });
    assert.deepEqual(findPrice(litellm, 'mistral-large'), { kind: 'none' });
  });

  it('is recognised by the loader when given as the price table', () => {
    assert.deepEqual(parsePriceTable(readFileSync(LITELLM, 'utf8'), LITELLM).get('gpt-4o'), { inputPerMillion: 2.5, outputPerMillion: 10 });
    assert.deepEqual(parsePriceTable(readFileSync(OPENROUTER, 'utf8'), OPENROUTER).get('openai/gpt-4o'), { inputPerMillion: 2.5, outputPerMillion: 10 });
    assert.deepEqual(parsePriceTable('{"m": {"input": 1, "output": 2}}', 'own.json').get('m'), { inputPerMillion: 1, outputPerMillion: 2 });
    assert.throws(() => parsePriceTable('{"data": [{"id": "x/y", "pricing": {"prompt": "-1", "completion": "-1"}}]}', 'or.json'), {
      message: 'or.json: the OpenRouter price list has no model with both an input and an output price per token. Use a list that prices chat models.',
    });
  });
});
