import * as vscode from 'vscode';
import { stageAdvice } from '../../core/config/advice.ts';
import { plainNumber } from '../../core/config/newConfig.ts';
import { points, thresholdForConfig } from '../../core/format/index.ts';
import { readConfig } from '../config.ts';
import { toRange, type ConfigDocuments } from './configDocuments.ts';

/**
 * Inlay hints on a cascade config: after a threshold, the suggested value (double-click to
 * insert it); after the budget, the same budget per 1,000 queries.
 */
export class ConfigInlayHintsProvider implements vscode.InlayHintsProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;

  constructor(private readonly documents: ConfigDocuments) {}

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  provideInlayHints(document: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] {
    if (!readConfig(document.uri).inlayHintsEnabled) return [];
    const ctx = this.documents.get(document);
    if (!ctx) return [];
    const hints: vscode.InlayHint[] = [];
    const { config, result } = ctx;
    const budget = config.budget;
    if (budget) {
      const at = toRange(document, budget.span).end;
      if (range.contains(at)) {
        // A budget is a chosen round number: no trailing zeros (`= $0.13 per 1k queries`).
        const hint = new vscode.InlayHint(at, `= $${plainNumber(budget.value * 1000)} per 1k queries`, vscode.InlayHintKind.Type);
        hint.paddingLeft = true;
        hints.push(hint);
      }
    }
    // No suggestion from a result of an earlier analysis (the last one failed).
    const advice = result && ctx.stale === undefined ? stageAdvice(config, result) : undefined;
    const threshold = config.cascade?.stages[advice?.stageIndex ?? 0]?.threshold;
    if (advice && threshold && advice.suggested !== advice.current) {
      const valueRange = toRange(document, threshold.span);
      if (range.contains(valueRange.end)) {
        const text = thresholdForConfig(advice.suggested, config.format);
        const gain = advice.qualityChange !== undefined ? ` (${points(advice.qualityChange)})` : '';
        const hint = new vscode.InlayHint(valueRange.end, `→ ${text}${gain}`, vscode.InlayHintKind.Parameter);
        hint.paddingLeft = true;
        hint.textEdits = [vscode.TextEdit.replace(valueRange, text)];
        hint.tooltip = new vscode.MarkdownString(
          `Suggested threshold: the best of this pair ${advice.basis === 'budget' ? 'within the budget' : 'at no more than the current cost'}. Double-click to insert it.`,
        );
        hints.push(hint);
      }
    }
    return hints;
  }
}
