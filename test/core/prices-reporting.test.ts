/**
 * Honest prices, end to end: every model priced from tokens says which entry of the price
 * table priced it (text, --json prices[]); a model several providers price differently is
 * priced only once a provider or the exact key is named; an entry without a price prices
 * nothing. Expected costs are computed here from the fixture list's per-token prices.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.ts';
import { loadEvalFiles, parsePriceTable } from '../../src/core/load/index.ts';
import { readFileSync } from 'node:fs';
import { parseCascadeConfig } from '../../src/core/config/config.ts';
import { configRequest } from '../../src/core/config/request.ts';
import { repoRoot } from '../support/paths.ts';

const LITELLM = join(repoRoot, 'test', 'fixtures', 'adapters', 'prices', 'model_prices_and_context_window.json');
const MIXTRAL = 'mistralai/Mixtral-8x7B-Instruct-v0.1';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

/** Two models, one priced by a unique entry (gpt-4o-mini), one listed by three providers at different prices (Mixtral). */
function evalFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cf-prices-'));
  const lines = (model: string, correct: (i: number) => number) =>
    Array.from({ length: 12 }, (_, i) => JSON.stringify({ id: `q${i}`, model, correct: correct(i), confidence: (i % 5) / 5, tokens_in: 100 + i, tokens_out: 10 })).join('\n') + '\n';
  writeFileSync(
    join(dir, 'mixtral.jsonl'),
    lines(MIXTRAL, (i) => (i % 3 === 0 ? 0 : 1)),
  );
  writeFileSync(
    join(dir, 'mini.jsonl'),
    lines('openai/gpt-4o-mini', (i) => (i % 4 === 0 ? 0 : 1)),
  );
  return dir;
}

describe('honest prices', () => {
  it('a model several providers price differently is not priced; its records are reported with the candidates and the ways to choose', async () => {
    const dir = evalFolder();
    const prices = parsePriceTable(readFileSync(LITELLM, 'utf8'), LITELLM);
    const r = await loadEvalFiles([dir], { prices });
    assert.deepEqual(
      r.dataset.models.map((m) => m.name),
      ['openai/gpt-4o-mini'],
    );
    assert.deepEqual(
      r.prices?.map((p) => [p.model, p.status, p.key ?? null, p.records]),
      [
        [MIXTRAL, 'ambiguous', null, 0],
        ['openai/gpt-4o-mini', 'found', 'gpt-4o-mini', 12],
      ],
    );
    assert.deepEqual(
      r.prices![0]!.candidates!.map((c) => [c.key, c.provider, c.inputPerMillion, c.outputPerMillion]),
      [
        ['together_ai/mistralai/Mixtral-8x7B-Instruct-v0.1', 'together_ai', 0.6, 0.6],
        ['deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1', 'deepinfra', 0.4, 0.4],
        ['replicate/mistralai/mixtral-8x7b-instruct-v0.1', 'replicate', 0.3, 1],
      ],
    );
    const message = r.issues.find((i) => i.line === 1 && i.file.endsWith('mixtral.jsonl'))!.message;
    assert.match(message, /--price-provider NAME \(config key priceProvider\), NAME one of together_ai, deepinfra, replicate/);
  });

  it('--price-provider prices it from that provider, and the report names the entry used', async () => {
    const dir = evalFolder();
    const { code, out } = await run(['analyze', dir, '--prices', LITELLM, '--price-provider', 'deepinfra', '--no-split', '--json', '--bootstrap', '0']);
    assert.equal(code, 0);
    const r = JSON.parse(out);
    assert.deepEqual(r.prices, [
      {
        model: MIXTRAL,
        status: 'found',
        key: 'deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1',
        provider: 'deepinfra',
        inputPerMillion: 0.4,
        outputPerMillion: 0.4,
        providerAsked: 'deepinfra',
        records: 12,
      },
      { model: 'openai/gpt-4o-mini', status: 'found', key: 'gpt-4o-mini', provider: 'openai', inputPerMillion: 0.15, outputPerMillion: 0.6, providerAsked: 'deepinfra', records: 12 },
    ]);
    // Mean cost per query from the per-token prices of the entries: (tokens_in x input + tokens_out x output) / 1e6.
    const mean = (input: number, output: number): number => Array.from({ length: 12 }, (_, i) => ((100 + i) * input + 10 * output) / 1e6).reduce((a, b) => a + b, 0) / 12;
    const cost = (name: string): number => r.models.find((m: { name: string }) => m.name === name).cost;
    assert.ok(Math.abs(cost(MIXTRAL) - mean(0.4, 0.4)) < 1e-15);
    assert.ok(Math.abs(cost('openai/gpt-4o-mini') - mean(0.15, 0.6)) < 1e-15);

    const text = await run(['analyze', dir, '--prices', LITELLM, '--price-provider', 'deepinfra', '--no-split', '--bootstrap', '0']);
    assert.ok(text.out.includes('Prices (models priced from tokens):\n'));
    assert.ok(text.out.includes(`  ${MIXTRAL}: entry "deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1", $0.4 in / $0.4 out per 1M tokens\n`));
    assert.ok(text.out.includes('  openai/gpt-4o-mini: entry "gpt-4o-mini" (openai), $0.15 in / $0.6 out per 1M tokens\n'));
  });

  it('a cascade config names a price list file and a provider (prices: file, priceProvider), as check reads it', async () => {
    const dir = evalFolder();
    writeFileSync(join(dir, 'prices.json'), readFileSync(LITELLM));
    const config = join(dir, 'cascade.config.yaml');
    const parsed = parseCascadeConfig('evals: ["*.jsonl"]\nprices: prices.json\npriceProvider: together_ai\nsplit: none\n', 'yaml');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(configRequest(parsed).load, { pricesFile: 'prices.json', priceProvider: 'together_ai' });
    writeFileSync(config, 'evals: ["*.jsonl"]\nprices: prices.json\npriceProvider: together_ai\nsplit: none\n');
    const { code, out } = await run(['check', config, '--json', '--bootstrap', '0']);
    assert.equal(code, 0, out);
    const r = JSON.parse(out);
    const mixtral = r.models.find((m: { name: string }) => m.name === MIXTRAL);
    const expected = Array.from({ length: 12 }, (_, i) => ((100 + i) * 0.6 + 10 * 0.6) / 1e6).reduce((a, b) => a + b, 0) / 12;
    assert.ok(Math.abs(mixtral.cost - expected) < 1e-15);
    // Without the provider, the config's model is not priced: check fails on the problem of its file.
    writeFileSync(config, 'evals: ["*.jsonl"]\nprices: prices.json\nsplit: none\n');
    const failed = await run(['check', config, '--json', '--bootstrap', '0']);
    assert.equal(failed.code, 1);
    assert.match(failed.out, /matches 3 price entries with different prices/);
  });

  it('--price-provider without a price table is a usage error', async () => {
    const { code, err } = await run(['analyze', evalFolder(), '--price-provider', 'groq']);
    assert.equal(code, 2);
    assert.match(err, /--price-provider picks among the entries of a price table: give the table with --prices/);
  });
});
