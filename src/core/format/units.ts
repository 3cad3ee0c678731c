/**
 * The shadow price in the units people read. The analysis gives lambda in quality (a share in
 * [0,1]) per dollar per query and mu = 1/lambda in dollars per query per unit of quality
 * (docs/SPEC.md, "Shadow prices"); every view shows them per 1,000 queries and in quality
 * points (hundredths of quality). These two conversions are the only place that scaling is
 * written.
 */

/**
 * Quality points bought by one more dollar per 1,000 queries, from lambda in quality per dollar
 * per query: lambda * 100 / 1000. O(1).
 * @example pointsPerDollarPer1k(1.5) // 0.15
 */
export function pointsPerDollarPer1k(lambda: number): number {
  return (lambda * 100) / 1000;
}

/**
 * Dollars per 1,000 queries for one more quality point, from mu in dollars per query per unit
 * of quality: mu * 1000 / 100. O(1).
 * @example dollarsPer1kPerPoint(0.0005) // 0.005
 */
export function dollarsPer1kPerPoint(mu: number): number {
  return (mu * 1000) / 100;
}
