/**
 * The columns a collector fills: one ModelBuilder per model (values indexed by query number),
 * the per-file state, and what the thread transfer and the join read of a collector.
 */
import type { PriceLookup } from '../prices/index.ts';
import { isShared, sharedColumn } from '../sharedColumns.ts';
import type { TokenColumn, TokenPrice } from '../types.ts';
import type { IdTable } from './idTable.ts';
import type { IssueLog } from './issues.ts';
import { partlyMissingConfidence, type Problem } from './messages.ts';
import type { CollectorOptions } from './sink.ts';

/** Line number stored for "no record" (stored lines are the line plus one). */
export const NO_LINE = 0;

/** Distinct split labels a collector holds (their codes are one byte, 0 for none). */
export const MAX_SPLIT_LABELS = 255;

/** Columns of one model indexed by query number (the order in which ids were first seen). */
export class ModelBuilder {
  quality: Float64Array;
  confidence: Float64Array;
  cost: Float64Array;
  latencyMs?: Float64Array;
  /** Float32 while every count stored is exact in it (at 1M queries x 8 models, 64 MB less per column); see {@link storeToken}. */
  tokensIn?: TokenColumn;
  tokensOut?: TokenColumn;
  /** Reasoning tokens (within tokensOut) and cached input tokens (within tokensIn); NaN = not given. */
  tokensReasoning?: Float64Array;
  tokensCached?: Float64Array;
  /** Where each record's cost came from (`COST_FROM_*`); absent while every cost is the record's own. */
  costFrom?: Uint8Array;
  /** Line of the accepted record per query, plus one (records of zip members have line 0); 0 = no record. */
  line: Uint32Array;
  /** File (index into the collector's files) of the accepted record per query. */
  file: Uint16Array;
  /** Split label code of each record (only with `deferSplitChecks`). */
  split?: Uint8Array;
  /** Answer text per query (only with `keepResponses`). */
  responses?: (string | undefined)[];
  /** `none` once the join finds that no record of the model has a confidence. */
  confidenceSource?: 'none';
  /** True once any record of the model (accepted or not) had a confidence. */
  confidenceSeen = false;
  /** Rejected records that also lacked a confidence: file and line of each, reported at the join if the model has a confidence. */
  rejectedWithoutConfidence: number[] = [];
  accepted = 0;
  rejected = 0;
  /** The query expected next: the one after this model's previous record. */
  next = 0;
  /** Price for token-only records, resolved once; null = no price. */
  price: TokenPrice | null | undefined;
  /** Records priced from their tokens, and token-only records left without a price. */
  fromTokens = 0;
  unpriced = 0;

  constructor(
    readonly name: string,
    readonly index: number,
    readonly firstFile: number,
    private capacity: number,
    /** The columns will be another collection's (see `absorbCollection`): none are made here. */
    adopting = false,
  ) {
    const length = adopting ? 0 : capacity;
    this.quality = sharedColumn(length);
    this.confidence = sharedColumn(length);
    this.cost = sharedColumn(length);
    this.line = new Uint32Array(length);
    this.file = new Uint16Array(length);
  }

  grow(capacity: number): void {
    this.quality = grown(this.quality, capacity);
    this.confidence = grown(this.confidence, capacity);
    this.cost = grown(this.cost, capacity);
    if (this.latencyMs) this.latencyMs = grown(this.latencyMs, capacity, NaN);
    if (this.tokensIn) this.tokensIn = grown(this.tokensIn, capacity, NaN);
    if (this.tokensOut) this.tokensOut = grown(this.tokensOut, capacity, NaN);
    if (this.tokensReasoning) this.tokensReasoning = grown(this.tokensReasoning, capacity, NaN);
    if (this.tokensCached) this.tokensCached = grown(this.tokensCached, capacity, NaN);
    if (this.costFrom) this.costFrom = grown(this.costFrom, capacity);
    this.line = grown(this.line, capacity);
    this.file = grown(this.file, capacity);
    if (this.split) this.split = grown(this.split, capacity);
    this.capacity = capacity;
  }

  /** Optional columns, created (NaN = unknown) the first time a record has the field. */
  latencyColumn(): Float64Array {
    return (this.latencyMs ??= sharedColumn(this.capacity).fill(NaN));
  }
  /** Stores the token counts of query `q` (undefined: not given), each column made on first use. */
  storeTokensIn(q: number, count: number): void {
    this.tokensIn = storeToken(this.tokensIn ?? new Float32Array(this.capacity).fill(NaN), q, count);
  }
  storeTokensOut(q: number, count: number): void {
    this.tokensOut = storeToken(this.tokensOut ?? new Float32Array(this.capacity).fill(NaN), q, count);
  }
  tokensReasoningColumn(): Float64Array {
    return (this.tokensReasoning ??= new Float64Array(this.capacity).fill(NaN));
  }
  tokensCachedColumn(): Float64Array {
    return (this.tokensCached ??= new Float64Array(this.capacity).fill(NaN));
  }
  costFromColumn(): Uint8Array {
    return (this.costFrom ??= new Uint8Array(this.capacity));
  }
}

/**
 * Stores `value` at `q` of a token column and returns the column: the same one, or, when it is
 * a Float32 column and `value` is not exactly a Float32 (a count above 2^24 that is not a
 * multiple of a power of two, a fraction), a Float64 copy of it holding every value as given.
 * O(1), O(capacity) the one time a column widens.
 */
export function storeToken(column: TokenColumn, q: number, value: number): TokenColumn {
  const widened = column instanceof Float32Array && Math.fround(value) !== value && !Number.isNaN(value) ? Float64Array.from(column) : column;
  widened[q] = value;
  return widened;
}

/** Where a record's cost came from: its own `cost`, its tokens x the price table, or tokens estimated from its texts. */
export const COST_FROM_RECORD = 0;
export const COST_FROM_TOKENS = 1;
export const COST_FROM_ESTIMATE = 2;

export type Column = Float64Array | Float32Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * Equal bytes of two typed arrays of the same kind (both absent counts as equal). A Buffer is
 * bytes like a Uint8Array: the ids a worker thread read come back as a Uint8Array (a message
 * does not keep the Buffer class), and are still the same ids as a Buffer's.
 */
export function sameBytes(a: ArrayBufferView | undefined, b: ArrayBufferView | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return kindOf(a) === kindOf(b) && a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** A typed array's kind: its class, Buffer counted as Uint8Array. */
function kindOf(a: ArrayBufferView): unknown {
  return a instanceof Uint8Array ? Uint8Array : a.constructor;
}

/** A copy of a column with room for `capacity` entries, the new ones set to `fill`; in shared memory when `a` is. */
export function grown<T extends Column>(a: T, capacity: number, fill = 0): T {
  const Kind = a.constructor as new (lengthOrBuffer: number | ArrayBufferLike) => T;
  const b = new Kind(isShared(a) ? new SharedArrayBuffer(capacity * a.BYTES_PER_ELEMENT) : capacity);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/** A copy of a column, in shared memory when `a` is (where `slice` would copy a shared column into memory of its own). */
export function copied<T extends Column>(a: T): T {
  return grown(a, a.length);
}

export interface FileState {
  readonly path: string;
  format: string;
  readonly defaultModel: string;
  readonly models: Set<string>;
  records: number;
  rejected: number;
  costFromTokens: number;
  qualityFromScore: number;
  /** Records whose tokens were estimated from their texts. */
  tokensEstimated: number;
  /** Records priced from tokens whose reasoning (cached) tokens were priced at the entry's own rate, or as output (input) tokens for want of one. */
  reasoningAtRate: number;
  reasoningAsOutput: number;
  cachedAtRate: number;
  cachedAsInput: number;
  /** Accepted records with each field (see `countFields`). */
  seen: { latency: number; tokens: number; split: number; prompt: number; confidence: number };
  readonly derived: string[];
  readonly missing: string[];
  /** Model of the previous record (records of a file mostly share one). */
  lastModel?: ModelBuilder;
  /** Token-only records of a model without a price: count and first line, reported once. */
  readonly noPrice: Map<string, { count: number; line: number }>;
}

/** Fields of an accepted record that its file's summary counts; a score stands for "quality from score". */
export const FIELD_CONFIDENCE = 1;
export const FIELD_LATENCY = 2;
export const FIELD_TOKENS = 4;
export const FIELD_SPLIT = 8;
export const FIELD_PROMPT = 16;
export const FIELD_SCORE = 32;

/** Counts the fields of a record accepted (`FIELD_*` bits) into its file's summary. O(1). */
export function countFields(f: FileState, fields: number): void {
  if (fields === 0) return;
  const seen = f.seen;
  if (fields & FIELD_CONFIDENCE) seen.confidence++;
  if (fields & FIELD_LATENCY) seen.latency++;
  if (fields & FIELD_TOKENS) seen.tokens++;
  if (fields & FIELD_SPLIT) seen.split++;
  if (fields & FIELD_PROMPT) seen.prompt++;
  if (fields & FIELD_SCORE) f.qualityFromScore++;
}

/** What the thread transfer (`transfer.ts`) and the join (`join.ts`) read and change of a Collector. */
export interface CollectorInternals {
  readonly options: CollectorOptions;
  readonly files: FileState[];
  readonly paths: string[];
  readonly log: IssueLog;
  readonly models: Map<string, ModelBuilder>;
  readonly modelList: ModelBuilder[];
  readonly capacity: number;
  readonly idTable: IdTable;
  readonly idBytes: Buffer;
  readonly idOffsets: Uint32Array;
  readonly splitCodes: Uint8Array;
  readonly splitNames: string[];
  prompts?: (string | undefined)[];
  readonly undecodablePrompts: Set<number>;
  embeddings?: (Float64Array | undefined)[];
  /** See `Collector.relabelled`. */
  readonly relabelled: boolean;
  /** A new query number for an id not seen before. */
  newId(id: string): number;
  /** The code of a split label (0 when there are too many labels). */
  splitCode(label: string): number;
  /** Gives query `q` the split label `code` of a record of file `fileIndex`, or returns its disagreement with the label it has. */
  applySplit(code: number, m: ModelBuilder, fileIndex: number, q: number): Problem | undefined;
  /** How a model's name is found in the price table; undefined without a table. */
  priceLookup(model: string): PriceLookup | undefined;
  /** `file:line` of a stored record, relative to the file being read. */
  place(file: number, storedLine: number, here: number): string;
}

/**
 * Whether the record stored for query `q` of `m` is to give way to a duplicate of it: when it
 * has no confidence and the duplicate has one, the model has confidences, so the stored record
 * would be rejected at the join and the duplicate is the record to keep. Then the stored record
 * is rejected now, at its line, and its fields cleared. O(1).
 */
export function yieldsToDuplicate(m: ModelBuilder, q: number, confidence: number, files: FileState[], log: IssueLog): boolean {
  if (!Number.isNaN(m.confidence[q]!) || Number.isNaN(confidence)) return false;
  const file = m.file[q]!;
  log.add(file, m.line[q]! - 1, partlyMissingConfidence(m.name));
  m.line[q] = NO_LINE;
  m.accepted--;
  m.rejected++;
  files[file]!.records--;
  files[file]!.rejected++;
  for (const column of [m.latencyMs, m.tokensIn, m.tokensOut, m.tokensReasoning, m.tokensCached]) if (column) column[q] = NaN;
  if (m.costFrom) m.costFrom[q] = COST_FROM_RECORD;
  if (m.responses) m.responses[q] = undefined;
  return true;
}
