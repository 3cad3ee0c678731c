/**
 * Cost accounting: reasoning and cached input tokens read in every format and priced at the
 * table's own rates (or as output and input tokens), each billed once; the per-file cost
 * sources; and the warnings on costs that are not what the calls cost, which stay quiet on the
 * reference data. Expected dollars are written out here from the rates, not taken from the code.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readHarnessFile } from '../../src/core/adapters/index.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import { parsePriceTable } from '../../src/core/load/prices.ts';
import { configCheckFindings } from '../../src/core/config/check.ts';
import { parseCascadeConfig } from '../../src/core/config/config.ts';
import type { Dataset, InputIssue, LoadResult } from '../../src/core/types.ts';
import { repoRoot, sharedData } from '../support/paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'cost-accounting-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const jsonl = (records: readonly object[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const costOf = (d: Dataset, name: string): number[] => [...d.models.find((m) => m.name === name)!.cost];
const costIssues = (issues: readonly InputIssue[]): InputIssue[] => issues.filter((i) => i.kind === 'cost');
const nonBlankLines = (path: string): number =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;

// `rich` has its own reasoning and cache-read rates; `plain` has neither.
const prices = parsePriceTable(
  JSON.stringify({
    rich: { input: 2, output: 8, reasoning: 4, cacheRead: 0.5 },
    plain: { input: 1, output: 3 },
  }),
  'prices.json',
);
// Dollars written out from the rates above: 1,000 tokens in of which 400 cached, 300 out of which 200 reasoning.
// rich:  600 x $2 + 400 x $0.5 + 100 x $8 + 200 x $4 = $3,000 per million tokens.
// plain: 1,000 x $1 + 300 x $3 = $1,900 per million tokens (no part billed twice, none left out).
const RICH_Q1 = 3000 / 1e6;
const PLAIN_Q1 = 1900 / 1e6;
// q2: 500 in (none cached), 50 out (none reasoning): rich 500 x 2 + 50 x 8 = 1,400; plain 500 + 150 = 650.
const RICH_Q2 = 1400 / 1e6;
const PLAIN_Q2 = 650 / 1e6;

describe('reasoning and cached input tokens', () => {
  it('JSONL: priced at the rates the entry has, else as output and input tokens, and the file summary says which', async () => {
    const path = write(
      'parts.jsonl',
      jsonl([
        { model: 'rich', id: 'q1', correct: 1, confidence: 0.9, tokens_in: 1000, tokens_out: 300, tokens_reasoning: 200, tokens_cached: 400 },
        { model: 'rich', id: 'q2', correct: 0, confidence: 0.2, tokens_in: 500, tokens_out: 50 },
        // The other names of the fields.
        { model: 'plain', id: 'q1', correct: 1, confidence: 0.8, tokens_in: 1000, tokens_out: 300, reasoning_tokens: 200, cache_read_tokens: 400 },
        { model: 'plain', id: 'q2', correct: 1, confidence: 0.7, tokens_in: 500, tokens_out: 50, reasoning_tokens: 0 },
      ]),
    );
    const { dataset, issues, files } = await loadEvalFiles([path], { prices });
    assert.deepEqual(issues, []);
    assert.deepEqual(costOf(dataset, 'rich'), [RICH_Q1, RICH_Q2]);
    assert.deepEqual(costOf(dataset, 'plain'), [PLAIN_Q1, PLAIN_Q2]);
    assert.deepEqual(files[0]!.derived, [
      'cost from tokens_in/tokens_out x price table (4 records)',
      "reasoning tokens (within tokens_out) priced at the entry's reasoning rate (1 record)",
      'reasoning tokens (within tokens_out) priced as output tokens: the entry has no reasoning rate (1 record)',
      "cached input tokens (within tokens_in) priced at the entry's cache-read rate (1 record)",
      'cached input tokens (within tokens_in) priced as input tokens: the entry has no cache-read rate (1 record)',
    ]);
    assert.deepEqual(files[0]!.costs, [
      { model: 'plain', fromRecords: 0, fromTokens: 2, fromEstimatedTokens: 0, priceKey: 'plain' },
      { model: 'rich', fromRecords: 0, fromTokens: 2, fromEstimatedTokens: 0, priceKey: 'rich' },
    ]);
  });

  it("the field scanner and the general parser read the same line the same way (the field's own key wins over its other name)", async () => {
    const base = { model: 'rich', id: 'q1', correct: 1, confidence: 0.9, tokens_in: 1000, tokens_out: 300 };
    // The second line has an escape in a key the loader does not read, which sends it to the general parser.
    const path = write(
      'both-names.jsonl',
      `${JSON.stringify({ ...base, reasoning_tokens: 10, tokens_reasoning: 200, cache_read_tokens: 5, tokens_cached: 400 })}\n` +
        `${JSON.stringify({ ...base, id: 'q2', 'odd\\u0041': 1, tokens_reasoning: 200, reasoning_tokens: 10, tokens_cached: 400, cache_read_tokens: 5 }).replace('oddA', 'odd\\u0041')}\n`,
    );
    const { dataset, issues } = await loadEvalFiles([path], { prices });
    assert.deepEqual(issues, []);
    assert.deepEqual(costOf(dataset, 'rich'), [RICH_Q1, RICH_Q1]);
  });

  it('CSV long and wide (<model>.<field>) and Parquet read the same fields', async () => {
    const long = write(
      'parts-long.csv',
      'model,id,correct,confidence,tokens_in,tokens_out,tokens_reasoning,cache_read_tokens\n' +
        'rich,q1,1,0.9,1000,300,200,400\n' +
        'rich,q2,0,0.2,500,50,,\n' +
        'plain,q1,1,0.8,1000,300,200,400\n' +
        'plain,q2,1,0.7,500,50,0,0\n',
    );
    const wide = write(
      'parts-wide.csv',
      'id,rich.correct,rich.confidence,rich.tokens_in,rich.tokens_out,rich.reasoning_tokens,rich.tokens_cached,plain.correct,plain.confidence,plain.tokens_in,plain.tokens_out,plain.tokens_reasoning,plain.tokens_cached\n' +
        'q1,1,0.9,1000,300,200,400,1,0.8,1000,300,200,400\n' +
        'q2,0,0.2,500,50,,,1,0.7,500,50,,\n',
    );
    const parquet = join(dir, 'parts.parquet');
    writeFileSync(
      parquet,
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: 'model', data: ['rich', 'rich', 'plain', 'plain'], type: 'STRING' },
            { name: 'id', data: ['q1', 'q2', 'q1', 'q2'], type: 'STRING' },
            { name: 'correct', data: [true, false, true, true], type: 'BOOLEAN' },
            { name: 'confidence', data: [0.9, 0.2, 0.8, 0.7], type: 'DOUBLE' },
            { name: 'tokens_in', data: [1000n, 500n, 1000n, 500n], type: 'INT64' },
            { name: 'tokens_out', data: [300n, 50n, 300n, 50n], type: 'INT64' },
            { name: 'reasoning_tokens', data: [200n, null, 200n, 0n], type: 'INT64' },
            { name: 'tokens_cached', data: [400n, null, 400n, 0n], type: 'INT64' },
          ],
        }),
      ),
    );
    for (const path of [long, wide, parquet]) {
      const { dataset, issues, files } = await loadEvalFiles([path], { prices });
      assert.deepEqual(issues, [], path);
      assert.deepEqual(costOf(dataset, 'rich'), [RICH_Q1, RICH_Q2], path);
      assert.deepEqual(costOf(dataset, 'plain'), [PLAIN_Q1, PLAIN_Q2], path);
      assert.equal(files[0]!.records + files[0]!.rejected, 4, path);
    }
  });

  it('a part larger than its total, or not a count, is a warning with the line and the fix; the record is kept and priced without it', async () => {
    const path = write(
      'bad-parts.jsonl',
      jsonl([
        { model: 'rich', id: 'q1', correct: 1, confidence: 0.9, tokens_in: 1000, tokens_out: 100, tokens_reasoning: 200 },
        { model: 'rich', id: 'q2', correct: 1, confidence: 0.9, tokens_in: 500, tokens_out: 50, tokens_cached: 'many' },
        { model: 'rich', id: 'q3', correct: 1, confidence: 0.9, tokens_in: 500, tokens_out: 50, tokens_cached: 600 },
      ]) + '\n   \n',
    );
    const { dataset, issues, files } = await loadEvalFiles([path], { prices });
    assert.deepEqual(
      issues.map((i) => [i.line, i.severity, i.message]),
      [
        [
          1,
          'warning',
          '"tokens_reasoning" is 200, more than "tokens_out" (100); reasoning tokens are counted within tokens_out, as OpenAI counts them within completion_tokens, so the record is used without "tokens_reasoning". Add them to "tokens_out" if your harness counts them apart, or fix the count.',
        ],
        [2, 'warning', '"tokens_cached" is "many"; a token count must be a non-negative number; the record is used without it. Fix the value or remove the field.'],
        [
          3,
          'warning',
          '"tokens_cached" is 600, more than "tokens_in" (500); cached input tokens are counted within tokens_in, as OpenAI counts them within prompt_tokens, so the record is used without "tokens_cached". Add them to "tokens_in" if your harness counts them apart, or fix the count.',
        ],
      ],
    );
    // 1,000 x $2 + 100 x $8; 500 x $2 + 50 x $8 twice.
    assert.deepEqual(costOf(dataset, 'rich'), [2800 / 1e6, 1400 / 1e6, 1400 / 1e6]);
    assert.equal(files[0]!.records + files[0]!.rejected, nonBlankLines(path));
  });

  it('Inspect: reasoning and cache reads from the usage; counts total_tokens gives apart are added to input and output tokens', () => {
    const spec = { task: 'arith', model: 'openai/rich', dataset: {}, config: {}, created: '2024-06-01T00:00:00+00:00' };
    const sample = (id: number, usage: object) => ({ id, epoch: 1, input: 'What is 2 + 3?', target: '5', scores: { match: { value: 'C' } }, output: { usage } });
    const log = zipSync({
      'start.json': strToU8(JSON.stringify({ version: 1, eval: spec, plan: {} })),
      // As OpenAI counts: the cache reads and reasoning tokens are within input and output tokens.
      'samples/1_epoch_1.json': strToU8(JSON.stringify(sample(1, { input_tokens: 1000, output_tokens: 300, input_tokens_cache_read: 400, reasoning_tokens: 200, total_tokens: 1300 }))),
      // As Anthropic counts: the cache reads and writes are apart from input_tokens, and total_tokens adds them.
      'samples/2_epoch_1.json': strToU8(
        JSON.stringify(sample(2, { input_tokens: 500, output_tokens: 300, input_tokens_cache_read: 400, input_tokens_cache_write: 100, reasoning_tokens: 200, total_tokens: 1300 })),
      ),
      'results.json': strToU8(JSON.stringify({ status: 'success', stats: {}, results: { scores: [] } })),
    });
    const r = readHarnessFile('arith.eval', log);
    assert.deepEqual(
      r.records.map((p) => [p.record.tokensIn, p.record.tokensOut, p.record.tokensReasoning, p.record.tokensCached]),
      [
        [1000, 300, 200, 400],
        [1000, 300, 200, 400],
      ],
    );
    assert.ok(r.derived.includes('input_tokens_cache_read/_write added to input_tokens where total_tokens counts them apart (1 sample(s))'), r.derived.join('\n'));
  });

  it('promptfoo: completionDetails.reasoning is read; `cached` (its own response cache) is not read as cached input tokens', () => {
    const result = (id: string, tokenUsage: object) => ({
      provider: { id: 'openai:rich' },
      testCase: { metadata: { id } },
      vars: {},
      success: true,
      score: 1,
      response: { output: '5', tokenUsage },
    });
    const text = JSON.stringify({
      evalId: 'eval-1',
      results: {
        version: 3,
        timestamp: '2024-06-01T00:00:00Z',
        results: [result('a', { prompt: 1000, completion: 300, completionDetails: { reasoning: 200 }, cached: 0, total: 1300 }), result('b', { cached: 1300, total: 1300 })],
      },
    });
    const r = readHarnessFile('promptfoo-results.json', Buffer.from(text));
    assert.deepEqual(
      r.issues.filter((i) => i.severity === 'error'),
      [],
    );
    assert.deepEqual(
      r.records.map((p) => [p.record.id, p.record.tokensIn, p.record.tokensOut, p.record.tokensReasoning, p.record.tokensCached]),
      [
        ['a', 1000, 300, 200, undefined],
        ['b', undefined, undefined, undefined, undefined],
      ],
    );
  });
});

describe('cost accounting warnings', () => {
  const tableWithOthers = parsePriceTable(
    JSON.stringify({
      rich: { input: 2, output: 8, reasoning: 4, cacheRead: 0.5 },
      zero: { input: 1, output: 1 },
      flat: { input: 1, output: 1 },
      tokenonly: { input: 1, output: 1 },
    }),
    'prices.json',
  );
  const ids = Array.from({ length: 12 }, (_, i) => `q${i + 1}`);
  const records: object[] = [];
  for (const [i, id] of ids.entries()) {
    // rich: logged costs that are right when reasoning and cached tokens are parts billed once at their rates,
    // except q5 and q9, which log twice that.
    const tin = 1000 + 10 * i;
    const right = ((tin - 400) * 2 + 400 * 0.5 + 100 * 8 + 200 * 4) / 1e6;
    records.push({ model: 'rich', id, correct: 1, confidence: 0.5, tokens_in: tin, tokens_out: 300, tokens_reasoning: 200, tokens_cached: 400, cost: id === 'q5' || id === 'q9' ? 2 * right : right });
    // zero: tokens and a cost of 0 on q3 and q4.
    records.push({ model: 'zero', id, correct: 1, confidence: 0.5, tokens_in: 100 + i, tokens_out: 5, cost: id === 'q3' || id === 'q4' ? 0 : (105 + i) / 1e6 });
    // flat: the same tokens_in on every record.
    records.push({ model: 'flat', id, correct: 0, confidence: 0.5, tokens_in: 256, tokens_out: 5 + i, cost: (261 + i) / 1e6 });
    // missing: tokens and costs, not in the table.
    records.push({ model: 'missing', id, correct: 0, confidence: 0.5, tokens_in: 100 + i, tokens_out: 5, cost: 0.001 });
    // tokenonly: right costs from its tokens.
    records.push({ model: 'tokenonly', id, correct: 1, confidence: 0.5, tokens_in: 100 + i, tokens_out: 5 });
  }
  // unpricedtokens: a token-only record without a price (its error), then records with costs: no second message about its price.
  records.push({ model: 'unpricedtokens', id: 'q1', correct: 1, confidence: 0.5, tokens_in: 100, tokens_out: 5 });
  for (const [i, id] of ids.slice(1).entries()) records.push({ model: 'unpricedtokens', id, correct: 1, confidence: 0.5, tokens_in: 100 + i, tokens_out: 5, cost: 0.001 });

  it('one warning per model and check, at its first record concerned, with the fix; accepted + rejected = non-blank lines', async () => {
    const path = write('checks.jsonl', jsonl(records));
    const { issues, files } = await loadEvalFiles([path], { prices: tableWithOthers });
    const lineOf = (model: string, id: string): number => records.findIndex((r) => (r as { model: string; id: string }).model === model && (r as { id: string }).id === id) + 1;
    const cost = costIssues(issues);
    const expected: [number, string][] = [
      [lineOf('rich', 'q5'), 'model "rich"'],
      [lineOf('zero', 'q3'), 'model "zero"'],
      [lineOf('flat', 'q1'), 'model "flat"'],
      [lineOf('missing', 'q1'), 'model "missing"'],
    ];
    assert.deepEqual(
      cost.map((i) => [i.line, i.message.slice(0, i.message.indexOf(':'))]),
      expected.sort((a, b) => a[0] - b[0]),
    );
    const text = (model: string): string => cost.find((i) => i.message.startsWith(`model "${model}"`))!.message;
    // rich q5: logged 2x the right cost; 2 of its 12 records disagree, and the sum is (12 + 2) / 12 of the priced one.
    const q5 = ((1040 - 400) * 2 + 400 * 0.5 + 800 + 800) / 1e6;
    assert.match(
      text('rich'),
      new RegExp(
        `^model "rich": 2 of its 12 records with token counts and a "cost" log a cost more than 20% away from their tokens x the price entry "rich" \\(first here: \\$${(2 * q5).toFixed(5).replace('.', '\\.')} logged, \\$${q5.toFixed(5).replace('.', '\\.')} from the tokens;`,
      ),
    );
    assert.match(
      text('zero'),
      /^model "zero": 2 of its 12 records with token counts log a "cost" of 0, which is used as it is .* remove "cost" from those records to price their tokens with the price table\.$/,
    );
    assert.match(
      text('flat'),
      /^model "flat": "tokens_in" is 256 on all 12 records that give it, which looks like a logging default, not each call's usage\. Log the usage of each call, or remove the token counts\.$/,
    );
    assert.match(text('missing'), /^model "missing": its 12 records with token counts and a "cost" cannot be checked against the price table, which has no entry for it; .* to check them\.$/);
    assert.ok(cost.every((i) => i.severity === 'warning'));
    // The model with token-only records and no price: its error says so, and no warning repeats it.
    const about = issues.filter((i) => i.message.includes('model "unpricedtokens" ') && i.message.includes('price table'));
    assert.deepEqual(
      about.map((i) => [i.severity, i.message.split(';')[0]]),
      [['error', 'model "unpricedtokens" gives token counts but no "cost", and the price table has no entry for it']],
    );
    assert.equal(files[0]!.records + files[0]!.rejected, nonBlankLines(path));
  });

  it("check: the cost warnings are a finding of their own at the config's evals, an error unless warnings are allowed", () => {
    const config = parseCascadeConfig('evals: [evals/*.jsonl]\nbudget: 0.001\n', 'yaml');
    const issue: InputIssue = { file: '/w/evals/a.jsonl', line: 3, severity: 'warning', message: 'model "a": ...', kind: 'cost' };
    const other: InputIssue = { file: '/w/evals/a.jsonl', line: 4, severity: 'error', message: '"id" is missing; ...' };
    const findings = configCheckFindings(config, { issues: [issue, other] }, { configDir: '/w' });
    assert.deepEqual(
      findings.map((f) => [f.code, f.severity]),
      [
        ['eval-problems', 'error'],
        ['cost-accounting', 'error'],
      ],
    );
    assert.equal(
      findings[1]!.message,
      'the eval files have 1 cost accounting warning, so the costs behind the figures may not be what the calls cost: evals/a.jsonl:3: model "a": .... Fix them, or accept them with --allow-warnings.',
    );
    assert.deepEqual(
      configCheckFindings(config, { issues: [issue] }, { allowWarnings: true }).map((f) => [f.code, f.severity]),
      [['cost-accounting', 'warning']],
    );
  });
});

describe('quiet on the reference data', () => {
  const sets: [string, string][] = [
    ['examples/mmlu', join(repoRoot, 'examples/mmlu')],
    ['examples/workspace', join(repoRoot, 'examples/workspace/evals')],
    ...(['mmlu', 'medmcqa'] as const).filter((s) => existsSync(join(sharedData, s))).map((s): [string, string] => [`shared ${s}`, join(sharedData, s)]),
  ];
  for (const [label, path] of sets) {
    it(`${label}: no cost warning, and every model's costs are its records' own`, async () => {
      const r: LoadResult = await loadEvalFiles([path]);
      assert.deepEqual(costIssues(r.issues), []);
      for (const f of r.files)
        assert.deepEqual(
          f.costs?.map((c) => [c.fromTokens, c.fromEstimatedTokens]),
          f.models.map(() => [0, 0]),
          f.file,
        );
    });
  }
  it('examples/mmlu with a price table for two of its models: their logged costs agree with their tokens (no warning)', async () => {
    // OpenAI's list prices per million tokens; the other models are not in this table (a warning each that they are unchecked).
    const table = parsePriceTable(JSON.stringify({ 'gpt-4o': { input: 2.5, output: 10 }, 'gpt-4o-mini': { input: 0.15, output: 0.6 } }), 'p.json');
    const r = await loadEvalFiles([join(repoRoot, 'examples/mmlu')], { prices: table });
    const cost = costIssues(r.issues);
    assert.deepEqual(
      cost.filter((i) => /model "gpt-4o(-mini)?"/.test(i.message)),
      [],
    );
    assert.ok(cost.every((i) => i.message.includes('cannot be checked against the price table')));
  });
});
