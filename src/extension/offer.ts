import * as vscode from 'vscode';
import { Command, DEFAULT_ANALYSIS_KEY } from './constants.ts';
import type { AnalysisStore } from './store/AnalysisStore.ts';

const OFFERED_KEY = 'cascadeFrontier.offered';

/** Labels of the offer's buttons (the real-editor tests press them). */
export const OFFER_SHOW = 'Show Cascade Frontier';
export const OFFER_CREATE = 'Create Cascade Config';

/**
 * Offers, once per workspace and never again, what to do with eval results found in a workspace
 * without a cascade config: as soon as their first analysis succeeds, one notification names
 * what was found and offers the frontier or a config. Nothing is offered in a workspace that
 * has a config, and nothing when the files cannot be analysed (the Problems panel says why).
 */
export function offerOnce(state: vscode.Memento, store: AnalysisStore): vscode.Disposable {
  if (state.get<boolean>(OFFERED_KEY)) return new vscode.Disposable(() => undefined);
  let done = false;
  const subscription = store.onDidChange((key) => {
    if (done || key !== DEFAULT_ANALYSIS_KEY) return;
    const s = store.get(key);
    if (!s?.result || s.status !== 'idle' || store.configUri(key) || store.list().length !== 1) return;
    done = true;
    subscription.dispose();
    void state.update(OFFERED_KEY, true);
    const r = s.result;
    const message = `Cascade Frontier: eval results for ${r.models.length} models found (${r.n.toLocaleString('en-US')} queries in ${s.files.length} file${s.files.length === 1 ? '' : 's'}).`;
    void vscode.window.showInformationMessage(message, OFFER_SHOW, OFFER_CREATE).then((action) => {
      if (action === OFFER_SHOW) void vscode.commands.executeCommand(Command.ShowFrontier, key);
      else if (action === OFFER_CREATE) void vscode.commands.executeCommand(Command.CreateConfig);
    });
  });
  return subscription;
}
