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
