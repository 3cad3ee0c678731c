/**
 * Costs, qualities and shadow prices for people reading the panel and the report. Costs are
 * dollars per query in the data; people compare them more easily per thousand queries, so
 * both are shown. Quality is a share in [0,1], shown as a percentage.
 */
import { dollarsPer1kPerPoint, pointsPerDollarPer1k } from './units.ts';

/** Decimal places that keep three significant digits of a positive number below 1 (at least two). */
function decimalsFor(x: number): number {
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  return Math.min(12, Math.max(2, 2 - magnitude));
}

/** `$0.000123`, `$1.50`, `$1,234.50`: dollars with three significant digits below one dollar. */
export function formatDollars(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '$0';
  const sign = x < 0 ? '-' : '';
  const a = Math.abs(x);
  const text = a >= 1 ? a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : a.toFixed(decimalsFor(a));
  return `${sign}$${text}`;
}

/** Dollars with as few digits as the value needs (axis ticks), e.g. `$0.00002`, `$0.0015`. */
export function formatDollarsCompact(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '$0';
  const digits = Math.min(12, Math.max(0, -Math.floor(Math.log10(Math.abs(x))) + 3));
  const fixed = Math.abs(x).toFixed(digits);
  const text = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return `${x < 0 ? '-' : ''}$${text}`;
}

/** Cost per query, e.g. `$0.000123/query`. */
export function formatCostPerQuery(cost: number): string {
  return `${formatDollars(cost)}/query`;
}

/** Cost per thousand queries, e.g. `$0.123 per 1k queries`. */
export function formatCostPer1k(cost: number): string {
  return `${formatDollars(cost * 1000)} per 1k queries`;
}

/** Both, e.g. `$0.000123/query ($0.123 per 1k queries)`. */
export function formatCost(cost: number): string {
  return `${formatCostPerQuery(cost)} (${formatCostPer1k(cost)})`;
}

/** Quality share as a percentage, e.g. `81.25%`. */
export function formatPercent(share: number, digits = 1): string {
  if (!Number.isFinite(share)) return '—';
  return `${(share * 100).toFixed(digits)}%`;
}

/** Signed difference of two shares in percentage points, e.g. `+1.3 pts`. */
export function formatPoints(delta: number, digits = 1): string {
  if (!Number.isFinite(delta)) return '—';
  const v = (delta * 100).toFixed(digits);
  return `${delta > 0 ? '+' : ''}${v} pts`;
}

function threeSignificant(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : x.toPrecision(3);
}

/** `0.150 quality points per extra $ per 1k queries`, or `—` when undefined. */
export function formatLambda(lambda: number | null | undefined): string {
  if (lambda === null || lambda === undefined || !Number.isFinite(lambda)) return '—';
  return `${threeSignificant(pointsPerDollarPer1k(lambda))} quality points per extra $ per 1k queries`;
}

/** `$6.67 per 1k queries per quality point`, or `—` when undefined. */
export function formatMu(mu: number | null | undefined): string {
  if (mu === null || mu === undefined || !Number.isFinite(mu)) return '—';
  return `${formatDollars(dollarsPer1kPerPoint(mu))} per 1k queries per quality point`;
}

/**
 * The shadow price as a bare number of quality points per extra $1 per 1k queries, for table
 * cells and tooltips, three significant digits without trailing zeros; `grouped` writes
 * thousands separators, `whole` writes values from 1,000 up as whole numbers; `—` when
 * undefined. O(1).
 * @example lambdaPoints(1.5) // '0.15'
 * @example lambdaPoints(47_634) // '4760'
 * @example lambdaPoints(47_634, 'grouped') // '4,760'
 * @example lambdaPoints(47_634, 'whole') // '4763'
 */
export function lambdaPoints(lambda: number | null | undefined, style: 'plain' | 'grouped' | 'whole' = 'plain'): string {
  if (lambda === null || lambda === undefined || !Number.isFinite(lambda)) return '—';
  const v = pointsPerDollarPer1k(lambda);
  if (style === 'whole' && Math.abs(v) >= 1000) return v.toFixed(0);
  const rounded = Number(v.toPrecision(3));
  return style === 'grouped' ? rounded.toLocaleString('en-US', { maximumSignificantDigits: 3 }) : String(rounded);
}

/** Local time of day with seconds, e.g. `14:03:27`. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
