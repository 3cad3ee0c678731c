import * as vscode from 'vscode';
import type { AnalysisResult, Recommendation } from '../../core/types.ts';
import { budgetText } from '../../core/config/newConfig.ts';
import { per1k, percent, points, policyShort, worthItAtBudget, worthItSentence, type WorthIt } from '../../core/format/index.ts';
import { Command } from '../constants.ts';
import { evalFilesFor } from './evalFileArgs.ts';
import type { Services } from '../services.ts';
import { ConfigExistsError } from '../store/workspaceFiles.ts';
import { budgetValidation, parseBudget } from './budgetInput.ts';

/** A budget option of the quick pick: the budget to write and the recommendation within it. */
interface BudgetItem extends vscode.QuickPickItem {
  readonly budget?: number;
  readonly recommendation?: Recommendation;
  readonly action?: 'type' | 'none';
}

/**
 * "Create Cascade Config": writes a commented `cascade.config.yaml` for the eval files (those
 * of an explorer selection or an Eval Files item, else those found in the workspace): `evals`
 * naming exactly them, the split the analysis found, a budget chosen in one quick pick whose
 * options each show the policy recommended within them and its figures, and that policy as the
 * cascade. Resolves with the config written (or the existing one, opened), else undefined.
 */
export function createConfig({ store, scanner }: Services) {
  return async (target?: unknown, selected?: unknown): Promise<vscode.Uri | undefined> => {
    const files = await evalFilesFor(target, selected, { store, scanner });
    if (files.length === 0) {
      const action = await vscode.window.showInformationMessage('Cascade Frontier found no eval files to write a config for. Select the files that hold per-query eval results.', 'Select Eval Files');
      if (action) await vscode.commands.executeCommand(Command.SelectEvalFiles);
      return undefined;
    }
    const existing = await existingConfig(files[0]);
    if (existing) {
      const open = await vscode.window.showInformationMessage(`${vscode.workspace.asRelativePath(existing)} already exists.`, 'Open It');
      if (open) await vscode.window.showTextDocument(existing);
      return open ? existing : undefined;
    }
    const done = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Cascade Frontier: analysing ${files.length} eval file${files.length === 1 ? '' : 's'} for the new config…`, cancellable: true },
      (_progress, token) => store.analyseOnce(files, token, { budgetOptions: true }),
    );
    if (!done) return undefined;
    if (!done.result) {
      void vscode.window.showErrorMessage(`Cascade Frontier could not analyse the eval files: ${done.error ?? 'unknown error'}`);
      return undefined;
    }
    const result = done.result;
    const picked = await pickBudget(done.budgetOptions ?? []);
    if (!picked) return undefined;
    let budget = picked.budget;
    let recommendation = picked.recommendation;
    if (picked.action === 'type') {
      budget = await typeBudget(result);
      if (budget === undefined) return undefined;
      const again = await store.analyseOnce(files, new vscode.CancellationTokenSource().token, { budget });
      recommendation = again?.result?.recommendation;
    }
    const choice = recommendation?.feasible ? recommendation.choice : undefined;
    try {
      return await store.createConfig(
        {
          ...(budget !== undefined ? { budget } : {}),
          ...(choice ? { policy: choice.policy, policyNote: policyNote(recommendation!) } : {}),
        },
        { files, split: result.split },
      );
    } catch (e) {
      if (e instanceof ConfigExistsError) {
        await vscode.window.showTextDocument(e.uri);
        return e.uri;
      }
      void vscode.window.showErrorMessage(`Cascade Frontier could not create the config: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
}

async function existingConfig(file: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(file) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const uri = vscode.Uri.joinPath(folder.uri, 'cascade.config.yaml');
  try {
    await vscode.workspace.fs.stat(uri);
    return uri;
  } catch {
    return undefined;
  }
}

/** The quick pick of budgets: each option with the policy recommended within it and its figures. */
async function pickBudget(options: readonly Recommendation[]): Promise<BudgetItem | undefined> {
  const items: BudgetItem[] = [];
  let best: { index: number; gain: number } | undefined;
  const offered = new Set<string>();
  for (const rec of options) {
    if (!rec.feasible || !rec.choice || rec.budget === undefined) continue;
    // A dearer budget recommending the same policy as a cheaper one adds nothing to choose from.
    const key = JSON.stringify(rec.choice.policy);
    if (offered.has(key)) continue;
    offered.add(key);
    // Already the roundest budget allowing the same envelope policies, and recommended for as such.
    const budget = rec.budget;
    const figures = [`${percent(rec.choice.quality)} in-sample${rec.holdout ? `, ${percent(rec.holdout.quality)} held out` : ''}`];
    if (rec.choice.policy.kind !== 'single') figures.push(`escalates ${percent(rec.choice.escalationRate, 0)}`);
    const worth = worthItAtBudget(rec);
    if (worth) figures.push(worthShort(worth));
    if (rec.budgetCheck && !rec.budgetCheck.fits) figures.push(`may cost more (${percent(rec.budgetCheck.confidence, 0)} bound ${per1k(rec.budgetCheck.costUpperBound)})`);
    else if (rec.holdout && rec.holdout.cost > budget) figures.push(`over budget held out (${per1k(rec.holdout.cost)})`);
    items.push({ label: budgetText(budget), description: policyShort(rec.choice.policy), detail: figures.join(' · '), budget, recommendation: rec });
    if (worth?.answer === 'Yes' && worth.gain !== undefined && (!best || worth.gain > best.gain)) best = { index: items.length - 1, gain: worth.gain };
  }
  if (best) items[best.index] = { ...items[best.index], label: `$(star-full) ${items[best.index].label}` };
  const extra: BudgetItem[] = [
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(edit) Type a budget…', detail: 'Dollars per query; the figures follow as you type', action: 'type' },
    { label: '$(circle-slash) No budget for now', detail: 'Writes the eval files and the split only; set a budget later', action: 'none' },
  ];
  const quickPick = vscode.window.createQuickPick<BudgetItem>();
  quickPick.title = 'Cascade Frontier: budget of the new cascade config';
  quickPick.placeholder = `Pick a budget per query: each shows the policy recommended within it${best ? '; ★ the largest credible gain over one model' : ''}`;
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.items = [...items, ...extra];
  if (best) quickPick.activeItems = [items[best.index]];
  return new Promise((resolve) => {
    let chosen: BudgetItem | undefined;
    quickPick.onDidAccept(() => {
      chosen = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      quickPick.dispose();
      resolve(chosen);
    });
    quickPick.show();
  });
}

async function typeBudget(result: AnalysisResult): Promise<number | undefined> {
  const input = await vscode.window.showInputBox({
    title: 'Cascade Frontier: budget of the new cascade config',
    prompt: `Dollars per query. The envelope runs from ${per1k(result.envelope[0]?.cost ?? 0)} to ${per1k(result.envelope.at(-1)?.cost ?? 0)}.`,
    placeHolder: 'e.g. 0.0002 ($0.2 per 1k queries)',
    validateInput: (text) => budgetValidation(text, result.envelope),
  });
  return input === undefined ? undefined : parseBudget(input);
}

/** The verdict in a few words for a quick pick line: `worth it: +2.3 pts over a alone`. */
function worthShort(w: WorthIt): string {
  if (w.answer === 'Yes' && w.gain !== undefined) return `worth it: ${points(w.gain)} over ${w.model} alone`;
  if (w.answer === 'Unclear') return `escalating: unclear vs ${w.model} alone`;
  return `escalating: not worth it vs ${w.model} alone`;
}

/** The comment above the written cascade: why it, with its figures. */
function policyNote(rec: Recommendation): string {
  const choice = rec.choice!;
  const figures = `Recommended within the budget: ${percent(choice.quality)} in-sample${rec.holdout ? `, ${percent(rec.holdout.quality)} held out` : ''}`;
  const worth = worthItAtBudget(rec);
  return worth ? `${figures}.\nIs escalation worth it at this budget? ${worthItSentence(worth)}.` : `${figures}.`;
}
