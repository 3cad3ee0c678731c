import * as vscode from 'vscode';
import type { InputIssue } from '../../core/types.ts';
import { DIAGNOSTIC_SOURCE } from '../constants.ts';

/** Problems listed per file; the rest are summed up in one last diagnostic. */
const MAX_PER_FILE = 500;

/**
 * Loading problems of every analysis as diagnostics on the eval files, at the line of the bad
 * record. Problems that concern no file (the join across models) go on the analysis's config.
 */
export class EvalDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('cascade-frontier-evals');
  private readonly byAnalysis = new Map<string, Map<string, InputIssue[]>>();

  set(key: string, issues: readonly InputIssue[], configUri?: vscode.Uri): void {
    const byFile = new Map<string, InputIssue[]>();
    for (const issue of issues) {
      const target = issue.file ? vscode.Uri.file(issue.file).toString() : configUri?.toString();
      if (!target) continue;
      const list = byFile.get(target) ?? [];
      list.push(issue);
      byFile.set(target, list);
    }
    this.byAnalysis.set(key, byFile);
    this.publish();
  }

  forget(key: string): void {
    if (this.byAnalysis.delete(key)) this.publish();
  }

  dispose(): void {
    this.collection.dispose();
  }

  private publish(): void {
    // Several configs may read the same file: show each problem once.
    const merged = new Map<string, Map<string, InputIssue>>();
    for (const byFile of this.byAnalysis.values()) {
      for (const [uri, issues] of byFile) {
        const seen = merged.get(uri) ?? new Map<string, InputIssue>();
        for (const issue of issues) seen.set(`${issue.line}\u0000${issue.message}`, issue);
        merged.set(uri, seen);
      }
    }
    this.collection.clear();
    for (const [uri, issues] of merged) {
      const list = [...issues.values()].sort((a, b) => a.line - b.line);
      const diagnostics = list.slice(0, MAX_PER_FILE).map(toDiagnostic);
      if (list.length > MAX_PER_FILE) {
        const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `${list.length - MAX_PER_FILE} more problems in this file are not listed.`, vscode.DiagnosticSeverity.Information);
        d.source = DIAGNOSTIC_SOURCE;
        diagnostics.push(d);
      }
      this.collection.set(vscode.Uri.parse(uri), diagnostics);
    }
  }
}

function toDiagnostic(issue: InputIssue): vscode.Diagnostic {
  const line = Math.max(0, issue.line - 1);
  // The whole line: the record is the unit a user fixes.
  const range = new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
  const d = new vscode.Diagnostic(range, issue.message, issue.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  d.source = DIAGNOSTIC_SOURCE;
  return d;
}
