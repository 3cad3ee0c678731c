import * as vscode from 'vscode';
import { DEFAULT_ANALYSIS_KEY } from '../constants.ts';
import type { Services } from '../services.ts';

/**
 * The eval files a command is about: an explorer selection (files, and the eval files found in
 * selected folders), an Eval Files item, else those of the analysis without a config, else
 * every eval file found in the workspace.
 */
export async function evalFilesFor(target: unknown, selected: unknown, { store, scanner }: Pick<Services, 'store' | 'scanner'>): Promise<vscode.Uri[]> {
  await store.ready();
  await scanner.ready();
  const picked = (Array.isArray(selected) && selected.length > 0 ? selected : [target]).map(uriOf).filter((u): u is vscode.Uri => u !== undefined);
  if (picked.length > 0) {
    const out = new Map<string, vscode.Uri>();
    for (const uri of picked) {
      let isFolder = false;
      try {
        isFolder = ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
      } catch {
        continue;
      }
      if (!isFolder) out.set(uri.toString(), uri);
      else {
        const prefix = `${uri.path.replace(/\/+$/, '')}/`;
        for (const f of scanner.evalFiles()) if (f.uri.path.startsWith(prefix)) out.set(f.uri.toString(), f.uri);
        for (const s of store.list()) {
          for (const f of s.files) {
            const file = vscode.Uri.file(f.file);
            if (file.path.startsWith(prefix)) out.set(file.toString(), file);
          }
        }
      }
    }
    return [...out.values()];
  }
  const fallback = store.get(DEFAULT_ANALYSIS_KEY);
  if (fallback && fallback.files.length > 0) return fallback.files.map((f) => vscode.Uri.file(f.file));
  return scanner.evalFiles().map((f) => f.uri);
}

/** The file or folder a command was invoked on: an explorer URI, or an Eval Files view node. */
export function uriOf(v: unknown): vscode.Uri | undefined {
  if (v instanceof vscode.Uri) return v;
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as { uri?: unknown; row?: { uri?: unknown }; resourceUri?: unknown };
  for (const u of [o.uri, o.row?.uri, o.resourceUri]) if (u instanceof vscode.Uri) return u;
  return undefined;
}

/** The analysis that reads a file (or, for a folder, a file in it), most recently used first. */
export function analysisReading(store: Services['store'], uri: vscode.Uri): string | undefined {
  const path = uri.fsPath.replace(/[\\/]+$/, '');
  for (const s of store.list()) {
    if (s.key === uri.toString()) return s.key;
    if (s.files.some((f) => f.file === path || f.file.startsWith(`${path}/`) || f.file.startsWith(`${path}\\`))) return s.key;
  }
  return undefined;
}
