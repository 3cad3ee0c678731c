/**
 * The comparison's worker (bundled as `dist/compare-worker.js`): does its share of the chain
 * search or of the bootstrap and answers on the port it was given (see parallel.ts).
 */
import { workerData } from 'node:worker_threads';
import type { ModelColumns } from '../types.ts';
import { chainFrontier } from '../chain/frontier.ts';
import { chainProblem, confidenceIndexes } from '../chain/optimize.ts';
import { heldOutMeter } from './heldOut.ts';
import { type HelperData, serveHelper } from '../helperThread.ts';
import { type CompareJob, type JobAnswer, takeChains, takeDrawBlocks } from './parallel.ts';

function answer(job: CompareJob): JobAnswer {
  if (job.kind === 'draws') return { draws: takeDrawBlocks(heldOutMeter(job.spec, job.prepared), job.range, job.spec.n, job.seed, job.resamples, job.next, true) };
  const models = job.models as ModelColumns[];
  const byName = new Map(models.map((m) => [m.name, m]));
  const indexes = confidenceIndexes(models);
  return {
    chains: takeChains(job, true, (names) =>
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

if (workerData) serveHelper(workerData as HelperData<CompareJob>, answer);
