/**
 * Part of the analysis on a second core. Two parts read only the calibration and holdout
 * columns, not the frontier: the noise-aware rule's pick for a budget (its cross-validated
 * sweeps, the gain's bootstrap, and the figures of its choice with their intervals) and the
 * models' summaries with the drift check. While the calling thread computes the frontier and
 * everything after it, a worker thread (the bundled `analysis-worker.js` beside the bundle that
 * holds `analyze`, `dist/`) computes one of them from the same columns in shared memory (see
 * `sharedColumns.ts`): the pick when a budget is asked, else the summaries. Not both: a thread
 * keeps the memory its work once took, and the summaries' sorts would add about 60 MB at 1M
 * queries x 8 models to the pick's. The answer is the one the calling thread would have
 * computed, bit for bit: the same code on the same values. When the data is small, a column is
 * not shared, or the worker is missing, fails or never answers, the calling thread computes it
 * itself.
 *
 * How small is small depends on the part and on the process. The worker starts cold for every
 * analysis. In a process that analyses once (the command line) the calling thread's code is cold
 * too, and handing the pick to the worker pays from about 50,000 queries (the defaults below). A
 * process that analyses again and again (the editor's) runs warm code and finds its sorts and
 * fits kept, and says so with {@link ANALYSES_AGAIN_AND_AGAIN}: the worker then pays only from
 * 200,000. The summaries are the smaller part and take the larger size in both.
 */
import { join } from 'node:path';
import type { Dataset, LearnedModel, ModelColumns } from './types.ts';
import type { SinglePoint } from './envelope.ts';
import type { MeasureOptions } from './policy.ts';
import type { SelectionOptions } from './select/rule.ts';
import { type Helper, helperAvailable, patience, startHelper } from './helperThread.ts';
import { isShared } from './sharedColumns.ts';
import { type Summaries, summariesAndDrift, type SummaryData } from './summaries.ts';
import { type BudgetRulePick, pickForBudget } from './budgetSelection.ts';

/** A budget to pick a policy for, with the options of the pick. */
export interface PickAsk {
  readonly budget: number;
  readonly measure: MeasureOptions;
  readonly selection: SelectionOptions;
}

/** What the worker is sent: each split with only the columns the parts read, and their other arguments. */
export interface AnalysisJob {
  readonly cal: SummaryData;
  readonly holdout: SummaryData | undefined;
  readonly singles: readonly SinglePoint[];
  readonly learned: readonly LearnedModel[] | undefined;
  /** The budget to pick for: the worker's part is the pick; without one, the summaries. */
  readonly pick: PickAsk | undefined;
}

const settings = {
  script: typeof __dirname === 'string' ? join(__dirname, 'analysis-worker.js') : undefined,
  /** Below this many queries (calibration and holdout), starting a thread for the summaries costs more than it saves. */
  minQueries: 200_000,
  /** The same for the pick (see the module comment). */
  minQueriesToPick: 50_000,
  /** Cores the machine needs for a second thread to be worth starting. */
  minCores: 2,
};

/** Where the worker script is and from what size it is used. For the benchmark and tests; `script: undefined` keeps everything in the calling thread. */
export function configureAnalysisThread(options: { readonly script?: string; readonly minQueries?: number; readonly minQueriesToPick?: number; readonly minCores?: number }): void {
  if ('script' in options) settings.script = options.script;
  if (options.minQueries !== undefined) settings.minQueries = options.minQueries;
  if (options.minQueriesToPick !== undefined) settings.minQueriesToPick = options.minQueriesToPick;
  if (options.minCores !== undefined) settings.minCores = options.minCores;
}

/** The sizes for a process that analyses the same data again and again (see the module comment): `configureAnalysisThread(ANALYSES_AGAIN_AND_AGAIN)`. */
export const ANALYSES_AGAIN_AND_AGAIN = { minQueries: 200_000, minQueriesToPick: 200_000 } as const;

/** The columns the parts read. */
const COLUMNS = ['quality', 'confidence', 'cost', 'latencyMs'] as const;

/** A split with only the columns the parts read (a view of a shared column is sent without a copy). */
function columnsOf(data: SummaryData): SummaryData {
  return {
    n: data.n,
    models: data.models.map((m) => ({
      name: m.name,
      quality: m.quality,
      confidence: m.confidence,
      cost: m.cost,
      ...(m.latencyMs ? { latencyMs: m.latencyMs } : {}),
      ...(m.confidenceSource ? { confidenceSource: m.confidenceSource } : {}),
    })),
  };
}

/** The rule's pick for the job's budget, with its choice's figures. */
export const jobPick = (job: AnalysisJob & { readonly pick: PickAsk }): BudgetRulePick =>
  // The pick reads the splits only through their sizes and models.
  pickForBudget(job.cal as Dataset, job.holdout as Dataset | undefined, job.pick.budget, job.pick.measure, job.pick.selection);

/** The models' summaries and the drift check of the job's splits (`keepOrders`: see {@link summariesAndDrift}). */
export const jobSummaries = (job: AnalysisJob, keepOrders = true): Summaries => summariesAndDrift(job.cal, job.holdout, job.singles, job.learned, { keepOrders });

/**
 * The worker's part of a job: the pick when a budget is asked, else the summaries. The worker
 * reads nothing after the summaries: it keeps none of their sorts, whose memory would add to
 * the peak (the calling thread sorts the same columns for itself).
 */
export const workerPart = (job: AnalysisJob): BudgetRulePick | Summaries => (job.pick ? jobPick({ ...job, pick: job.pick }) : jobSummaries(job, false));

/** The pick for a budget and the summaries, each computed once, by the worker or else here. */
export interface AnalysisShare {
  /** Computes now the summaries when they are this thread's to compute (no worker, or the worker picks): best called while the worker works. */
  ownPart(): void;
  /** The rule's pick for the budget asked (throws when none was asked). */
  pick(): BudgetRulePick;
  summaries(): Summaries;
}

/**
 * Starts the worker's part of the analysis (see the module comment) when it is worth it; the
 * returned functions give each part, waiting for the worker if need be, else computing it here.
 */
export function shareAnalysis(cal: Dataset, holdout: Dataset | undefined, singles: readonly SinglePoint[], learned: readonly LearnedModel[] | undefined, pick: PickAsk | undefined): AnalysisShare {
  const job: AnalysisJob = { cal, holdout, singles, learned, pick };
  const splits = holdout ? [cal, holdout] : [cal];
  const shared = splits.every((d) => d.models.every((m: ModelColumns) => COLUMNS.every((c) => m[c] === undefined || isShared(m[c]))));
  const { script } = settings;
  const helper: Helper<BudgetRulePick | Summaries> | undefined =
    shared && cal.n + (holdout?.n ?? 0) >= (pick ? settings.minQueriesToPick : settings.minQueries) && helperAvailable(script, settings.minCores)
      ? startHelper<AnalysisJob, BudgetRulePick | Summaries>(script, { ...job, cal: columnsOf(cal), holdout: holdout ? columnsOf(holdout) : undefined })
      : undefined;
  const started = performance.now();
  const fromWorker = (): BudgetRulePick | Summaries | undefined => helper?.wait(patience(performance.now() - started));
  let picked: BudgetRulePick | undefined;
  let summaries: Summaries | undefined;
  return {
    ownPart() {
      if (!helper || pick) summaries ??= jobSummaries(job);
    },
    pick() {
      if (!pick) throw new Error('no budget was asked');
      return (picked ??= (fromWorker() as BudgetRulePick | undefined) ?? jobPick({ ...job, pick }));
    },
    summaries() {
      return (summaries ??= (!pick ? (fromWorker() as Summaries | undefined) : undefined) ?? jobSummaries(job));
    },
  };
}
