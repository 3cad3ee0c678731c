import type { Dataset, ModelColumns, SplitInfo, TokenColumn } from './types.ts';
import type { SplitOption } from './options.ts';
import { seededRandom, shuffledIndices } from './stats.ts';
import { columnRows } from './sharedColumns.ts';
import { ColumnMemo, RecentColumns } from './columnMemo.ts';
import { keeping } from './keptBetweenCalls.ts';

/** Values of the split field recognised as calibration / holdout when none are given. */
const DEFAULT_LABELS: readonly (readonly [string, string])[] = [
  ['train', 'test'],
  ['calibration', 'holdout'],
  ['cal', 'test'],
];

/** Seed and holdout share of the random split used when the data has no split field. */
export const DEFAULT_RANDOM_SPLIT = { seed: 1, holdoutFraction: 0.5 } as const;

/** Below this many queries no random split is made: everything is calibration, figures in-sample. */
const MIN_QUERIES_FOR_RANDOM_SPLIT = 20;

/**
 * A model's columns, each mapped by `f` (token counts by `tokens`, per-query arrays by `rows`;
 * optional columns only when the model has them): the one place that lists the columns, for a
 * subset of queries and for the join. O(columns * cost of f).
 */
export function mapModelColumns(m: ModelColumns, f: (column: Float64Array) => Float64Array, rows: <T>(values: readonly T[]) => T[], tokens: (column: TokenColumn) => TokenColumn): ModelColumns {
  return {
    name: m.name,
    quality: f(m.quality),
    confidence: f(m.confidence),
    cost: f(m.cost),
    ...(m.confidenceSource ? { confidenceSource: m.confidenceSource } : {}),
    ...(m.latencyMs ? { latencyMs: f(m.latencyMs) } : {}),
    ...(m.tokensIn ? { tokensIn: tokens(m.tokensIn) } : {}),
    ...(m.tokensOut ? { tokensOut: tokens(m.tokensOut) } : {}),
    ...(m.responses ? { responses: rows(m.responses) } : {}),
  };
}

/**
 * A model's columns for a subset of its queries (`pick` and `pickAll` give the subset's rows):
 * the token counts, which only the router reads, are copied the first time they are read, so an
 * analysis that never reads them neither spends the time nor holds the memory (at 1M queries x
 * 8 models, 128 MB). Read or not, they are the rows of the source's columns. O(rows * columns).
 */
function subsetModel(m: ModelColumns, pick: (column: Float64Array) => Float64Array, pickAll: <T>(values: readonly T[]) => T[], pickTokens: (column: TokenColumn) => TokenColumn): ModelColumns {
  const { tokensIn, tokensOut } = m;
  const model = mapModelColumns({ ...m, tokensIn: undefined, tokensOut: undefined }, pick, pickAll, pickTokens);
  if (tokensIn) copiedOnFirstRead(model, 'tokensIn', () => pickTokens(tokensIn));
  if (tokensOut) copiedOnFirstRead(model, 'tokensOut', () => pickTokens(tokensOut));
  return model;
}

/** The rows `rows` of a token column, in a column of the same kind. O(rows). */
export function tokenRows(column: TokenColumn, rows: ArrayLike<number>): TokenColumn {
  const out = column instanceof Float32Array ? new Float32Array(rows.length) : new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = column[rows[i]!]!;
  return out;
}

/** Defines `key` of `target` as the value `make` returns, made the first time it is read and kept (an enumerable, read-only property). */
export function copiedOnFirstRead<T extends object, K extends keyof T>(target: T, key: K, make: () => T[K]): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get(): T[K] {
      const value = make();
      Object.defineProperty(target, key, { value, enumerable: true, writable: false, configurable: false });
      return value;
    },
  });
}

/**
 * The rows `rows` (ascending) of a dataset as a new dataset (columns, ids, split, prompts,
 * answers). When the rows are one run (as the calibration and holdout queries are in files that
 * list one split after the other), the typed columns are views of the dataset's own (no copy:
 * at 1M queries x 8 models the two subsets would take 256 MB more); otherwise they are copies.
 * O(rows * k), O(k) for the typed columns of a run.
 */
export function subsetDataset(dataset: Dataset, rows: Uint32Array): Dataset {
  const from = isRun(rows) ? rows[0] : -1;
  const copies = from < 0 && keeping() ? keptCopiesOf(rows) : undefined;
  const pick =
    from >= 0
      ? (a: Float64Array): Float64Array => a.subarray(from, from + rows.length)
      : copies
        ? (a: Float64Array): Float64Array => copies.memo.get([a], () => columnRows(a, copies.rows))
        : (a: Float64Array): Float64Array => columnRows(a, rows);
  const pickAll = <T>(a: readonly T[]): T[] => {
    const out: T[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = a[rows[i]];
    return out;
  };
  const pickTokens = (a: TokenColumn): TokenColumn => (from >= 0 ? a.subarray(from, from + rows.length) : tokenRows(a, rows));
  const models = dataset.models.map((m) => subsetModel(m, pick, pickAll, pickTokens));
  const pickCodes = (a: Uint8Array): Uint8Array => {
    if (from >= 0) return a.subarray(from, from + rows.length);
    const out = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = a[rows[i]];
    return out;
  };
  const splitCodes = dataset.splitCodes ? pickCodes(dataset.splitCodes) : undefined;
  const result: Dataset = {
    n: rows.length,
    ids: [],
    models,
    ...(splitCodes && dataset.splitNames ? { splitCodes, splitNames: dataset.splitNames } : {}),
    ...(dataset.prompts ? { prompts: pickAll(dataset.prompts) } : {}),
    ...(dataset.undecodablePrompts ? { undecodablePrompts: pickCodes(dataset.undecodablePrompts) } : {}),
    ...(dataset.embeddings ? { embeddings: pickAll(dataset.embeddings) } : {}),
  };
  // Made when first read, as the dataset's own (see `joinCollection`).
  copiedOnFirstRead(result, 'ids', () => pickAll(dataset.ids));
  return result;
}

/**
 * Inside keepBetweenCalls: the columns copied for a subset that is not one run, by the memory of
 * the column copied, for the same rows as a recent subset's. So a save that changes one model's
 * file copies that model's columns again and finds the others' copies (and whatever was computed
 * from them, kept by their memory: the pair curves, the orders, the figures). The rows of a
 * calibration and a holdout set, for a few splits; the copies go with their rows.
 */
const recentRows = new RecentColumns<Uint32Array>(4);
const copiesByRows = new WeakMap<Uint32Array, ColumnMemo<Float64Array>>();

/** The kept copies for rows equal to `rows`, and those rows (see {@link recentRows}). O(rows). */
function keptCopiesOf(rows: Uint32Array): { readonly rows: Uint32Array; readonly memo: ColumnMemo<Float64Array> } {
  const kept = recentRows.same(rows);
  let memo = copiesByRows.get(kept);
  if (!memo) copiesByRows.set(kept, (memo = new ColumnMemo<Float64Array>()));
  return { rows: kept, memo };
}

/** True when `rows` are consecutive ascending numbers (at least one). O(rows). */
export function isRun(rows: Uint32Array): boolean {
  if (rows.length === 0) return false;
  const first = rows[0];
  for (let i = 1; i < rows.length; i++) if (rows[i] !== first + i) return false;
  return true;
}

/** The split to use when none is asked for: the data's own train/test labels, else a seeded random split. */
export function defaultSplitOption(dataset: Dataset): SplitOption {
  const names = dataset.splitNames ?? [];
  for (const [calibration, holdout] of DEFAULT_LABELS) {
    if (names.includes(calibration) && names.includes(holdout)) return { kind: 'field', calibration, holdout };
  }
  if (dataset.n < MIN_QUERIES_FOR_RANDOM_SPLIT) return { kind: 'none' };
  return { kind: 'random', ...DEFAULT_RANDOM_SPLIT };
}

export interface SplitDatasets {
  readonly calibration: Dataset;
  /** Absent for `none`. */
  readonly holdout?: Dataset;
  readonly info: SplitInfo;
  /** Human-readable problems (e.g. a label not found, queries with other labels left out). */
  readonly warnings: readonly string[];
}

/** Which rows of a dataset a split puts in calibration and in holdout, ascending. */
export interface SplitRows {
  readonly calibration: Uint32Array;
  /** Absent for `none`. */
  readonly holdout?: Uint32Array;
  readonly info: SplitInfo;
  readonly warnings: readonly string[];
}

/**
 * The rows of the calibration and holdout queries of a split, without copying any column.
 * `field`: by the loaded split labels (the loader reads the field named in its options).
 * `random`: a seeded shuffle; the first `round(n * holdoutFraction)` shuffled queries are held out.
 * O(n).
 * @throws Error when a `field` split names a label the data does not have (the message lists the labels found).
 */
export function splitRows(dataset: Dataset, option: SplitOption = defaultSplitOption(dataset)): SplitRows {
  const warnings: string[] = [];
  if (option.kind === 'none') {
    return { calibration: Uint32Array.from({ length: dataset.n }, (_, i) => i), info: { kind: 'none', nCalibration: dataset.n, nHoldout: 0 }, warnings };
  }
  if (option.kind === 'random') {
    const order = shuffledIndices(new Uint32Array(dataset.n), seededRandom(option.seed));
    const nHoldout = Math.round(dataset.n * option.holdoutFraction);
    const holdout = order.slice(0, nHoldout).sort();
    const calibration = order.slice(nHoldout).sort();
    return {
      calibration,
      holdout,
      info: { kind: 'random', seed: option.seed, holdoutFraction: option.holdoutFraction, nCalibration: calibration.length, nHoldout: holdout.length },
      warnings,
    };
  }
  const names = dataset.splitNames ?? [];
  const field = option.field ?? 'split';
  const found = names.length > 0 ? names.map((s) => JSON.stringify(s)).join(', ') : 'none';
  const calCode = names.indexOf(option.calibration);
  const holdCode = names.indexOf(option.holdout);
  if (calCode < 0 || holdCode < 0 || !dataset.splitCodes) {
    const missing = calCode < 0 ? option.calibration : option.holdout;
    throw new Error(
      `no query has ${field} = ${JSON.stringify(missing)} (values found: ${found}). ` + `Name the calibration and holdout values that your records use, e.g. --calibration train --holdout test.`,
    );
  }
  const { calibration: cal, holdout: hold, other } = rowsOfCodes(dataset.splitCodes, dataset.n, calCode, holdCode);
  if (other > 0) {
    warnings.push(`${other} queries have a ${field} value other than ${JSON.stringify(option.calibration)} or ${JSON.stringify(option.holdout)} and are left out of both splits.`);
  }
  return {
    calibration: cal,
    holdout: hold,
    info: { kind: 'field', field, calibration: option.calibration, holdout: option.holdout, nCalibration: cal.length, nHoldout: hold.length },
    warnings,
  };
}

/** The rows (ascending) of the first n codes that are `calCode` and `holdCode`, and how many are neither: one pass to count, one to fill. O(n). */
function rowsOfCodes(codes: Uint8Array, n: number, calCode: number, holdCode: number): { calibration: Uint32Array; holdout: Uint32Array; other: number } {
  let nCal = 0;
  let nHold = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i];
    if (c === calCode) nCal++;
    else if (c === holdCode) nHold++;
  }
  const calibration = new Uint32Array(nCal);
  const holdout = new Uint32Array(nHold);
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i];
    if (c === calCode) calibration[x++] = i;
    else if (c === holdCode) holdout[y++] = i;
  }
  return { calibration, holdout, other: n - nCal - nHold };
}

/** Splits already made, by dataset and option: every analysis of the same data shares one copy (and the column orders sorted on it). */
const splits = new WeakMap<Dataset, Map<string, SplitDatasets>>();

/**
 * Splits a dataset into calibration and holdout queries (the rows of {@link splitRows}). The
 * same dataset split the same way again returns the same subsets, so what is derived from
 * their columns once (the orders of their confidences) serves every later analysis; neither
 * the dataset nor the subsets may be modified. O(n * k) the first time.
 * @throws Error when a `field` split names a label the data does not have (the message lists the labels found).
 */
export function splitDataset(dataset: Dataset, option: SplitOption = defaultSplitOption(dataset)): SplitDatasets {
  const key = JSON.stringify(option);
  let byOption = splits.get(dataset);
  const known = byOption?.get(key);
  if (known) return known;
  const rows = splitRows(dataset, option);
  const made: SplitDatasets = rows.holdout
    ? { calibration: subsetDataset(dataset, rows.calibration), holdout: subsetDataset(dataset, rows.holdout), info: rows.info, warnings: rows.warnings }
    : { calibration: dataset, info: rows.info, warnings: rows.warnings };
  if (!byOption) splits.set(dataset, (byOption = new Map()));
  // A few ways of splitting one dataset at most are kept (the latest ones).
  if (byOption.size >= 4) byOption.delete(byOption.keys().next().value!);
  byOption.set(key, made);
  return made;
}
