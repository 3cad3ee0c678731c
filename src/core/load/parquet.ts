/**
 * Parquet tables of per-query results, as pandas (`DataFrame.to_parquet`, Snappy by default) or
 * Hugging Face datasets write them, read like CSV:
 * - long: one row per record, columns `id, correct|score, confidence, cost|tokens_in+tokens_out`
 *   and optionally `model`, `split`, `latency_ms`, `prompt`, `response`, `embedding`;
 * - wide, one row per query: `<model>.<field>` column groups (as the CSV reader), or RouterBench's
 *   `<model>` (quality) with `<model>|total_cost`, `<model>|confidence`, `<model>|response`
 *   beside an id column (`sample_id`, `id`, `query_id`, `question_id`, or `--id-column`).
 * Values keep their Parquet types (a DOUBLE `-inf` is `-Infinity`, INT64 becomes a number). The
 * file is read whole (Parquet keeps its schema at the end) by hyparquet, a reader in plain
 * JavaScript, with its decompressors (Snappy, Gzip, Zstandard, Brotli, LZ4), so nothing depends
 * on the platform. A row's place in messages is its row number, 1-based, in the line's stead.
 */
import type { RawRecord } from '../types.ts';
import { ID_COLUMNS, SUFFIXES } from '../adapters/wideTable.ts';
import { layoutOf } from './csv.ts';
import * as M from './messages.ts';
import type { FormatReader, ReaderInput } from './readers.ts';
import { blankRecord, type MutableRawRecord, type RecordSink } from './sink.ts';

/** `PAR1`, at the start and the end of every Parquet file. */
const MAGIC = [0x50, 0x41, 0x52, 0x31];

/** True when the bytes start like a Parquet file. */
export const isParquet = (head: Uint8Array): boolean => head.length >= 4 && MAGIC.every((b, i) => head[i] === b);

/** A value as a record field takes it: numbers (INT64 too), booleans, strings and arrays; absent for null, dates and the rest. */
function value(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if (Array.isArray(v)) return v.map(value);
  return undefined;
}

/** The RouterBench layout: models are the columns `<m>` that have `<m>|...` companions. */
function pipeLayout(columns: readonly string[], idName: string | undefined): { models: string[]; id: string | undefined } | undefined {
  const names = new Set(columns);
  const models = [...new Set(columns.filter((c) => c.includes('|')).map((c) => c.slice(0, c.lastIndexOf('|'))))].filter((m) => names.has(m));
  if (models.length === 0) return undefined;
  const id = idName !== undefined ? (names.has(idName) ? idName : undefined) : ID_COLUMNS.find((c) => names.has(c));
  return { models, id };
}

export const parquetReader: FormatReader = {
  name: 'parquet',
  extensions: ['.parquet'],
  detect: (_file, head) => isParquet(head),
  async read(input: ReaderInput, sink: RecordSink) {
    const parts: Buffer[] = [];
    for await (const chunk of input.chunks()) parts.push(chunk);
    const bytes = Buffer.concat(parts);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    let rows: Record<string, unknown>[];
    let columns: string[];
    try {
      const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
      const { compressors } = await import('hyparquet-compressors');
      const metadata = parquetMetadata(file);
      // The root's children are the top-level columns.
      const root = metadata.schema[0];
      columns = metadata.schema.slice(1, 1 + (root?.num_children ?? 0)).map((s) => s.name);
      rows = (await parquetReadObjects({ file, metadata, compressors })) as Record<string, unknown>[];
    } catch (e) {
      sink.note(0, M.parquetUnreadable(e instanceof Error ? e.message : String(e)));
      return;
    }
    const splitField = input.options.splitField;
    const idColumn = input.loadOptions.idColumn;
    const dotLayout = layoutOf(columns, splitField, idColumn ?? 'id');
    const pipe = pipeLayout(columns, idColumn);
    if (rows.length === 0) {
      sink.note(0, M.parquetNoRows());
      return;
    }
    if (pipe && (pipe.id !== undefined || !dotLayout)) {
      if (pipe.id === undefined) {
        sink.note(0, M.parquetNoIdColumn(columns, idColumn));
        return;
      }
      readPipeWide(rows, pipe.models, pipe.id, input, sink);
      return;
    }
    if (!dotLayout) {
      sink.note(0, M.parquetNoIdColumn(columns, idColumn));
      return;
    }
    sink.setFormat(dotLayout.models ? 'parquet-wide' : 'parquet-long');
    rows.forEach((row, i) => {
      const get = (column: number): unknown => value(row[columns[column]!]);
      if (dotLayout.fields) {
        const r = blankRecord();
        dotLayout.fields.forEach((f, column) => {
          if (f !== undefined) r[f] = get(column);
        });
        sink.record(r, i + 1);
        return;
      }
      for (const model of dotLayout.models!) {
        if (model.columns.every(([column]) => get(column) === undefined)) continue;
        const r = blankRecord();
        r.id = get(dotLayout.idColumn);
        r.model = model.name;
        for (const [column, f] of dotLayout.shared!) r[f] = get(column);
        for (const [column, f] of model.columns) r[f] = get(column);
        sink.record(r, i + 1);
      }
    });
  },
};

/** RouterBench-style rows: one record per model with a quality value, its `<model>|...` columns beside. */
function readPipeWide(rows: readonly Record<string, unknown>[], models: readonly string[], idColumn: string, input: ReaderInput, sink: RecordSink): void {
  sink.setFormat('parquet-wide');
  const keepTexts = input.loadOptions.keepResponses === true || input.loadOptions.estimateTokens === true;
  const splitField = input.options.splitField;
  const derived = new Set<string>([`id from column "${idColumn}"`, 'quality from the <model> column']);
  rows.forEach((row, i) => {
    for (const model of models) {
      const quality = value(row[model]);
      if (quality === undefined) continue;
      const r: MutableRawRecord = blankRecord();
      r.model = model;
      r.id = value(row[idColumn]);
      if (typeof quality === 'boolean') r.correct = quality;
      else r.score = quality;
      for (const [suffix, field] of Object.entries(SUFFIXES)) {
        const v = value(row[`${model}|${suffix}`]);
        if (v === undefined || r[field] !== undefined) continue;
        (r as Record<keyof RawRecord, unknown>)[field] = v;
        derived.add(`${field} from <model>|${suffix}`);
      }
      r.split = value(row[splitField]);
      r.prompt = value(row.prompt);
      if (keepTexts) r.response = value(row[`${model}|response`] ?? row[`${model}|model_response`] ?? row[`${model}_response`]);
      sink.record(r, i + 1);
    }
  });
  sink.describe([...derived], []);
}
