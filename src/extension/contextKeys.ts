import * as vscode from 'vscode';
import { ContextKey } from './constants.ts';
import type { EvalFileScanner } from './evalFiles/scanner.ts';
import type { AnalysisStore } from './store/AnalysisStore.ts';

/**
 * Keeps the context keys that menus, the Eval Files view and the walkthrough's steps rely on in
 * step with the analyses and the eval files found (set only when their value changes).
 */
export class ContextKeys implements vscode.Disposable {
  private readonly values = new Map<string, unknown>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: AnalysisStore,
    private readonly scanner: EvalFileScanner,
  ) {
    this.disposables.push(
      store.onDidChange(() => this.update()),
      scanner.onDidChange(() => this.update()),
    );
    this.update();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private update(): void {
    const analyses = this.store.list();
    this.set(ContextKey.HasEvalFiles, this.scanner.evalFiles().length > 0 || analyses.some((s) => s.files.length > 0));
    this.set(
      ContextKey.HasConfig,
      analyses.some((s) => this.store.configUri(s.key) !== undefined),
    );
    this.set(
      ContextKey.HasBudget,
      analyses.some((s) => s.budget !== undefined),
    );
  }

  private set(key: string, value: unknown): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
