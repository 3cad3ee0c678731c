/**
 * A JSON Lines file read again after an edit of a few of its lines, without reading the rest:
 * the bytes before and after the edit are the same as in the version read before, so only the
 * lines between are read, once as they were and once as they are, each into a collector of its
 * own. When the two differ only in their records' values (the same ids, models and lines, the
 * same split labels and counts, no message at all) and the file read before was clean (no
 * message, no record rejected, no duplicate), the collection of the whole file is the one read
 * before with those records' values put in: what reading the whole file gives, column for
 * column. Anything else (lines added or removed, an id or a prompt changed, a message, answers
 * kept, a gzip file, a token count that needs a wider column) is left to reading the whole file,
 * which the caller then does. Pure (no editor API).
 */
import type { LoadOptions } from '../options.ts';
import type { RecordSink } from './sink.ts';
import type { PartialCollection } from './transfer.ts';
import { Collector } from './collector.ts';
import { COST_FROM_RECORD, copied, NO_LINE, sameBytes } from './columns.ts';
import { HEAD_BYTES } from './input.ts';
import { jsonlReader } from './jsonl.ts';
import { collectorOptionsOf, modelNameOfFile, readerFor, readerOptionsOf } from './readFiles.ts';

/**
 * The bytes a collection was read from, as a patch reads them: compared with the file now from
 * both ends, and read only between (a `Buffer` of them whole, or kept some other way, such as
 * `packedView`).
 */
export interface EarlierBytes {
  readonly length: number;
  /** The length of the bytes these and `now` share at their start. */
  commonPrefix(now: Buffer): number;
  /** The length of the bytes these and `now` share at their end, at most `limit`. */
  commonSuffix(now: Buffer, limit: number): number;
  /** These bytes from `from` up to `to`. */
  slice(from: number, to: number): Buffer;
}

/** A file's bytes as read (whole, or kept some other way), and the collection read from them (a collector of that file alone). */
export interface ReadBytes {
  readonly bytes: Buffer | EarlierBytes;
  readonly partial: PartialCollection;
}

/** `bytes` whole, as a patch reads them. */
function wholeBytes(bytes: Buffer): EarlierBytes {
  return {
    length: bytes.length,
    commonPrefix: (now) => commonPrefix(bytes, now),
    commonSuffix: (now, limit) => commonSuffix(bytes, now, limit),
    slice: (from, to) => bytes.subarray(from, to),
  };
}

/** Lines read again at most: past this, reading the whole file costs about as much. */
export const MAX_PATCHED_LINES = 4096;

type PartialModel = PartialCollection['models'][number];

/** The optional per-record columns a value edit can change, each with what a record without the field holds. */
const OPTIONAL = [
  ['latencyMs', NaN],
  ['tokensIn', NaN],
  ['tokensOut', NaN],
  ['tokensReasoning', NaN],
  ['tokensCached', NaN],
  ['costFrom', COST_FROM_RECORD],
] as const;

/** Whether files read with `options` can be patched: no model's answers kept. */
export function patchableOptions(options: LoadOptions): boolean {
  return !options.keepResponses;
}

/** Whether the file `path`, read with `options` into `p`, can be patched at its next change (see `patchedCollection`). */
export function patchableRead(p: PartialCollection, path: string, options: LoadOptions): boolean {
  return patchableOptions(options) && patchableCollection(p, path);
}

/** Whether `p`, read from one file, is clean enough to patch: JSON Lines, no message, nothing rejected, no answers or embeddings kept. */
function patchableCollection(p: PartialCollection, path: string): boolean {
  const f = p.files[0];
  if (p.files.length !== 1 || !f || f.path !== path || f.format !== jsonlReader.name || f.rejected !== 0) return false;
  if (p.relabelled || p.embeddings || (p.undecodablePrompts?.length ?? 0) > 0) return false;
  if (p.log.issues.length > 0 || p.log.perCode.length > 0 || p.log.repeats.length > 0) return false;
  return p.models.every((m) => m.rejected === 0 && m.unpriced === 0 && m.rejectedWithoutConfidence.length === 0 && !m.responses);
}

/** The length of the bytes `a` and `b` share at their start. O(length) at memory speed. */
function commonPrefix(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  const BLOCK = 64 * 1024;
  let i = 0;
  while (i < n) {
    const end = Math.min(n, i + BLOCK);
    if (a.compare(b, i, end, i, end) === 0) {
      i = end;
      continue;
    }
    while (a[i] === b[i]) i++;
    return i;
  }
  return n;
}

/** The length of the bytes `a` and `b` share at their end, at most `limit`. O(length) at memory speed. */
function commonSuffix(a: Buffer, b: Buffer, limit: number): number {
  const BLOCK = 64 * 1024;
  let s = 0;
  while (s < limit) {
    const step = Math.min(BLOCK, limit - s);
    if (a.compare(b, b.length - s - step, b.length - s, a.length - s - step, a.length - s) === 0) {
      s += step;
      continue;
    }
    while (s < limit && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
    return s;
  }
  return s;
}

/** Line feeds in `bytes[from, to)`. O(to - from). */
function lineFeeds(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = bytes.indexOf(10, from); i !== -1 && i < to; i = bytes.indexOf(10, i + 1)) count++;
  return count;
}

/**
 * Reads `bytes[from, to)`, whole lines of the file `path` whose first is line `firstLine`, into a
 * collector of its own, as the file's reader reads them there (the same line numbers).
 */
async function readLines(bytes: Buffer, from: number, to: number, firstLine: number, path: string, options: LoadOptions): Promise<PartialCollection> {
  const collector = new Collector(collectorOptionsOf(options, { deferSplitChecks: true }));
  const defaultModel = modelNameOfFile(path);
  const file = collector.addFile(path, 'unknown', defaultModel);
  const inner = collector.sink(file);
  inner.setFormat(jsonlReader.name);
  const shift = firstLine - 1;
  const sink: RecordSink = {
    record: (raw, line) => inner.record(raw, line + shift),
    reject: (line, problem) => inner.reject(line + shift, problem),
    note: (line, problem) => inner.note(line === 0 ? 0 : line + shift, problem),
    setFormat: inner.setFormat,
    describe: inner.describe,
  };
  const region = bytes.subarray(from, to);
  await jsonlReader.read(
    {
      file: path,
      defaultModel,
      options: readerOptionsOf(options),
      loadOptions: options,
      chunks: async function* () {
        yield region;
      },
    },
    sink,
  );
  return collector.exportPartial();
}

/** The file summary's figures of a collection read from one file (its path and models' set aside). */
function fileFigures(p: PartialCollection): string {
  const { path: _path, ...figures } = p.files[0]!;
  return JSON.stringify(figures);
}

/** A column's kind and whether it exists. */
const kindOf = (a: ArrayBufferView | undefined): unknown => a?.constructor;

/**
 * Whether `before` and `after`, the same lines read as they were and as they are, differ only in
 * their records' values: the same ids in the same order, the same models with the same counts,
 * records at the same lines with the same split labels, the same file figures, the same optional
 * columns, and no message in either. O(lines).
 */
function onlyValuesDiffer(before: PartialCollection, after: PartialCollection): boolean {
  if (!patchableCollection(before, before.files[0]!.path) || !patchableCollection(after, after.files[0]!.path)) return false;
  if (before.count !== after.count || before.models.length !== after.models.length) return false;
  if (!sameBytes(before.idOffsets, after.idOffsets) || !sameBytes(before.idBytes, after.idBytes)) return false;
  if (fileFigures(before) !== fileFigures(after)) return false;
  const n = before.count;
  // The prompts kept: the same, so the collection's stay as they are.
  for (let q = 0; q < n; q++) if (before.prompts?.[q] !== after.prompts?.[q]) return false;
  return before.models.every((a, k) => {
    const b = after.models[k]!;
    if (a.name !== b.name || a.accepted !== b.accepted || a.fromTokens !== b.fromTokens || a.confidenceSeen !== b.confidenceSeen) return false;
    if (!sameBytes(a.line.subarray(0, n), b.line.subarray(0, n))) return false;
    if (OPTIONAL.some(([field]) => kindOf(a[field]) !== kindOf(b[field]))) return false;
    for (let q = 0; q < n; q++) {
      if (a.line[q] === NO_LINE) continue;
      if (labelOf(before, a, q) !== labelOf(after, b, q)) return false;
    }
    return true;
  });
}

/** The split label of model `m`'s record of query `q`, or undefined. */
function labelOf(p: PartialCollection, m: PartialModel, q: number): string | undefined {
  const code = m.split?.[q] ?? 0;
  return code === 0 ? undefined : p.splitNames[code - 1];
}

/**
 * The query of each of model `m`'s records at lines `from` to `to` (as the collector stores them:
 * line + 1), -1 where it has none: index line - from. O(queries).
 */
function queriesAt(m: PartialModel, count: number, from: number, to: number): Int32Array {
  const out = new Int32Array(to - from + 1).fill(-1);
  const line = m.line;
  for (let q = 0; q < count; q++) {
    const l = line[q]!;
    if (l >= from && l <= to) out[l - from] = q;
  }
  return out;
}

/** The UTF-8 bytes of query `q`'s id in `p`. */
const idOf = (p: PartialCollection, q: number): Uint8Array => p.idBytes.subarray(p.idOffsets[q]!, p.idOffsets[q + 1]!);

/**
 * `read.partial` with the values of the records of `edited` (the edited lines as they are) put
 * in, columns copied where they change; undefined when a record cannot be placed or a value
 * needs a column the file's collection lacks or a wider one. O(queries of the edited models).
 */
function withValues(read: PartialCollection, edited: PartialCollection): PartialCollection | undefined {
  const byName = new Map(read.models.map((m, k) => [m.name, k]));
  const models = [...read.models];
  for (const e of edited.models) {
    const k = byName.get(e.name);
    if (k === undefined) return undefined;
    const m = read.models[k]!;
    let from = Infinity;
    let to = -Infinity;
    for (let j = 0; j < edited.count; j++) {
      const line = e.line[j]!;
      if (line === NO_LINE) continue;
      from = Math.min(from, line);
      to = Math.max(to, line);
    }
    if (to < from) continue;
    const at = queriesAt(m, read.count, from, to);
    const columns: Record<string, Float64Array | Float32Array | Uint8Array> = { quality: copied(m.quality), confidence: copied(m.confidence), cost: copied(m.cost) };
    for (const [field] of OPTIONAL) {
      const column = m[field];
      if (column) columns[field] = copied(column);
      else if (e[field]) return undefined;
    }
    for (let j = 0; j < edited.count; j++) {
      const line = e.line[j]!;
      if (line === NO_LINE) continue;
      const q = at[line - from]!;
      if (q === -1 || !sameBytes(idOf(read, q), idOf(edited, j))) return undefined;
      columns.quality![q] = e.quality[j]!;
      columns.confidence![q] = e.confidence[j]!;
      columns.cost![q] = e.cost[j]!;
      for (const [field, none] of OPTIONAL) {
        const column = columns[field];
        if (!column) continue;
        const value = e[field]?.[j] ?? none;
        if (column instanceof Float32Array && Math.fround(value) !== value && !Number.isNaN(value)) return undefined;
        column[q] = value;
      }
    }
    models[k] = { ...m, ...columns } as PartialModel;
  }
  return { ...read, models };
}

/**
 * The collection of `path` as it is now (`bytes`), from the one read before (`before`), when the
 * edit between them only changed values of records in a few whole lines (see the file's
 * comment); undefined when the file must be read whole. Same result as reading `bytes` with a
 * collector of its own (`deferSplitChecks`). O(size) at memory speed, plus the edited lines.
 */
export async function patchedCollection(before: ReadBytes, bytes: Buffer, path: string, options: LoadOptions): Promise<PartialCollection | undefined> {
  const old = Buffer.isBuffer(before.bytes) ? wholeBytes(before.bytes) : before.bytes;
  if (!patchableOptions(options) || !patchableCollection(before.partial, path)) return undefined;
  // Another format now (the head decides), or a gzip file.
  if (readerFor(path, bytes.subarray(0, HEAD_BYTES)) !== jsonlReader || readerFor(path, old.slice(0, Math.min(old.length, HEAD_BYTES))) !== jsonlReader || bytes[0] === 0x1f) return undefined;
  const prefix = old.commonPrefix(bytes);
  if (prefix === old.length && prefix === bytes.length) return before.partial;
  const suffix = old.commonSuffix(bytes, Math.min(old.length, bytes.length) - prefix);
  // Whole lines: from the start of the line the edit begins in, through the line feed that ends the line it ends in.
  const from = prefix === 0 ? 0 : bytes.lastIndexOf(10, prefix - 1) + 1;
  const newEnd = bytes.indexOf(10, bytes.length - suffix);
  // The edit reaches the last line (which may lack its line feed): read the whole file.
  if (newEnd === -1) return undefined;
  // From `from` (at most the prefix) through `oldEnd` (at least the old length less the suffix): the edited lines as they were.
  const oldEnd = newEnd - bytes.length + old.length;
  const was = old.slice(from, oldEnd + 1);
  if (was[was.length - 1] !== 10) return undefined;
  const lines = lineFeeds(bytes, from, newEnd + 1);
  if (lines > MAX_PATCHED_LINES || lineFeeds(was, 0, was.length) !== lines) return undefined;
  const firstLine = lineFeeds(bytes, 0, from) + 1;
  const [wasRead, isRead] = await Promise.all([readLines(was, 0, was.length, firstLine, path, options), readLines(bytes, from, newEnd + 1, firstLine, path, options)]);
  if (!onlyValuesDiffer(wasRead, isRead)) return undefined;
  return withValues(before.partial, isRead);
}
