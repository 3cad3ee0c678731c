/**
 * The bootstrap worker (bundled as `dist/compare-worker.js`): measures its share of the
 * resamples of a held-out comparison and answers on the port it was given (see parallel.ts).
 */
import { workerData } from 'node:worker_threads';
import { bootstrapDraws, heldOutMeter } from './heldOut.ts';
import { type DrawsMessage, type DrawsWorkerData, FLAG } from './parallel.ts';

function run({ job, port, flag }: DrawsWorkerData): void {
  Atomics.store(flag, 0, FLAG.started);
  let answer: DrawsMessage;
  try {
    const meter = heldOutMeter(job.spec);
    answer = { kind: 'done', draws: bootstrapDraws(meter, job.range, job.spec.n, job.seed, job.first, job.count) };
  } catch (e) {
    answer = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, FLAG.answered);
  Atomics.notify(flag, 0);
}

if (workerData) run(workerData as DrawsWorkerData);
