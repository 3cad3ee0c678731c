/**
 * Small numeric helpers shared by the analysis: seeded randomness, sums, percentiles and the
 * intervals of means.
 */
import { normalQuantile } from './select/normal.ts';
import { type ColumnExactness, keepSums, recallSums, releaseKeptSums } from './keptSums.ts';

/**
 * A seeded pseudo-random generator (mulberry32) returning floats in [0, 1).
 * Deterministic for a given seed, so bootstrap intervals and random splits can be repeated.
 * With `skip`, the generator starts where the seed's would be after `skip` draws (its state
 * moves by a constant per draw, so the jump is O(1)): a second thread can take the later part
 * of one sequence. O(1) per draw.
 */
export function seededRandom(seed: number, skip = 0): () => number {
  let a = seededState(seed, skip);
  return () => {
    a = (a + STEP) | 0;
    return mulberry32(a) / 4294967296;
  };
}

/** What mulberry32 ({@link seededRandom}) adds to its state at every draw. */
const STEP = 0x6d2b79f5;

/** mulberry32's output, a whole number in [0, 2^32), at state `a` (after its step). O(1). */
function mulberry32(a: number): number {
  let t = Math.imul(a ^ (a >>> 15), a | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
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
  return quantileAt(sorted.length, p, (k) => sorted[k]);
}

/** The R-7 quantile p of `count` sorted values given the value at a rank (see {@link quantileSorted}). O(1). */
function quantileAt(count: number, p: number, at: (rank: number) => number): number {
  const h = (count - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return at(lo) + (h - lo) * (at(hi) - at(lo));
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
  // random draw per query and resample whatever the number of columns.
  const counts = new Float64Array(n);
  const dense = columns.map((c) => Float64Array.from(c));
  let a = seed >>> 0;
  for (let r = 0; r < resamples; r++) {
    a = drawCounts(counts, a);
    for (let c = 0; c < dense.length; c += 4) weightedMeans(counts, dense, c, means, r);
  }
  return means;
}

/**
 * One resample: n draws of the generator from state `a` (n = counts.length; see
 * {@link seededState}), each the query floor(u n) for the draw u in [0, 1), counted into
 * `counts`. Returns the state after them. The generator is mulberry32, as in
 * {@link seededRandom}, written out ({@link drawnQuery}) because this loop runs resamples * n
 * times: the same counts as n times `counts[Math.floor(random() * n)]++`, about twice as fast,
 * as the state stays in a register instead of a closure's context. The counts are doubles, as
 * the weighted sums that read them are (whole numbers, so the products are the same). O(n).
 */
export function drawCounts(counts: Float64Array, a: number): number {
  const n = counts.length;
  const scale = n / 4294967296;
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    a = (a + STEP) | 0;
    counts[drawnQuery(a, scale)]++;
  }
  return a;
}

/**
 * The state of {@link seededRandom}`(seed, skip)` before its first draw, in the form
 * {@link drawCounts} takes it. O(1).
 */
export function seededState(seed: number, skip: number): number {
  return ((seed >>> 0) + Math.imul(skip, STEP)) | 0;
}

/** The query of the draw at generator state `a` (after its step): floor(u n), u the draw in [0, 1), scale = n / 2^32. O(1). */
function drawnQuery(a: number, scale: number): number {
  return (mulberry32(a) * scale) | 0;
}

/** The generator's state of {@link bootstrapMeans} before resample r of n draws. O(1). */
function stateBefore(seed: number, r: number, n: number): number {
  return seededState(seed, Math.imul(r, n));
}

/** Unit roundoff of a double. */
const UNIT_ROUNDOFF = 2 ** -53;

/**
 * The percentile intervals of the bootstrap means of several columns: for column c, the same to
 * the last bit as `percentileInterval(bootstrapMeans(columns, resamples, seed)[c], levels[c])`,
 * with less work. An interval reads only the means at four ranks of the sorted means, so each
 * resample's means are first summed in the order of the draws, without counting them: each such
 * sum is within a proven bound of the sum in query order (both are within 2 (n + 2) u max|x| of
 * the exact mean, u the unit roundoff; twice that is used), so only the resamples whose
 * bound leaves it in doubt which of them sits at one of the four ranks (one or two per rank at
 * 1,000 resamples) are counted again and summed in query order. Columns whose sums are exact in
 * any order (see {@link columnSpread}) need no second sum. A column whose resampled means lie so close together
 * that the bound cannot separate them (a constant column), or a value that is not finite, takes
 * the direct way for every column. O(resamples * n * (1 + columns / 4)).
 */
export function bootstrapPercentileIntervals(columns: readonly ArrayLike<number>[], resamples: number, seed: number, levels: readonly number[]): [number, number][] {
  const direct = () => bootstrapMeans(columns, resamples, seed).map((m, c) => percentileInterval(m, levels[c]));
  const n = columns.length > 0 ? columns[0].length : 0;
  const width = columns.length;
  if (n === 0 || resamples < 1 || width === 0) return direct();
  // Per column: the bound of |mean summed in draw order - mean summed in query order|.
  const bound = new Float64Array(width);
  const exactness: ColumnExactness[] = [];
  for (let c = 0; c < width; c++) {
    const spread = columnSpread(columns[c]);
    if (!spread) return direct();
    exactness.push({ maxAbs: spread.maxAbs, exactBits: spread.exact ? spread.bits : -1 });
    // (With a term for values so small that their rounding is absolute, not relative.)
    bound[c] = spread.exact ? 0 : 4 * (n + 2) * (UNIT_ROUNDOFF * spread.maxAbs + Number.MIN_VALUE);
    // Means this close together put many resamples in doubt at every rank: the direct way is cheaper.
    if (bound[c] > 0 && spread.sd / Math.sqrt(n) <= 100 * resamples * bound[c]) return direct();
  }
  // Sums kept from an earlier call for the same column, or for one a few values away (see keptSums.ts).
  const table = drawTable(seed, n, resamples);
  const key = drawsKey(seed, n, resamples);
  const dense = columns.map((c) => (c instanceof Float64Array ? c : Float64Array.from(c)));
  const recalled = recallSums(key, dense, exactness, table, resamples);
  const summed = recalled.map((k) => k?.sums);
  const todo: number[] = [];
  for (let c = 0; c < width; c++) if (!summed[c]) todo.push(c);
  // The columns left side by side, four to a row (a draw reads one row), padded with zeros.
  const blocks = Math.ceil(todo.length / 4);
  const rows = new Float64Array(n * 4 * blocks);
  todo.forEach((c, t) => {
    const column = dense[c]!;
    const at = (t >> 2) * n * 4 + (t & 3);
    for (let i = 0; i < n; i++) rows[at + 4 * i] = column[i];
  });
  for (const c of todo) summed[c] = new Float64Array(resamples);
  const sums = new Float64Array(4);
  for (let r = 0; r < resamples; r++) {
    const a = stateBefore(seed, r, n);
    for (let b = 0; b < blocks; b++) {
      const block = rows.subarray(b * n * 4, (b + 1) * n * 4);
      if (table) tabledSums(block, n, table, r * n, sums);
      else drawnSums(block, n, a, sums);
      for (let k = 0; k < 4 && 4 * b + k < todo.length; k++) summed[todo[4 * b + k]!]![r] = sums[k];
    }
  }
  const ranks = levels.map((level) => percentileRanks(resamples, level));
  const drawn = summed.map((s, c) => {
    if (!recalled[c]?.same) keepSums(key, dense[c]!, exactness[c]!, s!);
    return Float64Array.from(s!, (sum) => sum / n);
  });
  // Per column and rank: the resamples certainly below the mean at that rank, and those in doubt.
  const doubt: { below: number; inDoubt: number[] }[][] = [];
  const again = new Set<number>();
  for (let c = 0; c < width; c++) {
    const sorted = Float64Array.from(drawn[c]).sort();
    const e2 = 2 * bound[c];
    doubt.push(
      ranks[c].map((k) => {
        const at = sorted[k];
        let below = 0;
        const inDoubt: number[] = [];
        for (let r = 0; r < resamples; r++) {
          const d = drawn[c][r] - at;
          if (d < -e2) below++;
          else if (d <= e2) inDoubt.push(r);
        }
        if (bound[c] > 0) for (const r of inDoubt) again.add(r);
        return { below, inDoubt };
      }),
    );
  }
  if (again.size > Math.max(16, resamples / 8)) return direct();
  // The resamples in doubt counted again, each column summed in query order as bootstrapMeans does.
  const exact = new Map<number, Float64Array>();
  if (again.size > 0) {
    const counts = new Float64Array(n);
    const means = columns.map(() => new Float64Array(1));
    for (const r of again) {
      drawCounts(counts, stateBefore(seed, r, n));
      for (let c = 0; c < width; c += 4) weightedMeans(counts, dense, c, means, 0);
      exact.set(
        r,
        Float64Array.from(means, (m) => m[0]),
      );
    }
  }
  return levels.map((level, c) => {
    const values = ranks[c].map((k, x) => {
      const { below, inDoubt } = doubt[c][x];
      const candidates = Float64Array.from(inDoubt, (r) => (bound[c] > 0 ? exact.get(r)![c] : drawn[c][r])).sort();
      if (!(k - below >= 0 && k - below < candidates.length)) throw new Error(`bootstrap rank ${k} outside the resamples in doubt (internal error)`);
      return candidates[k - below];
    });
    return percentileFromRanks(resamples, level, (k) => values[ranks[c].indexOf(k)]);
  });
}

/** Finest binary fraction (2^-this) of a column's values for which its sums are taken as exact. */
const EXACT_FRACTION_BITS = 16;

/**
 * Whether a column can take the draw-order sums: its largest magnitude, its standard deviation,
 * and whether every sum of n of its values, and every product of a value by a count up to n, is
 * exact: true when every value is a whole number of 2^-s for some s <= 16 (0/1 quality, a
 * quality averaged over 2 or 4 repeats) and n times the largest magnitude is at most 2^(53-s),
 * so every partial sum is a whole number of 2^-s below 2^53 of them, in any order. Undefined
 * when a value is not finite or a sum could overflow. O(n).
 */
function columnSpread(column: ArrayLike<number>): { maxAbs: number; sd: number; exact: boolean; bits: number } | undefined {
  const n = column.length;
  let maxAbs = 0;
  let bits = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = column[i];
    if (!Number.isFinite(v)) return undefined;
    const abs = Math.abs(v);
    if (abs > maxAbs) maxAbs = abs;
    while (bits <= EXACT_FRACTION_BITS && !Number.isInteger(v * 2 ** bits)) bits++;
    sum += v;
  }
  // Sums that could overflow take the direct way (their bound would not hold).
  if (!(n * maxAbs < 1e300)) return undefined;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (column[i] - mean) * (column[i] - mean);
  return { maxAbs, sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0, exact: bits <= EXACT_FRACTION_BITS && n * maxAbs <= 2 ** (53 - bits), bits };
}

/**
 * The draws of one resample from state `a` (as {@link drawCounts} makes them), each reading its
 * query's row of four columns, summed per column in the order of the draws into `sums` (two
 * running sums per column, even and odd draws, so the additions overlap). O(n).
 */
function drawnSums(rows: Float64Array, n: number, a: number, sums: Float64Array): void {
  const scale = n / 4294967296;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    a = (a + STEP) | 0;
    const x = 4 * drawnQuery(a, scale);
    a = (a + STEP) | 0;
    const y = 4 * drawnQuery(a, scale);
    s0 += rows[x];
    s1 += rows[x + 1];
    s2 += rows[x + 2];
    s3 += rows[x + 3];
    t0 += rows[y];
    t1 += rows[y + 1];
    t2 += rows[y + 2];
    t3 += rows[y + 3];
  }
  if (i < n) {
    const x = 4 * drawnQuery((a + STEP) | 0, scale);
    s0 += rows[x];
    s1 += rows[x + 1];
    s2 += rows[x + 2];
    s3 += rows[x + 3];
  }
  sums[0] = s0 + t0;
  sums[1] = s1 + t1;
  sums[2] = s2 + t2;
  sums[3] = s3 + t3;
}

/** Largest table of draws kept ({@link drawTable}): 16 million queries, 32 MB. */
const MAX_TABLED_DRAWS = 16_000_000;

/** What names one set of resamples: their seed, queries and count (the key of the table of draws and of the sums kept from them). */
function drawsKey(seed: number, n: number, resamples: number): string {
  return `${seed >>> 0} ${n} ${resamples}`;
}

/** The draws of the last resamples asked for twice in a row ({@link drawTable}), and the resamples asked for last. */
const tabled: { key: string | undefined; queries: Uint16Array | undefined; lastKey: string | undefined } = { key: undefined, queries: undefined, lastKey: undefined };

/**
 * The queries drawn by `resamples` resamples of n from `seed` (resample r's at r n .. (r + 1) n - 1,
 * in the order of their draws), for a process that measures the same resamples again and again:
 * the editor's analysis process does at every save (the same seed, resamples and held-out queries,
 * other values), and reading the draws costs about a third of drawing them. Made the second time
 * in a row the same resamples are asked for (a single analysis, the command line's, never pays
 * for it), and let go when others are asked for or by {@link releaseDrawTable}; undefined when not made, or for more than
 * 65,536 queries or {@link MAX_TABLED_DRAWS} draws. O(resamples * n) when made, O(1) otherwise.
 */
function drawTable(seed: number, n: number, resamples: number): Uint16Array | undefined {
  if (n > 65_536 || n * resamples > MAX_TABLED_DRAWS) return undefined;
  const key = drawsKey(seed, n, resamples);
  if (tabled.key === key) return tabled.queries;
  // Other resamples (other data): the table kept is of no more use.
  tabled.key = undefined;
  tabled.queries = undefined;
  const again = tabled.lastKey === key;
  tabled.lastKey = key;
  if (!again) return undefined;
  const queries = new Uint16Array(n * resamples);
  const scale = n / 4294967296;
  for (let r = 0, at = 0; r < resamples; r++) {
    let a = stateBefore(seed, r, n);
    for (let i = 0; i < n; i++, at++) {
      a = (a + STEP) | 0;
      queries[at] = drawnQuery(a, scale);
    }
  }
  tabled.key = key;
  tabled.queries = queries;
  return queries;
}

/**
 * Lets the table of draws go ({@link drawTable}), and the resampled sums kept (keptSums.ts), for
 * a process about to sit idle: the next resamples asked for twice in a row make the table again.
 * O(1).
 */
export function releaseDrawTable(): void {
  tabled.key = undefined;
  tabled.queries = undefined;
  releaseKeptSums();
}

/** {@link drawnSums} of one resample with its draws read from a table (`queries[from .. from + n - 1]`): the same sums, added in the same order. O(n). */
function tabledSums(rows: Float64Array, n: number, queries: Uint16Array, from: number, sums: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const x = 4 * queries[from + i];
    const y = 4 * queries[from + i + 1];
    s0 += rows[x];
    s1 += rows[x + 1];
    s2 += rows[x + 2];
    s3 += rows[x + 3];
    t0 += rows[y];
    t1 += rows[y + 1];
    t2 += rows[y + 2];
    t3 += rows[y + 3];
  }
  if (i < n) {
    const x = 4 * queries[from + i];
    s0 += rows[x];
    s1 += rows[x + 1];
    s2 += rows[x + 2];
    s3 += rows[x + 3];
  }
  sums[0] = s0 + t0;
  sums[1] = s1 + t1;
  sums[2] = s2 + t2;
  sums[3] = s3 + t3;
}

/**
 * Into means[c][r] for up to four columns from c: the column's sum weighted by `counts`, over
 * the queries in order, divided by n. The columns are summed side by side in one pass (each
 * sum still adds its terms in query order, so every mean is the same as a pass per column),
 * reading the counts once for four columns. O(n).
 */
function weightedMeans(counts: Float64Array, columns: readonly Float64Array[], c: number, means: readonly Float64Array[], r: number): void {
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
  const [low, high] = percentileEnds(level);
  means.sort();
  return [quantileSorted(means, low), quantileSorted(means, high)];
}

/** The two ends' probabilities of the percentile interval at `level`. */
function percentileEnds(level: number): [number, number] {
  const alpha = (1 - level) / 2;
  return [alpha, 1 - alpha];
}

/** The ranks of `count` sorted means that {@link percentileInterval} reads at `level`. O(1). */
function percentileRanks(count: number, level: number): number[] {
  const ranks = new Set<number>();
  for (const p of percentileEnds(level)) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`quantileSorted needs p in [0, 1], got ${p}`);
    const h = (count - 1) * p;
    ranks.add(Math.floor(h));
    ranks.add(Math.ceil(h));
  }
  return [...ranks];
}

/** {@link percentileInterval} of `count` means given the sorted mean at each of its {@link percentileRanks}. O(1). */
function percentileFromRanks(count: number, level: number, at: (rank: number) => number): [number, number] {
  const [low, high] = percentileEnds(level);
  return [quantileAt(count, low, at), quantileAt(count, high, at)];
}

/**
 * Seeded bootstrap percentile intervals for the means of several per-query columns at once
 * (the same resampled queries for every column, so paired quantities stay paired).
 * O(resamples * n * columns).
 * @returns one [low, high] interval per column at the given level.
 */
export function bootstrapMeanIntervals(columns: readonly ArrayLike<number>[], resamples: number, seed: number, level: number): [number, number][] {
  return bootstrapPercentileIntervals(
    columns,
    resamples,
    seed,
    columns.map(() => level),
  );
}
