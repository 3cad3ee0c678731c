import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import type { LoadResult } from '../../src/core/types.ts';
import { IncrementalLoader, type FileStamp } from '../../src/extension/incrementalLoad.ts';

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
