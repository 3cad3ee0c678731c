/**
 * The comparison's worker (bundled as `dist/compare-worker.js`): does its share of the chain
 * search or of the bootstrap and answers on the port it was given (see parallel.ts).
 */
import { workerData } from 'node:worker_threads';
import type { ModelColumns } from '../types.ts';
import { chainFrontier } from '../chain/frontier.ts';
import { chainProblem, confidenceIndexes } from '../chain/optimize.ts';
import { heldOutMeter } from './heldOut.ts';
import { type CompareJob, FLAG, type JobMessage, type JobWorkerData, takeDrawBlocks } from './parallel.ts';

function answer(job: CompareJob): JobMessage {
  if (job.kind === 'draws') return { kind: 'done', draws: takeDrawBlocks(heldOutMeter(job.spec, job.prepared), job.range, job.spec.n, job.seed, job.resamples, job.next, true) };
  const models = job.models as ModelColumns[];
  const byName = new Map(models.map((m) => [m.name, m]));
  const indexes = confidenceIndexes(models);
  return {
    kind: 'done',
    chains: job.chains.map((names) =>
      chainFrontier(
        chainProblem(
          names.map((name) => byName.get(name)!),
          indexes,
        ),
        job.lambdas,
      ),
    ),
  };
}

function run({ job, port, flag }: JobWorkerData): void {
  Atomics.store(flag, 0, FLAG.started);
  let message: JobMessage;
  try {
    message = answer(job);
  } catch (e) {
    message = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(message);
  Atomics.store(flag, 0, FLAG.answered);
  Atomics.notify(flag, 0);
}

if (workerData) run(workerData as JobWorkerData);
