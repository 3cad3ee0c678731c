import type { RecordSink } from './sink.ts';
import { FlatJsonScanner, jsonKeys, recordFromObject } from './jsonScan.ts';
import { MAX_JSON_DEPTH, parseJsonLenient, type LenientJson } from './jsonText.ts';
import { splitLines } from './lines.ts';
import * as M from './messages.ts';
import type { Problem } from './messages.ts';
import { firstContentByte, type FormatReader, type ReaderInput } from './readers.ts';
import { streamErrorText } from './input.ts';
import type { RawRecord } from '../types.ts';

const isBlank = (buf: Buffer, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
};

/**
 * One JSON line to a record, the general way: `JSON.parse`, then the lenient parser
 * (Python's `NaN`/`Infinity`, and a located hint when the line is malformed). As in the
 * field scanner, a string that breaks JSON's rules fails the line only in a field the
 * record needs: in the prompt it is read as an `UndecodableString` (it costs the prompt),
 * in a field the loader does not read it is ignored.
 */
export function parseJsonLine(text: string, keys: readonly string[]): RawRecord | Problem {
  let value: unknown;
  const lenient = (): LenientJson => parseJsonLenient(text, { tolerate: (key) => key === 'prompt' || key === 'response' || !keys.includes(key) });
  try {
    value = JSON.parse(text);
  } catch {
    const read = lenient();
    if (!read.ok) return M.malformedJson(read.column, read.hint);
    value = read.value;
  }
  // One limit on nesting whichever parser read the line (the lenient one says where it is passed).
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    const read = lenient();
    return read.ok ? M.malformedJson(1, 'objects and arrays nest too deep') : M.malformedJson(read.column, read.hint);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return M.notAnObject(Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);
  }
  return recordFromObject(value as Record<string, unknown>, keys);
}

/**
 * A first line that opens a JSON array file: `[` alone or followed by an object (pretty-printed
 * or one object per line), or a whole array on one line. Any other line starting with `[` (such
 * as a run of brackets) is one bad line of a JSON Lines file, not a reason to set the rest of
 * the file aside.
 */
function isArrayStart(line: string): boolean {
  if (/^\s*(?:\ufeff)?\[\s*(?:\{|\]|$)/.test(line)) return true;
  try {
    return Array.isArray(JSON.parse(line));
  } catch {
    return false;
  }
}

/** Whether objects and arrays nest more than `limit` levels deep in `value` (a walk with its own stack). O(size). */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== 'object') continue;
    if (depth === limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

const isProblem = (v: RawRecord | Problem): v is Problem => typeof (v as Problem).code === 'string' && typeof (v as Problem).message === 'string';

/** JSON Lines: one object per line; blank lines are allowed. */
export const jsonlReader: FormatReader = {
  name: 'jsonl',
  extensions: ['.jsonl', '.jsonl.gz', '.ndjson', '.ndjson.gz'],
  detect(_file, head) {
    const c = firstContentByte(head);
    return c === 0x7b || c === 0x5b;
  },
  async read(input: ReaderInput, sink: RecordSink) {
    const keys = jsonKeys(input.options.splitField);
    const scanner = new FlatJsonScanner(keys);
    const limit = input.options.maxLineBytes;
    let records = 0;
    let arrayFile = false;
    await splitLines(input.chunks({ reuse: true }), limit, {
      line(buf, start, end, lineNo) {
        if (arrayFile || isBlank(buf, start, end)) return;
        if (records === 0 && firstContentByte(buf.subarray(start, end)) === 0x5b && isArrayStart(buf.toString('utf8', start, end))) {
          // The whole file is one JSON array (on one line or pretty-printed), not JSON Lines.
          arrayFile = true;
          sink.note(0, M.jsonArrayFile());
          return;
        }
        records++;
        let parsed: RawRecord | Problem;
        try {
          parsed = scanner.scan(buf, start, end) ? scanner.record : parseJsonLine(buf.toString('utf8', start, end), keys);
        } catch (e) {
          // No line may cost the lines after it, whatever it holds.
          parsed = M.unreadableLine(e instanceof Error ? e.message : String(e));
        }
        if (isProblem(parsed)) sink.reject(lineNo, parsed);
        else sink.record(parsed, lineNo);
      },
      tooLong(lineNo, bytes) {
        records++;
        sink.reject(lineNo, M.lineTooLong(bytes, limit));
      },
      streamError(lineNo, partial, error) {
        const detail = streamErrorText(error);
        if (!arrayFile && (partial === undefined || !isBlank(partial, 0, partial.length))) {
          records++;
          sink.reject(lineNo, M.cutShortLine(detail));
        } else sink.note(lineNo - 1, M.corruptStream(lineNo - 1, detail));
      },
    });
    if (records === 0 && !arrayFile) sink.note(0, M.blankFile());
  },
};
