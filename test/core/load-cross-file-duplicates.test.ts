/**
 * Records that collide across files give the same result whether the files are read by one
 * collector, cut between two (the worker thread's path) or read one collector per file and
 * joined (the editor's incremental load). A record rejected as a duplicate of another file's
 * record counts for nothing in its file's summary (the fields of the summary's "missing" list,
 * the "derived" counts and the price matches are those of the records kept), its optional
 * fields are not read (no warning about them, no prompt for its query), and a later duplicate
 * of it names the other file's record as the first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { LoadResult } from '../../src/core/types.ts';
import { sameEveryWay } from '../support/twoCollectors.ts';
import { record, tempFolder } from '../fixtures/load/tempFiles.ts';

const noConfidence = (fields: Record<string, unknown>): string => record({ ...fields, confidence: undefined });

/** The files written to a fresh folder, their paths in the given order. */
function write(files: Readonly<Record<string, readonly string[]>>): string[] {
  const dir = tempFolder(Object.fromEntries(Object.entries(files).map(([name, lines]) => [name, `${lines.join('\n')}\n`])));
  return Object.keys(files).map((name) => join(dir, name));
}

const duplicateMessage = (id: string, model: string, first: string): string =>
  `duplicate id "${id}" for model "${model}" (first at ${first}); the first record is used and this one is skipped. Remove or rename one of them.`;

test('a file whose only record with a confidence is a duplicate of another file lacks a confidence', async () => {
  const paths = write({
    'a.jsonl': [record({ id: 'q1', model: 'a' }), record({ id: 'q2', model: 'a' })],
    // Model "b" has no confidence at all; "a"'s q1 here repeats a.jsonl:1 and is skipped.
    'b.jsonl': [record({ id: 'q1', model: 'a' }), noConfidence({ id: 'q1', model: 'b' }), noConfidence({ id: 'q2', model: 'b' })],
  });
  const r = await sameEveryWay(paths);
  assert.deepEqual(
    r.issues.map((i) => [i.line, i.message]),
    [[1, duplicateMessage('q1', 'a', `${paths[0]}:1`)]],
  );
  assert.deepEqual([r.files[1]!.records, r.files[1]!.rejected], [2, 1]);
  assert.deepEqual(r.files[1]!.missing, ['latency_ms', 'tokens_in/tokens_out', 'split', 'prompt', 'confidence']);
  assert.deepEqual(r.files[0]!.missing, ['latency_ms', 'tokens_in/tokens_out', 'split', 'prompt']);
});

test('nor the other fields of a duplicate: latency, tokens, split, prompt, a score, a cost from tokens', async () => {
  const prices = new Map([['a', { inputPerMillion: 1, outputPerMillion: 2 }]]);
  const full = { latency_ms: 12, tokens_in: 10, tokens_out: 4, cost: undefined, split: 'train', prompt: 'a prompt', correct: undefined, score: 0.5 };
  const paths = write({
    'a.jsonl': [record({ id: 'q1', model: 'a' }), record({ id: 'q2', model: 'a' })],
    'b.jsonl': [record({ id: 'q1', model: 'a', ...full }), record({ id: 'q2', model: 'a', ...full }), noConfidence({ id: 'q1', model: 'b' }), noConfidence({ id: 'q2', model: 'b' })],
  });
  // Prompts not kept: which record's prompt text a query keeps is not compared here.
  const r = await sameEveryWay(paths, { prices, keepPrompts: false });
  assert.deepEqual(
    r.issues.map((i) => i.line),
    [1, 2],
  );
  assert.deepEqual([r.files[1]!.records, r.files[1]!.rejected], [2, 2]);
  assert.deepEqual(r.files[1]!.missing, ['latency_ms', 'tokens_in/tokens_out', 'split', 'prompt', 'confidence']);
  assert.deepEqual(r.files[1]!.derived, []);
  // No record priced from its tokens is kept: no price match to report.
  assert.deepEqual(r.prices, []);
  assert.equal(r.dataset.splitNames, undefined);
});

test("the neighbouring cases: a duplicate without a confidence, a duplicate that is its model's only confidence, a model all of whose records in a file are duplicates", async () => {
  // Each case: the files, and whether b.jsonl's kept records lack a confidence (its summary's "missing" says so).
  const cases: [string, Record<string, readonly string[]>, boolean][] = [
    [
      'a duplicate without a confidence',
      {
        'a.jsonl': [noConfidence({ id: 'q1', model: 'a' })],
        'b.jsonl': [noConfidence({ id: 'q1', model: 'a' }), record({ id: 'q1', model: 'b' })],
      },
      false,
    ],
    [
      // a.jsonl:2 gives way to b.jsonl:1, which is kept; a.jsonl:1 is then an error at the join.
      "the duplicate is its model's only record with a confidence",
      {
        'a.jsonl': [noConfidence({ id: 'q1', model: 'a' }), noConfidence({ id: 'q2', model: 'a' })],
        'b.jsonl': [record({ id: 'q2', model: 'a' }), noConfidence({ id: 'q1', model: 'b' }), noConfidence({ id: 'q2', model: 'b' })],
      },
      false,
    ],
    [
      "a model whose records in a file are all duplicates, the file's other model without confidences",
      {
        'a.jsonl': [record({ id: 'q1', model: 'a' }), record({ id: 'q2', model: 'a' })],
        'b.jsonl': [record({ id: 'q2', model: 'a' }), noConfidence({ id: 'q1', model: 'b' }), record({ id: 'q1', model: 'a' }), noConfidence({ id: 'q2', model: 'b' })],
        'c.jsonl': [record({ id: 'q1', model: 'c' }), record({ id: 'q2', model: 'c' })],
      },
      true,
    ],
    [
      'a duplicate whose model has no confidence, in a file whose other model has none',
      {
        'a.jsonl': [noConfidence({ id: 'q1', model: 'a' })],
        'b.jsonl': [noConfidence({ id: 'q1', model: 'a' }), noConfidence({ id: 'q1', model: 'b' })],
      },
      true,
    ],
  ];
  for (const [what, files, lacking] of cases) {
    const paths = write(files);
    const r = await sameEveryWay(paths).catch((e: Error) => assert.fail(`${what}: ${e.message}`));
    const b = r.files[1]!;
    assert.ok(b.records > 0, what);
    assert.equal(b.missing.includes('confidence'), lacking, `${what}: ${b.missing.join(', ')}`);
    assert.ok(r.issues.some((i) => i.file === paths[1] && i.message.startsWith('duplicate id')) || what.startsWith('the duplicate is'), what);
  }
});

/** Shows the issues as `file:line message` with the folder left out, for messages stated in full. */
const lines = (r: LoadResult): string[] => r.issues.map((i) => `${i.file.slice(i.file.lastIndexOf('/') + 1)}:${i.line} ${i.message}`);

test('a bad optional value on a duplicate of another file is not reported: the record is skipped before its optional fields are read', async () => {
  const paths = write({
    'a.jsonl': [record({ id: 'q1', model: 'a' })],
    'b.jsonl': [record({ id: 'q1', model: 'a', latency_ms: -3, prompt: 7, embedding: 'x', split: ['train'] }), record({ id: 'q1', model: 'b', latency_ms: -4 })],
  });
  const r = await sameEveryWay(paths);
  assert.deepEqual(lines(r), [
    `b.jsonl:1 ${duplicateMessage('q1', 'a', `${paths[0]}:1`)}`,
    'b.jsonl:2 model "b": "latency_ms" is -4; a latency must be a non-negative number of milliseconds; the record is used without it. Fix the value or remove the field.',
  ]);
  assert.deepEqual([r.files[1]!.records, r.files[1]!.rejected], [1, 1]);
});

test("a query without a prompt does not take the prompt of a record skipped as another file's duplicate", async () => {
  const paths = write({
    'a.jsonl': [record({ id: 'q1', model: 'a' }), record({ id: 'q2', model: 'a' })],
    'b.jsonl': [record({ id: 'q1', model: 'a', prompt: 'skipped' }), record({ id: 'q1', model: 'b' }), record({ id: 'q2', model: 'b', prompt: 'kept' })],
  });
  const r = await sameEveryWay(paths);
  assert.deepEqual(r.dataset.prompts, [undefined, 'kept']);
});

test('a record that gives way to a later one of its file, both duplicates of an earlier file, is itself reported as a duplicate', async () => {
  const paths = write({
    'a.jsonl': [record({ id: 'q1', model: 'a' })],
    'b.jsonl': [noConfidence({ id: 'q1', model: 'a' }), record({ id: 'q1', model: 'a' }), record({ id: 'q1', model: 'b' })],
  });
  const r = await sameEveryWay(paths);
  const first = `${paths[0]}:1`;
  assert.deepEqual(lines(r), [`b.jsonl:1 ${duplicateMessage('q1', 'a', first)}`, `b.jsonl:2 ${duplicateMessage('q1', 'a', first)}`]);
  assert.deepEqual([r.files[1]!.records, r.files[1]!.rejected], [1, 2]);
});

test("a duplicate within a file of a record that is itself another file's duplicate names the other file's record as the first", async () => {
  const paths = write({
    'a.jsonl': [record({ id: 'q1', model: 'a' })],
    'b.jsonl': [record({ id: 'q1', model: 'a' }), record({ id: 'q1', model: 'a' }), record({ id: 'q1', model: 'b' })],
  });
  const r = await sameEveryWay(paths);
  const first = `${paths[0]}:1`;
  assert.deepEqual(lines(r), [`b.jsonl:1 ${duplicateMessage('q1', 'a', first)}`, `b.jsonl:2 ${duplicateMessage('q1', 'a', first)}`]);
});

test('split labels of one file, where a record without a confidence gives way to a later one with another label: the first label read is kept on every path', async () => {
  const paths = write({
    'a.jsonl': [noConfidence({ id: 'q1', model: 'a', split: 'x' }), record({ id: 'q1', model: 'a', split: 'y' }), record({ id: 'q1', model: 'b', split: 'y' })],
  });
  const r = await sameEveryWay(paths);
  assert.deepEqual(r.dataset.splitNames, ['x', 'y']);
  assert.deepEqual([...r.dataset.splitCodes!], [0]);
  // The label "x" came from line 1, the record that gave way to line 2.
  const conflict = 'split "y" for query "q1" disagrees with "x" given for model "a" (line 1); the first label is used. Make the split labels agree across models.';
  assert.deepEqual(
    r.issues.map((i) => [i.line, i.message.slice(0, 26)]),
    [
      [1, '"confidence" is missing, b'],
      [2, 'split "y" for query "q1" d'],
      [3, 'split "y" for query "q1" d'],
    ],
  );
  assert.deepEqual(
    r.issues.slice(1).map((i) => i.message),
    [conflict, conflict],
  );
});

test('a prompt that cannot be decoded, on a query that an earlier file gave a prompt, is never decoded (no warning) on every path', async () => {
  const paths = write({
    'a.jsonl': [record({ id: 'q1', model: 'a', prompt: 'the prompt' })],
    'b.jsonl': ['{"id":"q1","model":"b","correct":1,"confidence":0.1,"cost":0.1,"prompt":"bad \\x escape"}'],
  });
  const r = await sameEveryWay(paths);
  assert.deepEqual(r.issues, []);
  assert.deepEqual(r.dataset.prompts, ['the prompt']);
});

test("a duplicate's reasoning and cached token counts are not read either: no warning about them, no count in its file's derived prices", async () => {
  const prices = new Map([['a', { inputPerMillion: 1, outputPerMillion: 2, reasoningPerMillion: 3 }]]);
  const priced = { cost: undefined, tokens_in: 10, tokens_out: 4 };
  const paths = write({
    'a.jsonl': [record({ id: 'q1', model: 'a', ...priced })],
    // Line 1 repeats a.jsonl:1, line 3 repeats line 2: both skipped, with their bad and good token parts.
    'b.jsonl': [
      record({ id: 'q1', model: 'a', ...priced, tokens_reasoning: 99, tokens_cached: -1 }),
      record({ id: 'q2', model: 'a', ...priced }),
      record({ id: 'q2', model: 'a', ...priced, tokens_reasoning: 2 }),
    ],
  });
  const r = await sameEveryWay(paths, { prices });
  assert.deepEqual(
    r.issues.map((i) => [i.line, i.message.slice(0, 14)]),
    [
      [1, 'duplicate id "'],
      [3, 'duplicate id "'],
    ],
  );
  assert.deepEqual(r.files[1]!.derived, ['cost from tokens_in/tokens_out x price table (1 record)']);
});
