/**
 * A small JSON parser for the lines `JSON.parse` rejects. It accepts the `NaN`,
 * `Infinity` and `-Infinity` tokens that Python's `json` module writes (so the loader can
 * say which field is not finite, instead of calling the line malformed), and otherwise
 * reports the first error with its 1-based column and a hint in fixed words (the wording
 * of `JSON.parse` errors changes between Node versions). O(length).
 */

export type LenientJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly column: number; readonly hint: string };

class JsonError {
  constructor(
    readonly pos: number,
    readonly hint: string,
  ) {}
}

const WORD = /[A-Za-z_]\w*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const END = 'the line ends before the JSON object is complete';

export function parseJsonLenient(text: string): LenientJson {
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
  const word = (): string => sticky(WORD) ?? '';

  const string = (): string => {
    const start = i;
    i++;
    for (;;) {
      if (i >= text.length) fail('a string is not closed', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('a control character (tab, line break) inside a string must be escaped, e.g. as \\t or \\n');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape in a string; it needs four hex digits');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('invalid escape sequence in a string; write a backslash as \\\\');
        i += 2;
        continue;
      }
      i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };

  const number = (): number => {
    const m = sticky(NUMBER);
    if (m === undefined || /[\d.eE+-]/.test(text[i + m.length] ?? '')) return fail('invalid number; write it like 12, -0.5 or 1.5e-7');
    i += m.length;
    return Number(m);
  };

  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === "'") fail('strings need double quotes, not single quotes');
    if (c === '-' && text.startsWith('-Infinity', i)) {
      i += 9;
      return -Infinity;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    const w = word();
    const literals: Record<string, unknown> = { true: true, false: false, null: null, NaN: NaN, Infinity: Infinity };
    if (w in literals) {
      i += w.length;
      return literals[w];
    }
    if (w === 'True' || w === 'False' || w === 'None') fail(`${w} is Python, not JSON; write true, false or null`);
    if (c === '.') fail('invalid number; write it like 12, -0.5 or 1.5e-7');
    return fail('expected a value (a string, number, true, false, null, object or array)');
  };

  const object = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] === "'") fail('property names need double quotes, not single quotes');
      if (text[i] === '}') fail("a comma is followed by '}'; remove the trailing comma");
      if (text[i] !== '"') fail('expected a property name in double quotes');
      const key = string();
      ws();
      if (text[i] !== ':') fail("expected ':' after the property name");
      i++;
      Object.defineProperty(out, key, { value: value(), enumerable: true, writable: true, configurable: true });
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail("expected ',' or '}' after a value");
    }
  };

  const array = (): unknown[] => {
    const out: unknown[] = [];
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail("a comma is followed by ']'; remove the trailing comma");
      out.push(value());
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail("expected ',' or ']' after an array element");
    }
  };

  try {
    const v = value();
    ws();
    if (i < text.length) fail('unexpected text after the end of the JSON object; put each record on its own line');
    return { ok: true, value: v };
  } catch (e) {
    if (e instanceof JsonError) return { ok: false, column: Math.min(e.pos, text.length) + 1, hint: e.hint };
    throw e;
  }
}
