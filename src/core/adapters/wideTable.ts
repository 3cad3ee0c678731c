/**
 * Wide per-query tables with one column group per model:
 * - RouterBench style: `<model>` (quality), `<model>|total_cost`, `<model>|confidence`,
 *   `<model>|model_response`, ... beside `sample_id`, `prompt`, `eval_name`
 *   (the layout of the RouterBench release tables, withmartian/routerbench).
 * - RouteLLM style: a `prompt` column and one 0/1 or true/false column per model, no id
 *   column (the response tables of lm-sys/RouteLLM `routellm/evals`): the id is a hash of the prompt.
 */
import { parse } from 'csv-parse/sync';
import type { RawRecord } from '../types.ts';
import type { AdapterIssue, AdapterOptions, AdapterResult, DetectStrength, HarnessAdapter, PlacedRecord } from './types.ts';
import { baseName, decodeText, headText, makeIssue, shortHash, toNumber } from './util.ts';

const FORMAT = 'wide-table';
/** Columns a wide table names its queries by, in order of preference. */
export const ID_COLUMNS = ['sample_id', 'id', 'query_id', 'question_id'];
/** Per-model column suffixes after `|`, and the record field each one fills. */
export const SUFFIXES: Record<string, 'cost' | 'confidence' | 'latencyMs' | 'tokensIn' | 'tokensOut' | 'tokensReasoning' | 'tokensCached'> = {
  total_cost: 'cost',
  cost: 'cost',
  confidence: 'confidence',
  latency_ms: 'latencyMs',
  tokens_in: 'tokensIn',
  input_tokens: 'tokensIn',
  tokens_out: 'tokensOut',
  output_tokens: 'tokensOut',
  reasoning_tokens: 'tokensReasoning',
  cache_read_tokens: 'tokensCached',
};

function splitHeader(line: string): string[] {
  const delimiter = line.includes('\t') && !line.includes(',') ? '\t' : ',';
  try {
    const rows = parse(line, { delimiter, relax_quotes: true }) as string[][];
    return rows[0] ?? [];
  } catch {
    return line.split(delimiter);
  }
}

function detect(file: string, head: Uint8Array): DetectStrength {
  if (!/\.(csv|tsv)$/i.test(baseName(file))) return 'none';
  const header = splitHeader(headText(head, 65536).split(/\r?\n/, 1)[0]);
  if (header.some((h) => /\|(total_cost|confidence|model_response|cost)$/.test(h.trim()))) return 'content';
  // Prompt-keyed 0/1 columns: no id and no model column, which per-query CSV records would have.
  const names = header.map((h) => h.trim());
  return names.includes('prompt') && !names.some((n) => n === 'model' || ID_COLUMNS.includes(n)) ? 'content' : 'none';
}

/** A cell as a record value: booleans and numbers converted, empty cells absent. */
function cellValue(cell: string | undefined): unknown {
  if (cell === undefined) return undefined;
  const t = cell.trim();
  if (t === '') return undefined;
  if (/^true$/i.test(t)) return true;
  if (/^false$/i.test(t)) return false;
  return toNumber(t) ?? t;
}

function isQualityLike(cell: string): boolean {
  const v = cellValue(cell);
  return v === undefined || typeof v === 'boolean' || (typeof v === 'number' && v >= 0 && v <= 1);
}

function read(file: string, bytes: Uint8Array, options: AdapterOptions): AdapterResult {
  const issues: AdapterIssue[] = [];
  const derived: string[] = [];
  const missing: string[] = [];
  const text = decodeText(bytes);
  const firstLine = text.split(/\r?\n/, 1)[0];
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { delimiter, info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as typeof rows;
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    issues.push(makeIssue(file, e.lines ?? 0, 'error', 'wide-malformed-csv', `not a readable CSV table (${e.message ?? String(error)}); fix the quoting on that line`));
    return { format: FORMAT, models: [], records: [], issues, derived, missing };
  }
  if (rows.length < 2) {
    issues.push(makeIssue(file, 0, 'error', 'wide-no-rows', 'the table has a header but no rows'));
    return { format: FORMAT, models: [], records: [], issues, derived, missing };
  }
  const header = rows[0].record.map((h) => h.trim());
  const column = new Map(header.map((h, i) => [h, i]));
  const body = rows.slice(1);

  // Models: columns with `<model>|...` companions, else (RouteLLM style) 0/1 columns.
  const piped = header.filter((h) => h.includes('|'));
  let models: string[];
  if (piped.length > 0) {
    models = [...new Set(piped.map((h) => h.slice(0, h.lastIndexOf('|'))))].filter((m) => column.has(m));
    const orphans = [...new Set(piped.map((h) => h.slice(0, h.lastIndexOf('|'))))].filter((m) => !column.has(m));
    if (orphans.length > 0) {
      issues.push(
        makeIssue(file, 1, 'warning', 'wide-orphan-columns', `columns for ${orphans.map((m) => `"${m}"`).join(', ')} have no quality column "<model>" of the same name; those models are not read`),
      );
    }
    derived.push('models from <model> / <model>|... column groups');
  } else {
    const reserved = new Set(['prompt', 'split', options.splitField ?? 'split', options.idColumn ?? '', ...ID_COLUMNS]);
    models = header.filter((h, i) => h !== '' && !reserved.has(h) && body.every((r) => isQualityLike(r.record[i] ?? '')) && body.some((r) => cellValue(r.record[i]) !== undefined));
    derived.push('models from the 0/1 columns (RouteLLM style)');
  }
  if (models.length === 0) {
    issues.push(
      makeIssue(file, 1, 'error', 'wide-no-models', 'no model columns: a wide table needs a quality column per model ("<model>", with "<model>|total_cost" and "<model>|confidence" beside it)'),
    );
    return { format: FORMAT, models: [], records: [], issues, derived, missing };
  }

  // The id: the configured column, a usual id column, else a hash of the prompt text.
  let idIndex: number | undefined;
  let idFromPrompt = false;
  if (options.idColumn !== undefined) {
    idIndex = column.get(options.idColumn);
    if (idIndex === undefined) {
      issues.push(makeIssue(file, 1, 'error', 'wide-no-id-column', `id column "${options.idColumn}" is not in the header (${header.join(', ')}); pass one of its columns as --id-column`));
      return { format: FORMAT, models, records: [], issues, derived, missing };
    }
    derived.push(`id from column "${options.idColumn}"`);
  } else {
    const name = ID_COLUMNS.find((c) => column.has(c));
    if (name !== undefined) {
      idIndex = column.get(name);
      derived.push(`id from column "${name}"`);
    } else if (column.has('prompt')) {
      idIndex = column.get('prompt');
      idFromPrompt = true;
      derived.push('id = hash of the prompt text (no id column)');
    } else {
      issues.push(makeIssue(file, 1, 'error', 'wide-no-id-column', `no id column (${ID_COLUMNS.join(', ')}) and no prompt column to hash; pass the column that names each query as --id-column`));
      return { format: FORMAT, models, records: [], issues, derived, missing };
    }
  }
  const promptIndex = column.get('prompt');
  const splitIndex = column.get(options.splitField ?? 'split');
  // Each model's answer text: `<model>|response` or `<model>|model_response` (RouterBench), or `<model>_response`.
  const responseIndex = new Map<string, number>();
  if (options.keepResponses || options.estimateTokens) {
    for (const model of models) {
      const i = column.get(`${model}|response`) ?? column.get(`${model}|model_response`) ?? column.get(`${model}_response`);
      if (i !== undefined) responseIndex.set(model, i);
    }
  }

  // First line of each row: the line after the previous row's last line, past blank lines.
  const blank = text.split('\n').map((l) => l.trim() === '');
  const records: PlacedRecord[] = [];
  const emptyCells = new Map<string, number>();
  const fieldsSeen = new Set<string>();
  let previousEnd = rows[0].info.lines;
  for (const row of body) {
    let line = previousEnd + 1;
    while (line <= row.info.lines && blank[line - 1]) line++;
    previousEnd = row.info.lines;
    const cells = row.record;
    const rawId = idIndex !== undefined ? cells[idIndex] : undefined;
    if (rawId === undefined || rawId.trim() === '') {
      issues.push(makeIssue(file, line, 'error', 'wide-no-id', `row has no ${idFromPrompt ? 'prompt' : 'id'}; every row needs one`));
      continue;
    }
    const id = idFromPrompt ? `prompt-${shortHash(rawId)}` : rawId.trim();
    const prompt =
      (options.keepPrompts !== false || options.estimateTokens) && promptIndex !== undefined && cells[promptIndex] !== undefined && cells[promptIndex] !== '' ? cells[promptIndex] : undefined;
    const split = splitIndex !== undefined ? cellValue(cells[splitIndex]) : undefined;
    for (const model of models) {
      const quality = cellValue(cells[column.get(model)!]);
      if (quality === undefined) {
        emptyCells.set(model, (emptyCells.get(model) ?? 0) + 1);
        continue;
      }
      const extra: Record<string, unknown> = {};
      for (const [suffix, field] of Object.entries(SUFFIXES)) {
        const i = column.get(`${model}|${suffix}`);
        if (i === undefined || extra[field] !== undefined) continue;
        const v = cellValue(cells[i]);
        if (v !== undefined) {
          extra[field] = v;
          fieldsSeen.add(`${field} from <model>|${suffix}`);
        }
      }
      const r = responseIndex.get(model);
      const response = r !== undefined && cells[r] !== undefined && cells[r] !== '' ? cells[r] : undefined;
      if (response !== undefined) fieldsSeen.add('answer text from <model>|response or <model>_response');
      const record: RawRecord = {
        model,
        id,
        ...(typeof quality === 'boolean' ? { correct: quality } : { score: quality }),
        ...extra,
        ...(split !== undefined ? { split } : {}),
        ...(prompt !== undefined ? { prompt } : {}),
        ...(response !== undefined ? { response } : {}),
      };
      records.push({ line, record });
    }
  }
  for (const [model, count] of emptyCells) {
    issues.push(makeIssue(file, 0, 'warning', 'wide-empty-cells', `${count} row(s) have an empty "${model}" cell: those queries are missing for ${model}`));
  }
  derived.push('quality from the <model> column');
  derived.push(...[...fieldsSeen].sort());
  const has = (field: string): boolean => [...fieldsSeen].some((f) => f.startsWith(`${field} `));
  if (!has('cost') && !has('tokensIn') && !has('tokensOut')) {
    missing.push(
      options.estimateTokens && (promptIndex !== undefined || responseIndex.size > 0)
        ? 'cost: no <model>|total_cost or token columns (tokens estimated from the texts)'
        : 'cost: no <model>|total_cost or token columns',
    );
  }
  if (!has('confidence')) missing.push('confidence: no <model>|confidence columns');
  return { format: FORMAT, models, records, issues, derived, missing };
}

export const wideTableAdapter: HarnessAdapter = {
  name: FORMAT,
  label: 'wide table (RouterBench <model>|total_cost columns, or RouteLLM prompt-keyed 0/1 columns)',
  detect,
  read,
};
