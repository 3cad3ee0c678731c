/**
 * The recommendation for a budget as the budget control moves (no round trip to the host): the
 * noise-aware rule's choice the host computed (for its budget, and on a grid of budgets), or,
 * for analyses without them, the in-sample rule applied to the envelope the host sent. Pure
 * functions over an `AnalysisResult`.
 */
import type { AnalysisResult, BudgetCheck, BudgetPick, EnvelopeVertex, EscalationVerdict, LocalShadowPrice, Measured, PolicyPoint, PolicySpec, ShadowPrice } from '../src/core/types.ts';
import { lastVertexWithin, shadowPriceAt } from '../src/core/envelope.ts';
import { positionOf, vertexAt, vertexWithin, wholeIndex } from './envelopeIndex.ts';
import { policyKey, samePolicy } from '../src/core/policy.ts';
import { formatModels } from '../src/core/format/index.ts';

export { budgetRange, budgetToSlider, sliderToBudget, SLIDER_STEPS } from '../src/core/budgetScale.ts';

export interface BudgetRecommendation {
  /** Dollars per query. */
  readonly budget: number;
  readonly feasible: boolean;
  /** Why nothing fits, when infeasible. */
  readonly reason?: string;
  /** Index of the chosen envelope vertex (in the whole envelope), when the choice is one. */
  readonly index?: number;
  /** The chosen policy with its calibration figures (an envelope vertex, or another threshold of a pair with the hull's shadow price at its cost). */
  readonly vertex?: EnvelopeVertex;
  /** The chosen policy measured on the holdout split, when the analysis has one. */
  readonly holdout?: Measured;
  /** Calibration figures with bootstrap intervals, when the host's own recommendation chose the same policy. */
  readonly inSampleIntervals?: Measured;
  /** Slopes of the concave hull at the budget. */
  readonly shadowPrice?: ShadowPrice;
  /** Local shadow price of the pair at its threshold, when the host computed it for the same policy. */
  readonly localShadowPrice?: LocalShadowPrice;
  /** The single model the choice is compared with: for the noise-aware rule the best one that fits the budget with its confidence, else the best within the budget by calibration quality. */
  readonly bestSingle?: { readonly model: string; readonly cost: number; readonly quality: number; readonly holdout?: Measured };
  readonly gainInSample?: number;
  /** Held-out gain, when both policies have held-out figures. */
  readonly gainHoldout?: number;
  /** Noise-aware: the verdict is Yes. In-sample: a cascade that beats the best single model within budget. */
  readonly escalationWorthIt?: boolean;
  /** The rule that chose: `noise-aware` (from the host's recommendation or its budget grid) or `in-sample` (an analysis without them). */
  readonly rule: 'noise-aware' | 'in-sample';
  readonly verdict?: EscalationVerdict;
  readonly budgetCheck?: BudgetCheck;
  /** Nothing fits the budget at the confidence level: the cheapest model, flagged. */
  readonly fallback?: boolean;
  /** The budget of the host's grid the choice was made at, when it is below the budget asked (the nearest evaluated one). */
  readonly pickedAt?: number;
  /** The in-sample rule's vertex (highest calibration quality within the budget), when it differs from the choice. */
  readonly inSampleIndex?: number;
}

const holdoutIndexCache = new WeakMap<AnalysisResult, ReadonlyMap<string, Measured>>();

/** The held-out figures of an envelope policy, or of a policy the host measured (its recommendation, its grid's picks). O(1) after an O(v) index per result. */
export function holdoutFiguresOf(result: AnalysisResult, policy: PolicySpec): Measured | undefined {
  let index = holdoutIndexCache.get(result);
  if (!index) {
    const map = new Map<string, Measured>();
    const add = (p: PolicySpec | undefined, m: Measured | undefined) => {
      if (p && m && !map.has(policyKey(p))) map.set(policyKey(p), m);
    };
    for (const h of result.holdout ?? []) add(h.policy, h.holdout);
    const rec = result.recommendation;
    add(rec?.choice?.policy, rec?.holdout);
    if (rec?.bestSingle) add({ kind: 'single', models: [rec.bestSingle.model], thresholds: [] }, rec.bestSingle.holdout);
    for (const p of result.budgetPicks ?? []) {
      add(p.choice?.policy, p.holdout);
      if (p.bestSingle) add({ kind: 'single', models: [p.bestSingle.model], thresholds: [] }, p.bestSingle.holdout);
    }
    holdoutIndexCache.set(result, map);
    index = map;
  }
  return index.get(policyKey(policy));
}

/** The pick as an envelope vertex: the vertex itself, or its figures with the hull's shadow price at its cost. */
function asVertex(result: AnalysisResult, choice: PolicyPoint, envelopeIndex: number | undefined): EnvelopeVertex {
  const vertex = vertexAt(result, envelopeIndex);
  if (vertex) return vertex;
  return { ...choice, shadowPrice: shadowPriceAt(result.hull, choice.cost), onHull: false };
}

/**
 * The recommendation for a budget as the panel shows it. The noise-aware rule's choice comes
 * from the host: its recommendation when the budget is the one it analysed, else the pick of its
 * budget grid at the largest grid budget within the budget (`pickedAt`). Analyses without
 * either fall back to the in-sample rule (the envelope vertex of highest calibration quality
 * within the budget). O(v + k + grid).
 */
export function recommendForBudget(result: AnalysisResult, budget: number): BudgetRecommendation {
  const host = result.recommendation;
  if (host?.rule === 'noise-aware' && host.budget === budget) return fromHost(result, budget);
  const grid = result.budgetPicks;
  if (grid && grid.length > 0) return fromGrid(result, budget, grid);
  return inSampleRule(result, budget);
}

/** The in-sample rule's vertex within the budget when it is not the one chosen (undefined too while a thinned envelope lacks it: the panel asks for the whole one). */
function inSampleIndexOf(result: AnalysisResult, budget: number, chosen: number | undefined): number | undefined {
  const i = vertexWithin(result, budget);
  return i !== undefined && i >= 0 && i !== chosen ? i : undefined;
}

function fromHost(result: AnalysisResult, budget: number): BudgetRecommendation {
  const rec = result.recommendation!;
  if (!rec.feasible || !rec.choice) return { budget, feasible: false, reason: rec.reason ?? 'no policy fits this budget.', rule: 'noise-aware' };
  const vertex = asVertex(result, rec.choice, rec.envelopeIndex);
  const b = rec.bestSingle;
  const single = b ? { model: b.model, cost: b.inSample.cost, quality: b.inSample.quality, ...(b.holdout ? { holdout: b.holdout } : {}) } : undefined;
  return {
    budget,
    feasible: true,
    ...(rec.envelopeIndex !== undefined ? { index: rec.envelopeIndex } : {}),
    vertex,
    ...(rec.holdout ? { holdout: rec.holdout } : {}),
    ...(rec.inSample ? { inSampleIntervals: rec.inSample } : {}),
    shadowPrice: shadowPriceAt(result.hull, budget),
    ...(rec.localShadowPrice ? { localShadowPrice: rec.localShadowPrice } : {}),
    ...(single ? { bestSingle: single } : {}),
    ...gains(vertex, rec.holdout, single),
    escalationWorthIt: rec.verdict?.answer === 'yes',
    rule: 'noise-aware',
    ...(rec.verdict ? { verdict: rec.verdict } : {}),
    ...(rec.budgetCheck ? { budgetCheck: rec.budgetCheck } : {}),
    ...(rec.fallback ? { fallback: true } : {}),
    ...optional('inSampleIndex', inSampleIndexOf(result, budget, rec.envelopeIndex)),
  };
}

function fromGrid(result: AnalysisResult, budget: number, grid: readonly BudgetPick[]): BudgetRecommendation {
  let at = -1;
  for (let i = 0; i < grid.length; i++) if (grid[i].budget <= budget) at = i;
  const pick = at >= 0 ? grid[at] : undefined;
  if (!pick || !pick.feasible || !pick.choice) {
    const cheapest = result.models.reduce<(typeof result.models)[number] | undefined>((a, m) => (!a || m.cost < a.cost ? m : a), undefined);
    return { budget, feasible: false, reason: cheapest ? `the budget is below the cheapest model (${cheapest.name} at $${cheapest.cost}/query).` : 'the analysis has no models.', rule: 'noise-aware' };
  }
  const vertex = asVertex(result, pick.choice, pick.envelopeIndex);
  const host = result.recommendation;
  const sameAsHost = host?.choice !== undefined && samePolicy(host.choice.policy, pick.choice.policy);
  return {
    budget,
    feasible: true,
    ...(pick.envelopeIndex !== undefined ? { index: pick.envelopeIndex } : {}),
    vertex,
    ...(pick.holdout ? { holdout: pick.holdout } : {}),
    ...(sameAsHost && host?.inSample ? { inSampleIntervals: host.inSample } : {}),
    shadowPrice: shadowPriceAt(result.hull, budget),
    ...(sameAsHost && host?.localShadowPrice ? { localShadowPrice: host.localShadowPrice } : {}),
    ...(pick.bestSingle ? { bestSingle: pick.bestSingle } : {}),
    ...gains(vertex, pick.holdout, pick.bestSingle),
    escalationWorthIt: pick.verdict?.answer === 'yes',
    rule: 'noise-aware',
    ...(pick.verdict ? { verdict: pick.verdict } : {}),
    ...(pick.budgetCheck ? { budgetCheck: pick.budgetCheck } : {}),
    ...(pick.fallback ? { fallback: true } : {}),
    ...(pick.budget !== budget ? { pickedAt: pick.budget } : {}),
    ...optional('inSampleIndex', inSampleIndexOf(result, budget, pick.envelopeIndex)),
  };
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value !== undefined ? ({ [key]: value } as Record<K, number>) : {};
}

/** The choice's gain over the single model, in-sample and held out (when both have held-out figures). */
function gains(vertex: { quality: number }, holdout: Measured | undefined, single: { quality: number; holdout?: Measured } | undefined): { gainInSample?: number; gainHoldout?: number } {
  if (!single) return {};
  return { gainInSample: vertex.quality - single.quality, ...(holdout && single.holdout ? { gainHoldout: holdout.quality - single.holdout.quality } : {}) };
}

/**
 * The in-sample rule: the envelope vertex of highest calibration quality with calibration cost
 * <= budget (ties: lower cost), its held-out figures, the hull's shadow price at the budget and
 * the gain over the best single model within the budget. O(v + k).
 */
function inSampleRule(result: AnalysisResult, budget: number): BudgetRecommendation {
  const { envelope, models } = result;
  if (envelope.length === 0) return { budget, feasible: false, reason: 'the analysis has no envelope.', rule: 'in-sample' };
  // A thinned envelope that lacks the vertex within the budget: the nearest one it holds below, until the whole envelope comes.
  const below = lastVertexWithin(envelope, budget);
  const index = vertexWithin(result, budget) ?? (below >= 0 ? wholeIndex(result, below) : -1);
  if (index < 0) {
    const cheapest = envelope[0];
    return {
      budget,
      feasible: false,
      reason: `the budget is below the cheapest policy (${formatModels(cheapest.policy)} at $${cheapest.cost}/query).`,
      rule: 'in-sample',
    };
  }
  const vertex = envelope[positionOf(result, index)];
  const holdout = holdoutFiguresOf(result, vertex.policy);
  const hostChoice = result.recommendation?.choice;
  const sameAsHost = hostChoice !== undefined && samePolicy(hostChoice.policy, vertex.policy);

  let best: { model: string; cost: number; quality: number } | undefined;
  for (const m of models) {
    if (!(m.cost <= budget)) continue;
    if (!best || m.quality > best.quality || (m.quality === best.quality && (m.cost < best.cost || (m.cost === best.cost && m.name < best.model)))) {
      best = { model: m.name, cost: m.cost, quality: m.quality };
    }
  }
  const bestHoldout = best ? holdoutFiguresOf(result, { kind: 'single', models: [best.model], thresholds: [] }) : undefined;
  const single = best ? { ...best, ...(bestHoldout ? { holdout: bestHoldout } : {}) } : undefined;
  const g = gains(vertex, holdout, single);
  const gain = g.gainHoldout ?? g.gainInSample;

  return {
    budget,
    feasible: true,
    index,
    vertex,
    ...(holdout ? { holdout } : {}),
    ...(sameAsHost && result.recommendation?.inSample ? { inSampleIntervals: result.recommendation.inSample } : {}),
    shadowPrice: shadowPriceAt(result.hull, budget),
    ...(sameAsHost && result.recommendation?.localShadowPrice ? { localShadowPrice: result.recommendation.localShadowPrice } : {}),
    ...(single ? { bestSingle: single } : {}),
    ...g,
    ...(gain !== undefined ? { escalationWorthIt: vertex.policy.kind !== 'single' && gain > 0 } : {}),
    rule: 'in-sample',
  };
}

/**
 * The budget the control starts at for an analysis: the saved one, else the configured one,
 * else the configured cascade's cost, else the dearest envelope vertex (so everything fits).
 */
export function initialBudget(result: AnalysisResult, saved: number | undefined, configured: number | undefined): number {
  if (saved !== undefined) return saved;
  if (configured !== undefined) return configured;
  if (result.recommendation?.budget !== undefined) return result.recommendation.budget;
  if (result.cascade) return result.cascade.inSample.cost;
  return result.envelope.length > 0 ? result.envelope[result.envelope.length - 1].cost : 0;
}

/** Where the budget in force comes from (see {@link initialBudget}), so the panel can say so. */
export type BudgetOrigin = 'panel' | 'config' | 'cascade' | 'dearest';

export function budgetOrigin(result: AnalysisResult, saved: number | undefined, configured: number | undefined): BudgetOrigin {
  if (saved !== undefined) return 'panel';
  if (configured !== undefined || result.recommendation?.budget !== undefined) return 'config';
  if (result.cascade) return 'cascade';
  return 'dearest';
}
