import * as vscode from 'vscode';
import { samePolicy } from '../../core/policy.ts';
import { configPolicy } from '../../core/config/config.ts';
import { resultMatchesConfig, stageAdvice } from '../../core/config/advice.ts';
import { per1k, percent, policyShort, thresholdForConfig, tradeText, worthItAtBudget, worthItSentence } from '../../core/format/index.ts';
import { Command } from '../constants.ts';
import { readConfig } from '../config.ts';
import { toRange, type ConfigDocuments } from './configDocuments.ts';
import { applyArgs, type ApplyArgs } from '../commands/applyRecommendedThreshold.ts';

/**
 * Lenses on a cascade config: above the cascade, its own figures and the best pair at the budget
 * when that is another pair; above a threshold, the suggested threshold with what it buys and an
 * Apply action; above the budget, what the budget buys. Every lens belongs to the current
 * analysis: after a failed recompute one lens says so, and no action is offered from the
 * earlier result; a cascade left out of the analysis says why instead of waiting for it.
 */
export class ConfigCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly documents: ConfigDocuments) {}

  /** Asks the editor for fresh lenses (after a recompute or a settings change). */
  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!readConfig(document.uri).codeLensEnabled) return [];
    const ctx = this.documents.get(document);
    if (!ctx) return [];
    const { config, result, snapshot, key } = ctx;
    const show: vscode.Command = { title: '', command: Command.ShowFrontier, arguments: [key] };
    const top = config.cascade ? toRange(document, config.cascade.keySpan) : new vscode.Range(0, 0, 0, 0);
    if (!result || ctx.stale !== undefined) {
      const computing = snapshot?.status === 'computing' || !snapshot;
      const title = computing
        ? '$(sync~spin) Cascade Frontier: analysing the eval files…'
        : `$(warning) Cascade Frontier: ${snapshot.error ?? 'no analysis yet'}${result ? ' (the panel shows an earlier analysis)' : ''}`;
      return [new vscode.CodeLens(top, { ...show, title, tooltip: 'Open the frontier panel' })];
    }
    const lenses: vscode.CodeLens[] = [];
    const current = resultMatchesConfig(config, result);
    const policy = configPolicy(config);
    const computing = snapshot?.status === 'computing';
    const stale = computing ? ' $(sync~spin)' : '';

    if (config.cascade) {
      const c = result.cascade;
      if (c && current) {
        const held = c.holdout ? ` · ${percent(c.holdout.quality)} held out` : '';
        lenses.push(
          new vscode.CodeLens(top, {
            ...show,
            title: `This cascade: ${per1k(c.inSample.cost)} · ${percent(c.inSample.quality)} in-sample${held} · escalates ${percent(c.inSample.escalationRate)}${stale}`,
            tooltip: 'Open the frontier panel',
          }),
        );
      } else if (snapshot?.cascadeSkipped && !computing) {
        lenses.push(new vscode.CodeLens(top, { ...show, title: `$(warning) This cascade is not analysed: ${snapshot.cascadeSkipped}. Fix the model name (quick fix on it).` }));
      } else if (policy) {
        lenses.push(new vscode.CodeLens(top, { ...show, title: `$(sync~spin) Cascade Frontier: analysing this cascade…` }));
      }
      const choice = result.recommendation?.choice;
      if (choice && policy && !sameModels(choice.policy.models, policy.models)) {
        const gain = c && current ? ` (${tradeText(choice.quality - c.inSample.quality, choice.cost - c.inSample.cost)})` : '';
        const args: ApplyArgs = applyArgs(key, choice.policy);
        lenses.push(
          new vscode.CodeLens(top, {
            title: `$(lightbulb) Best at ${per1k(result.recommendation!.budget ?? choice.cost)}: ${policyShort(choice.policy)}, ${percent(choice.quality)}${gain} · Switch`,
            tooltip: 'Write the recommended pair and threshold into the cascade',
            command: Command.ApplyRecommendedThreshold,
            arguments: [args],
          }),
        );
      }
    }

    const advice = stageAdvice(config, result);
    const threshold = config.cascade?.stages[0]?.threshold;
    if (advice && threshold) {
      const range = toRange(document, threshold.keySpan ?? threshold.span);
      if (advice.suggested === advice.current || (policy && samePolicy(policy, advice.policy))) {
        lenses.push(new vscode.CodeLens(range, { ...show, title: `$(check) Recommended threshold for ${advice.basis === 'budget' ? 'this budget' : 'this cost'}` }));
      } else {
        const where = advice.basis === 'budget' ? 'best within budget' : 'best at no more cost';
        const change = advice.qualityChange !== undefined && advice.costChange !== undefined ? `: ${tradeText(advice.qualityChange, advice.costChange)} (${where})` : ` (${where})`;
        lenses.push(
          new vscode.CodeLens(range, { ...show, title: `$(lightbulb) Suggested threshold ${thresholdForConfig(advice.suggested)}${change}` }),
          new vscode.CodeLens(range, {
            title: 'Apply',
            tooltip: `Set the threshold to ${thresholdForConfig(advice.suggested)}`,
            command: Command.ApplyRecommendedThreshold,
            arguments: [applyArgs(key, advice.policy)],
          }),
        );
      }
    }

    const rec = result.recommendation;
    if (config.budget && rec?.feasible && rec.choice) {
      const held = rec.holdout ? `${percent(rec.holdout.quality)} held out` : `${percent(rec.choice.quality)} in-sample`;
      const worth = worthItAtBudget(rec);
      const verdict = worth ? ` · escalation worth it at this budget? ${worthItSentence(worth)}` : '';
      lenses.push(new vscode.CodeLens(toRange(document, config.budget.keySpan ?? config.budget.span), { ...show, title: `Best within budget: ${policyShort(rec.choice.policy)} · ${held}${verdict}` }));
    }
    return lenses;
  }
}

function sameModels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}
