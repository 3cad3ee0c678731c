import * as vscode from 'vscode';
import type { Services } from '../services.ts';
import { pickAnalysis } from './pickAnalysis.ts';

/**
 * "Use a Learned Confidence": models without a logged confidence get one learned from their
 * answer texts (a cross-fitted P(correct), labelled learned): writes `confidence: learned` into
 * the analysis's config, or the `confidence` setting of the workspace when there is no config.
 * The analysis recomputes on the change. Resolves true when something was written.
 */
export function useLearnedConfidence({ store }: Services) {
  return async (key?: unknown): Promise<boolean> => {
    const snapshot = await pickAnalysis(store, key, 'Use a learned confidence for which analysis?');
    if (!snapshot) {
      void vscode.window.showInformationMessage('Cascade Frontier has no analysis to learn a confidence for: select eval files first.');
      return false;
    }
    try {
      await store.useLearnedConfidence(snapshot.key);
    } catch (e) {
      void vscode.window.showErrorMessage(`Cascade Frontier could not ask for a learned confidence: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
    return true;
  };
}
