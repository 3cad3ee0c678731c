/**
 * Loading evaluation files into a joined, columnar `Dataset`.
 *
 * How it fits together:
 * - `loadEvalFiles` expands folders (`discover.ts`: their `*.jsonl`, `*.csv`, ... files and
 *   the `.gz` of those, and below them the layouts harnesses write), opens each file as a stream (gzip recognised by its magic
 *   bytes), and picks a reader by content.
 * - A reader (`FormatReader`, see `readers.ts`) turns a file into `RawRecord`s with line
 *   numbers and hands them to a `RecordSink`. Built in: JSON Lines (`jsonl.ts`, a byte-level
 *   field scanner with a `JSON.parse` fallback), CSV, long and wide (`csv.ts`), and the
 *   harness adapters of `../adapters` (`harness.ts`): asked first when a file's content
 *   carries a harness's signature, last when only its name suggests one.
 * - The sink is the `Collector` (`collector.ts`): the one place where values are checked
 *   and stored into per-model typed arrays indexed by query, and where every record-level
 *   message is produced (texts in `messages.ts`). It joins the models on `id` at the end.
 * - With two or more files and enough bytes, the second half of the files is read at the
 *   same time on another core by a worker thread with its own collector (`parallel.ts`,
 *   `worker.ts`); the calling thread's collector then absorbs its columns, or, when records of
 *   the two halves collide (duplicates across files), reads the second half itself. The result
 *   is the same as reading everything in one thread.
 *
 * Plugging in another format (an adapter for another tool's output): implement
 * `FormatReader` and call `registerReader(reader)` before loading. Registered readers are
 * asked before the built-in ones, in registration order; the first whose `detect` accepts
 * the file's first 64 KiB reads it. Its `extensions` decide which files of a folder are
 * picked up. A reader reports lines it cannot read with `sink.reject(line, problem)`
 * (`makeProblem` builds one) and leaves value checks to the sink.
 *
 * Bad input never throws: each problem becomes an `InputIssue` (`file:line: message`, see
 * `formatIssue` in core/format) and the good records load. Only an unusable invocation throws: no input,
 * a path that cannot be read, a folder without evaluation files.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LoadOptions } from '../options.ts';
import type { FolderSummary, LoadResult } from '../types.ts';
import { Collector } from './collector.ts';
import { discoverFolder } from './discover.ts';
import { abortError } from './input.ts';
import * as M from './messages.ts';
import { filesForThisThread, startWorkerRead, WorkerCrash, type WorkerRead } from './parallel.ts';
import { describeFsError } from './prices.ts';
import { collectorOptionsOf, joinOrRead, readFiles, UnreadableInput } from './readFiles.ts';
import { formatReaders } from './readers.ts';

export { summarizeIssues } from './issues.ts';
/** Re-exported for the loader's callers; defined in core/format with the rest of the vocabulary. */
export { formatIssue } from '../format/issue.ts';
export { parsePriceTable, loadPriceTable } from './prices.ts';
export { registerReader, formatReaders, firstContentByte } from './readers.ts';
export type { FormatReader, ReaderInput, ReaderOptions } from './readers.ts';
export { DeferredText } from './deferredText.ts';
export type { RecordSink } from './sink.ts';
export { makeProblem } from './messages.ts';
export { modelNameOfFile, DEFAULT_MAX_LINE_BYTES } from './readFiles.ts';
export { configureParallelLoading } from './parallel.ts';
export { discoverFolder, withoutSuperseded, LAYOUTS } from './discover.ts';
export type { Problem } from './messages.ts';

/**
 * Files named by `inputs`, folders expanded (see `discoverFolder`: the folder's own files, and
 * the harness layouts below it), with their sizes; and what each folder held.
 */
async function expandInputs(inputs: readonly string[]): Promise<{ files: { path: string; size: number }[]; folders: FolderSummary[] }> {
  const out: { path: string; size: number }[] = [];
  const folders: FolderSummary[] = [];
  const seen = new Set<string>();
  const add = (path: string, size: number): void => {
    const key = resolve(path);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, size });
  };
  for (const input of inputs) {
    let s;
    try {
      s = await stat(input);
    } catch (e) {
      throw new UnreadableInput(M.unreadablePath(input, describeFsError(e)));
    }
    if (!s.isDirectory()) {
      add(input, s.size);
      continue;
    }
    const extensions = formatReaders().flatMap((r) => r.extensions);
    let found;
    try {
      found = await discoverFolder(input, extensions);
    } catch (e) {
      if (isFsError(e)) throw new UnreadableInput(M.unreadablePath(input, describeFsError(e)));
      throw e;
    }
    for (const f of found.files) add(f.path, f.size);
    folders.push(found.summary);
  }
  return { files: out, folders };
}

const isFsError = (e: unknown): boolean => typeof (e as NodeJS.ErrnoException | undefined)?.code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!);

/**
 * Reads evaluation files (or folders of them) and joins them into a columnar dataset.
 * Models are sorted by name; queries keep the order in which their ids first appear
 * (so the first file's order); `issues` are sorted by file (input order) then line.
 * Streams every file once: O(bytes) time, O(n k) memory for n queries and k models
 * (prompts only when `keepPrompts`).
 * @throws Error for an unusable invocation: no inputs, a path that cannot be read, a
 * folder without evaluation files. An aborted `signal` rejects with an `AbortError`.
 */
export async function loadEvalFiles(inputs: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  if (inputs.length === 0) throw new Error(M.noInputs());
  const { signal, onProgress } = options;
  if (signal?.aborted) throw abortError();
  const { files, folders } = await expandInputs(inputs);
  const collector = new Collector(collectorOptionsOf(options));
  const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
  let bytesRead = 0;
  const progress = (bytes: number): void => {
    bytesRead += bytes;
    onProgress?.(bytesRead, bytesTotal);
  };
  // The first files are read here; the rest, when worth it, on the other core at the same time.
  const own = filesForThisThread(files);
  let worker: WorkerRead | undefined = own < files.length ? startWorkerRead(files.slice(own), options, progress) : undefined;
  try {
    await readFiles(collector, files.slice(0, own), options, progress, signal);
    if (worker) {
      const aborted = new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(abortError()), { once: true }));
      let partial;
      try {
        partial = await Promise.race([worker.result, aborted]);
      } catch (e) {
        if (!(e instanceof WorkerCrash)) throw e;
        worker.terminate();
        worker = undefined;
      }
      if (partial) await joinOrRead(collector, partial, options, signal);
      else await readFiles(collector, files.slice(own), options, () => {}, signal);
    }
  } finally {
    worker?.terminate();
  }
  const result = collector.finish();
  return folders.length > 0 ? { ...result, folders } : result;
}
