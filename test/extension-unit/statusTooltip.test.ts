/**
 * The status bar tooltip: with a price table, each model priced from tokens is listed with the
 * entry that priced it, or why it is not priced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tooltipText } from '../../src/extension/statusTooltip.ts';
import type { AnalysisSnapshot } from '../../src/extension/analysisSource.ts';

test('the tooltip names the price entry of every model priced from tokens, and the candidates of an ambiguous one', () => {
  const snapshot: AnalysisSnapshot = {
    key: 'default',
    label: 'cascade.config.yaml',
    status: 'idle',
    files: [],
    issues: [],
    prices: [
      { model: 'openai/gpt-4o-mini', status: 'found', key: 'gpt-4o-mini', provider: 'openai', inputPerMillion: 0.15, outputPerMillion: 0.6, cacheReadPerMillion: 0.075, records: 12 },
      {
        model: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
        status: 'ambiguous',
        candidates: [
          { key: 'together_ai/mistralai/Mixtral-8x7B-Instruct-v0.1', provider: 'together_ai', inputPerMillion: 0.6, outputPerMillion: 0.6 },
          { key: 'deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1', provider: 'deepinfra', inputPerMillion: 0.4, outputPerMillion: 0.4 },
        ],
        records: 0,
      },
      { model: 'snowflake/mixtral-8x7b', status: 'unpriced', key: 'snowflake/mixtral-8x7b', records: 0 },
    ],
  };
  const text = tooltipText(snapshot);
  assert.ok(
    text.includes(
      'Prices (models priced from tokens):\n' +
        '- openai/gpt-4o-mini: entry "gpt-4o-mini" (openai), $0.15 in / $0.6 out (cache read $0.075) per 1M tokens\n' +
        '- mistralai/Mixtral-8x7B-Instruct-v0.1: not priced, 2 entries at different prices (together_ai/mistralai/Mixtral-8x7B-Instruct-v0.1, deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1)\n' +
        '- snowflake/mixtral-8x7b: not priced, its entry "snowflake/mixtral-8x7b" has no input or output price\n',
    ),
    text,
  );
  assert.ok(!tooltipText({ ...snapshot, prices: undefined }).includes('Prices'));
});

test('each file in the tooltip says where its costs came from', () => {
  const file = {
    file: '/w/evals/both.jsonl',
    format: 'jsonl',
    models: ['cheap', 'strong'],
    records: 20,
    rejected: 0,
    derived: [],
    missing: [],
    costs: [
      { model: 'cheap', fromRecords: 10, fromTokens: 0, fromEstimatedTokens: 0 },
      { model: 'strong', fromRecords: 0, fromTokens: 10, fromEstimatedTokens: 0, priceKey: 'gpt-4o' },
    ],
  };
  const text = tooltipText({ key: 'default', label: 'cascade.config.yaml', status: 'idle', files: [file], issues: [] });
  assert.ok(text.includes(`both.jsonl: jsonl · cheap, strong · 20 records · costs from the records' cost (cheap) | tokens x price entry "gpt-4o" (strong)`), text);
});
