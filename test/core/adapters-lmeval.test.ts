import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readHarnessFile, siblingFilesOnDisk } from '../../src/core/adapters/index.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import type { AdapterOptions, SiblingFiles } from '../../src/core/adapters/index.ts';
import { repoRoot } from '../support/paths.ts';

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'adapters');
const MC_DIR = join(FIXTURES, 'lm-eval', 'meta-llama__Llama-3.1-8B-Instruct');
const MC = join(MC_DIR, 'samples_arith_2024-11-05T10-20-30.123456.jsonl');
const GEN = join(FIXTURES, 'lm-eval-generate', 'Qwen__Qwen2.5-7B-Instruct', 'samples_arith_gen_2024-11-05T10-20-30.123456.jsonl');

const read = (file: string, options: AdapterOptions = {}, siblings: SiblingFiles = siblingFilesOnDisk(file)) => readHarnessFile(file, readFileSync(file), options, siblings);

/** Probability of the largest entry under a softmax, written out term by term. */
function softmaxTop(xs: number[]): number {
  const top = Math.max(...xs);
  let denominator = 0;
  for (const x of xs) denominator += Math.exp(x);
  return Math.exp(top) / denominator;
}

// The fixture's per-choice log-likelihoods and choice texts (see the samples file).
const LLS = [
  [-4.1, -0.6, -2.3, -5.0],
  [-1.2, -1.5, -3.0, -4.4],
  [-3.3, -2.9, -0.2, -4.0],
  [-2.0, -0.9, -1.1, -3.5],
];
const CHOICES = [
  ['four', 'five', 'six', 'seven'],
  ['two', 'three', 'four', 'five'],
  ['six', 'eight', 'nine', 'twelve'],
  ['two', 'four', 'five', 'eight'],
];

describe('lm-evaluation-harness samples', () => {
  it('reads a multiple-choice task: model from results_<date>.json, id task/doc_id, acc as quality, softmax confidence', () => {
    const r = read(MC);
    assert.equal(r.format, 'lm-eval-samples');
    assert.deepEqual(r.models, ['meta-llama/Llama-3.1-8B-Instruct']);
    assert.deepEqual(r.issues, []);
    assert.deepEqual(
      r.records.map((p) => p.line),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      r.records.map((p) => p.record.id),
      ['arith/0', 'arith/1', 'arith/2', 'arith/3'],
    );
    assert.deepEqual(
      r.records.map((p) => p.record.score),
      [1, 0, 1, 0],
    );
    r.records.forEach((p, i) => assert.ok(Math.abs((p.record.confidence as number) - softmaxTop(LLS[i])) < 1e-12, `doc ${i}`));
    assert.equal(r.records[0].record.prompt, 'Question: What is 2 + 3?\nAnswer:');
    assert.ok(r.derived.includes('model from results_2024-11-05T10-20-30.123456.json'));
    assert.ok(r.derived.includes('confidence: softmax over per-choice log-likelihoods, probability of the chosen option'));
    assert.ok(r.missing.some((m) => m.startsWith('cost: lm-evaluation-harness samples record neither token counts nor costs')));
  });

  it('normalises the log-likelihoods by choice length when acc_norm is the quality', () => {
    const r = read(MC, { lmEvalMetric: 'acc_norm' });
    assert.deepEqual(
      r.records.map((p) => p.record.score),
      [1, 1, 1, 0],
    );
    r.records.forEach((p, i) => {
      const normalised = LLS[i].map((ll, k) => ll / CHOICES[i][k].length);
      assert.ok(Math.abs((p.record.confidence as number) - softmaxTop(normalised)) < 1e-12, `doc ${i}`);
    });
    assert.ok(r.derived.some((d) => d.includes('length-normalised')));
  });

  it('estimates tokens as characters / 4 only when asked, and says so', () => {
    const r = read(MC, { estimateTokens: true });
    const context = 'Question: What is 2 + 3?\nAnswer:';
    const expectedIn = [' four', ' five', ' six', ' seven'].reduce((n, c) => n + Math.ceil((context.length + c.length) / 4), 0);
    assert.equal(r.records[0].record.tokensIn, expectedIn);
    assert.equal(r.records[0].record.tokensOut, 0);
    assert.ok(r.derived.some((d) => d.startsWith('tokens estimated as characters / 4')));
    assert.ok(!r.missing.some((m) => m.startsWith('cost')));
    assert.equal(read(MC).records[0].record.tokensIn, undefined);
  });

  it('reads one filter of a generative task, warns about the others, and lists the missing confidence (the diagnosis says it, once)', () => {
    const r = read(GEN);
    assert.deepEqual(r.models, ['Qwen/Qwen2.5-7B-Instruct']);
    assert.deepEqual(
      r.records.map((p) => [p.line, p.record.id, p.record.score]),
      [
        [1, 'arith_gen/0', 1],
        [3, 'arith_gen/1', 0],
      ],
    );
    assert.ok(r.records.every((p) => p.record.confidence === undefined));
    assert.deepEqual(
      r.issues.map((i) => i.code),
      ['lm-eval-several-filters'],
    );
    assert.equal(r.issues[0].message, 'the file has one line per doc for each of the filters "strict-match", "flexible-extract"; read "strict-match": choose another with --lm-eval-filter.');
    assert.ok(r.missing.some((m) => m.startsWith('confidence: generate_until task keeps no')));
  });

  it('reads the filter the user picks, and names the filters when the pick is not there', () => {
    const r = read(GEN, { lmEvalFilter: 'flexible-extract' });
    assert.deepEqual(
      r.records.map((p) => [p.line, p.record.score]),
      [
        [2, 1],
        [4, 1],
      ],
    );
    const bad = read(GEN, { lmEvalFilter: 'take-last' });
    assert.equal(bad.records.length, 0);
    assert.equal(bad.issues[0].message, 'filter "take-last" is not in this file; its filters are "strict-match", "flexible-extract": pass one of them as --lm-eval-filter.');
  });

  it('takes the model from the folder name when no results file is beside the samples, with a warning', () => {
    const none: SiblingFiles = { list: () => [], read: () => undefined };
    const r = read(MC, {}, none);
    assert.deepEqual(r.models, ['meta-llama/Llama-3.1-8B-Instruct']);
    assert.equal(r.issues[0].code, 'lm-eval-model-from-folder');
  });

  it('falls back to the pretrained= argument of an older results file without model_name', () => {
    const results = { results: { arith: {} }, configs: { arith: { output_type: 'multiple_choice' } }, config: { model: 'hf', model_args: 'dtype=float16,pretrained=EleutherAI/pythia-160m' } };
    const siblings: SiblingFiles = {
      list: () => ['results_2024-11-05T10-20-30.123456.json'],
      read: () => Buffer.from(JSON.stringify(results)),
    };
    assert.deepEqual(read(MC, {}, siblings).models, ['EleutherAI/pythia-160m']);
  });

  it('reports a broken line with its number and keeps the others', () => {
    const text = `${readFileSync(MC, 'utf8').split('\n')[0]}\n{"doc_id": 1, "filtered_resps": [\n`;
    const r = readHarnessFile(MC, Buffer.from(text), {}, siblingFilesOnDisk(MC));
    assert.equal(r.records.length, 1);
    assert.equal(r.issues[0].line, 2);
    assert.equal(r.issues[0].severity, 'error');
    assert.match(r.issues[0].message, /^not JSON \(.+\); each line of a samples file is one JSON object\.$/);
  });

  it('marks the aggregate results file as a companion without records', () => {
    const file = join(MC_DIR, 'results_2024-11-05T10-20-30.123456.json');
    const r = read(file);
    assert.equal(r.format, 'lm-eval-results');
    assert.equal(r.companion, true);
    assert.deepEqual(r.records, []);
    assert.deepEqual(r.issues, []);
    const alone = read(file, {}, { list: () => [], read: () => undefined });
    assert.equal(alone.issues[0].message, 'aggregate lm-evaluation-harness results only: per-query records are in samples_<task>_<date>.jsonl, written when lm_eval runs with --log_samples.');
  });

  it('reads gzipped samples beside a gzipped results file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-lm-eval-'));
    try {
      const model = join(dir, 'meta-llama__Llama-3.1-8B-Instruct');
      mkdirSync(model);
      for (const name of ['samples_arith_2024-11-05T10-20-30.123456.jsonl', 'results_2024-11-05T10-20-30.123456.json']) {
        writeFileSync(join(model, `${name}.gz`), gzipSync(readFileSync(join(MC_DIR, name))));
      }
      const { files } = await loadEvalFiles([model], { estimateTokens: true });
      const samples = files.find((f) => f.format === 'lm-eval-samples')!;
      assert.deepEqual(samples.models, ['meta-llama/Llama-3.1-8B-Instruct']);
      assert.ok(samples.derived.includes('model from results_2024-11-05T10-20-30.123456.json'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
