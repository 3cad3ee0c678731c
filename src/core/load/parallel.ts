import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadOptions } from '../options.ts';
import type { PartialCollection } from './transfer.ts';
import { BUILT_IN_READERS } from './readFiles.ts';
import { formatReaders } from './readers.ts';
import { SECOND_THREAD } from './secondThread.ts';

/**
 * Reading on a second core. A loader started with two or more files and enough bytes hands
 * the second half of the files (by size) to a worker thread, which reads them into its own
 * collector while the calling thread reads the first half; the calling thread then absorbs
 * the worker's columns (`Collector.absorb`). The worker runs the bundled `load-worker.js`
 * beside the bundle that holds the loader (`dist/`); where there is none (tests running the
 * TypeScript sources), everything is read in the calling thread.
 */

/** Messages from the worker. */
export type WorkerMessage =
  | { readonly kind: 'progress'; readonly bytes: number }
  | { readonly kind: 'done'; readonly partial: PartialCollection }
  /** With `each`: file `index` of the job, read into a collection of its own. */
  | { readonly kind: 'file'; readonly index: number; readonly partial: PartialCollection }
  | { readonly kind: 'failed'; readonly message: string; readonly invocation: boolean };

/** What the worker is asked to read. */
export interface WorkerJob {
  readonly files: readonly { readonly path: string }[];
  readonly options: LoadOptions;
  /** Each file into a collection of its own, sent as soon as it is read (`file` messages), instead of all into one (`done`). */
  readonly each?: boolean;
}

const settings = {
  script: typeof __dirname === 'string' ? join(__dirname, 'load-worker.js') : undefined,
  /** Below this many bytes in all, starting a thread costs more than it saves. */
  minBytes: SECOND_THREAD.minBytes,
  /** Cores the machine needs for a second thread to be worth starting. */
  minCores: SECOND_THREAD.minCores,
};

/**
 * Where the worker script is, from what input size and on how many cores it is used. For the
 * benchmark and tests; `script: undefined` reads everything in the calling thread.
 */
export function configureParallelLoading(options: { readonly script?: string; readonly minBytes?: number; readonly minCores?: number }): void {
  if ('script' in options) settings.script = options.script;
  if (options.minBytes !== undefined) settings.minBytes = options.minBytes;
  if (options.minCores !== undefined) settings.minCores = options.minCores;
}

/**
 * How many of `files` (a prefix) the calling thread reads; the rest go to a worker. All of
 * them when a worker is not worth it or not possible: one file, a small input, a machine with
 * one core, no worker script, or a reader registered by the caller (it exists only in this
 * thread). How busy the other cores are does not decide: the load average says how busy they
 * were over the last minute, not over the next second, and a thread the scheduler has to
 * share a core for still reads its half of the bytes.
 */
export function filesForThisThread(files: readonly { readonly size: number }[]): number {
  const total = files.reduce((s, f) => s + f.size, 0);
  const custom = formatReaders().some((r) => !BUILT_IN_READERS.includes(r));
  if (files.length < SECOND_THREAD.minFiles || total < settings.minBytes || custom || availableParallelism() < settings.minCores || !settings.script || !existsSync(settings.script))
    return files.length;
  let own = 0;
  let bytes = 0;
  while (own < files.length - 1 && bytes + files[own]!.size / 2 <= total / 2) bytes += files[own++]!.size;
  return Math.max(own, 1);
}

/**
 * A load worker started before its job was known, waiting for it as its first message: the
 * command line's entry point starts one as the process starts (see src/cli/standby.ts), so that
 * it has booted by the time the files are listed. The next worker read with the same script
 * sends it its job instead of starting a worker. It does not keep the process alive, and is
 * forgotten if it stops by itself.
 */
let standby: { readonly worker: Worker; readonly script: string } | undefined;

/**
 * Takes `worker` (running `script`, waiting for its job) as the one the next worker read uses;
 * not if it has `exited` already (its exit came before this listens for it).
 */
export function adoptStandbyWorker(worker: Worker, script: string, exited: () => boolean): void {
  standby?.worker.terminate();
  standby = undefined;
  if (exited()) return;
  const entry = { worker, script };
  standby = entry;
  worker.unref();
  const gone = (): void => {
    if (standby === entry) standby = undefined;
  };
  worker.once('exit', gone);
  worker.on('error', gone);
}

/** The standby worker when it runs `script`, taken out of standby; otherwise undefined. */
function takeStandby(script: string): Worker | undefined {
  const entry = standby;
  if (!entry || entry.script !== script) return undefined;
  standby = undefined;
  entry.worker.ref();
  return entry.worker;
}

/** A worker reading files; `result` settles with its collection, or rejects with its error. */
export interface WorkerRead {
  readonly result: Promise<PartialCollection>;
  terminate(): void;
}

/** A worker on the job of reading `files` (the standby one if it runs the script, else a new one). */
function launch(files: readonly { readonly path: string }[], options: LoadOptions, each: boolean): Worker {
  // The signal and the callback stay here: the caller stops the worker and reports progress.
  const { signal: _signal, onProgress: _onProgress, ...cloneable } = options;
  const job: WorkerJob = { files: files.map((f) => ({ path: f.path })), options: cloneable, ...(each ? { each } : {}) };
  const waiting = takeStandby(settings.script!);
  const worker = waiting ?? new Worker(settings.script!, { workerData: job });
  waiting?.postMessage(job);
  return worker;
}

/** Starts a worker on `files`; progress (bytes read) is reported through `progress`. */
export function startWorkerRead(files: readonly { readonly path: string }[], options: LoadOptions, progress: (bytes: number) => void): WorkerRead {
  const worker = launch(files, options, false);
  const result = new Promise<PartialCollection>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'progress') progress(m.bytes);
      else if (m.kind === 'done') {
        settled = true;
        resolve(m.partial);
      } else if (m.kind === 'failed') {
        settled = true;
        reject(m.invocation ? new Error(m.message) : new WorkerCrash(m.message));
      }
    });
    worker.on('error', (e) => {
      if (!settled) reject(new WorkerCrash(e instanceof Error ? e.message : String(e)));
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new WorkerCrash(`the load worker stopped (exit code ${code})`));
      settled = true;
    });
  });
  // The caller may stop waiting (an abort, an error of its own): a later failure must not go unhandled.
  result.catch(() => {});
  return { result, terminate: () => void worker.terminate() };
}

/** A worker reading files each into a collection of its own (see {@link startWorkerReadEach}). */
export interface WorkerReadEach {
  /**
   * Per file, in order: its collection; undefined when the worker stopped before sending it, for
   * a reason of its own (the caller reads the file itself); rejected with the error of a path
   * that cannot be opened.
   */
  readonly results: readonly Promise<PartialCollection | undefined>[];
  terminate(): void;
}

/**
 * Starts one worker that reads `files` one after the other, each into a collection of its own,
 * and sends each as soon as it is read: one thread's start, and code the compiler has warmed up,
 * for all of them, instead of a worker per file. Progress (bytes read) is reported through
 * `progress`.
 */
export function startWorkerReadEach(files: readonly { readonly path: string }[], options: LoadOptions, progress: (bytes: number) => void): WorkerReadEach {
  const worker = launch(files, options, true);
  const settle: { resolve: (p: PartialCollection | undefined) => void; reject: (e: Error) => void }[] = [];
  const results = files.map(() => new Promise<PartialCollection | undefined>((resolve, reject) => settle.push({ resolve, reject })));
  // The files come in order: those from `next` on have not come yet.
  let next = 0;
  const rest = (outcome: (s: (typeof settle)[number]) => void): void => {
    while (next < files.length) outcome(settle[next++]!);
  };
  worker.on('message', (m: WorkerMessage) => {
    if (m.kind === 'progress') progress(m.bytes);
    else if (m.kind === 'file') {
      settle[m.index]!.resolve(m.partial);
      next = m.index + 1;
    } else if (m.kind === 'failed') {
      const { invocation, message } = m;
      rest((s) => (invocation ? s.reject(new Error(message)) : s.resolve(undefined)));
    }
  });
  worker.on('error', () => rest((s) => s.resolve(undefined)));
  worker.on('exit', () => rest((s) => s.resolve(undefined)));
  // The caller may stop waiting (an abort, an error of its own): a later failure must not go unhandled.
  for (const r of results) r.catch(() => {});
  return { results, terminate: () => void worker.terminate() };
}

/** The worker failed for a reason of its own (not the input): its files are read again in this thread. */
export class WorkerCrash extends Error {}
