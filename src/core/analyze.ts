import type {
  AnalysisResult,
  BudgetPick,
  CascadeEvaluation,
  Dataset,
  EnvelopeVertex,
  EscalationVerdict,
  LatencySummary,
  Measured,
  PairCurveSummary,
  PolicyPoint,
  PolicySpec,
  Recommendation,
} from './types.ts';
import { ANALYSIS_DEFAULTS, type AnalyzeOptions } from './options.ts';
import {
  curveThreshold,
  envelopeQualityAt,
  firstVertexReaching,
  lastVertexWithin,
  localPairShadowPrice,
  pairParetoIndices,
  pairwiseFrontier,
  shadowPriceAt,
  singleModelPoints,
  type PairwiseFrontier,
} from './envelope.ts';
import { confidenceOrder, pairParetoCurve } from './pairCurve.ts';
import { measurePolicies, measurePolicy, modelByName, samePolicy, type MeasureOptions } from './policy.ts';
import { logSpacedBudgets, NORMAL_INTERVALS_FROM } from './stats.ts';
import { selectForBudgets, selectionSettings, suggestPairThreshold, type SelectionOptions } from './select/rule.ts';
import { type BudgetRulePick, measureChoice, pickForBudget } from './budgetSelection.ts';
import { policiesLatency } from './latency.ts';
import { listWarnings, prepareRun } from './prepare.ts';
import { dominates, queryResolution, tolerance } from './dominance.ts';
import { shareAnalysis } from './analysisThread.ts';
import { driftWarnings } from './drift/warnings.ts';
import { stagesWithoutConfidence } from './confidence/source.ts';
import { diagnose, LEARNED_HINT } from './confidence/diagnosis.ts';

/**
 * At most `max` of `items`, evenly spaced by position, always keeping the first and the last.
 * Pair curves on large sets have tens of thousands of Pareto points; a display needs a few hundred.
 * O(max).
 */
export function evenlySpaced<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const out: T[] = [];
  for (let k = 0; k < max; k++) out.push(items[Math.round((k * (items.length - 1)) / (max - 1))]);
  return out;
}

/**
 * The full pairwise analysis of a dataset (see docs/SPEC.md): calibration/holdout split, single
 * models, every cheap -> expensive pair curve, the envelope with hull slopes, switching points,
 * recommendations for a budget or target with held-out figures and bootstrap intervals, and the
 * evaluation of a configured cascade. O(k n log n + k^2 n + resamples * n).
 * @throws Error for an unusable request (unknown split labels, unknown cascade model, a cascade stage before the last without a confidence, empty data).
 */
export function analyze(dataset: Dataset, options: AnalyzeOptions = {}): AnalysisResult {
  return analysis(dataset, options, false).result;
}

/**
 * {@link analyze} with the recommendation rule's budget grid (`options.budgetGrid`) left for
 * later: the result has no `budgetPicks`, and `budgetPicks()` computes them (from the same
 * frontier and split, so the same as `analyze` would have given). `withBudgetPicks` puts them
 * in. The editor shows the result first, the grid serving only its budget control.
 */
export function analyzeDeferringGrid(dataset: Dataset, options: AnalyzeOptions = {}): { readonly result: AnalysisResult; readonly budgetPicks: () => readonly BudgetPick[] | undefined } {
  return analysis(dataset, options, true);
}

/** `result` with `budgetPicks`, in the place {@link analyze} puts them (after the recommendation), so the JSON is the same. */
export function withBudgetPicks(result: AnalysisResult, budgetPicks: readonly BudgetPick[]): AnalysisResult {
  const { version, n, split, models, envelope, hull, switchingPoints, pairs, recommendation, budgetPicks: _replaced, ...rest } = result;
  return { version, n, split, models, envelope, hull, switchingPoints, pairs, ...(recommendation ? { recommendation } : {}), budgetPicks, ...rest };
}

function analysis(dataset: Dataset, options: AnalyzeOptions, deferGrid: boolean): { readonly result: AnalysisResult; readonly budgetPicks: () => readonly BudgetPick[] | undefined } {
  const { split, cal, resamples, seed, level, localWindow } = prepareRun(dataset, options);
  const measure: MeasureOptions = { resamples, seed, level, latency: true };
  const selectionOptions: SelectionOptions = {
    ...(options.budgetConfidence !== undefined ? { budgetConfidence: options.budgetConfidence } : {}),
    ...(options.gainConfidence !== undefined ? { gainConfidence: options.gainConfidence } : {}),
    ...(options.maxLatencyP95Ms !== undefined ? { maxLatencyP95Ms: options.maxLatencyP95Ms } : {}),
  };

  const singles = singleModelPoints(cal.models);
  // The rule's pick for a budget, else the models' summaries: on a second core when the data is large, while this thread computes the rest.
  const forBudget = options.budget !== undefined && options.target === undefined;
  const share = shareAnalysis(cal, split.holdout, singles, options.learned, forBudget ? { budget: options.budget!, measure, selection: selectionOptions } : undefined);
  const frontier = pairwiseFrontier(cal, singles);
  share.ownPart();
  const pairs: PairCurveSummary[] = frontier.curves.map((curve) => ({
    cheap: curve.cheap,
    expensive: curve.expensive,
    points: evenlySpaced(pairParetoIndices(curve), ANALYSIS_DEFAULTS.maxPairPoints).map((j) => ({
      threshold: curveThreshold(curve, j),
      cost: curve.cost[j],
      quality: curve.quality[j],
      escalationRate: curve.escalationRate[j],
    })),
  }));

  const heldFigures = split.holdout
    ? measurePolicies(
        split.holdout,
        frontier.envelope.map((v) => v.policy),
      )
    : undefined;
  const holdout = heldFigures ? frontier.envelope.map((v, i) => ({ policy: v.policy, calibration: { cost: v.cost, quality: v.quality }, holdout: heldFigures[i] })) : undefined;
  const calLatency = policiesLatency(
    cal,
    frontier.envelope.map((v) => v.policy),
  );
  const envelope = calLatency.some((l) => l !== undefined) ? frontier.envelope.map((v, i) => (calLatency[i] ? vertexWithLatency(v, calLatency[i]) : v)) : frontier.envelope;

  const recommendation =
    options.budget !== undefined || options.target !== undefined
      ? recommend(cal, split.holdout, { ...frontier, envelope }, { budget: options.budget, target: options.target }, measure, localWindow, selectionOptions, share.pick)
      : undefined;
  const leadless = options.cascade ? stagesWithoutConfidence(dataset.models, options.cascade) : [];
  if (leadless.length > 0) {
    throw new Error(
      `the cascade's ${leadless.join(', ')} ${leadless.length === 1 ? 'has' : 'have'} no confidence in the eval files, so ${leadless.length === 1 ? 'it' : 'they'} cannot decide when to escalate: make ${leadless.length === 1 ? 'it' : 'them'} the last stage, or get a confidence (see the diagnosis; ${LEARNED_HINT}).`,
    );
  }
  const grid = options.budgetGrid;
  const gridPicks = () => (grid ? pickBudgetGrid(cal, split.holdout, { ...frontier, envelope }, grid, { seed, resamples, ...selectionOptions }) : undefined);
  const budgetPicks = deferGrid ? undefined : gridPicks();
  const cascade = options.cascade ? evaluateCascade(cal, split.holdout, frontier, options.cascade, options.budget, measure, selectionOptions) : undefined;

  const { models, drift } = share.summaries();
  const listed = listWarnings(options.issues ?? [], split.warnings);
  const diagnosis = diagnose(models, options.files ?? [], options.learned);

  const result: AnalysisResult = {
    version: 1,
    n: split.info.nCalibration + split.info.nHoldout,
    split: split.info,
    models,
    envelope,
    hull: frontier.hull,
    switchingPoints: frontier.switchingPoints,
    pairs,
    ...(recommendation ? { recommendation } : {}),
    ...(budgetPicks ? { budgetPicks } : {}),
    ...(cascade ? { cascade } : {}),
    ...(drift ? { drift: { ...drift, warnings: driftWarnings(drift, split.info) } } : {}),
    ...(holdout ? { holdout } : {}),
    ...(diagnosis ? { diagnosis } : {}),
    warnings: listed,
    settings: {
      bootstrapResamples: resamples,
      normalIntervalsFrom: NORMAL_INTERVALS_FROM,
      seed,
      level,
      localWindow,
      ...(options.budget !== undefined && options.target === undefined ? { selection: selectionSettings(cal.n, { seed, resamples, ...selectionOptions }) } : {}),
    },
  };
  return { result, budgetPicks: deferGrid ? gridPicks : () => budgetPicks };
}

/**
 * Recommendation for a budget or a quality target, with in-sample and held-out figures, the
 * best single model within the same budget and the gain over it.
 *
 * For a budget (without a target) the noise-aware rule of `select/rule.ts` chooses: the policy
 * whose cost fits the budget at `selection.budgetConfidence`, a cascade only when its
 * cross-validated gain over the best single model that fits is credible; `inSampleChoice` keeps
 * the envelope vertex of highest calibration quality within the budget for comparison. For a
 * quality target (with or without a budget) the choice is the cheapest envelope vertex reaching
 * it within the budget, as measured on calibration (`rule: 'in-sample'`). `pick`: the rule's
 * pick for the budget when it is made elsewhere (see {@link recommendForBudget}).
 * O(k^2 n R + resamples * n).
 */
export function recommend(
  cal: Dataset,
  holdout: Dataset | undefined,
  frontier: PairwiseFrontier,
  ask: { budget?: number; target?: number },
  measure: MeasureOptions,
  localWindow: number,
  selection: SelectionOptions = {},
  pick?: () => BudgetRulePick,
): Recommendation {
  const { envelope } = frontier;
  const asked = { ...(ask.budget !== undefined ? { budget: ask.budget } : {}), ...(ask.target !== undefined ? { target: ask.target } : {}) };
  let index: number;
  if (ask.budget !== undefined && ask.target === undefined) return recommendForBudget(cal, holdout, frontier, ask.budget, measure, localWindow, selection, pick);
  if (ask.budget !== undefined) {
    index = lastVertexWithin(envelope, ask.budget);
    if (ask.target !== undefined && index >= 0 && envelope[index].quality < ask.target) {
      return { ...asked, feasible: false, reason: `no policy reaches quality ${pct(ask.target)} within $${ask.budget}/query; the best within budget reaches ${pct(envelope[index].quality)}.` };
    }
    if (ask.target !== undefined && index >= 0) index = Math.min(index, firstVertexReaching(envelope, ask.target));
    if (index < 0) return { ...asked, feasible: false, reason: belowCheapest(frontier, ask.budget) };
  } else {
    index = firstVertexReaching(envelope, ask.target!);
    if (index < 0) {
      const best = envelope[envelope.length - 1];
      return { ...asked, feasible: false, reason: `no policy reaches quality ${pct(ask.target!)}; the best reaches ${pct(best.quality)} at $${best.cost}/query.` };
    }
  }
  const choice = envelope[index];
  const limit = ask.budget ?? choice.cost;
  const affordable = frontier.singles.filter((s) => s.cost <= limit);
  const best = affordable.length > 0 ? affordable.reduce((a, b) => (b.quality > a.quality || (b.quality === a.quality && b.cost < a.cost) ? b : a)) : undefined;
  const figures = measureChoice(cal, holdout, choice.policy, best?.name, measure);
  const gain = figures.bestSingle
    ? figures.holdout && figures.bestSingle.holdout
      ? figures.holdout.quality - figures.bestSingle.holdout.quality
      : figures.inSample.quality - figures.bestSingle.inSample.quality
    : undefined;
  const localShadowPrice = localPriceOf(cal, choice.policy, localWindow);
  return {
    ...asked,
    feasible: true,
    choice: withLatency(choice, figures.inSample),
    inSample: figures.inSample,
    ...(figures.holdout ? { holdout: figures.holdout } : {}),
    ...(figures.bestSingle ? { bestSingle: figures.bestSingle } : {}),
    ...(gain !== undefined ? { gainOverBestSingle: gain, escalationWorthIt: choice.policy.kind !== 'single' && gain > 0 } : {}),
    ...(localShadowPrice ? { localShadowPrice } : {}),
    rule: 'in-sample',
    envelopeIndex: index,
  };
}

function belowCheapest(frontier: PairwiseFrontier, budget: number): string {
  const cheapest = frontier.singles.reduce((a, b) => (b.cost < a.cost ? b : a));
  return `the budget $${budget}/query is below the cheapest model (${cheapest.name} at $${cheapest.cost}/query).`;
}

/** The choice with its calibration latency, when measured. */
function withLatency(v: EnvelopeVertex, inSample: Measured): EnvelopeVertex {
  return inSample.latency && !v.latency ? vertexWithLatency(v, inSample.latency) : v;
}

/**
 * A copy of an envelope vertex with its latency. Written out rather than spread: V8 gave many
 * objects made by `{ ...v, latency }` in a long map a hidden class of their own; at 1M queries
 * a heap snapshot held 45,000 of them (about 12 MB of maps and descriptors), now one.
 */
function vertexWithLatency(v: EnvelopeVertex, latency: LatencySummary): EnvelopeVertex {
  return { cost: v.cost, quality: v.quality, escalationRate: v.escalationRate, policy: v.policy, shadowPrice: v.shadowPrice, onHull: v.onHull, latency };
}

function localPriceOf(cal: Dataset, policy: PolicySpec, localWindow: number): Recommendation['localShadowPrice'] {
  if (policy.kind !== 'pair') return undefined;
  const cheap = modelByName(cal, policy.models[0]);
  const expensive = modelByName(cal, policy.models[1]);
  const t = policy.thresholds[0];
  return localPairShadowPrice(cheap, expensive, confidenceOrder(cheap), t === null ? Infinity : t, localWindow);
}

/**
 * The noise-aware recommendation for a budget (see `select/rule.ts`), as a `Recommendation`:
 * its choice (an envelope vertex when it is one, else the pair's threshold point or the single
 * model, with the hull's shadow price at its cost), the budget check, the verdict with the
 * candidate cascade's held-out figures, the best single model that fits, and the in-sample
 * rule's vertex for comparison. `pick`: the rule's pick when it is made elsewhere (another
 * thread, see `analysisThread.ts`), else it is made here. O(k^2 n R + resamples * n).
 */
export function recommendForBudget(
  cal: Dataset,
  holdout: Dataset | undefined,
  frontier: PairwiseFrontier,
  budget: number,
  measure: MeasureOptions,
  localWindow: number,
  selection: SelectionOptions = {},
  pick?: () => BudgetRulePick,
): Recommendation {
  const { envelope, hull } = frontier;
  const inSampleIndex = lastVertexWithin(envelope, budget);
  const { picked, figures, candidate } = pick ? pick() : pickForBudget(cal, holdout, budget, measure, selection);
  if (!picked.feasible || !picked.choice || !figures) return { budget, feasible: false, reason: belowCheapest(frontier, budget), rule: 'noise-aware' };
  const policy = picked.choice.policy;
  const vertexIndex = envelope.findIndex((v) => samePolicy(v.policy, policy));
  const vertex: EnvelopeVertex = vertexIndex >= 0 ? envelope[vertexIndex] : { ...picked.choice, shadowPrice: shadowPriceAt(hull, picked.choice.cost), onHull: false };
  const verdict = picked.verdict;
  let fullVerdict: EscalationVerdict | undefined;
  if (verdict) {
    const candidateHoldout = candidate ? figures.extraHoldout[0] : verdict.candidate ? figures.holdout : undefined;
    const versusHoldout = figures.bestSingle?.holdout;
    fullVerdict = {
      ...verdict,
      ...(candidateHoldout ? { candidateHoldout } : {}),
      ...(candidateHoldout && versusHoldout ? { holdoutGain: candidateHoldout.quality - versusHoldout.quality } : {}),
    };
  }
  const b = figures.bestSingle;
  const gain = b ? (figures.holdout && b.holdout ? figures.holdout.quality - b.holdout.quality : figures.inSample.quality - b.inSample.quality) : undefined;
  const localShadowPrice = localPriceOf(cal, policy, localWindow);
  return {
    budget,
    feasible: true,
    choice: withLatency(vertex, figures.inSample),
    inSample: figures.inSample,
    ...(figures.holdout ? { holdout: figures.holdout } : {}),
    ...(b ? { bestSingle: b } : {}),
    ...(gain !== undefined ? { gainOverBestSingle: gain } : {}),
    escalationWorthIt: verdict?.answer === 'yes',
    ...(localShadowPrice ? { localShadowPrice } : {}),
    rule: 'noise-aware',
    ...(vertexIndex >= 0 ? { envelopeIndex: vertexIndex } : {}),
    ...(inSampleIndex >= 0 ? { inSampleChoice: envelope[inSampleIndex] } : {}),
    ...(picked.budgetCheck ? { budgetCheck: picked.budgetCheck } : {}),
    ...(picked.fallback ? { fallback: true } : {}),
    ...(picked.excludedSingles ? { excludedSingles: picked.excludedSingles } : {}),
    ...(fullVerdict ? { verdict: fullVerdict } : {}),
  };
}

/**
 * The recommendation rule's pick at `count` budgets log-spaced from the cheapest model's
 * calibration cost to 1.5 x the dearest's, with held-out figures (no intervals) of each pick, its
 * single model and its verdict's candidate. O(k^2 n R (1 + count) + count * resamples * n).
 */
export function pickBudgetGrid(cal: Dataset, holdout: Dataset | undefined, frontier: PairwiseFrontier, count: number, selection: SelectionOptions): BudgetPick[] {
  const costs = frontier.singles.map((s) => s.cost);
  const budgets = logSpacedBudgets(Math.min(...costs), 1.5 * Math.max(...costs), count);
  const picks = selectForBudgets(cal, budgets, selection);
  const single = (name: string): PolicySpec => ({ kind: 'single', models: [name], thresholds: [] });
  const wanted: PolicySpec[] = [];
  for (const p of picks) {
    if (p.choice) wanted.push(p.choice.policy);
    if (p.single) wanted.push(single(p.single.model));
    if (p.verdict?.candidate) wanted.push(p.verdict.candidate.policy);
  }
  const held = holdout ? measurePolicies(holdout, wanted) : [];
  let at = 0;
  const next = () => (holdout ? held[at++] : undefined);
  return picks.map((p): BudgetPick => {
    const choiceHeld = p.choice ? next() : undefined;
    const singleHeld = p.single ? next() : undefined;
    const candidateHeld = p.verdict?.candidate ? next() : undefined;
    const index = p.choice ? frontier.envelope.findIndex((v) => samePolicy(v.policy, p.choice!.policy)) : -1;
    const verdict = p.verdict
      ? { ...p.verdict, ...(candidateHeld ? { candidateHoldout: candidateHeld } : {}), ...(candidateHeld && singleHeld ? { holdoutGain: candidateHeld.quality - singleHeld.quality } : {}) }
      : undefined;
    return {
      budget: p.budget,
      feasible: p.feasible,
      ...(p.choice ? { choice: p.choice } : {}),
      ...(index >= 0 ? { envelopeIndex: index } : {}),
      ...(choiceHeld ? { holdout: choiceHeld } : {}),
      ...(p.budgetCheck ? { budgetCheck: p.budgetCheck } : {}),
      ...(p.fallback ? { fallback: true } : {}),
      ...(p.single ? { bestSingle: { model: p.single.model, cost: p.single.cost, quality: p.single.quality, ...(singleHeld ? { holdout: singleHeld } : {}) } } : {}),
      ...(verdict ? { verdict } : {}),
    };
  });
}

/**
 * A configured cascade's own point, its gap to the envelope at the same cost, the envelope
 * policy that dominates it (the best quality within its cost, when that is at least as good and
 * better in cost or quality by at least what one query can make: 1/n of quality or the
 * cheapest call over n; costs and qualities compared up to rounding, so a cascade that is an
 * envelope vertex is never dominated by itself), and the best threshold for the same stages
 * within the budget (or, without a budget, within the cascade's own cost). O(n + resamples * n).
 * @throws Error for unknown models or a wrong number of thresholds.
 */
export function evaluateCascade(
  cal: Dataset,
  holdout: Dataset | undefined,
  frontier: PairwiseFrontier,
  policy: PolicySpec,
  budget: number | undefined,
  measure: MeasureOptions,
  selection: SelectionOptions = {},
): CascadeEvaluation {
  const inSample = measurePolicy(cal, policy, measure);
  const held = holdout ? measurePolicy(holdout, policy, measure) : undefined;
  const { envelope, hull } = frontier;
  // The same cost up to rounding: the cascade's own vertex may have been summed in another order.
  const atCost = inSample.cost + tolerance(inSample.cost, inSample.cost);
  const fAtCost = envelopeQualityAt(envelope, atCost) ?? inSample.quality;
  const gap = fAtCost - inSample.quality;
  const v = lastVertexWithin(envelope, atCost);
  let dominatedBy: PolicyPoint | undefined;
  if (v >= 0) {
    const e: EnvelopeVertex = envelope[v];
    if (dominates(e, inSample, queryResolution(cal, [...policy.models, ...e.policy.models]))) {
      dominatedBy = { cost: e.cost, quality: e.quality, escalationRate: e.escalationRate, policy: e.policy };
    }
  }
  let bestThresholdSamePair: PolicyPoint | undefined;
  if (policy.models.length === 2) {
    const cheap = modelByName(cal, policy.models[0]);
    const expensive = modelByName(cal, policy.models[1]);
    const curve = pairParetoCurve(cheap, expensive);
    const limit = budget ?? inSample.cost;
    const within = limit + tolerance(limit, limit);
    let best = -1;
    for (let j = 0; j < curve.cost.length; j++) if (curve.cost[j] <= within) best = j;
    if (best >= 0) {
      bestThresholdSamePair = {
        cost: curve.cost[best],
        quality: curve.quality[best],
        escalationRate: curve.escalationRate[best],
        policy: { kind: 'pair', models: [cheap.name, expensive.name], thresholds: [curveThreshold(curve, best)] },
      };
    }
  }
  const suggested =
    policy.models.length === 2
      ? suggestPairThreshold(cal, policy.models[0], policy.models[1], budget ?? inSample.cost, { seed: measure.seed, ...selection, plainMean: budget === undefined })
      : undefined;
  const suggestedThreshold = suggested ? { ...suggested, basis: budget !== undefined ? ('budget' as const) : ('cost' as const) } : undefined;
  // The envelope's own policy at the cascade's cost, measured on the same holdout queries: how far
  // below the envelope the cascade is where it will run.
  let envelopeAtCost: CascadeEvaluation['envelopeAtCost'];
  if (v >= 0 && held && holdout) {
    const e = envelope[v];
    const eh = measurePolicy(holdout, e.policy);
    envelopeAtCost = { policy: e.policy, calibration: { cost: e.cost, quality: e.quality }, holdout: eh };
  }
  return {
    policy,
    inSample,
    ...(held ? { holdout: held } : {}),
    ...(envelopeAtCost && held ? { envelopeAtCost, holdoutGapToEnvelope: envelopeAtCost.holdout.quality - held.quality } : {}),
    gapToEnvelope: gap > tolerance(fAtCost, inSample.quality) ? gap : 0,
    envelopeQualityAtCost: fAtCost,
    ...(dominatedBy ? { dominatedBy } : {}),
    ...(bestThresholdSamePair ? { bestThresholdSamePair } : {}),
    ...(suggestedThreshold ? { suggestedThreshold } : {}),
    shadowPrice: shadowPriceAt(hull, inSample.cost),
  };
}

function pct(q: number): string {
  return `${(q * 100).toFixed(1)}%`;
}
