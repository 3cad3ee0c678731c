/**
 * Loading for the analysis worker that re-reads only the files that changed. Each file is read
 * into a collector of its own and kept as the loader's partial collection (columns as typed
 * arrays), keyed by path, size, mtime and the load options; a load joins the partials of every
 * file in order with `Collector.absorb`, which gives what one collector reading all the files
 * would. Files not cached are read as the loader reads them: half of the bytes on a second core
 * when that is worth it. No editor API here.
 */
import { Collector } from '../core/load/collector.ts';
import type { PartialCollection } from '../core/load/transfer.ts';
import { filesForThisThread, startWorkerRead, WorkerCrash } from '../core/load/parallel.ts';
import { collectorOptionsOf, readFiles } from '../core/load/readFiles.ts';
import type { LoadOptions } from '../core/options.ts';
import type { LoadResult } from '../core/types.ts';

export interface FileStamp {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Per-file collections kept at most (least recently used go first). */
const MAX_CACHED_FILES = 256;

/**
 * A copy of a cached collection for `Collector.absorb`, which may take its columns over and
 * change them: the typed arrays are copied; strings, issues and embeddings, which nothing
 * changes, are shared (a second copy of every prompt would double their memory). O(n k).
 */
function consumable(p: PartialCollection): PartialCollection {
  return {
    ...p,
    models: p.models.map((m) => ({
      ...m,
      quality: m.quality.slice(),
      confidence: m.confidence.slice(),
      cost: m.cost.slice(),
      line: m.line.slice(),
      file: m.file.slice(),
      ...(m.latencyMs ? { latencyMs: m.latencyMs.slice() } : {}),
      ...(m.tokensIn ? { tokensIn: m.tokensIn.slice() } : {}),
      ...(m.tokensOut ? { tokensOut: m.tokensOut.slice() } : {}),
      ...(m.tokensReasoning ? { tokensReasoning: m.tokensReasoning.slice() } : {}),
      ...(m.tokensCached ? { tokensCached: m.tokensCached.slice() } : {}),
      ...(m.costFrom ? { costFrom: m.costFrom.slice() } : {}),
      ...(m.split ? { split: m.split.slice() } : {}),
    })),
  };
}

export class IncrementalLoader {
  /** By path: the stamp and options it was read with, and what was read. */
  private readonly partials = new Map<string, { readonly key: string; readonly partial: PartialCollection }>();

  /** Files read from disk by the last `load` (the others came from the cache). */
  lastReread = 0;

  /**
   * Loads `files` in order, reading only those whose path, size or mtime changed since they
   * were last read with the same options. Same result as `loadEvalFiles` on the same paths.
   * @throws Error naming a path that cannot be read; an AbortError when `options.signal` aborts.
   */
  async load(files: readonly FileStamp[], options: LoadOptions): Promise<LoadResult> {
    const optionsKey = JSON.stringify([
      options.prices ? [...options.prices] : null,
      options.priceProvider ?? null,
      options.splitField ?? null,
      options.maxLineBytes ?? null,
      options.keepPrompts ?? null,
      options.confidenceSignal ?? null,
      options.keepResponses ?? null,
      options.estimateTokens ?? null,
    ]);
    const keys = files.map((f) => JSON.stringify([f.size, f.mtimeMs, optionsKey]));
    const missing = files.filter((f, i) => this.partials.get(f.path)?.key !== keys[i]);
    const read = await this.readEach(missing, options);
    missing.forEach((f, i) => this.remember(f.path, keys[files.indexOf(f)], read[i]));
    this.lastReread = missing.length;

    const joined = new Collector(collectorOptionsOf(options));
    for (const f of files) {
      const cached = this.partials.get(f.path)!;
      joined.absorb(consumable(cached.partial));
      this.touch(f.path, cached);
    }
    return joined.finish();
  }

  /** Reads each file into a partial collection of its own; a share of the bytes on a second core. */
  private async readEach(files: readonly FileStamp[], options: LoadOptions): Promise<PartialCollection[]> {
    if (files.length === 0) return [];
    const { signal, onProgress } = options;
    const bytesTotal = files.reduce((s, f) => s + f.size, 0);
    let bytesRead = 0;
    const progress = (bytes: number): void => {
      bytesRead += bytes;
      onProgress?.(bytesRead, bytesTotal);
    };
    const readHere = async (file: FileStamp): Promise<PartialCollection> => {
      // Split labels are checked when the partials are joined, across files, as absorb expects.
      const collector = new Collector(collectorOptionsOf(options, { deferSplitChecks: true }));
      await readFiles(collector, [file], options, progress, signal);
      return collector.exportPartial();
    };
    const readThere = async (file: FileStamp): Promise<PartialCollection> => {
      const worker = startWorkerRead([file], options, progress);
      const stop = () => worker.terminate();
      signal?.addEventListener('abort', stop, { once: true });
      try {
        return await worker.result;
      } catch (e) {
        if (signal?.aborted) throw e;
        if (!(e instanceof WorkerCrash)) throw e;
        return readHere(file);
      } finally {
        signal?.removeEventListener('abort', stop);
        worker.terminate();
      }
    };
    const own = filesForThisThread(files);
    const out: PartialCollection[] = new Array(files.length);
    const here = (async () => {
      for (let i = 0; i < own; i++) out[i] = await readHere(files[i]);
    })();
    const there = (async () => {
      for (let i = own; i < files.length; i++) out[i] = await readThere(files[i]);
    })();
    await Promise.all([here, there]);
    return out;
  }

  /** Forgets the files `keep` says no: their collections can be collected. O(cached files). */
  retain(keep: (path: string) => boolean): void {
    for (const path of [...this.partials.keys()]) if (!keep(path)) this.partials.delete(path);
  }

  private remember(path: string, key: string, partial: PartialCollection): void {
    this.touch(path, { key, partial });
    while (this.partials.size > MAX_CACHED_FILES) this.partials.delete(this.partials.keys().next().value!);
  }

  /** Most recently used last. */
  private touch(path: string, entry: { readonly key: string; readonly partial: PartialCollection }): void {
    this.partials.delete(path);
    this.partials.set(path, entry);
  }
}
