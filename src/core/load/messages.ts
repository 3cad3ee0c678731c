/**
 * Every message the loader can give, in one place, so the wording stays consistent and
 * each test can assert a text exactly. A message says what is wrong and how to fix it,
 * without the `file:line:` prefix (see `formatIssue`).
 *
 * Each builder returns a `Problem`: a stable `code` (used to group repeats of the same
 * problem in one file) and the text.
 */

import { ambiguousPriceMessage, type PriceLookup } from '../prices/index.ts';
import type { PriceTable } from '../types.ts';
import { significant } from '../format/plain.ts';

export interface Problem {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** `cost`: a cost accounting warning (the records are used; their costs may not be what the calls cost). */
  readonly kind?: 'cost';
}

const FIX_RECORD = 'Fix the value or remove the record.';

/** A problem of the given code; readers and adapters use it for their own format-specific messages. */
export const makeProblem = (code: string, severity: 'error' | 'warning', message: string): Problem => ({ code, severity, message });
const error = (code: string, message: string): Problem => makeProblem(code, 'error', message);
const warning = (code: string, message: string): Problem => makeProblem(code, 'warning', message);

/** A short, unambiguous rendering of a value read from a file. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const quoteList = (values: readonly string[]): string => values.map((v) => JSON.stringify(v)).join(', ');

// ---- Whole-line problems (the record was not read) ----

export const malformedJson = (column: number, hint: string): Problem => error('malformed-json', `malformed JSON at column ${column}: ${hint}. Fix the line so that it holds one complete JSON object.`);

export const notAnObject = (kind: string): Problem =>
  error('not-an-object', `the line holds a JSON ${kind}, not an object. Write one JSON object per line, e.g. {"id": "q1", "correct": 1, "confidence": -0.2, "cost": 0.0001}.`);

export const lineTooLong = (bytes: number, limit: number): Problem =>
  error('line-too-long', `the line is ${bytes} bytes long, over the limit of ${limit} bytes; it was skipped. Split the record or raise the line limit (maxLineBytes).`);

export const unreadableLine = (detail: string): Problem => error('unreadable-line', `the line could not be read (${detail}); it was skipped. Check that it holds one JSON object.`);

// ---- Missing or invalid fields (the record was not used) ----

export const missingId = (): Problem => error('missing-id', `"id" is missing; every record needs an "id" to join the models on. Add it or remove the record.`);

export const invalidId = (value: unknown): Problem => error('invalid-id', `"id" is ${showValue(value)}; an id must be a non-empty string or a number. ${FIX_RECORD}`);

export const invalidModel = (value: unknown): Problem =>
  error('invalid-model', `"model" is ${showValue(value)}; a model name must be a non-empty string. Fix the value, or remove the field to name the model after the file.`);

export const missingQuality = (): Problem =>
  error('missing-quality', `neither "correct" nor "score" is present; every record needs "correct" (true/false or 1/0) or "score" (a number from 0 to 1). Add one or remove the record.`);

export const missingConfidence = (field: string): Problem =>
  error('missing-confidence', `"${field}" is missing; every record needs a numeric "${field}" (higher = more confident). Add it or remove the record.`);

/** A record without a confidence in a model whose other records have one (a model with none at all is read without confidence). */
export const partlyMissingConfidence = (model: string): Problem =>
  error(
    'missing-confidence',
    `"confidence" is missing, but other records of model ${JSON.stringify(model)} have one; a model's confidence must be on every record or on none. Add it, or remove the record (a model with no confidence on any record is read as one without a confidence).`,
  );

/** `hasText`: the record holds its prompt or answer text, which `--estimate-tokens` (config `estimateTokens: true`) can turn into token counts. */
export const missingCost = (hasText = false): Problem =>
  error(
    'missing-cost',
    `neither "cost" nor "tokens_in"/"tokens_out" is present; every record needs a "cost" in dollars, or token counts and a price table. ${
      hasText
        ? 'The record has its prompt or answer text: `--estimate-tokens --prices FILE` (in a cascade config `estimateTokens: true` with `prices`) prices it from characters / 4 as tokens. Or add a "cost", or remove the record.'
        : 'Add one or remove the record.'
    }`,
  );

export const missingTokenPair = (present: string, absent: string): Problem =>
  error('missing-token-count', `"${present}" is present but "${absent}" is missing, and there is no "cost"; give both token counts or a "cost". ${FIX_RECORD}`);

export const notANumber = (field: string, value: unknown): Problem => error('not-a-number', `"${field}" is ${showValue(value)}, not a number; write a plain number such as 0.25. ${FIX_RECORD}`);

export const notFinite = (field: string, value: number): Problem => error('not-finite', `"${field}" is ${String(value)}; it must be a finite number. ${FIX_RECORD}`);

export const negativeCost = (field: string, value: number): Problem => error('negative-cost', `"${field}" is ${String(value)}; a cost must be a non-negative number of dollars. ${FIX_RECORD}`);

export const negativeTokens = (field: string, value: number): Problem => error('negative-tokens', `"${field}" is ${String(value)}; a token count must be a non-negative number. ${FIX_RECORD}`);

export const scoreOutOfRange = (value: number): Problem => error('score-range', `"score" is ${String(value)}; a score must lie between 0 and 1. ${FIX_RECORD}`);

export const invalidCorrect = (value: unknown): Problem =>
  error('invalid-correct', `"correct" is ${showValue(value)}; "correct" must be true, false, 1 or 0 (put graded quality between 0 and 1 in "score"). ${FIX_RECORD}`);

export const duplicateId = (id: string, model: string, firstPlace: string): Problem =>
  error(
    'duplicate-id',
    `duplicate id ${JSON.stringify(id)} for model ${JSON.stringify(model)} (first at ${firstPlace}); the first record is used and this one is skipped. Remove or rename one of them.`,
  );

/**
 * Token-only records of a model the price table does not price, reported once per file and
 * model at the first such record: no table, no entry, an entry without a price, or entries of
 * several providers at different prices.
 */
export function noPrice(model: string, count: number, table: PriceTable | undefined, lookup: PriceLookup | undefined, estimateTokens = false): Problem {
  const skipped = `${count} of its records (the first on this line) were skipped.`;
  if (lookup?.kind === 'ambiguous') return error('ambiguous-price', `${ambiguousPriceMessage(model, lookup.candidates, table)} ${skipped}`);
  const why =
    table === undefined
      ? 'no price table was given'
      : lookup?.kind === 'unpriced'
        ? `the price table's entry ${JSON.stringify(lookup.key)} has no input or output price (such entries are never used)`
        : 'the price table has no entry for it';
  return error(
    'no-price',
    `model ${JSON.stringify(model)} gives token counts${estimateTokens ? ' (logged, or estimated from its texts by --estimate-tokens or the config key estimateTokens)' : ''} but no "cost", and ${why}; ${skipped} Add ${JSON.stringify(model)} to a price table (--prices, or prices in the cascade config) or give a "cost" per record.`,
  );
}

// ---- Cost accounting (one warning per model, at its first record concerned; the records are used) ----

const costWarning = (code: string, message: string): Problem => ({ ...warning(code, message), kind: 'cost' });
const records = (n: number): string => `${n} record${n === 1 ? '' : 's'}`;

export const costDisagreesWithTokens = (model: string, count: number, compared: number, key: string, logged: number, priced: number, ratio: number): Problem =>
  costWarning(
    'cost-mismatch',
    `model ${JSON.stringify(model)}: ${count} of its ${records(compared)} with token counts and a "cost" log a cost more than 20% away from their tokens x the price entry ${JSON.stringify(key)} (first here: $${significant(logged)} logged, $${significant(priced)} from the tokens; over the ${records(compared)}, the logged costs sum to ${Number.isFinite(ratio) ? `${significant(ratio)} times the priced ones` : 'more than the priced ones, which are 0'}). The logged costs are used. Fix the logged costs or the token counts, or the price entry (is it the provider that was called? reasoning and cached tokens count within tokens_out and tokens_in).`,
  );

export const zeroCostWithTokens = (model: string, count: number, withTokens: number, priced: boolean): Problem =>
  costWarning(
    'zero-cost',
    `model ${JSON.stringify(model)}: ${count} of its ${records(withTokens)} with token counts log a "cost" of 0, which is used as it is (harnesses write 0 for a price they do not know). Log the real cost, or remove "cost" from those records to price their tokens${priced ? ' with the price table' : ' with a price table (--prices)'}.`,
  );

export const constantTokens = (model: string, field: 'tokens_in' | 'tokens_out', value: number, count: number, pricedFromTokens: boolean): Problem =>
  costWarning(
    'constant-tokens',
    `model ${JSON.stringify(model)}: "${field}" is ${value} on all ${count} records that give it, which looks like a logging default, not each call's usage${pricedFromTokens ? ', and costs priced from these tokens are wrong' : ''}. Log the usage of each call, or remove the token counts.`,
  );

export const costsUnchecked = (model: string, count: number, lookup: PriceLookup): Problem =>
  costWarning(
    'cost-unchecked',
    `model ${JSON.stringify(model)}: its ${records(count)} with token counts and a "cost" cannot be checked against the price table, which ${lookup.kind === 'ambiguous' ? `matches it to ${lookup.candidates.length} entries at different prices` : lookup.kind === 'unpriced' ? `names it (${JSON.stringify(lookup.key)}) without an input or an output price` : 'has no entry for it'}; their logged costs are used. Add the model to the price table (or name its provider with --price-provider) to check them.`,
  );

// ---- Optional fields (the record was used without the field) ----

export const invalidOptional = (field: string, value: unknown, rule: string): Problem =>
  warning('invalid-optional', `"${field}" is ${showValue(value)}; ${rule}; the record is used without it. Fix the value or remove the field.`);

export const undecodablePrompt = (column: number, hint: string): Problem =>
  warning(
    'undecodable-prompt',
    `"prompt" cannot be decoded (column ${column}: ${hint}); the record is used without it, and the router reads this query's prompt from another model's record or goes without. Fix the escapes of the prompt.`,
  );

/** A reasoning (cached) token count larger than the tokens_out (tokens_in) it is a part of. */
export const tokenPartOverTotal = (field: string, value: number, totalField: string, total: number): Problem =>
  warning(
    'token-part-over-total',
    `"${field}" is ${value}, more than "${totalField}" (${total}); ${field === 'tokens_reasoning' ? 'reasoning tokens are counted within tokens_out, as OpenAI counts them within completion_tokens' : 'cached input tokens are counted within tokens_in, as OpenAI counts them within prompt_tokens'}, so the record is used without "${field}". Add them to "${totalField}" if your harness counts them apart, or fix the count.`,
  );

export const RULE_LATENCY = 'a latency must be a non-negative number of milliseconds';
export const RULE_TOKENS = 'a token count must be a non-negative number';
export const RULE_SPLIT = 'a split label must be a string';
export const RULE_PROMPT = 'a prompt must be a string';
export const RULE_EMBEDDING = 'an embedding must be an array of finite numbers';
export const RULE_RESPONSE = 'an answer text must be a string';

export const undecodableResponse = (column: number, hint: string): Problem =>
  warning('undecodable-response', `"response" cannot be decoded (column ${column}: ${hint}); the record is used without its answer text. Fix the escapes of the response.`);

export const tooManySplits = (label: string): Problem =>
  warning('too-many-splits', `split ${JSON.stringify(label)} is one label too many (at most 255 distinct labels); the record is used without it. Use a few labels such as "train" and "test".`);

export const splitConflict = (id: string, label: string, firstLabel: string, firstModel: string, firstPlace: string): Problem =>
  warning(
    'split-conflict',
    `split ${JSON.stringify(label)} for query ${JSON.stringify(id)} disagrees with ${JSON.stringify(firstLabel)} given for model ${JSON.stringify(firstModel)} (${firstPlace}); the first label is used. Make the split labels agree across models.`,
  );

// ---- Whole-file and join problems (line 0) ----

export const emptyFile = (): Problem => warning('empty-file', 'the file is empty; it holds no records. Add records or leave the file out.');

export const blankFile = (): Problem => warning('empty-file', 'the file holds only blank lines, no records. Add records or leave the file out.');

export const headerOnly = (): Problem => warning('empty-file', 'the CSV file has a header but no rows. Add rows or leave the file out.');

export const utf16 = (): Problem => error('utf16', 'the file is UTF-16 encoded; save it as UTF-8 and load it again.');

export const jsonArrayFile = (): Problem => error('json-array', `the file holds one JSON array, not JSON Lines; write one JSON object per line (for example with jq -c '.[]').`);

export const gitLfsPointer = (size: number): Problem =>
  error(
    'git-lfs-pointer',
    `the file is a Git LFS pointer, a stand-in for the real file of ${size} bytes that was never downloaded; run \`git lfs pull\` in the repository (or download the file itself), then load it again.`,
  );

export const unknownFormat = (readers: readonly string[]): Problem =>
  error('unknown-format', `the file is not in a format the loader knows (${readers.join(', ')}); write one JSON object per line, or a CSV file with a header row.`);

export const corruptStream = (afterLine: number, detail: string): Problem =>
  error('corrupt-stream', `the file could not be read past line ${afterLine} (${detail}); the records before it were loaded. Re-create or re-download the file.`);

export const unreadableContent = (detail: string): Problem => error('corrupt-stream', `no content could be read from the file (${detail}); it holds no records. Re-create or re-download the file.`);

export const cutShortLine = (detail: string): Problem =>
  error('cut-short', `the file ends in the middle of this line (${detail}); the incomplete record was skipped, the lines before it were loaded. Re-create or re-download the file.`);

export const cutShortRow = (detail: string): Problem =>
  error(
    'cut-short',
    `the file ends inside the row that starts on this line, in a quoted field that spans lines (${detail}); the incomplete row was skipped, the rows before it were loaded. Re-create or re-download the file.`,
  );

export const noGoodRecords = (model: string, rejected: number): Problem =>
  error('no-good-records', `model ${JSON.stringify(model)} has no usable record (${rejected} rejected, see the messages on their lines); it is left out of the analysis. Fix its records.`);

export const missingQueries = (model: string, count: number, examples: readonly string[]): Problem =>
  warning(
    'missing-queries',
    `model ${JSON.stringify(model)} has no usable record for ${count} ${count === 1 ? 'query' : 'queries'} that other models have ` +
      `(e.g. ${quoteList(examples)}); ${count === 1 ? 'it is' : 'they are'} left out of the analysis. Add the missing records, or remove those queries from the other files.`,
  );

export const noJointQueries = (): Problem => error('no-joint-queries', `no query has a usable record for every model, so nothing can be analysed. Check that the files share their "id" values.`);

export const missingSplit = (field: string, count: number, examples: readonly string[]): Problem =>
  warning(
    'missing-split',
    `${count} ${count === 1 ? 'query has' : 'queries have'} no "${field}" label in any model (e.g. ${quoteList(examples)}), while others have one; ` +
      `${count === 1 ? 'it belongs' : 'they belong'} to no split (label ""). Give every record a label.`,
  );

export const repeatedProblem = (count: number, lastLine: number): Problem =>
  warning('repeated', `the problem above occurs on ${count} more ${count === 1 ? 'line' : 'lines'} of this file, the last at line ${lastLine}; they are not listed one by one.`);

// ---- CSV ----

export const csvNoIdColumn = (name = 'id'): Problem =>
  error(
    'csv-no-id',
    `the CSV header has no ${JSON.stringify(name)} column; add one. Columns: id, correct or score, confidence, cost (or tokens_in and tokens_out), optional model, split, latency_ms, prompt; or <model>.<field> columns for one model per column group.`,
  );

export const csvFieldCount = (got: number, expected: number): Problem =>
  error('csv-field-count', `the row has ${got} fields but the header has ${expected}; the row was skipped. Check the commas and the quoting.`);

export const csvMalformed = (what: string): Problem => error('csv-malformed', `malformed CSV: ${what}; the row was skipped. Fix the quoting of the row.`);

// ---- Parquet ----

export const parquetUnreadable = (detail: string): Problem =>
  error('parquet-unreadable', `the Parquet file could not be read (${detail}); it holds no records here. Write it again (pandas: DataFrame.to_parquet), or re-download it.`);

export const parquetNoRows = (): Problem => warning('empty-file', 'the Parquet table has no rows. Add rows or leave the file out.');

export const parquetNoIdColumn = (columns: readonly string[], idColumn: string | undefined): Problem =>
  error(
    'parquet-no-id',
    `the Parquet table has no ${idColumn !== undefined ? JSON.stringify(idColumn) : 'id'} column (its columns: ${columns.slice(0, 12).join(', ')}${columns.length > 12 ? ', ...' : ''}); ` +
      'name the column that identifies each query with --id-column, or write the table with an id column: long (id, model, correct or score, confidence, cost) or wide (<model>.<field>, or <model> with <model>|total_cost and <model>|confidence).',
  );

// ---- Invocation errors (thrown, not reported per record) ----

export const noInputs = (): string => 'No input given: name evaluation files (JSONL or CSV, optionally gzipped) or folders that hold them.';

export const unreadablePath = (path: string, reason: string): string => `Cannot read "${path}": ${reason}. Check that the path exists and is readable.`;

/**
 * A folder without evaluation files: the files looked for in it (`*.jsonl`, ...), the layouts
 * looked for below it, and the files found instead, which hold no per-query records.
 */
export const noEvalFilesInFolder = (folder: string, extensions: readonly string[], layouts: readonly string[], instead: readonly string[]): string =>
  `No evaluation files in folder "${folder}": looked in it for ${extensions.map((e) => `*${e}`).join(', ')} (and their .gz), and below it for ${layouts.join(', ')}.` +
  (instead.length > 0 ? ` It holds only files without per-query records: ${instead.slice(0, 3).join('; ')}${instead.length > 3 ? `; and ${instead.length - 3} more` : ''}.` : '') +
  ' Point to the folder a harness wrote its per-query outputs into, or to the files themselves.';
