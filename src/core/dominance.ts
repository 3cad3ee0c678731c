import type { Dataset } from './types.ts';

/**
 * Relative tolerance of cost and quality comparisons between policies measured in different
 * ways (a per-query sum, a cumulative sweep): far above the rounding of a mean of n doubles
 * (about n * 1e-16 relative), far below any difference a query can make.
 */
export const RELATIVE_TOLERANCE = 1e-9;

/** The rounding allowance for comparing two figures of about this size. */
export const tolerance = (a: number, b: number): number => RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE);

/** `a <= b` up to rounding. */
export const atMost = (a: number, b: number): boolean => a <= b + tolerance(a, b);

/**
 * The smallest differences one query can make to a policy's mean figures on `dataset`: 1/n of
 * quality, and the cheapest call of any of `models` (its per-query cost, when positive) over n.
 * A difference below these is not a difference between policies. O(n * models).
 */
export function queryResolution(dataset: Dataset, models: readonly string[]): { readonly quality: number; readonly cost: number } {
  let cheapest = Infinity;
  for (const m of dataset.models) {
    if (!models.includes(m.name)) continue;
    for (const c of m.cost) if (c > 0 && c < cheapest) cheapest = c;
  }
  return { quality: 1 / dataset.n, cost: cheapest / dataset.n };
}

/**
 * Whether policy `a` dominates policy `b`: no worse in cost or quality (up to rounding) and
 * better in one of them by at least what one query can make (`resolution`), so that rounding
 * noise never makes a policy dominated, not even by itself. O(1).
 */
export function dominates(
  a: { readonly cost: number; readonly quality: number },
  b: { readonly cost: number; readonly quality: number },
  resolution: { readonly quality: number; readonly cost: number },
): boolean {
  if (!atMost(a.cost, b.cost) || !atMost(b.quality, a.quality)) return false;
  const gain = a.quality - b.quality;
  const saving = b.cost - a.cost;
  return gain >= resolution.quality - tolerance(gain, resolution.quality) || saving >= resolution.cost - tolerance(saving, resolution.cost);
}
