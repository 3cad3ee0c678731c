/**
 * Records without a confidence, non-finite confidences and the answer texts, as the loader
 * reads them: a model none of whose records has a confidence is read without one; in a model
 * where some have one, the others are errors at their lines; -Infinity and Infinity are values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import { inTwoCollectors } from '../support/twoCollectors.ts';
import type { LoadOptions } from '../../src/core/options.ts';
import { loadFiles, record, tempFolder } from '../fixtures/load/tempFiles.ts';

const noConfidence = (id: string, extra: Record<string, unknown> = {}): string => record({ id, confidence: undefined, ...extra });

test('a model none of whose records has a confidence is read without one, with no error', async () => {
  const r = await loadFiles({
    'a.jsonl': [record({ id: 'q1' }), record({ id: 'q2', confidence: -1 })].join('\n'),
    'b.jsonl': [noConfidence('q1'), noConfidence('q2', { correct: 0 })].join('\n'),
  });
  assert.deepEqual(r.messages, []);
  assert.deepEqual(
    r.dataset.models.map((m) => [m.name, m.confidenceSource ?? 'logged', [...m.confidence]]),
    [
      ['a', 'logged', [-0.2, -1]],
      ['b', 'none', [0, 0]],
    ],
  );
  assert.deepEqual([...r.dataset.models[1]!.quality], [1, 0]);
  assert.ok(r.files[1]!.missing.includes('confidence'));
  assert.ok(!r.files[0]!.missing.includes('confidence'));
});

test('in a model whose records have a confidence, one without is an error at its line, also across files', async () => {
  const r = await loadFiles({
    'a1.jsonl': [record({ id: 'q1', model: 'a' }), record({ id: 'q2', model: 'a' })].join('\n'),
    'a2.jsonl': [noConfidence('q3', { model: 'a' }), record({ id: 'q4', model: 'a' })].join('\n'),
  });
  assert.deepEqual(r.messages, [
    'a2.jsonl:1: "confidence" is missing, but other records of model "a" have one; a model\'s confidence must be on every record or on none. Add it, or remove the record (a model with no confidence on any record is read as one without a confidence).',
  ]);
  assert.deepEqual(r.dataset.ids, ['q1', 'q2', 'q4']);
  assert.deepEqual([r.files[1]!.records, r.files[1]!.rejected], [1, 1]);
});

test('CSV: -inf, inf and -Infinity are the lowest and highest confidences; nan stays an error', async () => {
  const csv = ['id,correct,confidence,cost', 'q1,1,-inf,0.1', 'q2,0,inf,0.1', 'q3,1,-Infinity,0.1', 'q4,1,nan,0.1', 'q5,0,-0.5,0.1'].join('\n');
  const r = await loadFiles({ 'm.csv': csv });
  assert.deepEqual(r.messages, ['m.csv:5: "confidence" is NaN; it must be a finite number. Fix the value or remove the record.']);
  assert.deepEqual([...r.dataset.models[0]!.confidence], [-Infinity, Infinity, -Infinity, -0.5]);
});

test('answer texts: the response field (JSONL, long CSV) and <model>.response columns (wide CSV), kept only when asked', async () => {
  const files = {
    // An escaped quote: the fast scanner hands the bytes on, the collector decodes them.
    'a.jsonl': [record({ id: 'q1', response: 'Paris' }), record({ id: 'q2', response: 'I think "Lyon"' }), record({ id: 'q3' })].join('\n'),
    'long.csv': ['id,model,correct,confidence,cost,response', 'q1,b,1,0.5,0.1,"Paris, France"', 'q2,b,0,0.4,0.1,Lyon', 'q3,b,1,0.3,0.1,'].join('\n'),
    'wide.csv': ['id,c.correct,c.confidence,c.cost,c.response', 'q1,1,0.5,0.1,A', 'q2,0,0.2,0.1,B', 'q3,1,0.9,0.1,C'].join('\n'),
  };
  const kept = await loadFiles(files, { keepResponses: true });
  assert.deepEqual(kept.messages, []);
  const responses = Object.fromEntries(kept.dataset.models.map((m) => [m.name, m.responses]));
  assert.deepEqual(responses, { a: ['Paris', 'I think "Lyon"', undefined], b: ['Paris, France', 'Lyon', undefined], c: ['A', 'B', 'C'] });
  const dropped = await loadFiles(files);
  assert.ok(dropped.dataset.models.every((m) => m.responses === undefined));
});

test('--estimate-tokens: a record with texts but no tokens or cost is priced from characters / 4 of the prompt and the answer', async () => {
  const prices = new Map([['a', { inputPerMillion: 2, outputPerMillion: 10 }]]);
  const lines = [
    record({ id: 'q1', cost: undefined, prompt: 'x'.repeat(41), response: 'yyyy' }),
    record({ id: 'q2', cost: undefined, prompt: 'short' }),
    record({ id: 'q3', cost: 0.5, prompt: 'ignored: the cost is given' }),
  ].join('\n');
  const r = await loadFiles({ 'a.jsonl': lines }, { prices, estimateTokens: true });
  assert.deepEqual(r.messages, []);
  // ceil(41 / 4) = 11 input and 1 output tokens; ceil(5 / 4) = 2 input and 0 output.
  assert.deepEqual([...r.dataset.models[0]!.cost], [(11 * 2 + 1 * 10) / 1e6, (2 * 2) / 1e6, 0.5]);
  assert.deepEqual([...r.dataset.models[0]!.tokensIn!].slice(0, 2), [11, 2]);
  assert.ok(
    r.files[0]!.derived.some((d) => d === 'tokens estimated as characters / 4 of the prompt (input) and the answer (output) (2 records)'),
    r.files[0]!.derived.join('; '),
  );
  // Without the option such a record has no cost: an error, as before.
  const plain = await loadFiles({ 'a.jsonl': lines }, { prices });
  assert.equal(plain.files[0]!.rejected, 2);
});

test('two collectors joined give the result of one: models without a confidence, partly missing ones, answer texts', async () => {
  const dir = tempFolder({
    'a.jsonl': [record({ id: 'q1', model: 'a', response: 'one' }), record({ id: 'q2', model: 'a', confidence: -Infinity })].join('\n'),
    'b.jsonl': [noConfidence('q1', { model: 'b', response: 'b1' }), noConfidence('q2', { model: 'b' }), record({ id: 'q3', model: 'c' })].join('\n'),
    'c.jsonl': [noConfidence('q1', { model: 'c', cost: -1 }), record({ id: 'q2', model: 'c' }), noConfidence('q4', { model: 'a', response: 'four' })].join('\n'),
    'd.jsonl': [noConfidence('q3', { model: 'b', response: 'b3' }), record({ id: 'q1', model: 'd', response: 'd1' })].join('\n'),
  });
  const files = ['a', 'b', 'c', 'd'].map((f) => join(dir, `${f}.jsonl`));
  const options: LoadOptions = { keepResponses: true };
  const one = await loadEvalFiles(files, options);
  assert.equal(one.dataset.models.find((m) => m.name === 'b')!.confidenceSource, 'none');
  assert.ok(one.issues.some((i) => i.message.includes('other records of model "a" have one')));
  assert.ok(one.issues.some((i) => i.message.includes('other records of model "c" have one')));
  for (let own = 1; own < files.length; own++) {
    const two = await inTwoCollectors(files, own, options);
    assert.deepEqual(two.dataset, one.dataset, `cut after ${own} files`);
    assert.deepEqual(two.files, one.files, `cut after ${own} files`);
    assert.deepEqual(two.issues, one.issues, `cut after ${own} files`);
  }
});
