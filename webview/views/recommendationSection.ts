/**
 * The panel's recommendation for the budget the control is at: the policy, its figures in-sample
 * and held out with intervals, the shadow price and the comparison with the best single model.
 * Recomputed in the webview on every budget move (`recommendForBudget`).
 */
import type { Measured } from '../../src/core/types.ts';
import { formatCost, formatCostPerQuery, formatLambda, formatModels, formatMu, formatPercent, formatPoints, formatPolicy, thresholdDisplay } from '../../src/core/format/index.ts';
import type { PanelController } from '../controller.ts';
import { el, exact, replaceChildren, setData } from '../dom.ts';
import { recommendForBudget, type BudgetRecommendation } from '../recommendation.ts';

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
    });
    const heading = el('h2', {}, `Recommendation for ${formatCost(budget)}`);
    if (!rec.feasible || !v) {
      replaceChildren(box, heading, el('p', { class: 'error' }, `No policy fits: ${rec.reason ?? ''}`));
      return;
    }
    replaceChildren(box, heading, el('p', { class: 'policy' }, formatPolicy(v.policy)), facts(rec));
  }
}

function facts(rec: BudgetRecommendation): HTMLElement {
  const v = rec.vertex!;
  const rows: [string, string][] = [];
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
  const sp = rec.shadowPrice;
  if (sp) {
    rows.push(['Shadow price at the budget', sp.lambdaLeft === sp.lambdaRight ? `${formatLambda(sp.lambdaRight)} (${formatMu(sp.muRight)})` : `left ${formatLambda(sp.lambdaLeft)}, right ${formatLambda(sp.lambdaRight)}`]);
  }
  if (rec.localShadowPrice) {
    const l = rec.localShadowPrice;
    rows.push(['Local shadow price of the pair', `${formatLambda(l.lambda)} over ${l.windowQueries} queries with confidence ${thresholdDisplay(l.confidenceFrom)} to ${thresholdDisplay(l.confidenceTo)}`]);
  }
  if (rec.bestSingle) {
    const b = rec.bestSingle;
    rows.push(['Best single model within budget', `${b.model}: ${formatPercent(b.quality, 2)} in-sample${b.holdout ? `, ${formatPercent(b.holdout.quality, 2)} held out` : ''} at ${formatCostPerQuery(b.cost)}`]);
    const gain = rec.gainHoldout ?? rec.gainInSample;
    if (gain !== undefined) rows.push(['Gain over it', `${formatPoints(gain, 2)} (${rec.gainHoldout !== undefined ? 'held out' : 'in-sample'})`]);
    rows.push(['Is escalation worth it?', v.policy.kind === 'single' ? 'No cascade beats the single model at this budget.' : rec.escalationWorthIt ? `Yes: ${formatModels(v.policy)} beats ${b.model}.` : `No: it does not beat ${b.model}.`]);
  } else {
    rows.push(['Best single model within budget', 'none fits']);
  }
  return el('dl', { class: 'facts' }, ...rows.flatMap(([k, val]) => [el('dt', {}, k), el('dd', {}, val)]));
}
