/**
 * The three ways of reading eval files (one collector, two collectors cut after each file as the
 * worker thread's path does, one collector per file joined as the editor's incremental load
 * does) give deep-equal results on random small sets of files full of the cases where records
 * of one file meet another's: duplicates within and across files, records without a confidence
 * (which give way to a later duplicate that has one), bad optional values, prompts (some that
 * cannot be decoded), split labels that disagree, token-only records, answer texts, bad lines;
 * also long and wide CSV tables (a row of a wide table holds several records). And every file's
 * accepted + rejected records are its non-blank lines. Seeded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { sameEveryWay } from '../support/twoCollectors.ts';
import { tempFolder } from '../fixtures/load/tempFiles.ts';

const SEED = 20261130;
const RUNS = 300;
/** A slow machine stops early rather than late (the cases run are counted). */
const TIME_LIMIT_MS = 60_000;

/** Leaves a field out. */
const NONE = Symbol('none');
/** A field: left out (weight `absent`), a good value (weight 6) or a bad one (weight 1). */
const field = (good: readonly unknown[], bad: readonly unknown[], absent = 2): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: absent, arbitrary: fc.constant(NONE) }, { weight: 6, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });

/** A record line: few ids and models so that they collide, each field absent, good or bad. */
const recordLine = fc
  .record({
    id: field(['q1', 'q2', 'q3', 3], [''], 0),
    model: field(['a', 'b', 'c'], [7]),
    correct: field([1, 0, true], ['yes'], 0),
    confidence: field([0.1, 0.9, -1], ['x', null]),
    cost: field([0.01, 0.002], [-1], 1),
    // Token counts, one of them too large for a Float32 to hold exactly.
    tokens: fc.constantFrom(NONE, '"tokens_in":10,"tokens_out":4', '"tokens_in":16777217,"tokens_out":4'),
    latency_ms: field([12], [-3, 'slow']),
    prompt: field(['p1', 'p2'], [7, '\\x']),
    split: field(['train', 'test'], [['train']]),
    embedding: field([[0.5, 1]], ['e'], 6),
    tokens_reasoning: field([2], [-1, 999], 6),
    response: field(['an answer'], [3], 4),
  })
  .map((r) => {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(r)) {
      if (v === NONE || k === 'tokens') continue;
      // A prompt that cannot be decoded: an invalid escape inside the JSON string.
      parts.push(k === 'prompt' && v === '\\x' ? `"prompt":"bad \\x escape"` : `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
    if (r.tokens !== NONE) parts.push(r.tokens);
    return `{${parts.join(',')}}`;
  });

const line = fc.oneof({ weight: 12, arbitrary: recordLine }, { weight: 1, arbitrary: fc.constantFrom('', '{"id": ', '[1, 2]', 'not json', '   ') });

/** 1 to 4 files (named after models, which records without a "model" belong to) of 0 to 6 lines. */
const fileSets = fc.array(fc.array(line, { maxLength: 6 }), { minLength: 1, maxLength: 4 });

const FILE_NAMES = ['a.jsonl', 'b.jsonl', 'c.jsonl', 'd.jsonl'];
const prices = new Map([['a', { inputPerMillion: 1, outputPerMillion: 2 }]]);

test('one collector, two collectors cut after each file and one collector per file give the same result on random colliding files', async (t) => {
  let cases = 0;
  let duplicates = 0;
  await fc.assert(
    fc.asyncProperty(fileSets, fc.record({ withPrices: fc.boolean(), keepPrompts: fc.boolean(), keepResponses: fc.boolean() }), async (files, { withPrices, keepPrompts, keepResponses }) => {
      cases++;
      const dir = tempFolder(Object.fromEntries(files.map((lines, i) => [FILE_NAMES[i]!, lines.join('\n')])));
      const paths = files.map((_, i) => join(dir, FILE_NAMES[i]!));
      const r = await sameEveryWay(paths, { keepPrompts, keepResponses, ...(withPrices ? { prices } : {}) });
      r.files.forEach((f, i) => {
        // A file refused as a whole (one starting with "[" is read as a JSON array) says so at line 0.
        if (r.issues.some((x) => x.file === f.file && x.line === 0 && x.severity === 'error')) return;
        assert.equal(f.records + f.rejected, files[i]!.filter((l) => l.trim() !== '').length, `${f.file}: accepted + rejected`);
      });
      if (r.issues.some((i) => i.message.startsWith('duplicate id'))) duplicates++;
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)] },
  );
  t.diagnostic(`${cases} cases, ${duplicates} with duplicates`);
  assert.ok(duplicates > cases / 10, `only ${duplicates} of ${cases} cases had a duplicate`);
});

test('more split disagreements in one file than are listed one by one: the same are listed on every path, those of its first lines', async () => {
  // c.jsonl lists the queries in the reverse order of b.jsonl, read before it by the same collector on the two-collector path.
  const ids = Array.from({ length: 150 }, (_, i) => `q${i + 1}`);
  const line = (id: string, model: string, split: string): string => JSON.stringify({ id, model, correct: 1, confidence: 0.5, cost: 0.01, split });
  const dir = tempFolder({
    'a.jsonl': ids.map((id) => line(id, 'a', 'train')).join('\n'),
    'b.jsonl': ids.map((id) => line(id, 'b', 'train')).join('\n'),
    'c.jsonl': ids
      .slice()
      .reverse()
      .map((id) => line(id, 'c', 'test'))
      .join('\n'),
  });
  const r = await sameEveryWay(FILE_NAMES.slice(0, 3).map((f) => join(dir, f)));
  const listed = r.issues.filter((i) => i.file.endsWith('c.jsonl'));
  // 100 listed (lines 1 to 100, queries q150 down to q51), then one line counting the other 50.
  assert.deepEqual(
    listed.map((i) => i.line),
    [...Array.from({ length: 100 }, (_, i) => i + 1), 101],
  );
  assert.match(listed[0]!.message, /^split "test" for query "q150" disagrees with "train" given for model "a" \(.*a\.jsonl:150\)/);
  assert.match(listed[100]!.message, /occurs on 50 more lines of this file, the last at line 150/);
});

test("a record that gives way to a later one made its model's optional columns: they are there on every path, as reading record by record makes them", async () => {
  const dir = tempFolder({
    'a.jsonl': JSON.stringify({ id: 'q1', model: 'a', correct: 1, confidence: 0.1, cost: 0.01 }),
    // Line 1 (no confidence, the model's only latency, tokens and answer) gives way to line 2.
    'b.jsonl': [
      JSON.stringify({ id: 'q1', model: 'b', correct: 1, cost: 0.01, latency_ms: 12, tokens_in: 16777217, tokens_out: 4, response: 'an answer' }),
      JSON.stringify({ id: 'q1', model: 'b', correct: 1, confidence: 0.1, cost: 0.01 }),
    ].join('\n'),
    // Model "b" is known before b.jsonl on every path: its record here has no id.
    'c.jsonl': JSON.stringify({ id: '', model: 'b', correct: 1, confidence: 0.1, cost: 0.01 }),
  });
  for (const order of [
    ['a.jsonl', 'b.jsonl'],
    ['c.jsonl', 'a.jsonl', 'b.jsonl'],
  ]) {
    const r = await sameEveryWay(
      order.map((f) => join(dir, f)),
      { keepResponses: true },
    );
    const b = r.dataset.models.find((m) => m.name === 'b')!;
    assert.deepEqual([b.latencyMs, b.tokensIn, b.tokensOut], [new Float64Array([NaN]), new Float64Array([NaN]), new Float32Array([NaN])], order.join(', '));
    assert.deepEqual(b.responses, [undefined], order.join(', '));
  }
});

test('split labels beyond the 255 a collector holds: the records that go without theirs are the same on every path', async () => {
  const line = (id: string, model: string, split: string): string => JSON.stringify({ id, model, correct: 1, confidence: 0.5, cost: 0.01, split });
  const dir = tempFolder({
    'a.jsonl': Array.from({ length: 255 }, (_, i) => line(`q${i}`, 'a', `L${i}`)).join('\n'),
    // Every label of b.jsonl is one too many: its records have none.
    'b.jsonl': Array.from({ length: 3 }, (_, i) => line(`q${i}`, 'b', `M${i}`)).join('\n'),
  });
  const r = await sameEveryWay(FILE_NAMES.slice(0, 2).map((f) => join(dir, f)));
  assert.ok(r.files[1]!.missing.includes('split'), r.files[1]!.missing.join(', '));
  assert.deepEqual(
    r.issues.filter((i) => i.file.endsWith('b.jsonl') && i.line > 0).map((i) => [i.line, i.message.slice(0, 30)]),
    [
      [1, 'split "M0" is one label too ma'],
      [2, 'split "M1" is one label too ma'],
      [3, 'split "M2" is one label too ma'],
    ],
  );
});

/** A few values to draw from. */
const oneOf = (...values: string[]): fc.Arbitrary<string> => fc.constantFrom(...values);
/** Tables: long CSV (a model column), wide CSV (a row holds the records of models "a" and "b"), and JSON Lines beside them. */
const table = fc.oneof(
  fc
    .array(
      fc.tuple(
        oneOf('a', 'b', 'c', ''),
        oneOf('q1', 'q2', 'q3'),
        oneOf('1', '0', 'x'),
        oneOf('0.1', '0.9', '', 'y'),
        oneOf('0.01', '-1', ''),
        oneOf('train', 'test', ''),
        oneOf('12', '-3', ''),
        oneOf('p1', '', 'p2'),
      ),
      { maxLength: 7 },
    )
    .map((rows) => ({ ext: 'csv', text: ['model,id,correct,confidence,cost,split,latency_ms,prompt', ...rows.map((r) => r.join(','))].join('\n') })),
  fc
    .array(fc.tuple(oneOf('q1', 'q2', 'q3'), oneOf('train', 'test', ''), oneOf('1', '0'), oneOf('0.1', ''), oneOf('0.01'), oneOf('1', '0'), oneOf('0.2', '', 'z'), oneOf('0.02', '-1')), {
      maxLength: 5,
    })
    .map((rows) => ({ ext: 'csv', text: ['id,split,a.correct,a.confidence,a.cost,b.correct,b.confidence,b.cost', ...rows.map((r) => r.join(','))].join('\n') })),
  fc.array(recordLine, { maxLength: 5 }).map((lines) => ({ ext: 'jsonl', text: lines.join('\n') })),
);

test('the same on random sets of long and wide CSV tables and JSON Lines files', async (t) => {
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(table, { minLength: 1, maxLength: 4 }), async (files) => {
      cases++;
      const names = files.map((f, i) => `t${i}.${f.ext}`);
      const dir = tempFolder(Object.fromEntries(files.map((f, i) => [names[i]!, f.text])));
      await sameEveryWay(names.map((name) => join(dir, name)));
    }),
    { seed: SEED, numRuns: 200, includeErrorInReport: true, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)] },
  );
  t.diagnostic(`${cases} cases`);
});

test('a row of a wide table: a split disagreement comes before the problems of the row’s later records on every path', async () => {
  const dir = tempFolder({
    'b.jsonl': JSON.stringify({ id: 'q1', model: 'b', correct: 1, confidence: 0.1, cost: 0.01, split: 'test' }),
    'wide.csv': ['id,split,a.correct,a.confidence,a.cost,b.correct,b.confidence,b.cost', 'q1,train,1,0.1,0.01,1,z,0.02'].join('\n'),
  });
  const r = await sameEveryWay(['b.jsonl', 'wide.csv'].map((f) => join(dir, f)));
  assert.deepEqual(
    r.issues.filter((i) => i.line === 2 && i.file.endsWith('wide.csv')).map((i) => i.message.slice(0, 30)),
    ['split "train" for query "q1" d', 'model "b": "confidence" is "z"'],
  );
});
