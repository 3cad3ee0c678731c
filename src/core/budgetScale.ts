/**
 * The scale of the panel's budget control: the budgets it spans for a result and its log-scale
 * slider positions. Shared by the panel and the host, which keeps the envelope vertices every
 * position lands on when it thins the envelope it sends. Pure numbers.
 */
import type { AnalysisResult } from './types.ts';

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
