import type { RawRecord } from '../types.ts';
import { blankRecord, type RecordSink } from './sink.ts';
import { streamErrorText } from './input.ts';
import { splitLines } from './lines.ts';
import * as M from './messages.ts';
import { firstContentByte, type FormatReader, type ReaderInput } from './readers.ts';

/**
 * CSV in two layouts, told apart by the header:
 * - long: one row per record, columns `id, correct|score, confidence, cost|tokens_in+tokens_out`
 *   and optionally `model`, `split`, `latency_ms`, `prompt`, `tokens_reasoning` (or
 *   `reasoning_tokens`), `tokens_cached` (or `cache_read_tokens`);
 * - wide: one row per query, `id` plus `<model>.<field>` columns (split at the last dot, so
 *   model names may contain dots), and optional shared `split` and `prompt` columns.
 * The id column may have another name (the `idColumn` option). A quoted field may span
 * lines (RFC 4180) only in a file whose first rows do so; in any other file a quote is
 * bounded by the end of its line, so a broken quote costs one row, not the rows up to the
 * next quote. Each file's summary says which.
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
  tokens_reasoning: 'tokensReasoning',
  reasoning_tokens: 'tokensReasoning',
  tokens_cached: 'tokensCached',
  cache_read_tokens: 'tokensCached',
  latency_ms: 'latencyMs',
  prompt: 'prompt',
  response: 'response',
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
        if (q === -1) return UNCLOSED;
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

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n++;
  return n;
}

function guessDelimiter(headerLine: string): string {
  const count = (c: string): number => headerLine.split(c).length - 1;
  const commas = count(',');
  if (count('\t') > commas) return '\t';
  if (count(';') > commas) return ';';
  return ',';
}

/** Which record field each column fills: long (one record per row) or wide (`<model>.<field>` column groups). */
export interface Layout {
  readonly header: readonly string[];
  /** Long layout: record field per column index. */
  readonly fields?: readonly (keyof RawRecord | undefined)[];
  /** Wide layout: per model, its record field per column index; plus shared columns. */
  readonly models?: readonly { readonly name: string; readonly columns: readonly [number, keyof RawRecord][] }[];
  readonly shared?: readonly [number, keyof RawRecord][];
  readonly idColumn: number;
}

/** The layout a header describes; undefined without the id column. Shared with the Parquet reader. O(columns). */
export function layoutOf(header: readonly string[], splitField: string, idName: string): Layout | undefined {
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

const UNCLOSED = 'a quoted field is not closed';
const UNCLOSED_ONE_ROW_PER_LINE = 'a quoted field is not closed by the end of the line (this file has one row per line: no quoted field spans lines in its first rows)';

/** Lines (after the header) gathered before deciding whether quoted fields may span lines. */
const SAMPLE_LINES = 200;
const SAMPLE_CHARS = 256 * 1024;
/** Fewest lines a record of a multi-line file may span before its quote counts as broken. */
const MIN_MAX_SPAN = 100;

/**
 * How the first rows of a file use multi-line quoted fields: records whose quotes close on a
 * later line and that then make a well-formed row (`spanning`), and the most lines one took.
 * O(characters).
 */
export function multilineEvidence(lines: readonly string[], wellFormed: (row: string) => boolean): { spanning: number; longest: number } {
  let spanning = 0;
  let longest = 1;
  let open: string[] = [];
  let quotes = 0;
  for (const text of lines) {
    const q = countQuotes(text);
    if (open.length === 0 && q % 2 === 0) continue;
    open.push(text);
    quotes += q;
    if (quotes % 2 === 1) continue;
    if (wellFormed(open.join('\n'))) {
      spanning++;
      longest = Math.max(longest, open.length);
    }
    open = [];
    quotes = 0;
  }
  return { spanning, longest };
}

export const csvReader: FormatReader = {
  name: 'csv',
  extensions: ['.csv', '.csv.gz', '.tsv', '.tsv.gz'],
  detect(_file, head) {
    const c = firstContentByte(head);
    if (c === 0x7b || c === 0x5b) return false;
    const nl = head.indexOf(0x0a);
    const firstLine = head
      .toString('utf8', 0, nl === -1 ? head.length : nl)
      .replace(/^\ufeff/, '')
      .trim();
    return /(^|[,\t;])\s*"?id"?\s*([,\t;]|$)/.test(firstLine);
  },
  async read(input: ReaderInput, sink: RecordSink) {
    const limit = input.options.maxLineBytes;
    let layout: Layout | undefined;
    let delimiter = ',';
    let noId = false;
    let rows = 0;
    /**
     * Whether a quoted field may run over several lines: decided from the first rows
     * (`undefined` while they are gathered). Without multi-line fields a quote bounds at
     * the end of its line, so a broken quote costs its own row only.
     */
    let multiline: boolean | undefined;
    let sample: { text: string; lineNo: number }[] = [];
    let sampleBytes = 0;
    /** Most lines one record may span in a multi-line file. */
    let maxSpan = MIN_MAX_SPAN;
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
        sink.reject(lineNo, M.csvMalformed(fields === UNCLOSED && multiline === false ? UNCLOSED_ONE_ROW_PER_LINE : fields));
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

    /** A row that parses into as many fields as the header has. */
    const wellFormed = (text: string): boolean => {
      const fields = parseCsvRecord(text, delimiter);
      return typeof fields !== 'string' && fields.length === layout!.header.length;
    };

    // Lines still to read, in order; a multi-line record that turns out broken puts its lines after the first back here.
    const queue: { text: string; lineNo: number }[] = [];
    let reading = false;

    const resetPending = (): string[] => {
      const lines = pending;
      pending = [];
      pendingBytes = 0;
      quotes = 0;
      return lines;
    };

    /** The pending record cannot be a row: report its first line and read the lines after it on their own. */
    const rejectPending = (what: string): void => {
      const start = pendingStart;
      const lines = resetPending();
      rows++;
      sink.reject(start, M.csvMalformed(what));
      queue.unshift(...lines.slice(1).map((text, k) => ({ text, lineNo: start + 1 + k })));
    };

    const step = (text: string, lineNo: number): void => {
      const q = countQuotes(text);
      if (!multiline || (pending.length === 0 && q % 2 === 0)) {
        handleRecord(text, lineNo);
        return;
      }
      if (pending.length === 0) pendingStart = lineNo;
      pending.push(text);
      pendingBytes += Buffer.byteLength(text) + 1;
      quotes += q;
      if (quotes % 2 === 0) {
        const joined = pending.join('\n');
        if (wellFormed(joined)) {
          resetPending();
          handleRecord(joined, pendingStart);
        } else rejectPending(`a quoted field opened on this line closes on line ${lineNo}, and the lines between do not make one valid row (the lines after this one were read on their own)`);
      } else if (pending.length > maxSpan || pendingBytes > limit) {
        rejectPending(`a quoted field opened on this line is not closed within ${maxSpan} lines (the lines after this one were read on their own)`);
      }
    };

    /** Reads the queued lines, those put back included (a loop, so no file can nest calls deeply). */
    const drain = (): void => {
      if (reading) return;
      reading = true;
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) step(next.text, next.lineNo);
      reading = false;
    };
    const feed = (text: string, lineNo: number): void => {
      queue.push({ text, lineNo });
      drain();
    };

    /** Picks the mode from the rows gathered so far (after the header), says which, and reads them. */
    const decide = (): void => {
      const evidence = multilineEvidence(
        sample.map((l) => l.text),
        wellFormed,
      );
      multiline = evidence.spanning > 0;
      if (multiline) maxSpan = Math.max(MIN_MAX_SPAN, 10 * evidence.longest);
      sink.describe([multiline ? 'quoted fields span lines (as in the first rows)' : 'one row per line (no quoted field spans lines in the first rows)'], []);
      const lines = sample;
      sample = [];
      for (const l of lines) feed(l.text, l.lineNo);
    };

    const line = (text: string, lineNo: number): void => {
      if (noId) return;
      if (layout === undefined) {
        handleRecord(text, lineNo);
        return;
      }
      if (multiline !== undefined) {
        feed(text, lineNo);
        return;
      }
      sample.push({ text, lineNo });
      sampleBytes += text.length;
      if (sample.length >= SAMPLE_LINES || sampleBytes >= SAMPLE_CHARS) decide();
    };

    /** What is left at the end of the file: the rows gathered for the decision, a record still open. */
    const finish = (): void => {
      if (layout !== undefined && multiline === undefined) decide();
      while (pending.length > 0) {
        rejectPending('a quoted field opened on this line is not closed by the end of the file (the lines after this one were read on their own)');
        drain();
      }
    };

    let cut: { lineNo: number; partial: Buffer | undefined; error: unknown } | undefined;
    await splitLines(input.chunks({ reuse: true }), limit, {
      line: (buf, start, end, lineNo) => line(buf.toString('utf8', start, end), lineNo),
      tooLong(lineNo, bytes) {
        if (layout !== undefined && multiline === undefined) decide();
        // A record cannot continue over a line that was skipped.
        while (pending.length > 0) {
          rejectPending(`a quoted field opened on this line runs into line ${lineNo}, which is too long (the lines after this one were read on their own)`);
          drain();
        }
        rows++;
        sink.reject(lineNo, M.lineTooLong(bytes, limit));
      },
      streamError(lineNo, partial, error) {
        cut = { lineNo, partial, error };
      },
    });
    if (cut !== undefined) {
      // The file ends early: the incomplete line, and a record it would have continued, are incomplete rows.
      const { lineNo, partial, error } = cut;
      const detail = streamErrorText(error);
      const partialRow = partial === undefined || partial.toString('utf8').trim() !== '';
      if (layout !== undefined && multiline === undefined) decide();
      if (pending.length > 0) {
        const start = pendingStart;
        resetPending();
        rows++;
        sink.reject(start, M.cutShortRow(detail));
      } else if (partialRow && !noId && layout !== undefined) {
        rows++;
        sink.reject(lineNo, M.cutShortLine(detail));
      } else if (partialRow && layout === undefined) {
        sink.note(lineNo, M.cutShortLine(detail));
      } else sink.note(lineNo - 1, M.corruptStream(lineNo - 1, detail));
    }
    finish();
    if (layout !== undefined && rows === 0) sink.note(0, M.headerOnly());
    if (layout === undefined && !noId) sink.note(0, M.blankFile());
  },
};
