import type { RawRecord } from '../types.ts';
import { blankRecord, type RecordSink } from './collector.ts';
import { indexOfIn } from './jsonScan.ts';
import { splitLines } from './lines.ts';
import * as M from './messages.ts';
import { firstContentByte, type FormatReader, type ReaderInput } from './readers.ts';

/**
 * CSV in two layouts, told apart by the header:
 * - long: one row per record, columns `id, correct|score, confidence, cost|tokens_in+tokens_out`
 *   and optionally `model`, `split`, `latency_ms`, `prompt`;
 * - wide: one row per query, `id` plus `<model>.<field>` columns (split at the last dot, so
 *   model names may contain dots), and optional shared `split` and `prompt` columns.
 * The id column may have another name (the `idColumn` option). Records are split on line
 * ends outside quotes; a quoted field may span lines (RFC 4180).
 * The delimiter is a comma, or a tab or semicolon when the header has those instead.
 */

const FIELD_OF_COLUMN: Record<string, keyof RawRecord> = {
  id: 'id',
  model: 'model',
  correct: 'correct',
  score: 'score',
  confidence: 'confidence',
  cost: 'cost',
  tokens_in: 'tokensIn',
  tokens_out: 'tokensOut',
  latency_ms: 'latencyMs',
  prompt: 'prompt',
  embedding: 'embedding',
};

/** Splits one CSV record into fields; a string describing the error when its quoting is broken. */
export function parseCsvRecord(text: string, delimiter: string): string[] | string {
  const out: string[] = [];
  let i = 0;
  const d = delimiter.charCodeAt(0);
  for (;;) {
    if (text.charCodeAt(i) === 0x22) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) return 'a quoted field is not closed';
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) === 0x22) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
      if (i === text.length) return out;
      if (text.charCodeAt(i) !== d) return `a quoted field is followed by ${JSON.stringify(text[i])} instead of the delimiter (a quote inside a quoted field must be doubled)`;
      i++;
    } else {
      const next = text.indexOf(delimiter, i);
      if (next === -1) {
        out.push(text.slice(i));
        return out;
      }
      out.push(text.slice(i, next));
      i = next + 1;
    }
  }
}

function countQuotes(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = indexOfIn(buf, 0x22, start, end); i !== -1; i = indexOfIn(buf, 0x22, i + 1, end)) n++;
  return n;
}

function guessDelimiter(headerLine: string): string {
  const count = (c: string): number => headerLine.split(c).length - 1;
  const commas = count(',');
  if (count('\t') > commas) return '\t';
  if (count(';') > commas) return ';';
  return ',';
}

interface Layout {
  readonly header: readonly string[];
  /** Long layout: record field per column index. */
  readonly fields?: readonly (keyof RawRecord | undefined)[];
  /** Wide layout: per model, its record field per column index; plus shared columns. */
  readonly models?: readonly { readonly name: string; readonly columns: readonly [number, keyof RawRecord][] }[];
  readonly shared?: readonly [number, keyof RawRecord][];
  readonly idColumn: number;
}

function layoutOf(header: readonly string[], splitField: string, idName: string): Layout | undefined {
  const fieldOf = (name: string): keyof RawRecord | undefined =>
    name === splitField ? 'split' : name === idName ? 'id' : name !== 'id' && Object.hasOwn(FIELD_OF_COLUMN, name) ? FIELD_OF_COLUMN[name] : undefined;
  const idColumn = header.indexOf(idName);
  if (idColumn === -1) return undefined;
  const plain = header.map(fieldOf);
  const hasPlainQuality = plain.some((f) => f === 'correct' || f === 'score' || f === 'confidence');
  const models = new Map<string, [number, keyof RawRecord][]>();
  header.forEach((name, column) => {
    const dot = name.lastIndexOf('.');
    if (dot <= 0 || fieldOf(name) !== undefined) return;
    const field = fieldOf(name.slice(dot + 1));
    if (field === undefined || field === 'id' || field === 'model') return;
    const model = name.slice(0, dot);
    if (!models.has(model)) models.set(model, []);
    models.get(model)!.push([column, field]);
  });
  if (hasPlainQuality || models.size === 0) return { header, fields: plain, idColumn };
  const shared: [number, keyof RawRecord][] = [];
  plain.forEach((f, column) => {
    if (f === 'split' || f === 'prompt' || f === 'embedding') shared.push([column, f]);
  });
  return { header, idColumn, shared, models: [...models].map(([name, columns]) => ({ name, columns })) };
}

const cell = (field: keyof RawRecord, value: string): unknown => {
  if (field === 'embedding' && value.trimStart().startsWith('[')) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
};

export const csvReader: FormatReader = {
  name: 'csv',
  extensions: ['.csv', '.csv.gz', '.tsv', '.tsv.gz'],
  detect(_file, head) {
    const c = firstContentByte(head);
    if (c === 0x7b || c === 0x5b) return false;
    const nl = head.indexOf(0x0a);
    const firstLine = head.toString('utf8', 0, nl === -1 ? head.length : nl).replace(/^\ufeff/, '').trim();
    return /(^|[,\t;])\s*"?id"?\s*([,\t;]|$)/.test(firstLine);
  },
  async read(input: ReaderInput, sink: RecordSink) {
    const limit = input.options.maxLineBytes;
    let layout: Layout | undefined;
    let delimiter = ',';
    let noId = false;
    let rows = 0;
    /** Lines of a record whose quoted field spans lines. */
    let pending: string[] = [];
    let pendingStart = 0;
    let pendingBytes = 0;
    let quotes = 0;

    const handleRecord = (text: string, lineNo: number): void => {
      if (noId || text.trim() === '') return;
      if (layout === undefined) {
        delimiter = guessDelimiter(text);
        const header = parseCsvRecord(text, delimiter);
        layout = layoutOf(typeof header === 'string' ? [] : header.map((h) => h.trim()), input.options.splitField, input.loadOptions.idColumn ?? 'id');
        if (!layout) {
          noId = true;
          sink.note(lineNo, M.csvNoIdColumn(input.loadOptions.idColumn));
          return;
        }
        sink.setFormat(layout.models ? 'csv-wide' : 'csv-long');
        return;
      }
      rows++;
      const fields = parseCsvRecord(text, delimiter);
      if (typeof fields === 'string') {
        sink.reject(lineNo, M.csvMalformed(fields));
        return;
      }
      if (fields.length !== layout.header.length) {
        sink.reject(lineNo, M.csvFieldCount(fields.length, layout.header.length));
        return;
      }
      if (layout.fields) {
        const r = blankRecord();
        layout.fields.forEach((f, column) => {
          if (f !== undefined && fields[column] !== '') r[f] = cell(f, fields[column]!);
        });
        sink.record(r, lineNo);
        return;
      }
      for (const model of layout.models!) {
        if (model.columns.every(([column]) => fields[column]!.trim() === '')) continue;
        const r = blankRecord();
        r.id = fields[layout.idColumn];
        r.model = model.name;
        for (const [column, f] of layout.shared!) if (fields[column] !== '') r[f] = cell(f, fields[column]!);
        for (const [column, f] of model.columns) if (fields[column] !== '') r[f] = cell(f, fields[column]!);
        sink.record(r, lineNo);
      }
    };

    /** A quoted field opened on `pendingStart` never closed: report it, then read the lines after it on their own. */
    const flushUnclosed = (): void => {
      const lines = pending;
      const start = pendingStart;
      pending = [];
      pendingBytes = 0;
      quotes = 0;
      rows++;
      sink.reject(start, M.csvMalformed('a quoted field opened on this line is not closed'));
      lines.slice(1).forEach((text, k) => line(Buffer.from(text), 0, Buffer.byteLength(text), start + 1 + k));
    };

    const line = (buf: Buffer, start: number, end: number, lineNo: number): void => {
      const q = countQuotes(buf, start, end);
      if (pending.length === 0 && q % 2 === 0) {
        handleRecord(buf.toString('utf8', start, end), lineNo);
        return;
      }
      if (pending.length === 0) pendingStart = lineNo;
      pending.push(buf.toString('utf8', start, end));
      pendingBytes += end - start + 1;
      quotes += q;
      if (quotes % 2 === 0) {
        const text = pending.join('\n');
        const at = pendingStart;
        pending = [];
        pendingBytes = 0;
        quotes = 0;
        handleRecord(text, at);
      } else if (pendingBytes > limit) {
        flushUnclosed();
      }
    };

    await splitLines(input.chunks({ reuse: true }), limit, {
      line,
      tooLong(lineNo, bytes) {
        if (pending.length > 0) flushUnclosed();
        rows++;
        sink.reject(lineNo, M.lineTooLong(bytes, limit));
      },
    });
    if (pending.length > 0) flushUnclosed();
    if (layout !== undefined && rows === 0) sink.note(0, M.headerOnly());
    if (layout === undefined && !noId) sink.note(0, M.blankFile());
  },
};
