/**
 * Resampled sums kept from one bootstrap to the next (see `bootstrapPercentileIntervals` in
 * stats.ts). The editor's analysis process resamples the same calibration queries at every save
 * (the same seed, resamples and queries), and a save mostly changes one model's file: the
 * columns of every policy that model is not part of come back the same, and a 0/1 column of one
 * it is part of comes back with a few values changed. A column seen before takes its sums as
 * they were; a column whose sums are exact in any order, a few values away from one seen
 * before, takes that one's sums with each change added as many times as its query was drawn in
 * each resample (the draws of a changed query counted in one pass over the table of draws, and
 * kept for the next bootstrap of the same draws). Both are the sums a new pass would give, to the last bit: a kept sum was
 * made by that pass, and an exact sum does not depend on the order of its terms. Only inside
 * `keepBetweenCalls` (keptBetweenCalls.ts).
 */
import { keeping } from './keptBetweenCalls.ts';

/** What a column's sums were made from and are. */
interface Kept {
  /** Seed, queries and resamples of the draws. */
  readonly key: string;
  /** The column's values (a copy). */
  readonly values: Float64Array;
  /** Per resample, its draws' values summed (as `drawnSums` sums them). */
  readonly sums: Float64Array;
  /** Fraction bits of the column's values when its sums are exact in any order, else -1 (see `columnSpread`). */
  readonly exactBits: number;
  readonly maxAbs: number;
}

/** How the values of a column lie, as `columnSpread` found them. */
export interface ColumnExactness {
  readonly maxAbs: number;
  /** Fraction bits when the column's sums are exact in any order, else -1. */
  readonly exactBits: number;
}

/** Most bytes the kept columns and sums take: about 60 columns of 16,000 queries. */
const MAX_KEPT_BYTES = 8 * 1024 * 1024;
/** A column is updated from a kept one when at most one value in this many changed; beyond, summing it again costs about as much. */
const MAX_CHANGED_SHARE = 64;

/** Kept columns, the one used last at the end. */
const kept: Kept[] = [];
let keptBytes = 0;
/** Columns taken as they were and columns updated, since the process started (for tests and benchmarks). */
const counts = { same: 0, updated: 0 };

/** How many columns took kept sums as they were (`same`) and with changes added (`updated`). */
export function keptSumsCounts(): { readonly same: number; readonly updated: number } {
  return { ...counts };
}

/** Lets every kept column go (a process about to sit idle, or a test starting afresh). O(1). */
export function releaseKeptSums(): void {
  kept.length = 0;
  keptBytes = 0;
  counted.key = undefined;
  counted.byQuery.clear();
}

/**
 * Whether two columns hold the same values bit for bit (-0 and 0, and NaNs, told apart by their
 * bits). Here rather than `sameBytes` of load/columns.ts: that module needs Node, and stats.ts,
 * which imports this one, is bundled for the browser too (the panel's page and the report). O(n).
 */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const wa = wordsOf(a);
  const wb = wordsOf(b);
  for (let i = 0; i < wa.length; i++) if (wa[i] !== wb[i]) return false;
  return true;
}

/** The memory of `values` as 32-bit words (two per value), for comparing bit for bit. */
function wordsOf(values: Float64Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
}

/**
 * The sums of each of `columns` under the draws of `key` (`table`: its draws in order, when
 * there is one) from a kept column: the same column's (`same`, the sums kept), or one a few
 * values away when both are exact (new sums, not kept yet; see {@link updatedSums}); undefined
 * for a column with none. The sums must not be written to; all undefined outside
 * `keepBetweenCalls`. O(kept columns * n) per column to find it, and O(resamples * n) when a
 * changed query's draws must be counted.
 */
export function recallSums(
  key: string,
  columns: readonly Float64Array[],
  exactness: readonly ColumnExactness[],
  table: Uint16Array | undefined,
  resamples: number,
): ({ readonly sums: Float64Array; readonly same: boolean } | undefined)[] {
  const recalled: ({ readonly sums: Float64Array; readonly same: boolean } | undefined)[] = columns.map(() => undefined);
  if (!keeping()) return recalled;
  const updates: { readonly column: number; readonly from: Kept }[] = [];
  columns.forEach((column, c) => {
    const n = column.length;
    for (let e = kept.length - 1; e >= 0; e--) {
      const k = kept[e]!;
      if (k.key === key && sameBits(k.values, column)) {
        touch(e);
        counts.same++;
        recalled[c] = { sums: k.sums, same: true };
        return;
      }
    }
    if (!table || exactness[c]!.exactBits < 0) return;
    // The exact kept column fewest values away, if few enough.
    let best: Kept | undefined;
    let fewest = Math.floor(n / MAX_CHANGED_SHARE) + 1;
    for (let e = kept.length - 1; e >= 0; e--) {
      const k = kept[e]!;
      if (k.key !== key || k.exactBits < 0 || !exactTogether(k, exactness[c]!, n)) continue;
      const changed = changedValues(k.values, column, fewest);
      if (changed < fewest) {
        fewest = changed;
        best = k;
      }
    }
    if (best) updates.push({ column: c, from: best });
  });
  if (updates.length > 0) {
    const sums = updatedSums(
      key,
      updates.map((u) => u.from),
      updates.map((u) => columns[u.column]!),
      table!,
      resamples,
    );
    updates.forEach((u, j) => (recalled[u.column] = { sums: sums[j]!, same: false }));
    counts.updated += updates.length;
  }
  return recalled;
}

/**
 * Keeps `sums` as the sums of `column` (copied) under the draws of `key`, dropping the columns
 * used longest ago beyond {@link MAX_KEPT_BYTES}; nothing outside `keepBetweenCalls`. O(n).
 */
export function keepSums(key: string, column: Float64Array, exactness: ColumnExactness, sums: Float64Array): void {
  if (!keeping()) return;
  const bytes = column.byteLength + sums.byteLength;
  if (bytes > MAX_KEPT_BYTES) return;
  kept.push({ key, values: column.slice(), sums, exactBits: exactness.exactBits, maxAbs: exactness.maxAbs });
  keptBytes += bytes;
  while (keptBytes > MAX_KEPT_BYTES) {
    const gone = kept.shift()!;
    keptBytes -= gone.values.byteLength + gone.sums.byteLength;
  }
}

function touch(e: number): void {
  if (e === kept.length - 1) return;
  const [k] = kept.splice(e, 1);
  kept.push(k!);
}

/** Positions where `a` and `b` differ (bit for bit), counted up to `stop`. O(n). */
function changedValues(a: Float64Array, b: Float64Array, stop: number): number {
  if (a.length !== b.length) return stop;
  const wa = wordsOf(a);
  const wb = wordsOf(b);
  let changed = 0;
  for (let i = 0; i < wa.length; i += 2) {
    if (wa[i] !== wb[i] || wa[i + 1] !== wb[i + 1]) {
      if (++changed >= stop) return stop;
    }
  }
  return changed;
}

/**
 * Whether every sum on the way from the kept column's sums to the new column's is exact: both
 * columns' values are whole numbers of 2^-s (s the larger of their fraction bits), and n times
 * twice the larger magnitude (the most a sum of counted differences can reach) stays within
 * 2^(53 - s) of them.
 */
function exactTogether(k: Kept, exactness: ColumnExactness, n: number): boolean {
  const bits = Math.max(k.exactBits, exactness.exactBits);
  return n * 2 * Math.max(k.maxAbs, exactness.maxAbs) <= 2 ** (53 - bits);
}

/**
 * Each kept column's sums (`from[j]`) with the differences of `columns[j]`'s changed values
 * added, each times the number of its query's draws in the resample ({@link drawCountsOf}).
 * Every term and partial sum is a whole number of 2^-s below 2^53 of them (see
 * {@link exactTogether}: a count times a difference is at most n times twice the larger
 * magnitude), so each result is its column's exact sum, as summing it again would give, in
 * whatever order the terms are added. O(resamples * changed queries * columns), and
 * O(resamples * n) to count the draws of queries not counted before.
 */
function updatedSums(key: string, from: readonly Kept[], columns: readonly Float64Array[], table: Uint16Array, resamples: number): Float64Array[] {
  const n = columns[0]!.length;
  const width = columns.length;
  // Per query: changed in any column, and its difference in each (query-major).
  const changed = new Uint8Array(n);
  const difference = new Float64Array(n * width);
  columns.forEach((column, j) => markChanged(from[j]!.values, column, j, width, changed, difference));
  const queries: number[] = [];
  for (let q = 0; q < n; q++) if (changed[q] === 1) queries.push(q);
  const counts = drawCountsOf(key, queries, table, n, resamples);
  const added = new Float64Array(resamples);
  return columns.map((_, j) => {
    added.fill(0);
    queries.forEach((q, k) => {
      const d = difference[q * width + j]!;
      if (d !== 0) addCounted(counts[k]!, d, added);
    });
    const sums = new Float64Array(resamples);
    const before = from[j]!.sums;
    for (let r = 0; r < resamples; r++) sums[r] = before[r]! + added[r]!;
    return sums;
  });
}

/** Marks the queries where `column` differs from `before` (bit for bit) and puts its difference there at `j` of `width`. O(n). */
function markChanged(before: Float64Array, column: Float64Array, j: number, width: number, changed: Uint8Array, difference: Float64Array): void {
  for (let i = 0; i < column.length; i++) {
    if (before[i] !== column[i] || Object.is(before[i], -0) !== Object.is(column[i], -0)) {
      changed[i] = 1;
      difference[i * width + j] = column[i]! - before[i]!;
    }
  }
}

/** Adds `d` times each resample's count to `added`. O(resamples). */
function addCounted(count: Uint32Array, d: number, added: Float64Array): void {
  for (let r = 0; r < count.length; r++) added[r] += count[r]! * d;
}

/** Queries whose draws per resample are kept ({@link drawCountsOf}): 1,000 resamples take 4 KB a query. */
const MAX_COUNTED_QUERIES = 256;
/** The draws' key the counts are of, and per query its draws in each resample. */
const counted: { key: string | undefined; readonly byQuery: Map<number, Uint32Array> } = { key: undefined, byQuery: new Map() };

/**
 * Per query of `queries`, how many of each resample's draws under `key` (`table`) are of it:
 * those counted before as they were, the others in one pass over the table, and kept while
 * there is room (the next save's update needs the query changed this time again, and the next
 * bootstrap of this analysis the same ones). O(resamples * n) when a query is new.
 */
function drawCountsOf(key: string, queries: readonly number[], table: Uint16Array, n: number, resamples: number): Uint32Array[] {
  if (counted.key !== key) {
    counted.key = key;
    counted.byQuery.clear();
  }
  const byQuery = counted.byQuery;
  // The counts kept, each moved to the end (the queries counted longest ago go first).
  const found = queries.map((q) => {
    const c = byQuery.get(q);
    if (c) {
      byQuery.delete(q);
      byQuery.set(q, c);
    }
    return c;
  });
  const missing = queries.filter((_, i) => !found[i]);
  if (missing.length === 0) return found as Uint32Array[];
  const slot = new Int32Array(n).fill(-1);
  missing.forEach((q, k) => (slot[q] = k));
  const counts = new Uint32Array(missing.length * resamples);
  countDraws(table, n, resamples, slot, counts);
  const countsOf = (q: number) => counts.subarray(slot[q]! * resamples, (slot[q]! + 1) * resamples);
  // Kept when this call's counts all fit, after those of other queries counted longest ago.
  if (queries.length <= MAX_COUNTED_QUERIES) {
    for (const q of byQuery.keys()) {
      if (byQuery.size + missing.length <= MAX_COUNTED_QUERIES) break;
      byQuery.delete(q);
    }
    for (const q of missing) byQuery.set(q, countsOf(q));
  }
  return queries.map((q, i) => found[i] ?? countsOf(q));
}

/** Counts into `counts[slot[q] * resamples + r]` the draws of each query with a slot, resample after resample. O(resamples * n). */
function countDraws(table: Uint16Array, n: number, resamples: number, slot: Int32Array, counts: Uint32Array): void {
  for (let r = 0, x = 0; r < resamples; r++) {
    for (const end = x + n; x < end; x++) {
      const s = slot[table[x]!]!;
      if (s >= 0) counts[s * resamples + r]++;
    }
  }
}
