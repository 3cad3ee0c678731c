/**
 * A small JSON parser for the lines `JSON.parse` rejects. It accepts the `NaN`,
 * `Infinity` and `-Infinity` tokens that Python's `json` module writes (so the loader can
 * say which field is not finite, instead of calling the line malformed), and otherwise
 * reports the first error with its 1-based column and a hint in fixed words (the wording
 * of `JSON.parse` errors changes between Node versions). It keeps its own stack instead of
 * recursing, and refuses nesting deeper than `MAX_JSON_DEPTH`, so no line can exhaust the
 * call stack. O(length).
 */

export type LenientJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly column: number; readonly hint: string };

/** Deepest nesting of objects and arrays the lenient parser reads (an evaluation record is a flat object). */
export const MAX_JSON_DEPTH = 64;

export const HINT_CONTROL = 'a control character (tab, line break) inside a string must be escaped, e.g. as \\t or \\n';
export const HINT_UNICODE_ESCAPE = 'invalid \\u escape in a string; it needs four hex digits';
export const HINT_ESCAPE = 'invalid escape sequence in a string; write a backslash as \\\\';
const HINT_TOO_DEEP = `objects and arrays nest more than ${MAX_JSON_DEPTH} levels deep; a record is one flat JSON object`;

const UNDECODABLE = Symbol.for('cascade-frontier.undecodable-string');

/**
 * A string value that breaks JSON's rules (an invalid escape, a raw control character),
 * read in place of its text where the loader can do without it (a prompt). JSON values
 * cannot carry a symbol key, so no value from a file passes for one.
 */
export interface UndecodableString {
  readonly [UNDECODABLE]: true;
  /** 1-based column (in characters of the line) of the first bad character. */
  readonly column: number;
  readonly hint: string;
}

export const undecodableString = (column: number, hint: string): UndecodableString => ({ [UNDECODABLE]: true, column, hint });

export const isUndecodableString = (v: unknown): v is UndecodableString => typeof v === 'object' && v !== null && (v as { [UNDECODABLE]?: boolean })[UNDECODABLE] === true;

const isHex = (c: number | undefined): boolean => c !== undefined && ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66));

/**
 * Where the body of a JSON string (the bytes or UTF-16 units between its quotes, `s[start,
 * end)`) breaks JSON's rules: the index of the first raw control character or of the
 * backslash of the first invalid escape, or -1 when the body is valid. O(end - start).
 */
export function jsonStringFault(s: Uint8Array | string, start: number, end: number): number {
  return typeof s === 'string' ? textFault(s, start, end) : byteFault(s, start, end);
}

/** One loop per kind of input, each with direct element access (a shared accessor would cost a call per byte). */
function byteFault(s: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = s[i]!;
    if (c > 0x5c) continue;
    if (c < 0x20) return i;
    if (c === 0x5c && !validEscape(s[i + 1], i + 1 < end, s[i + 2], s[i + 3], s[i + 4], s[i + 5], i + 5 < end)) return i;
    if (c === 0x5c) i += s[i + 1] === 0x75 ? 5 : 1;
  }
  return -1;
}

function textFault(s: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x5c) continue;
    if (c < 0x20) return i;
    const e = s.charCodeAt(i + 1);
    if (c === 0x5c && !validEscape(e, i + 1 < end, s.charCodeAt(i + 2), s.charCodeAt(i + 3), s.charCodeAt(i + 4), s.charCodeAt(i + 5), i + 5 < end)) return i;
    if (c === 0x5c) i += e === 0x75 ? 5 : 1;
  }
  return -1;
}

/** `\e` (with `hasE`), and for `\u` the four hex digits h1..h4 (with `hasHex`). */
function validEscape(e: number | undefined, hasE: boolean, h1: number | undefined, h2: number | undefined, h3: number | undefined, h4: number | undefined, hasHex: boolean): boolean {
  if (!hasE) return false;
  if (e === 0x75) return hasHex && isHex(h1) && isHex(h2) && isHex(h3) && isHex(h4);
  return e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74;
}

/** The hint for the fault `jsonStringFault` found at `at`. */
export function stringFaultHint(s: Uint8Array | string, at: number): string {
  const c = typeof s === 'string' ? s.charCodeAt(at) : s[at]!;
  if (c < 0x20) return HINT_CONTROL;
  const e = typeof s === 'string' ? s.charCodeAt(at + 1) : s[at + 1];
  return e === 0x75 ? HINT_UNICODE_ESCAPE : HINT_ESCAPE;
}

class JsonError {
  constructor(
    readonly pos: number,
    readonly hint: string,
  ) {}
}

const WORD = /[A-Za-z_]\w*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const END = 'the line ends before the JSON object is complete';
const LITERALS: Readonly<Record<string, unknown>> = { true: true, false: false, null: null, NaN: NaN, Infinity: Infinity };

/** An object or array being read, with the key its next value goes to. */
interface Frame {
  readonly object?: Record<string, unknown>;
  readonly array?: unknown[];
  key: string;
}

export interface LenientOptions {
  /**
   * Keys of the outermost object whose values may hold strings that break JSON's string
   * rules (at any depth): such a string is read as an `UndecodableString` instead of
   * failing the line.
   */
  readonly tolerate?: (key: string) => boolean;
}

export function parseJsonLenient(text: string, options: LenientOptions = {}): LenientJson {
  let i = 0;
  const fail = (hint: string, at = i): never => {
    throw new JsonError(at, at >= text.length ? END : hint);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const sticky = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    return re.exec(text)?.[0];
  };

  /**
   * A string at `i`, the value of `field` when it is one; with `tolerant`, a body that breaks
   * the rules gives an UndecodableString.
   */
  const string = (tolerant: boolean, field?: string): string | UndecodableString => {
    const start = i;
    // The closing quote: a backslash always takes the next character with it.
    let end = start + 1;
    for (;;) {
      if (end >= text.length) fail('a string is not closed', start);
      const c = text.charCodeAt(end);
      if (c === 0x22) break;
      end += c === 0x5c ? 2 : 1;
    }
    const fault = jsonStringFault(text, start + 1, end);
    if (fault !== -1) {
      if (!tolerant) fail(stringFaultHint(text, fault) + (field === undefined ? '' : ` (in the value of ${JSON.stringify(field)})`), fault);
      i = end + 1;
      return undecodableString(fault + 1, stringFaultHint(text, fault));
    }
    i = end + 1;
    return JSON.parse(text.slice(start, i)) as string;
  };

  const key = (): string => {
    ws();
    if (text[i] === "'") fail('property names need double quotes, not single quotes');
    if (text[i] === '}') fail("a comma is followed by '}'; remove the trailing comma");
    if (text[i] !== '"') fail('expected a property name in double quotes');
    const k = string(false) as string;
    ws();
    if (text[i] !== ':') fail("expected ':' after the property name");
    i++;
    return k;
  };

  const scalar = (tolerant: boolean, field?: string): unknown => {
    const c = text[i];
    if (c === '"') return string(tolerant, field);
    if (c === "'") fail('strings need double quotes, not single quotes');
    if (c === '-' && text.startsWith('-Infinity', i)) {
      i += 9;
      return -Infinity;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const m = sticky(NUMBER);
      if (m === undefined || /[\d.eE+-]/.test(text[i + m.length] ?? '')) fail('invalid number; write it like 12, -0.5 or 1.5e-7');
      i += m!.length;
      return Number(m);
    }
    const w = sticky(WORD) ?? '';
    if (Object.hasOwn(LITERALS, w)) {
      i += w.length;
      return LITERALS[w];
    }
    if (w === 'True' || w === 'False' || w === 'None') fail(`${w} is Python, not JSON; write true, false or null`);
    if (c === '.') fail('invalid number; write it like 12, -0.5 or 1.5e-7');
    return fail('expected a value (a string, number, true, false, null, object or array)');
  };

  const stack: Frame[] = [];
  try {
    let value: unknown;
    parse: for (;;) {
      // A value starts at i: open a container, or read a scalar.
      ws();
      const c = text[i];
      if (c === '{' || c === '[') {
        if (stack.length === MAX_JSON_DEPTH) fail(HINT_TOO_DEEP);
        i++;
        ws();
        if (c === '{' && text[i] === '}') {
          i++;
          value = {};
        } else if (c === '[' && text[i] === ']') {
          i++;
          value = [];
        } else if (c === '{') {
          const object: Record<string, unknown> = {};
          stack.push({ object, key: key() });
          continue;
        } else {
          if (text[i] === ']') fail("a comma is followed by ']'; remove the trailing comma");
          stack.push({ array: [], key: '' });
          continue;
        }
      } else {
        const top = stack[stack.length - 1];
        const outer = stack[0];
        const tolerant = outer?.object !== undefined && options.tolerate !== undefined && options.tolerate(outer.key);
        value = scalar(tolerant, top?.object !== undefined ? top.key : undefined);
      }
      // Hand the value to its container; close every container that ends here.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) break parse;
        if (top.array) top.array.push(value);
        else Object.defineProperty(top.object, top.key, { value, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          if (top.array) {
            ws();
            if (text[i] === ']') fail("a comma is followed by ']'; remove the trailing comma");
          } else top.key = key();
          continue parse;
        }
        if (text[i] === (top.array ? ']' : '}')) {
          i++;
          stack.pop();
          value = top.array ?? top.object;
          continue;
        }
        fail(top.array ? "expected ',' or ']' after an array element" : "expected ',' or '}' after a value");
      }
    }
    ws();
    if (i < text.length) fail('unexpected text after the end of the JSON object; put each record on its own line');
    return { ok: true, value };
  } catch (e) {
    if (e instanceof JsonError) return { ok: false, column: Math.min(e.pos, text.length) + 1, hint: e.hint };
    throw e;
  }
}
