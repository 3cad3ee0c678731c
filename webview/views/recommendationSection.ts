/**
 * The panel's recommendation for the budget the control is at: the policy, its figures in-sample
 * and held out with intervals, its budget check and latency, the shadow price, the verdict on
 * escalating against the best single model that fits, and what the in-sample rule would pick.
 * Read from the host's noise-aware choices on every budget move (`recommendForBudget`).
 */
import type { Measured } from '../../src/core/types.ts';
import {
  describeBudgetCheck,
  describeVerdict,
  formatCost,
  formatCostPerQuery,
  formatLambda,
  formatModels,
  formatMu,
  formatPercent,
  formatPoints,
  formatPolicy,
  thresholdDisplay,
} from '../../src/core/format/index.ts';
import type { PanelController } from '../controller.ts';
import { el, exact, replaceChildren, setData } from '../dom.ts';
import { holdoutFiguresOf, recommendForBudget, type BudgetRecommendation } from '../recommendation.ts';

function interval(m: Measured | undefined, which: 'cost' | 'quality'): string {
  const iv = which === 'cost' ? m?.costInterval : m?.qualityInterval;
  if (!iv) return '';
  return which === 'cost' ? ` [${formatCostPerQuery(iv[0])} – ${formatCostPerQuery(iv[1])}]` : ` [${formatPercent(iv[0])} – ${formatPercent(iv[1])}]`;
}

export class RecommendationSection {
  readonly element: HTMLElement = el('section', { id: 'recommendation', 'aria-live': 'polite' });

  constructor(private readonly ctl: PanelController) {}

  render(): void {
    const result = this.ctl.snapshot?.result;
    const budget = this.ctl.budget;
    const box = this.element;
    if (!result || budget === undefined) {
      replaceChildren(box);
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const rec = recommendForBudget(result, budget);
    const v = rec.vertex;
    setData(box, {
      budget: exact(budget),
      feasible: String(rec.feasible),
      index: rec.index,
      models: v?.policy.models.join(','),
      threshold: v ? (v.policy.kind === 'single' ? '' : exact(v.policy.thresholds[0])) : undefined,
      escalationRate: exact(v?.escalationRate),
      cost: exact(v?.cost),
      quality: exact(v?.quality),
      holdoutCost: exact(rec.holdout?.cost),
      holdoutQuality: exact(rec.holdout?.quality),
      gain: exact(rec.gainHoldout ?? rec.gainInSample),
      rule: rec.rule,
      verdict: rec.verdict?.answer,
      pickedAt: exact(rec.pickedAt),
    });
    const heading = el('h2', {}, `Recommendation for ${formatCost(budget)}`);
    if (!rec.feasible || !v) {
      replaceChildren(box, heading, el('p', { class: 'error' }, `No policy fits: ${rec.reason ?? ''}`));
      return;
    }
    const notes: HTMLElement[] = [];
    if (rec.pickedAt !== undefined) {
      notes.push(el('p', { class: 'muted', id: 'recommendation-grid-note' }, `Chosen at ${formatCost(rec.pickedAt)}, the nearest budget below this one that the analysis evaluated; save the budget to the config for the choice at exactly this budget.`));
    }
    if (rec.fallback && rec.budgetCheck) {
      notes.push(el('p', { class: 'caution' }, `Nothing fits this budget with ${formatPercent(rec.budgetCheck.confidence, 0)} confidence: the cheapest model is shown anyway. A budget of at least ${formatCostPerQuery(rec.budgetCheck.costUpperBound)} leaves the margin.`));
    }
    replaceChildren(box, heading, el('p', { class: 'policy' }, formatPolicy(v.policy)), ...notes, facts(this.ctl, rec));
  }
}

function facts(ctl: PanelController, rec: BudgetRecommendation): HTMLElement {
  const v = rec.vertex!;
  const rows: [string, string][] = [];
  const noiseAware = rec.rule === 'noise-aware';
  const inS = rec.inSampleIntervals;
  if (v.policy.kind !== 'single') {
    rows.push(['Threshold', thresholdDisplay(v.policy.thresholds[0])]);
    rows.push(['Escalation rate', `${formatPercent(v.escalationRate)} in-sample${rec.holdout ? `, ${formatPercent(rec.holdout.escalationRate)} held out` : ''}`]);
  }
  rows.push(['Cost, in-sample', formatCost(v.cost) + interval(inS, 'cost')]);
  rows.push(['Quality, in-sample', formatPercent(v.quality, 2) + interval(inS, 'quality')]);
  if (rec.holdout) {
    rows.push([`Cost, held out (${rec.holdout.n} queries)`, formatCost(rec.holdout.cost) + interval(rec.holdout, 'cost')]);
    rows.push(['Quality, held out', formatPercent(rec.holdout.quality, 2) + interval(rec.holdout, 'quality')]);
  }
  if (rec.budgetCheck) rows.push(['Budget check', describeBudgetCheck(rec.budgetCheck)]);
  if (v.latency) rows.push(['Latency (calibration)', `${Math.round(v.latency.meanMs)} ms mean, ${Math.round(v.latency.p95Ms)} ms p95; an escalated query waits for both models`]);
  const sp = rec.shadowPrice;
  if (sp) {
    rows.push(['Shadow price at the budget', sp.lambdaLeft === sp.lambdaRight ? `${formatLambda(sp.lambdaRight)} (${formatMu(sp.muRight)})` : `left ${formatLambda(sp.lambdaLeft)}, right ${formatLambda(sp.lambdaRight)}`]);
  }
  if (rec.localShadowPrice) {
    const l = rec.localShadowPrice;
    rows.push(['Local shadow price of the pair', `${formatLambda(l.lambda)} over ${l.windowQueries} queries with confidence ${thresholdDisplay(l.confidenceFrom)} to ${thresholdDisplay(l.confidenceTo)}`]);
  }
  const singleLabel = noiseAware ? 'Best single model that fits the budget' : 'Best single model within budget';
  if (rec.bestSingle) {
    const b = rec.bestSingle;
    rows.push([singleLabel, `${b.model}: ${formatPercent(b.quality, 2)} in-sample${b.holdout ? `, ${formatPercent(b.holdout.quality, 2)} held out` : ''} at ${formatCostPerQuery(b.cost)}`]);
    const gain = rec.gainHoldout ?? rec.gainInSample;
    if (gain !== undefined && v.policy.kind !== 'single') rows.push(['Gain over it', `${formatPoints(gain, 2)} (${rec.gainHoldout !== undefined ? 'held out' : 'in-sample'})`]);
    if (rec.verdict) {
      const held = rec.verdict.candidate && rec.verdict.holdoutGain !== undefined ? ` Held out, ${formatModels(rec.verdict.candidate.policy)} ${rec.verdict.answer === 'yes' ? 'gains' : 'would have gained'} ${formatPoints(rec.verdict.holdoutGain)}.` : '';
      rows.push(['Is escalation worth it?', describeVerdict(rec.verdict) + held]);
    } else {
      rows.push(['Is escalation worth it?', v.policy.kind === 'single' ? 'No cascade beats the single model at this budget.' : rec.escalationWorthIt ? `Yes: ${formatModels(v.policy)} beats ${b.model}.` : `No: it does not beat ${b.model}.`]);
    }
  } else {
    rows.push([singleLabel, 'none fits']);
  }
  const inSample = rec.inSampleIndex !== undefined ? ctl.snapshot?.result?.envelope[rec.inSampleIndex] : undefined;
  if (inSample && noiseAware) {
    const held = holdoutFiguresOf(ctl.snapshot!.result!, inSample.policy);
    rows.push([
      'In-sample rule would pick',
      `${formatPolicy(inSample.policy)}: ${formatPercent(inSample.quality, 2)} on calibration${held ? `, ${formatPercent(held.quality, 2)} held out` : ''} (the highest calibration quality within the budget, not chosen because small calibration differences are noise)`,
    ]);
  }
  return el('dl', { class: 'facts' }, ...rows.flatMap(([k, val]) => [el('dt', {}, k), el('dd', {}, val)]));
}
