import * as vscode from 'vscode';
import type { AnalysisSnapshot } from './analysisSource.ts';
import type { FileSummary } from '../core/types.ts';
import { Command } from './constants.ts';
import { per1k, percent, policyShort } from '../core/format/index.ts';
import type { AnalysisStore } from './store/AnalysisStore.ts';

/**
 * The status bar item: the analysis in use (models, queries, time of the last recompute), a
 * spinner while it recomputes, a warning when the last recompute failed. Click opens the panel.
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
    const summary = r ? `${r.models.length} models · ${r.n.toLocaleString('en-US')} queries` : 'Cascade Frontier';
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
  md.appendText(`Cascade Frontier: ${s.label}\n\n`);
  if (s.status === 'computing') md.appendText('Recomputing…\n\n');
  if (s.status === 'error' && s.error) md.appendText(`Last recompute failed: ${s.error}${s.result ? ' (showing the last good result)' : ''}\n\n`);
  const r = s.result;
  if (r) {
    md.appendText(`${r.models.length} models, ${r.n} queries (${r.split.nCalibration} calibration, ${r.split.nHoldout} holdout)`);
    if (s.computedAt) md.appendText(`, computed at ${new Date(s.computedAt).toLocaleTimeString()}${s.durationMs !== undefined ? ` in ${(s.durationMs / 1000).toFixed(1)} s` : ''}`);
    md.appendText('\n\n');
    const choice = r.recommendation?.choice;
    if (choice) md.appendText(`Recommended at ${per1k(r.recommendation!.budget ?? choice.cost)}: ${policyShort(choice.policy)}, ${percent(choice.quality)}\n\n`);
  }
  if (s.files.length > 0) {
    md.appendText('Files read:\n');
    for (const f of s.files.slice(0, MAX_FILES_IN_TOOLTIP)) md.appendText(`- ${fileLine(f)}\n`);
    if (s.files.length > MAX_FILES_IN_TOOLTIP) md.appendText(`- … and ${s.files.length - MAX_FILES_IN_TOOLTIP} more (the panel lists every file)\n`);
    md.appendText('\n');
  }
  const problems = s.issues.length;
  if (problems > 0) md.appendText(`${problems} problem${problems === 1 ? '' : 's'} in the eval files (see the Problems panel)\n\n`);
  md.appendText('Click to show the frontier.');
  return md;
}

/** Files listed in the tooltip; the panel lists all of them. */
const MAX_FILES_IN_TOOLTIP = 8;

/** One file's summary: name, format, models, records, what was derived and what is missing. */
export function fileLine(f: FileSummary): string {
  const name = f.file.split(/[\\/]/).pop() ?? f.file;
  const parts = [`${name}: ${f.format}`, f.models.join(', '), `${f.records} records${f.rejected > 0 ? `, ${f.rejected} rejected` : ''}`];
  if (f.derived.length > 0) parts.push(`derived: ${f.derived.join('; ')}`);
  if (f.missing.length > 0) parts.push(`missing: ${f.missing.join('; ')}`);
  return parts.join(' · ');
}
