import { createHash } from 'node:crypto';
import { visit } from 'jsonc-parser';
import type { InputIssue } from '../types.ts';
import type { AdapterIssue } from './types.ts';

/** A JSON object as read from a user file: every field still to be checked. */
export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** UTF-8 text of a file, without a byte-order mark. */
export function decodeText(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The first `max` bytes as text (for detection; a cut multi-byte character at the end is harmless). */
export function headText(head: Uint8Array, max = 65536): string {
  return decodeText(head.subarray(0, Math.min(head.length, max)));
}

/** Base name of a path, for both `/` and `\` separators. */
export function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i < 0 ? file : file.slice(i + 1);
}

/** Name of the folder holding a file. */
export function folderName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i < 0 ? '' : baseName(file.slice(0, i));
}

/**
 * An adapter's problem report. `code` names the kind of problem, so a loader can group its
 * repeats; the message gets a closing full stop when it lacks one.
 */
export function makeIssue(file: string, line: number, severity: InputIssue['severity'], code: string, message: string): AdapterIssue {
  return { file, line, severity, code, message: /[.!?]$/.test(message) ? message : `${message}.` };
}

/** A finite number from a number or a numeric string; undefined otherwise. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * The text of a model's output as harnesses store it: a string, a list of content parts
 * (`{type: 'text', text}`) or of strings, or an object with `text` or `content`; undefined when
 * there is no text. O(size).
 */
export function outputText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const parts = value
      .map((p) => (typeof p === 'string' ? p : isObject(p) && (p.type === undefined || p.type === 'text') && typeof p.text === 'string' ? p.text : undefined))
      .filter((p): p is string => p !== undefined);
    return parts.length > 0 ? parts.join('') : undefined;
  }
  if (isObject(value)) return outputText(value.text ?? value.content);
  return undefined;
}

/** Short stable hash of a string (16 hex digits of SHA-256), used for ids built from content. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One parsed line of a JSONL file. */
export interface JsonLine {
  /** 1-based line number. */
  readonly line: number;
  readonly value?: unknown;
  /** Set when the line is not JSON. */
  readonly error?: string;
}

/**
 * The non-blank lines of a JSONL text, parsed. A line holding several objects written back to
 * back (`{...}{...}`, as some writers do when they append batches without a newline) yields
 * each object with the same line number. O(length of text).
 */
export function parseJsonLines(text: string): JsonLine[] {
  const out: JsonLine[] = [];
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end).trim();
    if (raw !== '') {
      try {
        out.push({ line, value: JSON.parse(raw) });
      } catch (error) {
        const parts = splitConcatenatedJson(raw);
        if (parts !== undefined) for (const value of parts) out.push({ line, value });
        else out.push({ line, error: error instanceof Error ? error.message : String(error) });
      }
    }
    start = end + 1;
  }
  return out;
}

/** Splits `{...}{...}` into its objects; undefined when any piece is not JSON. */
function splitConcatenatedJson(raw: string): unknown[] | undefined {
  const values: unknown[] = [];
  let depth = 0;
  let inString = false;
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        try {
          values.push(JSON.parse(raw.slice(from, i + 1)));
        } catch {
          return undefined;
        }
        from = i + 1;
        while (from < raw.length && /\s/.test(raw[from])) from++;
        i = from - 1;
      }
    }
  }
  return values.length > 1 && from >= raw.length ? values : undefined;
}

/** Parses a JSON document; the error message says where it broke. */
export function parseJson(text: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * 1-based start line of each element of the array found at `path` (object keys from the root;
 * an empty path is the root itself). One scan of the text, O(length); elements' contents are
 * skipped, not visited.
 */
export function arrayElementLines(text: string, path: readonly string[]): number[] {
  const lines: number[] = [];
  // depth = containers open; the array sits at depth path.length + 1, its elements open one deeper.
  const arrayDepth = path.length + 1;
  let depth = 0;
  let inArray = false;
  const isTargetPath = (p: readonly (string | number)[]): boolean => p.length === path.length && p.every((k, i) => k === path[i]);
  const onBegin = (startLine: number, pathSupplier: () => (string | number)[], isArray: boolean): boolean => {
    depth++;
    if (inArray && depth === arrayDepth + 1) {
      lines.push(startLine + 1);
      return false; // the element's contents need no callbacks; its end callback still comes
    }
    if (isArray && !inArray && depth === arrayDepth && isTargetPath(pathSupplier())) inArray = true;
    return true;
  };
  const onEnd = (): void => {
    if (inArray && depth === arrayDepth) inArray = false;
    depth--;
  };
  visit(
    text,
    {
      onObjectBegin: (_o, _l, startLine, _c, pathSupplier) => onBegin(startLine, pathSupplier, false),
      onObjectEnd: onEnd,
      onArrayBegin: (_o, _l, startLine, _c, pathSupplier) => onBegin(startLine, pathSupplier, true),
      onArrayEnd: onEnd,
      onLiteralValue: (_v, _o, _l, startLine) => {
        if (inArray && depth === arrayDepth) lines.push(startLine + 1);
      },
    },
    { disallowComments: true },
  );
  return lines;
}
