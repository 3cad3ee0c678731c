/**
 * loadEvalFiles on well-formed inputs: JSONL per model and with a `model` field, CSV long
 * and wide, gzip, prices, the join and its order, options, and the reader registry. Expected
 * values are written out from the fixture files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { blankRecord } from '../../src/core/load/sink.ts';
import { loadEvalFiles, makeProblem, modelNameOfFile, parsePriceTable, registerReader, type FormatReader } from '../../src/core/load/index.ts';
import type { Dataset, ModelColumns } from '../../src/core/types.ts';
import { repoRoot } from '../support/paths.ts';
import { loadFiles, record, tempFolder } from '../fixtures/load/tempFiles.ts';

const fixtures = join(repoRoot, 'test/fixtures/load');
const fixture = (name: string): string => join(fixtures, name);

const model = (d: Dataset, name: string): ModelColumns => {
  const m = d.models.find((x) => x.name === name);
  assert.ok(m, `model ${name}`);
  return m;
};

test('JSONL, one file per model, from a folder: names from files, models sorted, query order of the first file, other files skipped', async () => {
  const { dataset: d, issues, files } = await loadEvalFiles([fixture('per-model')]);
  assert.deepEqual(issues, []);
  assert.deepEqual(
    files.map((f) => f.file),
    [fixture('per-model/cheap.jsonl'), fixture('per-model/strong.jsonl')],
  );
  assert.deepEqual(
    d.models.map((m) => m.name),
    ['cheap', 'strong'],
  );
  assert.equal(d.n, 4);
  assert.deepEqual(d.ids, ['q1', 'q2', 'q3', 'q4']);
  const cheap = model(d, 'cheap');
  assert.deepEqual([...cheap.quality], [1, 0, 1, 0]);
  assert.deepEqual([...cheap.confidence], [-0.05, -1.25, -0.5, -2]);
  assert.deepEqual([...cheap.cost], [0.0001, 0.00012, 0.00011, 0.0001]);
  assert.deepEqual([...cheap.latencyMs!], [120.5, 130, 99.25, 140]);
  assert.deepEqual([...cheap.tokensIn!], [10, 12, 11, 10]);
  assert.deepEqual([...cheap.tokensOut!], [1, 1, 1, 1]);
  // strong.jsonl lists q3, q1, q4, q2: its values follow the ids, not its line order.
  const strong = model(d, 'strong');
  assert.deepEqual([...strong.confidence], [-0.02, -0.1, -0.01, -0.3]);
  assert.deepEqual([...strong.cost], [0.002, 0.0031, 0.003, 0.0025]);
  assert.equal(strong.tokensIn, undefined);
  assert.deepEqual(d.splitNames, ['train', 'test']);
  assert.deepEqual([...d.splitCodes!], [0, 0, 1, 1]);
  assert.deepEqual(d.prompts, ['What is 2+2?', 'Capital of France?', 'Say "hi"\n', 'Largest planet?']);
  assert.deepEqual(files[0], {
    file: fixture('per-model/cheap.jsonl'),
    format: 'jsonl',
    models: ['cheap'],
    records: 4,
    rejected: 0,
    derived: [],
    missing: [],
    costs: [{ model: 'cheap', fromRecords: 4, fromTokens: 0, fromEstimatedTokens: 0 }],
  });
  assert.deepEqual(files[1]!.missing, ['tokens_in/tokens_out', 'prompt']);
});

test('the values read equal JSON.parse of the same lines', async () => {
  const { dataset: d } = await loadEvalFiles([fixture('per-model/cheap.jsonl')]);
  const lines = readFileSync(fixture('per-model/cheap.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number | boolean>);
  const m = d.models[0]!;
  lines.forEach((rec, i) => {
    assert.equal(m.confidence[i], rec.confidence);
    assert.equal(m.cost[i], rec.cost);
    assert.equal(m.quality[i], Number(rec.correct));
  });
});

test('JSONL, one file with a model field; quality from score', async () => {
  const { dataset: d, issues, files } = await loadEvalFiles([fixture('single.jsonl')]);
  assert.deepEqual(issues, []);
  assert.deepEqual(
    d.models.map((m) => m.name),
    ['a-small', 'b-large'],
  );
  assert.deepEqual(d.ids, ['x1', 'x2']);
  assert.deepEqual([...model(d, 'a-small').quality], [0.5, 0.25]);
  assert.deepEqual([...model(d, 'b-large').quality], [0.75, 1]);
  assert.deepEqual([...model(d, 'b-large').cost], [0.01, 0.02]);
  assert.deepEqual(files[0]!.models, ['a-small', 'b-large']);
  assert.deepEqual(files[0]!.derived, ['quality from "score" (4 records)']);
});

test('CSV long with a model column, CRLF line ends and TRUE', async () => {
  const { dataset: d, issues, files } = await loadEvalFiles([fixture('long.csv')]);
  assert.deepEqual(issues, []);
  assert.equal(files[0]!.format, 'csv-long');
  assert.deepEqual(
    d.models.map((m) => m.name),
    ['large', 'small'],
  );
  assert.deepEqual(d.ids, ['r1', 'r2']);
  assert.deepEqual([...model(d, 'small').quality], [1, 0]);
  assert.deepEqual([...model(d, 'large').quality], [1, 1]);
  assert.deepEqual([...model(d, 'large').confidence], [-0.2, -0.05]);
  assert.deepEqual([...model(d, 'small').cost], [0.0001, 0.0002]);
  assert.deepEqual(d.splitNames, ['train', 'test']);
  assert.deepEqual([...d.splitCodes!], [0, 1]);
});

test('CSV long, one file per model, named by the file', async () => {
  const r = await loadFiles({ 'gpt-4o.csv': 'id,score,confidence,cost\nq1,0.5,0.9,0.01\nq2,1,0.1,0.02\n', 'mini.tsv': 'id\tcorrect\tconfidence\tcost\nq2\t0\t-1\t0.001\nq1\t1\t-2\t0.002\n' });
  assert.deepEqual(r.messages, []);
  assert.deepEqual(
    r.dataset.models.map((m) => m.name),
    ['gpt-4o', 'mini'],
  );
  assert.deepEqual([...model(r.dataset, 'mini').confidence], [-2, -1]);
  assert.deepEqual([...model(r.dataset, 'gpt-4o').quality], [0.5, 1]);
});

test('CSV wide: <model>.<field> columns (model names with dots), shared split and prompt, quoted fields over two lines', async () => {
  const { dataset: d, issues, files } = await loadEvalFiles([fixture('wide.csv')]);
  assert.deepEqual(issues, []);
  assert.equal(files[0]!.format, 'csv-wide');
  assert.deepEqual(
    d.models.map((m) => m.name),
    ['gpt-4o', 'llama3.1-8b'],
  );
  assert.deepEqual(d.ids, ['w1', 'w2', 'w3']);
  assert.deepEqual([...model(d, 'llama3.1-8b').quality], [0, 1, 1]);
  assert.deepEqual([...model(d, 'gpt-4o').confidence], [-0.01, -0.02, -0.9]);
  assert.deepEqual([...model(d, 'gpt-4o').cost], [0.0004, 0.0005, 0.0003]);
  assert.deepEqual(d.prompts, ['Say "yes", please', 'Two\nlines', 'plain']);
  assert.deepEqual(
    [...d.splitCodes!].map((c) => d.splitNames![c]),
    ['train', 'test', 'test'],
  );
});

test('CSV with the id in a column of another name (idColumn)', async () => {
  const text = 'sample_id,correct,confidence,cost\ns1,1,-0.5,0.01\ns2,0,-1,0.02\n';
  const r = await loadFiles({ 'm.csv': text }, { idColumn: 'sample_id' });
  assert.deepEqual(r.messages, []);
  assert.deepEqual(r.dataset.ids, ['s1', 's2']);
  const without = await loadFiles({ 'm.csv': text });
  assert.match(without.messages[0]!, /^m\.csv:1: the CSV header has no "id" column; add one\./);
});

test('CSV wide: an empty cell group means the model has no record for that query', async () => {
  const r = await loadFiles({ 't.csv': 'id,a.correct,a.confidence,a.cost,b.correct,b.confidence,b.cost\nq1,1,-1,0.1,0,-2,0.2\nq2,1,-1,0.1,,,\n' });
  assert.deepEqual(r.messages, [
    't.csv: model "b" has no usable record for 1 query that other models have (e.g. "q2"); it is left out of the analysis. Add the missing records, or remove those queries from the other files.',
  ]);
  assert.deepEqual(r.dataset.ids, ['q1']);
});

test('gzip is recognised by its magic bytes, with or without .gz in the name', async () => {
  const r = await loadFiles({
    'cheap.jsonl.gz': gzipSync(readFileSync(fixture('per-model/cheap.jsonl'))),
    'strong.jsonl': gzipSync(readFileSync(fixture('per-model/strong.jsonl'))),
  });
  assert.deepEqual(r.messages, []);
  const plain = await loadEvalFiles([fixture('per-model')]);
  assert.deepEqual(r.dataset, plain.dataset);
  const wide = await loadFiles({ 'wide.csv.gz': gzipSync(readFileSync(fixture('wide.csv'))) });
  assert.deepEqual(wide.messages, []);
  assert.deepEqual(wide.dataset, (await loadEvalFiles([fixture('wide.csv')])).dataset);
  assert.deepEqual(
    [...r.files, ...wide.files].map((f) => f.format),
    ['jsonl', 'jsonl', 'csv-wide'],
  );
});

test('detection by content: a JSONL file named .txt loads', async () => {
  const r = await loadFiles({ 'results.txt': `${record()}\n` });
  assert.deepEqual(r.messages, []);
  assert.deepEqual(
    r.dataset.models.map((m) => m.name),
    ['results.txt'],
  );
});

test('model names from file names strip only known extensions', () => {
  assert.equal(modelNameOfFile('/x/llama3.1-8b.jsonl'), 'llama3.1-8b');
  assert.equal(modelNameOfFile('gpt-4o.jsonl.gz'), 'gpt-4o');
  assert.equal(modelNameOfFile('dir/qwen2.5-72b.csv'), 'qwen2.5-72b');
  assert.equal(modelNameOfFile('llama3.1-8b'), 'llama3.1-8b');
});

test('prices: token counts priced per model, a given cost wins (and is checked against its tokens)', async () => {
  const prices = parsePriceTable(readFileSync(fixture('prices.json'), 'utf8'), 'prices.json');
  assert.deepEqual(prices.get('priced'), { inputPerMillion: 2.5, outputPerMillion: 10 });
  assert.deepEqual(prices.get('other'), { inputPerMillion: 0.15, outputPerMillion: 0.6 });
  const { dataset: d, issues, files } = await loadEvalFiles([fixture('tokens.jsonl')], { prices });
  // t2 logs $0.5 for tokens worth (2000 * 2.5 + 20 * 10) / 1e6 = $0.0052: used, with a warning at its line.
  assert.deepEqual(
    issues.map((i) => [i.line, i.severity, i.kind, i.message.split(' (first')[0]]),
    [[2, 'warning', 'cost', 'model "priced": 1 of its 1 record with token counts and a "cost" log a cost more than 20% away from their tokens x the price entry "priced"']],
  );
  assert.match(issues[0]!.message, /\$0\.500 logged, \$0\.00520 from the tokens/);
  // t1: 1000 input tokens at $2.50/M plus 10 output tokens at $10/M; t2 gives its cost.
  assert.deepEqual([...model(d, 'priced').cost], [(1000 * 2.5 + 10 * 10) / 1e6, 0.5]);
  assert.deepEqual([...model(d, 'priced').tokensIn!], [1000, 2000]);
  assert.deepEqual([...model(d, 'other').cost], [0.01, 0.02]);
  assert.deepEqual(files[0]!.derived, ['cost from tokens_in/tokens_out x price table (1 record)']);
  assert.deepEqual(files[0]!.costs, [
    { model: 'other', fromRecords: 2, fromTokens: 0, fromEstimatedTokens: 0 },
    { model: 'priced', fromRecords: 1, fromTokens: 1, fromEstimatedTokens: 0, priceKey: 'priced' },
  ]);
});

test('parsePriceTable: exact errors', () => {
  const fails = (text: string, message: string): void => assert.throws(() => parsePriceTable(text, 'p.json'), { message });
  fails('{"a": {"input": 1}}', 'p.json:1: the price of "a" has no "output" (dollars per million output tokens); add it, e.g. {"input": 2.5, "output": 10}.');
  fails('{"a": {"input": -1, "output": 2}}', 'p.json:1: the "input" price of "a" is -1; a price must be a non-negative number of dollars per million tokens.');
  fails('{\n  "a": {"input": 1, "output": "2"}\n}', 'p.json:2: the "output" price of "a" is "2"; a price must be a non-negative number of dollars per million tokens.');
  const shapes =
    'p.json: not a price table in a shape the loader knows. Give one of: {"model-name": {"input": 2.5, "output": 10}} (dollars per million input and output tokens; optional "reasoning" and "cacheRead"); ' +
    'LiteLLM\'s model_prices_and_context_window.json ({"model-name": {"input_cost_per_token": 2.5e-6, "output_cost_per_token": 1e-5, ...}}); ' +
    'or OpenRouter\'s model list ({"data": [{"id": "openai/gpt-4o", "pricing": {"prompt": "0.0000025", "completion": "0.00001"}}]}, or the list alone).';
  fails('[1]', shapes);
  fails('{"a": 3}', shapes);
  fails('{"models": [{"name": "gpt-4o", "price": 2.5}]}', shapes);
  fails('{"a": {"input": 1, "output": 2}, "b": 3}', 'p.json:1: the price of "b" must be an object like {"input": 2.5, "output": 10} (dollars per million input and output tokens).');
  fails(
    '{\n"a": {"input": 1 "output": 2}}',
    'p.json:2: the price table is not valid JSON (expected \',\' between entries). Fix it so that it reads like {"model-name": {"input": 2.5, "output": 10}}.',
  );
});

test('numeric ids join with the same ids written as strings', async () => {
  const r = await loadFiles({ 'a.jsonl': record({ id: 17 }), 'b.jsonl': record({ id: '17' }) });
  assert.deepEqual(r.messages, []);
  assert.deepEqual(r.dataset.ids, ['17']);
});

test('ids with escapes and non-ASCII characters join across files', async () => {
  const r = await loadFiles({
    'a.jsonl': [
      '{"id": "caf\\u00e9", "correct": 1, "confidence": -1, "cost": 0.1}',
      '{"id": "a\\"b", "correct": 1, "confidence": -1, "cost": 0.1}',
      '{"id": "x\\\\b", "correct": 1, "confidence": -1, "cost": 0.1}',
    ].join('\n'),
    'b.jsonl': [
      '{"id": "café", "correct": 0, "confidence": -2, "cost": 0.2}',
      '{"id": "a\\"b", "correct": 0, "confidence": -2, "cost": 0.2}',
      '{"id": "x\\\\b", "correct": 0, "confidence": -2, "cost": 0.2}',
    ].join('\n'),
    // Same bytes as b's third id but a different string (\b is a backspace): must not join.
    'c.jsonl': [
      '{"id": "café", "correct": 0, "confidence": -2, "cost": 0.2}',
      '{"id": "a\\"b", "correct": 0, "confidence": -2, "cost": 0.2}',
      '{"id": "x\\b", "correct": 0, "confidence": -2, "cost": 0.2}',
    ].join('\n'),
  });
  assert.deepEqual(r.dataset.ids, ['café', 'a"b']);
  const tail = 'it is left out of the analysis. Add the missing records, or remove those queries from the other files.';
  assert.deepEqual(r.messages, [
    `a.jsonl: model "a" has no usable record for 1 query that other models have (e.g. "x\\b"); ${tail}`,
    `b.jsonl: model "b" has no usable record for 1 query that other models have (e.g. "x\\b"); ${tail}`,
    `c.jsonl: model "c" has no usable record for 1 query that other models have (e.g. "x\\\\b"); ${tail}`,
  ]);
});

test('options: keepPrompts false, a custom split field, embeddings', async () => {
  const lines = [record({ prompt: 'p1', fold: 'cal', embedding: [0.5, -1] }), record({ id: 'q2', prompt: 'p2', fold: 'hold' })].join('\n');
  const noPrompts = await loadFiles({ 'a.jsonl': lines }, { keepPrompts: false, splitField: 'fold' });
  assert.deepEqual(noPrompts.messages, []);
  assert.equal(noPrompts.dataset.prompts, undefined);
  assert.deepEqual(noPrompts.dataset.splitNames, ['cal', 'hold']);
  assert.deepEqual(noPrompts.dataset.embeddings, [Float64Array.from([0.5, -1]), undefined]);
  const kept = await loadFiles({ 'a.jsonl': lines });
  assert.deepEqual(kept.dataset.prompts, ['p1', 'p2']);
  assert.equal(kept.dataset.splitNames, undefined);
});

test('onProgress reaches the total size of the inputs', async () => {
  const calls: [number, number][] = [];
  await loadEvalFiles([fixture('per-model')], { onProgress: (read, total) => calls.push([read, total]) });
  const total = statSync(fixture('per-model/cheap.jsonl')).size + statSync(fixture('per-model/strong.jsonl')).size;
  assert.ok(calls.length > 0);
  assert.deepEqual(calls.at(-1), [total, total]);
});

test('an abort while reading rejects with an AbortError', async () => {
  const dir = tempFolder({ 'a.jsonl': `${record()}\n`, 'b.jsonl': `${record()}\n` });
  const controller = new AbortController();
  await assert.rejects(loadEvalFiles([dir], { signal: controller.signal, onProgress: () => controller.abort() }), { name: 'AbortError' });
});

test('registerReader: a reader recognised by content is asked before the built-in ones', async () => {
  // A made-up format: a `#pipe` first line, then `id|correct|confidence|cost`.
  const pipe: FormatReader = {
    name: 'pipe',
    extensions: ['.pipe'],
    detect: (_file, head) => head.toString('utf8', 0, 5) === '#pipe',
    async read(input, sink) {
      let text = '';
      for await (const chunk of input.chunks()) text += chunk.toString('utf8');
      text
        .split('\n')
        .slice(1)
        .forEach((line, i) => {
          if (line === '') return;
          const cells = line.split('|');
          if (cells.length !== 4) return sink.reject(i + 2, makeProblem('pipe-cells', 'error', 'a row needs four cells separated by |.'));
          const r = blankRecord();
          [r.id, r.correct, r.confidence, r.cost] = cells;
          sink.record(r, i + 2);
        });
    },
  };
  registerReader(pipe);
  const r = await loadFiles({ 'm.pipe': '#pipe\nq1|1|-0.5|0.01\nq2|0|x\n', 'other.jsonl': '#pipe\nq1|0|-1|0.1\n' }, {}, { folder: true });
  assert.deepEqual(
    r.files.map((f) => f.format),
    ['pipe', 'pipe'],
  );
  assert.deepEqual(r.messages, ['m.pipe:3: a row needs four cells separated by |.']);
  assert.deepEqual(
    r.dataset.models.map((m) => m.name),
    ['m', 'other'],
  );
  assert.deepEqual([...model(r.dataset, 'm').confidence], [-0.5]);
});
