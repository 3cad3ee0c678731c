import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { readHarnessFile } from '../../src/core/adapters/index.ts';
import { inspectValueToQuality } from '../../src/core/adapters/inspect.ts';
import { listZipEntries, readZipEntry } from '../../src/core/adapters/zip.ts';
import { repoRoot } from '../support/paths.ts';

const DIR = join(repoRoot, 'test', 'fixtures', 'adapters', 'inspect');
const ZSTD = join(DIR, '2024-11-05T10-20-30+00-00_arith_zstd.eval');
const DEFLATE = join(DIR, '2024-11-05T10-20-30+00-00_arith_deflate.eval');
const HAIKU = join(DIR, '2024-11-05T11-00-00+00-00_arith-qa_haiku.json');

// Token log-probs of the fixture's samples: [first token, second token], and the runner-up
// alternatives written beside them (make-eval-logs.mjs): -8.5 for the first, 1.5 lower for the second.
const LOGPROBS = [
  [-0.0004, -0.02],
  [-0.0011, -0.35],
  [-0.002, -1.6],
  [-0.0008, -0.09],
];

/** sum q log q over two alternatives renormalised to sum to one. */
function negentropy2(a: number, b: number): number {
  const pa = Math.exp(a);
  const pb = Math.exp(b);
  const qa = pa / (pa + pb);
  const qb = pb / (pa + pb);
  return qa * Math.log(qa) + qb * Math.log(qb);
}

describe('Inspect AI logs', () => {
  it('reads an .eval zip compressed with Zstandard: model from the header, id task/sample id, C/I scores, usage, logprobs', () => {
    const r = readHarnessFile(ZSTD, readFileSync(ZSTD));
    assert.equal(r.format, 'inspect-eval');
    assert.deepEqual(r.models, ['openai/gpt-4o-mini']);
    assert.deepEqual(r.issues, []);
    assert.deepEqual(
      r.records.map((p) => [p.line, p.where, p.record.id, p.record.score]),
      [
        [1, 'samples/0_epoch_1.json', 'arith/0', 1],
        [2, 'samples/1_epoch_1.json', 'arith/1', 1],
        [3, 'samples/2_epoch_1.json', 'arith/2', 0],
        [4, 'samples/3_epoch_1.json', 'arith/3', 1],
      ],
    );
    r.records.forEach((p, i) => {
      assert.ok(Math.abs((p.record.confidence as number) - (LOGPROBS[i][0] + LOGPROBS[i][1]) / 2) < 1e-15);
      assert.equal(p.record.tokensIn, 118 + i);
      assert.equal(p.record.tokensOut, 3);
      assert.ok(Math.abs((p.record.latencyMs as number) - (500 + 100 * i)) < 1e-9);
    });
    assert.equal(r.records[0].record.prompt, 'What is 2 + 3?');
    assert.ok(r.derived.includes('confidence: mean token log-prob of output.choices[0].logprobs (4 sample(s))'));
  });

  it('reads the same log compressed with Deflate into the same records', () => {
    const zstd = readHarnessFile(ZSTD, readFileSync(ZSTD));
    const deflate = readHarnessFile(DEFLATE, readFileSync(DEFLATE));
    assert.deepEqual(deflate.records, zstd.records);
    assert.deepEqual(
      listZipEntries(readFileSync(ZSTD)).map((e) => e.method),
      Array(8).fill(93),
    );
    assert.deepEqual(
      listZipEntries(readFileSync(DEFLATE)).map((e) => e.method),
      Array(8).fill(8),
    );
  });

  it('computes mean negentropy from the top alternatives, and the other signals', () => {
    const bytes = readFileSync(ZSTD);
    const neg = readHarnessFile(ZSTD, bytes, { confidenceSignal: 'mean-negentropy' });
    neg.records.forEach((p, i) => {
      const [a, b] = LOGPROBS[i];
      const expected = (negentropy2(a, -8.5) + negentropy2(b, b - 1.5)) / 2;
      assert.ok(Math.abs((p.record.confidence as number) - expected) < 1e-12, `sample ${i}`);
    });
    assert.ok(neg.derived.some((d) => d.startsWith('confidence: mean token negentropy')));
    const min = readHarnessFile(ZSTD, bytes, { confidenceSignal: 'min-logprob' });
    assert.deepEqual(
      min.records.map((p) => p.record.confidence),
      LOGPROBS.map(([a, b]) => Math.min(a, b)),
    );
    const seq = readHarnessFile(ZSTD, bytes, { confidenceSignal: 'sequence-prob' });
    seq.records.forEach((p, i) => assert.ok(Math.abs((p.record.confidence as number) - Math.exp(LOGPROBS[i][0] + LOGPROBS[i][1])) < 1e-15));
  });

  it('reads a .json log: epochs apart, the first scorer of the header, usage of the model and not of its judge, attachments, a failed sample', () => {
    const text = readFileSync(HAIKU, 'utf8');
    const r = readHarnessFile(HAIKU, Buffer.from(text));
    assert.equal(r.format, 'inspect-json');
    assert.deepEqual(r.models, ['anthropic/claude-3-5-haiku-latest']);
    const sampleLine = (id: string, nth: number): number => {
      const hits = text.split('\n').flatMap((l, i) => (l === `      "id": "${id}",` ? [i] : []));
      return hits[nth]; // the opening brace is one line above: 0-based index of the id line = 1-based line of the brace
    };
    assert.deepEqual(
      r.records.map((p) => [p.line, p.record.id, p.record.score, p.record.tokensIn, p.record.tokensOut, p.record.split]),
      [
        [sampleLine('q1', 0), 'arith_qa/q1', 1, 40, 6, 'train'],
        [sampleLine('q2', 0), 'arith_qa/q2', 0, 41, 6, 'test'],
        [sampleLine('q1', 1), 'arith_qa/q1#2', 1, 40, 6, 'train'],
      ],
    );
    assert.equal(r.records[0].record.prompt, 'Answer the question.\n\nWhat is 2 + 3?');
    assert.ok(r.records.every((p) => p.record.confidence === undefined));
    assert.deepEqual(
      r.issues.map((i) => [i.code, i.line]),
      [
        ['inspect-several-scorers', 0],
        ['inspect-sample-error', sampleLine('q2', 1)],
      ],
    );
    assert.equal(r.issues[0].message, 'the log has the scorers "model_graded_qa", "self_confidence"; quality from "model_graded_qa": choose another with --quality-score.');
    assert.equal(r.issues[1].message, "sample q2 failed (RateLimitError: 529 overloaded); it is left out: rerun the eval's failed samples (inspect eval-retry).");
    assert.ok(r.derived.includes('usage of openai/gpt-4o (scorer or other roles) not counted'));
    assert.ok(r.missing.some((m) => m.startsWith('confidence for 3 of 3 sample(s)')));
  });

  it('takes confidence from a scorer when asked', () => {
    const r = readHarnessFile(HAIKU, readFileSync(HAIKU), { confidenceScore: 'self_confidence' });
    assert.deepEqual(
      r.records.map((p) => p.record.confidence),
      [0.9, 0.6, 0.95],
    );
    const wrong = readHarnessFile(HAIKU, readFileSync(HAIKU), { confidenceScore: 'self_conf' });
    assert.deepEqual(
      wrong.records.map((p) => p.record.confidence),
      [undefined, undefined, undefined],
    );
    const said = wrong.issues.find((i) => i.code === 'inspect-unknown-confidence-scorer');
    assert.equal(said?.message, 'scorer "self_conf" (--confidence-score) is not in the log, so no confidence is read from it; the scorers are "model_graded_qa", "self_confidence": pass one of them.');
  });

  it('names the scorers when the asked-for one is absent', () => {
    const r = readHarnessFile(HAIKU, readFileSync(HAIKU), { qualityScore: 'exact' });
    assert.equal(r.records.length, 0);
    assert.equal(r.issues[0].message, 'scorer "exact" is not in the log; the scorers are "model_graded_qa", "self_confidence": pass one of them as --quality-score.');
  });

  it('maps score values as Inspect does', () => {
    assert.deepEqual(['C', 'I', 'P', 'N', true, false, 'yes', 'no', 0.25, '0.75'].map(inspectValueToQuality), [1, 0, 0.5, 0, 1, 0, 1, 0, 0.25, 0.75]);
    assert.equal(inspectValueToQuality({ a: 1 }), undefined);
    assert.equal(inspectValueToQuality('maybe'), undefined);
  });

  it('says a cut-short .eval file is damaged', () => {
    const bytes = readFileSync(ZSTD);
    const r = readHarnessFile(ZSTD, bytes.subarray(0, 2000));
    assert.equal(r.records.length, 0);
    assert.equal(
      r.issues[0].message,
      'read as an Inspect log (.eval) but no zip central directory (the file is truncated or not a zip); an .eval log is a zip written by Inspect: copy it again or convert it with inspect log convert --to json.',
    );
  });

  it('finds the central directory of a zip64 archive', () => {
    const plain = zipSync({ 'header.json': strToU8('{"a":1}') }, { level: 6 });
    const eocd = plain.length - 22;
    const view = new DataView(plain.buffer, plain.byteOffset);
    const cdSize = view.getUint32(eocd + 12, true);
    const cdOffset = view.getUint32(eocd + 16, true);
    // zip64 end of central directory record, its locator, and a classic record that points to them.
    const z64 = new DataView(new ArrayBuffer(56 + 20 + 22));
    z64.setUint32(0, 0x06064b50, true);
    z64.setBigUint64(4, 44n, true);
    z64.setBigUint64(24, 1n, true);
    z64.setBigUint64(32, 1n, true);
    z64.setBigUint64(40, BigInt(cdSize), true);
    z64.setBigUint64(48, BigInt(cdOffset), true);
    z64.setUint32(56, 0x07064b50, true);
    z64.setBigUint64(64, BigInt(eocd), true);
    z64.setUint32(72, 1, true);
    z64.setUint32(76, 0x06054b50, true);
    z64.setUint16(84, 0xffff, true);
    z64.setUint16(86, 0xffff, true);
    z64.setUint32(88, 0xffffffff, true);
    z64.setUint32(92, 0xffffffff, true);
    const bytes = new Uint8Array(eocd + z64.byteLength);
    bytes.set(plain.subarray(0, eocd));
    bytes.set(new Uint8Array(z64.buffer), eocd);
    const entries = listZipEntries(bytes);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['header.json'],
    );
    assert.equal(new TextDecoder().decode(readZipEntry(bytes, entries[0])), '{"a":1}');
  });

  it('reads the older layout (start.json and results.json) and warns about a log that never finished', () => {
    const spec = { task: 'arith', model: 'openai/gpt-4o-mini', dataset: {}, config: {}, created: '2024-06-01T00:00:00+00:00' };
    const sample = { id: 1, epoch: 1, input: 'What is 2 + 3?', target: '5', scores: { match: { value: 'C' } }, output: { usage: { input_tokens: 10, output_tokens: 1 } } };
    const old = zipSync({
      'start.json': strToU8(JSON.stringify({ version: 1, eval: spec, plan: {} })),
      'samples/1_epoch_1.json': strToU8(JSON.stringify(sample)),
      'results.json': strToU8(JSON.stringify({ status: 'success', stats: {}, results: { scores: [] } })),
    });
    const r = readHarnessFile('old.eval', old);
    assert.deepEqual(r.issues, []);
    assert.deepEqual(
      r.records.map((p) => [p.record.model, p.record.id, p.record.score, p.record.tokensIn]),
      [['openai/gpt-4o-mini', 'arith/1', 1, 10]],
    );
    const running = zipSync({
      '_journal/start.json': strToU8(JSON.stringify({ version: 2, eval: spec, plan: {} })),
      'samples/1_epoch_1.json': strToU8(JSON.stringify(sample)),
    });
    const partial = readHarnessFile('running.eval', running);
    assert.equal(partial.records.length, 1);
    assert.deepEqual(
      partial.issues.map((i) => i.message),
      ['the .eval log has no header.json: the eval did not finish and may hold only some samples.'],
    );
  });
});
