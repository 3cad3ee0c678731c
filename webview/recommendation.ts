/**
 * The recommendation for a budget, recomputed in the webview as the budget control moves
 * (no round trip to the host): the rule of the analysis, applied to the envelope the host
 * sent. Pure functions over an `AnalysisResult`.
 */
import type { AnalysisResult, EnvelopeVertex, LocalShadowPrice, Measured, PolicySpec, ShadowPrice } from '../src/core/types.ts';
import { lastVertexWithin, shadowPriceAt } from '../src/core/envelope.ts';
import { policyKey, samePolicy } from '../src/core/policy.ts';
import { formatModels } from '../src/core/format/index.ts';

export interface BudgetRecommendation {
  /** Dollars per query. */
  readonly budget: number;
  readonly feasible: boolean;
  /** Why nothing fits, when infeasible. */
  readonly reason?: string;
  /** Index of the chosen envelope vertex. */
  readonly index?: number;
  readonly vertex?: EnvelopeVertex;
  /** The chosen policy measured on the holdout split, when the analysis has one. */
  readonly holdout?: Measured;
  /** Calibration figures with bootstrap intervals, when the host's own recommendation chose the same policy. */
  readonly inSampleIntervals?: Measured;
  /** Slopes of the concave hull at the budget. */
  readonly shadowPrice?: ShadowPrice;
  /** Local shadow price of the pair at its threshold, when the host computed it for the same policy. */
  readonly localShadowPrice?: LocalShadowPrice;
  /** Best single model within the budget by calibration quality (ties: lower cost, then name). */
  readonly bestSingle?: { readonly model: string; readonly cost: number; readonly quality: number; readonly holdout?: Measured };
  readonly gainInSample?: number;
  /** Held-out gain, when both policies have held-out figures. */
  readonly gainHoldout?: number;
  /** A cascade that beats the best single model within budget (held out when available, else in-sample). */
  readonly escalationWorthIt?: boolean;
}

const holdoutIndexCache = new WeakMap<AnalysisResult, ReadonlyMap<string, Measured>>();

/** The held-out figures of an envelope policy, or of a single model the host measured. O(1) after an O(v) index per result. */
export function holdoutFiguresOf(result: AnalysisResult, policy: PolicySpec): Measured | undefined {
  let index = holdoutIndexCache.get(result);
  if (!index) {
    const map = new Map<string, Measured>();
    for (const h of result.holdout ?? []) if (!map.has(policyKey(h.policy))) map.set(policyKey(h.policy), h.holdout);
    holdoutIndexCache.set(result, map);
    index = map;
  }
  const entry = index.get(policyKey(policy));
  if (entry) return entry;
  const best = result.recommendation?.bestSingle;
  if (policy.models.length === 1 && best && best.model === policy.models[0]) return best.holdout;
  return undefined;
}

/**
 * The envelope vertex of highest calibration quality with calibration cost <= budget (ties:
 * lower cost), its held-out figures, the hull's shadow price at the budget and the gain over
 * the best single model within the budget. O(v + k).
 */
export function recommendForBudget(result: AnalysisResult, budget: number): BudgetRecommendation {
  const { envelope, models } = result;
  if (envelope.length === 0) return { budget, feasible: false, reason: 'the analysis has no envelope.' };
  const index = lastVertexWithin(envelope, budget);
  if (index < 0) {
    const cheapest = envelope[0];
    return {
      budget,
      feasible: false,
      reason: `the budget is below the cheapest policy (${formatModels(cheapest.policy)} at $${cheapest.cost}/query).`,
    };
  }
  const vertex = envelope[index];
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
  const gainInSample = best ? vertex.quality - best.quality : undefined;
  const gainHoldout = best && holdout && bestHoldout ? holdout.quality - bestHoldout.quality : undefined;
  const gain = gainHoldout ?? gainInSample;

  return {
    budget,
    feasible: true,
    index,
    vertex,
    ...(holdout ? { holdout } : {}),
    ...(sameAsHost && result.recommendation?.inSample ? { inSampleIntervals: result.recommendation.inSample } : {}),
    shadowPrice: shadowPriceAt(result.hull, budget),
    ...(sameAsHost && result.recommendation?.localShadowPrice ? { localShadowPrice: result.recommendation.localShadowPrice } : {}),
    ...(best ? { bestSingle: { ...best, ...(bestHoldout ? { holdout: bestHoldout } : {}) } } : {}),
    ...(gainInSample !== undefined ? { gainInSample } : {}),
    ...(gainHoldout !== undefined ? { gainHoldout } : {}),
    ...(gain !== undefined ? { escalationWorthIt: vertex.policy.kind !== 'single' && gain > 0 } : {}),
  };
}

/** Budgets the control spans, dollars per query: from half the cheapest cost to 1.5 x the dearest. */
export function budgetRange(result: AnalysisResult): { readonly min: number; readonly max: number } {
  const costs = [...result.models.map((m) => m.cost), ...result.envelope.map((v) => v.cost)].filter((c) => Number.isFinite(c) && c > 0);
  if (costs.length === 0) return { min: 1e-6, max: 1 };
  const lo = Math.min(...costs) / 2;
  const hi = Math.max(...costs) * 1.5;
  return { min: lo, max: hi > lo ? hi : lo * 10 };
}

/** Steps of the budget slider. */
export const SLIDER_STEPS = 1000;

/** Slider position (0..SLIDER_STEPS) to budget, on a log scale between the range's ends. */
export function sliderToBudget(position: number, range: { min: number; max: number }): number {
  const p = Math.min(SLIDER_STEPS, Math.max(0, position)) / SLIDER_STEPS;
  return range.min * Math.pow(range.max / range.min, p);
}

/** Budget to the nearest slider position (clamped to the ends). */
export function budgetToSlider(budget: number, range: { min: number; max: number }): number {
  if (!(budget > range.min)) return 0;
  if (budget >= range.max) return SLIDER_STEPS;
  return Math.round((SLIDER_STEPS * Math.log(budget / range.min)) / Math.log(range.max / range.min));
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
