import type { Measured, ShadowPrice } from '../types.ts';
import { dollarsPer1kPerPoint, pointsPerDollarPer1k } from './units.ts';

/**
 * Plain-unit wording of the analysis for the editor: quality in percent and percentage points,
 * cost per 1,000 queries, shadow prices as quality points per extra dollar per 1k queries.
 */

/** `84.3%` for a quality in [0, 1]. */
export function percent(q: number, digits = 1): string {
  return `${(q * 100).toFixed(digits)}%`;
}

/** `+1.2 pts` for a quality difference (percentage points), `±0.0 pts` for none. */
export function points(dq: number, digits = 1): string {
  const v = dq * 100;
  const text = Math.abs(v).toFixed(digits);
  if (Number(text) === 0) return `±${text} pts`;
  return `${v > 0 ? '+' : '−'}${text} pts`;
}

/** `$0.214 per 1k queries` for a cost in dollars per query (three significant digits). */
export function per1k(costPerQuery: number): string {
  return `$${significant(costPerQuery * 1000)} per 1k queries`;
}

/** `+$0.042 per 1k queries` / `−$0.036 per 1k queries` for a cost difference in dollars per query. */
export function signedPer1k(dc: number): string {
  const text = significant(Math.abs(dc) * 1000);
  if (Number(text) === 0) return '±$0 per 1k queries';
  return `${dc > 0 ? '+' : '−'}$${text} per 1k queries`;
}

/** `$0.000214/query` for a cost in dollars per query (three significant digits). */
export function perQuery(costPerQuery: number): string {
  return `$${significant(costPerQuery)}/query`;
}

/** A number with three significant digits and no exponent for everyday magnitudes. */
export function significant(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e-6 && abs < 1e9) {
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
    return x.toFixed(Math.min(decimals, 20));
  }
  return x.toPrecision(digits);
}

/** One sentence on what one more dollar buys and what one more point costs, or why there is no such trade. */
export function shadowPriceSentence(lambda: number | null, mu: number | null): string {
  if (lambda === null) return 'no slope here: there is no cheaper policy to compare with.';
  if (lambda <= 0 || mu === null) return 'one more dollar buys no quality here: the envelope is flat.';
  return `+${significant(pointsPerDollarPer1k(lambda))} quality points per extra $1 per 1k queries (one more point costs $${significant(dollarsPer1kPerPoint(mu))} per 1k queries).`;
}

/**
 * The two sides of a hull slope at a cost: spending more (right slope) and spending less
 * (left slope), as plain sentences. Equal slopes collapse into one line.
 */
export function shadowPriceLines(price: ShadowPrice): string[] {
  const { lambdaLeft, lambdaRight, muLeft, muRight } = price;
  if (lambdaLeft !== null && lambdaRight !== null && Math.abs(lambdaLeft - lambdaRight) <= 1e-12 * Math.max(1, Math.abs(lambdaLeft))) {
    return [`Spending more or less: ${shadowPriceSentence(lambdaRight, muRight)}`];
  }
  const lines: string[] = [];
  lines.push(lambdaRight === null ? 'Spending more: nothing better is on the envelope.' : `Spending more: ${shadowPriceSentence(lambdaRight, muRight)}`);
  if (lambdaLeft !== null) lines.push(`Spending less: ${shadowPriceSentence(lambdaLeft, muLeft)}`);
  return lines;
}

/** `81.2% [79.0%, 83.4%]` or just `81.2%` without an interval. */
export function qualityWithInterval(m: Measured): string {
  return m.qualityInterval ? `${percent(m.quality)} [${percent(m.qualityInterval[0])}, ${percent(m.qualityInterval[1])}]` : percent(m.quality);
}

/** `$0.214 [0.201, 0.228] per 1k queries`. */
export function costWithInterval(m: Measured): string {
  if (!m.costInterval) return per1k(m.cost);
  return `$${significant(m.cost * 1000)} [${significant(m.costInterval[0] * 1000)}, ${significant(m.costInterval[1] * 1000)}] per 1k queries`;
}
