import type { Measured, Recommendation, ShadowPrice } from '../types.ts';
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
 * The two sides of a hull slope at a cost as plain sentences: what spending more buys (right
 * slope) and what spending less loses (left slope), each in quality points per $1 per 1,000
 * queries. Equal slopes collapse into one line; a flat or missing side says so in words, so
 * the two sides never read as one contradictory claim.
 */
export function shadowPriceLines(price: ShadowPrice): string[] {
  const { lambdaLeft, lambdaRight, muRight } = price;
  const cost = (mu: number | null) => (mu !== null ? ` (one point costs $${significant(dollarsPer1kPerPoint(mu))} per 1k queries)` : '');
  if (lambdaLeft !== null && lambdaRight !== null && Math.abs(lambdaLeft - lambdaRight) <= 1e-12 * Math.max(1, Math.abs(lambdaLeft))) {
    if (!(lambdaRight > 0)) return ['Spending more or less changes nothing: the envelope is flat here.'];
    return [`Spending more or less: ±${significant(pointsPerDollarPer1k(lambdaRight))} quality points per $1 per 1k queries${cost(muRight)}.`];
  }
  const lines: string[] = [];
  lines.push(
    lambdaRight !== null && lambdaRight > 0
      ? `Spending more: +${significant(pointsPerDollarPer1k(lambdaRight))} quality points per $1 per 1k queries${cost(muRight)}.`
      : 'Spending more: buys nothing; no policy on the envelope does better.',
  );
  if (lambdaLeft !== null && lambdaLeft > 0) lines.push(`Spending less: loses ${significant(pointsPerDollarPer1k(lambdaLeft))} quality points per $1 per 1k queries saved.`);
  else if (lambdaLeft === null) lines.push('Spending less: no cheaper policy.');
  return lines;
}

/**
 * The step a deterministic policy takes from a budget: the best envelope vertex within it and
 * the next one above it (what the next dollars buy once they reach its cost). The hull's slope
 * averages such steps, and randomising between the two vertices reaches it in between.
 */
export function nextStep<T extends { cost: number; quality: number }>(envelope: readonly T[], budget: number): { within?: T; next?: T } {
  let within: T | undefined;
  let next: T | undefined;
  for (const v of envelope) {
    if (v.cost <= budget) within = v;
    else if (next === undefined) next = v;
  }
  return { ...(within ? { within } : {}), ...(next ? { next } : {}) };
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

/** The answer to "is escalation worth it?" at one budget, as the recommendation states it. */
export interface WorthIt {
  readonly answer: 'Yes' | 'No' | 'Unclear';
  /** Quality gain of the best cascade that fits over the single model (cross-validated calibration queries under the noise-aware rule). */
  readonly gain?: number;
  /** Interval of that gain, when the rule gives one. */
  readonly interval?: readonly [number, number];
  /** The single model compared with. */
  readonly model: string;
}

/**
 * The recommendation's own verdict on escalation at its budget (its `verdict` when the rule
 * gives one, else its gain over the best single model); undefined when there is nothing to
 * compare with. Views read it from here rather than deriving their own.
 */
export function worthItAtBudget(rec: Recommendation): WorthIt | undefined {
  const v = rec.verdict;
  if (v) {
    const answer = v.answer === 'yes' ? 'Yes' : v.answer === 'no' ? 'No' : 'Unclear';
    return { answer, model: v.versus, ...(v.gain !== undefined ? { gain: v.gain } : {}), ...(v.interval ? { interval: v.interval } : {}) };
  }
  // The noise-aware rule gives no verdict when it falls back to the cheapest model: nothing to answer.
  if (rec.rule === 'noise-aware' || rec.gainOverBestSingle === undefined || !rec.bestSingle) return undefined;
  return { answer: rec.escalationWorthIt ? 'Yes' : 'No', gain: rec.gainOverBestSingle, model: rec.bestSingle.model };
}

/** `Yes: +2.3 pts [+0.2, +4.3] over llama3.1-70b alone`, `No: keep gpt-4o-mini alone`. */
export function worthItSentence(w: WorthIt): string {
  if (w.gain === undefined) return `${w.answer}: keep ${w.model} alone`;
  const interval = w.interval ? ` [${points(w.interval[0]).replace(' pts', '')}, ${points(w.interval[1]).replace(' pts', '')}]` : '';
  return `${w.answer}: ${points(w.gain)}${interval} over ${w.model} alone`;
}

/**
 * What a change buys, in one phrase: `same cost, +0.4 pts`, `+1.2 pts for +$0.05 per 1k
 * queries`, `−0.3 pts, saves $0.08 per 1k queries` (quality and cost differences of the new
 * policy minus the current one, dollars per query).
 */
export function tradeText(dq: number, dc: number): string {
  const cost = significant(Math.abs(dc) * 1000);
  if (Number(cost) === 0) return `same cost, ${points(dq)}`;
  return dc < 0 ? `${points(dq)}, saves $${cost} per 1k queries` : `${points(dq)} for +$${cost} per 1k queries`;
}
