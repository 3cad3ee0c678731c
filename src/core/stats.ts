/**
 * Small numeric helpers shared by the analysis: seeded randomness, sums, percentiles and the
 * intervals of means.
 */
import { normalQuantile } from './select/normal.ts';

/**
 * A seeded pseudo-random generator (mulberry32) returning floats in [0, 1).
 * Deterministic for a given seed, so bootstrap intervals and random splits can be repeated.
 * With `skip`, the generator starts where the seed's would be after `skip` draws (its state
 * moves by a constant per draw, so the jump is O(1)): a second thread can take the later part
 * of one sequence. O(1) per draw.
 */
export function seededRandom(seed: number, skip = 0): () => number {
  let a = ((seed >>> 0) + Math.imul(skip, 0x6d2b79f5)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills `perm` with 0..length-1 in a uniformly random order (Fisher-Yates, drawing from
 * `random`, e.g. {@link seededRandom}). O(length).
 */
export function shuffledIndices(perm: Uint32Array, random: () => number): Uint32Array {
  for (let i = 0; i < perm.length; i++) perm[i] = i;
  for (let i = perm.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}

/** `count` values log-spaced from `lo` to `hi`, both included exactly (budgets of a grid). O(count). */
export function logSpacedBudgets(lo: number, hi: number, count: number): number[] {
  if (count <= 1 || !(hi > lo)) return [lo];
  const out: number[] = [];
  for (let j = 0; j < count; j++) out.push(j === 0 ? lo : j === count - 1 ? hi : lo * Math.pow(hi / lo, j / (count - 1)));
  return out;
}

/** Arithmetic mean of a typed array; NaN for an empty array. O(n). */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length === 0 ? NaN : sum / values.length;
}

/**
 * Quantile of an ascending-sorted array by linear interpolation between order statistics
 * (the "R-7" definition used by most statistics packages). O(1).
 * @throws RangeError when the array is empty or p is outside [0, 1].
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('quantileSorted needs at least one value');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantileSorted needs p in [0, 1], got ${p}`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The k-th smallest (0-based) of `values`, which it reorders (Hoare's selection with a median of
 * three pivots; after too many rounds the rest is sorted). NaN must not occur. O(n) expected.
 * @throws RangeError when k is outside the array.
 */
export function kthSmallest(values: Float64Array, k: number): number {
  if (!(Number.isInteger(k) && k >= 0 && k < values.length)) throw new RangeError(`kthSmallest needs 0 <= k < ${values.length}, got ${k}`);
  let lo = 0;
  let hi = values.length - 1;
  let rounds = 0;
  const swap = (a: number, b: number) => {
    const t = values[a];
    values[a] = values[b];
    values[b] = t;
  };
  while (hi > lo) {
    if (++rounds > 64) {
      const rest = values.subarray(lo, hi + 1).sort();
      return rest[k - lo];
    }
    const mid = (lo + hi) >> 1;
    if (values[mid] < values[lo]) swap(mid, lo);
    if (values[hi] < values[lo]) swap(hi, lo);
    if (values[hi] < values[mid]) swap(hi, mid);
    const pivot = values[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        swap(i, j);
        i++;
        j--;
      }
    }
    // [lo, j] <= pivot <= [i, hi], and anything between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

/**
 * From this many queries on, the interval of a mean is the normal one (mean +- z sd / sqrt(n))
 * rather than the bootstrap percentile interval: there the two agree to a small share of the
 * interval's width (the bootstrap distribution of a mean is close to normal, and what is left
 * is mostly the bootstrap's own Monte Carlo noise), while resampling n queries a thousand times
 * costs O(resamples * n).
 */
export const NORMAL_INTERVALS_FROM = 20_000;

/** How the intervals of means over n queries are computed (see {@link NORMAL_INTERVALS_FROM}). */
export function intervalMethod(n: number): 'percentile' | 'normal' {
  return n >= NORMAL_INTERVALS_FROM ? 'normal' : 'percentile';
}

/**
 * The normal interval of the mean of `values` at `level` (two-sided): mean +- z s / sqrt(n),
 * s the sample standard deviation, z the normal quantile at (1 + level) / 2. O(n).
 */
export function normalMeanInterval(values: ArrayLike<number>, level: number): [number, number] {
  const n = values.length;
  if (n === 0) return [NaN, NaN];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) * (values[i] - mean);
  const half = n > 1 ? (normalQuantile((1 + level) / 2) * Math.sqrt(squares / (n - 1))) / Math.sqrt(n) : 0;
  return [mean - half, mean + half];
}

/**
 * Seeded bootstrap means of several per-query columns at once: for each of `resamples` draws of
 * n queries with replacement (the same draws for every column, so paired quantities stay
 * paired), each column's mean. One draw serves any number of columns, and any column's means
 * are the same whatever other columns are measured with it. O(resamples * n * (1 + columns)).
 * @returns per column, its `resamples` means in draw order.
 */
export function bootstrapMeans(columns: readonly ArrayLike<number>[], resamples: number, seed: number): Float64Array[] {
  const n = columns.length > 0 ? columns[0].length : 0;
  const means = columns.map(() => new Float64Array(resamples));
  if (n === 0) return means.map((m) => m.fill(NaN));
  // Draw the resample once as counts per query, then weight every column by the counts: one
  // random draw per query and resample whatever the number of columns. The generator is
  // mulberry32, as in seededRandom, written out here because this loop runs resamples * n times.
  const counts = new Uint32Array(n);
  const dense = columns.map((c) => Float64Array.from(c));
  let a = seed >>> 0;
  const scale = n / 4294967296;
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      counts[(((t ^ (t >>> 14)) >>> 0) * scale) | 0]++;
    }
    for (let c = 0; c < dense.length; c += 4) weightedMeans(counts, dense, c, means, r);
  }
  return means;
}

/**
 * Into means[c][r] for up to four columns from c: the column's sum weighted by `counts`, over
 * the queries in order, divided by n. The columns are summed side by side in one pass (each
 * sum still adds its terms in query order, so every mean is the same as a pass per column),
 * reading the counts once for four columns. O(n).
 */
function weightedMeans(counts: Uint32Array, columns: readonly Float64Array[], c: number, means: readonly Float64Array[], r: number): void {
  const n = counts.length;
  const width = Math.min(4, columns.length - c);
  const a = columns[c];
  const b = width > 1 ? columns[c + 1] : a;
  const d = width > 2 ? columns[c + 2] : a;
  const e = width > 3 ? columns[c + 3] : a;
  let sa = 0;
  let sb = 0;
  let sd = 0;
  let se = 0;
  for (let i = 0; i < n; i++) {
    const w = counts[i];
    sa += w * a[i];
    sb += w * b[i];
    sd += w * d[i];
    se += w * e[i];
  }
  means[c][r] = sa / n;
  if (width > 1) means[c + 1][r] = sb / n;
  if (width > 2) means[c + 2][r] = sd / n;
  if (width > 3) means[c + 3][r] = se / n;
}

/** The percentile interval at `level` of bootstrap means (sorted in place). NaN bounds for none. O(m log m). */
export function percentileInterval(means: Float64Array, level: number): [number, number] {
  if (means.length === 0 || Number.isNaN(means[0])) return [NaN, NaN];
  const alpha = (1 - level) / 2;
  means.sort();
  return [quantileSorted(means, alpha), quantileSorted(means, 1 - alpha)];
}

/**
 * Seeded bootstrap percentile intervals for the means of several per-query columns at once
 * (the same resampled queries for every column, so paired quantities stay paired).
 * O(resamples * n * columns).
 * @returns one [low, high] interval per column at the given level.
 */
export function bootstrapMeanIntervals(columns: readonly ArrayLike<number>[], resamples: number, seed: number, level: number): [number, number][] {
  return bootstrapMeans(columns, resamples, seed).map((m) => percentileInterval(m, level));
}
