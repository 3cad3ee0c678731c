import { ColumnMemo } from './columnMemo.ts';

/**
 * Indices 0..n-1 ordered by ascending value, stable for equal values (so ties keep index order).
 * An LSD radix sort on the IEEE-754 bit patterns, which is several times faster than a
 * comparison sort with a callback on large arrays. It sorts by the high half of each 64-bit key
 * (the sign, the exponent and the top 20 bits of the mantissa), the indices travelling with the
 * keys so every pass reads its input in order, a pass whose digit is the same for every value
 * (the sign and exponent of values in a narrow range) skipped; then each run of values with the
 * same high half is ordered by the low half. Runs are short unless many values crowd a range
 * narrower than their 20th bit of mantissa, and a run of equal values is already in index order:
 * two passes over the indices at 2^16 values and more (16-bit digits) instead of four, three
 * from 2^11 (11-bit digits), four below (8-bit digits). NaN must not occur.
 * O(n) time, O(n) extra memory.
 */
export function sortIndicesByValue(values: Float64Array): Uint32Array {
  const n = values.length;
  if (n < 256) {
    const small = Uint32Array.from({ length: n }, (_, i) => i);
    return small.sort((a, b) => values[a] - values[b] || a - b);
  }
  const bits = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  const key = scratch.take(n);
  highKeys(bits, key);
  const index = scratch.take(n);
  for (let i = 0; i < n; i++) index[i] = i;
  const sorted = radixByKey(key, index, scratch.take);
  orderRunsByLowHalf(sorted.key, sorted.index, bits);
  // Everything but the order returned goes back for the next sort.
  for (const a of [sorted.key, sorted.spareKey, sorted.spareIndex]) if (a) scratch.give(a);
  return sorted.index;
}

/**
 * The sorts' working arrays (keys, and the arrays a radix pass writes to), kept for the next
 * sort of the same length: an analysis sorts many columns of one or two lengths (calibration
 * and holdout), and at a million queries each sort would otherwise take 12 to 16 MB of fresh
 * memory that the engine frees only at its next full garbage collection. Only long columns; at
 * most four arrays, of one length (a sort of another length starts afresh). Each thread has its
 * own. Arrays taken hold stale values: every use below writes all of an array before reading it.
 */
const scratch = (() => {
  const FROM = 65536;
  let spare: Uint32Array[] = [];
  return {
    take(n: number): Uint32Array {
      return n >= FROM && spare.length > 0 && spare[0].length === n ? spare.pop()! : new Uint32Array(n);
    },
    give(a: Uint32Array): void {
      if (a.length < FROM) return;
      if (spare.length > 0 && spare[0].length !== a.length) spare = [];
      if (spare.length < 4) spare.push(a);
    },
  };
})();

/**
 * Each double's 64-bit key sorts like the double: all bits of negatives flipped, only the sign
 * bit of non-negatives; -0 and +0 tie. `key` gets the high halves of the keys of `bits` (the
 * doubles' words, low word first). The steps of the sort are small functions of their own,
 * which the engine optimises soon after the first call.
 */
function highKeys(bits: Uint32Array, key: Uint32Array): void {
  for (let i = 0; i < key.length; i++) {
    const h = bits[2 * i + 1];
    // -0 sorts as +0.
    key[i] = h & 0x80000000 ? (h === 0x80000000 && bits[2 * i] === 0 ? 0x80000000 : ~h >>> 0) : (h | 0x80000000) >>> 0;
  }
}

/** The low half of the key of double i (see {@link highKeys}). */
function lowKey(bits: Uint32Array, i: number): number {
  const l = bits[2 * i];
  const h = bits[2 * i + 1];
  return h & 0x80000000 && !(h === 0x80000000 && l === 0) ? ~l >>> 0 : l;
}

/**
 * A stable LSD radix sort of `index` by the 32-bit `key` that travels with it (16-bit digits
 * from 2^16 entries, 11-bit from 2^11, 8-bit below); both arrays are used as buffers, and the
 * sorted ones are returned (they may be the arrays given or ones from `alloc`), with the other
 * two used, if any (`spareKey`, `spareIndex`).
 */
function radixByKey(
  key: Uint32Array,
  index: Uint32Array,
  alloc: (n: number) => Uint32Array = (n) => new Uint32Array(n),
): { key: Uint32Array; index: Uint32Array; spareKey: Uint32Array | undefined; spareIndex: Uint32Array | undefined } {
  const n = key.length;
  const width = n >= 65536 ? 16 : n >= 2048 ? 11 : 8;
  const buckets = 1 << width;
  const passes = Math.ceil(32 / width);
  // Every digit's histogram in one pass over the keys.
  const counts = new Uint32Array(passes * buckets);
  histograms(key, width, passes, counts);
  let nextIndex: Uint32Array | undefined;
  let nextKey: Uint32Array | undefined;
  for (let pass = 0; pass < passes; pass++) {
    // A digit with one value for every key: the pass would keep the order as it is.
    if (!startsOfBuckets(counts, pass * buckets, buckets, n)) continue;
    nextIndex ??= alloc(n);
    nextKey ??= alloc(n);
    scatter(key, pass * width, buckets - 1, counts, pass * buckets, index, nextIndex, nextKey);
    let t = index;
    index = nextIndex;
    nextIndex = t;
    t = key;
    key = nextKey;
    nextKey = t;
  }
  return { key, index, spareKey: nextKey, spareIndex: nextIndex };
}

/** The histogram of every digit of the keys (`width` bits each, lowest first) into `counts`, one after the other. */
function histograms(key: Uint32Array, width: number, passes: number, counts: Uint32Array): void {
  const buckets = 1 << width;
  const mask = buckets - 1;
  for (let i = 0; i < key.length; i++) {
    const k = key[i];
    for (let d = 0; d < passes; d++) counts[d * buckets + ((k >>> (d * width)) & mask)]++;
  }
}

/** Turns one digit's histogram into the start of each bucket; false (nothing changed) when all n keys share one bucket. */
function startsOfBuckets(counts: Uint32Array, base: number, buckets: number, n: number): boolean {
  for (let d = 0; d < buckets; d++) {
    const c = counts[base + d];
    if (c === n) return false;
    if (c !== 0) break;
  }
  let sum = 0;
  for (let d = 0; d < buckets; d++) {
    const c = counts[base + d];
    counts[base + d] = sum;
    sum += c;
  }
  return true;
}

/** One stable pass on the digit of `key` at `shift`: indices and keys to their bucket's next place. */
function scatter(key: Uint32Array, shift: number, mask: number, counts: Uint32Array, base: number, index: Uint32Array, nextIndex: Uint32Array, nextKey: Uint32Array): void {
  const n = index.length;
  for (let j = 0; j < n; j++) {
    const k = key[j];
    const at = counts[base + ((k >>> shift) & mask)]++;
    nextIndex[at] = index[j];
    nextKey[at] = k;
  }
}

/** Runs this long or longer are sorted by radix, shorter ones by insertion. */
const LONG_RUN = 64;

/**
 * Orders each run of `index` whose high keys are equal (`key`, ascending) by the low halves of
 * the keys, stably (a run's indices are ascending, so equal values stay in index order).
 */
function orderRunsByLowHalf(key: Uint32Array, index: Uint32Array, bits: Uint32Array): void {
  const n = key.length;
  const low = new Uint32Array(LONG_RUN);
  for (let start = 0; start < n - 1;) {
    const k = key[start];
    let end = start + 1;
    while (end < n && key[end] === k) end++;
    if (end - start > 1) {
      if (end - start < LONG_RUN) insertionByLow(index, start, end, bits, low);
      else radixRunByLow(index, start, end, bits);
    }
    start = end;
  }
}

/** A stable insertion sort of index[start..end) by low key (`low`: room for the run's keys). */
function insertionByLow(index: Uint32Array, start: number, end: number, bits: Uint32Array, low: Uint32Array): void {
  for (let y = start; y < end; y++) {
    const i = index[y];
    const l = lowKey(bits, i);
    let x = y - start;
    while (x > 0 && low[x - 1] > l) {
      low[x] = low[x - 1];
      index[start + x] = index[start + x - 1];
      x--;
    }
    low[x] = l;
    index[start + x] = i;
  }
}

/** index[start..end) stably by low key, by radix, unless it is in that order already (a run of equal values). */
function radixRunByLow(index: Uint32Array, start: number, end: number, bits: Uint32Array): void {
  let previous = lowKey(bits, index[start]);
  let y = start + 1;
  for (; y < end; y++) {
    const l = lowKey(bits, index[y]);
    if (l < previous) break;
    previous = l;
  }
  if (y === end) return;
  const low = new Uint32Array(end - start);
  for (let x = start; x < end; x++) low[x - start] = lowKey(bits, index[x]);
  const sorted = radixByKey(low, index.slice(start, end));
  index.set(sorted.index, start);
}

/**
 * Orders already computed, by the memory of the column they sort (see `ColumnMemo`: columns are
 * never changed once loaded). Keyed by memory rather than by array, an order is found again for
 * another view of the same values: the splits of a dataset loaded again that shares the columns
 * of the files that did not change.
 */
const orders = new ColumnMemo<Uint32Array>();

/**
 * {@link sortIndicesByValue} of a column, computed once per column and shared by every caller
 * (pairs, splits, signal measures and later analyses of the same data): the result must not be
 * modified. The column must not change afterwards either, which holds for every column of a
 * loaded dataset and of its splits. O(n) the first time, O(1) after.
 */
export function sharedOrder(values: Float64Array): Uint32Array {
  return orders.get([values], () => sortIndicesByValue(values));
}

/** Lets go of the order {@link sharedOrder} keeps for a column, if any (for a thread that will not read it again). */
export function forgetOrder(values: Float64Array): void {
  orders.forget([values]);
}

/**
 * The number of queries whose value is below `t`: the first ones of `order`, the column's
 * ascending order (a pair's queries escalated at threshold `t`, with the cheap model's
 * confidences and their {@link sharedOrder}). Binary search, O(log n).
 */
export function countBelow(values: ArrayLike<number>, order: Uint32Array, t: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[order[mid]!]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A column's values in ascending order ({@link inOrder} of its {@link sharedOrder}), each made
 * once for as long as the returned function is kept: one analysis shares them between the
 * signal measures and the drift check, and holds none of them afterwards. The arrays must not
 * be modified. With `scratch`, they are the scratch's columns (see {@link ColumnScratch}).
 * O(n) per column the first time, O(1) after.
 */
export function sortedColumns(scratch?: ColumnScratch): SortedColumns {
  const made = new Map<Float64Array, Float64Array>();
  return (values) => {
    let sorted = made.get(values);
    if (!sorted) made.set(values, (sorted = inOrder(values, sharedOrder(values), scratch?.column(values.length))));
    return sorted;
  };
}

/**
 * Working columns of doubles, lent out and taken back all at once: the models' summaries lay
 * each model's columns out in confidence order, then let them go before the next model's, and
 * at a million queries fresh arrays for each would take 30 MB a model that the engine frees
 * only at its next full garbage collection. A column lent holds stale values until its
 * borrower writes it whole.
 */
export interface ColumnScratch {
  /** A column of `length` doubles, lent until {@link reuse}. */
  column(length: number): Float64Array;
  /** Takes back every column lent: none may be read afterwards. */
  reuse(): void;
}

/** A {@link ColumnScratch}, empty. */
export function columnScratch(): ColumnScratch {
  let free: Float64Array[] = [];
  const lent: Float64Array[] = [];
  return {
    column(length) {
      const at = free.findIndex((a) => a.length === length);
      const a = at >= 0 ? free.splice(at, 1)[0]! : new Float64Array(length);
      lent.push(a);
      return a;
    },
    reuse() {
      free = free.concat(lent);
      lent.length = 0;
    },
  };
}

/** See {@link sortedColumns}. */
export type SortedColumns = (values: Float64Array) => Float64Array;

/**
 * `values` read along `order`: position y holds values[order[y]]. One pass of scattered reads
 * and sequential writes, after which passes over the copy read memory in sequence (at a million
 * queries, a pass that reads through the order instead waits on memory at every step). Into `out` when given (as long as `order`). O(n).
 */
export function inOrder(values: ArrayLike<number>, order: ArrayLike<number>, out: Float64Array = new Float64Array(order.length)): Float64Array {
  for (let y = 0; y < order.length; y++) out[y] = values[order[y]];
  return out;
}
