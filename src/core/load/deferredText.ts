/**
 * Texts a reader hands over undecoded: a string field whose text is built only when someone
 * keeps it, and a JSON string still as the bytes between its quotes.
 */
import { isUndecodableString, jsonStringFault, stringFaultHint, undecodableString, type UndecodableString } from './jsonText.ts';

const DEFERRED = Symbol.for('cascade-frontier.deferred-text');
const BYTES = Symbol.for('cascade-frontier.json-string-bytes');

/**
 * A string field whose text is only built when someone keeps it (prompts of a million
 * records are read but only the first per query is ever decoded). A reader may reuse one
 * instance for every record.
 */
export abstract class DeferredText {
  /** Marks deferred texts without `instanceof`, which fails when the module is loaded twice (ES module and CommonJS copies). */
  readonly [DEFERRED] = true;
  abstract text(): string;
}

/** A deferred text (JSON values cannot carry a symbol key, so a record from a file never passes for one). */
export const isDeferredText = (v: unknown): v is DeferredText => typeof v === 'object' && v !== null && (v as { [DEFERRED]?: boolean })[DEFERRED] === true;
/** A JSON string still as bytes ({@link JsonStringBytes}). */
export const isJsonStringBytes = (v: unknown): v is JsonStringBytes => typeof v === 'object' && v !== null && (v as { [BYTES]?: boolean })[BYTES] === true;

/**
 * A JSON string value still as the bytes between its quotes (escapes undecoded). For an id,
 * the collector compares the bytes with the id it expects next (files mostly list the same
 * queries in the same order) and builds no string when they match. Valid only while the
 * reader is handling the line.
 */
export class JsonStringBytes extends DeferredText {
  readonly [BYTES] = true;
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  /** Where the line starts in `buf` (for the column of a fault). */
  lineStart = 0;
  set(buf: Buffer, start: number, end: number, lineStart = start - 1): this {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.lineStart = lineStart;
    return this;
  }
  /** The text; only for bytes that keep JSON's string rules (see `decode`). */
  text(): string {
    const { buf, start, end } = this;
    for (let i = start; i < end; i++) if (buf[i] === 0x5c) return JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string;
    return buf.toString('utf8', start, end);
  }
  /** The text, or where and why the bytes break JSON's string rules. O(bytes). */
  decode(): string | UndecodableString {
    const { buf, start, end } = this;
    try {
      // JSON.parse checks the escapes and control characters natively; the slow search for the fault only runs when it fails.
      return JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string;
    } catch {
      const fault = Math.max(start, jsonStringFault(buf, start, end));
      return undecodableString(buf.toString('utf8', this.lineStart, fault).length + 1, stringFaultHint(buf, fault));
    }
  }
}

/** A text field's string, or the place it breaks JSON's rules; undefined when the value is no text. O(length). */
export function textOf(value: unknown): string | UndecodableString | undefined {
  if (typeof value === 'string' || isUndecodableString(value)) return value;
  if (isJsonStringBytes(value)) return value.decode();
  if (isDeferredText(value)) return value.text();
  return undefined;
}
