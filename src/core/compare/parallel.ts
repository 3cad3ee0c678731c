import { join } from 'node:path';
import { type Helper, helperAvailable, patience, startHelper } from '../helperThread.ts';
import { isShared, sharedColumn } from '../sharedColumns.ts';
import type { ModelColumns } from '../types.ts';
import type { ChainPoint } from '../chain/frontier.ts';
import { type ChainDelta, type DeltaPlanner, deltaStepper, type PlanEntry, planHere, type SummedColumns } from './chainDeltas.ts';
import { bootstrapDraws, type HeldOutMeter, type HeldOutSpec, type MeasureRange } from './heldOut.ts';
import type { PreparedTable } from './policyTable.ts';
import type { Measures } from './verdicts.ts';

/**
 * The comparison on a second core. When there is enough to do, a worker thread (the bundled
 * `compare-worker.js` beside the bundle that holds `compare`, `dist/`) takes its share of the
 * long parts: chains of the best-subsequence search on calibration, steps of the held-out
 * policy table's delta plan, and blocks of the bootstrap resamples on holdout (each measured
 * after jumping the seeded sequence to its first resample), taken from a shared counter as the
 * calling thread takes its own (so the threads finish together); the worker's held-out
 * measurement reads the policy table the calling thread prepared, in shared memory. The
 * calling thread does its share, then waits, so `compare` stays synchronous (see
 * `helperThread.ts`). The results are those of one thread, bit for bit; when the worker is
 * missing, fails or never starts, the calling thread does its part too.
 */

/** Blocks of the bootstrap's resamples, taken from a shared counter. */
export interface DrawsJob {
  readonly kind: 'draws';
  readonly spec: HeldOutSpec;
  /** The calling thread's policy table, prepared (shared memory). */
  readonly prepared: PreparedTable;
  readonly range: MeasureRange;
  readonly seed: number;
  readonly resamples: number;
  /** The next block to take (`Atomics.add`; block b is resamples b * DRAW_BLOCK ..), below the last one. */
  readonly next: Int32Array;
}

/** Resamples per block taken from the counter: four, as measured in one pass. */
export const DRAW_BLOCK = 4;

/** The measures of one block of resamples. */
export interface DrawBlock {
  readonly block: number;
  readonly draws: Measures[];
}

/** Chain frontiers ({@link chainFrontier}) of subsets of the calibration models, taken from a shared counter. */
export interface ChainsJob {
  readonly kind: 'chains';
  readonly models: readonly Pick<ModelColumns, 'name' | 'quality' | 'confidence' | 'cost'>[];
  readonly lambdas: readonly number[];
  /** Every chain of the search, model names stage by stage, in the order they are taken. */
  readonly chains: readonly (readonly string[])[];
  /** The next chain to take (`Atomics.add`), below the last one. */
  readonly next: Int32Array;
}

/** The frontier of the chain at position `at` of a {@link ChainsJob}'s list. */
export interface ChainAnswer {
  readonly at: number;
  readonly points: ChainPoint[];
}

/** Steps of a policy table's delta plan ({@link deltaStepper}), taken from a shared counter. */
export interface DeltasJob {
  readonly kind: 'deltas';
  /** The holdout's models whose columns the chains and the summed models read. */
  readonly models: readonly Pick<ModelColumns, 'name' | 'quality' | 'cost'>[];
  /** The summed models, by name. */
  readonly summed: readonly string[];
  /** The plan's order: each chain with its stages by name and its answering stages. */
  readonly order: readonly (Omit<PlanEntry, 'chain'> & { readonly index: number; readonly models: readonly string[]; readonly stop: Uint8Array })[];
  /** The next step to take (`Atomics.add`), below the last one. */
  readonly next: Int32Array;
}

/** The step of the delta plan at position `at`. */
export interface DeltaAnswer {
  readonly at: number;
  readonly step: ChainDelta;
}

export type CompareJob = DrawsJob | ChainsJob | DeltasJob;

/** What the worker answers: the blocks of draws, the chains' frontiers or the plan's steps it took. */
export interface JobAnswer {
  readonly draws?: DrawBlock[];
  readonly chains?: ChainAnswer[];
  readonly deltas?: DeltaAnswer[];
}

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
 * The columns a job needs in shared memory, which a thread reads where it is: a loaded column
 * is there already (see `sharedColumns.ts`); any other is copied there once (a view of an
 * unshared buffer sent to a thread would take its whole buffer along, copied).
 */
function columnsOf(models: readonly Pick<ModelColumns, 'name' | 'quality' | 'confidence' | 'cost'>[]): ChainsJob['models'] {
  const shared = (x: Float64Array) => {
    if (isShared(x)) return x;
    const out = sharedColumn(x.length);
    out.set(x);
    return out;
  };
  return models.map((m) => ({ name: m.name, quality: shared(m.quality), confidence: shared(m.confidence), cost: shared(m.cost) }));
}

/** A worker started on a job when `work` is worth a thread, else undefined. */
function helperFor(work: number, job: () => CompareJob): Helper<JobAnswer> | undefined {
  const { script } = settings;
  return work >= settings.minWork && helperAvailable(script, settings.minCores) ? startHelper<CompareJob, JobAnswer>(script, job()) : undefined;
}

/** Resamples `first` .. of block `block` of `resamples`: how many. */
const blockSize = (block: number, resamples: number) => Math.min(DRAW_BLOCK, resamples - block * DRAW_BLOCK);

/**
 * Items 0 .. count-1 shared by two threads through the counter `next`: the last item first when
 * `last` (the worker's: it always has a share, so its answer is always read), then items taken
 * from the counter until only the last is left. Each item taken, with what `take` made of it.
 * O(the items taken, times `take`).
 */
function takeInTurn<T>(count: number, next: Int32Array, last: boolean, take: (item: number) => T): { readonly item: number; readonly value: T }[] {
  const out = last && count > 0 ? [{ item: count - 1, value: take(count - 1) }] : [];
  for (let item = Atomics.add(next, 0, 1); item < count - 1; item = Atomics.add(next, 0, 1)) out.push({ item, value: take(item) });
  return out;
}

/**
 * Blocks of resamples measured by `meter` ({@link bootstrapDraws} from each one's first
 * resample), taken in turn ({@link takeInTurn}, the last block first when `last`). O(the blocks
 * taken (n + the meter's cost)).
 */
export function takeDrawBlocks(meter: HeldOutMeter, range: MeasureRange, n: number, seed: number, resamples: number, next: Int32Array, last: boolean): DrawBlock[] {
  const blocks = Math.ceil(resamples / DRAW_BLOCK);
  return takeInTurn(blocks, next, last, (block) => bootstrapDraws(meter, range, n, seed, block * DRAW_BLOCK, blockSize(block, resamples))).map(({ item, value }) => ({
    block: item,
    draws: value,
  }));
}

/**
 * The frontiers of a {@link ChainsJob}'s chains taken in turn ({@link takeInTurn}, the last chain
 * first when `last`), each by `frontierOf` from its stages' names: by position in the job's list.
 */
export function takeChains(job: ChainsJob, last: boolean, frontierOf: (names: readonly string[]) => ChainPoint[]): ChainAnswer[] {
  return takeInTurn(job.chains.length, job.next, last, (at) => frontierOf(job.chains[at])).map(({ item, value }) => ({ at: item, points: value }));
}

/** The steps of a {@link DeltasJob}'s plan taken in turn ({@link takeInTurn}, the last step first when `last`), each by `step`: by position in the plan. */
export function takeDeltaSteps(job: DeltasJob, last: boolean, step: (at: number) => ChainDelta): DeltaAnswer[] {
  return takeInTurn(job.order.length, job.next, last, step).map(({ item, value }) => ({ at: item, step: value }));
}

/**
 * A {@link DeltaPlanner} that shares the steps with a worker thread when it is worth it: the
 * worker, started when the planner is called, takes the last step, then each thread takes
 * steps from a shared counter until none is left (the steps of one group come one after the
 * other, so a thread mostly keeps its group's outcome columns from one step to the next). The
 * plan is the one of one thread, bit for bit: a step reads the chains before it, not their
 * steps. `models`: the holdout's models the chains and summed models read (put in shared
 * memory for the worker, {@link columnsOf}).
 */
export function sharedDeltaPlanner(models: readonly Pick<ModelColumns, 'name' | 'quality' | 'confidence' | 'cost'>[]): DeltaPlanner {
  return (order: readonly PlanEntry[], summed: readonly SummedColumns[]) => {
    const n = order.length > 0 ? order[0].chain.stop.length : 0;
    const next = new Int32Array(new SharedArrayBuffer(4));
    const helper =
      order.length >= 2
        ? helperFor(n * order.length, () => ({
            kind: 'deltas',
            models: columnsOf(models),
            summed: summed.map((m) => m.name),
            order: order.map(({ chain, whole, first, sameStopSameValue }) => ({ index: chain.index, models: chain.models, stop: chain.stop, whole, first, sameStopSameValue })),
            next,
          }))
        : undefined;
    if (!helper) return planHere(order, summed);
    return () => {
      const step = deltaStepper(order, summed);
      const started = performance.now();
      const out: (ChainDelta | undefined)[] = order.map(() => undefined);
      for (const { item, value } of takeInTurn(order.length, next, false, step)) out[item] = value;
      for (const { at, step: taken } of helper.wait(patience(performance.now() - started))?.deltas ?? []) out[at] = taken;
      // Steps the worker took but did not answer (it failed or ran out of time) are taken here.
      return out.map((taken, p) => taken ?? step(p));
    };
  };
}

/**
 * The draws of resamples 0 .. resamples-1 ({@link bootstrapDraws}), shared with a worker thread
 * when it is worth it: the worker measures the last block of {@link DRAW_BLOCK} resamples, then
 * each thread takes blocks from a shared counter until none is left, so neither waits long for
 * the other whatever their speeds; the worker measures them from this thread's prepared policy
 * table. `meter` is the calling
 * thread's measurement of `spec`. O(resamples (n + the meter's cost)) in all, shared by the cores.
 */
export function heldOutDraws(meter: HeldOutMeter, spec: HeldOutSpec, range: MeasureRange, seed: number, resamples: number): Measures[] {
  const n = spec.n;
  const blocks = Math.ceil(resamples / DRAW_BLOCK);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const helper =
    blocks >= 2 ? helperFor(n * resamples, () => ({ kind: 'draws', spec: { ...spec, models: columnsOf(spec.models) }, prepared: meter.prepared, range, seed, resamples, next })) : undefined;
  if (!helper) return bootstrapDraws(meter, range, n, seed, 0, resamples);
  const started = performance.now();
  const byBlock: (Measures[] | undefined)[] = new Array(blocks).fill(undefined);
  for (const { block, draws } of takeDrawBlocks(meter, range, n, seed, resamples, next, false)) byBlock[block] = draws;
  for (const { block, draws } of helper.wait(patience(performance.now() - started))?.draws ?? []) byBlock[block] = draws;
  // Blocks the worker took but did not answer (it failed or ran out of time) are measured here.
  return byBlock.flatMap((draws, block) => draws ?? bootstrapDraws(meter, range, n, seed, block * DRAW_BLOCK, blockSize(block, resamples)));
}

/**
 * Chain frontiers of `chains` (stage lists) by `frontierOf`, shared with a worker thread when it
 * is worth it: both threads take chains from a shared counter, longest first (the last ones
 * taken, which a thread may wait for, are the shortest), so they finish together whatever their
 * speeds; returns them by chain, in the given order.
 */
export function chainFrontiers(
  models: readonly ModelColumns[],
  lambdas: readonly number[],
  chains: readonly (readonly ModelColumns[])[],
  frontierOf: (stages: readonly ModelColumns[]) => ChainPoint[],
): ChainPoint[][] {
  const order = chains.map((_, k) => k).sort((a, b) => chains[b].length - chains[a].length || a - b);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const n = models.length > 0 ? models[0].quality.length : 0;
  const helper =
    chains.length >= 2
      ? helperFor(n * chains.length * lambdas.length, () => ({
          kind: 'chains',
          models: columnsOf(models),
          lambdas,
          chains: order.map((k) => chains[k].map((m) => m.name)),
          next,
        }))
      : undefined;
  if (!helper) return chains.map(frontierOf);
  const started = performance.now();
  const out: (ChainPoint[] | undefined)[] = chains.map(() => undefined);
  for (const { item, value } of takeInTurn(order.length, next, false, (at) => frontierOf(chains[order[at]]))) out[order[item]] = value;
  for (const { at, points } of helper.wait(patience(performance.now() - started))?.chains ?? []) out[order[at]] = points;
  // Chains the worker took but did not answer (it failed or ran out of time) are searched here.
  return out.map((points, k) => points ?? frontierOf(chains[k]));
}
