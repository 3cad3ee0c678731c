/**
 * Indices 0..n-1 ordered by ascending value, stable for equal values (so ties keep index order).
 * An LSD radix sort on the IEEE-754 bit patterns, which is several times faster than a
 * comparison sort with a callback on large arrays: 16-bit digits (four passes) from 2^16
 * values on, 8-bit digits (eight passes over far fewer buckets) below; the keys travel with
 * the indices so every pass reads its input in order, and a pass whose digit is the same for
 * every value (the sign and exponent of values in a narrow range) is skipped. NaN must not occur.
 * O(n) time, O(n) extra memory.
 */
export function sortIndicesByValue(values: Float64Array): Uint32Array {
  const n = values.length;
  if (n < 256) {
    const small = Uint32Array.from({ length: n }, (_, i) => i);
    return small.sort((a, b) => values[a] - values[b] || a - b);
  }
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  sortKeys(values, lo, hi);
  const width = n >= 65536 ? 16 : 8;
  const buckets = 1 << width;
  const perWord = 32 / width;
  const passes = 2 * perWord;
  // Every digit's histogram in one pass over the keys.
  const counts = new Uint32Array(passes * buckets);
  histograms(lo, hi, width, counts);
  let index = new Uint32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  let nextIndex = new Uint32Array(n);
  let nextLo = new Uint32Array(n);
  let nextHi = new Uint32Array(n);
  for (let pass = 0; pass < passes; pass++) {
    // A digit with one value for every key: the pass would keep the order as it is.
    if (!startsOfBuckets(counts, pass * buckets, buckets, n)) continue;
    const onLo = pass < perWord;
    // The low words are needed only until the last pass on them, the high ones until the end.
    const moveLo = onLo && pass < perWord - 1;
    scatter(onLo ? lo : hi, (pass % perWord) * width, buckets - 1, counts, pass * buckets, index, nextIndex, moveLo ? lo : undefined, moveLo ? nextLo : undefined, hi, nextHi);
    let t = index;
    index = nextIndex;
    nextIndex = t;
    if (moveLo) {
      t = lo;
      lo = nextLo;
      nextLo = t;
    }
    t = hi;
    hi = nextHi;
    nextHi = t;
  }
  return index;
}

/**
 * Each double as an unsigned 64-bit key (two 32-bit halves) that sorts like the double: all
 * bits of negatives flipped, only the sign bit of non-negatives; -0 and +0 tie. The steps of the
 * sort are small functions of their own, which the engine optimises soon after the first call.
 */
function sortKeys(values: Float64Array, lo: Uint32Array, hi: Uint32Array): void {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = 0; i < values.length; i++) {
    let l = bits[2 * i];
    let h = bits[2 * i + 1];
    if (h & 0x80000000) {
      l = ~l >>> 0;
      h = ~h >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    if (values[i] === 0) {
      l = 0;
      h = 0x80000000;
    }
    lo[i] = l;
    hi[i] = h;
  }
}

/** The histogram of every digit of the keys (`width` bits each, low word first) into `counts`, one after the other. */
function histograms(lo: Uint32Array, hi: Uint32Array, width: number, counts: Uint32Array): void {
  const buckets = 1 << width;
  const mask = buckets - 1;
  const perWord = 32 / width;
  for (let i = 0; i < lo.length; i++) {
    const l = lo[i];
    const h = hi[i];
    for (let d = 0; d < perWord; d++) {
      counts[d * buckets + ((l >>> (d * width)) & mask)]++;
      counts[(perWord + d) * buckets + ((h >>> (d * width)) & mask)]++;
    }
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

/** One stable pass on the digit of `key` at `shift`: indices (and the keys still needed) to their bucket's next place. */
function scatter(
  key: Uint32Array,
  shift: number,
  mask: number,
  counts: Uint32Array,
  base: number,
  index: Uint32Array,
  nextIndex: Uint32Array,
  lo: Uint32Array | undefined,
  nextLo: Uint32Array | undefined,
  hi: Uint32Array,
  nextHi: Uint32Array,
): void {
  const n = index.length;
  if (lo && nextLo) {
    for (let j = 0; j < n; j++) {
      const at = counts[base + ((key[j] >>> shift) & mask)]++;
      nextIndex[at] = index[j];
      nextLo[at] = lo[j];
      nextHi[at] = hi[j];
    }
    return;
  }
  for (let j = 0; j < n; j++) {
    const at = counts[base + ((key[j] >>> shift) & mask)]++;
    nextIndex[at] = index[j];
    nextHi[at] = hi[j];
  }
}

/**
 * Orders already computed, by the memory of the column they sort: its buffer, then its offset
 * and length (columns are never changed once loaded). Keyed by memory rather than by array, an
 * order is found again for another view of the same values: the splits of a dataset loaded
 * again that shares the columns of the files that did not change.
 */
const orders = new WeakMap<ArrayBufferLike, Map<string, Uint32Array>>();

/**
 * {@link sortIndicesByValue} of a column, computed once per column and shared by every caller
 * (pairs, splits, signal measures and later analyses of the same data): the result must not be
 * modified. The column must not change afterwards either, which holds for every column of a
 * loaded dataset and of its splits. O(n) the first time, O(1) after.
 */
export function sharedOrder(values: Float64Array): Uint32Array {
  let byPlace = orders.get(values.buffer);
  if (!byPlace) orders.set(values.buffer, (byPlace = new Map()));
  const place = `${values.byteOffset}:${values.length}`;
  let order = byPlace.get(place);
  if (!order) {
    order = sortIndicesByValue(values);
    byPlace.set(place, order);
  }
  return order;
}

/**
 * `values` read along `order`: position y holds values[order[y]]. One pass of scattered reads
 * and sequential writes, after which passes over the copy read memory in sequence (at a million
 * queries, a pass that reads through the order instead waits on memory at every step). O(n).
 */
export function inOrder(values: ArrayLike<number>, order: ArrayLike<number>): Float64Array {
  const out = new Float64Array(order.length);
  for (let y = 0; y < order.length; y++) out[y] = values[order[y]];
  return out;
}
