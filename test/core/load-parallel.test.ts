/**
 * Reading on two cores gives what reading in one thread gives: the same dataset, file
 * summaries and issues, whether the second half of the files goes to a real worker thread
 * (started by the loader, or ahead by the command line's entry point) or to a second collector
 * in this thread, and when the worker fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureParallelLoading, loadEvalFiles } from '../../src/core/load/index.ts';
import { adoptStandbyWorker } from '../../src/core/load/parallel.ts';
import { namedFiles, startLoadWorker } from '../../src/cli/standby.ts';
import { SECOND_THREAD } from '../../src/core/load/secondThread.ts';
import { inTwoCollectors } from '../support/twoCollectors.ts';
import { repoRoot } from '../support/paths.ts';
import { buildLoadWorker } from '../support/loadWorker.ts';
import { record, tempFolder } from '../fixtures/load/tempFiles.ts';

/** Files that exercise the join across the two halves: shared and missing ids, duplicates, prompts, tokens, bad lines. */
function sample(): string[] {
  const lines = (model: string, ids: string[], extra: (id: string, i: number) => Record<string, unknown> = () => ({})): string =>
    ids.map((id, i) => record({ id, model, confidence: -i / 10, cost: 0.001 * (i + 1), ...extra(id, i) })).join('\n');
  const dir = tempFolder({
    'a.jsonl': `${lines('a', ['q1', 'q2', 'q3', 'q4'], (id) => ({ prompt: `prompt of ${id}`, latency_ms: 10, split: 'train' }))}\n${record({ id: 'q6', model: 'a', confidence: undefined, latency_ms: 5 })}`,
    'b.jsonl': `${lines('b', ['q2', 'q1', 'q3', 'q5'], () => ({ split: 'train' }))}\n{"id": broken}`,
    // q5's first prompt breaks JSON's string rules: the query goes without one, on either side of the cut.
    'c.jsonl': lines('c', ['q1', 'q2', 'q3', 'q4', 'q5'], (id) => ({ tokens_in: 10, tokens_out: 2, prompt: `c prompt of ${id}`, ...(id === 'q5' ? { split: 'test' } : {}) })).replace(
      'c prompt of q5',
      'c prompt \\q of q5',
    ),
    // Model "a" again, in the other half: q1 is a duplicate of a.jsonl:1.
    // q6 of model "a" has no confidence in a.jsonl and one here: this record is the one kept, on either side of the cut.
    'd.jsonl': [record({ id: 'q5', model: 'a' }), record({ id: 'q1', model: 'a' }), record({ id: 'q6', model: 'a' })].join('\n'),
    // Split labels that disagree within and across the halves: q1 and q2 in e, q5 between b and c.
    'e.jsonl': lines('e', ['q3', 'q2', 'q1', 'q4', 'q5', 'q6'], (id, i) => ({ correct: undefined, score: i / 10, split: id === 'q1' || id === 'q2' ? 'test' : 'train' })),
  });
  return ['a', 'b', 'c', 'd', 'e'].map((m) => join(dir, `${m}.jsonl`));
}

test('two collectors joined give the result of one, for every place the files are cut', async () => {
  const files = sample();
  const one = await loadEvalFiles(files);
  assert.ok(one.issues.length >= 3, 'the sample has problems to compare');
  assert.equal(one.issues.filter((i) => i.message.startsWith('split ')).length, 3, 'split disagreements to compare');
  assert.equal(one.dataset.undecodablePrompts?.[one.dataset.ids.indexOf('q5')], 1, 'an undecodable prompt to compare');
  assert.ok(
    one.issues.some((i) => i.file.endsWith('a.jsonl') && i.line === 5 && i.message.startsWith('"confidence" is missing')),
    'a record without a confidence that gives way to its duplicate',
  );
  for (let own = 1; own < files.length; own++) {
    const two = await inTwoCollectors(files, own);
    assert.deepEqual(two.dataset, one.dataset, `cut after ${own} files`);
    assert.deepEqual(two.files, one.files, `cut after ${own} files`);
    assert.deepEqual(two.issues, one.issues, `cut after ${own} files`);
  }
});

test('two collectors joined, on the reference data, without prompts', async () => {
  const dir = join(repoRoot, 'examples/mmlu');
  const files = ['gpt-4o', 'gpt-4o-mini', 'llama3.1-8b', 'llama3.2-1b'].map((m) => join(dir, `${m}.jsonl`));
  const one = await loadEvalFiles(files, { keepPrompts: false });
  const two = await inTwoCollectors(files, 2, { keepPrompts: false });
  assert.deepEqual(two.dataset, one.dataset);
  assert.deepEqual(two.files, one.files);
});

test('a real worker thread gives the result of one thread; a failing worker is replaced by this thread', async () => {
  const out = mkdtempSync(join(tmpdir(), 'cf-load-worker-'));
  const script = await buildLoadWorker(out);
  const files = sample();
  try {
    configureParallelLoading({ script: undefined });
    const one = await loadEvalFiles(files);
    // The worker leaves a mark, to be sure the second half was read by it.
    const marked = join(out, 'marked-worker.js');
    const mark = join(out, 'worker-ran');
    writeFileSync(marked, `require('node:fs').writeFileSync(${JSON.stringify(mark)}, 'yes');\nrequire(${JSON.stringify(script)});\n`);
    configureParallelLoading({ script: marked, minBytes: 1, minCores: 1 });
    const progress: number[] = [];
    const two = await loadEvalFiles(files, { onProgress: (read) => progress.push(read) });
    assert.ok(existsSync(mark), 'the worker ran');
    assert.deepEqual(two.dataset, one.dataset);
    assert.deepEqual(two.files, one.files);
    assert.deepEqual(two.issues, one.issues);
    assert.ok(progress.length > 0);

    // Files whose records collide across the two halves: the second half is read again here, and the result is still one thread's.
    const dir = tempFolder({
      'a.jsonl': ['q1', 'q2'].map((id) => record({ id, model: 'a' })).join('\n'),
      'b.jsonl': [record({ id: 'q1', model: 'a', latency_ms: -3, prompt: 'p' }), record({ id: 'q1', model: 'b' }), record({ id: 'q2', model: 'b' })].join('\n'),
    });
    const colliding = ['a.jsonl', 'b.jsonl'].map((f) => join(dir, f));
    configureParallelLoading({ script: undefined });
    const oneThread = await loadEvalFiles(colliding);
    configureParallelLoading({ script: marked, minBytes: 1, minCores: 1 });
    const twoThreads = await loadEvalFiles(colliding);
    assert.deepEqual(twoThreads, oneThread);
    assert.deepEqual(
      oneThread.issues.map((i) => i.message.slice(0, 22)),
      ['duplicate id "q1" for '],
    );

    const broken = join(out, 'broken-worker.js');
    writeFileSync(broken, 'throw new Error("a fault of the worker");\n');
    configureParallelLoading({ script: broken });
    const three = await loadEvalFiles(files);
    assert.deepEqual(three.dataset, one.dataset);
    assert.deepEqual(three.issues, one.issues);
  } finally {
    configureParallelLoading({ script: undefined });
  }
});

test("namedFiles: the files named and a folder's own files, not options, values or folders below, counted until enough", () => {
  const dir = tempFolder({ 'a.jsonl': 'x'.repeat(100), 'b.jsonl': 'y'.repeat(50) });
  mkdirSync(join(dir, 'below'));
  writeFileSync(join(dir, 'below', 'c.jsonl'), 'z'.repeat(1000));
  const all = { files: Infinity, bytes: Infinity };
  assert.deepEqual(namedFiles([join(dir, 'a.jsonl')], all), { files: 1, bytes: 100 });
  assert.deepEqual(namedFiles([dir], all), { files: 2, bytes: 150 });
  assert.deepEqual(namedFiles(['--budget', '0.0002', dir, '--json', join(dir, 'nowhere.jsonl')], all), { files: 2, bytes: 150 });
  assert.deepEqual(namedFiles([join(dir, 'below'), join(dir, 'b.jsonl')], all), { files: 2, bytes: 1050 });
  assert.deepEqual(namedFiles([join(dir, 'below'), dir], { files: 1, bytes: 1000 }), { files: 1, bytes: 1000 }, 'stops once enough');
  assert.deepEqual(namedFiles([], all), { files: 0, bytes: 0 });
});

test('a load worker started ahead: only for a loading command on enough bytes; the loader sends it its job, with the result of one thread, and does without it when it has stopped or fails', async () => {
  const out = mkdtempSync(join(tmpdir(), 'cf-standby-'));
  const script = await buildLoadWorker(out);
  // Each worker started adds a line to the log, then runs the real worker.
  const log = join(out, 'started.log');
  const marked = join(out, 'marked-worker.js');
  writeFileSync(marked, `require('node:fs').appendFileSync(${JSON.stringify(log)}, 'worker\\n');\nrequire(${JSON.stringify(script)});\n`);
  const started = (): number => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').length - 1 : 0);
  const files = sample();
  const big = join(out, 'big.jsonl');
  writeFileSync(big, '');
  truncateSync(big, SECOND_THREAD.minBytes);
  const other = join(out, 'other.jsonl');
  writeFileSync(other, '{}');

  // Which commands and inputs start one (the real script's folder: the test's bundle).
  assert.equal(startLoadWorker(['analyze', ...files], out), undefined, 'a small input');
  assert.equal(startLoadWorker(['check', big, other], out), undefined, 'not a command that reads files named on the command line');
  assert.equal(startLoadWorker(['analyze', big], out), undefined, 'one file, which the loader reads in one thread');
  const ahead = startLoadWorker(['analyze', '--budget', '0.0002', big, other], out);
  assert.ok(ahead, 'a loading command on two files of 16 MB');
  assert.equal(ahead.script, script);
  await ahead.worker.terminate();

  try {
    configureParallelLoading({ script: undefined });
    const one = await loadEvalFiles(files);
    configureParallelLoading({ script: marked, minBytes: 1, minCores: 1 });
    const ready = (): Promise<void> =>
      new Promise((resolve) => {
        const poll = (): void => void (started() > 0 ? resolve() : setTimeout(poll, 5));
        poll();
      });

    // Adopted and booted: the load sends it the job and starts no other worker.
    const standby = new Worker(marked);
    let exited = false;
    standby.once('exit', () => (exited = true));
    adoptStandbyWorker(standby, marked, () => exited);
    await ready();
    const two = await loadEvalFiles(files);
    assert.equal(started(), 1, 'no worker besides the one started ahead');
    assert.deepEqual(two.dataset, one.dataset);
    assert.deepEqual(two.files, one.files);
    assert.deepEqual(two.issues, one.issues);
    // Used once: the next load starts its own.
    await loadEvalFiles(files);
    assert.equal(started(), 2);

    // Stopped before it was adopted: not adopted; stopped after: forgotten. The load starts its own either way.
    for (const when of ['before', 'after']) {
      const gone = new Worker(marked);
      let stopped = false;
      gone.once('exit', () => (stopped = true));
      if (when === 'before') await gone.terminate();
      adoptStandbyWorker(gone, marked, () => stopped);
      if (when === 'after') {
        await gone.terminate();
        await new Promise((resolve) => setImmediate(resolve));
      }
      const before = started();
      const again = await loadEvalFiles(files);
      assert.ok(started() > before, `stopped ${when} it was adopted: the load started a worker`);
      assert.deepEqual(again.dataset, one.dataset);
    }

    // A worker that fails on its job: the files are read again in this thread.
    const failing = join(out, 'failing-worker.js');
    writeFileSync(failing, "require('node:worker_threads').parentPort.once('message', () => process.exit(3));\n");
    configureParallelLoading({ script: failing });
    const faulty = new Worker(failing);
    adoptStandbyWorker(faulty, failing, () => false);
    const three = await loadEvalFiles(files);
    assert.deepEqual(three.dataset, one.dataset);
    assert.deepEqual(three.issues, one.issues);
    assert.equal(faulty.threadId, -1, 'the failing worker has stopped');
  } finally {
    configureParallelLoading({ script: undefined });
  }
});
