import type * as vscode from 'vscode';
import type { AnalysisResult, FileSummary, InputIssue, PolicySpec } from '../core/types.ts';
import type { ComparisonResult } from '../core/compare/types.ts';

/**
 * The contract between the part of the extension that finds eval files and recomputes
 * (the analysis store) and its consumers (the frontier panel, the config-file providers,
 * the status bar). One analysis exists per cascade config file; a workspace without a
 * config gets one analysis keyed `default` over the files matched by the settings' globs.
 */
export interface AnalysisSnapshot {
  /** Key of the analysis: the config file's URI string, or `default`. */
  readonly key: string;
  /** Short name for pickers and the panel header (e.g. the config's workspace-relative path). */
  readonly label: string;
  /** The last good result; kept on screen when a later recompute fails. */
  readonly result?: AnalysisResult;
  /** Per input file: format, models, records, derived and missing fields. */
  readonly files: readonly FileSummary[];
  /** Problems of the last recompute (also shown as diagnostics). */
  readonly issues: readonly InputIssue[];
  /** When `result` was computed (ms since epoch) and how long it took. */
  readonly computedAt?: number;
  readonly durationMs?: number;
  /** `computing` while a recompute runs; `error` when the last one failed (then `error` says why). */
  readonly status: 'idle' | 'computing' | 'error';
  readonly error?: string;
  /** Budget and cascade as configured (the panel's budget control starts here). */
  readonly budget?: number;
  readonly target?: number;
  readonly cascade?: PolicySpec;
  /** The held-out comparison (chains, router, bound), computed after `result`; kept while a newer one computes. */
  readonly comparison?: ComparisonResult;
  /** `computing` while the comparison runs, `ready` once it matches `result`, `unavailable` when it failed (`comparisonReason`). */
  readonly comparisonStatus?: 'computing' | 'ready' | 'unavailable';
  readonly comparisonReason?: string;
}

export interface AnalysisSource {
  /** Fires with the key of the analysis that changed. */
  readonly onDidChange: vscode.Event<string>;
  /** Every analysis, most recently used first. */
  list(): readonly AnalysisSnapshot[];
  get(key: string): AnalysisSnapshot | undefined;
  /** Writes a policy (pair or chain with thresholds) into the config's `cascade` (keeps comments and formatting). */
  applyPolicy(key: string, policy: PolicySpec): Promise<void>;
  /** Writes a budget into the config (or, without a config, into the workspace setting). */
  setBudget(key: string, budget: number): Promise<void>;
}
