import * as vscode from 'vscode';
import type { AnalysisResult, LocalShadowPrice, Measured } from '../../core/types.ts';
import { envelopeQualityAt, shadowPriceAt } from '../../core/envelope.ts';
import { resultMatchesConfig, stageAdvice } from '../../core/config/advice.ts';
import {
  costWithInterval,
  per1k,
  percent,
  perQuery,
  points,
  policySentence,
  qualityWithInterval,
  shadowPriceLines,
  shadowPriceSentence,
  significant,
  thresholdForConfig,
} from '../../core/format/index.ts';
import { targetAt, type ConfigTarget } from '../../core/config/locate.ts';
import { Command } from '../constants.ts';
import { applyArgs } from '../commands/applyRecommendedThreshold.ts';
import { toRange, type ConfigContext, type ConfigDocuments } from './configDocuments.ts';

/** The only commands hover links may run. */
const HOVER_COMMANDS = [Command.ApplyRecommendedThreshold, Command.ShowFrontier, Command.SetBudget];

const HULL_NOTE = 'slope of the upper concave hull of the pairwise envelope, calibration queries';

/**
 * Hovers on a cascade config: on a threshold, the cascade's figures, the suggested threshold and
 * the shadow price; on the budget, the recommendation and what one more dollar buys; on a model
 * name, its own figures and what the envelope offers at its cost.
 */
export class ConfigHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly documents: ConfigDocuments,
    private readonly localShadowPrice: (key: string) => LocalShadowPrice | undefined,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const ctx = this.documents.get(document);
    if (!ctx) return undefined;
    const target = targetAt(ctx.config, document.offsetAt(position));
    if (!target) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: HOVER_COMMANDS };
    md.supportHtml = false;
    if (!ctx.result) {
      md.appendMarkdown(ctx.snapshot?.status === 'error' ? `Cascade Frontier: ${escape(ctx.snapshot.error ?? 'no analysis')}` : 'Cascade Frontier is analysing the eval files…');
      return new vscode.Hover(md, rangeOf(document, target));
    }
    const lines = this.describe(ctx, ctx.result, target);
    if (lines.length === 0) return undefined;
    md.appendMarkdown(lines.join('\n\n'));
    return new vscode.Hover(md, rangeOf(document, target));
  }

  private describe(ctx: ConfigContext, result: AnalysisResult, target: ConfigTarget): string[] {
    switch (target.kind) {
      case 'threshold':
      case 'cascade':
        return this.describeCascade(ctx, result);
      case 'budget':
        return describeBudget(ctx.key, result, target.located.value);
      case 'model':
      case 'price':
        return describeModel(result, target.located.value);
      case 'target':
        return describeTarget(result, target.located.value);
    }
  }

  private describeCascade(ctx: ConfigContext, result: AnalysisResult): string[] {
    const { config, key } = ctx;
    const out: string[] = [];
    const c = result.cascade;
    if (!c || !resultMatchesConfig(config, result)) {
      out.push('**Cascade Frontier**: the figures of this cascade appear once it is analysed (after a short pause in typing).');
    } else {
      out.push(`**${escape(policySentence(c.policy))}**`);
      const rows = [row('This cascade, in-sample', c.inSample)];
      if (c.holdout) rows.push(row('This cascade, held out', c.holdout));
      const envelopeRow = `| Envelope at the same cost (in-sample) | ${per1k(c.inSample.cost)} | ${percent(c.envelopeQualityAtCost)} | |`;
      out.push([TABLE_HEAD, ...rows, envelopeRow].join('\n'));
      if (c.gapToEnvelope > 0) out.push(`The envelope offers ${points(c.gapToEnvelope)} at this cost${c.dominatedBy ? ` with ${escape(policySentence(c.dominatedBy.policy))}` : ''}.`);
      out.push(`**Shadow price** at this cost (${HULL_NOTE}):\n\n${shadowPriceLines(c.shadowPrice).map((l) => `- ${l}`).join('\n')}`);
      const local = this.localShadowPrice(key);
      if (local) out.push(localLine('at this threshold', local));
    }
    const advice = stageAdvice(config, result);
    if (advice && advice.suggested !== advice.current) {
      const basis = advice.basis === 'budget' ? `the best of this pair within the budget (${per1k(result.recommendation!.budget!)})` : 'the best of this pair at no more than this cost';
      const change = advice.qualityChange !== undefined ? `: ${points(advice.qualityChange)} in-sample` : '';
      out.push(
        `**Suggested threshold ${thresholdForConfig(advice.suggested)}**, ${basis}${change} (${per1k(advice.cost)}, escalates ${percent(advice.escalationRate)}). ` +
          `${link('Apply', Command.ApplyRecommendedThreshold, [applyArgs(key, advice.policy)])}`,
      );
    }
    out.push(link('Show the frontier', Command.ShowFrontier, [key]));
    return out;
  }
}

const TABLE_HEAD = '| | cost | quality | escalates |\n|---|---|---|---|';

function row(label: string, m: Measured): string {
  return `| ${label} | ${costWithInterval(m)} | ${qualityWithInterval(m)} | ${percent(m.escalationRate)} |`;
}

function describeBudget(key: string, result: AnalysisResult, budget: number): string[] {
  const out = [`**Budget ${perQuery(budget)}** (${per1k(budget)})`];
  const rec = result.recommendation;
  if (rec && rec.budget === budget) {
    if (!rec.feasible || !rec.choice) out.push(escape(rec.reason ?? 'No policy fits this budget.'));
    else {
      out.push(`Recommended: **${escape(policySentence(rec.choice.policy))}**`);
      const rows = [TABLE_HEAD];
      if (rec.inSample) rows.push(row('In-sample', rec.inSample));
      if (rec.holdout) rows.push(row('Held out', rec.holdout));
      if (rec.bestSingle) {
        rows.push(row(`${escape(rec.bestSingle.model)} alone, in-sample`, rec.bestSingle.inSample));
        if (rec.bestSingle.holdout) rows.push(row(`${escape(rec.bestSingle.model)} alone, held out`, rec.bestSingle.holdout));
      }
      out.push(rows.join('\n'));
      if (rec.gainOverBestSingle !== undefined && rec.bestSingle) {
        out.push(`Is escalation worth it? **${rec.escalationWorthIt ? 'Yes' : 'No'}**: ${points(rec.gainOverBestSingle)} over the best single model within the budget (${rec.holdout ? 'held out' : 'in-sample'}).`);
      }
      if (rec.localShadowPrice) out.push(localLine('at the recommended threshold', rec.localShadowPrice));
    }
  } else {
    out.push('The recommendation for this budget appears once it is analysed.');
  }
  out.push(`**What one more dollar buys** at this budget (${HULL_NOTE}):\n\n${shadowPriceLines(shadowPriceAt(result.hull, budget)).map((l) => `- ${l}`).join('\n')}`);
  out.push(`${link('Set Budget…', Command.SetBudget, [key])} · ${link('Show the frontier', Command.ShowFrontier, [key])}`);
  return out;
}

function describeModel(result: AnalysisResult, name: string): string[] {
  const m = result.models.find((x) => x.name === name);
  if (!m) return [`**${escape(name)}**: not in the eval files (they have ${escape(result.models.map((x) => x.name).join(', '))}).`];
  const out = [`**${escape(name)}**: ${per1k(m.cost)} · ${percent(m.quality)} quality · ${m.n} calibration queries · ${confidenceRange(m)}`];
  const f = envelopeQualityAt(result.envelope, m.cost);
  if (f !== null && f > m.quality) out.push(`At the same cost the envelope offers ${percent(f)} (${points(f - m.quality)}).`);
  const uses = result.envelope.filter((v) => v.policy.models.includes(name));
  out.push(uses.length === 0 ? 'Not on the pairwise envelope at any budget.' : `On the envelope in ${uses.length} of ${result.envelope.length} vertices, from ${per1k(uses[0].cost)} to ${per1k(uses[uses.length - 1].cost)}.`);
  out.push(`**Shadow price** at its cost (${HULL_NOTE}):\n\n${shadowPriceLines(shadowPriceAt(result.hull, m.cost)).map((l) => `- ${l}`).join('\n')}`);
  return out;
}

function describeTarget(result: AnalysisResult, target: number): string[] {
  const out = [`**Quality target ${percent(target)}**`];
  const rec = result.recommendation;
  if (rec?.target === target) {
    if (!rec.feasible || !rec.choice) out.push(escape(rec.reason ?? 'No policy reaches this target.'));
    else out.push(`Cheapest policy reaching it: **${escape(policySentence(rec.choice.policy))}** at ${per1k(rec.choice.cost)}.`);
    if (rec.choice) {
      const mu = rec.choice.shadowPrice.muLeft;
      out.push(`One more quality point costs: ${shadowPriceSentence(rec.choice.shadowPrice.lambdaLeft, mu)}`);
    }
  }
  return out;
}

function localLine(where: string, local: LocalShadowPrice): string {
  return (
    `Local shadow price ${where}: ${shadowPriceSentence(local.lambda, local.mu)} ` +
    `(E[q_b − q_a] / E[c_b] over the ${local.windowQueries} calibration queries with confidence from ${significant(local.confidenceFrom, 4)} to ${significant(local.confidenceTo, 4)})`
  );
}

function link(title: string, command: string, args: unknown[]): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

function rangeOf(document: vscode.TextDocument, target: ConfigTarget): vscode.Range {
  return toRange(document, target.kind === 'cascade' ? target.span : target.located.span);
}

/** Markdown-escapes text that comes from user files (model names, messages). */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** A model's confidence as a hover says it: its range, whether it is learned, or that it has none. */
function confidenceRange(m: AnalysisResult['models'][number]): string {
  if (m.confidenceMin === null || m.confidenceMax === null) return 'no confidence (never a first stage)';
  return `${m.confidenceSource === 'learned' ? 'learned confidence' : 'confidence'} from ${significant(m.confidenceMin, 4)} to ${significant(m.confidenceMax, 4)}`;
}
