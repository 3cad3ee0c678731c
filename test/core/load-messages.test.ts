/**
 * Bad input never crashes and is never silently dropped: one test per case, each stating
 * the exact `file:line: message` a user sees, and that the good records still load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, gunzipSync, constants } from 'node:zlib';
import { join } from 'node:path';
import { formatIssue, loadEvalFiles, summarizeIssues } from '../../src/core/load/index.ts';
import type { InputIssue } from '../../src/core/types.ts';
import { loadFiles, record, tempFolder } from '../fixtures/load/tempFiles.ts';

const good = (id: string): string => record({ id });
const FIX = 'Fix the value or remove the record.';

test('malformed JSON: column and hint, the other lines still load', async () => {
  const r = await loadFiles({
    'a.jsonl': [
      good('q1'),
      '{"id": "q2", "correct": 1, "confidence": -0.2, "cost": }',
      '{"id": "q3", "correct": 1,}',
      '{"id": "q4", "correct"',
      '{"id": "q5", "correct": True, "confidence": -0.2, "cost": 0.001}',
      "{'id': 'q6'}",
      '{"id": "q7" "correct": 1}',
      good('q8'),
    ].join('\n'),
  });
  const tail = 'Fix the line so that it holds one complete JSON object.';
  assert.deepEqual(r.messages, [
    `a.jsonl:2: malformed JSON at column 56: expected a value (a string, number, true, false, null, object or array). ${tail}`,
    `a.jsonl:3: malformed JSON at column 27: a comma is followed by '}'; remove the trailing comma. ${tail}`,
    `a.jsonl:4: malformed JSON at column 23: the line ends before the JSON object is complete. ${tail}`,
    `a.jsonl:5: malformed JSON at column 25: True is Python, not JSON; write true, false or null. ${tail}`,
    `a.jsonl:6: malformed JSON at column 2: property names need double quotes, not single quotes. ${tail}`,
    `a.jsonl:7: malformed JSON at column 13: expected ',' or '}' after a value. ${tail}`,
  ]);
  assert.deepEqual(r.dataset.ids, ['q1', 'q8']);
  assert.equal(r.files[0]!.records, 2);
  assert.equal(r.files[0]!.rejected, 6);
  assert.ok(r.issues.every((i) => i.severity === 'error'));
});

test('a line that is JSON but not an object', async () => {
  const r = await loadFiles({ 'a.jsonl': [good('q1'), '[1, 2]', '42', 'null'].join('\n') });
  const tail = 'Write one JSON object per line, e.g. {"id": "q1", "correct": 1, "confidence": -0.2, "cost": 0.0001}.';
  assert.deepEqual(r.messages, [
    `a.jsonl:2: the line holds a JSON array, not an object. ${tail}`,
    `a.jsonl:3: the line holds a JSON number, not an object. ${tail}`,
    `a.jsonl:4: the line holds a JSON null, not an object. ${tail}`,
  ]);
  assert.equal(r.dataset.n, 1);
});

test('a whole file that is one JSON array', async () => {
  const r = await loadFiles({ 'arr.jsonl': `[${good('q1')},\n${good('q2')}]\n`, 'b.jsonl': good('q1') });
  assert.deepEqual(r.messages, [`arr.jsonl: the file holds one JSON array, not JSON Lines; write one JSON object per line (for example with jq -c '.[]').`]);
  assert.deepEqual(
    r.dataset.models.map((m) => m.name),
    ['b'],
  );
});

test('missing id, confidence, correct-or-score, cost-or-tokens', async () => {
  const r = await loadFiles({
    'a.jsonl': [record({ id: undefined }), record({ id: 'q2', confidence: undefined }), record({ id: 'q3', correct: undefined }), record({ id: 'q4', cost: undefined }), good('q5')].join('\n'),
  });
  assert.deepEqual(r.messages, [
    'a.jsonl:1: "id" is missing; every record needs an "id" to join the models on. Add it or remove the record.',
    `a.jsonl:2: ${PARTLY_MISSING}`,
    'a.jsonl:3: neither "correct" nor "score" is present; every record needs "correct" (true/false or 1/0) or "score" (a number from 0 to 1). Add one or remove the record.',
    'a.jsonl:4: neither "cost" nor "tokens_in"/"tokens_out" is present; every record needs a "cost" in dollars, or token counts and a price table. Add one or remove the record.',
  ]);
  assert.deepEqual(r.dataset.ids, ['q5']);
});

test('every problem of a record is reported, the record once counted', async () => {
  const r = await loadFiles({ 'a.jsonl': [record({ confidence: undefined, cost: -1 }), good('q2')].join('\n') });
  // A missing confidence is a problem only because the model's other records have one: said at the join, after the record's own.
  assert.deepEqual(r.messages, [`a.jsonl:1: "cost" is -1; a cost must be a non-negative number of dollars. ${FIX}`, `a.jsonl:1: ${PARTLY_MISSING}`]);
  assert.equal(r.files[0]!.rejected, 1);
});

test('non-numeric values', async () => {
  const r = await loadFiles({
    'a.jsonl': [record({ confidence: 'high' }), record({ id: 'q2', cost: 'abc' }), record({ id: 'q3', confidence: null }), record({ id: 'q4', confidence: true }), good('q5')].join('\n'),
  });
  assert.deepEqual(r.messages, [
    `a.jsonl:1: "confidence" is "high", not a number; write a plain number such as 0.25. ${FIX}`,
    `a.jsonl:2: "cost" is "abc", not a number; write a plain number such as 0.25. ${FIX}`,
    `a.jsonl:3: "confidence" is null, not a number; write a plain number such as 0.25. ${FIX}`,
    `a.jsonl:4: "confidence" is true, not a number; write a plain number such as 0.25. ${FIX}`,
  ]);
});

test('numbers written as strings are read (as CSV cells are)', async () => {
  const r = await loadFiles({ 'a.jsonl': record({ confidence: '-0.25', cost: ' 0.5 ', correct: 'true' }) });
  assert.deepEqual(r.messages, []);
  assert.equal(r.dataset.models[0]!.confidence[0], -0.25);
  assert.equal(r.dataset.models[0]!.cost[0], 0.5);
  assert.equal(r.dataset.models[0]!.quality[0], 1);
});

/** The problem of a record without a confidence in a model ("a") whose other records have one. */
const PARTLY_MISSING =
  '"confidence" is missing, but other records of model "a" have one; a model\'s confidence must be on every record or on none. Add it, or remove the record (a model with no confidence on any record is read as one without a confidence).';

test('NaN and infinite values, as Python writes them, on the fast path and the general one', async () => {
  const r = await loadFiles({
    'a.jsonl': [
      '{"id": "q1", "correct": 1, "confidence": NaN, "cost": 0.001}',
      '{"id": "q2", "correct": 1, "confidence": -0.2, "cost": Infinity}',
      '{"id": "q3", "correct": 1, "confidence": -Infinity, "cost": 0.001}',
      // A nested value sends the line to the general parser, which must say the same.
      '{"id": "q4", "meta": {"a": [1, 2]}, "correct": 1, "confidence": NaN, "cost": 0.001}',
      '{"id": "q5", "correct": 1, "confidence": -0.2, "cost": 1e999}',
      good('q6'),
      // The lowest and the highest confidence, on the general parser's path too.
      '{"id": "q7", "meta": [1], "correct": 0, "confidence": -Infinity, "cost": 0.001}',
      '{"id": "q8", "correct": 1, "confidence": Infinity, "cost": 0.001}',
    ].join('\n'),
  });
  assert.deepEqual(r.messages, [
    `a.jsonl:1: "confidence" is NaN; it must be a finite number. ${FIX}`,
    `a.jsonl:2: "cost" is Infinity; it must be a finite number. ${FIX}`,
    `a.jsonl:4: "confidence" is NaN; it must be a finite number. ${FIX}`,
    `a.jsonl:5: "cost" is Infinity; it must be a finite number. ${FIX}`,
  ]);
  assert.deepEqual(r.dataset.ids, ['q3', 'q6', 'q7', 'q8']);
  assert.deepEqual([...r.dataset.models[0]!.confidence], [-Infinity, -0.2, -Infinity, Infinity]);
});

test('negative cost', async () => {
  const r = await loadFiles({ 'a.jsonl': [record({ cost: -0.5 }), good('q2')].join('\n') });
  assert.deepEqual(r.messages, [`a.jsonl:1: "cost" is -0.5; a cost must be a non-negative number of dollars. ${FIX}`]);
});

test('correctness outside [0,1]', async () => {
  const r = await loadFiles({
    'a.jsonl': [
      record({ correct: 2 }),
      record({ id: 'q2', correct: 0.5 }),
      record({ id: 'q3', correct: undefined, score: 1.5 }),
      record({ id: 'q4', correct: undefined, score: -0.1 }),
      good('q5'),
    ].join('\n'),
  });
  const correct = '"correct" must be true, false, 1 or 0 (put graded quality between 0 and 1 in "score").';
  assert.deepEqual(r.messages, [
    `a.jsonl:1: "correct" is 2; ${correct} ${FIX}`,
    `a.jsonl:2: "correct" is 0.5; ${correct} ${FIX}`,
    `a.jsonl:3: "score" is 1.5; a score must lie between 0 and 1. ${FIX}`,
    `a.jsonl:4: "score" is -0.1; a score must lie between 0 and 1. ${FIX}`,
  ]);
});

test('invalid id and model values', async () => {
  const r = await loadFiles({
    'a.jsonl': [record({ id: '' }), record({ id: { a: 1 } }), record({ id: 'q3', model: 5 }), good('q4')].join('\n'),
  });
  assert.deepEqual(r.messages, [
    `a.jsonl:1: "id" is ""; an id must be a non-empty string or a number. ${FIX}`,
    `a.jsonl:2: "id" is an object; an id must be a non-empty string or a number. ${FIX}`,
    'a.jsonl:3: "model" is 5; a model name must be a non-empty string. Fix the value, or remove the field to name the model after the file.',
  ]);
});

test('duplicate id within a model: the first is kept, both lines named', async () => {
  const r = await loadFiles({ 'a.jsonl': [record({ id: 'q1', confidence: -0.1 }), good('q2'), record({ id: 'q1', confidence: -0.9 })].join('\n') });
  assert.deepEqual(r.messages, ['a.jsonl:3: duplicate id "q1" for model "a" (first at line 1); the first record is used and this one is skipped. Remove or rename one of them.']);
  assert.equal(r.dataset.models[0]!.confidence[0], -0.1);
  assert.equal(r.files[0]!.rejected, 1);
});

test('duplicate id of a model spread over two files names the other file', async () => {
  const r = await loadFiles({ 'part1.jsonl': record({ model: 'm' }), 'part2.jsonl': [record({ model: 'm', id: 'q2' }), record({ model: 'm' })].join('\n') });
  assert.deepEqual(r.messages, ['part2.jsonl:2: duplicate id "q1" for model "m" (first at part1.jsonl:1); the first record is used and this one is skipped. Remove or rename one of them.']);
  assert.deepEqual(r.dataset.ids, ['q1', 'q2']);
});

test('ids missing for some models: one warning per model, the query left out', async () => {
  const r = await loadFiles({
    'a.jsonl': ['q1', 'q2', 'q3', 'q4'].map(good).join('\n'),
    'b.jsonl': ['q1', 'q3', 'q5'].map(good).join('\n'),
  });
  assert.deepEqual(r.messages, [
    'a.jsonl: model "a" has no usable record for 1 query that other models have (e.g. "q5"); it is left out of the analysis. Add the missing records, or remove those queries from the other files.',
    'b.jsonl: model "b" has no usable record for 2 queries that other models have (e.g. "q2", "q4"); they are left out of the analysis. Add the missing records, or remove those queries from the other files.',
  ]);
  assert.deepEqual(r.dataset.ids, ['q1', 'q3']);
  assert.ok(r.issues.every((i) => i.severity === 'warning' && i.line === 0));
});

test('no query shared by every model', async () => {
  const r = await loadFiles({ 'a.jsonl': good('q1'), 'b.jsonl': good('q2') });
  const tail = 'it is left out of the analysis. Add the missing records, or remove those queries from the other files.';
  assert.deepEqual(r.messages, [
    `a.jsonl: model "a" has no usable record for 1 query that other models have (e.g. "q2"); ${tail}`,
    'a.jsonl: no query has a usable record for every model, so nothing can be analysed. Check that the files share their "id" values.',
    `b.jsonl: model "b" has no usable record for 1 query that other models have (e.g. "q1"); ${tail}`,
  ]);
  assert.equal(r.dataset.n, 0);
});

test('empty file and a file of blank lines', async () => {
  const r = await loadFiles({ 'empty.jsonl': '', 'blank.jsonl': '\n  \n\r\n', 'a.jsonl': good('q1') });
  assert.deepEqual(r.messages, [
    'empty.jsonl: the file is empty; it holds no records. Add records or leave the file out.',
    'blank.jsonl: the file holds only blank lines, no records. Add records or leave the file out.',
  ]);
  assert.equal(r.dataset.n, 1);
});

test('a UTF-8 byte-order mark is read through; UTF-16 is reported', async () => {
  const r = await loadFiles({
    'bom.jsonl': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${good('q1')}\n${good('q2')}\n`)]),
    'u16.jsonl': Buffer.from(`\ufeff${good('q1')}\n`, 'utf16le'),
  });
  assert.deepEqual(r.messages, ['u16.jsonl: the file is UTF-16 encoded; save it as UTF-8 and load it again.']);
  assert.deepEqual(r.dataset.ids, ['q1', 'q2']);
});

test('CRLF line ends are read through', async () => {
  const r = await loadFiles({ 'a.jsonl': `${good('q1')}\r\n{"id": "q2", "correct": 0, "confidence": -1, "cost": 0.25}\r\n` });
  assert.deepEqual(r.messages, []);
  assert.deepEqual(r.dataset.ids, ['q1', 'q2']);
  assert.equal(r.dataset.models[0]!.cost[1], 0.25);
});

test('a line over the limit is skipped without being held, also across read chunks', async () => {
  const long = record({ id: 'q2', prompt: 'x'.repeat(300) });
  const r = await loadFiles({ 'a.jsonl': [good('q1'), long, good('q3')].join('\n') }, { maxLineBytes: 200 });
  assert.deepEqual(r.messages, [`a.jsonl:2: the line is ${Buffer.byteLength(long)} bytes long, over the limit of 200 bytes; it was skipped. Split the record or raise the line limit (maxLineBytes).`]);
  assert.deepEqual(r.dataset.ids, ['q1', 'q3']);

  // 3 MB lines span several 1 MiB chunks: one is over a 2 MiB limit, one is under it.
  const huge = record({ id: 'q2', prompt: 'y'.repeat(3_000_000) });
  const big = record({ id: 'q3', prompt: 'z'.repeat(1_500_000) });
  const r2 = await loadFiles({ 'b.jsonl': [good('q1'), huge, big, good('q4')].join('\n') }, { maxLineBytes: 2 * 1024 * 1024 });
  assert.deepEqual(r2.messages, [
    `b.jsonl:2: the line is ${Buffer.byteLength(huge)} bytes long, over the limit of 2097152 bytes; it was skipped. Split the record or raise the line limit (maxLineBytes).`,
  ]);
  assert.deepEqual(r2.dataset.ids, ['q1', 'q3', 'q4']);
  assert.equal(r2.dataset.prompts?.[1]?.length, 1_500_000);
});

test('split labels that disagree across models', async () => {
  const r = await loadFiles({
    'a.jsonl': [record({ split: 'train' }), record({ id: 'q2', split: 'test' })].join('\n'),
    'b.jsonl': [record({ split: 'test' }), record({ id: 'q2', split: 'test' })].join('\n'),
  });
  assert.deepEqual(r.messages, ['b.jsonl:1: split "test" for query "q1" disagrees with "train" given for model "a" (a.jsonl:1); the first label is used. Make the split labels agree across models.']);
  assert.deepEqual(r.dataset.splitNames, ['train', 'test']);
  assert.deepEqual([...r.dataset.splitCodes!], [0, 1]);
});

test('queries without a split label while others have one', async () => {
  const r = await loadFiles({ 'a.jsonl': [record({ split: 'train' }), good('q2'), good('q3')].join('\n') });
  assert.deepEqual(r.messages, ['a.jsonl: 2 queries have no "split" label in any model (e.g. "q2", "q3"), while others have one; they belong to no split (label ""). Give every record a label.']);
  assert.deepEqual(r.dataset.splitNames, ['train', '']);
  assert.deepEqual([...r.dataset.splitCodes!], [0, 1, 1]);
});

test('a model with no good record is named and left out', async () => {
  const r = await loadFiles({ 'a.jsonl': good('q1'), 'b.jsonl': [record({ cost: undefined }), record({ cost: undefined, id: 'q2' })].join('\n') });
  const missing = 'neither "cost" nor "tokens_in"/"tokens_out" is present; every record needs a "cost" in dollars, or token counts and a price table. Add one or remove the record.';
  assert.deepEqual(r.messages, [
    'b.jsonl: model "b" has no usable record (2 rejected, see the messages on their lines); it is left out of the analysis. Fix its records.',
    `b.jsonl:1: ${missing}`,
    `b.jsonl:2: ${missing}`,
  ]);
  assert.deepEqual(
    r.dataset.models.map((m) => m.name),
    ['a'],
  );
});

test('records that carry their texts but no cost or tokens: the message names --estimate-tokens, which then prices them', async () => {
  // The shape of RouteLLM's published response tables: a prompt, one true/false column and one answer column per model, no cost.
  const csv = ['prompt,small,large,small_response,large_response', 'What is 2+2?,True,True,4,The answer is 4.', 'Name a prime.,False,True,Nine.,Seven is prime.'].join('\n');
  const missing = (model: string): string =>
    `model "${model}": neither "cost" nor "tokens_in"/"tokens_out" is present; every record needs a "cost" in dollars, or token counts and a price table. The record has its prompt or answer text: \`--estimate-tokens --prices FILE\` (in a cascade config \`estimateTokens: true\` with \`prices\`) prices it from characters / 4 as tokens. Or add a "cost", or remove the record.`;
  const bare = await loadFiles({ 'w.csv': csv });
  assert.ok(bare.messages.includes(`w.csv:2: ${missing('small')}`), bare.messages.join('\n'));
  assert.ok(bare.messages.includes(`w.csv:3: ${missing('large')}`), bare.messages.join('\n'));
  const prices = new Map([
    ['small', { inputPerMillion: 1, outputPerMillion: 2 }],
    ['large', { inputPerMillion: 10, outputPerMillion: 20 }],
  ]);
  const estimated = await loadFiles({ 'w.csv': csv }, { prices, estimateTokens: true });
  assert.deepEqual(
    estimated.messages.filter((m) => m.includes('neither "cost"')),
    [],
  );
  assert.equal(estimated.files[0]!.records, 4);
  // Tokens are characters / 4, rounded up: "What is 2+2?" 3, "4" 1, "The answer is 4." 4; "Name a prime." 4, "Nine." 2, "Seven is prime." 4.
  const costs = (name: string): number[] => [...estimated.dataset.models.find((m) => m.name === name)!.cost].map((c) => Math.round(c * 1e9) / 1e9).sort((a, b) => a - b);
  assert.deepEqual(costs('small'), [(3 * 1 + 1 * 2) / 1e6, (4 * 1 + 2 * 2) / 1e6]);
  assert.deepEqual(costs('large'), [(3 * 10 + 4 * 20) / 1e6, (4 * 10 + 4 * 20) / 1e6]);
  // A model the table does not price: the tokens it "gives" were estimated, and the message says so.
  const unpriced = await loadFiles({ 'w.csv': csv }, { prices: new Map([['small', { inputPerMillion: 1, outputPerMillion: 2 }]]), estimateTokens: true });
  assert.ok(
    unpriced.messages.includes(
      'w.csv:2: model "large" gives token counts (logged, or estimated from its texts by --estimate-tokens or the config key estimateTokens) but no "cost", and the price table has no entry for it; 2 of its records (the first on this line) were skipped. Add "large" to a price table (--prices, or prices in the cascade config) or give a "cost" per record.',
    ),
    unpriced.messages.join('\n'),
  );
});

test('tokens without a cost and without a price: one error per file and model, naming the model', async () => {
  const tokensOnly = (id: string): string => record({ id, cost: undefined, tokens_in: 100, tokens_out: 5 });
  const lines = [tokensOnly('q1'), good('q2'), tokensOnly('q3')].join('\n');
  const none = await loadFiles({ 't.jsonl': lines });
  assert.deepEqual(none.messages, [
    't.jsonl:1: model "t" gives token counts but no "cost", and no price table was given; 2 of its records (the first on this line) were skipped. Add "t" to a price table (--prices, or prices in the cascade config) or give a "cost" per record.',
  ]);
  assert.equal(none.files[0]!.rejected, 2);
  const other = await loadFiles({ 't.jsonl': lines }, { prices: new Map([['u', { inputPerMillion: 1, outputPerMillion: 1 }]]) });
  assert.deepEqual(other.messages, [
    't.jsonl:1: model "t" gives token counts but no "cost", and the price table has no entry for it; 2 of its records (the first on this line) were skipped. Add "t" to a price table (--prices, or prices in the cascade config) or give a "cost" per record.',
  ]);
});

test('one token count without a cost', async () => {
  const r = await loadFiles({ 'a.jsonl': [record({ cost: undefined, tokens_in: 100 }), good('q2')].join('\n') });
  assert.deepEqual(r.messages, [`a.jsonl:1: "tokens_in" is present but "tokens_out" is missing, and there is no "cost"; give both token counts or a "cost". ${FIX}`]);
});

test('a bad optional field is a warning and the record is used', async () => {
  const r = await loadFiles({ 'a.jsonl': [record({ latency_ms: 'fast' }), record({ id: 'q2', latency_ms: 12, split: { a: 1 }, prompt: 7, embedding: [1, 'x'] })].join('\n') });
  const tail = 'the record is used without it. Fix the value or remove the field.';
  assert.deepEqual(r.messages, [
    `a.jsonl:1: "latency_ms" is "fast"; a latency must be a non-negative number of milliseconds; ${tail}`,
    `a.jsonl:2: "prompt" is 7; a prompt must be a string; ${tail}`,
    `a.jsonl:2: "embedding" is an array; an embedding must be an array of finite numbers; ${tail}`,
    `a.jsonl:2: "split" is an object; a split label must be a string; ${tail}`,
  ]);
  assert.ok(r.issues.every((i) => i.severity === 'warning'));
  assert.equal(r.dataset.n, 2);
  assert.ok(Number.isNaN(r.dataset.models[0]!.latencyMs![0]!));
  assert.equal(r.dataset.models[0]!.latencyMs![1], 12);
});

test('a problem on many lines is listed 100 times, then counted', async () => {
  const lines = Array.from({ length: 105 }, (_, i) => record({ id: `q${i}`, confidence: undefined }));
  const r = await loadFiles({ 'a.jsonl': [...lines, good('ok')].join('\n') });
  assert.equal(r.messages.length, 101);
  assert.equal(r.messages[99], `a.jsonl:100: ${PARTLY_MISSING}`);
  assert.equal(r.messages[100], 'a.jsonl:101: the problem above occurs on 5 more lines of this file, the last at line 105; they are not listed one by one.');
  assert.equal(r.files[0]!.rejected, 105);
});

test('a truncated gzip file: the records before the cut load, the cut line is reported', async () => {
  const text = Array.from({ length: 3000 }, (_, i) => record({ id: `q${i}`, prompt: `prompt ${i} `.repeat(20) })).join('\n');
  const gz = gzipSync(text);
  const cut = gz.subarray(0, Math.floor(gz.length / 2));
  // What can be decompressed from the cut file, independently: its complete lines load, the incomplete one after them is reported.
  const readable = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  const complete = readable.split('\n').length - 1;
  const r = await loadFiles({ 'a.jsonl.gz': cut });
  assert.deepEqual(r.messages, [
    `a.jsonl.gz:${complete + 1}: the file ends in the middle of this line (the gzip data is corrupt or cut short); the incomplete record was skipped, the lines before it were loaded. Re-create or re-download the file.`,
  ]);
  assert.equal(r.dataset.n, complete);
  assert.deepEqual([r.files[0]!.records, r.files[0]!.rejected], [complete, 1]);
});

test('CSV: no id column, a short row, broken quoting, a header without rows', async () => {
  const r = await loadFiles({
    'noid.csv': 'model,correct,confidence,cost\nm,1,-0.1,0.001\n',
    'rows.csv': ['id,correct,confidence,cost', 'q1,1,-0.1,0.001', 'q2,1,-0.1', 'q3,"bad"x,-0.1,0.001', 'q4,"open,-0.1,0.001', 'q5,0,-0.5,0.002'].join('\n'),
    'head.csv': 'id,correct,confidence,cost\n',
  });
  const quoting = 'the row was skipped. Fix the quoting of the row.';
  assert.deepEqual(r.messages, [
    'noid.csv:1: the CSV header has no "id" column; add one. Columns: id, correct or score, confidence, cost (or tokens_in and tokens_out), optional model, split, latency_ms, prompt; or <model>.<field> columns for one model per column group.',
    'rows.csv:3: the row has 3 fields but the header has 4; the row was skipped. Check the commas and the quoting.',
    `rows.csv:4: malformed CSV: a quoted field is followed by "x" instead of the delimiter (a quote inside a quoted field must be doubled); ${quoting}`,
    `rows.csv:5: malformed CSV: a quoted field is not closed by the end of the line (this file has one row per line: no quoted field spans lines in its first rows); ${quoting}`,
    'head.csv: the CSV file has a header but no rows. Add rows or leave the file out.',
  ]);
  assert.deepEqual(
    r.dataset.models.map((m) => m.name),
    ['rows'],
  );
  assert.deepEqual(r.dataset.ids, ['q1', 'q5']);
});

test('a file in no known format, given by name', async () => {
  const r = await loadFiles({ 'notes.txt': 'just some words\n', 'a.jsonl': good('q1') });
  assert.deepEqual(r.messages, ['notes.txt: the file is not in a format the loader knows (harness, jsonl, csv, parquet); write one JSON object per line, or a CSV file with a header row.']);
});

test('unusable invocations throw a clear error naming the path', async () => {
  await assert.rejects(loadEvalFiles([]), { message: 'No input given: name evaluation files (JSONL or CSV, optionally gzipped) or folders that hold them.' });
  const dir = tempFolder({ 'readme.md': '# nothing here' });
  const missing = join(dir, 'nope.jsonl');
  await assert.rejects(loadEvalFiles([missing]), { message: `Cannot read "${missing}": no such file or folder. Check that the path exists and is readable.` });
  await assert.rejects(loadEvalFiles([dir]), (e: Error) => {
    assert.match(
      e.message,
      /^No evaluation files in folder ".*": looked in it for \*\.csv, .*\*\.jsonl.* \(and their \.gz\), and below it for lm-evaluation-harness samples .*, HELM runs .*, Inspect logs .*\. Point to the folder a harness wrote its per-query outputs into, or to the files themselves\.$/,
    );
    assert.ok(e.message.includes(dir));
    return true;
  });
});

test('an aborted load rejects with an AbortError', async () => {
  const dir = tempFolder({ 'a.jsonl': good('q1') });
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(loadEvalFiles([dir], { signal: controller.signal }), { name: 'AbortError' });
});

test('formatIssue and summarizeIssues: file:line, the first twenty, the rest counted', () => {
  const issue = (line: number, severity: InputIssue['severity']): InputIssue => ({ file: 'a.jsonl', line, severity, message: `problem ${line}` });
  assert.equal(formatIssue(issue(3, 'error')), 'a.jsonl:3: problem 3');
  assert.equal(formatIssue(issue(0, 'warning')), 'a.jsonl: problem 0');
  const many = Array.from({ length: 23 }, (_, i) => issue(i + 1, i === 21 ? 'warning' : 'error'));
  const lines = summarizeIssues(many);
  assert.equal(lines.length, 21);
  assert.equal(lines[19], 'a.jsonl:20: problem 20');
  assert.equal(lines[20], '... and 3 more problems (2 errors, 1 warning).');
  assert.deepEqual(summarizeIssues(many.slice(0, 2)), ['a.jsonl:1: problem 1', 'a.jsonl:2: problem 2']);
  assert.deepEqual(summarizeIssues(many, 22), [...many.slice(0, 22).map(formatIssue), '... and 1 more problem (1 error).']);
});
