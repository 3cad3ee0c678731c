/**
 * Messages between the extension host and its analysis worker (`dist/worker.js`). Plain data
 * only (structured clone), no editor API, so the worker bundle stays free of `vscode`.
 */
import type { AnalysisResult, BudgetPick, FileSummary, InputIssue, LocalShadowPrice, PolicySpec, PriceMatch, Recommendation, TokenPrice } from '../core/types.ts';
import type { EvalFileSniff } from '../core/load/sniff.ts';
import type { ReportData } from '../report/data.ts';
import type { AnalyzeOptions, ConfidenceSignal, SplitOption } from '../core/options.ts';
import type { ComparisonResult } from '../core/compare/types.ts';
import type { BacktestSummary } from '../core/backtest.ts';
import { isResultPart, type PartCounts, type ResultPart } from './resultParts.ts';
import { isKeptRows, type KeptRows } from './keptRows.ts';

/** An eval file as the host saw it: the worker reuses its cached load while path, size and mtime are unchanged. */
export interface EvalFileStamp {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** One recompute: load the files (or reuse the cached load) and analyse. */
export interface AnalyzeJob {
  readonly type: 'analyze';
  readonly jobId: number;
  readonly files: readonly EvalFileStamp[];
  readonly load: {
    /** Dollars per million tokens, per model (a config's inline table). */
    readonly prices?: readonly (readonly [string, TokenPrice])[];
    /** A price list file to read instead (the config's `prices: file.json`), with its mtime so a change reloads it. */
    readonly pricesFile?: { readonly path: string; readonly mtimeMs: number };
    /** The config's `priceProvider`. */
    readonly priceProvider?: string;
    readonly splitField?: string;
    readonly confidenceSignal?: ConfidenceSignal;
    /** Keep the answer texts (for a learned confidence). */
    readonly keepResponses?: boolean;
    /** The config's `estimateTokens: true`: tokens estimated from the texts of records with neither tokens nor cost. */
    readonly estimateTokens?: boolean;
    readonly maxLineBytes: number;
  };
  readonly analyze: {
    readonly budget?: number;
    readonly target?: number;
    readonly split?: SplitOption;
    readonly cascade?: PolicySpec;
    readonly bootstrapResamples?: number;
    /** `learned`: models without a logged confidence get one learned from their answer texts, before the analysis. */
    readonly confidence?: 'learned';
  } & Pick<AnalyzeOptions, 'seed' | 'level' | 'budgetConfidence' | 'maxLatencyP95Ms' | 'budgetGrid'>;
  /**
   * Also run the held-out comparison (chains, router, bound) once the analysis is posted: its
   * outcome follows as a `comparison` message. Prompts are then kept in memory for the router.
   */
  readonly compare?: boolean;
  /** Also recommend at a few budgets worth choosing between (the hull's vertices), for a budget picker. */
  readonly budgetOptions?: boolean;
  /** Rows per part of the result's long lists (`resultParts.ts`; `RESULT_PART_ROWS` when absent). */
  readonly resultPartRows?: number;
  /** The job whose result's long lists the host holds: items equal to theirs may be left out of this one's (`keptRows.ts`). */
  readonly rowsFrom?: number;
}

/** Stops a job: its load is aborted; an analysis already running finishes but its result is dropped. */
export interface CancelJob {
  readonly type: 'cancel';
  readonly jobId: number;
}

/** Looks at the first bytes of files to tell eval results from other data (no job queue: it only reads heads). */
export interface SniffFiles {
  readonly type: 'sniff';
  readonly jobId: number;
  readonly paths: readonly string[];
}

/** Renders the HTML report of an analysis (as `cascade-frontier report` writes it). */
export interface RenderReport {
  readonly type: 'report';
  readonly jobId: number;
  readonly data: ReportData;
}

/**
 * Asks for the budget grid's picks of a job that asked for a grid (`analyze.budgetGrid`): the
 * worker keeps what they need after posting the job's result, until a later job's result
 * replaces it, and answers with a `grid` message.
 */
export interface RequestGrid {
  readonly type: 'grid';
  readonly jobId: number;
}

/**
 * An eval file that changed, to be read ahead of the job that will name it (the host lets the
 * write settle and plans the job first): read as `job` (the last job's settings) would read it,
 * and kept for a job that names the same stamp and settings. No answer.
 */
export interface ReadAhead {
  readonly type: 'readAhead';
  readonly jobId: number;
  readonly file: EvalFileStamp;
  readonly job: Pick<AnalyzeJob, 'load' | 'compare'> & { readonly analyze: Pick<AnalyzeJob['analyze'], 'confidence'> };
}

/** What of a job's request a read ahead needs: the settings that decide how its files are read. */
export function readAheadSettings(request: Pick<AnalyzeJob, 'load' | 'compare' | 'analyze'>): ReadAhead['job'] {
  const { load, compare, analyze } = request;
  return { load, ...(compare ? { compare } : {}), analyze: analyze.confidence ? { confidence: analyze.confidence } : {} };
}

/**
 * Says the host has read a part of a job's result (`JobPart`). The process posts a part only
 * when the host has read all but `PARTS_AHEAD` of those before it: parts posted all at once were
 * read in one turn of the host's event loop (up to 2 MB at 100k x 8, 40 to 80 ms of the host's
 * main thread), one after the other they are read in turns of their own.
 */
export interface PartRead {
  readonly type: 'partRead';
  readonly jobId: number;
}

/** Parts of a result posted and not yet read by the host, at most. */
export const PARTS_AHEAD = 2;

export type ToWorker = AnalyzeJob | CancelJob | SniffFiles | RenderReport | RequestGrid | ReadAhead | PartRead;

export interface JobProgress {
  readonly type: 'progress';
  readonly jobId: number;
  /** `load` can be aborted by a message; `analyze` runs to the end (the host terminates the worker to stop it). */
  readonly phase: 'load' | 'analyze';
  readonly bytesRead?: number;
  readonly bytesTotal?: number;
}

export interface JobDone {
  readonly type: 'done';
  readonly jobId: number;
  /** Absent when the analysis failed (`error` says why); loading problems are in `issues` either way. */
  readonly result?: AnalysisResult;
  readonly error?: string;
  readonly files: readonly FileSummary[];
  readonly issues: readonly InputIssue[];
  /** The price entry of each model priced from tokens (with a price table). */
  readonly prices?: readonly PriceMatch[];
  /** True when the files were unchanged since the previous job and their load was reused. */
  readonly reusedLoad: boolean;
  /** Files read from disk by this job (the others came from the worker's cache). */
  readonly filesRead?: number;
  /** Of those, the files whose read had started before the job, when the host announced their change (`ReadAhead`). */
  readonly filesReadAhead?: number;
  /** Reads since the job before that parsed a file only where it changed (`patchedCollection`). */
  readonly filesPatched?: number;
  readonly loadMs: number;
  readonly analyzeMs: number;
  /** Set when the configured cascade names a model the data lacks: the analysis ran without it. */
  readonly cascadeSkipped?: string;
  /** Local shadow price of a configured pair at its own threshold (calibration queries, the result's window). */
  readonly cascadeLocal?: LocalShadowPrice;
  /** With `budgetOptions`: the recommendation at each budget offered, cheapest first. */
  readonly budgetOptions?: readonly Recommendation[];
  /** The result's lists sent before it in parts (`JobPart`), left empty in `result`: how many parts each has. */
  readonly parts?: PartCounts;
  /** Items left out of the result's lists, to be taken from the lists of the job's `rowsFrom` (`keptRows.ts`). */
  readonly kept?: KeptRows;
}

/** Part of a long list of a job's result, posted before its `done` (see `resultParts.ts`). */
export interface JobPart extends ResultPart {
  readonly type: 'part';
  readonly jobId: number;
}

export interface JobCancelled {
  readonly type: 'cancelled';
  readonly jobId: number;
}

/**
 * The comparison of a job that asked for one, posted after its `done`: first with the held-out
 * comparison alone (`partial`), then once more with the backtest of the recommendation rule
 * (`backtest`, or `backtestError` saying why there is none).
 */
export interface JobComparison {
  readonly type: 'comparison';
  readonly jobId: number;
  /** Absent when the comparison failed (`error` says why) or the job was cancelled (`cancelled`). */
  readonly comparison?: ComparisonResult;
  readonly error?: string;
  readonly cancelled?: boolean;
  readonly compareMs: number;
  /** True for the first message of two: the backtest follows. */
  readonly partial?: boolean;
  readonly backtest?: BacktestSummary;
  readonly backtestError?: string;
}

/**
 * The recommendation rule's picks at the budget grid of a job that asked for one
 * (`analyze.budgetGrid`), the answer to a `RequestGrid`: the result is posted and shown without
 * them (`withBudgetPicks` in `core/analyze.ts` puts them in).
 */
export interface JobGrid {
  readonly type: 'grid';
  readonly jobId: number;
  /** Absent when the grid failed (`error` says why) or a later job's result replaced the job's (`superseded`). */
  readonly budgetPicks?: readonly BudgetPick[];
  readonly error?: string;
  readonly superseded?: true;
  readonly gridMs: number;
}

/** What the heads of the files of a `sniff` say, in the order asked; undefined for a file that could not be read. */
export interface FilesSniffed {
  readonly type: 'sniffed';
  readonly jobId: number;
  readonly sniffs: readonly (EvalFileSniff | undefined)[];
}

/** The page of a `report`, or why there is none. */
export interface ReportRendered {
  readonly type: 'reported';
  readonly jobId: number;
  readonly html?: string;
  readonly error?: string;
}

export type FromWorker = JobProgress | JobDone | JobPart | JobCancelled | JobComparison | JobGrid | FilesSniffed | ReportRendered;

export function isFromWorker(v: unknown): v is FromWorker {
  if (typeof v !== 'object' || v === null) return false;
  const t = (v as { type?: unknown }).type;
  if (t === 'part' && !isResultPart(v)) return false;
  if (t === 'done' && (v as { kept?: unknown }).kept !== undefined && !isKeptRows((v as { kept?: unknown }).kept)) return false;
  return (
    (t === 'progress' || t === 'done' || t === 'part' || t === 'cancelled' || t === 'comparison' || t === 'grid' || t === 'sniffed' || t === 'reported') &&
    typeof (v as { jobId?: unknown }).jobId === 'number'
  );
}

export function isToWorker(v: unknown): v is ToWorker {
  if (typeof v !== 'object' || v === null) return false;
  const t = (v as { type?: unknown }).type;
  return (t === 'analyze' || t === 'cancel' || t === 'sniff' || t === 'report' || t === 'grid' || t === 'readAhead' || t === 'partRead') && typeof (v as { jobId?: unknown }).jobId === 'number';
}
