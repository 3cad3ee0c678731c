import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ModelColumns } from '../types.ts';
import type { ChainPoint } from '../chain/frontier.ts';
import { bootstrapDraws, type HeldOutMeter, type HeldOutSpec, type MeasureRange } from './heldOut.ts';
import type { Measures } from './verdicts.ts';

/**
 * The comparison on a second core. When there is enough to do, a worker thread (the bundled
 * `compare-worker.js` beside the bundle that holds `compare`, `dist/`) takes half of the two
 * long parts: every other chain of the best-subsequence search on calibration, and the later
 * half of the bootstrap resamples on holdout, which it measures after rebuilding the held-out
 * measurement from plain data and jumping the seeded sequence to its first resample. The
 * calling thread does the other half, then waits. `compare` stays synchronous: the worker
 * answers on a message port read with `receiveMessageOnPort`, and says it has answered
 * through a shared flag the calling thread waits on (`Atomics.wait`). The results are those of
 * one thread, bit for bit; when the worker is missing, fails or never starts, the calling
 * thread does its part too.
 */

/** The later resamples of the bootstrap. */
export interface DrawsJob {
  readonly kind: 'draws';
  readonly spec: HeldOutSpec;
  readonly range: MeasureRange;
  readonly seed: number;
  readonly first: number;
  readonly count: number;
}

/** Chain frontiers ({@link chainFrontier}) of the given subsets of the calibration models. */
export interface ChainsJob {
  readonly kind: 'chains';
  readonly models: readonly Pick<ModelColumns, 'name' | 'quality' | 'confidence' | 'cost'>[];
  readonly lambdas: readonly number[];
  /** Model names, stage by stage. */
  readonly chains: readonly (readonly string[])[];
}

export type CompareJob = DrawsJob | ChainsJob;

/** What the worker answers: the draws or the chains' points, in the job's order. */
export type JobMessage = { readonly kind: 'done'; readonly draws?: Measures[]; readonly chains?: ChainPoint[][] } | { readonly kind: 'failed'; readonly message: string };

type Answered = Extract<JobMessage, { readonly kind: 'done' }>;

/** The worker's start-up data: the job, the port it answers on, the flag it raises. */
export interface JobWorkerData {
  readonly job: CompareJob;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

/** Values of the shared flag. */
export const FLAG = { started: 1, answered: 2 } as const;

const settings = {
  script: typeof __dirname === 'string' ? join(__dirname, 'compare-worker.js') : undefined,
  /** Below this much work (query draws for the bootstrap, query-chains for the search), a thread costs more than it saves. */
  minWork: 4_000_000,
  /** Cores the machine needs for a second thread to be worth starting. */
  minCores: 2,
};

/** Where the worker script is and from what size it is used. For the benchmark and tests; `script: undefined` keeps everything in the calling thread. */
export function configureParallelCompare(options: { readonly script?: string; readonly minWork?: number; readonly minCores?: number }): void {
  if ('script' in options) settings.script = options.script;
  if (options.minWork !== undefined) settings.minWork = options.minWork;
  if (options.minCores !== undefined) settings.minCores = options.minCores;
}

/**
 * The columns a job needs, each its own compact copy: a column can be a view of a larger
 * loaded one (a split), and a view sent to a thread takes its whole buffer along.
 */
function columnsOf(models: readonly Pick<ModelColumns, 'name' | 'quality' | 'confidence' | 'cost'>[]): ChainsJob['models'] {
  return models.map((m) => ({ name: m.name, quality: m.quality.slice(), confidence: m.confidence.slice(), cost: m.cost.slice() }));
}

/** A worker started on a job when `work` is worth a thread, else undefined. */
function helperFor(work: number, job: () => CompareJob): { wait(ms: number): Answered | undefined } | undefined {
  const worthIt = work >= settings.minWork && availableParallelism() >= settings.minCores && settings.script !== undefined && existsSync(settings.script);
  return worthIt ? startJob(settings.script!, job()) : undefined;
}

/** How long to wait for a worker whose share is as large as the one that took `ownMs` here: four times as long, at least 30 s. */
const patience = (ownMs: number) => Math.max(30_000, 4 * ownMs);

/**
 * The draws of resamples 0 .. resamples-1 ({@link bootstrapDraws}), the later half measured
 * by a worker thread when it is worth it. `meter` is the calling thread's measurement of
 * `spec`. O(resamples (n + the meter's cost)) in all, about half of it on each core.
 */
export function heldOutDraws(meter: HeldOutMeter, spec: HeldOutSpec, range: MeasureRange, seed: number, resamples: number): Measures[] {
  const n = spec.n;
  const own = Math.ceil(resamples / 2);
  const helper = resamples >= 2 ? helperFor(n * resamples, () => ({ kind: 'draws', spec: { ...spec, models: columnsOf(spec.models) }, range, seed, first: own, count: resamples - own })) : undefined;
  if (!helper) return bootstrapDraws(meter, range, n, seed, 0, resamples);
  const started = performance.now();
  const draws = bootstrapDraws(meter, range, n, seed, 0, own);
  const rest = helper.wait(patience(performance.now() - started))?.draws;
  return draws.concat(rest ?? bootstrapDraws(meter, range, n, seed, own, resamples - own));
}

/**
 * Relative work of the threshold search of a chain of L stages, as measured at 100k x 8: three
 * stages take one exact block step per shadow price, four about twice as long (two blocks, a
 * few passes, a second start at every fourth price; block steps repeated within a price are
 * looked up), longer chains about 0.75 more per block (later blocks see fewer queries).
 */
const searchWork = (stages: number) => (stages <= 3 ? 1 : 0.5 + 0.75 * (stages - 2));

/**
 * Chain frontiers of `chains` (stage lists) by `frontierOf`, about half of the work (longest
 * first, each to the less loaded thread) done by a worker thread when it is worth it; returns
 * them by chain, in the given order.
 */
export function chainFrontiers(
  models: readonly ModelColumns[],
  lambdas: readonly number[],
  chains: readonly (readonly ModelColumns[])[],
  frontierOf: (stages: readonly ModelColumns[]) => ChainPoint[],
): ChainPoint[][] {
  const toWorker = chains.map(() => false);
  let own = 0;
  let other = 0;
  const longestFirst = chains.map((_, k) => k).sort((a, b) => chains[b].length - chains[a].length || a - b);
  for (const k of longestFirst) {
    const work = searchWork(chains[k].length);
    toWorker[k] = other < own;
    if (toWorker[k]) other += work;
    else own += work;
  }
  const theirs = chains.filter((_, k) => toWorker[k]);
  const n = models.length > 0 ? models[0].quality.length : 0;
  const helper =
    theirs.length > 0
      ? helperFor(n * chains.length * lambdas.length, () => ({
          kind: 'chains',
          models: columnsOf(models),
          lambdas,
          chains: theirs.map((stages) => stages.map((m) => m.name)),
        }))
      : undefined;
  if (!helper) return chains.map(frontierOf);
  const started = performance.now();
  const out: (ChainPoint[] | undefined)[] = chains.map((stages, k) => (toWorker[k] ? undefined : frontierOf(stages)));
  const answered = helper.wait(patience(performance.now() - started))?.chains;
  let next = 0;
  return out.map((points, k) => points ?? answered?.[next++] ?? frontierOf(chains[k]));
}

/** Starts a worker on `job`; `wait` returns its answer, or undefined when it never started or took longer than `ms`. */
function startJob(script: string, job: CompareJob): { wait(ms: number): Answered | undefined } | undefined {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker;
  try {
    const data: JobWorkerData = { job, port: port2, flag };
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
        const answer = receiveMessageOnPort(port1)?.message as JobMessage | undefined;
        return answer?.kind === 'done' ? answer : undefined;
      } finally {
        port1.close();
        void worker.terminate();
      }
    },
  };
}
