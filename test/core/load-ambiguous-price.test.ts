import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEvalFiles } from '../../src/core/load/index.ts';

test('a model whose name matches several prices is reported as ambiguous, naming the entries, not as unpriced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-ambiguous-price-'));
  const tokens = [1, 2, 3].map((i) => JSON.stringify({ id: `q${i}`, correct: 1, confidence: 0.5, tokens_in: 100, tokens_out: 10 }));
  writeFileSync(join(dir, 'llama3-8b.jsonl'), tokens.join('\n') + '\n');
  writeFileSync(join(dir, 'big.jsonl'), [1, 2, 3].map((i) => JSON.stringify({ id: `q${i}`, correct: 1, confidence: 0.9, cost: 0.01 })).join('\n') + '\n');
  // Both keys end with "/llama3-8b" after a provider prefix, at different prices.
  const prices = new Map([
    ['groq/llama3-8b', { inputPerMillion: 0.05, outputPerMillion: 0.08 }],
    ['deepinfra/llama3-8b', { inputPerMillion: 0.03, outputPerMillion: 0.06 }],
    ['big', { inputPerMillion: 5, outputPerMillion: 15 }],
  ]);
  const r = await loadEvalFiles([dir], { prices });
  const issues = r.issues.filter((i) => i.file.endsWith('llama3-8b.jsonl') && i.line === 1);
  assert.equal(issues.length, 1);
  assert.equal(issues[0].severity, 'error');
  assert.equal(
    issues[0].message,
    'model "llama3-8b" matches 2 price entries with different prices: "groq/llama3-8b" ($0.05 in / $0.08 out per 1M tokens), "deepinfra/llama3-8b" ($0.03 in / $0.06 out per 1M tokens). ' +
      'It is not priced from any of them: choose a provider with --price-provider NAME (config key priceProvider), NAME one of groq, deepinfra (several, comma-separated, are tried in order); ' +
      'or name the model as one of the keys, or give a price table of your own. 3 of its records (the first on this line) were skipped.',
  );
  assert.ok(!r.issues.some((i) => /price table has no entry/.test(i.message)));

  // With one of the two entries only, the same records are priced.
  const one = await loadEvalFiles([dir], { prices: new Map([['groq/llama3-8b', { inputPerMillion: 0.05, outputPerMillion: 0.08 }]]) });
  assert.deepEqual(one.issues, []);
  const llama = one.dataset.models.find((m) => m.name === 'llama3-8b')!;
  assert.ok(Math.abs(llama.cost[0] - (100 * 0.05 + 10 * 0.08) / 1e6) < 1e-18);
});
