import * as vscode from 'vscode';
import { registerCommands } from './commands/index.ts';
import { affects } from './config.ts';
import { CONFIG_DOCUMENT_SELECTOR, Setting } from './constants.ts';
import { registerFrontierPanelSerializer } from './panel/FrontierPanel.ts';
import { ConfigCodeActionProvider } from './providers/codeActions.ts';
import { ConfigCodeLensProvider } from './providers/codeLens.ts';
import { ConfigCompletionProvider } from './providers/completion.ts';
import { ConfigDiagnostics } from './providers/configDiagnostics.ts';
import { ConfigDocuments } from './providers/configDocuments.ts';
import { ConfigHoverProvider } from './providers/hover.ts';
import { ConfigInlayHintsProvider } from './providers/inlayHints.ts';
import type { Services } from './services.ts';
import { AnalysisStatusBar } from './statusBar.ts';
import { AnalysisStore } from './store/AnalysisStore.ts';
import { AnalysisWorker } from './store/analysisWorker.ts';
import { EvalFileScanner } from './evalFiles/scanner.ts';
import { OwnOutputs } from './evalFiles/ownOutputs.ts';
import { EvalFilesView } from './evalFiles/evalFilesView.ts';
import { ContextKeys } from './contextKeys.ts';
import { offerOnce } from './offer.ts';
import { offerLearnedConfidence } from './confidenceOffer.ts';

/** Registers everything; the analysis itself starts in the background. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Cascade Frontier', { log: true });
  const worker = new AnalysisWorker(vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath);
  const outputs = new OwnOutputs(context.workspaceState);
  const scanner = new EvalFileScanner(worker, outputs, log);
  const store = new AnalysisStore(worker, log, scanner, outputs);
  const documents = new ConfigDocuments(store);
  const services: Services = { context, store, documents, scanner, outputs, log, worker };
  const selector = [...CONFIG_DOCUMENT_SELECTOR];
  const lenses = new ConfigCodeLensProvider(documents);
  const hints = new ConfigInlayHintsProvider(documents);
  const completion = new ConfigCompletionProvider(documents);

  context.subscriptions.push(
    log,
    worker,
    scanner,
    store,
    lenses,
    hints,
    ...registerCommands(services),
    registerFrontierPanelSerializer(context, store),
    new AnalysisStatusBar(store),
    new ContextKeys(store, scanner),
    new EvalFilesView(store, scanner),
    offerOnce(context.workspaceState, store),
    offerLearnedConfidence(store),
    new ConfigDiagnostics(store),
    vscode.languages.registerCodeLensProvider(selector, lenses),
    vscode.languages.registerInlayHintsProvider(selector, hints),
    vscode.languages.registerHoverProvider(selector, new ConfigHoverProvider(documents, (key) => store.cascadeLocalShadowPrice(key))),
    vscode.languages.registerCompletionItemProvider(selector, completion, ':', ' '),
    vscode.languages.registerInlineCompletionItemProvider(selector, completion),
    vscode.languages.registerCodeActionsProvider(selector, new ConfigCodeActionProvider(documents), {
      providedCodeActionKinds: ConfigCodeActionProvider.providedCodeActionKinds,
    }),
    vscode.workspace.onDidCloseTextDocument((d) => documents.forget(d)),
    store.onDidChange(() => {
      lenses.refresh();
      hints.refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, Setting.CodeLensEnabled)) lenses.refresh();
      if (affects(e, Setting.InlayHintsEnabled)) hints.refresh();
    }),
  );
  store.start().catch((e: unknown) => log.error(`discovery failed: ${e instanceof Error ? e.message : String(e)}`));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
