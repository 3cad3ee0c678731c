import * as vscode from 'vscode';
import type { AnalysisSnapshot } from './analysisSource.ts';
import { Command } from './constants.ts';
import { tooltipText } from './statusTooltip.ts';
import { diagnosisHeadline } from '../core/confidence/diagnosis.ts';
import type { AnalysisStore } from './store/AnalysisStore.ts';

/**
 * The status bar item: the analysis in use (models, queries, what its confidences lack, time of
 * the last recompute), a spinner while it recomputes, a warning when the last recompute failed.
 * Click opens the panel; the tooltip says the diagnosis and offers a learned confidence.
 */
export class AnalysisStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('cascadeFrontier.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly store: AnalysisStore) {
    this.item.name = 'Cascade Frontier';
    this.disposables.push(
      store.onDidChange(() => this.render()),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        const key = editor?.document.uri.toString();
        if (key && store.get(key)) store.touch(key);
      }),
    );
    this.render();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private render(): void {
    const snapshot = this.store.list()[0];
    if (!snapshot) {
      this.item.hide();
      return;
    }
    this.item.command = { title: 'Show Cascade Frontier', command: Command.ShowFrontier, arguments: [snapshot.key] };
    const r = snapshot.result;
    const headline = r ? diagnosisHeadline(r.diagnosis, r.models.length) : undefined;
    const summary = r ? `${r.models.length} models · ${r.n.toLocaleString('en-US')} queries${headline ? ` · ${headline}` : ''}` : 'Cascade Frontier';
    const time = snapshot.computedAt ? ` · ${new Date(snapshot.computedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : '';
    if (snapshot.status === 'computing') this.item.text = `$(sync~spin) ${summary}`;
    else if (snapshot.status === 'error') this.item.text = `$(warning) ${summary}${time}`;
    else this.item.text = `$(graph-line) ${summary}${time}`;
    this.item.tooltip = tooltip(snapshot);
    this.item.backgroundColor = snapshot.status === 'error' && !r ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}

function tooltip(s: AnalysisSnapshot): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendText(tooltipText(s));
  // The step that unlocks a cascade, one click away.
  const d = s.result?.diagnosis;
  if (d && d.withoutConfidence.length > 0 && d.learned.length === 0) {
    md.appendMarkdown(`\n\n[Use a learned confidence](command:${Command.UseLearnedConfidence}?${encodeURIComponent(JSON.stringify([s.key]))})`);
    md.isTrusted = { enabledCommands: [Command.UseLearnedConfidence] };
  }
  return md;
}
