import * as vscode from 'vscode';
import type { AnalysisSnapshot } from '../analysisSource.ts';
import type { AnalysisStore } from '../store/AnalysisStore.ts';

/**
 * The analysis a command acts on: the one named by the caller, else the config in the active
 * editor, else the only one, else the user's pick (most recently used first; without a
 * placeholder, the most recently used without asking). Undefined when
 * the user dismisses the picker or there is none.
 */
export async function pickAnalysis(store: AnalysisStore, key: unknown, placeHolder: string | undefined): Promise<AnalysisSnapshot | undefined> {
  await store.ready();
  if (typeof key === 'string') {
    const named = store.get(key);
    if (named) return named;
  }
  const active = vscode.window.activeTextEditor?.document.uri.toString();
  const fromEditor = active ? store.get(active) : undefined;
  if (fromEditor) return fromEditor;
  const all = store.list();
  // Without a placeholder the caller has its own way to switch (the panel's picker): no question.
  if (all.length <= 1 || placeHolder === undefined) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((s) => ({ label: s.label, description: describe(s), snapshot: s })),
    { placeHolder },
  );
  return picked?.snapshot;
}

function describe(s: AnalysisSnapshot): string {
  if (s.result) return `${s.result.models.length} models, ${s.result.n} queries`;
  return s.status === 'computing' ? 'analysing…' : (s.error ?? '');
}
