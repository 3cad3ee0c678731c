import * as vscode from 'vscode';
import type { FileSummary, InputIssue } from '../../core/types.ts';
import { View } from '../constants.ts';
import { costSourcesText } from '../../core/format/costs.ts';
import type { AnalysisStore } from '../store/AnalysisStore.ts';
import type { EvalFileScanner } from './scanner.ts';

/** A folder holding eval files, or one eval file, as the view lists it. */
export type EvalFilesNode = { readonly kind: 'folder'; readonly uri: vscode.Uri; readonly files: readonly EvalFileRow[] } | { readonly kind: 'file'; readonly row: EvalFileRow };

/** One eval file: what the analysis read from it, or what its first bytes say until then. */
export interface EvalFileRow {
  readonly uri: vscode.Uri;
  readonly format?: string;
  readonly models: readonly string[];
  /** Records accepted and rejected by the last analysis that read the file; undefined before one did. */
  readonly records?: number;
  readonly rejected?: number;
  /** Where each model's costs came from (the records' cost, tokens x which price entry, estimated tokens); empty before an analysis read it. */
  readonly costs?: string;
  readonly errors: number;
  readonly warnings: number;
  /** Labels of the analyses that read it. */
  readonly analyses: readonly string[];
}

/**
 * The Eval Files view (in the Explorer): every eval file of the workspace, grouped by folder,
 * with its format, models, records and problems. A file's context menu offers Show Cascade
 * Frontier and Create Cascade Config, as does a folder's; a click opens the file.
 */
export class EvalFilesView implements vscode.TreeDataProvider<EvalFilesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EvalFilesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly view: vscode.TreeView<EvalFilesNode>;

  constructor(
    private readonly store: AnalysisStore,
    private readonly scanner: EvalFileScanner,
  ) {
    this.view = vscode.window.createTreeView(View.EvalFiles, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      store.onDidChange(() => this.refresh()),
      scanner.onDidChange(() => this.refresh()),
    );
    this.refresh();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  getTreeItem(node: EvalFilesNode): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(vscode.workspace.asRelativePath(node.uri, false) || node.uri.path.split('/').pop() || '/', vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = node.uri;
      item.iconPath = vscode.ThemeIcon.Folder;
      item.contextValue = 'evalFolder';
      const problems = node.files.reduce((n, f) => n + f.errors + f.warnings, 0);
      item.description = `${node.files.length} file${node.files.length === 1 ? '' : 's'}${problems > 0 ? ` · ${problems} problem${problems === 1 ? '' : 's'}` : ''}`;
      return item;
    }
    const f = node.row;
    const item = new vscode.TreeItem(f.uri.path.split('/').pop() ?? f.uri.path, vscode.TreeItemCollapsibleState.None);
    item.resourceUri = f.uri;
    item.description = describeRow(f);
    item.tooltip = tooltipOf(f);
    item.iconPath =
      f.errors > 0
        ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
        : f.warnings > 0
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
          : vscode.ThemeIcon.File;
    item.contextValue = 'evalFile';
    item.command = { title: 'Open', command: 'vscode.open', arguments: [f.uri] };
    return item;
  }

  getChildren(node?: EvalFilesNode): EvalFilesNode[] {
    if (node?.kind === 'folder') return node.files.map((row) => ({ kind: 'file', row }));
    if (node) return [];
    const byFolder = new Map<string, { uri: vscode.Uri; files: EvalFileRow[] }>();
    for (const row of this.rows()) {
      const folder = vscode.Uri.joinPath(row.uri, '..');
      const group = byFolder.get(folder.toString()) ?? { uri: folder, files: [] };
      group.files.push(row);
      byFolder.set(folder.toString(), group);
    }
    return [...byFolder.values()].sort((a, b) => (a.uri.path < b.uri.path ? -1 : 1)).map((g) => ({ kind: 'folder', uri: g.uri, files: g.files }));
  }

  /** Every eval file: those the analyses read (with their figures), then those only found so far. */
  rows(): EvalFileRow[] {
    const rows = new Map<string, EvalFileRow>();
    for (const s of this.store.list()) {
      const counts = issueCounts(s.issues);
      for (const f of s.files) {
        const uri = vscode.Uri.file(f.file);
        const before = rows.get(uri.toString());
        const c = counts.get(f.file) ?? { errors: 0, warnings: 0 };
        rows.set(uri.toString(), {
          ...fromSummary(uri, f),
          errors: Math.max(before?.errors ?? 0, c.errors),
          warnings: Math.max(before?.warnings ?? 0, c.warnings),
          analyses: [...(before?.analyses ?? []), s.label],
        });
      }
    }
    for (const f of this.scanner.evalFiles()) {
      if (rows.has(f.uri.toString())) continue;
      rows.set(f.uri.toString(), { uri: f.uri, ...(f.sniff.format ? { format: f.sniff.format } : {}), models: f.sniff.model ? [f.sniff.model] : [], errors: 0, warnings: 0, analyses: [] });
    }
    return [...rows.values()].sort((a, b) => (a.uri.path < b.uri.path ? -1 : 1));
  }

  private refresh(): void {
    const count = this.rows().length;
    this.view.message = count === 0 ? 'No eval files found yet. Run "Select Eval Files" or "Create Cascade Config".' : undefined;
    this.changed.fire(undefined);
  }
}

function fromSummary(uri: vscode.Uri, f: FileSummary): Omit<EvalFileRow, 'errors' | 'warnings' | 'analyses'> {
  const costs = costSourcesText(f.costs);
  return { uri, format: f.format, models: f.models, records: f.records, rejected: f.rejected, ...(costs ? { costs } : {}) };
}

function issueCounts(issues: readonly InputIssue[]): Map<string, { errors: number; warnings: number }> {
  const out = new Map<string, { errors: number; warnings: number }>();
  for (const i of issues) {
    if (!i.file) continue;
    const c = out.get(i.file) ?? { errors: 0, warnings: 0 };
    if (i.severity === 'error') c.errors++;
    else c.warnings++;
    out.set(i.file, c);
  }
  return out;
}

/** `jsonl · gpt-4o-mini · 1,816 records · 2 problems`. */
export function describeRow(f: EvalFileRow): string {
  const parts: string[] = [];
  if (f.format) parts.push(f.format);
  if (f.models.length > 0) parts.push(f.models.length <= 2 ? f.models.join(', ') : `${f.models.length} models`);
  parts.push(f.records !== undefined ? `${f.records.toLocaleString('en-US')} records` : 'not analysed yet');
  const problems = f.errors + f.warnings;
  if (problems > 0) parts.push(`${problems} problem${problems === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

function tooltipOf(f: EvalFileRow): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendText(`${vscode.workspace.asRelativePath(f.uri)}\n\n`);
  md.appendText(`Format: ${f.format ?? 'unknown'}\n\nModels: ${f.models.length > 0 ? f.models.join(', ') : 'named in the records'}\n\n`);
  if (f.records !== undefined) md.appendText(`Records: ${f.records.toLocaleString('en-US')} read, ${f.rejected ?? 0} rejected\n\n`);
  if (f.costs) md.appendText(`Costs from: ${f.costs}\n\n`);
  else md.appendText('Not read by an analysis yet: its first line looks like eval results.\n\n');
  if (f.errors + f.warnings > 0) md.appendText(`Problems: ${f.errors} errors, ${f.warnings} warnings (see the Problems panel)\n\n`);
  if (f.analyses.length > 0) md.appendText(`Read by: ${f.analyses.join(', ')}`);
  return md;
}
