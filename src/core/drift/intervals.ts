/**
 * Two-sample intervals and distances for comparing the calibration split with the holdout:
 * the normal quantile, Wilson and Newcombe intervals for proportions, a normal interval for a
 * difference of means, and the Kolmogorov-Smirnov distance with its critical value.
 */
import { inOrder, sharedOrder, type SortedColumns } from '../sortIndices.ts';

/** The standard normal quantile, shared with the recommendation rule. */
export { normalQuantile } from '../select/normal.ts';

/**
 * Wilson score interval for a proportion `p` observed on `n` trials, at normal quantile `z`.
 * O(1). @returns [0, 1] for n = 0.
 */
export function wilsonInterval(p: number, n: number, z: number): [number, number] {
  if (n <= 0) return [0, 1];
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Interval for the difference of two proportions p1 - p2 (Newcombe's hybrid score interval,
 * "method 10", from the two Wilson intervals); it keeps its level near 0 and 1, where the plain
 * Wald interval does not. A mean of graded scores in [0, 1] may stand for a proportion: its
 * variance is at most p(1 - p), so the interval is then conservative. O(1).
 */
export function proportionDifferenceInterval(p1: number, n1: number, p2: number, n2: number, z: number): [number, number] {
  const [l1, u1] = wilsonInterval(p1, n1, z);
  const [l2, u2] = wilsonInterval(p2, n2, z);
  const d = p1 - p2;
  return [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
}

/** Mean of a column (NaN when empty). O(n). */
export function meanOf(values: ArrayLike<number>): number {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  return n === 0 ? NaN : sum / n;
}

/** Mean and unbiased variance of a column. O(n). */
export function meanAndVariance(values: ArrayLike<number>): { mean: number; variance: number } {
  const mean = meanOf(values);
  return { mean, variance: values.length > 1 ? squaredDeviations(values, mean) / (values.length - 1) : 0 };
}

function squaredDeviations(values: ArrayLike<number>, mean: number): number {
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return ss;
}

/**
 * Normal (Welch) interval for the difference of two means, mean(a) - mean(b), with each
 * sample's own variance. O(n). @returns NaNs when a sample is empty.
 */
export function meanDifferenceInterval(a: ArrayLike<number>, b: ArrayLike<number>, z: number): { difference: number; interval: [number, number] } {
  return differenceOfMeansInterval(meanAndVariance(a), a.length, meanAndVariance(b), b.length, z);
}

/** {@link meanDifferenceInterval} from each sample's mean, variance and size. O(1). */
export function differenceOfMeansInterval(
  x: { mean: number; variance: number },
  n: number,
  y: { mean: number; variance: number },
  m: number,
  z: number,
): { difference: number; interval: [number, number] } {
  const difference = x.mean - y.mean;
  const se = Math.sqrt(x.variance / n + y.variance / m);
  return { difference, interval: [difference - z * se, difference + z * se] };
}

/**
 * Two-sample Kolmogorov-Smirnov distance: the largest gap between the empirical distribution
 * functions of `a` and `b`, evaluated after every distinct value (ties move together).
 * O((n + m) log(n + m)); O(n + m) for columns already sorted once (see {@link sharedOrder}), O(1)
 * more for columns whose sorted values `sorted` already has.
 * @returns 0 when either sample is empty.
 */
export function ksDistance(a: ArrayLike<number>, b: ArrayLike<number>, sorted?: SortedColumns): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return 0;
  const x = sortedCopy(a, sorted);
  const y = sortedCopy(b, sorted);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n || j < m) {
    const v = j >= m || (i < n && x[i] <= y[j]) ? x[i] : y[j];
    while (i < n && x[i] <= v) i++;
    while (j < m && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return d;
}

/** The values of a column in ascending order, read through its shared order (or taken from `sorted`) when it is a typed column. */
function sortedCopy(values: ArrayLike<number>, sorted: SortedColumns | undefined): Float64Array {
  if (!(values instanceof Float64Array)) return Float64Array.from(values).sort();
  return sorted ? sorted(values) : inOrder(values, sharedOrder(values));
}

/**
 * The distance above which two samples of sizes n and m differ at level `alpha` by the
 * asymptotic Kolmogorov-Smirnov test: sqrt(-ln(alpha / 2) / 2) * sqrt((n + m) / (n m)).
 * Conservative for a discrete distribution (ties). O(1).
 */
export function ksCriticalDistance(n: number, m: number, alpha: number): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((n + m) / (n * m));
}
