import * as vscode from 'vscode';
import type { AnalysisResult } from '../../core/types.ts';
import { stageAdvice } from '../../core/config/advice.ts';
import { stageAt } from '../../core/config/config.ts';
import { per1k, percent, perQuery, policyShort, thresholdForConfig } from '../../core/format/index.ts';
import { readableBudget } from '../../core/readable.ts';
import { typedValueAt, type TypedValue } from '../../core/config/locate.ts';
import { readConfig } from '../config.ts';
import { CONFIG_KEY_DOCS, wholeConfigSnippet, yamlKeyScope } from '../../core/config/keys.ts';
import { CONFIDENCE_SIGNALS, signalLabel } from '../../core/adapters/confidence.ts';
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
    const keys = this.keyItems(document, position);
    if (keys) return keys;
    const found = this.typed(document, position);
    if (found?.typed.key === 'confidence') {
      const range = new vscode.Range(position.line, found.typed.start, position.line, found.typed.end);
      return CONFIDENCE_SIGNALS.map((signal) => {
        const item = new vscode.CompletionItem(signal, vscode.CompletionItemKind.EnumMember);
        item.detail = `Confidence from the ${signalLabel(signal)}`;
        item.range = range;
        return item;
      });
    }
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
          const budget = readableBudget(v.cost, [...result.envelope.map((e) => e.cost), ...result.models.map((m) => m.cost)]);
          const item = new vscode.CompletionItem({ label: String(budget), description: per1k(budget) }, vscode.CompletionItemKind.Value);
          item.detail = `${perQuery(budget)} = ${per1k(budget)} → ${percent(v.quality)} with ${policyShort(v.policy)}`;
          item.insertText = String(budget);
          item.filterText = String(budget);
          item.documentation = 'A vertex of the concave hull of the envelope: the budgets where the best policy changes slope.';
          item.sortText = String(i).padStart(4, '0');
          item.range = range;
          return item;
        });
      default:
        return [];
    }
  }

  /**
   * Keys where a key goes (YAML only; JSON configs get the schema's completions from the
   * editor's JSON support): each with its one-line doc and a snippet, the keys of the scope not
   * yet written, model names under `prices`, and a whole commented config in an empty file.
   * Undefined when the cursor is not where a key goes.
   */
  private keyItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
    const ctx = this.documents.get(document);
    if (!ctx || ctx.config.format !== 'yaml') return undefined;
    const lines = Array.from({ length: position.line + 1 }, (_, i) => document.lineAt(i).text);
    const scope = yamlKeyScope(lines, position.line, position.character);
    if (!scope) return undefined;
    const lineText = document.lineAt(position.line).text;
    const word = /[\w$]*$/.exec(lineText.slice(0, position.character))![0];
    const range = new vscode.Range(position.line, position.character - word.length, position.line, position.character);
    const indent = ' '.repeat(position.character - word.length);
    const models = ctx.result?.models.map((m) => m.name) ?? [];
    const items: vscode.CompletionItem[] = [];
    if (scope === 'prices') {
      models.forEach((name, i) => {
        const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Property);
        item.detail = 'Dollars per million input and output tokens of this model';
        item.insertText = new vscode.SnippetString(`${name}: {input: \${1:0.15}, output: \${2:0.6}}`);
        item.sortText = String(i).padStart(4, '0');
        item.range = range;
        items.push(item);
      });
      return items;
    }
    const present = scope === 'root' ? new Set(rootKeysIn(document.getText())) : new Set<string>();
    CONFIG_KEY_DOCS.filter((k) => k.scope === scope && !present.has(k.key)).forEach((k, i) => {
      const item = new vscode.CompletionItem(k.key, vscode.CompletionItemKind.Property);
      item.detail = k.doc;
      item.documentation = new vscode.MarkdownString(k.doc);
      item.insertText = new vscode.SnippetString(k.snippet.replace(/\n/g, `\n${indent}`));
      item.sortText = `1${String(i).padStart(3, '0')}`;
      item.range = range;
      items.push(item);
    });
    if (scope === 'root' && present.size === 0) {
      const item = new vscode.CompletionItem('cascade config', vscode.CompletionItemKind.Snippet);
      item.detail = 'A whole commented config: evals, split, budget and a two-stage cascade';
      item.documentation = new vscode.MarkdownString(
        "Writes every key with a comment saying what it does; fill in the eval files, the budget and the two models (the eval files' models are offered).",
      );
      item.insertText = new vscode.SnippetString(wholeConfigSnippet(models));
      item.sortText = '0000';
      item.preselect = true;
      item.range = range;
      items.unshift(item);
    }
    return items;
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

/** Top-level keys written in a YAML text (lines that start with `key:`). */
function rootKeysIn(text: string): string[] {
  return [...text.matchAll(/^([\w$]+)\s*:/gm)].map((m) => m[1]);
}

function lineHasOpenQuote(document: vscode.TextDocument, position: vscode.Position, start: number): boolean {
  return start > 0 && document.lineAt(position.line).text[start - 1] === '"';
}
