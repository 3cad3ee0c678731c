import * as vscode from 'vscode';
import { Command } from './constants.ts';
import type { AnalysisStore } from './store/AnalysisStore.ts';

/** Labels of the offer's buttons (the real-editor tests press them). */
export const OFFER_LEARNED = 'Use a Learned Confidence';
export const OFFER_DETAILS = 'Show Details';

/**
 * Offers a learned confidence when an analysis finds models without one: once per analysis in
 * a window, as soon as such a result arrives, one notification says what is missing and offers
 * a confidence learned from the answer texts, or the panel (whose diagnosis says how to log one
 * per harness). Nothing is offered once a learned confidence is in use.
 */
export function offerLearnedConfidence(store: AnalysisStore): vscode.Disposable {
  const offered = new Set<string>();
  return store.onDidChange((key) => {
    const s = store.get(key);
    const d = s?.result?.diagnosis;
    if (!s?.result || s.status !== 'idle' || !d || d.withoutConfidence.length === 0 || d.learned.length > 0 || offered.has(key)) return;
    offered.add(key);
    const all = d.withoutConfidence.length === s.result.models.length;
    const message = all
      ? `Cascade Frontier: no model in ${s.label} has a confidence, so no cascade can be computed. Learn one from the answer texts, or see how to log one.`
      : `Cascade Frontier: ${d.withoutConfidence.length} of ${s.result.models.length} models in ${s.label} have no confidence (${d.withoutConfidence.join(', ')}), so they cannot be a first stage.`;
    void vscode.window.showInformationMessage(message, OFFER_LEARNED, OFFER_DETAILS).then((action) => {
      if (action === OFFER_LEARNED) void vscode.commands.executeCommand(Command.UseLearnedConfidence, key);
      else if (action === OFFER_DETAILS) void vscode.commands.executeCommand(Command.ShowFrontier, key);
    });
  });
}
