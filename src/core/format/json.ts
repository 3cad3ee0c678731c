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
 * `pieceChars` characters, so a result of tens of megabytes is never one string: the pieces
 * joined are the same characters as `resultJson` gives (key order, number forms, indentation,
 * `toJSON`, undefined and functions left out of objects and written `null` in arrays). Nothing
 * is written when `resultJson` gives undefined (a function, undefined). O(size).
 */
export function writeResultJson(value: unknown, write: (piece: string) => void, indent = 2, pieceChars = 1 << 16): void {
  const out = new JsonPieces(write, ' '.repeat(Math.max(0, Math.min(10, Math.floor(indent)))), pieceChars);
  out.member({ '': value }, '', '');
  out.flush();
}

/** The serialiser of {@link writeResultJson}: `JSON.stringify`'s steps (with {@link nonFiniteAsString}), written in pieces. */
class JsonPieces {
  private buffer = '';

  constructor(
    private readonly write: (piece: string) => void,
    private readonly gap: string,
    private readonly pieceChars: number,
  ) {}

  flush(): void {
    if (this.buffer.length > 0) this.write(this.buffer);
    this.buffer = '';
  }

  private add(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= this.pieceChars) this.flush();
  }

  /**
   * Writes the property `key` of `holder` after `prefix` (its name, or the separator before
   * it); writes nothing and returns false when JSON leaves the property out.
   */
  member(holder: object, key: string, indent: string, prefix = ''): boolean {
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
        else {
          if (prefix !== '') this.add(prefix);
          if (Array.isArray(value)) this.array(value, indent);
          else this.object(value, indent);
          return true;
        }
        break;
      default:
        return false;
    }
    this.add(prefix === '' ? text : prefix + text);
    return true;
  }

  private array(value: readonly unknown[], indent: string): void {
    if (value.length === 0) return this.add('[]');
    const inner = indent + this.gap;
    const separator = this.gap === '' ? ',' : `,\n${inner}`;
    for (let i = 0; i < value.length; i++) {
      const prefix = i > 0 ? separator : this.gap === '' ? '[' : `[\n${inner}`;
      if (!this.member(value, String(i), inner, prefix)) this.add(prefix + 'null');
    }
    this.add(this.gap === '' ? ']' : `\n${indent}]`);
  }

  private object(value: object, indent: string): void {
    const inner = indent + this.gap;
    const separator = this.gap === '' ? ',' : `,\n${inner}`;
    const colon = this.gap === '' ? ':' : ': ';
    let first = true;
    for (const key of Object.keys(value)) {
      const open = first ? (this.gap === '' ? '{' : `{\n${inner}`) : separator;
      if (this.member(value, key, inner, `${open}${JSON.stringify(key)}${colon}`)) first = false;
    }
    this.add(first ? '{}' : this.gap === '' ? '}' : `\n${indent}}`);
  }
}
