/**
 * A fuzzer of the loader: real records (the bundled MMLU results) written as JSON Lines or
 * CSV, corrupted at random (bytes, escapes, raw control characters, wrong types, truncated
 * and broken lines, deep nesting, duplicates, stray CSV quotes) and at the file level (CRLF,
 * a byte-order mark, blank lines, gzip, a gzip file cut short), then loaded file by file and
 * all together. What each line must give is worked out here, from the corrupted text alone,
 * by reference rules written from the README (JSON.parse, a CSV splitter of its own, the
 * field rules; zlib for what a cut gzip file still holds), never from the loader.
 *
 * For every file it checks: accepted + rejected = its non-blank lines; every line the rules
 * reject is reported at that line; every line they accept is analysed with the values it
 * holds, without an error; no other line is reported; and loaded together, the queries every
 * file accepts are exactly the analysed ones, with each model's values.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import type { Dataset, LoadResult } from '../../src/core/types.ts';
import { repoRoot } from './paths.ts';

const POOL = ['gpt-4o-mini', 'gpt-4o', 'llama3.1-8b', 'llama3.2-1b', 'qwen2.5-72b-instruct'] as const;
const cache = new Map<string, string[]>();
/** The record lines of a bundled MMLU result file. */
function realLines(model: string): string[] {
  let lines = cache.get(model);
  if (!lines) {
    lines = readFileSync(join(repoRoot, 'examples/mmlu', `${model}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    cache.set(model, lines);
  }
  return lines;
}

export const LINE_KINDS = ['escape', 'control', 'type', 'truncate', 'bytes', 'nest', 'break', 'duplicate', 'quote'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

interface LineCorruption {
  readonly kind: LineKind;
  /** Which line (modulo the count), which field, where in it, which replacement: raw choices. */
  readonly at: number;
  readonly pick: number;
  readonly where: number;
  readonly byte: number;
}

interface FileCase {
  readonly corruptions: readonly LineCorruption[];
  readonly reverse: boolean;
  readonly crlf: boolean;
  readonly bom: boolean;
  readonly blanks: readonly number[];
  readonly finalNewline: boolean;
  readonly gzip: 'none' | 'whole' | 'cut';
  readonly cutAt: number;
}

export interface FuzzCase {
  readonly format: 'jsonl' | 'csv';
  readonly models: readonly string[];
  readonly start: number;
  readonly count: number;
  readonly files: readonly FileCase[];
}

const lineCorruption: fc.Arbitrary<LineCorruption> = fc.record({
  kind: fc.constantFrom(...LINE_KINDS),
  at: fc.nat(),
  pick: fc.nat(),
  where: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

const fileCase: fc.Arbitrary<FileCase> = fc.record({
  corruptions: fc.array(lineCorruption, { maxLength: 6 }),
  reverse: fc.boolean(),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  blanks: fc.array(fc.nat(), { maxLength: 3 }),
  finalNewline: fc.boolean(),
  gzip: fc.constantFrom('none', 'none', 'whole', 'cut'),
  cutAt: fc.nat(),
});

/** A case: 2 or 3 models, a window of 5 to 40 of their records, each file corrupted its own way. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc
  .record({
    format: fc.constantFrom('jsonl', 'jsonl', 'csv'),
    models: fc.shuffledSubarray([...POOL], { minLength: 2, maxLength: 3 }),
    start: fc.nat({ max: 1700 }),
    count: fc.integer({ min: 5, max: 40 }),
  })
  .chain((c) => fc.array(fileCase, { minLength: c.models.length, maxLength: c.models.length }).map((files) => ({ ...c, files })));

// ---- Building the files ----

/** A line of a built file, with what was done to it. */
interface BuiltLine {
  text: string;
  kinds: LineKind[];
}

/** The extent of a JSON value `"key": <value>` in a line: [start, end) of the value, or undefined. */
function valueSpan(line: string, key: string): [number, number] | undefined {
  const k = line.indexOf(`"${key}": `);
  if (k === -1) return undefined;
  const start = k + key.length + 4;
  if (line[start] === '"') {
    let i = start + 1;
    while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
    return [start, Math.min(i + 1, line.length)];
  }
  let i = start;
  while (i < line.length && line[i] !== ',' && line[i] !== '}') i++;
  return [start, i];
}

const ESCAPES = ['\\q', '\\u12-', '\\x41', '\\u00g1', '\\'] as const;
const TYPE_VALUES = ['"abc"', 'null', '[1]', '{}', 'true', '-1', '""', '2', '"0.5"', '1e999', '" 1 "', '"true"', '0'] as const;
const JSON_FIELDS = ['id', 'split', 'correct', 'confidence', 'cost', 'latency_ms', 'tokens_in', 'prompt'] as const;
const STRING_FIELDS = ['id', 'split', 'prompt'] as const;
const CSV_COLUMNS = ['id', 'split', 'correct', 'confidence', 'cost', 'latency_ms'] as const;
const CSV_VALUES = ['abc', '', '-1', '2', 'nan', ' 0.5 ', 'true', '1e999', '"x"', '0'] as const;

/** Inserts `text` at a position within [from, to). */
const insertAt = (line: string, from: number, to: number, where: number, text: string): string => {
  const at = from + (to > from ? where % (to - from) : 0);
  return line.slice(0, at) + text + line.slice(at);
};

/** Applies one corruption to JSON line `line`: the new line(s). */
function corruptJson(line: string, c: LineCorruption): string[] {
  switch (c.kind) {
    case 'escape':
    case 'control': {
      const field = STRING_FIELDS[c.pick % STRING_FIELDS.length]!;
      const span = valueSpan(line, field);
      if (!span) return [line];
      const text = c.kind === 'escape' ? ESCAPES[c.byte % ESCAPES.length]! : String.fromCharCode([0, 1, 2, 8, 9, 11, 12, 13, 27, 31][c.byte % 10]!);
      return [insertAt(line, span[0] + 1, span[1] - 1, c.where, text)];
    }
    case 'type': {
      const span = valueSpan(line, JSON_FIELDS[c.pick % JSON_FIELDS.length]!);
      if (!span) return [line];
      return [line.slice(0, span[0]) + TYPE_VALUES[c.byte % TYPE_VALUES.length]! + line.slice(span[1])];
    }
    case 'truncate':
      return line.length < 2 ? [line] : [line.slice(0, 1 + (c.where % (line.length - 1)))];
    case 'bytes': {
      if (line.length === 0) return [line];
      const at = c.where % line.length;
      return [line.slice(0, at) + String.fromCharCode(c.byte === 0x0a ? 0x0b : c.byte) + line.slice(at + 1)];
    }
    case 'nest':
      return c.pick % 2 === 0 ? ['['.repeat(65 + (c.where % 200_000))] : [line.replace('{', `{"meta": ${'['.repeat(65 + (c.where % 1000))}1${']'.repeat(65 + (c.where % 1000))}, `)];
    case 'break':
      return line.length < 2 ? [line] : [line.slice(0, 1 + (c.where % (line.length - 1))), line.slice(1 + (c.where % (line.length - 1)))];
    case 'duplicate':
      return [line, line];
    case 'quote':
      return [insertAt(line, 0, line.length, c.where, '"')];
  }
}

/** Applies one corruption to CSV row `row`: the new row(s). */
function corruptCsv(row: string, c: LineCorruption): string[] {
  const cells = row.split(',');
  switch (c.kind) {
    case 'type': {
      cells[1 + (c.pick % (cells.length - 1))] = CSV_VALUES[c.byte % CSV_VALUES.length]!;
      return [cells.join(',')];
    }
    case 'escape':
    case 'quote':
      return [insertAt(row, 0, row.length + 1, c.where, '"')];
    case 'control':
      return [insertAt(row, 0, row.length, c.where, '\t')];
    case 'nest':
      return [`${row},"${'['.repeat(c.where % 100)}`];
    default:
      return corruptJson(row, c);
  }
}

export interface BuiltFile {
  readonly name: string;
  readonly model: string;
  readonly bytes: Buffer;
  /** Line number (1-based, of the content as written) -> what was done to it. */
  readonly corrupted: ReadonlyMap<number, readonly LineKind[]>;
}

/** The files of a case, ready to write. */
export function buildFiles(c: FuzzCase): BuiltFile[] {
  return c.models.map((model, k) => {
    const f = c.files[k]!;
    const source = realLines(model);
    const from = c.start % (source.length - c.count);
    let records = source.slice(from, from + c.count);
    if (f.reverse) records = records.reverse();
    let lines: BuiltLine[];
    if (c.format === 'jsonl') lines = records.map((text) => ({ text: toUtf8Latin1(text), kinds: [] }));
    else {
      lines = [{ text: CSV_COLUMNS.join(','), kinds: [] }];
      for (const r of records) {
        const o = JSON.parse(r) as Record<string, unknown>;
        lines.push({ text: CSV_COLUMNS.map((col) => String(o[col])).join(','), kinds: [] });
      }
    }
    const header = c.format === 'csv' ? 1 : 0;
    for (const corruption of f.corruptions) {
      const i = header + (corruption.at % (lines.length - header));
      const target = lines[i]!;
      const pieces = c.format === 'jsonl' ? corruptJson(target.text, corruption) : corruptCsv(target.text, corruption);
      lines.splice(i, 1, ...pieces.map((text) => ({ text, kinds: [...target.kinds, corruption.kind] })));
    }
    for (const b of f.blanks) lines.splice(b % (lines.length + 1), 0, { text: ['', '  ', '\t'][b % 3]!, kinds: [] });
    const corrupted = new Map<number, LineKind[]>();
    lines.forEach((l, i) => {
      if (l.kinds.length > 0) corrupted.set(i + 1, l.kinds);
    });
    let text = lines.map((l) => l.text).join(f.crlf ? '\r\n' : '\n') + (f.finalNewline ? (f.crlf ? '\r\n' : '\n') : '');
    if (f.bom) text = '\u00ef\u00bb\u00bf' + text;
    let bytes = Buffer.from(text, 'latin1');
    const ext = c.format === 'jsonl' ? '.jsonl' : '.csv';
    if (f.gzip !== 'none') {
      const gz = gzipSync(bytes);
      bytes = f.gzip === 'cut' ? gz.subarray(0, f.cutAt % gz.length) : gz;
    }
    return { name: `${model}${ext}${f.gzip !== 'none' ? '.gz' : ''}`, model, bytes, corrupted };
  });
}

/**
 * Lines are built as latin1 strings of their UTF-8 bytes, so that a byte corruption replaces
 * exactly one byte (inserted escapes, control characters and brackets are ASCII, the same in both).
 */
const toUtf8Latin1 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

// ---- What each line must give, by the reference rules ----

type Values = { readonly id: string; readonly quality: number; readonly confidence: number; readonly cost: number; readonly split?: string; readonly prompt?: string };

/** What one line must give: a record with its values, or a rejection; plus whether a warning may come with it. */
type Expected = { readonly line: number; readonly accept?: Values; readonly warn: boolean; readonly firstNoPrice?: boolean };

/** The content a loader can see: what zlib decodes of a gzip file (cut or not), as text lines. */
export function contentOf(f: BuiltFile): { lines: string[]; cutAfter?: number; partial: boolean; nothing: boolean } {
  let bytes = f.bytes;
  let cut = false;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      cut = true;
      bytes = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    }
  }
  // (A gzip file cut inside its first two bytes is not recognised as gzip: its content is that byte.)
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline || text === '') lines.pop();
  const stripped = lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  // The line the cut falls in, when it has more than white space: an incomplete record.
  const cutInLine = cut && !endsWithNewline && text !== '';
  const partial = cutInLine && stripped[stripped.length - 1]!.trim() !== '';
  return { lines: stripped, ...(cut ? { cutAfter: stripped.length - (cutInLine ? 1 : 0) } : {}), partial, nothing: cut && bytes.length === 0 };
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const absent = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
/** A finite number, or a string holding one; undefined otherwise. */
function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMBER.test(v.trim())) {
    const x = Number(v.trim());
    return Number.isFinite(x) ? x : undefined;
  }
  return undefined;
}

const INFINITE: Readonly<Record<string, number>> = { inf: Infinity, '+inf': Infinity, infinity: Infinity, '+infinity': Infinity, '-inf': -Infinity, '-infinity': -Infinity };
/**
 * A confidence: any number but NaN (-Infinity and Infinity are the lowest and highest), or a
 * string holding one (also `inf`, `-inf`, `Infinity`, `-Infinity` in any case); undefined otherwise.
 */
function confidenceNum(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (NUMBER.test(t)) return Number(t);
  return INFINITE[t.toLowerCase()];
}

/** The README's field rules for one record object: its values, or why it is rejected; and whether an optional field is bad. */
function fieldRules(o: Record<string, unknown>): { values?: Values; warn: boolean; noPrice?: boolean } {
  let warn = false;
  const id = typeof o.id === 'string' && o.id.trim() !== '' ? o.id : typeof o.id === 'number' && Number.isFinite(o.id) ? String(o.id) : undefined;
  let quality: number | undefined;
  const c = o.correct;
  if (c === true || c === false) quality = c ? 1 : 0;
  else if (typeof c === 'string' && ['true', 'false'].includes(c.trim().toLowerCase())) quality = c.trim().toLowerCase() === 'true' ? 1 : 0;
  else if (!absent(c) && (num(c) === 0 || num(c) === 1)) quality = num(c);
  // No confidence (absent or blank) is NaN: whether the record may go without is settled per model in planOf.
  const confidence = absent(o.confidence) && o.confidence !== null ? NaN : confidenceNum(o.confidence);
  // Optional fields: a bad value is a warning and the record is kept.
  const bad = (v: unknown): boolean => !absent(v) && !(num(v) !== undefined && num(v)! >= 0);
  let cost: number | undefined;
  let noPrice = false;
  if (!absent(o.cost)) {
    const x = num(o.cost);
    cost = x !== undefined && x >= 0 ? x : undefined;
  } else {
    // Token counts without a price table: the file's first such record is reported, for all of them.
    noPrice = !absent(o.tokens_in) && !absent(o.tokens_out) && !bad(o.tokens_in) && !bad(o.tokens_out);
  }
  if (bad(o.latency_ms) || bad(o.tokens_in) || bad(o.tokens_out)) warn = true;
  let split: string | undefined;
  if (!absent(o.split)) {
    if (typeof o.split === 'string') split = o.split;
    else if (typeof o.split === 'number' && Number.isFinite(o.split)) split = String(o.split);
    else warn = true;
  }
  if (!absent(o.prompt) && typeof o.prompt !== 'string') warn = true;
  const onlyNoPrice = noPrice && id !== undefined && quality !== undefined && confidence !== undefined;
  if (id === undefined || quality === undefined || confidence === undefined || cost === undefined) return { warn, ...(onlyNoPrice ? { noPrice } : {}) };
  const prompt = !absent(o.prompt) && typeof o.prompt === 'string' ? o.prompt : undefined;
  return { values: { id, quality, confidence, cost, ...(split !== undefined ? { split } : {}), ...(prompt !== undefined ? { prompt } : {}) }, warn };
}

/** Levels of objects and arrays in a value (the record itself is level 1). */
function levels(value: unknown): number {
  let most = 0;
  const stack: [unknown, number][] = [[value, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, level] = item;
    if (v === null || typeof v !== 'object') continue;
    most = Math.max(most, level);
    for (const child of Object.values(v)) stack.push([child, level + 1]);
  }
  return most;
}

/** Keys of the fields a record is read from, other than the prompt (README: the input fields). */
const READ_KEYS = new Set(['id', 'model', 'correct', 'score', 'confidence', 'cost', 'tokens_in', 'tokens_out', 'latency_ms', 'split', 'embedding']);

/**
 * The line with every string emptied in the values of the outer object's keys the loader does
 * not need to decode (the prompt, and fields it does not read): what is left must be valid
 * JSON. Whether the prompt's own text broke the rules is returned too. Keys stay as they are.
 */
function withIgnoredStringsEmptied(line: string): { text: string; promptBroken: boolean } {
  let out = '';
  let i = 0;
  let depth = 0;
  let key: string | undefined;
  let expectKey = false;
  let promptBroken = false;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '"') {
      let end = i + 1;
      while (end < line.length && line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      const body = line.slice(i, Math.min(end + 1, line.length));
      if (depth === 1 && expectKey) {
        try {
          key = JSON.parse(body) as string;
        } catch {
          key = undefined;
        }
        out += body;
      } else if (depth >= 1 && key !== undefined && !READ_KEYS.has(key)) {
        if (key === 'prompt' && depth === 1) {
          try {
            JSON.parse(body);
          } catch {
            promptBroken = true;
          }
        }
        out += '""';
      } else out += body;
      expectKey = false;
      i = end + 1;
      continue;
    }
    if (ch === '{' || ch === '[') depth++;
    if (ch === '}' || ch === ']') depth--;
    if ((ch === '{' && depth === 1) || (ch === ',' && depth === 1)) expectKey = true;
    out += ch;
    i++;
  }
  return { text: out, promptBroken };
}

/**
 * JSON.parse, else JSON.parse of the line with the strings the loader need not decode emptied
 * (a prompt that breaks JSON's string rules costs the prompt only; a field the loader does not
 * read is not looked at); a record nesting more than 64 levels is malformed.
 */
function parseJsonLine(line: string): { object?: Record<string, unknown>; promptLost: boolean } {
  const asObject = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) && levels(v) <= 64 ? (v as Record<string, unknown>) : undefined);
  try {
    return { object: asObject(JSON.parse(line)), promptLost: false };
  } catch {
    const { text, promptBroken } = withIgnoredStringsEmptied(line);
    try {
      const o = asObject(JSON.parse(text));
      if (o && promptBroken) delete o.prompt;
      return { object: o, promptLost: o !== undefined && promptBroken };
    } catch {
      return { promptLost: false };
    }
  }
}

const QUOTED_CELL = /"((?:[^"]|"")*)"(,|$)/y;
const PLAIN_CELL = /([^,]*)(,|$)/y;

/**
 * A CSV row split on commas, with RFC 4180 quotes within the line (a cell that starts with a
 * quote ends at its closing quote, which a comma or the end must follow); undefined when its
 * quoting is broken.
 */
function splitCsvRow(row: string): string[] | undefined {
  const cells: string[] = [];
  for (let pos = 0; ;) {
    const re = row[pos] === '"' ? QUOTED_CELL : PLAIN_CELL;
    re.lastIndex = pos;
    const m = re.exec(row);
    if (!m) return undefined;
    cells.push(re === QUOTED_CELL ? m[1]!.replaceAll('""', '"') : m[1]!);
    if (m[2] === '') return cells;
    pos = re.lastIndex;
  }
}

/** Whether the first rows of a CSV file hold a quoted field over several lines that closes into a well-formed row. */
function usesMultilineFields(rows: readonly string[], columns: number): boolean {
  let open: string[] = [];
  for (const row of rows.slice(0, 200)) {
    const quotes = row.split('"').length - 1;
    if (open.length === 0 && quotes % 2 === 0) continue;
    open.push(row);
    if ((open.join('\n').split('"').length - 1) % 2 === 1) continue;
    const joined = splitCsvRow(open.join('\n'));
    if (joined && joined.length === columns) return true;
    open = [];
  }
  return false;
}

interface Plan {
  readonly expected: Expected[];
  readonly nonBlank: number;
  /** Lines where a note (not a rejection) about a cut may stand. */
  readonly noteLines: readonly number[];
  readonly multiline: boolean;
  readonly nothing: boolean;
}

/** What each line of a built file must give. */
export function planOf(f: BuiltFile, format: 'jsonl' | 'csv'): Plan {
  const { lines, cutAfter, partial, nothing } = contentOf(f);
  const noteLines = cutAfter !== undefined && !partial ? [cutAfter] : [];
  // Each non-blank line as a record object (none when it is not one), with what the rules say of its prompt.
  const rows: { line: number; object?: Record<string, unknown>; promptLost: boolean }[] = [];
  let multiline = false;
  if (format === 'jsonl') {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.trim() === '') continue;
      // The incomplete line of a cut file is rejected whatever it holds.
      rows.push(partial && i === lines.length - 1 ? { line: i + 1, promptLost: false } : { line: i + 1, ...parseJsonLine(lines[i]!) });
    }
  } else {
    const headerAt = lines.findIndex((l) => l.trim() !== '');
    if (headerAt === -1) return { expected: [], nonBlank: 0, noteLines, multiline: false, nothing };
    const columns = CSV_COLUMNS.length;
    // A header cut short, or without an id column (a one-byte remnant of a gzip file), leaves no rows to read.
    const header = splitCsvRow(lines[headerAt]!)?.map((h) => h.trim()) ?? [];
    if ((partial && headerAt === lines.length - 1) || !header.includes('id')) return { expected: [], nonBlank: 0, noteLines: [headerAt + 1], multiline: false, nothing };
    multiline = usesMultilineFields(lines.slice(headerAt + 1, partial ? -1 : undefined), columns);
    for (let i = headerAt + 1; i < lines.length; i++) {
      if (lines[i]!.trim() === '') continue;
      const cells = partial && i === lines.length - 1 ? undefined : splitCsvRow(lines[i]!);
      if (!cells || cells.length !== columns) {
        rows.push({ line: i + 1, promptLost: false });
        continue;
      }
      const o: Record<string, unknown> = {};
      CSV_COLUMNS.forEach((col, k) => {
        if (cells[k] !== '') o[col] = cells[k];
      });
      rows.push({ line: i + 1, object: o, promptLost: false });
    }
  }
  // A model's confidence is on every record or on none: any record that gives one (even a bad one) says which.
  const confidenceSeen = rows.some((r) => r.object !== undefined && !(r.object.confidence === undefined || (typeof r.object.confidence === 'string' && r.object.confidence.trim() === '')));
  const expected: Expected[] = [];
  /** The record holding each id so far: its place in `expected`, and whether it lacks a confidence. */
  const holder = new Map<string, { index: number; withoutConfidence: boolean }>();
  let noPriceSeen = false;
  for (const { line, object, promptLost } of rows) {
    const r = object ? fieldRules(object) : { warn: false };
    const warn = r.warn || promptLost;
    const values = r.values;
    if (!values) {
      expected.push({ line, warn, ...(r.noPrice ? { firstNoPrice: !noPriceSeen } : {}) });
      if (r.noPrice) noPriceSeen = true;
      continue;
    }
    const withoutConfidence = Number.isNaN(values.confidence);
    const held = holder.get(values.id);
    // A duplicate is rejected, unless it brings the confidence its holder lacks: then the holder is.
    if (held && !(held.withoutConfidence && !withoutConfidence)) {
      expected.push({ line, warn });
      continue;
    }
    if (held) expected[held.index] = { line: expected[held.index]!.line, warn: true };
    holder.set(values.id, { index: expected.length, withoutConfidence });
    expected.push({ line, accept: values, warn });
  }
  // Records without a confidence: rejected in a model that has one, read with none (0) otherwise.
  for (const { index, withoutConfidence } of holder.values()) {
    if (!withoutConfidence) continue;
    const e = expected[index]!;
    expected[index] = confidenceSeen ? { line: e.line, warn: e.warn } : { ...e, accept: { ...e.accept!, confidence: 0 } };
  }
  return { expected, nonBlank: rows.length, noteLines, multiline, nothing };
}

// ---- Loading and checking ----

export interface FuzzCounts {
  files: number;
  lines: number;
  corruptedLines: number;
  byKind: Record<string, number>;
  accepted: number;
  rejected: number;
  warned: number;
  gzipCut: number;
  multilineCsv: number;
}

export const emptyCounts = (): FuzzCounts => ({ files: 0, lines: 0, corruptedLines: 0, byKind: {}, accepted: 0, rejected: 0, warned: 0, gzipCut: 0, multilineCsv: 0 });

const valueOf = (d: Dataset, model: string, id: string): Omit<Values, 'id'> | undefined => {
  const q = d.ids.indexOf(id);
  const m = d.models.find((x) => x.name === model);
  if (q === -1 || !m) return undefined;
  const split = d.splitCodes ? d.splitNames![d.splitCodes[q]!] : undefined;
  return { quality: m.quality[q]!, confidence: m.confidence[q]!, cost: m.cost[q]!, ...(split ? { split } : {}), ...(d.prompts?.[q] !== undefined ? { prompt: d.prompts[q] } : {}) };
};

/** Writes the case's files, loads each alone and all together, and checks every rule; returns what it saw. */
export async function checkCase(c: FuzzCase, counts: FuzzCounts): Promise<void> {
  const files = buildFiles(c);
  const dir = mkdtempSync(join(tmpdir(), 'cf-fuzz-'));
  try {
    for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
    const plans = files.map((f) => planOf(f, c.format));
    const singles: LoadResult[] = [];
    for (let k = 0; k < files.length; k++) {
      const f = files[k]!;
      const plan = plans[k]!;
      const where = `${f.name} of ${JSON.stringify(c)}`;
      const r = await loadEvalFiles([join(dir, f.name)]);
      singles.push(r);
      const summary = r.files[0]!;
      counts.files++;
      counts.lines += plan.nonBlank;
      counts.corruptedLines += f.corrupted.size;
      for (const kinds of f.corrupted.values()) for (const kind of kinds) counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
      counts.accepted += summary.records;
      counts.rejected += summary.rejected;
      counts.warned += r.issues.filter((i) => i.severity === 'warning' && i.line > 0).length;
      if (f.name.endsWith('.gz') && contentOf(f).cutAfter !== undefined) counts.gzipCut++;
      if (plan.multiline) {
        // A file whose first rows really use multi-line fields (made so by two stray quotes): read as such, and said so.
        counts.multilineCsv++;
        assert.ok(
          summary.derived.some((d) => d.startsWith('quoted fields span lines')),
          where,
        );
        continue;
      }
      assert.equal(summary.records + summary.rejected, plan.nonBlank, `accepted + rejected = non-blank lines: ${where}`);
      // The reader's last resort for a line that made it throw never fires: every problem has its own message.
      for (const i of r.issues) assert.ok(!i.message.startsWith('the line could not be read ('), `${i.line}: ${i.message}: ${where}`);
      const errorsAt = new Set(r.issues.filter((i) => i.severity === 'error').map((i) => i.line));
      // Cost accounting warnings (a logged cost of 0 beside tokens, a cost far from its tokens x prices,
      // constant token counts) are about a model's valid records, which still load: warnings, never errors.
      for (const i of r.issues) if (i.kind === 'cost') assert.equal(i.severity, 'warning', `${i.line}: ${i.message}: ${where}`);
      const issuesAt = new Set(r.issues.filter((i) => i.kind !== 'cost').map((i) => i.line));
      const allowed = new Set<number>([0, ...plan.noteLines]);
      const d = r.dataset;
      let accepted = 0;
      for (const e of plan.expected) {
        if (e.warn || !e.accept) allowed.add(e.line);
        if (!e.accept) {
          if (e.firstNoPrice !== false) assert.ok(errorsAt.has(e.line), `line ${e.line} must be reported: ${where}\n${r.issues.map((i) => `${i.line}: ${i.message}`).join('\n')}`);
          continue;
        }
        accepted++;
        assert.ok(!errorsAt.has(e.line) || plan.noteLines.includes(e.line), `line ${e.line} must load without an error: ${where}\n${r.issues.map((i) => `${i.line}: ${i.message}`).join('\n')}`);
        const { id, ...want } = e.accept;
        const got = valueOf(d, f.model, id);
        assert.ok(got, `line ${e.line} (id ${JSON.stringify(id)}) must be analysed: ${where}`);
        for (const key of ['quality', 'confidence', 'cost'] as const) assert.ok(Object.is(got[key], want[key]), `line ${e.line} ${key}: ${got[key]} != ${want[key]}: ${where}`);
        if (want.split !== undefined) assert.equal(got.split, want.split, `line ${e.line} split: ${where}`);
        if (want.prompt !== undefined) assert.equal(got.prompt, want.prompt, `line ${e.line} prompt: ${where}`);
      }
      assert.equal(d.n, accepted, `only the lines the rules accept are analysed: ${where}`);
      for (const line of issuesAt)
        assert.ok(allowed.has(line), `line ${line} is reported but the rules find nothing wrong with it: ${where}\n${r.issues.map((i) => `${i.line}: ${i.message}`).join('\n')}`);
      if (plan.nothing) assert.equal(summary.records + summary.rejected, 0, where);
    }

    // All together: the queries every file accepts are the analysed ones, each with every model's values.
    if (plans.some((p) => p.multiline)) return;
    const all = await loadEvalFiles(files.map((f) => join(dir, f.name)));
    const where = JSON.stringify(c);
    assert.deepEqual(
      all.files.map((s) => [s.records, s.rejected]),
      singles.map((s) => [s.files[0]!.records, s.files[0]!.rejected]),
      `per-file counts alone and together: ${where}`,
    );
    const acceptedIds = plans.map((p) => new Map(p.expected.flatMap((e) => (e.accept ? [[e.accept.id, e.accept] as const] : []))));
    const joint = [...acceptedIds[0]!.keys()].filter((id) => acceptedIds.every((m) => m.has(id)));
    const models = new Set(files.map((f) => f.model));
    if (joint.length === 0 || models.size < files.length) return;
    assert.deepEqual([...all.dataset.ids].sort(), joint.sort(), `the joint queries: ${where}`);
    files.forEach((f, k) => {
      for (const id of joint) {
        const want = acceptedIds[k]!.get(id)!;
        const got = valueOf(all.dataset, f.model, id)!;
        for (const key of ['quality', 'confidence', 'cost'] as const) assert.ok(Object.is(got[key], want[key]), `${f.name} ${id} ${key} together: ${where}`);
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
