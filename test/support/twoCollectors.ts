import assert from 'node:assert/strict';
import { Collector } from '../../src/core/load/collector.ts';
import { collectorOptionsOf, joinOrRead, readFiles } from '../../src/core/load/readFiles.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import type { LoadOptions } from '../../src/core/options.ts';
import type { LoadResult } from '../../src/core/types.ts';

/** Reads `files[0..own)` into one collector and the rest into another, then joins them as the worker path does. */
export async function inTwoCollectors(files: readonly string[], own: number, options: LoadOptions = {}): Promise<LoadResult> {
  const main = new Collector(collectorOptionsOf(options));
  const other = new Collector(collectorOptionsOf(options, { deferSplitChecks: true }));
  await readFiles(
    main,
    files.slice(0, own).map((path) => ({ path })),
    options,
    () => {},
  );
  await readFiles(
    other,
    files.slice(own).map((path) => ({ path })),
    options,
    () => {},
  );
  await joinOrRead(main, other.exportPartial(), options);
  return main.finish();
}

/** Reads each file into a collector of its own, then joins them in order into a fresh one, as the editor's incremental load does. */
export async function inFileCollectors(files: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const joined = new Collector(collectorOptionsOf(options));
  for (const path of files) {
    const one = new Collector(collectorOptionsOf(options, { deferSplitChecks: true }));
    await readFiles(one, [{ path }], options, () => {});
    await joinOrRead(joined, one.exportPartial(), options);
  }
  return joined.finish();
}

/**
 * Loads the files in one collector, then checks that every other way of reading them gives the
 * same whole result: two collectors cut after each file (the worker thread's path) and one
 * collector per file joined (the editor's incremental load). Returns the result.
 */
export async function sameEveryWay(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const one = await loadEvalFiles(paths, options);
  for (let own = 1; own < paths.length; own++) assert.deepStrictEqual(await inTwoCollectors(paths, own, options), one, `cut after ${own} files`);
  assert.deepStrictEqual(await inFileCollectors(paths, options), one, 'one collector per file');
  return one;
}
