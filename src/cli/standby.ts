/**
 * The load worker started ahead, by the command line's entry point (`dist/cli.js`), before it
 * compiles the bundle. A worker the loader starts when it has listed the files begins reading
 * about 170 ms after the calling thread on a machine of two cores (its thread and its bundle
 * boot first), which at 100k queries x 8 models is a fifth of what the two threads take.
 * Started ahead, it boots while this thread compiles the bundle and lists the files, and both
 * begin reading together. Only Node's own modules here: this file is bundled into the small
 * entry point.
 */
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SECOND_THREAD } from '../core/load/secondThread.ts';

/** A load worker started ahead, waiting for its job, and the script it runs. */
export interface StartedWorker {
  readonly worker: Worker;
  readonly script: string;
  /** Whether it has stopped (it could not start, say) before anyone listened for its exit. */
  readonly exited: () => boolean;
}

/** The commands that read evaluation files named on the command line. */
const LOADING_COMMANDS = new Set(['analyze', 'compare', 'backtest', 'report']);

/**
 * The files the arguments name and their bytes, a folder's own files included (not those in
 * folders below it), counted until both reach `enough`. An argument that names nothing (an
 * option, or an option's value) counts nothing. A few `stat` calls.
 */
export function namedFiles(args: readonly string[], enough: { readonly files: number; readonly bytes: number }): { files: number; bytes: number } {
  const named = { files: 0, bytes: 0 };
  const done = (): boolean => named.files >= enough.files && named.bytes >= enough.bytes;
  const add = (size: number): void => {
    named.files++;
    named.bytes += size;
  };
  for (const arg of args) {
    if (arg.startsWith('-')) continue;
    try {
      const st = statSync(arg);
      if (st.isFile()) add(st.size);
      else if (st.isDirectory()) {
        for (const entry of readdirSync(arg, { withFileTypes: true })) {
          if (entry.isFile()) add(statSync(join(arg, entry.name)).size);
          if (done()) break;
        }
      }
    } catch {
      // Not a path.
    }
    if (done()) break;
  }
  return named;
}

/**
 * For a command (`argv[0]`) that reads evaluation files, when its arguments name what the
 * loader reads on a second thread (two files or more, of 16 MB or more in all) and the machine
 * has two cores or more: the load worker (`load-worker.js` in `dir`), started now, waiting for
 * its job. The loader sends it the job (`adoptStandbyWorker` in src/core/load/parallel.ts). It
 * does not keep the process alive. Other inputs start none: an idle worker would only cost its
 * boot. Undefined when none is started.
 */
export function startLoadWorker(argv: readonly string[], dir: string): StartedWorker | undefined {
  if (!LOADING_COMMANDS.has(argv[0] ?? '') || availableParallelism() < SECOND_THREAD.minCores) return undefined;
  const enough = { files: SECOND_THREAD.minFiles, bytes: SECOND_THREAD.minBytes };
  const named = namedFiles(argv.slice(1), enough);
  if (named.files < enough.files || named.bytes < enough.bytes) return undefined;
  const script = join(dir, 'load-worker.js');
  try {
    const worker = new Worker(script);
    worker.unref();
    // Until the loader takes it, a worker that fails to start only means the loader starts its own.
    worker.on('error', () => {});
    let exited = false;
    worker.once('exit', () => (exited = true));
    return { worker, script, exited: () => exited };
  } catch {
    return undefined;
  }
}
