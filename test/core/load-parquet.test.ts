/**
 * Parquet tables (test/fixtures/parquet, see its README), read like CSV: long and wide, with
 * Snappy pages, INT64 and DOUBLE values (-inf included). Expected values are the ones the
 * fixture script writes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatIssue, loadEvalFiles } from '../../src/core/load/index.ts';
import type { Dataset } from '../../src/core/types.ts';
import { repoRoot } from '../support/paths.ts';

const P = join(repoRoot, 'test', 'fixtures', 'parquet');
const model = (d: Dataset, name: string) => d.models.find((m) => m.name === name)!;

describe('Parquet tables', () => {
  it('long, as pandas writes a DataFrame of records: models from the model column, tokens priced, -inf a confidence', async () => {
    const prices = new Map([
      ['gpt-4o-mini', { inputPerMillion: 0.15, outputPerMillion: 0.6 }],
      ['gpt-4o', { inputPerMillion: 2.5, outputPerMillion: 10 }],
    ]);
    const { dataset, files, issues } = await loadEvalFiles([join(P, 'long.parquet')], { prices });
    assert.deepEqual(issues, []);
    assert.deepEqual(
      files.map((f) => [f.format, f.records, f.rejected]),
      [['parquet-long', 8, 0]],
    );
    assert.deepEqual(dataset.ids, ['q1', 'q2', 'q3', 'q4']);
    const mini = model(dataset, 'gpt-4o-mini');
    assert.deepEqual([...mini.quality], [1, 0, 1, 0]);
    assert.deepEqual([...mini.confidence], [-0.05, -1.2, -Infinity, -0.4]);
    const tokens = [
      [120, 3],
      [95, 4],
      [130, 2],
      [101, 5],
    ];
    tokens.forEach(([tin, tout], i) => assert.ok(Math.abs(mini.cost[i]! - (tin! * 0.15 + tout! * 0.6) / 1e6) < 1e-18));
    assert.deepEqual([...model(dataset, 'gpt-4o').quality], [1, 1, 1, 0]);
    assert.deepEqual(dataset.splitNames, ['train', 'test']);
    assert.deepEqual(dataset.prompts, ['What is 2 + 3?', 'What is 7 - 4?', 'What is 3 x 3?', 'What is 10 / 2?']);
  });

  it("wide, RouterBench's columns: a record per model with a quality value, its cost and confidence beside", async () => {
    const file = join(P, 'routerbench.parquet');
    const { dataset, files, issues } = await loadEvalFiles([file], { keepResponses: true });
    assert.deepEqual(
      files.map((f) => [f.format, f.records, f.rejected]),
      [['parquet-wide', 5, 0]],
    );
    assert.ok(files[0]!.derived.includes('id from column "sample_id"'));
    // mistral-7b has no value for the third row: that query is missing for it, and dropped.
    assert.deepEqual(issues.map(formatIssue), [
      `${file}: model "mistral-7b" has no usable record for 1 query that other models have (e.g. "arith.2"); it is left out of the analysis. Add the missing records, or remove those queries from the other files.`,
    ]);
    assert.deepEqual(dataset.ids, ['arith.0', 'arith.1']);
    assert.deepEqual([...model(dataset, 'mistral-7b').quality], [1, 0]);
    assert.deepEqual([...model(dataset, 'mistral-7b').cost], [0.00002, 0.000021]);
    assert.deepEqual([...model(dataset, 'gpt-4').confidence], [0.99, 0.9]);
  });

  it('wide, the CSV layout of <model>.<field> columns', async () => {
    const { dataset, files, issues } = await loadEvalFiles([join(P, 'wide.parquet')]);
    assert.deepEqual(issues, []);
    assert.deepEqual(
      files.map((f) => [f.format, f.records]),
      [['parquet-wide', 4]],
    );
    assert.deepEqual([...model(dataset, 'cheap').quality], [1, 0]);
    assert.deepEqual([...model(dataset, 'strong').cost], [0.002, 0.002]);
    assert.deepEqual(dataset.splitNames, ['train', 'test']);
  });

  it('a real Snappy table of another writer (parquet-testing alltypes_plain): read, and every row rejected with what it lacks', async () => {
    const file = join(P, 'alltypes_plain.snappy.parquet');
    const { files, issues } = await loadEvalFiles([file]);
    // Two rows; accepted + rejected = rows.
    assert.deepEqual(
      files.map((f) => [f.format, f.records, f.rejected]),
      [['parquet-long', 0, 2]],
    );
    assert.ok(issues.some((i) => i.line === 1 && /neither "correct" nor "score" is present/.test(i.message)));
  });

  it('a truncated file says it cannot be read', async () => {
    const { tempFolder } = await import('../fixtures/load/tempFiles.ts');
    const bytes = readFileSync(join(P, 'long.parquet'));
    const dir = tempFolder({ 'cut.parquet': bytes.subarray(0, 600) });
    const { files, issues } = await loadEvalFiles([join(dir, 'cut.parquet')]);
    assert.deepEqual(
      files.map((f) => [f.format, f.records, f.rejected]),
      [['parquet', 0, 0]],
    );
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /^the Parquet file could not be read \(.+\); it holds no records here\. Write it again \(pandas: DataFrame\.to_parquet\), or re-download it\.$/);
  });
});
