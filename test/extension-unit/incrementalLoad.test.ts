import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureParallelLoading, loadEvalFiles } from '../../src/core/load/index.ts';
import { buildLoadWorker } from '../support/loadWorker.ts';
import type { LoadResult } from '../../src/core/types.ts';
import { IncrementalLoader, type FileStamp } from '../../src/extension/incrementalLoad.ts';
import { isShared } from '../../src/core/sharedColumns.ts';

const record = (id: string, correct: number, confidence: number, cost: number, split: string) => JSON.stringify({ id, correct, confidence, cost, split });

/** Three models, one file each; `b` lacks query q4 and has a bad line; `c` gives q2 twice. */
function writeFiles(dir: string): string[] {
  const a = [record('q1', 1, -0.1, 0.001, 'train'), record('q2', 0, -0.9, 0.001, 'train'), record('q3', 1, -0.2, 0.001, 'test'), record('q4', 0, -1.5, 0.001, 'test')];
  const b = [record('q1', 1, -0.05, 0.01, 'train'), 'not json', record('q2', 1, -0.3, 0.01, 'train'), record('q3', 1, -0.1, 0.01, 'test')];
  const c = [record('q3', 1, -0.01, 0.1, 'test'), record('q1', 1, -0.02, 0.1, 'train'), record('q2', 1, -0.03, 0.1, 'train'), record('q2', 0, -0.5, 0.1, 'train'), record('q4', 1, -0.04, 0.1, 'test')];
  const files = { 'a.jsonl': a, 'b.jsonl': b, 'c.jsonl': c };
  return Object.entries(files).map(([name, lines]) => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  });
}

const stamp = (path: string): FileStamp => {
  const s = statSync(path);
  return { path, size: s.size, mtimeMs: s.mtimeMs };
};

/** Whether every model's quality, confidence and cost are in shared memory, as a load makes them (the analysis's second thread reads them there). */
const inSharedMemory = (r: LoadResult): boolean => r.dataset.models.every((m) => isShared(m.quality) && isShared(m.confidence) && isShared(m.cost));

/** A plain, comparable form of a load result (typed arrays as arrays). */
function plain(r: LoadResult): unknown {
  return JSON.parse(JSON.stringify(r, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));
}

test('IncrementalLoader.load gives what loadEvalFiles gives, and re-reads only a changed file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incremental-'));
  try {
    const paths = writeFiles(dir);
    const loader = new IncrementalLoader();
    const first = await loader.load(paths.map(stamp), {});
    assert.equal(loader.lastReread, 3);
    assert.deepEqual(plain(first), plain(await loadEvalFiles(paths)));
    assert.ok(first.issues.length >= 2, 'the bad line and the repeated id are reported');
    assert.ok(inSharedMemory(await loadEvalFiles(paths)) && inSharedMemory(first), 'columns in shared memory, as a load makes them');

    const again = await loader.load(paths.map(stamp), {});
    assert.equal(loader.lastReread, 0);
    assert.deepEqual(plain(again), plain(first));

    // Change one file: only it is read again, and the join matches a fresh load.
    writeFileSync(paths[1], `${[record('q1', 0, -0.05, 0.02, 'train'), record('q2', 1, -0.3, 0.02, 'train'), record('q3', 1, -0.1, 0.02, 'test'), record('q4', 1, -0.2, 0.02, 'test')].join('\n')}\n`);
    const changed = await loader.load(
      paths.map((p) => (p === paths[1] ? { ...stamp(p), mtimeMs: stamp(p).mtimeMs + 1 } : stamp(p))),
      {},
    );
    assert.equal(loader.lastReread, 1);
    assert.deepEqual(plain(changed), plain(await loadEvalFiles(paths)));
    assert.equal(changed.dataset.n, 4, 'q4 now has every model');
    assert.ok(inSharedMemory(again) && inSharedMemory(changed), 'still in shared memory after a load from the cache and after a change');

    // Other options read again (a price table or split field changes what is kept).
    await loader.load(paths.map(stamp), { splitField: 'other' });
    assert.equal(loader.lastReread, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IncrementalLoader.load stops with an AbortError when aborted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incremental-'));
  try {
    const paths = writeFiles(dir);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(new IncrementalLoader().load(paths.map(stamp), { signal: controller.signal }), (e: Error) => e.name === 'AbortError');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Files edited one after another, each load compared, type for type and NaN for NaN, with a
 * fresh `loadEvalFiles` of the same files: edits of values alone (which the loader swaps into
 * the joined files it keeps) and edits that change ids, records, lines, messages or which file
 * holds a model (which join every file again).
 */
test('IncrementalLoader.load after each kind of edit gives what loadEvalFiles gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incremental-edits-'));
  try {
    type Row = Record<string, unknown>;
    const ids = Array.from({ length: 40 }, (_, i) => `q${i}`);
    const rows = (model: string, seed: number, extra: (i: number) => Row = () => ({})): Row[] =>
      ids.map((id, i) => ({
        id,
        model,
        correct: (i * seed) % 3 === 0 ? 1 : 0,
        confidence: -((i * 7 + seed) % 11) / 10,
        cost: 0.001 * seed,
        latency_ms: 100 + i,
        tokens_in: 10 + i,
        tokens_out: 5,
        split: i % 4 === 0 ? 'test' : 'train',
        ...extra(i),
      }));
    const text = (lines: (Row | string)[]): string => `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    const c = join(dir, 'c.jsonl');
    const paths = [a, b, c];
    const versions = new Map<string, number>();
    const write = (path: string, lines: (Row | string)[]): void => {
      writeFileSync(path, text(lines));
      versions.set(path, (versions.get(path) ?? 0) + 1);
    };
    // The editor stamps each file by size and mtime; a counter stands in for an mtime that moved.
    const stamps = (): FileStamp[] => paths.map((p) => ({ ...stamp(p), mtimeMs: stamp(p).mtimeMs + (versions.get(p) ?? 0) }));
    // a: one model; b: two models in one file; c: a model with no confidence at all.
    const noConfidence = (seed: number): Row[] => rows('m-none', seed).map(({ confidence: _c, ...r }) => r);
    write(a, rows('m-a', 1));
    write(b, [...rows('m-b1', 2), ...rows('m-b2', 3)]);
    write(c, noConfidence(4));
    const loader = new IncrementalLoader();
    const check = async (what: string, swapped: boolean): Promise<void> => {
      const got = await loader.load(stamps(), {});
      assert.deepStrictEqual(got, await loadEvalFiles(paths), what);
      assert.equal(loader.lastSwapped, swapped, `${what}: ${swapped ? 'swapped' : 'joined again'}`);
    };
    await check('the first load', false);

    write(a, rows('m-a', 5));
    await check('a file with new values', true);
    write(b, [...rows('m-b1', 6), ...rows('m-b2', 3, (i) => (i === 3 ? { cost: 0.5 } : {}))]);
    await check('a file of two models with new values', true);
    write(c, noConfidence(7));
    await check('a model without confidences, new values', true);
    write(c, noConfidence(8));
    await check('the same again (the kept join is not changed by finishing it)', true);
    write(
      a,
      rows('m-a', 5, (i) => (i === 2 ? { latency_ms: null, tokens_in: 16777217 } : {})),
    );
    await check('a latency gone and a token count a Float32 cannot hold', true);
    write(
      a,
      rows('m-a', 5, (i) => (i === 2 ? { confidence: undefined } : {})),
    );
    await check('a confidence missing (the record is rejected at the join)', true);
    write(a, rows('m-a', 9));
    await check('back to complete records', true);

    write(a, [...rows('m-a', 9).slice(0, 10), 'not json', ...rows('m-a', 9).slice(10)]);
    await check('a malformed line', false);
    write(a, [...rows('m-a', 10).slice(0, 10), 'not json', ...rows('m-a', 10).slice(10)]);
    await check('the malformed line stays, other values change', true);
    write(a, rows('m-a', 10));
    await check('the malformed line mended', false);
    write(
      a,
      rows('m-a', 10).map((r, i) => (i === 5 ? { ...r, id: 'renamed' } : r)),
    );
    await check('an id changed', false);
    write(a, rows('m-a', 10).slice(0, 39));
    await check('a record removed', false);
    write(a, [...rows('m-a', 10), { ...rows('m-a', 10)[0]!, id: 'q-extra' }]);
    await check('a record added', false);
    write(a, rows('m-a', 10));
    await check('as before', false);
    write(
      a,
      rows('m-a', 10).map((r, i) => (i === 6 ? { ...r, split: 'test' } : r)),
    );
    await check('a split label changed', false);
    write(
      a,
      rows('m-a', 10).map((r, i) => (i === 6 ? { ...r, split: 'test', correct: 1 - (r.correct as number) } : r)),
    );
    await check('a value changed after that', true);
    write(b, [...rows('m-b1', 11), ...rows('m-b2', 3)].reverse());
    await check('the same records in another order', false);
    write(b, [...rows('m-b1', 12), ...rows('m-b2', 3)].reverse());
    await check('new values in that order (not the order of the file read first)', false);
    write(b, [...rows('m-b1', 12), ...rows('m-b2', 3)]);
    await check('that order again', false);
    write(b, [...rows('m-b1', 12), ...rows('m-b2', 3), ...rows('m-a', 13).slice(0, 3)]);
    await check('a model in two files', false);
    write(a, rows('m-a', 14));
    await check('new values of a model that another file holds too', false);
    write(b, [...rows('m-b1', 12), ...rows('m-b2', 3)]);
    await check('the model in one file again', false);
    write(a, rows('m-a', 15));
    await check('values again', true);
    assert.deepStrictEqual(await loader.load(stamps(), { splitField: 'other' }), await loadEvalFiles(paths, { splitField: 'other' }), 'other options');
    assert.equal(loader.lastSwapped, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IncrementalLoader.load: a record skipped as a duplicate of another file counts for nothing in its file summary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incremental-duplicates-'));
  try {
    const line = (fields: Record<string, unknown>): string => JSON.stringify({ correct: 1, cost: 0.001, ...fields });
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    writeFileSync(a, `${[line({ id: 'q1', model: 'a', confidence: -0.1 }), line({ id: 'q2', model: 'a', confidence: -0.2 })].join('\n')}\n`);
    // b.jsonl:1 repeats a.jsonl:1 (with a latency, a split and a prompt) and is skipped; model "b" has no confidence.
    writeFileSync(b, `${[line({ id: 'q1', model: 'a', confidence: -0.3, latency_ms: 5, split: 'train', prompt: 'p' }), line({ id: 'q1', model: 'b' }), line({ id: 'q2', model: 'b' })].join('\n')}\n`);
    const got = await new IncrementalLoader().load([a, b].map(stamp), { keepPrompts: false });
    assert.deepStrictEqual(got, await loadEvalFiles([a, b], { keepPrompts: false }));
    assert.deepEqual(got.files[1]!.missing, ['latency_ms', 'tokens_in/tokens_out', 'split', 'prompt', 'confidence']);
    assert.equal(got.dataset.splitNames, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IncrementalLoader.load: a file whose records collide with an earlier file is read into the join, before and after an edit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incremental-collisions-'));
  try {
    const line = (fields: Record<string, unknown>): string => JSON.stringify({ correct: 1, cost: 0.001, confidence: -0.1, ...fields });
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    writeFileSync(a, `${[line({ id: 'q1', model: 'a' }), line({ id: 'q2', model: 'a' })].join('\n')}\n`);
    // b.jsonl:1 repeats a.jsonl:1 with a bad latency and a prompt: it is skipped, neither is read.
    writeFileSync(b, `${[line({ id: 'q1', model: 'a', latency_ms: -3, prompt: 'p' }), line({ id: 'q1', model: 'b' }), line({ id: 'q2', model: 'b' })].join('\n')}\n`);
    const loader = new IncrementalLoader();
    const got = await loader.load([a, b].map(stamp), {});
    assert.deepStrictEqual(got, await loadEvalFiles([a, b], {}));
    assert.deepEqual(
      got.issues.map((i) => [i.line, i.message.slice(0, 22)]),
      [[1, 'duplicate id "q1" for ']],
    );
    assert.equal(got.dataset.prompts, undefined);
    // a.jsonl changes in its values only (its size too, whatever the clock's resolution): its model is in b.jsonl too, so every file is joined again.
    writeFileSync(a, `${[line({ id: 'q1', model: 'a', confidence: -0.55 }), line({ id: 'q2', model: 'a' })].join('\n')}\n`);
    const again = await loader.load([a, b].map(stamp), {});
    assert.equal(loader.lastSwapped, false);
    assert.deepStrictEqual(again, await loadEvalFiles([a, b], {}));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IncrementalLoader.readAhead: a load naming the same stamp takes the read started before it; another stamp reads again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incremental-'));
  try {
    const paths = writeFiles(dir);
    const loader = new IncrementalLoader();
    await loader.load(paths.map(stamp), {});
    const edit = (correct: number) =>
      writeFileSync(
        paths[0],
        `${[record('q1', correct, -0.1, 0.001, 'train'), record('q2', 0, -0.9, 0.001, 'train'), record('q3', 1, -0.2, 0.001, 'test'), record('q4', 0, -1.5, 0.001, 'test')].join('\n')}\n`,
      );
    let tick = 0;
    const stamped = (p: string): FileStamp => (p === paths[0] ? { ...stamp(p), mtimeMs: stamp(p).mtimeMs + ++tick } : stamp(p));

    // A file read whole (no bytes kept yet) announced midway through a write: nothing is parsed ahead.
    edit(1);
    const wholeBefore = loader.wholeReads;
    loader.readAhead({ ...stamped(paths[0]), size: stamp(paths[0]).size - 10 }, {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(loader.wholeReads, wholeBefore, 'nothing parsed for a stamp taken midway');
    edit(0);
    const written = stamped(paths[0]);
    assert.deepEqual(plain(await loader.load([written, stamp(paths[1]), stamp(paths[2])], {})), plain(await loadEvalFiles(paths)));
    assert.equal(loader.lastReadAhead, 0);

    // The read ahead is taken: the file is not read a second time, and the load is a fresh load's.
    edit(0);
    const first = stamped(paths[0]);
    loader.readAhead(first, {});
    const taken = await loader.load([first, stamp(paths[1]), stamp(paths[2])], {});
    assert.equal(loader.lastReread, 1);
    assert.equal(loader.lastReadAhead, 1);
    assert.deepEqual(plain(taken), plain(await loadEvalFiles(paths)));

    // A read ahead of an older stamp is not taken: the file as the load names it is read.
    loader.readAhead(stamped(paths[0]), {});
    edit(1);
    const newer = stamped(paths[0]);
    const reread = await loader.load([newer, stamp(paths[1]), stamp(paths[2])], {});
    assert.equal(loader.lastReadAhead, 0);
    assert.deepEqual(plain(reread), plain(await loadEvalFiles(paths)));
    assert.equal(reread.dataset.models.find((m) => m.name === 'a')!.quality[0], 1, 'the edit is in the load');

    // Nor one read with other options.
    edit(0);
    const other = stamped(paths[0]);
    loader.readAhead(other, { splitField: 'other' });
    await loader.load([other, stamp(paths[1]), stamp(paths[2])], {});
    assert.equal(loader.lastReadAhead, 0);

    // A load stopped while it waits for the read ahead leaves it to the next load.
    edit(1);
    const last = stamped(paths[0]);
    loader.readAhead(last, {});
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(loader.load([last, stamp(paths[1]), stamp(paths[2])], { signal: controller.signal }), (e: Error) => e.name === 'AbortError');
    const after = await loader.load([last, stamp(paths[1]), stamp(paths[2])], {});
    assert.equal(loader.lastReadAhead, 1);
    assert.deepEqual(plain(after), plain(await loadEvalFiles(paths)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IncrementalLoader.load: a file first read on a worker thread (its ids come back as a Uint8Array, not a Buffer) is swapped in at its next change, as a file read in this thread is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incremental-worker-'));
  const script = await buildLoadWorker(dir);
  try {
    // Every query in every file, in the same order: the second half of the files goes to the worker.
    const ids = Array.from({ length: 40 }, (_, i) => `q${i}`);
    const write = (model: string, flip = -1) =>
      writeFileSync(
        join(dir, `${model}.jsonl`),
        `${ids.map((id, i) => JSON.stringify({ id, model, correct: (i % 3 === 0) !== (i === flip) ? 1 : 0, confidence: -i / 40, cost: 0.001 * (model.length + 1) })).join('\n')}\n`,
      );
    const models = ['a', 'bb', 'ccc', 'dddd'];
    for (const m of models) write(m);
    const paths = models.map((m) => join(dir, `${m}.jsonl`));
    configureParallelLoading({ script, minBytes: 1, minCores: 1 });
    const loader = new IncrementalLoader();
    const first = await loader.load(paths.map(stamp), {});
    assert.deepEqual(plain(first), plain(await loadEvalFiles(paths)));
    // The last file (read by the worker) changes one answer: swapped into the join kept, as a file read here would be.
    write('dddd', 7);
    const last = paths[3]!;
    const changed = await loader.load(
      paths.map((p) => (p === last ? { ...stamp(p), mtimeMs: stamp(p).mtimeMs + 1 } : stamp(p))),
      {},
    );
    assert.equal(loader.lastReread, 1);
    assert.equal(loader.lastSwapped, true, 'the changed file swapped in');
    configureParallelLoading({ script: undefined });
    assert.deepEqual(plain(changed), plain(await loadEvalFiles(paths)));
  } finally {
    configureParallelLoading({ script: undefined });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IncrementalLoader.load: one worker reads its files each into a collection of its own; those it could not send, it stopping midway, are read here; a path it cannot open fails the load', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incremental-each-'));
  const script = await buildLoadWorker(dir);
  // Each worker started, and each file it sends, adds a line to the log.
  const log = join(dir, 'worker.log');
  const wrapped = (name: string, after: string): string => {
    const path = join(dir, name);
    writeFileSync(
      path,
      `const fs = require('node:fs');
const { parentPort } = require('node:worker_threads');
fs.appendFileSync(${JSON.stringify(log)}, 'started\\n');
const post = parentPort.postMessage.bind(parentPort);
parentPort.postMessage = (m, transfer) => {
  if (m.kind === 'file') fs.appendFileSync(${JSON.stringify(log)}, 'file ' + m.index + '\\n');
  post(m, transfer);
  ${after}
};
require(${JSON.stringify(script)});
`,
    );
    return path;
  };
  const logged = (): string[] => readFileSync(log, 'utf8').trim().split('\n');
  try {
    const ids = Array.from({ length: 30 }, (_, i) => `q${i}`);
    const models = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff'];
    for (const [m, model] of models.entries()) {
      writeFileSync(join(dir, `${model}.jsonl`), ids.map((id, i) => JSON.stringify({ id, model, correct: (i + m) % 3 === 0 ? 1 : 0, confidence: -i / 30, cost: 0.001 * (m + 1) })).join('\n'));
    }
    const paths = models.map((m) => join(dir, `${m}.jsonl`));
    const want = plain(await loadEvalFiles(paths));

    // One worker for the second half: it sends its three files one by one.
    configureParallelLoading({ script: wrapped('each-worker.js', ''), minBytes: 1, minCores: 1 });
    assert.deepEqual(plain(await new IncrementalLoader().load(paths.map(stamp), {})), want);
    assert.deepEqual(logged(), ['started', 'file 0', 'file 1', 'file 2']);

    // A worker that stops after its first file: the two others are read here.
    writeFileSync(log, '');
    configureParallelLoading({ script: wrapped('stopping-worker.js', "if (m.kind === 'file') process.exit(3);") });
    assert.deepEqual(plain(await new IncrementalLoader().load(paths.map(stamp), {})), want);
    assert.deepEqual(logged(), ['started', 'file 0']);

    // A path the worker cannot open (a folder named like a file): the load fails, naming it.
    const folder = join(dir, 'gggg.jsonl');
    mkdirSync(folder);
    configureParallelLoading({ script });
    await assert.rejects(new IncrementalLoader().load([...paths, folder].map(stamp), {}), (e: Error) => e.message.includes('gggg.jsonl'));
  } finally {
    configureParallelLoading({ script: undefined });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IncrementalLoader.load: a file changed again in a few values is parsed only where it changed, with what loadEvalFiles gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incremental-patch-'));
  try {
    const rows = (seed: number, flip: number[]) => Array.from({ length: 30 }, (_, i) => record(`q${i}`, flip.includes(i) ? 1 : 0, -((i * 7 + seed) % 11) / 10, 0.001, i % 3 === 0 ? 'test' : 'train'));
    const paths = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
    // The editor stamps each file by size and mtime; a counter stands in for an mtime that moved.
    const versions = new Map<string, number>();
    const write = (path: string, lines: string[]): void => {
      writeFileSync(path, `${lines.join('\n')}\n`);
      versions.set(path, (versions.get(path) ?? 0) + 1);
    };
    const stamps = (): FileStamp[] => paths.map((p) => ({ ...stamp(p), mtimeMs: stamp(p).mtimeMs + (versions.get(p) ?? 0) }));
    write(paths[0]!, rows(1, []));
    write(paths[1]!, rows(2, []));
    const loader = new IncrementalLoader();
    await loader.load(stamps(), {});
    // The first change is read whole (its bytes kept); the next ones only where they changed.
    for (const [i, flip] of [[1], [1, 5], [1, 5, 28], [5]].entries()) {
      write(paths[0]!, rows(1, flip));
      const got = await loader.load(stamps(), {});
      assert.deepStrictEqual(got, await loadEvalFiles(paths), `change ${i}`);
      assert.equal(loader.patchedReads, i, `change ${i}: reads patched so far`);
    }
    // Read ahead, as the editor does when it sees the change.
    write(paths[0]!, rows(1, [2]));
    loader.readAhead(stamps()[0]!, {});
    assert.deepStrictEqual(await loader.load(stamps(), {}), await loadEvalFiles(paths));
    assert.equal(loader.lastReadAhead, 1);
    assert.equal(loader.patchedReads, 4);
    // A line added: read whole, and the next value edit patched again.
    write(paths[0]!, [...rows(1, [2]), record('q-new', 1, -0.5, 0.001, 'train')]);
    assert.deepStrictEqual(await loader.load(stamps(), {}), await loadEvalFiles(paths));
    assert.equal(loader.patchedReads, 4);
    write(paths[0]!, [...rows(1, [3]), record('q-new', 1, -0.5, 0.001, 'train')]);
    assert.deepStrictEqual(await loader.load(stamps(), {}), await loadEvalFiles(paths));
    assert.equal(loader.patchedReads, 5);
    // The file emptied as a write begins, seen and announced then, and written: still patched.
    write(paths[0]!, []);
    writeFileSync(paths[0]!, '');
    loader.readAhead(stamps()[0]!, {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    write(paths[0]!, [...rows(1, [4]), record('q-new', 1, -0.5, 0.001, 'train')]);
    loader.readAhead(stamps()[0]!, {});
    assert.deepStrictEqual(await loader.load(stamps(), {}), await loadEvalFiles(paths));
    assert.equal(loader.patchedReads, 6, 'patched after the file was seen empty');
    // The file loaded empty, then written again: patched against the bytes kept before it was emptied.
    writeFileSync(paths[0]!, '');
    versions.set(paths[0]!, (versions.get(paths[0]!) ?? 0) + 1);
    assert.deepStrictEqual(await loader.load(stamps(), {}), await loadEvalFiles(paths));
    write(paths[0]!, [...rows(1, [6]), record('q-new', 1, -0.5, 0.001, 'train')]);
    assert.deepStrictEqual(await loader.load(stamps(), {}), await loadEvalFiles(paths));
    assert.equal(loader.patchedReads, 7, 'patched after an empty load');
    // Announced midway through a write (the stamp's size is not the file's): the read ahead stops
    // before any parse, and the load reads the file as its stamp names it.
    write(paths[0]!, [...rows(1, [8]), record('q-new', 1, -0.5, 0.001, 'train')]);
    const midway = { ...stamps()[0]!, size: stamps()[0]!.size - 100 };
    const [patchedBefore, wholeBefore] = [loader.patchedReads, loader.wholeReads];
    assert.equal(patchedBefore, 7);
    loader.readAhead(midway, {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual([loader.patchedReads, loader.wholeReads], [patchedBefore, wholeBefore], 'nothing parsed for a stamp taken midway');
    assert.deepStrictEqual(await loader.load(stamps(), {}), await loadEvalFiles(paths));
    assert.equal(loader.lastReadAhead, 0);
    assert.equal(loader.patchedReads, 8, 'the load patched it');
    // Other options: the bytes kept under the first are not used.
    assert.deepStrictEqual(await loader.load(stamps(), { splitField: 'other' }), await loadEvalFiles(paths, { splitField: 'other' }));
    assert.equal(loader.patchedReads, 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IncrementalLoader.packFirstReads: the first change of a file read whole is parsed only where it changed, with what loadEvalFiles gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incremental-pack-'));
  try {
    const rows = (seed: number, flip: number[]) => Array.from({ length: 40 }, (_, i) => record(`q${i}`, flip.includes(i) ? 1 : 0, -((i * 7 + seed) % 11) / 10, 0.001, i % 3 === 0 ? 'test' : 'train'));
    const paths = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl'), join(dir, 'c.jsonl')];
    const versions = new Map<string, number>();
    const write = (path: string, lines: string[]): void => {
      writeFileSync(path, `${lines.join('\n')}\n`);
      versions.set(path, (versions.get(path) ?? 0) + 1);
    };
    const stamps = (): FileStamp[] => paths.map((p) => ({ ...stamp(p), mtimeMs: stamp(p).mtimeMs + (versions.get(p) ?? 0) }));
    paths.forEach((p, i) => write(p, rows(i, [])));
    // Settled: unchanged for longer than the loader asks before it first looks.
    await new Promise((resolve) => setTimeout(resolve, 60));
    const loader = new IncrementalLoader({ settledMs: 20 });
    await loader.load(stamps(), {});
    assert.equal(loader.packedFiles, 0, 'nothing packed during the load');
    // c changes after the load read it, before the packing: the same size, so only the file system's times tell.
    write(paths[2]!, rows(2, [0]));
    assert.equal(statSync(paths[2]!).size, stamps()[2]!.size);
    // Stopped (a job came), at once and then midway through a file: what is left is packed when it goes on.
    const stopped = loader.packFirstReads();
    loader.stopPacking();
    await stopped;
    assert.equal(loader.packedFiles, 0, 'stopped before its first file');
    const midway = loader.packFirstReads();
    await new Promise((resolve) => setImmediate(resolve));
    loader.stopPacking();
    await midway;
    await loader.packFirstReads();
    assert.equal(loader.packedFiles, 2, 'a and b packed; c, changed since the load read it, not');

    // a's first change: patched against its packed bytes; c, changed before the packing, read whole as it is now.
    write(paths[0]!, rows(0, [3]));
    assert.deepStrictEqual(await loader.load(stamps(), {}), await loadEvalFiles(paths), 'first change of a, and c');
    assert.deepEqual([loader.lastReread, loader.lastPatched], [2, 1]);
    assert.deepEqual([loader.patchedReads, loader.patchedFromPacked, loader.wholeReads], [1, 1, 4]);
    assert.equal(loader.packedFiles, 1, "a's packed bytes go with the collection read from them; b's stay");
    // a's next change: against the bytes kept from that read.
    write(paths[0]!, rows(0, [3, 9]));
    assert.deepStrictEqual(await loader.load(stamps(), {}), await loadEvalFiles(paths), 'second change of a');
    assert.deepEqual([loader.patchedReads, loader.patchedFromPacked, loader.wholeReads], [2, 1, 4]);
    // b's first change adds a line: read whole.
    write(paths[1]!, [...rows(1, []), record('q-new', 1, -0.5, 0.001, 'train')]);
    assert.deepStrictEqual(await loader.load(stamps(), {}), await loadEvalFiles(paths), 'a line added to b');
    assert.deepEqual([loader.patchedReads, loader.patchedFromPacked, loader.wholeReads], [2, 1, 5]);
    assert.equal(loader.packedFiles, 0);

    // Files changed within the settling time before the load are not packed.
    const fresh = new IncrementalLoader();
    await fresh.load(stamps(), {});
    await fresh.packFirstReads();
    assert.equal(fresh.packedFiles, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
