import * as vscode from 'vscode';
import { per1k, percent, policyShort } from '../../core/format/index.ts';
import { FrontierPanel } from '../panel/FrontierPanel.ts';
import type { Services } from '../services.ts';
import { pickAnalysis } from './pickAnalysis.ts';

/**
 * "Set Budget": asks for a budget in dollars per query (prefilled with the current one, with the
 * cheapest and dearest envelope costs as a guide) and writes it into the config, or into the
 * workspace setting when there is no config. A number argument skips the question.
 * Resolves with the budget written.
 */
export function setBudget({ store }: Services) {
  return async (key?: unknown, value?: unknown): Promise<number | undefined> => {
    const snapshot = await pickAnalysis(store, key, 'Set the budget of which analysis?');
    if (!snapshot) {
      void vscode.window.showInformationMessage('Cascade Frontier has no analysis to set a budget for: select eval files first.');
      return undefined;
    }
    let budget = typeof value === 'number' ? value : undefined;
    if (budget === undefined) {
      const envelope = snapshot.result?.envelope ?? [];
      const range = envelope.length > 0 ? ` The envelope runs from $${envelope[0].cost} (${percent(envelope[0].quality)}) to $${envelope[envelope.length - 1].cost} (${percent(envelope[envelope.length - 1].quality)}).` : '';
      const current = FrontierPanel.current?.key === snapshot.key ? FrontierPanel.current.budgetFor(snapshot.key) : undefined;
      const initial = current ?? snapshot.budget;
      const input = await vscode.window.showInputBox({
        title: `Budget for ${snapshot.label}`,
        prompt: `Dollars per query.${range}`,
        value: initial !== undefined ? String(initial) : '',
        validateInput: (text) => {
          const x = Number(text);
          if (text.trim() === '' || !Number.isFinite(x) || x <= 0) return 'Enter dollars per query, a number greater than 0 (e.g. 0.0002).';
          const choice = lastWithin(envelope, x);
          return { message: choice ? `${per1k(x)}: best is ${policyShort(choice.policy)} at ${percent(choice.quality)}` : `${per1k(x)}: below the cheapest model`, severity: vscode.InputBoxValidationSeverity.Info };
        },
      });
      if (input === undefined) return undefined;
      budget = Number(input);
    }
    try {
      await store.setBudget(snapshot.key, budget);
      return budget;
    } catch (e) {
      void vscode.window.showErrorMessage(`Cascade Frontier could not set the budget: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
}

function lastWithin<T extends { cost: number }>(envelope: readonly T[], budget: number): T | undefined {
  let found: T | undefined;
  for (const v of envelope) if (v.cost <= budget) found = v;
  return found;
}
