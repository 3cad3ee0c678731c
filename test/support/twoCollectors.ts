import { Collector } from '../../src/core/load/collector.ts';
import { collectorOptionsOf, readFiles } from '../../src/core/load/readFiles.ts';
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
  main.absorb(other.exportPartial());
  return main.finish();
}

/** Reads each file into a collector of its own, then joins them in order into a fresh one, as the editor's incremental load does. */
export async function inFileCollectors(files: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const joined = new Collector(collectorOptionsOf(options));
  for (const path of files) {
    const one = new Collector(collectorOptionsOf(options, { deferSplitChecks: true }));
    await readFiles(one, [{ path }], options, () => {});
    joined.absorb(one.exportPartial());
  }
  return joined.finish();
}
