/**
 * Problem lists a user can act on: capped at the first 20 then a count on every path (exit 1
 * included), and each problem of a file holding several models names the model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { tempFolder } from '../fixtures/load/tempFiles.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

const problemLines = (err: string): string[] => err.split('\n').filter((l) => l.startsWith('  '));

// 40 records, each with two problems: 80 problems and one for the model without a usable record.
const allBad = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `q${i}`, correct: 2 })).join('\n');

for (const command of ['analyze', 'compare', 'backtest']) {
  test(`${command} with nothing usable lists the first 20 problems and counts the rest (exit 1)`, async () => {
    const dir = tempFolder({ 'bad.jsonl': allBad });
    const r = await run([command, join(dir, 'bad.jsonl')]);
    assert.equal(r.code, 1);
    const lines = problemLines(r.err);
    assert.equal(lines.length, 21, r.err);
    assert.equal(lines[20], '  ... and 61 more problems not listed.');
    assert.match(r.err, /no usable queries/);
  });
}

test('each problem of a record in a file holding several models names its model', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    lines.push(
      JSON.stringify({ model: 'cheap', id: `q${i}`, split: i % 2 ? 'train' : 'test', correct: i % 3 ? 1 : 0, confidence: (i % 7) / 7, cost: i === 3 ? -1 : 0.001, latency_ms: i === 5 ? 'slow' : 10 }),
    );
    lines.push(JSON.stringify({ model: 'strong', id: `q${i}`, split: i % 2 ? 'train' : 'test', correct: 1, confidence: 0.9, cost: i === 8 ? 'NaN' : 0.01 }));
  }
  const dir = tempFolder({ 'both.jsonl': lines.join('\n') });
  const r = await run(['analyze', join(dir, 'both.jsonl'), '--json', '--bootstrap', '0']);
  assert.equal(r.code, 0, r.err);
  const warnings: string[] = JSON.parse(r.out).warnings;
  const at = (line: number) => warnings.filter((w) => w.startsWith(`${join(dir, 'both.jsonl')}:${line}: `));
  // Record lines: q3 of cheap is line 7, q5 of cheap line 11, q8 of strong line 18.
  assert.match(at(7)[0]!, /:7: model "cheap": "cost" is -1/);
  assert.match(at(11)[0]!, /:11: model "cheap": "latency_ms" is "slow"/);
  assert.match(at(18)[0]!, /:18: model "strong": "cost" is NaN; it must be a finite number/);

  // A file of one model keeps its messages as they are: the model is the file's.
  const single = tempFolder({ 'cheap.jsonl': lines.filter((l) => l.includes('"cheap"')).join('\n'), 'strong.jsonl': lines.filter((l) => l.includes('"strong"')).join('\n') });
  const s = await run(['analyze', single, '--json', '--bootstrap', '0']);
  const singleWarnings: string[] = JSON.parse(s.out).warnings;
  assert.ok(
    singleWarnings.some((w) => /cheap\.jsonl:4: "cost" is -1/.test(w)),
    singleWarnings.join('\n'),
  );
});

test('nothing accepted from any file (Git LFS pointers, as a clone without `git lfs pull` leaves lm-eval samples) is said as such; records that share no id are said apart', async () => {
  const pointer = (size: number): string => `version https://git-lfs.github.com/spec/v1\noid sha256:${'ab'.repeat(32)}\nsize ${size}\n`;
  const lfs = tempFolder({ 'samples_hellaswag_2025-01-25T04-48-43.622918.jsonl': pointer(42816258), 'samples_ifeval_2025-01-25T04-48-43.622918.jsonl': pointer(286539) });
  for (const command of ['analyze', 'compare']) {
    const r = await run([command, lfs, '--json']);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.out).error, 'no usable queries: no record was accepted from any of the 2 files read. Fix the problems above.');
    assert.match(r.err, /Git LFS pointer.*git lfs pull/);
  }
  const disjoint = tempFolder({
    'a.jsonl': JSON.stringify({ id: 'q1', correct: 1, confidence: 0.5, cost: 0.001 }),
    'b.jsonl': JSON.stringify({ id: 'q2', correct: 1, confidence: 0.5, cost: 0.01 }),
  });
  const r = await run(['analyze', disjoint]);
  assert.equal(r.code, 1);
  assert.match(r.err, /no usable queries: no query id has a valid record for every model\. Fix the problems above\./);
});
