/**
 * JSON has no Infinity, and `JSON.stringify` writes it as `null`, which in a policy already
 * means "always escalate". A confidence can be -Infinity (Python's json writes it for a
 * log-probability of zero) or Infinity: every JSON this product writes states such a number as
 * the string `"-Infinity"` or `"Infinity"`, which `Number()` in JavaScript and `float()` in
 * Python read back. (A threshold of +infinity stays `null`: the policy always escalates.)
 */

/** `JSON.stringify` replacer: a non-finite number (NaN aside) becomes its string. */
export function nonFiniteAsString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && (value === Infinity || value === -Infinity) ? String(value) : value;
}

/** JSON text of a result, non-finite numbers written as strings (see {@link nonFiniteAsString}). O(size). */
export function resultJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, nonFiniteAsString, indent);
}

/** A number written by {@link resultJson}: the number itself, or the string `"-Infinity"` / `"Infinity"`; undefined for anything else. */
export function jsonNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return undefined;
}

/**
 * Writes the text of {@link resultJson}`(value, indent)` through `write`, in pieces of about
 * `pieceChars` characters (see {@link JsonPieces}). O(size).
 */
export function writeResultJson(value: unknown, write: (piece: string) => void, indent = 2, pieceChars = 1 << 16): void {
  const pieces = new JsonPieces(value, indent, pieceChars);
  for (let piece = pieces.next(); piece !== undefined; piece = pieces.next()) write(piece);
}

/** Most array elements written whole in one run (see `JsonPieces.wholeElements`). */
const MAX_RUN = 64;
/** Elements in a row of an array that could not be written whole, after which its other elements are walked. */
const MAX_MISSES = 8;

/**
 * An object or array without a `toJSON` of its own and without a null or a non-finite number
 * among its own values: the engine writes it as the walk does, but for an infinity deeper in
 * (see `JsonPieces.enclosed`). The values are looked at here, one level deep, so that the
 * elements of an array whose elements often hold a null (the comparison's points without a
 * shadow price) are walked at once instead of stringified first.
 */
function isPlainContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (v === null || (typeof v === 'number' && !Number.isFinite(v))) return false;
  }
  return true;
}

/** An object or array being written: its members so far, and where its text is indented. */
interface OpenValue {
  readonly value: object;
  /** The object's keys; undefined for an array. */
  readonly keys: readonly string[] | undefined;
  readonly length: number;
  next: number;
  /** Whether a member is written (an object's members may all be left out). */
  written: boolean;
  readonly indent: string;
  readonly inner: string;
  /**
   * An array's: most elements in the next run written whole (1: one at a time; 0: none, every
   * element walked), and elements in a row that could not be written whole.
   */
  runLimit: number;
  misses: number;
}

/**
 * The text of {@link resultJson}`(value, indent)`, a piece at a time: each `next()` gives the
 * next piece of about `pieceChars` characters (at least that, and past it by about one
 * member's text, except the last), undefined once all is given. The pieces joined are the
 * same characters as `resultJson` gives (`JSON.stringify`'s steps with
 * {@link nonFiniteAsString}: key order, number forms, indentation, `toJSON`, undefined and
 * functions left out of objects and written `null` in arrays); nothing when `resultJson` gives
 * undefined (a function, undefined). A result of tens of megabytes is never one string, and a
 * writer can wait between pieces. Runs of an array's elements are written by the engine (see
 * `wholeElements`), the rest member by member. O(size) overall, an explicit stack of the open
 * objects and arrays.
 */
export class JsonPieces {
  private buffer = '';
  private readonly stack: OpenValue[] = [];
  private started = false;
  private readonly gap: string;

  constructor(
    private readonly value: unknown,
    indent = 2,
    private readonly pieceChars = 1 << 16,
  ) {
    this.gap = ' '.repeat(Math.max(0, Math.min(10, Math.floor(indent))));
  }

  next(): string | undefined {
    if (!this.started) {
      this.started = true;
      this.member({ '': this.value }, '', '', '');
    }
    while (this.buffer.length < this.pieceChars && this.stack.length > 0) this.step(this.stack[this.stack.length - 1]!);
    if (this.buffer.length === 0) return undefined;
    const piece = this.buffer;
    this.buffer = '';
    return piece;
  }

  /** Writes the next member of the innermost open value, or closes it. */
  private step(open: OpenValue): void {
    const gap = this.gap;
    if (open.next === open.length) {
      this.stack.pop();
      if (open.keys === undefined) this.buffer += gap === '' ? ']' : `\n${open.indent}]`;
      else this.buffer += !open.written ? '{}' : gap === '' ? '}' : `\n${open.indent}}`;
      return;
    }
    const at = open.next++;
    const lead = open.written ? (gap === '' ? ',' : `,\n${open.inner}`) : open.keys === undefined ? (gap === '' ? '[' : `[\n${open.inner}`) : gap === '' ? '{' : `{\n${open.inner}`;
    if (open.keys === undefined) {
      open.written = true;
      const run = this.wholeElements(open, at);
      if (run !== undefined) this.buffer += lead + run;
      else if (!this.member(open.value, String(at), open.inner, lead)) this.buffer += `${lead}null`;
    } else {
      const key = open.keys[at]!;
      if (this.member(open.value, key, open.inner, `${lead}${JSON.stringify(key)}${gap === '' ? ':' : ': '}`)) open.written = true;
    }
  }

  /**
   * The text of the array elements from `at` on that are objects or arrays, written whole by
   * the engine's own `JSON.stringify` with the separators between them: the same characters as
   * the member-by-member walk, several times faster (a result's long arrays are of small
   * objects: the envelope's points, the holdout's rows). The elements are stringified inside as
   * many arrays as enclose them here, so that the engine indents them as they stand, and those
   * arrays' brackets are cut off. A run takes as many elements as fit in three quarters of what
   * is left of the piece (at the length of the last run's elements; so a piece goes past its
   * size by about one element), at most the array's run limit. Undefined, and the element is
   * walked, when that could differ: the element is not an object or has its own `toJSON` (the
   * engine would call it with the key "", not the index), or the text holds `null` anywhere (an
   * infinity written as null, which {@link nonFiniteAsString} writes as a string; a real null
   * merely takes the walk). A run that fails is written one element at a time, the limit
   * growing again with each run written; after {@link MAX_MISSES} elements in a row that fail
   * alone (an array whose elements hold nulls), the array is walked. Moves `open.next` past the
   * elements written.
   */
  private wholeElements(open: OpenValue, at: number): string | undefined {
    if (open.runLimit === 0) return undefined;
    const array = open.value as unknown[];
    const room = Math.max(1, Math.floor((0.75 * (this.pieceChars - this.buffer.length)) / this.charsPerElement));
    const limit = Math.min(room, open.runLimit);
    let end = at;
    while (end < open.length && end - at < limit && isPlainContainer(array[end])) end++;
    if (end === at) return undefined;
    const text = this.enclosed(array.slice(at, end));
    if (text !== undefined) {
      open.next = end;
      open.runLimit = Math.min(MAX_RUN, 2 * open.runLimit);
      open.misses = 0;
      return text;
    }
    if (end - at > 1) {
      open.runLimit = 1;
      return this.wholeElements(open, at);
    }
    if (++open.misses === MAX_MISSES) open.runLimit = 0;
    return undefined;
  }

  /** Chars per element of the last run written whole (to size the next run to the piece). */
  private charsPerElement = 256;

  /** The text of `elements` (elements of the innermost open array) with their separators, as {@link wholeElements} writes them; undefined when it holds `null`. */
  private enclosed(elements: unknown[]): string | undefined {
    const gap = this.gap;
    const depth = this.stack.length;
    let wrapped: unknown = elements;
    for (let k = 1; k < depth; k++) wrapped = [wrapped];
    const text = JSON.stringify(wrapped, null, gap);
    // Each enclosing array opens with "[" and a new line indented one gap deeper, and closes on a line of its own.
    let head = 0;
    let tail = 0;
    for (let k = 0; k < depth; k++) {
      head += gap === '' ? 1 : 2 + gap.length * (k + 1);
      tail += gap === '' ? 1 : 2 + gap.length * k;
    }
    const body = text.slice(head, text.length - tail);
    if (body.includes('null')) return undefined;
    this.charsPerElement = Math.max(1, body.length / elements.length);
    return body;
  }

  /**
   * Writes the property `key` of `holder` after `prefix` (its name, or the separator before
   * it): a leaf whole, an object or array opened on the stack. Writes nothing and returns false
   * when JSON leaves the property out.
   */
  private member(holder: object, key: string, indent: string, prefix: string): boolean {
    let value: unknown = (holder as Record<string, unknown>)[key];
    if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') value = toJSON.call(value, key);
    }
    value = nonFiniteAsString.call(holder, key, value);
    let text: string;
    switch (typeof value) {
      case 'string':
        text = JSON.stringify(value);
        break;
      case 'number':
        text = Number.isFinite(value) ? String(value) : 'null';
        break;
      case 'boolean':
        text = value ? 'true' : 'false';
        break;
      case 'bigint':
        // JSON.stringify's own error.
        text = JSON.stringify(value);
        break;
      case 'object':
        if (value === null) text = 'null';
        else if (value instanceof Number || value instanceof String || value instanceof Boolean) text = JSON.stringify(value.valueOf());
        else if (Array.isArray(value) && value.length === 0) text = '[]';
        else {
          this.buffer += prefix;
          const keys = Array.isArray(value) ? undefined : Object.keys(value);
          this.stack.push({ value, keys, length: keys ? keys.length : (value as unknown[]).length, next: 0, written: false, indent, inner: indent + this.gap, runLimit: MAX_RUN, misses: 0 });
          return true;
        }
        break;
      default:
        return false;
    }
    this.buffer += prefix + text;
    return true;
  }
}
