import * as vscode from 'vscode';
import type { AnalysisResult, LocalShadowPrice, Measured } from '../../core/types.ts';
import { envelopeQualityAt, shadowPriceAt } from '../../core/envelope.ts';
import { resultMatchesConfig, stageAdvice } from '../../core/config/advice.ts';
import {
  costWithInterval,
  nextStep,
  describeBudgetCheck,
  describeChoiceNotes,
  per1k,
  percent,
  points,
  pointsPerDollarPer1k,
  policySentence,
  policyShort,
  qualityWithInterval,
  shadowPriceLines,
  shadowPriceSentence,
  signedPer1k,
  significant,
  thresholdForConfig,
  tradeText,
  worthItAtBudget,
  worthItSentence,
  describeVerdict,
} from '../../core/format/index.ts';
import { budgetText } from '../../core/config/newConfig.ts';
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
        return describeBudget(ctx, result, target.located.value);
      case 'model':
      case 'price':
        return [...(ctx.stale !== undefined ? [staleLine(ctx.stale)] : []), ...describeModel(result, target.located.value)];
      case 'target':
        return [...(ctx.stale !== undefined ? [staleLine(ctx.stale)] : []), ...describeTarget(result, target.located.value)];
    }
  }

  private describeCascade(ctx: ConfigContext, result: AnalysisResult): string[] {
    const { config, key } = ctx;
    const out: string[] = [];
    const fresh = ctx.stale === undefined;
    if (!fresh) out.push(staleLine(ctx.stale!));
    const c = result.cascade;
    const current = c !== undefined && resultMatchesConfig(config, result);
    // First the action and the one-line answer; the table and the shadow prices below.
    const advice = stageAdvice(config, result);
    if (advice && advice.suggested !== advice.current) {
      const level = percent(result.settings.selection?.budgetConfidence ?? 0.9, 0);
      const basis =
        advice.basis === 'budget'
          ? `the rule's threshold for this pair: its cost fits the budget (${per1k(result.recommendation!.budget!)}) with ${level} confidence, judged over neighbouring thresholds`
          : 'best of this pair at no more than this cost, judged over neighbouring thresholds';
      const trade = advice.qualityChange !== undefined && advice.costChange !== undefined ? `: ${tradeText(advice.qualityChange, advice.costChange)} in-sample` : '';
      const apply = fresh ? ` · ${link('Apply', Command.ApplyRecommendedThreshold, [applyArgs(key, advice.policy)])}` : '';
      out.push(`**Suggested threshold ${thresholdForConfig(advice.suggested)}**${trade} (${basis}, escalates ${percent(advice.escalationRate)})${apply}`);
    } else if (advice) {
      out.push(`**This is the best threshold of this pair** ${advice.basis === 'budget' ? 'within the budget' : 'at no more than this cost'}.`);
    }
    if (!c || !current) {
      out.push(
        ctx.snapshot?.cascadeSkipped
          ? `This cascade is not analysed: ${escape(ctx.snapshot.cascadeSkipped)}.`
          : 'The figures of this cascade appear once it is analysed (after a short pause in typing).',
      );
      out.push(link('Show the frontier', Command.ShowFrontier, [key]));
      return out;
    }
    const held = c.holdout ? `, ${percent(c.holdout.quality)} held out` : '';
    const gap =
      c.gapToEnvelope > 0
        ? ` The envelope offers ${points(c.gapToEnvelope)} at this cost${c.dominatedBy ? ` with ${escape(policyShort(c.dominatedBy.policy))}` : ''}.`
        : ' Nothing on the envelope does better at this cost.';
    out.push(`${escape(policySentence(c.policy))}: ${per1k(c.inSample.cost)}, ${percent(c.inSample.quality)} in-sample${held}.${gap} ${link('Show the frontier', Command.ShowFrontier, [key])}`);
    const rows = [row('This cascade, in-sample', c.inSample)];
    if (c.holdout) rows.push(row('This cascade, held out', c.holdout));
    rows.push(`| Envelope at the same cost (in-sample) | ${per1k(c.inSample.cost)} | ${percent(c.envelopeQualityAtCost)} | |`);
    out.push([TABLE_HEAD, ...rows].join('\n'));
    const latency = latencyLine(c.inSample);
    if (latency) out.push(latency);
    out.push(
      `**Shadow price: what one more dollar buys** at this cost, on the envelope (${HULL_NOTE}):\n\n${shadowPriceLines(c.shadowPrice)
        .map((l) => `- ${l}`)
        .join('\n')}`,
    );
    const local = this.localShadowPrice(key);
    if (local) out.push(localLines('this pair at this threshold', local, c.shadowPrice.lambdaRight ?? c.shadowPrice.lambdaLeft).join('\n\n'));
    return out;
  }
}

const TABLE_HEAD = '| | cost | quality | escalates |\n|---|---|---|---|';

function row(label: string, m: Measured): string {
  return `| ${label} | ${costWithInterval(m)} | ${qualityWithInterval(m)} | ${percent(m.escalationRate)} |`;
}

function staleLine(reason: string): string {
  return `$(warning) **From an earlier analysis**: the last one failed (${escape(reason)}). These figures may not describe the current files or config.`;
}

function describeBudget(ctx: ConfigContext, result: AnalysisResult, budget: number): string[] {
  const key = ctx.key;
  const out: string[] = [];
  if (ctx.stale !== undefined) out.push(staleLine(ctx.stale));
  const actions = `${link('Set Budget…', Command.SetBudget, [key])} · ${link('Show the frontier', Command.ShowFrontier, [key])}`;
  const rec = result.recommendation;
  if (rec && rec.budget === budget) {
    if (!rec.feasible || !rec.choice) out.push(`**Budget ${escape(budgetText(budget))}**: ${escape(rec.reason ?? 'no policy fits this budget.')} ${actions}`);
    else {
      const figure = rec.holdout ? `${percent(rec.holdout.quality)} held out` : `${percent(rec.choice.quality)} in-sample`;
      out.push(`**Best within ${escape(budgetText(budget))}**: ${escape(policySentence(rec.choice.policy))}, ${figure}. ${actions}`);
      const worth = worthItAtBudget(rec);
      if (worth) {
        const why = rec.verdict ? describeVerdict(rec.verdict).replace(/^(Yes|No|Unclear):\s*/, '') : worthItSentence(worth).replace(/^(Yes|No|Unclear):\s*/, '');
        out.push(`Is escalation worth it at this budget? **${worth.answer}**: ${escape(why)}`);
      }
      const rows = [TABLE_HEAD];
      if (rec.inSample) rows.push(row('In-sample', rec.inSample));
      if (rec.holdout) rows.push(row('Held out', rec.holdout));
      if (rec.bestSingle) {
        rows.push(row(`${escape(rec.bestSingle.model)} alone, in-sample`, rec.bestSingle.inSample));
        if (rec.bestSingle.holdout) rows.push(row(`${escape(rec.bestSingle.model)} alone, held out`, rec.bestSingle.holdout));
      }
      out.push(rows.join('\n'));
      if (rec.verdict?.candidate && rec.verdict.holdoutGain !== undefined) {
        const v = rec.verdict;
        out.push(escape(`Held out, ${policyShort(v.candidate!.policy)} ${v.answer === 'yes' ? 'gains' : 'would have gained'} ${points(v.holdoutGain!)} over ${v.versus} alone.`));
      }
      if (rec.budgetCheck) out.push(`Budget check (calibration): ${escape(describeBudgetCheck(rec.budgetCheck))}`);
      for (const note of describeChoiceNotes(rec)) out.push(escape(note));
      const latency = rec.inSample ? latencyLine(rec.inSample) : undefined;
      if (latency) out.push(latency);
    }
  } else {
    out.push(`**Budget ${escape(budgetText(budget))}**: the recommendation for it appears once it is analysed. ${actions}`);
  }
  out.push(whatMoreBuys(result, budget));
  if (rec && rec.budget === budget && rec.localShadowPrice) {
    const hull = shadowPriceAt(result.hull, budget);
    out.push(localLines('the recommended pair at its threshold', rec.localShadowPrice, hull.lambdaRight ?? hull.lambdaLeft).join('\n\n'));
  }
  return out;
}

/**
 * What more money buys at a budget: the next deterministic step on the envelope, then the
 * hull's slope, which averages that step (a random mix of the two policies earns it in between).
 */
function whatMoreBuys(result: AnalysisResult, budget: number): string {
  const { within, next } = nextStep(result.envelope, budget);
  const lines = shadowPriceLines(shadowPriceAt(result.hull, budget)).map((l) => `- ${l}`);
  let step: string;
  if (!next) step = 'Nothing on the envelope does better than the best policy within this budget.';
  else if (!within) step = `No policy fits; the cheapest, ${escape(policyShort(next.policy))}, costs ${per1k(next.cost)}.`;
  else {
    step =
      `A deterministic policy gains nothing more until ${per1k(next.cost)}, where ${escape(policyShort(next.policy))} gives ${points(next.quality - within.quality)} ` +
      `for ${signedPer1k(next.cost - within.cost)} more than ${escape(policyShort(within.policy))}. The hull's slope below averages that step; only a random mix of the two earns it in between.`;
  }
  return `**Shadow price: what one more dollar buys** (${HULL_NOTE}): ${step}\n\n${lines.join('\n')}`;
}

/**
 * The local pair ratio, and in one line why it may differ from the hull's slope: the hull
 * follows the best policy of every pair as money grows, the local ratio only escalates this
 * pair's queries nearest the threshold (a few queries, so it is noisy).
 */
function localLines(where: string, local: LocalShadowPrice, hullLambda: number | null): string[] {
  const window = `E[q_b − q_a] / E[c_b] over the ${local.windowQueries} calibration queries with confidence from ${significant(local.confidenceFrom, 4)} to ${significant(local.confidenceTo, 4)}`;
  let sentence: string;
  if (local.lambda === null) sentence = 'not defined: escalating these queries costs nothing extra.';
  else if (local.lambda > 0) sentence = `+${significant(pointsPerDollarPer1k(local.lambda))} pts per extra $1 per 1k queries.`;
  else
    sentence = `${local.lambda < 0 ? '−' : ''}${significant(pointsPerDollarPer1k(Math.abs(local.lambda)))} pts per extra $1 per 1k queries: escalating these queries ${local.lambda < 0 ? 'loses' : 'gains no'} quality on average.`;
  const out = [`**Local ratio** of ${where}: ${sentence} (${window})`];
  if (local.lambda !== null && hullLambda !== null && differ(local.lambda, hullLambda)) {
    out.push(
      `Why it differs from the hull's slope: the hull follows the best policy of every pair as the budget grows, while the local ratio only escalates this pair's ${local.windowQueries} queries nearest the threshold, so it is noisy and can be negative where the envelope still rises.`,
    );
  }
  return out;
}

/** True when two slopes tell a different story: opposite signs, or one more than twice the other. */
function differ(a: number, b: number): boolean {
  if (Math.sign(a) !== Math.sign(b)) return true;
  const [lo, hi] = [Math.min(Math.abs(a), Math.abs(b)), Math.max(Math.abs(a), Math.abs(b))];
  return hi > 2 * lo;
}

function describeModel(result: AnalysisResult, name: string): string[] {
  const m = result.models.find((x) => x.name === name);
  if (!m) return [`**${escape(name)}**: not in the eval files (they have ${escape(result.models.map((x) => x.name).join(', '))}).`];
  const out = [`**${escape(name)}**: ${per1k(m.cost)} · ${percent(m.quality)} quality · ${m.n} calibration queries · ${confidenceRange(m)}`];
  const f = envelopeQualityAt(result.envelope, m.cost);
  if (f !== null && f > m.quality) out.push(`At the same cost the envelope offers ${percent(f)} (${points(f - m.quality)}).`);
  const uses = result.envelope.filter((v) => v.policy.models.includes(name));
  out.push(
    uses.length === 0
      ? 'Not on the pairwise envelope at any budget.'
      : `On the envelope in ${uses.length} of ${result.envelope.length} vertices, from ${per1k(uses[0].cost)} to ${per1k(uses[uses.length - 1].cost)}.`,
  );
  out.push(
    `**Shadow price** at its cost (${HULL_NOTE}):\n\n${shadowPriceLines(shadowPriceAt(result.hull, m.cost))
      .map((l) => `- ${l}`)
      .join('\n')}`,
  );
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

/** Mean and p95 latency, when the records carry it. */
function latencyLine(m: Measured): string | undefined {
  return m.latency ? `Latency (calibration): ${Math.round(m.latency.meanMs)} ms mean, ${Math.round(m.latency.p95Ms)} ms p95; an escalated query waits for both models.` : undefined;
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
