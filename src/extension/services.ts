import type * as vscode from 'vscode';
import type { AnalysisStore } from './store/AnalysisStore.ts';
import type { ConfigDocuments } from './providers/configDocuments.ts';

/** What commands and providers share, created once in `activate`. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly store: AnalysisStore;
  readonly documents: ConfigDocuments;
}
