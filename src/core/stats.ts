/**
 * Small numeric helpers shared by the analysis: seeded randomness, sums and percentiles.
 */

/**
 * A seeded pseudo-random generator (mulberry32) returning floats in [0, 1).
 * Deterministic for a given seed, so bootstrap intervals and random splits can be repeated.
 * O(1) per draw.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
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
 * Seeded bootstrap percentile intervals for the means of several per-query columns at once
 * (the same resampled queries for every column, so paired quantities stay paired).
 * O(resamples * n * columns).
 * @returns one [low, high] interval per column at the given level.
 */
export function bootstrapMeanIntervals(
  columns: readonly ArrayLike<number>[],
  resamples: number,
  seed: number,
  level: number,
): [number, number][] {
  const n = columns.length > 0 ? columns[0].length : 0;
  if (n === 0) return columns.map(() => [NaN, NaN]);
  const means = columns.map(() => new Float64Array(resamples));
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
      counts[((t ^ (t >>> 14)) >>> 0) * scale | 0]++;
    }
    for (let c = 0; c < dense.length; c++) {
      const col = dense[c];
      let sum = 0;
      for (let i = 0; i < n; i++) sum += counts[i] * col[i];
      means[c][r] = sum / n;
    }
  }
  const alpha = (1 - level) / 2;
  return means.map((m) => {
    m.sort();
    return [quantileSorted(m, alpha), quantileSorted(m, 1 - alpha)];
  });
}
