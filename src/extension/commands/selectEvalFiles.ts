import * as vscode from 'vscode';
import { DEFAULT_ANALYSIS_KEY } from '../constants.ts';
import type { Services } from '../services.ts';
import { readConfig } from '../config.ts';
import { relativePath } from '../relativePath.ts';

interface FileItem extends vscode.QuickPickItem {
  readonly uri?: vscode.Uri;
}

const BROWSE = '$(folder-opened) Browse…';

/**
 * "Select Eval Files": lists the JSONL and CSV files of the workspace (those in use ticked),
 * and writes the choice into the cascade config's `evals` (paths relative to the config), or
 * into the `cascadeFrontier.evalFiles` workspace setting when there is no config.
 * Resolves with the globs written.
 */
export function selectEvalFiles({ store }: Services) {
  return async (key?: unknown): Promise<readonly string[] | undefined> => {
    await store.ready();
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    const target = (typeof key === 'string' && store.get(key)) || (active && store.get(active)) || store.list()[0];
    const targetKey = target ? target.key : DEFAULT_ANALYSIS_KEY;
    const configUri = store.configUri(targetKey);
    const base = configUri ? vscode.Uri.joinPath(configUri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!base) {
      void vscode.window.showInformationMessage('Open a folder first: Cascade Frontier reads eval files from the workspace.');
      return undefined;
    }
    const settings = readConfig();
    const candidates = await vscode.workspace.findFiles('**/*.{jsonl,jsonl.gz,csv,csv.gz,json,json.gz,eval,parquet}', settings.exclude, 5000);
    const inUse = new Set((target?.files ?? []).map((f) => vscode.Uri.file(f.file).toString()));
    const items: FileItem[] = candidates
      .filter((u) => !/(^|\/)(cascade\.config|[^/]+\.cascade)\.json$/i.test(u.path))
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri, picked: inUse.has(uri.toString()) }));
    items.push({ label: BROWSE, alwaysShow: true });
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: configUri ? `Eval files of ${vscode.workspace.asRelativePath(configUri)}` : 'Eval files of the workspace',
      placeHolder: 'Tick the files that hold per-query eval results',
    });
    if (!picked) return undefined;
    const uris = picked.filter((p) => p.uri).map((p) => p.uri!);
    if (picked.some((p) => p.label === BROWSE)) {
      const chosen = await vscode.window.showOpenDialog({ canSelectMany: true, defaultUri: base, filters: { 'Eval results': ['jsonl', 'csv', 'gz', 'json', 'eval', 'parquet'] } });
      if (chosen) uris.push(...chosen);
    }
    if (uris.length === 0) return undefined;
    const globs = uris.map((u) => relativeGlob(base, u));
    const outside = globs.filter((g) => g.startsWith('../') || g.startsWith('/'));
    if (outside.length > 0 && !configUri) {
      void vscode.window.showWarningMessage(`Cascade Frontier reads eval files inside the workspace only; skipped ${outside.join(', ')}.`);
    }
    const usable = configUri ? globs : globs.filter((g) => !outside.includes(g));
    if (usable.length === 0) return undefined;
    try {
      await store.setEvalGlobs(targetKey, usable);
      return usable;
    } catch (e) {
      void vscode.window.showErrorMessage(`Cascade Frontier could not save the eval files: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
}

/** A path relative to `base` with forward slashes, glob characters escaped. */
function relativeGlob(base: vscode.Uri, uri: vscode.Uri): string {
  return relativePath(base, uri).replace(/[*?[\]{}]/g, '[$&]');
}
