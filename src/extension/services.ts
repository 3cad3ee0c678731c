import type * as vscode from 'vscode';
import type { AnalysisStore } from './store/AnalysisStore.ts';
import type { ConfigDocuments } from './providers/configDocuments.ts';
import type { EvalFileScanner } from './evalFiles/scanner.ts';
import type { OwnOutputs } from './evalFiles/ownOutputs.ts';
import type { AnalysisWorker } from './store/analysisWorker.ts';

/** What commands and providers share, created once in `activate`. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly store: AnalysisStore;
  readonly documents: ConfigDocuments;
  /** The workspace's files that look like eval results. */
  readonly scanner: EvalFileScanner;
  /** Files the extension wrote, never read as eval data. */
  readonly outputs: OwnOutputs;
  readonly log: vscode.LogOutputChannel;
  /** The analysis worker (also renders reports and sniffs files). */
  readonly worker: AnalysisWorker;
}
