import type * as vscode from 'vscode';
import type { AnalysisResult, LocalShadowPrice } from '../../core/types.ts';
import type { JobGrid } from '../workerProtocol.ts';
import type { AnalysisSnapshot } from '../analysisSource.ts';
import type { FileStamp } from './plan.ts';
import type { JobRequest } from './analysisWorker.ts';

/** One analysis the store keeps (a cascade config's, or the default one): its state between recomputes. */
export interface Entry {
  readonly key: string;
  readonly configUri?: vscode.Uri;
  snapshot: AnalysisSnapshot;
  lastUsed: number;
  timer?: ReturnType<typeof setTimeout>;
  job?: vscode.CancellationTokenSource;
  /** The comparison that follows the last analysis; cancelled when a newer job starts. */
  comparing?: vscode.CancellationTokenSource;
  /** Eval files of the last recompute, by URI string. */
  evalFiles: Set<string>;
  /** Each eval file's size and mtime at the last change that scheduled a recompute, by URI string. */
  readonly changeStamps: Map<string, FileStamp>;
  /** Watchers of the eval globs, and the globs they watch. */
  watchers: vscode.Disposable[];
  watchedGlobs: string;
  /** Watchers of the folders that hold the eval files, by folder path (`watchEvalFolders`). */
  readonly folderWatchers: Map<string, { close(): void }>;
  /** The last job sent to the worker: a changed eval file of it is read ahead with its settings. */
  lastJob?: JobRequest;
  /** The last request sent, to skip a recompute that would repeat it. */
  lastRequest?: string;
  /** Local shadow price of the configured pair at its threshold, from the last result. */
  cascadeLocal?: LocalShadowPrice;
  /** The last search for the eval globs' files: what it found, for which globs, and after which create or delete (`searchGeneration`). */
  searched?: { readonly generation: number; readonly signature: string; readonly uris: readonly vscode.Uri[] };
  /** The last comparison failure logged: the same one again (every save of files too large to compare) is not logged again. */
  comparisonWarning?: string;
  /** The result whose budget grid is still to be asked for, and how to ask (`wantBudgetPicks`). */
  grid?: { readonly result: AnalysisResult; readonly ask: () => Promise<JobGrid | undefined> };
}
