import { inOrder } from '../sortIndices.ts';

/** How many values of a confidence signal count as "a few", and the share of queries that makes "most". */
export const FEW_VALUES = 5;
export const MOST_QUERIES = 0.9;
/** Below this many queries a handful of values covering most of them says nothing about the signal. */
export const MIN_QUERIES_FOR_FEW_VALUES = 50;

/**
 * How concentrated a confidence signal is: its number of distinct values and the share of
 * queries that fall on its `few` most frequent values. O(n) with a hash map, or one pass over
 * the runs of equal values when `order` (indices by ascending confidence) is given.
 */
export function valueConcentration(confidence: ArrayLike<number>, few = FEW_VALUES, order?: ArrayLike<number>): { distinct: number; commonShare: number } {
  const n = confidence.length;
  if (order) return concentrationInOrder(inOrder(confidence, order), few);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    // -0 and 0 are one value.
    const v = confidence[i] === 0 ? 0 : confidence[i];
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const top = [...counts.values()].sort((a, b) => b - a).slice(0, few);
  const covered = top.reduce((a, b) => a + b, 0);
  return { distinct: counts.size, commonShare: n === 0 ? 0 : covered / n };
}

/**
 * A degenerate signal cannot rank queries finely enough to set a threshold: it is constant, or
 * (on at least {@link MIN_QUERIES_FOR_FEW_VALUES} queries) its {@link FEW_VALUES} most frequent
 * values hold {@link MOST_QUERIES} of the queries or more. O(1).
 */
export function isDegenerateSignal(concentration: { distinct: number; commonShare: number }, n: number): boolean {
  return concentration.distinct <= 1 || (n >= MIN_QUERIES_FOR_FEW_VALUES && concentration.commonShare >= MOST_QUERIES);
}

/** {@link valueConcentration} of values given in ascending order. O(n). */
export function concentrationInOrder(sorted: Float64Array, few = FEW_VALUES): { distinct: number; commonShare: number } {
  const n = sorted.length;
  // Run lengths of equal values (-0 and 0 are one value, as are NaNs), the `few` longest kept in descending order.
  const top: number[] = [];
  let distinct = 0;
  for (let start = 0; start < n;) {
    const v = sorted[start];
    let end = start + 1;
    while (end < n) {
      const w = sorted[end];
      if (!(w === v || (Number.isNaN(w) && Number.isNaN(v)))) break;
      end++;
    }
    distinct++;
    const run = end - start;
    if (top.length < few || run > top[top.length - 1]) {
      let at = Math.min(top.length, few - 1);
      if (top.length < few) top.push(run);
      while (at > 0 && top[at - 1] < run) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = run;
    }
    start = end;
  }
  const covered = top.reduce((a, b) => a + b, 0);
  return { distinct, commonShare: n === 0 ? 0 : covered / n };
}
