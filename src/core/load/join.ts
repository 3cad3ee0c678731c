/**
 * The join: the models' columns joined on \`id\` into the dataset (queries missing for some
 * model dropped and counted, split labels coded, prompts and embeddings kept per query), and
 * the summary of each file.
 */
import type { Dataset, FileSummary, InputIssue, ModelColumns, TokenColumn } from '../types.ts';
import { columnRows } from '../sharedColumns.ts';
import * as M from './messages.ts';
import { copiedOnFirstRead, mapModelColumns, tokenRows } from '../split.ts';
import { NO_LINE, type CollectorInternals, type ModelBuilder } from './columns.ts';
import type { IdTable } from './idTable.ts';
import { costAccounting } from './costChecks.ts';

// The passes over every query are small functions of their own: the engine optimises them soon
// after their first call, a loop in the long function below only late.

/** Adds 1 to `presentIn[q]` for each of the first `total` queries the model has a line for. O(total). */
function countPresent(line: ArrayLike<number>, total: number, presentIn: Uint16Array): void {
  for (let q = 0; q < total; q++) if (line[q] !== NO_LINE) presentIn[q]!++;
}

/** How many queries some model has and this one (`line`) lacks; the first three into `examples`. O(total). */
function missingQueries(line: ArrayLike<number>, presentIn: Uint16Array, total: number, examples: number[]): number {
  let missing = 0;
  for (let q = 0; q < total; q++) {
    if (line[q] === NO_LINE && presentIn[q]! > 0) {
      if (missing++ < 3) examples.push(q);
    }
  }
  return missing;
}

/** The first query from `from` on that the model has a line for and no confidence, or `total`. O(total - from). */
function nextWithoutConfidence(line: ArrayLike<number>, confidence: Float64Array, from: number, total: number): number {
  for (let q = from; q < total; q++) if (line[q] !== NO_LINE && Number.isNaN(confidence[q])) return q;
  return total;
}

/** How many of the first `total` values are `k`. O(total). */
function countEqual(values: Uint16Array, total: number, k: number): number {
  let n = 0;
  for (let q = 0; q < total; q++) if (values[q] === k) n++;
  return n;
}

/** The positions among the first `total` whose value is `k`, in order, into `out`. O(total). */
function positionsEqual(values: Uint16Array, total: number, k: number, out: Uint32Array): void {
  for (let q = 0, j = 0; q < total; q++) if (values[q] === k) out[j++] = q;
}

/**
 * Joins the models on `id` (queries missing for some model are dropped, with one
 * warning per model), reports models without any usable record and builds the dataset.
 * O(n k).
 */
export function joinCollection(c: CollectorInternals): { dataset: Dataset; issues: InputIssue[]; files: FileSummary[] } {
  settleConfidence(c);
  const usable: ModelBuilder[] = [];
  for (const m of c.modelList) {
    if (m.accepted > 0) usable.push(m);
    else c.log.add(m.firstFile, 0, M.noGoodRecords(m.name, m.rejected));
  }

  const total = c.idTable.count;
  const presentIn = new Uint16Array(total);
  for (const m of usable) countPresent(m.line, total, presentIn);
  const k = usable.length;
  for (const m of usable) {
    const examples: number[] = [];
    const missing = missingQueries(m.line, presentIn, total, examples);
    if (missing > 0)
      c.log.add(
        m.firstFile,
        0,
        M.missingQueries(
          m.name,
          missing,
          examples.map((q) => c.idTable.idAt(q)),
        ),
      );
  }
  const costs = costAccounting(c, usable, total);
  const n = countEqual(presentIn, total, k);
  if (k > 0 && n === 0 && c.files.length > 0) c.log.add(0, 0, M.noJointQueries());

  // Query numbers of the joint set; when nothing was dropped the columns are used as they are.
  const all = n === total;
  const keep = all ? undefined : new Uint32Array(n);
  if (keep) positionsEqual(presentIn, total, k, keep);
  const pick = <T>(values: readonly T[]): T[] => (keep ? Array.from(keep, (q) => values[q]!) : values.slice(0, total));
  const column = (a: Float64Array): Float64Array => (keep ? columnRows(a, keep) : a.subarray(0, n));
  const tokens = (a: TokenColumn): TokenColumn => (keep ? tokenRows(a, keep) : a.subarray(0, n));

  // Answer texts are kept sparsely while reading: give them one entry per query.
  for (const m of usable) if (m.responses) m.responses = Array.from({ length: total }, (_, q) => m.responses![q]);
  const models: ModelColumns[] = usable
    .slice()
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((m) => mapModelColumns(m, column, pick, tokens));

  const dataset: { -readonly [K in keyof Dataset]: Dataset[K] } = { n, ids: [], models };
  // The ids' strings are made when first read: the analysis never reads them, and at 1M queries
  // making them took the calling thread about 0.2 s with the garbage collections they caused.
  copiedOnFirstRead(dataset, 'ids', joinedIds(c.idTable, keep, total));
  const idOf = (i: number): string => c.idTable.idAt(keep ? keep[i]! : i);
  if (c.splitNames.length > 0) {
    const codes = keep ? Uint8Array.from(keep, (q) => c.splitCodes[q]!) : c.splitCodes.slice(0, n);
    const names = c.splitNames.slice();
    const unlabelled: string[] = [];
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (codes[i] === 0) {
        if (count++ < 3) unlabelled.push(idOf(i));
        codes[i] = names.length + 1;
      }
    }
    if (count > 0) {
      names.push('');
      c.log.add(0, 0, M.missingSplit(c.options.splitField, count, unlabelled));
    }
    for (let i = 0; i < n; i++) codes[i]!--;
    dataset.splitCodes = codes;
    dataset.splitNames = names;
  }
  if (c.prompts || c.undecodablePrompts.size > 0) {
    const prompts = c.prompts ?? [];
    dataset.prompts = keep ? Array.from(keep, (q) => prompts[q]) : Array.from({ length: n }, (_, q) => prompts[q]);
    // Queries left without a prompt because theirs could not be decoded (another model's may have been).
    if (c.undecodablePrompts.size > 0) {
      const lost = Uint8Array.from(dataset.prompts, (p, i) => (p === undefined && c.undecodablePrompts.has(keep ? keep[i]! : i) ? 1 : 0));
      if (lost.includes(1)) dataset.undecodablePrompts = lost;
    }
  }
  if (c.embeddings) {
    const embeddings = c.embeddings;
    dataset.embeddings = keep ? Array.from(keep, (q) => embeddings[q]) : Array.from({ length: n }, (_, q) => embeddings[q]);
  }

  const files: FileSummary[] = c.files.map((f, i) => {
    const derived = f.derived.slice();
    const records = (n: number): string => `${n} ${n === 1 ? 'record' : 'records'}`;
    if (f.costFromTokens > 0) derived.push(`cost from tokens_in/tokens_out x price table (${records(f.costFromTokens)})`);
    if (f.reasoningAtRate > 0) derived.push(`reasoning tokens (within tokens_out) priced at the entry's reasoning rate (${records(f.reasoningAtRate)})`);
    if (f.reasoningAsOutput > 0) derived.push(`reasoning tokens (within tokens_out) priced as output tokens: the entry has no reasoning rate (${records(f.reasoningAsOutput)})`);
    if (f.cachedAtRate > 0) derived.push(`cached input tokens (within tokens_in) priced at the entry's cache-read rate (${records(f.cachedAtRate)})`);
    if (f.cachedAsInput > 0) derived.push(`cached input tokens (within tokens_in) priced as input tokens: the entry has no cache-read rate (${records(f.cachedAsInput)})`);
    if (f.qualityFromScore > 0) derived.push(`quality from "score" (${records(f.qualityFromScore)})`);
    if (f.tokensEstimated > 0) derived.push(`tokens estimated as characters / 4 of the prompt (input) and the answer (output) (${records(f.tokensEstimated)})`);
    const missing = f.missing.slice();
    if (f.records > 0) {
      if (!f.seen.latency) missing.push('latency_ms');
      if (!f.seen.tokens) missing.push('tokens_in/tokens_out');
      if (!f.seen.split) missing.push(c.options.splitField);
      if (!f.seen.prompt) missing.push('prompt');
      if (!f.seen.confidence && !missing.some((x) => x.startsWith('confidence'))) missing.push('confidence');
    }
    return { file: f.path, format: f.format, models: [...f.models].sort(), records: f.records, rejected: f.rejected, derived, missing, ...(costs[i]!.length > 0 ? { costs: costs[i] } : {}) };
  });
  return { dataset, issues: c.log.sorted((i) => c.files[i]!.models.size > 1), files };
}

/**
 * The ids of the joined queries (`keep`, else the first `total`), made when called. A function
 * of its own, so that it holds the id table alone: a closure made in `joinCollection` would
 * share its scope, and with it the collector, for as long as the dataset lives.
 */
function joinedIds(table: IdTable, keep: Uint32Array | undefined, total: number): () => string[] {
  return () => (keep ? Array.from(keep, (q) => table.idAt(q)) : table.ids.slice(0, total));
}

/**
 * A model's confidence is on every record or on none. A model none of whose records has one is
 * marked `none` (its column zeroed: it is read without a confidence); in a model where some
 * records have one, the records without are rejected (and those rejected for other reasons get
 * this problem too), each at its line. O(n k).
 */
function settleConfidence(c: CollectorInternals): void {
  const total = c.idTable.count;
  for (const m of c.modelList) {
    if (!m.confidenceSeen) {
      if (m.accepted > 0) {
        m.confidenceSource = 'none';
        m.confidence.fill(0);
      }
      continue;
    }
    const problem = M.partlyMissingConfidence(m.name);
    for (let i = 0; i < m.rejectedWithoutConfidence.length; i += 2) c.log.add(m.rejectedWithoutConfidence[i]!, m.rejectedWithoutConfidence[i + 1]!, problem);
    for (let q = nextWithoutConfidence(m.line, m.confidence, 0, total); q < total; q = nextWithoutConfidence(m.line, m.confidence, q + 1, total)) {
      const file = m.file[q]!;
      c.log.add(file, m.line[q]! - 1, problem);
      m.line[q] = NO_LINE;
      m.accepted--;
      m.rejected++;
      c.files[file]!.records--;
      c.files[file]!.rejected++;
    }
  }
}
