import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collector } from '../../src/core/load/collector.ts';
import { collectorOptionsOf, readFiles } from '../../src/core/load/readFiles.ts';
import { patchedCollection } from '../../src/core/load/linePatch.ts';
import { packBytes, packedView } from '../../src/core/load/packedBytes.ts';
import type { PartialCollection } from '../../src/core/load/transfer.ts';
import type { LoadOptions } from '../../src/core/options.ts';

type Row = Record<string, unknown>;

/** What reading the file whole gives: a collector of its own, as the editor's per-file load makes it. */
async function readWhole(path: string, options: LoadOptions): Promise<PartialCollection> {
  const collector = new Collector(collectorOptionsOf(options, { deferSplitChecks: true }));
  await readFiles(collector, [{ path }], options, () => {});
  return collector.exportPartial();
}

const text = (lines: (Row | string)[], eol = '\n'): string => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join(eol) + eol;

function rows(n: number, model = 'm', extra: (i: number) => Row = () => ({})): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `q-${i}`,
    model,
    correct: i % 3 === 0 ? 1 : 0,
    confidence: -((i * 7) % 11) / 10,
    cost: 0.001 + i * 1e-6,
    latency_ms: 100 + i,
    tokens_in: 10 + i,
    tokens_out: 5,
    split: i % 4 === 0 ? 'test' : 'train',
    ...extra(i),
  }));
}

/**
 * Reads `before` whole, then `after` both ways: the patch, when it is made, must be what reading
 * `after` whole gives, field for field and column for column. Returns whether it was made.
 */
async function patchOf(dir: string, before: string, after: string, options: LoadOptions = {}, name = 'm.jsonl'): Promise<boolean> {
  const path = join(dir, name);
  writeFileSync(path, before);
  const read = await readWhole(path, options);
  writeFileSync(path, after);
  const patched = await patchedCollection({ bytes: Buffer.from(before), partial: read }, Buffer.from(after), path, options);
  if (patched) assert.deepStrictEqual(patched, await readWhole(path, options));
  // The bytes before packed (chunks smaller than a line, and of a few lines): the same patch, or none alike.
  for (const chunkBytes of [61, 1000]) {
    const packed = await patchedCollection({ bytes: packedView(await packBytes(Buffer.from(before), chunkBytes)), partial: read }, Buffer.from(after), path, options);
    assert.deepStrictEqual(packed, patched, `against the bytes packed in chunks of ${chunkBytes}`);
  }
  return patched !== undefined;
}

test('patchedCollection: an edit of values in a few lines gives what reading the file whole gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'line-patch-'));
  try {
    const base = rows(60);
    const edit = (i: number, change: Row, from = base): Row[] => from.map((r, j) => (j === i ? { ...r, ...change } : r));
    const made = async (what: string, after: Row[], options: LoadOptions = {}) => assert.ok(await patchOf(dir, text(base), text(after), options), `${what}: patched`);
    await made('an answer made right', edit(7, { correct: 1 }));
    await made('the first line', edit(0, { confidence: -0.95 }));
    await made('two lines apart', edit(50, { cost: 0.5 }, edit(3, { correct: 1 })));
    await made('a value one digit longer', edit(20, { confidence: -0.123456789 }));
    await made('tokens changed', edit(11, { tokens_in: 1234 }));
    const wide = edit(40, { tokens_in: 16777217 });
    assert.ok(await patchOf(dir, text(wide), text(edit(11, { tokens_in: 1234 }, wide))), 'tokens changed beside a count a Float32 cannot hold: patched');
    const scored = rows(60, 'm', (i) => (i === 12 ? { correct: undefined, score: 0.5 } : {}));
    assert.ok(await patchOf(dir, text(scored), text(edit(12, { score: 0.25 }, scored))), 'a score changed: patched');
    await made('the last line, with its line feed', edit(59, { correct: 1 }));
    const prompted = rows(60, 'm', (i) => ({ prompt: `question ${i}` }));
    assert.ok(await patchOf(dir, text(prompted), text(edit(5, { correct: 1 }, prompted)), { keepPrompts: true }), 'prompts kept and unchanged: patched');
    // Windows line ends.
    assert.ok(await patchOf(dir, text(base, '\r\n'), text(edit(30, { correct: 1 }), '\r\n')), 'CRLF lines');
    // Two models in one file.
    const two = [...rows(20, 'a'), ...rows(20, 'b')];
    assert.ok(await patchOf(dir, text(two), text(two.map((r, j) => (j === 25 ? { ...r, cost: 0.9 } : r)))), 'two models in one file');
    // The same content: the collection read before.
    assert.ok(await patchOf(dir, text(base), text(base)), 'nothing changed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('patchedCollection: an edit it cannot place leaves the file to be read whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'line-patch-'));
  try {
    const base = rows(40);
    const edit = (i: number, change: Row, from = base): Row[] => from.map((r, j) => (j === i ? { ...r, ...change } : r));
    const whole = async (what: string, before: string, after: string, options: LoadOptions = {}) => assert.equal(await patchOf(dir, before, after, options), false, `${what}: read whole`);
    await whole('an id changed', text(base), text(edit(4, { id: 'renamed' })));
    await whole('a model changed', text(base), text(edit(4, { model: 'other' })));
    await whole('a split label changed', text(base), text(edit(5, { split: 'test' })));
    // The file's summary counts the records with each field: a field gained or lost is left to the whole read.
    await whole('a latency gone from one record of many', text(base), text(edit(9, { latency_ms: undefined })));
    await whole('a score in place of a correct', text(base), text(edit(9, { correct: undefined, score: 0.5 })));
    await whole('a line added', text(base), text([...base.slice(0, 5), { ...base[5]!, id: 'new' }, ...base.slice(5)]));
    await whole('a line removed', text(base), text([...base.slice(0, 5), ...base.slice(6)]));
    await whole('a line made malformed', text(base), text([...base.slice(0, 5), '{"id": "q-5", ', ...base.slice(6)]));
    await whole('a malformed line mended', text([...base.slice(0, 5), 'not json', ...base.slice(6)]), text(base));
    await whole('a blank line put in place of one', text(base), text([...base.slice(0, 5), '', ...base.slice(6)]));
    await whole('a last line without its line feed', text(base).slice(0, -1), text(edit(39, { confidence: -0.777 })).slice(0, -1));
    await whole('a cost now from tokens', text(base), text(edit(6, { cost: undefined })), { prices: new Map([['m', { inputPerMillion: 1, outputPerMillion: 2 }]]) });
    await whole('a token count a Float32 cannot hold', text(base), text(edit(6, { tokens_in: 16777217 })));
    await whole('no longer a token count a Float32 cannot hold', text(edit(6, { tokens_in: 16777217 })), text(base));
    await whole('the only latency gone', text(rows(40, 'm', (i) => (i === 3 ? {} : { latency_ms: undefined }))), text(rows(40, 'm', () => ({ latency_ms: undefined }))));
    await whole('the only confidence gone', text(rows(40, 'm', (i) => (i === 3 ? {} : { confidence: undefined }))), text(rows(40, 'm', () => ({ confidence: undefined }))));
    await whole('a prompt changed', text(rows(40, 'm', (i) => ({ prompt: `q ${i}` }))), text(rows(40, 'm', (i) => ({ prompt: i === 8 ? 'other' : `q ${i}` }))), { keepPrompts: true });
    await whole('a value out of range (a message)', text(base), text(edit(6, { confidence: 'high' })));
    // Any message names lines: a file with one is read whole.
    await whole('a file with a warning', text(edit(30, { latency_ms: 'slow' })), text(edit(6, { correct: 1 }, edit(30, { latency_ms: 'slow' }))));
    // Model a's only latency gone and one of b's gained, in the same lines: the file's count stays, a's column goes.
    const ab = [...rows(10, 'a', (i) => (i === 9 ? {} : { latency_ms: undefined })), ...rows(10, 'b', (i) => (i === 0 ? { latency_ms: undefined } : {}))];
    const moved = ab.map((r, j) => (j === 9 ? { ...r, latency_ms: undefined } : j === 10 ? { ...r, latency_ms: 42 } : r));
    await whole('a latency moved from one model to another', text(ab), text(moved));
    await whole('answers kept', text(base), text(edit(6, { correct: 1 })), { keepResponses: true });
    // A file with a duplicate: which record stands depends on the other lines.
    await whole('a file with a repeated id', text([...base, { ...base[2]!, confidence: -0.3 }, base[0]!]), text([...edit(2, { confidence: undefined }), { ...base[2]!, confidence: -0.3 }, base[0]!]));
    await whole('another format now', text(base), `id,model,correct,confidence,cost\n${base.map((r) => [r.id, r.model, r.correct, r.confidence, r.cost].join(',')).join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('patchedCollection: random edits, each patch what reading the file whole gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'line-patch-'));
  try {
    let state = 12345;
    const random = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    let lines: (Row | string)[] = rows(120, 'm', (i) => (i % 5 === 0 ? { latency_ms: undefined } : {}));
    let patched = 0;
    let valueEdits = 0;
    for (let step = 0; step < 150; step++) {
      const before = text(lines);
      const next = [...lines];
      const edits = 1 + Math.floor(random() * 3);
      let valuesOnly = true;
      const kinds: string[] = [];
      for (let e = 0; e < edits; e++) {
        const i = Math.floor(random() * (next.length - 1));
        const r = next[i]!;
        const kind = pick(['correct', 'confidence', 'cost', 'latency', 'tokens', 'id', 'split', 'malformed', 'insert', 'remove']);
        kinds.push(`${kind}@${i}`);
        if (typeof r === 'string' || kind === 'malformed') {
          next[i] = typeof r === 'string' ? { ...rows(1)[0]!, id: `q-back-${step}-${e}` } : '{"id":';
          valuesOnly = false;
        } else if (kind === 'correct') next[i] = { ...r, correct: 1 - (r.correct as number) };
        else if (kind === 'confidence') next[i] = { ...r, confidence: -Math.round(random() * 1000) / 1000 };
        else if (kind === 'cost') next[i] = { ...r, cost: Math.round(random() * 1e6) / 1e9 };
        else if (kind === 'latency' && r.latency_ms !== undefined) next[i] = { ...r, latency_ms: Math.round(random() * 500) };
        else if (kind === 'latency') {
          next[i] = { ...r, latency_ms: 7 };
          valuesOnly = false;
        } else if (kind === 'tokens') next[i] = { ...r, tokens_in: Math.floor(random() * 5000) };
        else {
          valuesOnly = false;
          if (kind === 'id') next[i] = { ...r, id: `q-new-${step}-${e}` };
          else if (kind === 'split') next[i] = { ...r, split: r.split === 'test' ? 'train' : 'test' };
          else if (kind === 'insert') next.splice(i, 0, { ...r, id: `q-ins-${step}-${e}` });
          else next.splice(i, 1);
        }
      }
      const made = await patchOf(dir, before, text(next));
      if (made) patched++;
      const clean = !lines.some((l) => typeof l === 'string');
      if (valuesOnly && clean) {
        valueEdits++;
        assert.ok(made, `step ${step}: a value edit of a clean file is patched (${kinds.join(', ')})`);
      }
      lines = next;
      // Mend the file now and then, so that value edits keep coming.
      if (step % 10 === 9) lines = lines.map((l, j) => (typeof l === 'string' ? { ...rows(1)[0]!, id: `q-mended-${step}-${j}` } : l));
    }
    assert.ok(valueEdits >= 10 && patched >= valueEdits, `value edits ${valueEdits}, patched ${patched}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
