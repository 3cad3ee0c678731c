/**
 * The panel's headline: the recommendation at the budget in force (the host's noise-aware
 * choice, see `recommendForBudget`), with its figures held out and in-sample, its budget check
 * and latency, the shadow price, and what the in-sample rule would pick. It says where the
 * budget comes from when none is set, when the held-out figures lose to the best single model,
 * and answers "is escalation worth it?" twice, labelled: at your budget (the recommendation's
 * verdict) and across all budgets (the held-out comparison's verdict). A result from an
 * earlier analysis is marked as such.
 */
import type { Measured } from '../../src/core/types.ts';
import {
  describeBudgetCheck,
  describeChoiceNotes,
  describeVerdict,
  formatCost,
  formatCostPerQuery,
  formatModels,
  formatPercent,
  formatPoints,
  formatPolicy,
  lambdaPoints,
  shadowPriceLines,
  thresholdDisplay,
} from '../../src/core/format/index.ts';
import { samePolicy } from '../../src/core/policy.ts';
import type { FrontierSnapshot } from '../../src/protocol.ts';
import type { PanelController } from '../controller.ts';
import { el, exact, replaceChildren, setData } from '../dom.ts';
import { vertexAt } from '../envelopeIndex.ts';
import { holdoutFiguresOf, type BudgetRecommendation } from '../recommendation.ts';

function interval(m: Measured | undefined, which: 'cost' | 'quality'): string {
  const iv = which === 'cost' ? m?.costInterval : m?.qualityInterval;
  if (!iv) return '';
  return which === 'cost' ? ` [${formatCostPerQuery(iv[0])} – ${formatCostPerQuery(iv[1])}]` : ` [${formatPercent(iv[0])} – ${formatPercent(iv[1])}]`;
}

/** Words for where the budget in force comes from, when it is not the config's. */
const ORIGIN_NOTE = {
  panel: 'moved here, not saved to the config yet',
  cascade: 'no budget is set, so the panel starts at the configured cascade’s own cost',
  dearest: 'no budget is set, so the panel starts at the dearest policy on the envelope, where every policy fits',
} as const;

export class RecommendationSection {
  readonly element: HTMLElement = el('section', { id: 'recommendation', 'aria-live': 'polite' });

  constructor(private readonly ctl: PanelController) {}

  render(): void {
    const s = this.ctl.snapshot;
    const result = s?.result;
    const rec = this.ctl.recommendation;
    const origin = this.ctl.budgetOrigin;
    const box = this.element;
    if (!s || !result || !rec || !origin) {
      replaceChildren(box);
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const budget = rec.budget;
    const v = rec.feasible ? rec.vertex : undefined;
    const stale = s.status === 'error';
    setData(box, {
      budget: exact(budget),
      budgetOrigin: origin,
      stale: String(stale),
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
    const heading =
      origin === 'config'
        ? el('h2', {}, `Recommended at your budget, ${formatCost(budget)}`)
        : origin === 'panel'
          ? el('h2', {}, `Recommended at ${formatCost(budget)}`)
          : el('h2', {}, 'No budget set');
    const parts: (HTMLElement | undefined)[] = [heading];
    if (origin !== 'config') {
      parts.push(
        el(
          'p',
          { id: 'budget-origin', class: 'muted' },
          origin === 'panel'
            ? `${formatCost(budget)}: ${ORIGIN_NOTE.panel}. Save budget to config to keep it.`
            : `Showing the recommendation at ${formatCost(budget)}: ${ORIGIN_NOTE[origin]}. Move the budget control, then Save budget to config.`,
        ),
      );
    }
    if (stale) parts.push(el('p', { id: 'stale-note', class: 'warning' }, `From an earlier analysis: the last one failed (${s.error ?? 'unknown error'}). Nothing can be applied until it succeeds.`));
    if (!rec.feasible || !v) {
      parts.push(el('p', { class: 'error' }, `No policy fits: ${rec.reason ?? ''}`));
      replaceChildren(box, ...parts);
      return;
    }
    parts.push(el('p', { class: 'policy' }, formatPolicy(v.policy)));
    parts.push(loses(rec));
    if (rec.pickedAt !== undefined) {
      parts.push(
        el(
          'p',
          { class: 'muted', id: 'recommendation-grid-note' },
          `Chosen at ${formatCost(rec.pickedAt)}, the nearest budget below this one that the analysis evaluated; save the budget to the config for the choice at exactly this budget.`,
        ),
      );
    }
    if (rec.rule === 'in-sample' && s.budgetPicksPending) {
      parts.push(
        el('p', { class: 'muted', id: 'recommendation-pending-note' }, 'The in-sample rule’s pick for now: the noise-aware rule’s picks at other budgets than the analysed one are being computed…'),
      );
    }
    // The host's own recommendation says why (single models left out, the fallback); a pick of its budget grid only flags the fallback.
    const host = result.recommendation;
    if (host?.choice && host.budget === budget && samePolicy(host.choice.policy, v.policy)) parts.push(...describeChoiceNotes(host).map((n) => el('p', { class: 'muted' }, n)));
    else if (rec.fallback && rec.budgetCheck) {
      parts.push(
        el(
          'p',
          { class: 'warning' },
          `Nothing fits this budget with ${formatPercent(rec.budgetCheck.confidence, 0)} confidence: the cheapest model is shown anyway. A budget of at least ${formatCostPerQuery(rec.budgetCheck.costUpperBound)} leaves the margin.`,
        ),
      );
    }
    parts.push(worthIt(rec, s));
    parts.push(facts(this.ctl, rec));
    replaceChildren(box, ...parts);
  }
}

/** When the held-out figures lose to the best single model that fits, a line that says so. */
function loses(rec: BudgetRecommendation): HTMLElement | undefined {
  const v = rec.vertex!;
  const single = rec.bestSingle;
  if (!rec.holdout || !single?.holdout || v.policy.kind === 'single') return undefined;
  const gap = rec.holdout.quality - single.holdout.quality;
  if (!(gap < 0)) return undefined;
  return el(
    'p',
    { id: 'loses-held-out', class: 'warning' },
    `Held out, this cascade loses to ${single.model} alone: ${formatPercent(rec.holdout.quality, 2)} against ${formatPercent(single.holdout.quality, 2)} (${formatPoints(gap)}).`,
  );
}

/** The two answers to "is escalation worth it?", each labelled with the question it answers. */
function worthIt(rec: BudgetRecommendation, s: FrontierSnapshot): HTMLElement {
  const v = rec.vertex!;
  const b = rec.bestSingle;
  let atBudget: string;
  if (rec.verdict) {
    const held =
      rec.verdict.candidate && rec.verdict.holdoutGain !== undefined
        ? ` Held out, ${formatModels(rec.verdict.candidate.policy)} ${rec.verdict.answer === 'yes' ? 'gains' : 'would have gained'} ${formatPoints(rec.verdict.holdoutGain)}.`
        : '';
    atBudget = describeVerdict(rec.verdict) + held;
  } else if (!b) atBudget = 'No single model fits this budget to compare with.';
  else if (v.policy.kind === 'single') atBudget = 'No: no cascade beats the single model at this budget.';
  else atBudget = rec.escalationWorthIt ? `Yes: ${formatModels(v.policy)} beats ${b.model}.` : `No: it does not beat ${b.model}.`;
  const across = s.comparison?.verdicts.escalation;
  // The comparison's detail starts with its answer ("Yes: …", "Not computable: …", "No router: …").
  const acrossText = across
    ? across.detail
    : s.comparisonStatus === 'unavailable'
      ? `Not computable: the held-out comparison is unavailable${s.comparisonReason ? ` (${s.comparisonReason})` : ''}.`
      : 'Being computed with the held-out comparison…';
  return el(
    'dl',
    { class: 'facts worth-it' },
    el('dt', {}, 'Is escalation worth it at your budget?'),
    el('dd', { id: 'worth-it-at-budget', 'data-answer': rec.verdict?.answer ?? '' }, atBudget),
    el('dt', {}, 'Is escalation worth it across all budgets?'),
    el('dd', { id: 'worth-it-across-budgets', 'data-answer': across?.answer ?? '' }, acrossText),
  );
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
  if (rec.holdout) {
    rows.push([`Quality, held out (${rec.holdout.n} queries)`, formatPercent(rec.holdout.quality, 2) + interval(rec.holdout, 'quality')]);
    rows.push(['Cost, held out', formatCost(rec.holdout.cost) + interval(rec.holdout, 'cost')]);
  }
  rows.push(['Quality, in-sample', formatPercent(v.quality, 2) + interval(inS, 'quality')]);
  rows.push(['Cost, in-sample', formatCost(v.cost) + interval(inS, 'cost')]);
  if (rec.budgetCheck) rows.push(['Fits the budget?', `${rec.budgetCheck.fits ? 'Yes' : 'No'}: ${describeBudgetCheck(rec.budgetCheck)}`]);
  if (v.latency) rows.push(['Latency (calibration)', `${Math.round(v.latency.meanMs)} ms mean, ${Math.round(v.latency.p95Ms)} ms p95; an escalated query waits for both models`]);
  const singleLabel = noiseAware ? 'Best single model that fits the budget' : 'Best single model within budget';
  if (rec.bestSingle) {
    const b = rec.bestSingle;
    rows.push([singleLabel, `${b.model}: ${formatPercent(b.quality, 2)} in-sample${b.holdout ? `, ${formatPercent(b.holdout.quality, 2)} held out` : ''} at ${formatCostPerQuery(b.cost)}`]);
    const gain = rec.gainHoldout ?? rec.gainInSample;
    if (gain !== undefined && v.policy.kind !== 'single') rows.push(['Gain over it', `${formatPoints(gain, 2)} (${rec.gainHoldout !== undefined ? 'held out' : 'in-sample'})`]);
  } else {
    rows.push([singleLabel, 'none fits']);
  }
  if (rec.shadowPrice) rows.push(['What one more dollar buys (shadow price)', shadowPriceLines(rec.shadowPrice).join(' ')]);
  const l = rec.localShadowPrice;
  if (l) {
    const note =
      l.lambda !== null && l.lambda < 0
        ? ' Negative: escalating these queries loses quality on average; the shadow price above follows the best policy of every pair, this one only the queries nearest the threshold.'
        : ' It only escalates the queries nearest the threshold, so it can differ from the shadow price, which follows the best policy of every pair.';
    rows.push([
      'Local ratio of the pair at its threshold',
      `${lambdaPoints(l.lambda)} quality points per $1 per 1k queries over the ${l.windowQueries} calibration queries with confidence ${thresholdDisplay(l.confidenceFrom)} to ${thresholdDisplay(l.confidenceTo)}.${note}`,
    ]);
  }
  const result = ctl.snapshot?.result;
  const inSample = result ? vertexAt(result, rec.inSampleIndex) : undefined;
  if (inSample && noiseAware) {
    const held = holdoutFiguresOf(result!, inSample.policy);
    rows.push([
      'In-sample rule would pick',
      `${formatPolicy(inSample.policy)}: ${formatPercent(inSample.quality, 2)} on calibration${held ? `, ${formatPercent(held.quality, 2)} held out` : ''} (the highest calibration quality within the budget, not chosen because small calibration differences are noise)`,
    ]);
  }
  return el('dl', { class: 'facts' }, ...rows.flatMap(([k, val]) => [el('dt', {}, k), el('dd', {}, val)]));
}
