import { ambiguousPriceMessage, findPrice } from '../prices/index.ts';
import type { Dataset, FileSummary, InputIssue, ModelColumns, PriceTable, RawRecord } from '../types.ts';
import { IssueLog, type IssueLogState } from './issues.ts';
import { isUndecodableString, jsonStringFault, stringFaultHint, undecodableString, type UndecodableString } from './jsonText.ts';
import * as M from './messages.ts';
import type { Problem } from './messages.ts';

const DEFERRED = Symbol.for('cascade-frontier.deferred-text');
const BYTES = Symbol.for('cascade-frontier.json-string-bytes');

/**
 * A string field whose text is only built when someone keeps it (prompts of a million
 * records are read but only the first per query is ever decoded). A reader may reuse one
 * instance for every record.
 */
export abstract class DeferredText {
  /** Marks deferred texts without `instanceof`, which fails when the module is loaded twice (ES module and CommonJS copies). */
  readonly [DEFERRED] = true;
  abstract text(): string;
}


/** A deferred text (JSON values cannot carry a symbol key, so a record from a file never passes for one). */
export const isDeferredText = (v: unknown): v is DeferredText => typeof v === 'object' && v !== null && (v as { [DEFERRED]?: boolean })[DEFERRED] === true;
const isJsonStringBytes = (v: unknown): v is JsonStringBytes => typeof v === 'object' && v !== null && (v as { [BYTES]?: boolean })[BYTES] === true;

/**
 * A JSON string value still as the bytes between its quotes (escapes undecoded). For an id,
 * the collector compares the bytes with the id it expects next (files mostly list the same
 * queries in the same order) and builds no string when they match. Valid only while the
 * reader is handling the line.
 */
export class JsonStringBytes extends DeferredText {
  readonly [BYTES] = true;
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  /** Where the line starts in `buf` (for the column of a fault). */
  lineStart = 0;
  set(buf: Buffer, start: number, end: number, lineStart = start - 1): this {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.lineStart = lineStart;
    return this;
  }
  /** The text; only for bytes that keep JSON's string rules (see `decode`). */
  text(): string {
    const { buf, start, end } = this;
    for (let i = start; i < end; i++) if (buf[i] === 0x5c) return JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string;
    return buf.toString('utf8', start, end);
  }
  /** The text, or where and why the bytes break JSON's string rules. O(bytes). */
  decode(): string | UndecodableString {
    const { buf, start, end } = this;
    try {
      // JSON.parse checks the escapes and control characters natively; the slow search for the fault only runs when it fails.
      return JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string;
    } catch {
      const fault = Math.max(start, jsonStringFault(buf, start, end));
      return undecodableString(buf.toString('utf8', this.lineStart, fault).length + 1, stringFaultHint(buf, fault));
    }
  }
}

/** A RawRecord a reader fills field by field. */
export type MutableRawRecord = { -readonly [K in keyof RawRecord]: RawRecord[K] };

/** A record with no field set yet. */
export const blankRecord = (): MutableRawRecord => ({
  model: undefined,
  id: undefined,
  correct: undefined,
  score: undefined,
  confidence: undefined,
  cost: undefined,
  tokensIn: undefined,
  tokensOut: undefined,
  latencyMs: undefined,
  split: undefined,
  prompt: undefined,
  embedding: undefined,
});

/** Where a reader hands its records and the problems it found on lines it could not read. */
export interface RecordSink {
  /** Validates and stores one record read at `line` (1-based). The object may be reused by the caller after the call returns. */
  record(raw: RawRecord, line: number): void;
  /** A line that could not be turned into a record: counted as rejected and reported. */
  reject(line: number, problem: Problem): void;
  /** A problem with the file as a whole, or a warning that loses no record (line 0 for the whole file). */
  note(line: number, problem: Problem): void;
  /** The format label shown in the file summary (e.g. `csv-wide`); the reader's name by default. */
  setFormat(format: string): void;
  /** Adds to the file summary what the reader derived (e.g. how it computed confidence) and what the file lacks. */
  describe(derived: readonly string[], missing: readonly string[]): void;
}

export interface CollectorOptions {
  readonly prices?: PriceTable;
  readonly splitField: string;
  readonly keepPrompts: boolean;
  /**
   * For a collector whose result another absorbs (a worker's): keep each record's split
   * label and leave disagreements between models to the absorbing collector, which alone
   * knows the label a query got first.
   */
  readonly deferSplitChecks?: boolean;
}

const NO_LINE = 0;

/** What a collector read, sent between threads (see `Collector.exportPartial` and `absorb`). */
export interface PartialCollection {
  readonly files: readonly (Omit<FileState, 'models' | 'noPrice' | 'lastModel'> & { readonly models: readonly string[] })[];
  readonly log: IssueLogState;
  /** Each model's columns, indexed by the other collector's query numbers, with where each record was. */
  readonly models: readonly (ModelColumns & {
    readonly firstFile: number;
    readonly accepted: number;
    readonly rejected: number;
    readonly line: Uint32Array;
    readonly file: Uint16Array;
    /** Split label code of each record, into `splitNames` (1-based; 0 = none). */
    readonly split?: Uint8Array;
  })[];
  /** Number of queries, and the length of the model columns (at least that). */
  readonly count: number;
  readonly capacity: number;
  /** UTF-8 bytes of the ids, query q at [idOffsets[q], idOffsets[q + 1]). */
  readonly idBytes: Uint8Array;
  readonly idOffsets: Uint32Array;
  readonly splitNames: readonly string[];
  readonly prompts?: readonly (string | undefined)[];
  /** Queries (numbered as in this collection) one of whose prompts could not be decoded. */
  readonly undecodablePrompts?: readonly number[];
  readonly embeddings?: readonly (Float64Array | undefined)[];
}

/** The typed arrays of a partial collection, to transfer rather than copy between threads. */
export function transferablesOf(p: PartialCollection): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of [p.idBytes, p.idOffsets]) out.add(a.buffer as ArrayBuffer);
  for (const m of p.models) {
    for (const a of [m.quality, m.confidence, m.cost, m.latencyMs, m.tokensIn, m.tokensOut, m.line, m.file, m.split]) if (a) out.add(a.buffer as ArrayBuffer);
  }
  return [...out];
}

/** Columns of one model indexed by query number (the order in which ids were first seen). */
class ModelBuilder {
  quality: Float64Array;
  confidence: Float64Array;
  cost: Float64Array;
  latencyMs?: Float64Array;
  tokensIn?: Float64Array;
  tokensOut?: Float64Array;
  /** Line of the accepted record per query, plus one (records of zip members have line 0); 0 = no record. */
  line: Uint32Array;
  /** File (index into the collector's files) of the accepted record per query. */
  file: Uint16Array;
  /** Split label code of each record (only with `deferSplitChecks`). */
  split?: Uint8Array;
  accepted = 0;
  rejected = 0;
  /** The query expected next: the one after this model's previous record. */
  next = 0;
  /** Price for token-only records, resolved once; null = no price. */
  price: { readonly inputPerMillion: number; readonly outputPerMillion: number } | null | undefined;

  constructor(
    readonly name: string,
    readonly index: number,
    readonly firstFile: number,
    private capacity: number,
  ) {
    this.quality = new Float64Array(capacity);
    this.confidence = new Float64Array(capacity);
    this.cost = new Float64Array(capacity);
    this.line = new Uint32Array(capacity);
    this.file = new Uint16Array(capacity);
  }

  grow(capacity: number): void {
    this.quality = grown(this.quality, capacity);
    this.confidence = grown(this.confidence, capacity);
    this.cost = grown(this.cost, capacity);
    if (this.latencyMs) this.latencyMs = grown(this.latencyMs, capacity, NaN);
    if (this.tokensIn) this.tokensIn = grown(this.tokensIn, capacity, NaN);
    if (this.tokensOut) this.tokensOut = grown(this.tokensOut, capacity, NaN);
    this.line = grown(this.line, capacity);
    this.file = grown(this.file, capacity);
    if (this.split) this.split = grown(this.split, capacity);
    this.capacity = capacity;
  }

  /** Optional columns, created (NaN = unknown) the first time a record has the field. */
  latencyColumn(): Float64Array {
    return (this.latencyMs ??= new Float64Array(this.capacity).fill(NaN));
  }
  tokensInColumn(): Float64Array {
    return (this.tokensIn ??= new Float64Array(this.capacity).fill(NaN));
  }
  tokensOutColumn(): Float64Array {
    return (this.tokensOut ??= new Float64Array(this.capacity).fill(NaN));
  }
}

type Column = Float64Array | Uint32Array | Uint16Array | Uint8Array;

/** Equal bytes (of two typed arrays of the same kind). */
function sameBytes(a: Uint8Array | Uint32Array, b: Uint8Array | Uint32Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** A copy of a column with room for `capacity` entries, the new ones set to `fill`. */
function grown<T extends Column>(a: T, capacity: number, fill = 0): T {
  const b = new (a.constructor as new (length: number) => T)(capacity);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

interface FileState {
  readonly path: string;
  format: string;
  readonly defaultModel: string;
  readonly models: Set<string>;
  records: number;
  rejected: number;
  costFromTokens: number;
  qualityFromScore: number;
  seen: { latency: boolean; tokens: boolean; split: boolean; prompt: boolean };
  readonly derived: string[];
  readonly missing: string[];
  /** Model of the previous record (records of a file mostly share one). */
  lastModel?: ModelBuilder;
  /** Token-only records of a model without a price: count and first line, reported once. */
  readonly noPrice: Map<string, { count: number; line: number }>;
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE: Record<string, number> = { nan: NaN, '+nan': NaN, '-nan': NaN, inf: Infinity, '+inf': Infinity, infinity: Infinity, '+infinity': Infinity, '-inf': -Infinity, '-infinity': -Infinity };

/** Outcome of reading a numeric field: a number (maybe not finite), absent, or not a number at all. */
const ABSENT = undefined;
const BAD = null;

/** A JSON number, or a string holding one (CSV cells, sloppy JSON); `undefined` when absent or empty, `null` when not a number. */
function numeric(value: unknown): number | undefined | null {
  if (typeof value === 'number') return value;
  if (value === undefined) return ABSENT;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t === '') return ABSENT;
    if (NUMBER_RE.test(t)) return Number(t);
    const special = NON_FINITE[t.toLowerCase()];
    return special !== undefined ? special : BAD;
  }
  return BAD;
}

/** Not given: absent, or an empty CSV cell. */
const isBlank = (value: unknown): boolean => value === undefined || (typeof value === 'string' && value.trim() === '');
/** Not given, or given as `null` (which the alternatives `correct`/`score` and `cost`/tokens treat as absent). */
const isAbsent = (value: unknown): boolean => value === null || isBlank(value);

/**
 * Turns raw records into per-model columns: the one place where every record is checked
 * and every record-level message is produced. Then `finish` joins the models on `id`.
 * Each record costs O(1) (one Map lookup of its id); `finish` is O(n k).
 */
export class Collector {
  private readonly files: FileState[] = [];
  private readonly paths: string[] = [];
  private readonly log = new IssueLog(this.paths);
  private readonly models = new Map<string, ModelBuilder>();
  private readonly modelList: ModelBuilder[] = [];
  private capacity = 1024;
  private readonly ids: string[] = [];
  private readonly idIndex = new Map<string, number>();
  /** UTF-8 bytes of every id, query q at [idOffsets[q], idOffsets[q + 1]). */
  private idBytes = Buffer.allocUnsafe(1 << 16);
  private idOffsets = new Uint32Array(this.capacity + 1);
  private splitCodes = new Uint8Array(this.capacity);
  /** Model index that gave the split label of each query. */
  private splitFrom = new Uint16Array(this.capacity);
  private readonly splitNames: string[] = [];
  private readonly splitIndex = new Map<string, number>();
  private prompts?: (string | undefined)[];
  /** Queries one of whose prompts could not be decoded (only while prompts are kept). */
  private readonly undecodablePrompts = new Set<number>();
  private embeddings?: (Float64Array | undefined)[];
  private readonly problems: Problem[] = [];
  /** Models whose name matches several prices: the matching keys, for the message. */
  private readonly ambiguousPrices = new Map<string, readonly string[]>();

  constructor(private readonly options: CollectorOptions) {}

  /** Registers an input file; records without a `model` are attributed to `defaultModel`. */
  addFile(path: string, format: string, defaultModel: string): number {
    this.paths.push(path);
    this.files.push({
      path,
      format,
      defaultModel,
      models: new Set(),
      records: 0,
      rejected: 0,
      costFromTokens: 0,
      qualityFromScore: 0,
      seen: { latency: false, tokens: false, split: false, prompt: false },
      derived: [],
      missing: [],
      noPrice: new Map(),
    });
    return this.files.length - 1;
  }

  /** A sink bound to one file, for its reader. */
  sink(file: number): RecordSink {
    return {
      record: (raw, line) => this.add(file, line, raw),
      reject: (line, problem) => {
        this.files[file]!.rejected++;
        this.log.add(file, line, problem);
      },
      note: (line, problem) => this.log.add(file, line, problem),
      setFormat: (format) => {
        this.files[file]!.format = format;
      },
      describe: (derived, missing) => {
        this.files[file]!.derived.push(...derived);
        this.files[file]!.missing.push(...missing);
      },
    };
  }

  /** Validates one record and stores it, or reports why not. */
  add(fileIndex: number, line: number, r: RawRecord): void {
    const f = this.files[fileIndex]!;
    const problems = this.problems;
    problems.length = 0;

    let m: ModelBuilder | undefined;
    if (r.model === undefined || r.model === null || r.model === '') m = f.lastModel?.name === f.defaultModel ? f.lastModel : this.model(f.defaultModel, fileIndex);
    else if (typeof r.model === 'string' && r.model.trim() !== '') m = f.lastModel?.name === r.model ? f.lastModel : this.model(r.model, fileIndex);
    else problems.push(M.invalidModel(r.model));
    f.lastModel = m;

    // An id as raw bytes is first compared with the id expected next; a string is only built when it differs.
    let q = -1;
    let idValue: unknown = r.id;
    if (isJsonStringBytes(idValue)) {
      q = this.expectedId(m, idValue);
      if (q === -1) idValue = idValue.text();
    }
    let id: string | undefined;
    if (q === -1) {
      if (typeof idValue === 'string') {
        if (idValue.trim() !== '') id = idValue;
        else problems.push(M.invalidId(idValue));
      } else if (typeof idValue === 'number' && Number.isFinite(idValue)) id = String(idValue);
      else if (idValue === undefined) problems.push(M.missingId());
      else problems.push(M.invalidId(idValue));
    }

    const quality = this.quality(r, problems);
    const confidence = isBlank(r.confidence) ? undefined : this.requiredNumber('confidence', r.confidence, problems);
    if (isBlank(r.confidence)) problems.push(M.missingConfidence('confidence'));
    const tokensIn = this.tokens('tokens_in', r.tokensIn, isAbsent(r.cost), problems);
    const tokensOut = this.tokens('tokens_out', r.tokensOut, isAbsent(r.cost), problems);

    let cost: number | undefined;
    let fromTokens = false;
    if (!isAbsent(r.cost)) {
      const c = this.requiredNumber('cost', r.cost, problems);
      if (c !== undefined) {
        if (c < 0) problems.push(M.negativeCost('cost', c));
        else cost = c;
      }
    } else if (isAbsent(r.tokensIn) && isAbsent(r.tokensOut)) {
      problems.push(r.cost === null ? M.notANumber('cost', null) : M.missingCost());
    } else if (isAbsent(r.tokensIn) || isAbsent(r.tokensOut)) {
      problems.push(isAbsent(r.tokensIn) ? M.missingTokenPair('tokens_out', 'tokens_in') : M.missingTokenPair('tokens_in', 'tokens_out'));
    } else {
      fromTokens = true;
    }

    if (problems.length > 0 || m === undefined || (q === -1 && id === undefined) || quality === undefined || confidence === undefined || (fromTokens && (tokensIn === undefined || tokensOut === undefined))) {
      this.rejectAll(fileIndex, line, m, problems);
      return;
    }
    if (fromTokens) {
      const price = this.price(m);
      if (price === null) {
        m.rejected++;
        f.rejected++;
        const seen = f.noPrice.get(m.name);
        if (seen) seen.count++;
        else f.noPrice.set(m.name, { count: 1, line });
        return;
      }
      cost = (tokensIn! * price.inputPerMillion + tokensOut! * price.outputPerMillion) / 1e6;
    }

    if (q === -1) q = this.idIndex.get(id!) ?? this.newId(id!);
    if (m.line[q] !== NO_LINE) {
      m.rejected++;
      f.rejected++;
      this.log.add(fileIndex, line, M.duplicateId(this.ids[q]!, m.name, this.place(m.file[q]!, m.line[q]!, fileIndex)));
      return;
    }
    m.next = q + 1;

    m.quality[q] = quality;
    m.confidence[q] = confidence;
    m.cost[q] = cost!;
    m.line[q] = line + 1;
    m.file[q] = fileIndex;
    m.accepted++;
    f.records++;
    if (fromTokens) f.costFromTokens++;
    if (isAbsent(r.correct)) f.qualityFromScore++;
    this.optionalFields(r, m, f, fileIndex, line, q, tokensIn, tokensOut);
  }

  /** The query after the model's previous one, when `raw` holds exactly its id's bytes (and no escape); else -1. */
  private expectedId(m: ModelBuilder | undefined, raw: JsonStringBytes): number {
    if (m === undefined) return -1;
    const q = m.next;
    if (q >= this.ids.length) return -1;
    const from = this.idOffsets[q]!;
    const n = this.idOffsets[q + 1]! - from;
    if (raw.end - raw.start !== n || n === 0) return -1;
    const stored = this.idBytes;
    const buf = raw.buf;
    for (let j = 0, i = raw.start; j < n; j++, i++) {
      const c = buf[i];
      if (c !== stored[from + j] || c === 0x5c) return -1;
    }
    return q;
  }

  private newId(id: string): number {
    const q = this.ids.length;
    if (q === this.capacity) this.grow();
    this.ids.push(id);
    this.idIndex.set(id, q);
    const at = this.idOffsets[q]!;
    const room = at + Buffer.byteLength(id);
    if (room > this.idBytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(room, this.idBytes.length * 2));
      this.idBytes.copy(bigger, 0, 0, at);
      this.idBytes = bigger;
    }
    this.idOffsets[q + 1] = at + this.idBytes.write(id, at);
    return q;
  }

  private rejectAll(fileIndex: number, line: number, m: ModelBuilder | undefined, problems: readonly Problem[]): void {
    this.files[fileIndex]!.rejected++;
    // A model whose every record is bad is still known, to say so at the end.
    if (m) m.rejected++;
    for (const p of problems) this.log.add(fileIndex, line, p);
  }

  private quality(r: RawRecord, problems: Problem[]): number | undefined {
    if (!isAbsent(r.correct)) {
      const v = r.correct;
      if (v === true || v === false) return v ? 1 : 0;
      if (typeof v === 'string') {
        const t = v.trim().toLowerCase();
        if (t === 'true') return 1;
        if (t === 'false') return 0;
      }
      const n = numeric(v);
      if (n === 0 || n === 1) return n;
      problems.push(typeof n === 'number' && !Number.isFinite(n) ? M.notFinite('correct', n) : M.invalidCorrect(v));
      return undefined;
    }
    if (!isAbsent(r.score)) {
      const n = this.requiredNumber('score', r.score, problems);
      if (n === undefined) return undefined;
      if (n < 0 || n > 1) {
        problems.push(M.scoreOutOfRange(n));
        return undefined;
      }
      return n;
    }
    if (r.correct === null) problems.push(M.invalidCorrect(null));
    else if (r.score === null) problems.push(M.notANumber('score', null));
    else problems.push(M.missingQuality());
    return undefined;
  }

  /** A finite number, or undefined after recording why not (absence is left to the caller). */
  private requiredNumber(field: string, value: unknown, problems: Problem[]): number | undefined {
    if (value === undefined) return undefined;
    const n = numeric(value);
    if (n === ABSENT || n === BAD) {
      problems.push(M.notANumber(field, value));
      return undefined;
    }
    if (!Number.isFinite(n)) {
      problems.push(M.notFinite(field, n));
      return undefined;
    }
    return n;
  }

  /** A token count: required (errors) when it must price the record, else optional (warnings, filed later). */
  private tokens(field: string, value: unknown, required: boolean, problems: Problem[]): number | undefined {
    if (isAbsent(value)) return undefined;
    const n = numeric(value);
    if (!required) return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
    if (n === ABSENT || n === BAD) problems.push(M.notANumber(field, value));
    else if (!Number.isFinite(n)) problems.push(M.notFinite(field, n));
    else if (n < 0) problems.push(M.negativeTokens(field, n));
    else return n;
    return undefined;
  }

  /** Latency, split, prompt, embedding and (when a cost was given) token counts: a bad value is a warning, the record is kept. */
  private optionalFields(r: RawRecord, m: ModelBuilder, f: FileState, fileIndex: number, line: number, q: number, tokensIn: number | undefined, tokensOut: number | undefined): void {
    if (!isAbsent(r.latencyMs)) {
      const n = numeric(r.latencyMs);
      if (typeof n === 'number' && Number.isFinite(n) && n >= 0) {
        (m.latencyMs ?? m.latencyColumn())[q] = n;
        f.seen.latency = true;
      } else this.log.add(fileIndex, line, M.invalidOptional('latency_ms', r.latencyMs, M.RULE_LATENCY));
    }
    if (tokensIn !== undefined) (m.tokensIn ?? m.tokensInColumn())[q] = tokensIn;
    else if (!isAbsent(r.tokensIn)) this.log.add(fileIndex, line, M.invalidOptional('tokens_in', r.tokensIn, M.RULE_TOKENS));
    if (tokensOut !== undefined) (m.tokensOut ?? m.tokensOutColumn())[q] = tokensOut;
    else if (!isAbsent(r.tokensOut)) this.log.add(fileIndex, line, M.invalidOptional('tokens_out', r.tokensOut, M.RULE_TOKENS));
    if (tokensIn !== undefined || tokensOut !== undefined) f.seen.tokens = true;
    if (!isAbsent(r.prompt)) {
      const p = r.prompt;
      if (typeof p === 'string' || isDeferredText(p) || isUndecodableString(p)) {
        f.seen.prompt = true;
        // Only the prompt kept for the query is decoded; one that cannot be costs the prompt, not the record.
        if (this.options.keepPrompts && this.prompts?.[q] === undefined) {
          const text = typeof p === 'string' || isUndecodableString(p) ? p : isJsonStringBytes(p) ? p.decode() : p.text();
          if (typeof text === 'string') (this.prompts ??= [])[q] = text;
          else {
            this.log.add(fileIndex, line, M.undecodablePrompt(text.column, text.hint));
            this.undecodablePrompts.add(q);
          }
        }
      } else this.log.add(fileIndex, line, M.invalidOptional('prompt', r.prompt, M.RULE_PROMPT));
    }
    if (!isAbsent(r.embedding)) {
      const e = r.embedding;
      if (Array.isArray(e) && e.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        const embeddings = (this.embeddings ??= []);
        if (embeddings[q] === undefined) embeddings[q] = Float64Array.from(e as number[]);
      } else this.log.add(fileIndex, line, M.invalidOptional('embedding', e, M.RULE_EMBEDDING));
    }
    // Last: a collector that defers split checks reports disagreements after the line's other issues.
    if (!isAbsent(r.split)) this.split(r.split, m, f, fileIndex, line, q);
  }

  private split(value: unknown, m: ModelBuilder, f: FileState, fileIndex: number, line: number, q: number): void {
    const field = this.options.splitField;
    const label = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
    if (label === undefined) {
      this.log.add(fileIndex, line, M.invalidOptional(field, value, M.RULE_SPLIT));
      return;
    }
    const code = this.splitCode(label);
    if (code === 0) {
      this.log.add(fileIndex, line, M.tooManySplits(label));
      return;
    }
    f.seen.split = true;
    if (this.options.deferSplitChecks) (m.split ??= new Uint8Array(m.quality.length))[q] = code;
    else this.applySplit(code, m, fileIndex, line, q);
  }

  /** The code (1-based) of a split label, 0 when there are already 255 others. */
  private splitCode(label: string): number {
    let code = this.splitIndex.get(label);
    if (code === undefined) {
      if (this.splitNames.length === 255) return 0;
      this.splitNames.push(label);
      code = this.splitNames.length;
      this.splitIndex.set(label, code);
    }
    return code;
  }

  /** A record's split label: the query's label when it is the first, else compared with the first. */
  private applySplit(code: number, m: ModelBuilder, fileIndex: number, line: number, q: number): void {
    const had = this.splitCodes[q]!;
    if (had === 0) {
      this.splitCodes[q] = code;
      this.splitFrom[q] = m.index;
    } else if (had !== code) {
      const first = this.modelList[this.splitFrom[q]!]!;
      const place = this.place(first.file[q]!, first.line[q]!, fileIndex);
      this.log.add(fileIndex, line, M.splitConflict(this.ids[q]!, this.splitNames[code - 1]!, this.splitNames[had - 1]!, first.name, place));
    }
  }

  /** `line 12` within the same file, else `other.jsonl:12` (from a stored line, which is one more). */
  private place(file: number, storedLine: number, here: number): string {
    return file === here ? `line ${storedLine - 1}` : `${this.paths[file]}:${storedLine - 1}`;
  }

  private model(name: string, fileIndex: number): ModelBuilder {
    let m = this.models.get(name);
    if (!m) {
      m = new ModelBuilder(name, this.modelList.length, fileIndex, this.capacity);
      this.models.set(name, m);
      this.modelList.push(m);
    }
    this.files[fileIndex]!.models.add(name);
    return m;
  }

  private price(m: ModelBuilder): { readonly inputPerMillion: number; readonly outputPerMillion: number } | null {
    if (m.price === undefined) {
      const found = this.options.prices ? findPrice(this.options.prices, m.name) : undefined;
      m.price = found?.kind === 'found' ? found.price : null;
      if (found?.kind === 'ambiguous') this.ambiguousPrices.set(m.name, found.keys);
    }
    return m.price;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    for (const m of this.modelList) m.grow(capacity);
    this.splitCodes = grown(this.splitCodes, capacity);
    this.splitFrom = grown(this.splitFrom, capacity);
    this.idOffsets = grown(this.idOffsets, capacity + 1);
    this.capacity = capacity;
  }

  /** Issues counted per file while reading (token records without a price), now that the files are read. */
  private flushFileIssues(): void {
    for (let i = 0; i < this.files.length; i++) {
      const f = this.files[i]!;
      for (const [model, { count, line }] of f.noPrice) {
        const keys = this.ambiguousPrices.get(model);
        const problem = keys
          ? M.makeProblem('ambiguous-price', 'error', `${ambiguousPriceMessage(model, keys)} ${count} of its records (the first on this line) were skipped.`)
          : M.noPrice(model, count, this.options.prices !== undefined);
        this.log.add(i, line, problem);
      }
      f.noPrice.clear();
    }
  }

  /**
   * What this collector read, as plain data and typed arrays (to send from a worker thread
   * to the collector that joins everything, see `absorb`). The collector is not used after.
   */
  exportPartial(): PartialCollection {
    this.flushFileIssues();
    const n = this.ids.length;
    return {
      files: this.files.map(({ lastModel: _lastModel, noPrice: _noPrice, models, ...f }) => ({ ...f, models: [...models] })),
      log: this.log.state(),
      count: n,
      capacity: this.capacity,
      models: this.modelList.map((m) => ({
        name: m.name,
        firstFile: m.firstFile,
        accepted: m.accepted,
        rejected: m.rejected,
        quality: m.quality,
        confidence: m.confidence,
        cost: m.cost,
        ...(m.latencyMs ? { latencyMs: m.latencyMs } : {}),
        ...(m.tokensIn ? { tokensIn: m.tokensIn } : {}),
        ...(m.tokensOut ? { tokensOut: m.tokensOut } : {}),
        line: m.line,
        file: m.file,
        ...(m.split ? { split: m.split } : {}),
      })),
      idBytes: this.idBytes.subarray(0, this.idOffsets[n]),
      idOffsets: this.idOffsets.subarray(0, n + 1),
      splitNames: this.splitNames,
      prompts: this.prompts,
      undecodablePrompts: [...this.undecodablePrompts],
      embeddings: this.embeddings,
    };
  }

  /**
   * Adds what another collector (with `deferSplitChecks`) read from the files after this
   * one's: the same result, issues included, as if this collector had read those files
   * itself. When the other's queries are these in the same order (files that list the same
   * ids), its models new here take over its columns without a copy. The other collection
   * is not usable after. O(records of the other).
   */
  absorb(p: PartialCollection): void {
    const fileOffset = this.files.length;
    for (const f of p.files) {
      this.paths.push(f.path);
      this.files.push({ ...f, models: new Set(f.models), noPrice: new Map(), derived: [...f.derived], missing: [...f.missing], seen: { ...f.seen } });
    }
    this.log.absorb(p.log, fileOffset);
    const fresh = p.models.map((pm) => !this.models.has(pm.name));
    const models = p.models.map((pm) => {
      let m = this.models.get(pm.name);
      if (!m) {
        m = new ModelBuilder(pm.name, this.modelList.length, pm.firstFile + fileOffset, this.capacity);
        this.models.set(pm.name, m);
        this.modelList.push(m);
      }
      m.accepted += pm.accepted;
      m.rejected += pm.rejected;
      return m;
    });

    // Query numbers here of the other's queries: an id is first compared, as bytes, with the id of the same number.
    const n = p.count;
    const qOf = new Uint32Array(n);
    const otherBytes = Buffer.from(p.idBytes.buffer, p.idBytes.byteOffset, p.idBytes.byteLength);
    // The usual case, the same ids in the same order, in two comparisons of whole arrays.
    const prefix = n <= this.ids.length && sameBytes(this.idOffsets.subarray(0, n + 1), p.idOffsets) && sameBytes(this.idBytes.subarray(0, p.idBytes.byteLength), p.idBytes);
    let sameOrder = true;
    for (let lq = 0; lq < n && prefix; lq++) qOf[lq] = lq;
    for (let lq = 0; lq < n && !prefix; lq++) {
      const from = p.idOffsets[lq]!;
      const to = p.idOffsets[lq + 1]!;
      let q = -1;
      if (lq < this.ids.length) {
        const here = this.idOffsets[lq]!;
        if (this.idOffsets[lq + 1]! - here === to - from && otherBytes.compare(this.idBytes, here, here + to - from, from, to) === 0) q = lq;
      }
      if (q === -1) {
        const id = otherBytes.toString('utf8', from, to);
        q = this.idIndex.get(id) ?? this.newId(id);
      }
      qOf[lq] = q;
      if (q !== lq) sameOrder = false;
    }
    const adopt = sameOrder && p.capacity === this.capacity;

    for (let k = 0; k < models.length; k++) {
      const pm = p.models[k]!;
      const m = models[k]!;
      if (adopt && fresh[k]) {
        for (let lq = 0; lq < n; lq++) if (pm.line[lq] !== NO_LINE) pm.file[lq] += fileOffset;
        m.quality = pm.quality;
        m.confidence = pm.confidence;
        m.cost = pm.cost;
        m.latencyMs = pm.latencyMs;
        m.tokensIn = pm.tokensIn;
        m.tokensOut = pm.tokensOut;
        m.line = pm.line;
        m.file = pm.file;
        continue;
      }
      for (let lq = 0; lq < n; lq++) {
        const stored = pm.line[lq]!;
        if (stored === NO_LINE) continue;
        const q = qOf[lq]!;
        const file = pm.file[lq]! + fileOffset;
        if (m.line[q] !== NO_LINE) {
          m.accepted--;
          m.rejected++;
          this.files[file]!.records--;
          this.files[file]!.rejected++;
          this.log.add(file, stored - 1, M.duplicateId(this.ids[q]!, m.name, this.place(m.file[q]!, m.line[q]!, file)));
          // A duplicate is skipped before its split label is looked at.
          pm.line[lq] = NO_LINE;
          continue;
        }
        m.quality[q] = pm.quality[lq]!;
        m.confidence[q] = pm.confidence[lq]!;
        m.cost[q] = pm.cost[lq]!;
        m.line[q] = stored;
        m.file[q] = file;
        if (pm.latencyMs && !Number.isNaN(pm.latencyMs[lq])) (m.latencyMs ?? m.latencyColumn())[q] = pm.latencyMs[lq]!;
        if (pm.tokensIn && !Number.isNaN(pm.tokensIn[lq])) (m.tokensIn ?? m.tokensInColumn())[q] = pm.tokensIn[lq]!;
        if (pm.tokensOut && !Number.isNaN(pm.tokensOut[lq])) (m.tokensOut ?? m.tokensOutColumn())[q] = pm.tokensOut[lq]!;
      }
    }

    // Split labels, with the outcome of reading record by record: a query without a label here
    // takes the label of the other's first record (in file, then line order).
    const codeHere = p.splitNames.map((label) => this.splitCode(label));
    const labelled = p.models.flatMap((pm, k) => (pm.split ? [{ pm, split: pm.split, m: models[k]!, adopted: adopt && fresh[k]! }] : []));
    const fileOf = (r: (typeof labelled)[number], lq: number): number => r.pm.file[lq]! + (r.adopted ? 0 : fileOffset);
    const apply = (r: (typeof labelled)[number], lq: number, q: number): void => {
      const code = codeHere[r.split[lq]! - 1]!;
      if (code === this.splitCodes[q]) return;
      if (code === 0) this.log.add(fileOf(r, lq), r.pm.line[lq]! - 1, M.tooManySplits(p.splitNames[r.split[lq]! - 1]!));
      else this.applySplit(code, r.m, fileOf(r, lq), r.pm.line[lq]! - 1, q);
    };
    for (const lq of p.undecodablePrompts ?? []) this.undecodablePrompts.add(qOf[lq]!);
    for (let lq = 0; lq < n; lq++) {
      const q = qOf[lq]!;
      let first: (typeof labelled)[number] | undefined;
      if (this.splitCodes[q] === 0) {
        for (const r of labelled) {
          if (r.split[lq] === 0 || r.pm.line[lq] === NO_LINE) continue;
          if (!first || fileOf(r, lq) - fileOf(first, lq) < 0 || (fileOf(r, lq) === fileOf(first, lq) && r.pm.line[lq]! < first.pm.line[lq]!)) first = r;
        }
        if (first) apply(first, lq, q);
      }
      for (const r of labelled) if (r !== first && r.split[lq] !== 0 && r.pm.line[lq] !== NO_LINE) apply(r, lq, q);
      const prompt = p.prompts?.[lq];
      if (prompt !== undefined && (this.prompts ??= [])[q] === undefined) this.prompts[q] = prompt;
      const embedding = p.embeddings?.[lq];
      if (embedding !== undefined && (this.embeddings ??= [])[q] === undefined) this.embeddings[q] = embedding;
    }
  }

  /**
   * Joins the models on `id` (queries missing for some model are dropped, with one
   * warning per model), reports models without any usable record and builds the dataset.
   * O(n k).
   */
  finish(): { dataset: Dataset; issues: InputIssue[]; files: FileSummary[] } {
    this.flushFileIssues();
    const usable: ModelBuilder[] = [];
    for (const m of this.modelList) {
      if (m.accepted > 0) usable.push(m);
      else this.log.add(m.firstFile, 0, M.noGoodRecords(m.name, m.rejected));
    }

    const total = this.ids.length;
    const presentIn = new Uint16Array(total);
    for (const m of usable) for (let q = 0; q < total; q++) if (m.line[q] !== NO_LINE) presentIn[q]!++;
    const k = usable.length;
    for (const m of usable) {
      let missing = 0;
      const examples: string[] = [];
      for (let q = 0; q < total; q++) {
        if (m.line[q] === NO_LINE && presentIn[q]! > 0) {
          if (missing++ < 3) examples.push(this.ids[q]!);
        }
      }
      if (missing > 0) this.log.add(m.firstFile, 0, M.missingQueries(m.name, missing, examples));
    }
    let n = 0;
    for (let q = 0; q < total; q++) if (presentIn[q] === k) n++;
    if (k > 0 && n === 0 && this.files.length > 0) this.log.add(0, 0, M.noJointQueries());

    // Query numbers of the joint set; when nothing was dropped the columns are used as they are.
    const all = n === total;
    const keep = all ? undefined : new Uint32Array(n);
    if (keep) for (let q = 0, j = 0; q < total; q++) if (presentIn[q] === k) keep[j++] = q;
    const pick = <T>(values: readonly T[]): T[] => (keep ? Array.from(keep, (q) => values[q]!) : values.slice(0, total));
    const column = (a: Float64Array): Float64Array => (keep ? Float64Array.from(keep, (q) => a[q]!) : a.subarray(0, n));

    const models: ModelColumns[] = usable
      .slice()
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((m) => ({
        name: m.name,
        quality: column(m.quality),
        confidence: column(m.confidence),
        cost: column(m.cost),
        ...(m.latencyMs ? { latencyMs: column(m.latencyMs) } : {}),
        ...(m.tokensIn ? { tokensIn: column(m.tokensIn) } : {}),
        ...(m.tokensOut ? { tokensOut: column(m.tokensOut) } : {}),
      }));

    const dataset: { -readonly [K in keyof Dataset]: Dataset[K] } = { n, ids: pick(this.ids), models };
    if (this.splitNames.length > 0) {
      const codes = keep ? Uint8Array.from(keep, (q) => this.splitCodes[q]!) : this.splitCodes.slice(0, n);
      const names = this.splitNames.slice();
      const unlabelled: string[] = [];
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (codes[i] === 0) {
          if (count++ < 3) unlabelled.push(dataset.ids[i]!);
          codes[i] = names.length + 1;
        }
      }
      if (count > 0) {
        names.push('');
        this.log.add(0, 0, M.missingSplit(this.options.splitField, count, unlabelled));
      }
      for (let i = 0; i < n; i++) codes[i]!--;
      dataset.splitCodes = codes;
      dataset.splitNames = names;
    }
    if (this.prompts || this.undecodablePrompts.size > 0) {
      const prompts = this.prompts ?? [];
      dataset.prompts = keep ? Array.from(keep, (q) => prompts[q]) : Array.from({ length: n }, (_, q) => prompts[q]);
      // Queries left without a prompt because theirs could not be decoded (another model's may have been).
      if (this.undecodablePrompts.size > 0) {
        const lost = Uint8Array.from(dataset.prompts, (p, i) => (p === undefined && this.undecodablePrompts.has(keep ? keep[i]! : i) ? 1 : 0));
        if (lost.includes(1)) dataset.undecodablePrompts = lost;
      }
    }
    if (this.embeddings) {
      const embeddings = this.embeddings;
      dataset.embeddings = keep ? Array.from(keep, (q) => embeddings[q]) : Array.from({ length: n }, (_, q) => embeddings[q]);
    }

    const files: FileSummary[] = this.files.map((f) => {
      const derived = f.derived.slice();
      const records = (n: number): string => `${n} ${n === 1 ? 'record' : 'records'}`;
      if (f.costFromTokens > 0) derived.push(`cost from tokens_in/tokens_out x price table (${records(f.costFromTokens)})`);
      if (f.qualityFromScore > 0) derived.push(`quality from "score" (${records(f.qualityFromScore)})`);
      const missing = f.missing.slice();
      if (f.records > 0) {
        if (!f.seen.latency) missing.push('latency_ms');
        if (!f.seen.tokens) missing.push('tokens_in/tokens_out');
        if (!f.seen.split) missing.push(this.options.splitField);
        if (!f.seen.prompt) missing.push('prompt');
      }
      return { file: f.path, format: f.format, models: [...f.models].sort(), records: f.records, rejected: f.rejected, derived, missing };
    });
    return { dataset, issues: this.log.sorted(), files };
  }
}
