import type * as vscode from 'vscode';
import type { PolicySpec } from '../core/types.ts';
import type { AnalysisSnapshot } from '../protocol.ts';

/**
 * The contract between the part of the extension that finds eval files and recomputes
 * (the analysis store) and its consumers (the frontier panel, the config-file providers,
 * the status bar). One analysis exists per cascade config file; a workspace without a
 * config gets one analysis keyed `default` over the files matched by the settings' globs.
 */
export type { AnalysisSnapshot };

/** What writing a policy changed: a new config, or the text of an existing one before and after (for an undo). */
export interface AppliedEdit {
  readonly uri: vscode.Uri;
  readonly created: boolean;
  readonly before?: string;
  readonly after?: string;
}

export interface AnalysisSource {
  /** Fires with the key of the analysis that changed. */
  readonly onDidChange: vscode.Event<string>;
  /** Every analysis, most recently used first. */
  list(): readonly AnalysisSnapshot[];
  get(key: string): AnalysisSnapshot | undefined;
  /** Writes a policy (pair or chain with thresholds) into the config's `cascade` (keeps comments and formatting). */
  applyPolicy(key: string, policy: PolicySpec): Promise<AppliedEdit>;
  /** Takes back a policy written by `applyPolicy`, when the config still reads as it left it. */
  undoApply(edit: AppliedEdit): Promise<void>;
  /** The config file of an analysis, if it has one. */
  configUri(key: string): vscode.Uri | undefined;
  /** Writes a budget into the config (or, without a config, into the workspace setting). */
  setBudget(key: string, budget: number): Promise<void>;
  /** Asks for a learned confidence: `confidence: learned` in the config (or, without a config, the workspace setting). */
  useLearnedConfidence(key: string): Promise<void>;
  /**
   * Starts computing the budget grid's picks of the analysis's result when they are still to
   * come (`budgetPicksPending`): once the panel has shown the result, or when an export needs
   * them. Does nothing otherwise.
   */
  wantBudgetPicks(key: string): void;
}
