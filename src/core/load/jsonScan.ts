import type { RawRecord } from '../types.ts';
import { blankRecord, type MutableRawRecord } from './sink.ts';
import { JsonStringBytes } from './deferredText.ts';
import { jsonStringFault } from './jsonText.ts';

/**
 * A field scanner for the flat JSON objects of evaluation files, working on the bytes of
 * a line: keys are matched as bytes, numbers parsed without building strings, and long
 * string values (prompts) skipped with `indexOf` and only decoded when kept. It handles
 * exactly the shape such files have (string, number, literal values, and a number array
 * for `embedding`); for anything else — nested values, escapes in keys, invalid JSON — it
 * gives up and the caller parses the line with `JSON.parse`, so both paths read a valid
 * line the same way. A string the record needs is checked against JSON's rules (escapes,
 * raw control characters) and the line handed to the general parser when it breaks them
 * (which says where); the prompt is checked only when it is decoded (so a bad one costs the
 * prompt, not the record), and strings of fields the loader does not read are skipped
 * unchecked. O(line bytes).
 */

/** RawRecord fields a JSON key maps to. */
const FIELDS = ['id', 'model', 'correct', 'score', 'confidence', 'cost', 'tokensIn', 'tokensOut', 'latencyMs', 'split', 'prompt', 'embedding', 'response', 'tokensReasoning', 'tokensCached'] as const;
/** Other JSON keys of a field, after the keys of `jsonKeys` (the field's own key wins when a record has both). */
const ALIASES: readonly (readonly [string, number])[] = [
  ['reasoning_tokens', FIELDS.indexOf('tokensReasoning')],
  ['cache_read_tokens', FIELDS.indexOf('tokensCached')],
];
/** The field a key of `jsonKeys` fills, by the key's position. */
const fieldOfKey = (k: number): number => (k < FIELDS.length ? k : ALIASES[k - FIELDS.length]![1]);
const PROMPT = FIELDS.indexOf('prompt');
const EMBEDDING = FIELDS.indexOf('embedding');
const RESPONSE = FIELDS.indexOf('response');
const MODEL = FIELDS.indexOf('model');
const SPLIT = FIELDS.indexOf('split');
const ID = FIELDS.indexOf('id');

/** JSON key of each field (in the order of its fields), with the split field as configured, then the aliases. */
export function jsonKeys(splitField: string): readonly string[] {
  return [
    'id',
    'model',
    'correct',
    'score',
    'confidence',
    'cost',
    'tokens_in',
    'tokens_out',
    'latency_ms',
    splitField,
    'prompt',
    'embedding',
    'response',
    'tokens_reasoning',
    'tokens_cached',
    ...ALIASES.map(([key]) => key),
  ];
}

/** Stores a value by field number with static property names (a computed key would make every store slow). */
function setField(r: MutableRawRecord, field: number, value: unknown): void {
  switch (field) {
    case 0:
      r.id = value;
      break;
    case 1:
      r.model = value;
      break;
    case 2:
      r.correct = value;
      break;
    case 3:
      r.score = value;
      break;
    case 4:
      r.confidence = value;
      break;
    case 5:
      r.cost = value;
      break;
    case 6:
      r.tokensIn = value;
      break;
    case 7:
      r.tokensOut = value;
      break;
    case 8:
      r.latencyMs = value;
      break;
    case 9:
      r.split = value;
      break;
    case 10:
      r.prompt = value;
      break;
    case 11:
      r.embedding = value;
      break;
    case 12:
      r.response = value;
      break;
    case 13:
      r.tokensReasoning = value;
      break;
    case 14:
      r.tokensCached = value;
      break;
    // Aliases: the field's own key wins wherever it stands on the line, as in `recordFromObject`.
    case 15:
      if (r.tokensReasoning === undefined) r.tokensReasoning = value;
      break;
    case 16:
      if (r.tokensCached === undefined) r.tokensCached = value;
      break;
  }
}

/** Maps a parsed JSON object to a RawRecord (own properties only). */
export function recordFromObject(obj: Record<string, unknown>, keys: readonly string[]): RawRecord {
  const r = blankRecord();
  for (let k = 0; k < keys.length; k++) {
    const field = FIELDS[fieldOfKey(k)]!;
    if (r[field] === undefined && Object.hasOwn(obj, keys[k]!)) r[field] = obj[keys[k]!];
  }
  return r;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Position of `byte` in `buf[start, end)`, or -1. `Buffer.indexOf` has no end bound and
 * would search the rest of the chunk (a megabyte) for a byte that is not on the line.
 */
export function indexOfIn(buf: Buffer, byte: number, start: number, end: number): number {
  // Most searches end within a few bytes; a view and a native search pay off for long spans.
  const near = Math.min(end, start + 64);
  for (let i = start; i < near; i++) if (buf[i] === byte) return i;
  if (near === end) return -1;
  const i = buf.subarray(near, end).indexOf(byte);
  return i === -1 ? -1 : near + i;
}

/** The text of a JSON string body `buf[start, end)`; undefined when it breaks JSON's string rules. */
function decodeString(buf: Buffer, start: number, end: number): string | undefined {
  if (jsonStringFault(buf, start, end) !== -1) return undefined;
  if (indexOfIn(buf, 0x5c, start, end) === -1) return buf.toString('utf8', start, end);
  return JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

const NO_BYTES = Buffer.alloc(0);
/** A key no line has (see `previousKeys`). */
const NO_KEY: { readonly bytes: Buffer; readonly field: number } = { bytes: NO_BYTES, field: -1 };

/** Most strings an interner keeps. */
const INTERNED = 16;

/** Interned short strings (model names, split labels), looked up by their bytes. */
class ByteInterner {
  // Arrays made full at their final length: every interner's arrays then have the same elements
  // kind from the start, where an empty array literal would change kind at its first string and
  // send the optimised `get` of the previous file's interner back to the interpreter.
  private readonly bytes: Buffer[] = Array.from({ length: INTERNED }, () => NO_BYTES);
  private readonly strings: string[] = Array.from({ length: INTERNED }, () => '');
  private count = 0;
  get(buf: Buffer, start: number, end: number): string | undefined {
    const n = end - start;
    outer: for (let k = 0; k < this.count; k++) {
      const b = this.bytes[k]!;
      if (b.length !== n) continue;
      for (let j = 0; j < n; j++) if (b[j] !== buf[start + j]) continue outer;
      return this.strings[k]!;
    }
    const s = decodeString(buf, start, end);
    if (s !== undefined && this.count < INTERNED && n <= 64) {
      this.bytes[this.count] = Buffer.from(buf.subarray(start, end));
      this.strings[this.count++] = s;
    }
    return s;
  }
}

export class FlatJsonScanner {
  /** The record of the last successful `scan`; reused for every line. */
  readonly record: MutableRawRecord = blankRecord();
  private readonly keysByLength: { bytes: Buffer; field: number }[][] = [];
  private readonly prompt = new JsonStringBytes();
  private readonly response = new JsonStringBytes();
  private readonly id = new JsonStringBytes();
  private readonly interned = [new ByteInterner(), new ByteInterner()];
  /**
   * The keys of the previous line, in order, with their fields (NO_KEY past its last). Full from
   * the start, for the reason given in `ByteInterner`.
   */
  private readonly previousKeys: { readonly bytes: Buffer; readonly field: number }[] = Array.from({ length: 32 }, () => NO_KEY);
  /** Position after the last number parsed. */
  private pos = 0;

  constructor(keys: readonly string[]) {
    keys.forEach((key, k) => {
      const bytes = Buffer.from(key, 'utf8');
      // An alias keeps its own number (its value yields to the field's own key, see `setField`).
      (this.keysByLength[bytes.length] ??= []).push({ bytes, field: k });
    });
  }

  /** Fills `record` from the object in `buf[start, end)`; false when the line needs the general parser. */
  scan(b: Buffer, start: number, end: number): boolean {
    const r = this.record;
    r.id =
      r.model =
      r.correct =
      r.score =
      r.confidence =
      r.cost =
      r.tokensIn =
      r.tokensOut =
      r.latencyMs =
      r.split =
      r.prompt =
      r.embedding =
      r.response =
      r.tokensReasoning =
      r.tokensCached =
        undefined;
    let i = skipWs(b, start, end);
    if (b[i] !== 0x7b || i >= end) return false;
    i = skipWs(b, i + 1, end);
    if (b[i] === 0x7d) return skipWs(b, i + 1, end) === end;
    for (let k = 0; ; k++) {
      if (i >= end || b[i] !== 0x22) return false;
      const keyStart = i + 1;
      // Lines of a file mostly repeat their keys in the same order: try the previous line's k-th key first.
      const expected = k < this.previousKeys.length ? this.previousKeys[k]! : NO_KEY;
      let keyEnd: number;
      let field: number;
      if (expected !== NO_KEY && startsWithKey(b, keyStart, end, expected.bytes)) {
        keyEnd = keyStart + expected.bytes.length;
        field = expected.field;
      } else {
        keyEnd = indexOfIn(b, 0x22, keyStart, end);
        if (keyEnd === -1) return false;
        field = this.fieldOf(b, keyStart, keyEnd);
        if (field === -2) return false;
        const key = { bytes: Buffer.from(b.subarray(keyStart, keyEnd)), field };
        if (k < this.previousKeys.length) this.previousKeys[k] = key;
        else this.previousKeys.push(key);
      }
      i = skipWs(b, keyEnd + 1, end);
      if (b[i] !== 0x3a || i >= end) return false;
      i = skipWs(b, i + 1, end);
      if (i >= end) return false;
      const c = b[i]!;
      let value: unknown;
      if (c === 0x22) {
        const s = i + 1;
        let q = s;
        for (;;) {
          q = indexOfIn(b, 0x22, q, end);
          if (q === -1 || q >= end) return false;
          let k = q - 1;
          while (k >= s && b[k] === 0x5c) k--;
          if ((q - 1 - k) % 2 === 0) break;
          q++;
        }
        i = q + 1;
        // A string the record needs and that breaks JSON's rules goes to the general parser, which says where and why.
        if (field === PROMPT) value = this.prompt.set(b, s, q, start);
        else if (field === RESPONSE) value = this.response.set(b, s, q, start);
        else if (field === MODEL || field === SPLIT) {
          value = this.interned[field === MODEL ? 0 : 1]!.get(b, s, q);
          if (value === undefined) return false;
        } else if (field === ID) {
          if (jsonStringFault(b, s, q) !== -1) return false;
          value = this.id.set(b, s, q, start);
        } else if (field >= 0) {
          value = decodeString(b, s, q);
          if (value === undefined) return false;
        }
      } else if (c === 0x2d || isDigit(c)) {
        if (c === 0x2d && b[i + 1] === 0x49) {
          if (!matchWord(b, i + 1, end, 'Infinity')) return false;
          value = -Infinity;
          i += 9;
        } else {
          value = this.number(b, i, end);
          if (Number.isNaN(value)) return false;
          i = this.pos;
        }
      } else if (c === 0x74 && matchWord(b, i, end, 'true')) {
        value = true;
        i += 4;
      } else if (c === 0x66 && matchWord(b, i, end, 'false')) {
        value = false;
        i += 5;
      } else if (c === 0x6e && matchWord(b, i, end, 'null')) {
        value = null;
        i += 4;
      } else if (c === 0x4e && matchWord(b, i, end, 'NaN')) {
        value = NaN;
        i += 3;
      } else if (c === 0x49 && matchWord(b, i, end, 'Infinity')) {
        value = Infinity;
        i += 8;
      } else if (c === 0x5b && field === EMBEDDING) {
        const values = this.numberArray(b, i, end);
        if (!values) return false;
        value = values;
        i = this.pos;
      } else {
        return false;
      }
      if (field >= 0) setField(r, field, value);
      i = skipWs(b, i, end);
      if (i >= end) return false;
      if (b[i] === 0x2c) {
        i = skipWs(b, i + 1, end);
        continue;
      }
      if (b[i] === 0x7d) return skipWs(b, i + 1, end) === end;
      return false;
    }
  }

  /** Field of a key; -1 for a key the loader does not use, -2 for a key with escapes or control characters (the general parser reads or rejects it). */
  private fieldOf(b: Buffer, start: number, end: number): number {
    const n = end - start;
    const candidates = this.keysByLength[n];
    if (candidates) {
      outer: for (const { bytes, field } of candidates) {
        for (let j = 0; j < n; j++) if (bytes[j] !== b[start + j]) continue outer;
        return field;
      }
    }
    for (let j = start; j < end; j++) if (b[j] === 0x5c || b[j]! < 0x20) return -2;
    return -1;
  }

  /**
   * A JSON number at `i`: NaN when the bytes are not one (the grammar is strict, as in
   * JSON.parse). Up to 2^53 in the digits and a power of ten up to 22, one correctly
   * rounded multiplication or division gives the exact double (the fast path of Clinger's
   * algorithm); other numbers go through `Number` on their text (`longNumber`).
   */
  private number(b: Buffer, i: number, end: number): number {
    const start = i;
    let negative = false;
    if (b[i] === 0x2d) {
      negative = true;
      i++;
    }
    if (i >= end || !isDigit(b[i]!)) return NaN;
    let mantissa = 0;
    let exp10 = 0;
    if (b[i] === 0x30) {
      i++;
      if (i < end && isDigit(b[i]!)) return NaN;
    } else {
      while (i < end && isDigit(b[i]!)) mantissa = mantissa * 10 + (b[i++]! - 0x30);
    }
    if (i < end && b[i] === 0x2e) {
      i++;
      if (i >= end || !isDigit(b[i]!)) return NaN;
      while (i < end && isDigit(b[i]!)) {
        mantissa = mantissa * 10 + (b[i++]! - 0x30);
        exp10--;
      }
    }
    if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      let sign = 1;
      if (b[i] === 0x2b || b[i] === 0x2d) sign = b[i++] === 0x2d ? -1 : 1;
      if (i >= end || !isDigit(b[i]!)) return NaN;
      let e = 0;
      while (i < end && isDigit(b[i]!)) {
        if (e < 100000) e = e * 10 + (b[i]! - 0x30);
        i++;
      }
      exp10 += sign * e;
    }
    this.pos = i;
    let v: number;
    if (mantissa <= Number.MAX_SAFE_INTEGER && exp10 >= -22 && exp10 <= 22) v = exp10 >= 0 ? mantissa * POW10[exp10]! : mantissa / POW10[-exp10]!;
    else return longNumber(b, start, i);
    return negative ? -v : v;
  }

  /** `[n, n, ...]` of plain numbers; undefined for anything else. */
  private numberArray(b: Buffer, i: number, end: number): number[] | undefined {
    const out: number[] = [];
    i = skipWs(b, i + 1, end);
    if (b[i] === 0x5d) {
      this.pos = i + 1;
      return out;
    }
    for (;;) {
      const v = this.number(b, i, end);
      if (Number.isNaN(v)) return undefined;
      out.push(v);
      i = skipWs(b, this.pos, end);
      if (b[i] === 0x2c) i = skipWs(b, i + 1, end);
      else if (b[i] === 0x5d) {
        this.pos = i + 1;
        return out;
      } else return undefined;
    }
  }
}

/**
 * Numbers the fast path cannot take (more digits than a double holds, such as the costs Python
 * writes with 17 significant digits, `0.000026850000000000002`), by their text: one text per
 * slot, chosen by a hash of its bytes; a new text takes the slot. Such values repeat (a cost is
 * a token count times a price), and comparing a few bytes costs a fraction of `Number` on a
 * string made from them. The value stored is `Number`'s own for the same text.
 */
const LONG_SLOTS = 4096;
const LONG_BYTES = 32;
const longText = new Uint8Array(LONG_SLOTS * LONG_BYTES);
const longLength = new Uint8Array(LONG_SLOTS);
const longValue = new Float64Array(LONG_SLOTS);

/** `Number` of the (valid JSON number) text `b[start, end)`, through the slots above. */
function longNumber(b: Buffer, start: number, end: number): number {
  const n = end - start;
  if (n > LONG_BYTES) return Number(b.toString('latin1', start, end));
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  const slot = (h ^ (h >>> 16)) & (LONG_SLOTS - 1);
  const at = slot * LONG_BYTES;
  if (longLength[slot] === n) {
    let j = 0;
    while (j < n && longText[at + j] === b[start + j]) j++;
    if (j === n) return longValue[slot]!;
  }
  const v = Number(b.toString('latin1', start, end));
  for (let j = 0; j < n; j++) longText[at + j] = b[start + j]!;
  longLength[slot] = n;
  longValue[slot] = v;
  return v;
}

/** `key` followed by a closing quote at `i` (a key without escapes: it was found by `fieldOf`). */
function startsWithKey(b: Buffer, i: number, end: number, key: Buffer): boolean {
  const n = key.length;
  if (i + n >= end || b[i + n] !== 0x22) return false;
  for (let j = 0; j < n; j++) if (b[i + j] !== key[j]) return false;
  return true;
}

function skipWs(b: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = b[i];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else break;
  }
  return i;
}

/** The literal `word` at `i`, not followed by more letters. */
function matchWord(b: Buffer, i: number, end: number, word: string): boolean {
  if (i + word.length > end) return false;
  for (let j = 0; j < word.length; j++) if (b[i + j] !== word.charCodeAt(j)) return false;
  const next = b[i + word.length];
  return i + word.length === end || !(next !== undefined && ((next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a) || isDigit(next)));
}
