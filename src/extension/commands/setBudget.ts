import * as vscode from 'vscode';
import { budgetText } from '../../core/config/newConfig.ts';
import { readableBudget } from '../../core/readable.ts';
import { budgetValidation, parseBudget } from './budgetInput.ts';
import { FrontierPanel } from '../panel/FrontierPanel.ts';
import type { Services } from '../services.ts';
import { pickAnalysis } from './pickAnalysis.ts';

/**
 * "Set Budget": asks for a budget in dollars per query (prefilled with the current one at three
 * significant digits, with the cheapest and dearest envelope costs as a guide, and what the typed
 * budget is per 1,000 queries and buys) and writes it into the config, or into the
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
      const range = envelope.length > 0 ? ` The envelope runs from ${budgetText(envelope[0].cost)} to ${budgetText(envelope[envelope.length - 1].cost)}.` : '';
      const fromPanel = FrontierPanel.current?.key === snapshot.key ? FrontierPanel.current.budgetFor(snapshot.key) : undefined;
      const current = fromPanel ?? snapshot.budget;
      const costs = [...envelope.map((v) => v.cost), ...(snapshot.result?.models ?? []).map((m) => m.cost)];
      const initial = current !== undefined ? readableBudget(current, costs) : undefined;
      const input = await vscode.window.showInputBox({
        title: `Budget for ${snapshot.label}`,
        prompt: `Dollars per query.${range}`,
        value: initial !== undefined ? String(initial) : '',
        placeHolder: 'e.g. 0.0002 ($0.2 per 1k queries)',
        validateInput: (text) => budgetValidation(text, envelope),
      });
      if (input === undefined) return undefined;
      budget = parseBudget(input);
      if (budget === undefined) return undefined;
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
