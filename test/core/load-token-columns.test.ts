/**
 * Token counts are stored in Float32 columns while every count is exact in a Float32, and in
 * Float64 once one is not: either way every count reads back as the number in the file, in one
 * thread, across two collectors and in the split's subsets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import { storeToken } from '../../src/core/load/columns.ts';
import { subsetDataset, tokenRows } from '../../src/core/split.ts';
import { inTwoCollectors } from '../support/twoCollectors.ts';
import { record, tempFolder } from '../fixtures/load/tempFiles.ts';

/** 2^24 + 1 is the first whole number a Float32 cannot hold; 0.1 is not one either. */
const NOT_FLOAT32 = [2 ** 24 + 1, 0.1, 123456789];

test('storeToken: a Float32 column keeps exact values and widens to Float64 on the first value it cannot hold', () => {
  let c = storeToken(new Float32Array(4).fill(NaN), 0, 7);
  assert.ok(c instanceof Float32Array);
  c = storeToken(c, 1, 2 ** 24);
  assert.ok(c instanceof Float32Array, '2^24 is exact');
  c = storeToken(c, 2, NaN);
  assert.ok(c instanceof Float32Array, 'NaN is unknown, not a value to widen for');
  for (const v of NOT_FLOAT32) {
    const wide = storeToken(Float32Array.of(7, 2 ** 24, NaN, 1.5), 3, v);
    assert.ok(wide instanceof Float64Array, `${v} widens`);
    assert.deepEqual([...wide], [7, 2 ** 24, NaN, v]);
    assert.equal(storeToken(wide, 0, 0.3)[0], 0.3, 'a Float64 column stays one');
  }
});

test('tokenRows: the rows of a column, in a column of the same kind', () => {
  const narrow = tokenRows(Float32Array.of(1, 2, 3, 4), Uint32Array.of(3, 1));
  assert.ok(narrow instanceof Float32Array);
  assert.deepEqual([...narrow], [4, 2]);
  const wide = tokenRows(Float64Array.of(0.1, 0.2, 0.3), [2, 0]);
  assert.ok(wide instanceof Float64Array);
  assert.deepEqual([...wide], [0.3, 0.1]);
});

test('loaded token counts read back as written: Float32 when all fit, Float64 when one does not, in one or two collectors', async () => {
  const counts = (base: number[]): string => base.map((t, i) => record({ id: `q${i}`, model: 'm', tokens_in: t, tokens_out: i, split: i < 3 ? 'train' : 'test' })).join('\n');
  const exact = [10, 2 ** 24, 0, 4096.5, 3];
  for (const odd of [undefined, ...NOT_FLOAT32]) {
    const inFile = odd === undefined ? exact : [...exact.slice(0, 4), odd];
    // The second file (another model) read by the second collector widens there, or here.
    const dir = tempFolder({ 'a.jsonl': counts(inFile).replaceAll('"m"', '"a"'), 'b.jsonl': counts(inFile.slice().reverse()).replaceAll('"m"', '"b"') });
    const files = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
    const one = await loadEvalFiles(files);
    assert.deepEqual(one.issues, []);
    for (const m of one.dataset.models) {
      const expected = m.name === 'a' ? inFile : inFile.slice().reverse();
      assert.deepEqual([...m.tokensIn!], expected, `${m.name}, ${odd}`);
      assert.deepEqual([...m.tokensOut!], [0, 1, 2, 3, 4]);
      assert.equal(m.tokensIn instanceof Float32Array, odd === undefined, `${m.name} tokens_in kind with ${odd}`);
      assert.ok(m.tokensOut instanceof Float32Array);
    }
    const two = await inTwoCollectors(files, 1);
    assert.deepEqual(two.dataset, one.dataset, `two collectors, ${odd}`);
    // The calibration rows (the first three) and an interleaved subset.
    for (const rows of [Uint32Array.of(0, 1, 2), Uint32Array.of(0, 2, 4)]) {
      const sub = subsetDataset(one.dataset, rows);
      const a = one.dataset.models.find((m) => m.name === 'a')!;
      assert.deepEqual(
        [...sub.models.find((m) => m.name === 'a')!.tokensIn!],
        [...rows].map((q) => a.tokensIn![q]),
      );
    }
  }
});
