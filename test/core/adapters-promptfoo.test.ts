import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readHarnessFile } from '../../src/core/adapters/index.ts';
import { repoRoot } from '../support/paths.ts';

const DIR = join(repoRoot, 'test', 'fixtures', 'adapters', 'promptfoo');
const JSON_FILE = join(DIR, 'results.json');
const JSONL_FILE = join(DIR, 'results.jsonl');

/** The documented join key of a test case without a metadata id: `vars-` + 16 hex of SHA-256 of its vars, keys sorted. */
const varsKey = (canonicalJson: string): string => `vars-${createHash('sha256').update(canonicalJson).digest('hex').slice(0, 16)}`;
const Q0 = varsKey('{"answer":"5","question":"What is 2 + 3?"}');
const Q1 = varsKey('{"answer":"3","question":"What is 7 - 4?"}');

/** 1-based line of the result whose `id` ends with `suffix`: the line of its opening brace, one above its "id" line. */
function lineOfResult(text: string, suffix: string): number {
  const lines = text.split('\n');
  return lines.findIndex((l) => l.includes(`"id": "0b7c1c2e-4a61-4d7b-9a55-00000000${suffix}"`));
}

describe('promptfoo output', () => {
  it('reads -o results.json: provider label or id as the model, vars hash as id, repeats apart, score, logProbs, tokens, cost, latency', () => {
    const text = readFileSync(JSON_FILE, 'utf8');
    const r = readHarnessFile(JSON_FILE, Buffer.from(text));
    assert.equal(r.format, 'promptfoo');
    assert.deepEqual(r.models, ['openai:gpt-4o', 'mini']);
    const rows = r.records.map((p) => ({ line: p.line, ...p.record }));
    assert.deepEqual(
      rows.map((x) => [x.model, x.id, x.score]),
      [
        ['openai:gpt-4o', Q0, 1],
        ['mini', Q0, 0],
        ['openai:gpt-4o', Q1, 1],
        ['openai:gpt-4o', `${Q0}#2`, 0],
        ['mini', `${Q0}#2`, 1],
      ],
    );
    assert.deepEqual(
      rows.map((x) => x.line),
      ['0001', '0002', '0003', '0005', '0006'].map((s) => lineOfResult(text, s)),
    );
    // Mean token log-prob of response.logProbs [-0.01, -0.2].
    assert.ok(Math.abs((rows[0].confidence as number) - (-0.01 + -0.2) / 2) < 1e-15);
    assert.equal(rows[1].confidence, undefined);
    assert.deepEqual([rows[0].cost, rows[0].tokensIn, rows[0].tokensOut, rows[0].latencyMs], [0.00007, 20, 2, 400]);
    // Cost 0 with tokens: left to the price table.
    assert.deepEqual([rows[1].cost, rows[1].tokensIn, rows[1].tokensOut], [undefined, 20, 3]);
    assert.equal(rows[0].prompt, 'Answer with the number only.\nWhat is 2 + 3?');
  });

  it('leaves out a failed call with its line and says how to rerun it', () => {
    const text = readFileSync(JSON_FILE, 'utf8');
    const r = readHarnessFile(JSON_FILE, Buffer.from(text));
    const failed = r.issues.filter((i) => i.code === 'promptfoo-call-failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].line, lineOfResult(text, '0004'));
    assert.equal(
      failed[0].message,
      'model "mini": the provider call failed (Error: 429 Rate limit reached for gpt-4o-mini); the result is left out: rerun the failed tests (promptfoo eval --retry-errors).',
    );
    assert.ok(r.derived.includes('promptfoo results version 3'));
    assert.ok(r.derived.some((d) => d.startsWith('2 repeated result(s) kept apart')));
    assert.ok(r.derived.includes('cost from tokens x price table for 1 result(s) whose cost is 0 or absent'));
    assert.ok(r.missing.some((m) => m.startsWith('confidence for 2 of 5 result(s)')));
  });

  it('reads -o results.jsonl with metadata ids', () => {
    const r = readHarnessFile(JSONL_FILE, readFileSync(JSONL_FILE));
    assert.deepEqual(r.models, ['openai:gpt-4o']);
    assert.deepEqual(
      r.records.map((p) => [p.line, p.record.id, p.record.score]),
      [
        [1, 'arith/0', 1],
        [2, 'arith/1', 1],
        [3, 'arith/2', 1],
        [4, 'arith/3', 0],
      ],
    );
    assert.ok(r.derived.includes("id from the test case's metadata id"));
  });

  it('computes the chosen confidence signal from logProbs, and cannot give negentropy without alternatives', () => {
    const min = readHarnessFile(JSONL_FILE, readFileSync(JSONL_FILE), { confidenceSignal: 'min-logprob' });
    assert.deepEqual(
      min.records.map((p) => p.record.confidence),
      [-0.004, -0.05, -0.02, -0.3],
    );
    assert.ok(min.derived.some((d) => d.startsWith('confidence: minimum token log-prob of response.logProbs')));
    const seq = readHarnessFile(JSONL_FILE, readFileSync(JSONL_FILE), { confidenceSignal: 'sequence-prob' });
    assert.ok(Math.abs((seq.records[0].record.confidence as number) - Math.exp(-0.001 - 0.004)) < 1e-15);
    const neg = readHarnessFile(JSONL_FILE, readFileSync(JSONL_FILE), { confidenceSignal: 'mean-negentropy' });
    assert.ok(neg.records.every((p) => p.record.confidence === undefined));
    assert.ok(neg.issues.some((i) => i.code === 'promptfoo-no-alternatives'));
  });

  it('uses a named score as quality or confidence when asked', () => {
    const line = (named: Record<string, number>) =>
      JSON.stringify({
        promptIdx: 0,
        testIdx: 0,
        provider: { id: 'openai:gpt-4o' },
        testCase: { vars: { q: 'x' } },
        prompt: { raw: 'x', label: 'p' },
        success: true,
        score: 1,
        namedScores: named,
        latencyMs: 5,
        cost: 0.001,
        failureReason: 0,
      });
    const bytes = Buffer.from(`${line({ accuracy: 0.5, judge_confidence: 0.8 })}\n`);
    const r = readHarnessFile('out.jsonl', bytes, { qualityScore: 'accuracy', confidenceScore: 'judge_confidence' });
    assert.deepEqual([r.records[0].record.score, r.records[0].record.confidence], [0.5, 0.8]);
    // A name not in the results is said, with the names that are, instead of reading nothing.
    const wrongConfidence = readHarnessFile('out.jsonl', bytes, { confidenceScore: 'judge_conf' });
    assert.equal(wrongConfidence.records.length, 1);
    assert.equal(wrongConfidence.records[0].record.confidence, undefined);
    assert.deepEqual(
      wrongConfidence.issues.map((i) => [i.code, i.line, i.message]),
      [
        [
          'promptfoo-unknown-confidence-score',
          0,
          'named score "judge_conf" (--confidence-score) is not in the results, so no confidence is read from it; their named scores are "accuracy", "judge_confidence": pass one of them.',
        ],
      ],
    );
    const wrongQuality = readHarnessFile('out.jsonl', bytes, { qualityScore: 'acc' });
    assert.equal(wrongQuality.records.length, 0);
    assert.equal(wrongQuality.issues[0].message, 'named score "acc" (--quality-score) is not in the results; their named scores are "accuracy", "judge_confidence": pass one of them.');
  });

  it('names each prompt apart when a provider ran several prompts', () => {
    const base = { testIdx: 0, provider: { id: 'openai:gpt-4o' }, testCase: { vars: { q: 'x' } }, success: true, score: 1, cost: 0.001, failureReason: 0 };
    const text = [JSON.stringify({ ...base, promptIdx: 0, prompt: { raw: 'x', label: 'terse' } }), JSON.stringify({ ...base, promptIdx: 1, prompt: { raw: 'Please: x', label: 'polite' } })].join('\n');
    const r = readHarnessFile('out.jsonl', Buffer.from(text));
    assert.deepEqual(r.models, ['openai:gpt-4o · terse', 'openai:gpt-4o · polite']);
  });

  it('refuses results of version 1 and says what to do', () => {
    const text = JSON.stringify({ evalId: 'e', results: { version: 1, timestamp: 't', results: [] }, config: {} });
    const r = readHarnessFile('results.json', Buffer.from(text));
    assert.equal(r.issues[0].message, 'promptfoo results version 1 is older than version 2, whose results carry no provider or test case; export it again with a current promptfoo.');
  });

  it('splits results written back to back on one line, as older promptfoo appended its batches', () => {
    const lines = readFileSync(JSONL_FILE, 'utf8').trim().split('\n');
    const text = `${lines[0]}\n${lines[1]}${lines[2]}\n${lines[3]}\n`;
    const r = readHarnessFile(JSONL_FILE, Buffer.from(text));
    assert.deepEqual(
      r.records.map((p) => [p.line, p.record.id]),
      [
        [1, 'arith/0'],
        [2, 'arith/1'],
        [2, 'arith/2'],
        [3, 'arith/3'],
      ],
    );
  });
});
