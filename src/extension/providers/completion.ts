import * as vscode from 'vscode';
import type { AnalysisResult } from '../../core/types.ts';
import { stageAdvice } from '../../core/config/advice.ts';
import { stageAt } from '../../core/config/config.ts';
import { per1k, percent, policyShort, thresholdForConfig } from '../../core/format/index.ts';
import { typedValueAt, type TypedValue } from '../../core/config/locate.ts';
import { readConfig } from '../config.ts';
import type { ConfigContext, ConfigDocuments } from './configDocuments.ts';

/** Thresholds listed per pair in the completion list, nearest the budget first. */
const MAX_THRESHOLD_ITEMS = 30;

/**
 * Suggestions while typing in a cascade config: the recommended threshold as ghost text (inline
 * completion) and, in the completion list, the thresholds on the pair's own frontier, the model
 * names of the eval files, and the envelope's switching budgets.
 */
export class ConfigCompletionProvider implements vscode.CompletionItemProvider, vscode.InlineCompletionItemProvider {
  constructor(private readonly documents: ConfigDocuments) {}

  provideInlineCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.InlineCompletionItem[] {
    if (!readConfig(document.uri).inlineSuggestionsEnabled) return [];
    const found = this.typed(document, position);
    if (!found || found.typed.key !== 'threshold' || !found.ctx.result) return [];
    const suggested = this.suggestedThreshold(found.ctx, found.ctx.result, document.offsetAt(position));
    if (suggested === undefined || !suggested.startsWith(found.typed.prefix) || suggested === found.typed.prefix) return [];
    const range = new vscode.Range(position.line, found.typed.start, position.line, found.typed.end);
    return [new vscode.InlineCompletionItem(suggested, range)];
  }

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const found = this.typed(document, position);
    if (!found?.ctx.result) return [];
    const { ctx, typed } = found;
    const result = ctx.result!;
    const range = new vscode.Range(position.line, typed.start, position.line, typed.end);
    const quote = ctx.config.format === 'json' ? '"' : '';
    switch (typed.key) {
      case 'model':
        return result.models.map((m, i) => {
          const item = new vscode.CompletionItem(m.name, vscode.CompletionItemKind.Value);
          item.detail = `${per1k(m.cost)} · ${percent(m.quality)}`;
          item.sortText = String(i).padStart(4, '0');
          item.range = range;
          // JSON already has the opening quote when one was typed; complete just the name then.
          item.insertText = quote && !lineHasOpenQuote(document, position, typed.start) ? `${quote}${m.name}${quote}` : m.name;
          return item;
        });
      case 'threshold':
        return this.thresholdItems(ctx, result, document.offsetAt(position), range);
      case 'budget':
        return result.hull.map((v, i) => {
          const item = new vscode.CompletionItem(String(v.cost), vscode.CompletionItemKind.Value);
          item.detail = `${per1k(v.cost)} → ${percent(v.quality)} with ${policyShort(v.policy)}`;
          item.documentation = 'A vertex of the concave hull of the envelope: the budgets where the best policy changes slope.';
          item.sortText = String(i).padStart(4, '0');
          item.range = range;
          return item;
        });
      default:
        return [];
    }
  }

  private thresholdItems(ctx: ConfigContext, result: AnalysisResult, offset: number, range: vscode.Range): vscode.CompletionItem[] {
    const items: vscode.CompletionItem[] = [];
    const suggested = this.suggestedThreshold(ctx, result, offset);
    if (suggested !== undefined) {
      const item = new vscode.CompletionItem(suggested, vscode.CompletionItemKind.Value);
      item.detail = 'Recommended threshold';
      item.preselect = true;
      item.sortText = '0000';
      item.range = range;
      items.push(item);
    }
    const stage = stageAt(ctx.config, offset);
    const stages = ctx.config.cascade?.stages ?? [];
    const cheap = stage ? stages[stage.index]?.model?.value : undefined;
    const expensive = stage ? stages[stage.index + 1]?.model?.value : undefined;
    const pair = result.pairs.find((p) => p.cheap === cheap && p.expensive === expensive);
    if (!pair) return items;
    const budget = result.recommendation?.budget;
    const points = pair.points
      .filter((p) => p.threshold !== null && thresholdForConfig(p.threshold, ctx.config.format) !== suggested)
      .map((p) => ({ p, distance: budget !== undefined ? Math.abs(p.cost - budget) : 0 }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, MAX_THRESHOLD_ITEMS);
    points.forEach(({ p }, i) => {
      const item = new vscode.CompletionItem(thresholdForConfig(p.threshold, ctx.config.format), vscode.CompletionItemKind.Value);
      item.detail = `${per1k(p.cost)} · ${percent(p.quality)} · escalates ${percent(p.escalationRate, 0)}`;
      item.sortText = String(i + 1).padStart(4, '0');
      item.range = range;
      items.push(item);
    });
    return items;
  }

  private suggestedThreshold(ctx: ConfigContext, result: AnalysisResult, offset: number): string | undefined {
    const advice = stageAdvice(ctx.config, result);
    if (!advice) return undefined;
    const stage = stageAt(ctx.config, offset);
    if (stage && stage.index !== advice.stageIndex) return undefined;
    return thresholdForConfig(advice.suggested, ctx.config.format);
  }

  private typed(document: vscode.TextDocument, position: vscode.Position): { ctx: ConfigContext; typed: TypedValue } | undefined {
    const ctx = this.documents.get(document);
    if (!ctx) return undefined;
    const typed = typedValueAt(document.lineAt(position.line).text, position.character);
    return typed ? { ctx, typed } : undefined;
  }
}

function lineHasOpenQuote(document: vscode.TextDocument, position: vscode.Position, start: number): boolean {
  return start > 0 && document.lineAt(position.line).text[start - 1] === '"';
}
