/**
 * Figures laid out for the terminal: plain ASCII, `-` for a missing value. The units and the
 * labels shared with the other views come from `core/format`.
 */
import { dollarsPer1kPerPoint, pointsPerDollarPer1k } from '../core/format/units.ts';

/** Dollars with three significant digits (e.g. 0.000187), or two decimals from $1 up. */
export function dollars(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '$0';
  return Math.abs(x) >= 1 ? `$${x.toFixed(2)}` : `$${Number(x.toPrecision(3))}`;
}

/** Quality as a percentage with one decimal. */
export function percent(q: number): string {
  return Number.isFinite(q) ? `${(q * 100).toFixed(1)}%` : '-';
}

/** A percentile interval in percent, e.g. [77.0, 79.5]. */
export function percentInterval(iv: readonly [number, number] | undefined): string {
  return iv ? `[${(iv[0] * 100).toFixed(1)}, ${(iv[1] * 100).toFixed(1)}]` : '';
}

/** A dollar interval, e.g. [$0.000180, $0.000195]. */
export function dollarInterval(iv: readonly [number, number] | undefined): string {
  return iv ? `[${dollars(iv[0])}, ${dollars(iv[1])}]` : '';
}

/** Shadow price lambda as quality points bought by one more dollar per 1,000 queries, three significant digits, e.g. `26.8`. */
export function lambdaText(lambda: number | null): string {
  return lambda === null ? '-' : pointsPerDollarPer1k(lambda).toPrecision(3);
}

/** mu as dollars per 1,000 queries for one more quality point, e.g. `$0.0373`. */
export function muText(mu: number | null): string {
  return mu === null ? '-' : dollars(dollarsPer1kPerPoint(mu));
}

/** Left-aligned text columns with a header row and a rule under it. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], rightAlign: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    '  ' +
    cells
      .map((cell, c) => (rightAlign.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), '  ' + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
