import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { bootstrapDraws, type HeldOutMeter, type HeldOutSpec, type MeasureRange } from './heldOut.ts';
import type { Measures } from './verdicts.ts';

/**
 * The bootstrap on a second core. When there is enough to do, the later half of the resamples
 * goes to a worker thread (the bundled `compare-worker.js` beside the bundle that holds
 * `compare`, `dist/`), which rebuilds the held-out measurement from plain data and jumps the
 * seeded sequence to its first resample; the calling thread measures the first half, then
 * waits for the other. `compare` stays synchronous: the worker answers on a message port read
 * with `receiveMessageOnPort`, and says it has answered through a shared flag the calling
 * thread waits on (`Atomics.wait`). The draws are those of one thread, bit for bit; when the
 * worker is missing, fails or never starts, the calling thread measures the rest itself.
 */

/** What the worker is asked to measure. */
export interface DrawsJob {
  readonly spec: HeldOutSpec;
  readonly range: MeasureRange;
  readonly seed: number;
  readonly first: number;
  readonly count: number;
}

/** What the worker answers. */
export type DrawsMessage = { readonly kind: 'done'; readonly draws: Measures[] } | { readonly kind: 'failed'; readonly message: string };

/** The worker's start-up data: the job, the port it answers on, the flag it raises. */
export interface DrawsWorkerData {
  readonly job: DrawsJob;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

/** Values of the shared flag. */
export const FLAG = { started: 1, answered: 2 } as const;

const settings = {
  script: typeof __dirname === 'string' ? join(__dirname, 'compare-worker.js') : undefined,
  /** Below this many query draws in all (holdout queries x resamples), a thread costs more than it saves. */
  minDraws: 4_000_000,
  /** Cores the machine needs for a second thread to be worth starting. */
  minCores: 2,
};

/** Where the worker script is and from what size it is used. For the benchmark and tests; `script: undefined` keeps the bootstrap in the calling thread. */
export function configureParallelCompare(options: { readonly script?: string; readonly minDraws?: number; readonly minCores?: number }): void {
  if ('script' in options) settings.script = options.script;
  if (options.minDraws !== undefined) settings.minDraws = options.minDraws;
  if (options.minCores !== undefined) settings.minCores = options.minCores;
}

/**
 * The draws of resamples 0 .. resamples-1 ({@link bootstrapDraws}), the later half measured
 * by a worker thread when it is worth it. `meter` is the calling thread's measurement of
 * `spec`. O(resamples (n + the meter's cost)) in all, about half of it on each core.
 */
export function heldOutDraws(meter: HeldOutMeter, spec: HeldOutSpec, range: MeasureRange, seed: number, resamples: number): Measures[] {
  const n = spec.n;
  const own = Math.ceil(resamples / 2);
  const worthIt = resamples >= 2 && n * resamples >= settings.minDraws && availableParallelism() >= settings.minCores && settings.script !== undefined && existsSync(settings.script);
  const helper = worthIt ? startDraws(settings.script!, { spec, range, seed, first: own, count: resamples - own }) : undefined;
  if (!helper) return bootstrapDraws(meter, range, n, seed, 0, resamples);
  const started = performance.now();
  const draws = bootstrapDraws(meter, range, n, seed, 0, own);
  // The worker's share is as large as this one: wait up to four times as long (at least 30 s) before doing it here.
  const rest = helper.wait(Math.max(30_000, 4 * (performance.now() - started)));
  return draws.concat(rest ?? bootstrapDraws(meter, range, n, seed, own, resamples - own));
}

/** Starts a worker on `job`; `wait` returns its draws, or undefined when it failed, never started or took longer than `ms`. */
function startDraws(script: string, job: DrawsJob): { wait(ms: number): Measures[] | undefined } | undefined {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker;
  try {
    const data: DrawsWorkerData = { job, port: port2, flag };
    worker = new Worker(script, { workerData: data, transferList: [port2] });
  } catch {
    port1.close();
    return undefined;
  }
  // Its errors are answered on the port; the event only keeps an uncaught one from ending the process.
  worker.on('error', () => {});
  worker.unref();
  return {
    wait(ms) {
      try {
        // A worker that has not started within two seconds more (a script that fails to load) will not help.
        if (Atomics.load(flag, 0) < FLAG.started && Atomics.wait(flag, 0, 0, 2000) === 'timed-out') return undefined;
        const until = performance.now() + ms;
        while (Atomics.load(flag, 0) < FLAG.answered) {
          const left = until - performance.now();
          if (left <= 0 || Atomics.wait(flag, 0, FLAG.started, left) === 'timed-out') break;
        }
        const answer = receiveMessageOnPort(port1)?.message as DrawsMessage | undefined;
        return answer?.kind === 'done' ? answer.draws : undefined;
      } finally {
        port1.close();
        void worker.terminate();
      }
    },
  };
}
