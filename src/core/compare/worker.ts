/**
 * The comparison's worker (bundled as `dist/compare-worker.js`): does its share of the chain
 * search, of the held-out policy table's delta plan or of the bootstrap and answers on the
 * port it was given (see parallel.ts).
 */
import { workerData } from 'node:worker_threads';
import type { ModelColumns } from '../types.ts';
import { chainFrontier } from '../chain/frontier.ts';
import { chainProblem, confidenceIndexes } from '../chain/optimize.ts';
import { heldOutMeter } from './heldOut.ts';
import { type HelperData, serveHelper } from '../helperThread.ts';
import { deltaStepper, type PlanEntry } from './chainDeltas.ts';
import { type CompareJob, type DeltasJob, type JobAnswer, takeChains, takeDeltaSteps, takeDrawBlocks } from './parallel.ts';

/** The steps of a delta plan this thread takes, its chains rebuilt from their stops and the models' columns. */
function deltaSteps(job: DeltasJob): JobAnswer {
  const byName = new Map(job.models.map((m) => [m.name, m]));
  const columns = (name: string) => byName.get(name)!;
  const order: PlanEntry[] = job.order.map(({ index, models, stop, whole, first, sameStopSameValue }) => ({
    chain: { index, models, stop, costs: models.map((name) => columns(name).cost), qualities: models.map((name) => columns(name).quality) },
    whole,
    first,
    sameStopSameValue,
  }));
  return { deltas: takeDeltaSteps(job, true, deltaStepper(order, job.summed.map(columns))) };
}

function answer(job: CompareJob): JobAnswer {
  if (job.kind === 'draws') return { draws: takeDrawBlocks(heldOutMeter(job.spec, { prepared: job.prepared }), job.range, job.spec.n, job.seed, job.resamples, job.next, true) };
  if (job.kind === 'deltas') return deltaSteps(job);
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
