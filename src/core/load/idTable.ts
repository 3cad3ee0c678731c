/**
 * The query ids a collector has seen, numbered in order of first sight: each as a string, and
 * all of them as UTF-8 bytes in one buffer, looked up through an open-addressing hash table of
 * typed arrays. An id read as plain ASCII bytes (the usual case) is found and numbered without
 * building a string: its string is made when first asked for ({@link IdTable.idAt},
 * {@link IdTable.ids}), which a worker thread's collection never is. Numbering a new id (and
 * growing the columns that go with it) is the caller's. Against a `Map` from string to number,
 * a first file of a million ids is numbered in under half the time, in a fraction of the
 * memory. O(1) expected per lookup.
 */

const EMPTY = -1;

/** Trailing digits read as a number: at most this many, so their value stays below 10^9. */
const COUNTED_DIGITS = 9;

/**
 * Hash of a string's UTF-16 code units: FNV-1a of the text before its trailing digits (at most
 * nine) and of how many there are, mixed (MurmurHash3's finaliser), plus the value of those
 * digits. Ids that count up (`q-1`, `q-2`, ...) get consecutive hashes, and so consecutive home
 * slots in the table: numbering a file of new ids, or finding them again in order, walks the
 * table in order instead of jumping through memory at every id (a million ids take 8 MB of
 * slots). Ids that differ elsewhere get unrelated hashes. For an ASCII string it equals
 * {@link hashOfAsciiBytes} of its bytes.
 */
export function hashOfText(id: string): number {
  let e = id.length;
  let count = 0;
  let scale = 1;
  while (e > 0 && id.length - e < COUNTED_DIGITS) {
    const c = id.charCodeAt(e - 1);
    if (c < 0x30 || c > 0x39) break;
    count += (c - 0x30) * scale;
    scale *= 10;
    e--;
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < e; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return countedHash(h, id.length - e, count);
}

/** {@link hashOfText} of the ASCII text `buf[start, end)`. */
export function hashOfAsciiBytes(buf: Uint8Array, start: number, end: number): number {
  let e = end;
  let count = 0;
  let scale = 1;
  while (e > start && end - e < COUNTED_DIGITS) {
    const c = buf[e - 1]!;
    if (c < 0x30 || c > 0x39) break;
    count += (c - 0x30) * scale;
    scale *= 10;
    e--;
  }
  let h = 0x811c9dc5;
  for (let i = start; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return countedHash(h, end - e, count);
}

/** The hash of {@link hashOfText} from the FNV-1a hash `h` of the text before its trailing digits, how many there are, and their value. */
function countedHash(h: number, digits: number, count: number): number {
  return (mix(Math.imul(h ^ digits, 0x01000193)) + count) >>> 0;
}

/** MurmurHash3's finaliser: every bit of the input moves about half the bits of the output. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The slots a hash tries, from its home slot: four in a row (16 bytes, mostly in one cache
 * line), then four from a slot `stepOf(h)` past the first of those, and so on. Consecutive
 * hashes have consecutive homes and fill runs of slots, in which trying slot after slot (linear
 * probing) would walk the whole run for every id whose home falls inside it; the jumps,
 * unrelated for consecutive hashes, send such an id elsewhere (double hashing) after at most
 * four tries in its run. The jump is odd, so in a table of a power of two slots the groups start
 * at every slot in turn. `k` counts the slots tried so far (1 after the home).
 */
const stepOf = (h: number): number => mix(h ^ 0x9e3779b9) | 1;
const nextSlot = (s: number, k: number, step: number, mask: number): number => ((k & 3) === 0 ? s - 3 + step : s + 1) & mask;

/** Whether `buf[start, end)` is ASCII without a backslash: JSON string bytes that are their own text. */
export function isPlainAscii(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c >= 0x80 || c === 0x5c) return false;
  }
  return true;
}

/** Whether the ASCII text `buf[start, end)` is empty or white space only (what `trim()` removes). */
export function isAsciiBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c !== 0x20 && (c < 0x09 || c > 0x0d)) return false;
  }
  return true;
}

/**
 * Queries the collector's columns and the id table have room for at first. Small, so that they
 * grow within the first records read, while the engine still runs the code unoptimised: a first
 * growth after the collector's `add` is optimised would send it back to the interpreter (its code
 * assumed the arrays it had seen never change) and have it optimised again.
 */
export const INITIAL_CAPACITY = 16;

export class IdTable {
  /** The ids by query number; undefined for an id numbered from its ASCII bytes whose string is not made yet. */
  private readonly strings: (string | undefined)[] = [];
  /** UTF-8 bytes of every id, query q at [offsets[q], offsets[q + 1]) (room for ids of 64 bytes at first). */
  bytes = Buffer.allocUnsafe(64 * INITIAL_CAPACITY);
  offsets = new Uint32Array(INITIAL_CAPACITY + 1);
  /** Hash of each id (see {@link hashOfText}). */
  private hashes = new Uint32Array(INITIAL_CAPACITY);
  /** Query number in each slot, EMPTY where none; a power of two long, at most half full. Undefined once let go. */
  private slots: Int32Array | undefined = new Int32Array(2 * INITIAL_CAPACITY).fill(EMPTY);

  get count(): number {
    return this.strings.length;
  }

  /** Every id by query number, the strings not made yet made now. O(ids not made yet). */
  get ids(): readonly string[] {
    this.makeStrings();
    return this.strings as string[];
  }

  /** The id of query `q`. */
  idAt(q: number): string {
    return this.strings[q] ?? this.madeString(q);
  }

  /** Makes the strings of the ids numbered from their bytes that are not made yet (for {@link ids}). */
  private makeStrings(): void {
    const strings = this.strings;
    for (let q = 0; q < strings.length; q++) if (strings[q] === undefined) this.madeString(q);
  }

  private madeString(q: number): string {
    const id = this.bytes.toString('latin1', this.offsets[q]!, this.offsets[q + 1]!);
    this.strings[q] = id;
    return id;
  }

  /** Query number of `id`, or -1. */
  find(id: string): number {
    const h = hashOfText(id);
    const slots = this.slots ?? this.rebuild();
    const mask = slots.length - 1;
    const step = stepOf(h);
    for (let s = h & mask, k = 1; ; s = nextSlot(s, k++, step, mask)) {
      const q = slots[s]!;
      if (q === EMPTY) return -1;
      if (this.hashes[q] !== h) continue;
      const known = this.strings[q];
      if (known !== undefined ? known === id : asciiEquals(id, this.bytes, this.offsets[q]!, this.offsets[q + 1]!)) return q;
    }
  }

  /** Query number of the id whose text is the ASCII bytes `buf[start, end)` (see {@link isPlainAscii}), or -1. */
  findAscii(buf: Uint8Array, start: number, end: number, h = hashOfAsciiBytes(buf, start, end)): number {
    const slots = this.slots ?? this.rebuild();
    const mask = slots.length - 1;
    const n = end - start;
    const { bytes, offsets } = this;
    const step = stepOf(h);
    outer: for (let s = h & mask, k = 1; ; s = nextSlot(s, k++, step, mask)) {
      const q = slots[s]!;
      if (q === EMPTY) return -1;
      if (this.hashes[q] !== h) continue;
      // An id that is not ASCII has bytes of 0x80 and over: it never equals ASCII bytes.
      const at = offsets[q]!;
      if (offsets[q + 1]! - at !== n) continue;
      for (let j = 0; j < n; j++) if (bytes[at + j] !== buf[start + j]) continue outer;
      return q;
    }
  }

  /** Numbers `id`, not seen before. */
  add(id: string, h = hashOfText(id)): number {
    const q = this.numbered(id, h);
    const at = this.room(q, Buffer.byteLength(id));
    this.offsets[q + 1] = at + this.bytes.write(id, at);
    return q;
  }

  /** Numbers the id whose text is the ASCII bytes `buf[start, end)`, not seen before; its string is made when asked for. */
  addAscii(buf: Uint8Array, start: number, end: number, h = hashOfAsciiBytes(buf, start, end)): number {
    const q = this.numbered(undefined, h);
    const at = this.room(q, end - start);
    // Ids are short: a loop costs less than the view `set` would need (a Buffer made per new id).
    const bytes = this.bytes;
    if (end - start <= 64) for (let j = start; j < end; j++) bytes[at + j - start] = buf[j]!;
    else bytes.set(buf.subarray(start, end), at);
    this.offsets[q + 1] = at + (end - start);
    return q;
  }

  /** The next query number, given to an id of hash `h` (its string, when made). */
  private numbered(id: string | undefined, h: number): number {
    const q = this.strings.length;
    if (q + 1 === this.offsets.length) {
      this.offsets = grownTo(this.offsets, this.offsets.length * 2 - 1);
      this.hashes = grownTo(this.hashes, this.hashes.length * 2);
    }
    this.strings.push(id);
    this.hashes[q] = h;
    if (this.slots) {
      if (2 * (q + 1) > this.slots.length) this.rebuild(this.slots.length * 2);
      else place(this.slots, q, h);
    }
    return q;
  }

  /** Where query q's bytes start, with room for `length` of them. */
  private room(q: number, length: number): number {
    const at = this.offsets[q]!;
    if (at + length > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(at + length, this.bytes.length * 2));
      this.bytes.copy(bigger, 0, 0, at);
      this.bytes = bigger;
    }
    return at;
  }

  /** Lets the hash table go (a collection that is only finished again); a later lookup makes it again. */
  releaseIndex(): void {
    this.slots = undefined;
  }

  /** The table of slots made afresh for every id, `size` slots (a power of two, at least twice the ids). */
  private rebuild(size = Math.max(2048, 2 ** Math.ceil(Math.log2(2 * this.count + 2)))): Int32Array {
    const slots = new Int32Array(size).fill(EMPTY);
    for (let q = 0; q < this.count; q++) place(slots, q, this.hashes[q]!);
    this.slots = slots;
    return slots;
  }
}

/** Whether `id` is the ASCII text `bytes[from, to)`. */
function asciiEquals(id: string, bytes: Uint8Array, from: number, to: number): boolean {
  if (id.length !== to - from) return false;
  for (let j = 0; j < id.length; j++) if (id.charCodeAt(j) !== bytes[from + j]) return false;
  return true;
}

/** Puts query `q` of hash `h` in the first free slot it tries (see {@link nextSlot}). */
function place(slots: Int32Array, q: number, h: number): void {
  const mask = slots.length - 1;
  const step = stepOf(h);
  let s = h & mask;
  for (let k = 1; slots[s] !== EMPTY; k++) s = nextSlot(s, k, step, mask);
  slots[s] = q;
}

function grownTo<T extends Uint32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
