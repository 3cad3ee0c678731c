/**
 * Messages between the extension host and its analysis worker (`dist/worker.js`). Plain data
 * only (structured clone), no editor API, so the worker bundle stays free of `vscode`.
 */
import type { AnalysisResult, FileSummary, InputIssue, LocalShadowPrice, PolicySpec } from '../core/types.ts';
import type { AnalyzeOptions, SplitOption } from '../core/options.ts';
import type { ComparisonResult } from '../core/compare/types.ts';

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
    /** Dollars per million tokens, per model. */
    readonly prices?: readonly (readonly [string, { readonly inputPerMillion: number; readonly outputPerMillion: number }])[];
    readonly splitField?: string;
    readonly maxLineBytes: number;
  };
  readonly analyze: {
    readonly budget?: number;
    readonly target?: number;
    readonly split?: SplitOption;
    readonly cascade?: PolicySpec;
    readonly bootstrapResamples?: number;
  } & Pick<AnalyzeOptions, 'seed' | 'level'>;
  /**
   * Also run the held-out comparison (chains, router, bound) once the analysis is posted: its
   * outcome follows as a `comparison` message. Prompts are then kept in memory for the router.
   */
  readonly compare?: boolean;
}

/** Stops a job: its load is aborted; an analysis already running finishes but its result is dropped. */
export interface CancelJob {
  readonly type: 'cancel';
  readonly jobId: number;
}

export type ToWorker = AnalyzeJob | CancelJob;

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
  /** True when the files were unchanged since the previous job and their load was reused. */
  readonly reusedLoad: boolean;
  /** Files read from disk by this job (the others came from the worker's cache). */
  readonly filesRead?: number;
  readonly loadMs: number;
  readonly analyzeMs: number;
  /** Set when the configured cascade names a model the data lacks: the analysis ran without it. */
  readonly cascadeSkipped?: string;
  /** Local shadow price of a configured pair at its own threshold (calibration queries, the result's window). */
  readonly cascadeLocal?: LocalShadowPrice;
}

export interface JobCancelled {
  readonly type: 'cancelled';
  readonly jobId: number;
}

/** The comparison of a job that asked for one, posted after its `done`. */
export interface JobComparison {
  readonly type: 'comparison';
  readonly jobId: number;
  /** Absent when the comparison failed (`error` says why) or the job was cancelled (`cancelled`). */
  readonly comparison?: ComparisonResult;
  readonly error?: string;
  readonly cancelled?: boolean;
  readonly compareMs: number;
}

export type FromWorker = JobProgress | JobDone | JobCancelled | JobComparison;

export function isFromWorker(v: unknown): v is FromWorker {
  if (typeof v !== 'object' || v === null) return false;
  const t = (v as { type?: unknown }).type;
  return (t === 'progress' || t === 'done' || t === 'cancelled' || t === 'comparison') && typeof (v as { jobId?: unknown }).jobId === 'number';
}

export function isToWorker(v: unknown): v is ToWorker {
  if (typeof v !== 'object' || v === null) return false;
  const t = (v as { type?: unknown }).type;
  return (t === 'analyze' || t === 'cancel') && typeof (v as { jobId?: unknown }).jobId === 'number';
}
