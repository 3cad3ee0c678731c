import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { configCheckFindings, type CheckFinding } from '../../core/config/check.ts';
import { parseCascadeConfig } from '../../core/config/config.ts';
import { configFormatOf, isCascadeConfigFileName } from '../../core/config/tree.ts';
import { DIAGNOSTIC_SOURCE } from '../constants.ts';
import type { AnalysisStore } from '../store/AnalysisStore.ts';
import { readDocumentText } from '../store/configWriter.ts';
import { toRange } from './configDocuments.ts';

/** Pause after typing before a config's diagnostics are recomputed. */
const TYPING_DELAY_MS = 150;

/**
 * Diagnostics on cascade configs: syntax and schema problems (as soon as the text changes) and
 * what the analysis finds (unknown models, thresholds outside the confidence range, a budget
 * below the cheapest model, a cascade over the budget or below the envelope held out, a
 * dominated cascade, a drifting split, problems of the eval files), plus the analysis's own
 * failure: the findings of `cascade-frontier check`, from the same core function.
 */
export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('cascade-frontier-config');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly store: AnalysisStore) {
    this.disposables.push(
      store.onDidChange((key) => this.refreshKey(key)),
      vscode.workspace.onDidOpenTextDocument((d) => this.refreshDocument(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.refreshDocument(e.document, TYPING_DELAY_MS)),
    );
    for (const d of vscode.workspace.textDocuments) this.refreshDocument(d, 0);
    for (const s of store.list()) this.refreshKey(s.key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }

  private refreshDocument(document: vscode.TextDocument, delay: number): void {
    if (!isCascadeConfigFileName(document.uri.path) || document.uri.scheme !== 'file') return;
    const key = document.uri.toString();
    const previous = this.timers.get(key);
    if (previous) clearTimeout(previous);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.refreshKey(key);
      }, delay),
    );
  }

  private refreshKey(key: string): void {
    const uri = this.store.configUri(key) ?? (isCascadeConfigFileName(key) ? vscode.Uri.parse(key) : undefined);
    if (!uri) return;
    readDocumentText(uri).then(
      (text) => this.publish(uri, text),
      () => this.collection.delete(uri),
    );
  }

  private publish(uri: vscode.Uri, text: string): void {
    const config = parseCascadeConfig(text, configFormatOf(uri.path));
    const snapshot = this.store.get(uri.toString());
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const position = (offset: number) => (document ? document.positionAt(offset) : positionIn(text, offset));
    const range = (span: { start: number; end: number }) => (document ? toRange(document, span) : new vscode.Range(position(span.start), position(span.end)));
    const findings = configCheckFindings(
      config,
      {
        // Findings of a result from an earlier analysis (the last one failed) would describe other files or another config.
        ...(snapshot?.result && snapshot.status !== 'error' ? { result: snapshot.result } : {}),
        ...(snapshot?.status === 'error' && snapshot.error ? { error: snapshot.error } : {}),
        issues: snapshot?.issues ?? [],
      },
      { configDir: dirname(uri.fsPath) },
    );
    const diagnostics = findings.map((f) => findingDiagnostic(f, range));
    this.collection.set(uri, diagnostics);
  }
}

/** A finding on a config as a diagnostic (its `code` is the finding code). */
export function findingDiagnostic(f: CheckFinding, range: (span: CheckFinding['span']) => vscode.Range): vscode.Diagnostic {
  const severity = f.severity === 'error' ? vscode.DiagnosticSeverity.Error : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const d = new vscode.Diagnostic(range(f.span), f.message, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = f.code;
  return d;
}

function positionIn(text: string, offset: number): vscode.Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return new vscode.Position(line, offset - lineStart);
}
