/**
 * Numbers a person writes into a config: thresholds and budgets with as few digits as keep
 * the policy they stand for. Pure functions, no editor API.
 */

/** Significant digits past which a decimal says nothing more about a double. */
const MAX_DIGITS = 17;

/**
 * The decimal with the fewest significant digits strictly between `lo` and `hi` (of those,
 * the one nearest the middle of the gap), or undefined when no double lies strictly between.
 * An infinite side is replaced by a gap as wide as the finite side's magnitude (at least 1).
 * O(17): one pass per decimal place.
 * @example shortestDecimalBetween(-0.52, -0.4987) // -0.5
 */
export function shortestDecimalBetween(lo: number, hi: number): number | undefined {
  if (Number.isNaN(lo) || Number.isNaN(hi) || !(lo < hi)) return undefined;
  if (lo === -Infinity && hi === Infinity) return 0;
  if (lo === -Infinity) lo = hi - Math.max(1, Math.abs(hi));
  if (hi === Infinity) hi = lo + Math.max(1, Math.abs(lo));
  const mid = lo / 2 + hi / 2;
  const magnitude = Math.max(Math.abs(lo), Math.abs(hi));
  const top = magnitude > 0 ? Math.floor(Math.log10(magnitude)) + 1 : 0;
  for (let e = top; e >= top - MAX_DIGITS - 2; e--) {
    const step = powerOfTen(e);
    const kLo = Math.floor(lo / step) + 1;
    const kHi = Math.ceil(hi / step) - 1;
    if (kLo > kHi) continue;
    const k = Math.min(kHi, Math.max(kLo, Math.round(mid / step)));
    // Division above is inexact: check the candidate (and its neighbours: k - 1, then k + 1) as parsed back.
    for (let d = 0; d < 3; d++) {
      const c = d === 0 ? k : d === 1 ? k - 1 : k + 1;
      if (c < kLo - 1 || c > kHi + 1) continue;
      const x = decimal(c, e);
      if (lo < x && x < hi) return x;
    }
  }
  return undefined;
}

/** 10 ** e for every e a double's decimal places can need (-400 to 400), computed once. */
const POWERS_OF_TEN = Float64Array.from({ length: 801 }, (_, i) => 10 ** (i - 400));

/** 10 ** e, from the table where it has it. */
function powerOfTen(e: number): number {
  return e >= -400 && e <= 400 ? POWERS_OF_TEN[e + 400] : 10 ** e;
}

/** Exact powers of ten as doubles: 10^0 .. 10^22. */
const EXACT_POWERS = Array.from({ length: 23 }, (_, e) => Number(`1e${e}`));

/**
 * The double nearest to k * 10^e (exact rounding). One multiplication or division when k and
 * 10^|e| are both exact doubles (IEEE-754 rounds that one operation exactly), else parsed from
 * its decimal text.
 */
function decimal(k: number, e: number): number {
  // The text of -0 is "0": the product would keep the sign.
  if (k === 0) return 0;
  if (Number.isSafeInteger(k) && e >= -22 && e <= 22) return e >= 0 ? k * EXACT_POWERS[e] : k / EXACT_POWERS[-e];
  return Number(`${k}e${e}`);
}

/**
 * A threshold that selects the same calibration queries as `at` (a distinct confidence value
 * of the cheap model; the cheap model answers when its confidence >= threshold) but reads
 * better: the shortest decimal strictly between the next lower distinct confidence `below`
 * (-Infinity when there is none) and `at`. Falls back to `at` itself when no decimal fits.
 * A non-finite `at` (+Infinity: always escalate) is returned as is. O(17).
 * @example readableThreshold(-0.5213, -0.49871) // -0.5
 */
export function readableThreshold(below: number, at: number): number {
  if (!Number.isFinite(at) && at > 0) return at;
  if (at === -Infinity) return at;
  return shortestDecimalBetween(below, at) ?? at;
}

/**
 * A budget with three significant digits (more only where needed) that allows exactly the
 * same policies as `budget`: no cost in `costs` lies between the two (a policy fits a budget B
 * when its cost <= B). Tries rounding to the nearest, then up, then down, at 3, 4, ... digits.
 * Returns `budget` itself when nothing shorter keeps the same choice. O(17 * costs).
 * @example readableBudget(0.000040705828719, [0.0000407058287, 0.00009]) // 0.0000408 (rounded up to keep the first cost within)
 */
export function readableBudget(budget: number, costs: readonly number[]): number {
  if (!Number.isFinite(budget) || budget <= 0) return budget;
  const sameChoice = (r: number) => {
    const lo = Math.min(r, budget);
    const hi = Math.max(r, budget);
    return costs.every((c) => !(c > lo && c <= hi));
  };
  for (let digits = 3; digits <= MAX_DIGITS; digits++) {
    const e = Math.floor(Math.log10(budget)) - digits + 1;
    const scaled = budget / 10 ** e;
    for (const k of [Math.round(scaled), Math.ceil(scaled), Math.floor(scaled)]) {
      const r = decimal(k, e);
      if (r > 0 && sameChoice(r)) return r;
    }
  }
  return budget;
}

/**
 * The roundest budget at or above `cost` (a policy's calibration cost) that allows the same
 * policies: rounded up to 1, 2, 3, ... significant digits, the first that no cost in `costs`
 * lies above `cost` and up to it. A budget offered for a policy then reads well and leaves it a
 * little room (held out, its cost varies). O(17 * costs).
 * @example roundBudgetUp(0.000274, [0.000274, 0.000423]) // 0.0003
 */
export function roundBudgetUp(cost: number, costs: readonly number[]): number {
  if (!Number.isFinite(cost) || cost <= 0) return cost;
  for (let digits = 1; digits <= MAX_DIGITS; digits++) {
    const e = Math.floor(Math.log10(cost)) - digits + 1;
    const r = decimal(Math.ceil(cost / 10 ** e - 1e-9), e);
    if (r >= cost && costs.every((c) => !(c > cost && c <= r))) return r;
  }
  return cost;
}
