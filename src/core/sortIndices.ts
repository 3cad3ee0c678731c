/**
 * Indices 0..n-1 ordered by ascending value, stable for equal values (so ties keep index order).
 * An LSD radix sort on the IEEE-754 bit patterns (16-bit digits, four passes), which is several
 * times faster than a comparison sort with a callback on large arrays. NaN must not occur.
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
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
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
  let src = Uint32Array.from({ length: n }, (_, i) => i);
  let dst = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    counts.fill(0);
    for (let j = 0; j < n; j++) counts[(word[src[j]] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let j = 0; j < n; j++) {
      const i = src[j];
      dst[counts[(word[i] >>> shift) & 0xffff]++] = i;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}
