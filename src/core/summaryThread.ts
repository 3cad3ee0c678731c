/**
 * The models' summaries and the drift check on a second core. They read each model on its own
 * and nothing else of the analysis reads them, so while the calling thread computes the
 * frontier, the held-out figures and the recommendation, a worker thread (the bundled
 * `summary-worker.js` beside the bundle that holds `analyze`, `dist/`) computes them from the
 * same columns in shared memory (see `sharedColumns.ts`). The answer is the one the calling
 * thread would have computed, bit for bit: the same code on the same values. When the data is
 * small, the columns are not shared, or the worker is missing, fails or never answers, the
 * calling thread computes them itself.
 */
import { join } from 'node:path';
import type { LearnedModel } from './types.ts';
import type { SinglePoint } from './envelope.ts';
import { type Helper, helperAvailable, patience, startHelper } from './helperThread.ts';
import { isShared } from './sharedColumns.ts';
import { type Summaries, summariesAndDrift, type SummaryData } from './summaries.ts';

/** What the worker is sent: the arguments of {@link summariesAndDrift}, each split with only the columns it reads. */
export interface SummariesJob {
  readonly cal: SummaryData;
  readonly holdout: SummaryData | undefined;
  readonly singles: readonly SinglePoint[];
  readonly learned: readonly LearnedModel[] | undefined;
}

const settings = {
  script: typeof __dirname === 'string' ? join(__dirname, 'summary-worker.js') : undefined,
  /** Below this many queries (calibration and holdout), starting a thread costs more than it saves. */
  minQueries: 200_000,
  /** Cores the machine needs for a second thread to be worth starting. */
  minCores: 2,
};

/** Where the worker script is and from what size it is used. For the benchmark and tests; `script: undefined` keeps everything in the calling thread. */
export function configureSummaryThread(options: { readonly script?: string; readonly minQueries?: number; readonly minCores?: number }): void {
  if ('script' in options) settings.script = options.script;
  if (options.minQueries !== undefined) settings.minQueries = options.minQueries;
  if (options.minCores !== undefined) settings.minCores = options.minCores;
}

/** A split with only the columns the summaries read (a view of a shared column is sent without a copy). */
function columnsOf(data: SummaryData): SummaryData {
  return {
    n: data.n,
    models: data.models.map((m) => ({ name: m.name, quality: m.quality, confidence: m.confidence, cost: m.cost, ...(m.confidenceSource ? { confidenceSource: m.confidenceSource } : {}) })),
  };
}

/**
 * {@link summariesAndDrift}, started on a worker thread when it is worth it (else computed
 * here at once); the returned function gives the summaries, waiting for the worker if need be.
 */
export function summariesInParallel(cal: SummaryData, holdout: SummaryData | undefined, singles: readonly SinglePoint[], learned: readonly LearnedModel[] | undefined): () => Summaries {
  const own = () => summariesAndDrift(cal, holdout, singles, learned);
  const splits = holdout ? [cal, holdout] : [cal];
  const shared = splits.every((d) => d.models.every((m) => isShared(m.quality) && isShared(m.confidence) && isShared(m.cost)));
  const { script } = settings;
  const helper: Helper<Summaries> | undefined =
    shared && cal.n + (holdout?.n ?? 0) >= settings.minQueries && helperAvailable(script, settings.minCores)
      ? startHelper<SummariesJob, Summaries>(script, { cal: columnsOf(cal), holdout: holdout ? columnsOf(holdout) : undefined, singles, learned })
      : undefined;
  if (!helper) {
    const summaries = own();
    return () => summaries;
  }
  const started = performance.now();
  let summaries: Summaries | undefined;
  return () => (summaries ??= helper.wait(patience(performance.now() - started)) ?? own());
}
