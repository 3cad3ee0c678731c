import { constants, gunzipSync } from 'node:zlib';
import { detectHarness, HARNESS_HEAD_BYTES } from '../adapters/index.ts';
import { modelNameOfFile } from './readFiles.ts';

/** What the first bytes of a file say about it, before anything reads the whole file. */
export interface EvalFileSniff {
  /** True when the file looks like per-query eval results the loader reads. */
  readonly evalResults: boolean;
  /** `jsonl`, `csv`, or the harness that wrote it (its adapter's label). */
  readonly format?: string;
  /** The model its first record (or, failing that, its name) names; absent when a file holds several or says nothing. */
  readonly model?: string;
}

/** Bytes to read from the start of a file for {@link sniffEvalFile}. */
export const SNIFF_BYTES = HARNESS_HEAD_BYTES;

/** Companion files (aggregate results beside per-sample files) and suite summaries carry no per-query results themselves. */
const COMPANIONS = /-companion$|^lm-eval-results$|^summary-file$/;

const NOT_EVAL: EvalFileSniff = { evalResults: false };

/**
 * A cheap look at the head of a file (up to {@link SNIFF_BYTES}, gzip undone as far as it
 * goes): a harness output recognised by content, a JSON Lines file whose first record has an
 * `id` and `correct` or `score`, or a CSV/TSV whose header has `correct`/`score` columns (long
 * or `<model>.<field>` wide). Never throws. O(head).
 */
export function sniffEvalFile(file: string, head: Uint8Array): EvalFileSniff {
  let bytes = head;
  let name = file;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return NOT_EVAL;
    }
    name = file.replace(/\.gz$/i, '');
  }
  const harness = detectHarness(name, bytes);
  if (harness.kind === 'match' && harness.by === 'content') {
    return COMPANIONS.test(harness.adapter.name) ? { evalResults: false, format: harness.adapter.label } : { evalResults: true, format: harness.adapter.label };
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, SNIFF_BYTES))
    .toString('utf8')
    .replace(/^\ufeff/, '');
  const start = text.search(/\S/);
  if (start < 0) return NOT_EVAL;
  const end = text.indexOf('\n', start);
  const first = text.slice(start, end < 0 ? undefined : end).trim();
  if (first.startsWith('{')) return sniffJsonRecord(file, first);
  if (/\.(csv|tsv)(\.gz)?$/i.test(file)) return sniffCsvHeader(file, first);
  return NOT_EVAL;
}

function sniffJsonRecord(file: string, line: string): EvalFileSniff {
  let record: Record<string, unknown> | undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (value && typeof value === 'object' && !Array.isArray(value)) record = value as Record<string, unknown>;
  } catch {
    // A first line longer than the head: look for the keys in what there is.
  }
  const has = (key: string) => (record ? key in record : new RegExp(`[{,]\\s*"${key}"\\s*:`).test(line));
  if (!has('id') || !(has('correct') || has('score'))) return NOT_EVAL;
  const model = record && typeof record.model === 'string' && record.model !== '' ? record.model : record && 'model' in record ? undefined : modelNameOfFile(file);
  return { evalResults: true, format: 'jsonl', ...(model !== undefined ? { model } : {}) };
}

function sniffCsvHeader(file: string, header: string): EvalFileSniff {
  const columns = header.split(/[,\t;]/).map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
  const long = columns.some((c) => c === 'correct' || c === 'score');
  const wide = columns.some((c) => /\.(correct|score)$/.test(c));
  if (!long && !wide) return NOT_EVAL;
  const perModel = long && !columns.includes('model');
  return { evalResults: true, format: 'csv', ...(perModel ? { model: modelNameOfFile(file) } : {}) };
}
