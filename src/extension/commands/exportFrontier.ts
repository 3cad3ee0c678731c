import * as vscode from 'vscode';
import { frontierCsv } from '../../core/config/frontierCsv.ts';
import { resultJson } from '../../core/format/json.ts';
import { FrontierPanel } from '../panel/FrontierPanel.ts';
import type { Services } from '../services.ts';
import { pickAnalysis } from './pickAnalysis.ts';

type Format = 'csv' | 'json' | 'png';

const FORMATS: { format: Format; label: string; detail: string }[] = [
  { format: 'csv', label: 'CSV', detail: 'Envelope vertices: policy, cost, quality, hull slopes, held-out figures' },
  { format: 'json', label: 'JSON', detail: 'The whole analysis, as printed by `cascade-frontier analyze --json`' },
  { format: 'png', label: 'PNG', detail: 'The chart of the frontier panel' },
];

/**
 * "Export Frontier": writes the frontier of an analysis as CSV, JSON or a PNG of the panel's
 * chart. Arguments (key, format, target URI) skip the questions. Resolves with the file written.
 */
export function exportFrontier({ context, store }: Services) {
  return async (key?: unknown, format?: unknown, target?: unknown): Promise<vscode.Uri | undefined> => {
    const snapshot = await pickAnalysis(store, key, 'Export the frontier of which analysis?');
    const result = snapshot?.result;
    if (!snapshot || !result) {
      void vscode.window.showInformationMessage(`Cascade Frontier has no frontier to export yet${snapshot?.error ? `: ${snapshot.error}` : '.'}`);
      return undefined;
    }
    let chosen = FORMATS.find((f) => f.format === format)?.format;
    if (!chosen) {
      const picked = await vscode.window.showQuickPick(FORMATS, { placeHolder: 'Export as' });
      if (!picked) return undefined;
      chosen = picked.format;
    }
    let bytes: Uint8Array;
    if (chosen === 'png') {
      const panel = FrontierPanel.createOrShow(context, store, snapshot.key);
      const png = await panel.requestPng();
      if (!png) {
        void vscode.window.showWarningMessage('Cascade Frontier: the panel has no chart to export yet. Try again once the frontier is drawn.');
        return undefined;
      }
      bytes = png;
    } else {
      const text = chosen === 'csv' ? frontierCsv(result) : `${resultJson(result)}\n`;
      bytes = new TextEncoder().encode(text);
    }
    let uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
    if (!uri) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      uri = await vscode.window.showSaveDialog({
        title: 'Export Frontier',
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `frontier.${chosen}`) } : {}),
        filters: { [chosen.toUpperCase()]: [chosen] },
      });
      if (!uri) return undefined;
    }
    await vscode.workspace.fs.writeFile(uri, bytes);
    vscode.window.setStatusBarMessage(`Cascade Frontier: exported ${vscode.workspace.asRelativePath(uri)}`, 4000);
    return uri;
  };
}
