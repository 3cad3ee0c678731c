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
  // Map each double to an unsigned 64-bit key (as two 32-bit halves) that sorts like the double:
  // flip all bits of negatives, flip only the sign bit of non-negatives.
  const bits = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let l = bits[2 * i];
    let h = bits[2 * i + 1];
    if (h & 0x80000000) {
      l = ~l >>> 0;
      h = ~h >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    // -0 and +0 must tie.
    if (values[i] === 0) {
      l = 0;
      h = 0x80000000;
    }
    lo[i] = l;
    hi[i] = h;
  }
  const width = n >= 65536 ? 16 : 8;
  const buckets = 1 << width;
  const mask = buckets - 1;
  const perWord = 32 / width;
  const passes = 2 * perWord;
  // Every digit's histogram in one pass over the keys.
  const counts = new Uint32Array(passes * buckets);
  for (let i = 0; i < n; i++) {
    const l = lo[i];
    const h = hi[i];
    for (let d = 0; d < perWord; d++) {
      counts[d * buckets + ((l >>> (d * width)) & mask)]++;
      counts[(perWord + d) * buckets + ((h >>> (d * width)) & mask)]++;
    }
  }
  let index = new Uint32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  let nextIndex = new Uint32Array(n);
  let nextLo = new Uint32Array(n);
  let nextHi = new Uint32Array(n);
  for (let pass = 0; pass < passes; pass++) {
    const base = pass * buckets;
    let trivial = false;
    for (let d = 0; d < buckets; d++) {
      const c = counts[base + d];
      if (c === n) trivial = true;
      if (c !== 0) break;
    }
    // One digit value for every key: the pass would keep the order as it is.
    if (trivial) continue;
    let sum = 0;
    for (let d = 0; d < buckets; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    const onLo = pass < perWord;
    const shift = (pass % perWord) * width;
    const key = onLo ? lo : hi;
    // The low words are needed only until the last pass on them, the high ones until the end.
    const moveLo = onLo && pass < perWord - 1;
    for (let j = 0; j < n; j++) {
      const at = counts[base + ((key[j] >>> shift) & mask)]++;
      nextIndex[at] = index[j];
      if (moveLo) nextLo[at] = lo[j];
      nextHi[at] = hi[j];
    }
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

/** Orders already computed, by the column they sort (columns are never changed once loaded). */
const orders = new WeakMap<Float64Array, Uint32Array>();

/**
 * {@link sortIndicesByValue} of a column, computed once per column and shared by every caller
 * (pairs, splits, signal measures and later analyses of the same data): the result must not be
 * modified. The column must not change afterwards either, which holds for every column of a
 * loaded dataset and of its splits. O(n) the first time, O(1) after.
 */
export function sharedOrder(values: Float64Array): Uint32Array {
  let order = orders.get(values);
  if (!order) {
    order = sortIndicesByValue(values);
    orders.set(values, order);
  }
  return order;
}
