/**
 * The collector: every record a reader hands over is checked here, and every record-level
 * message produced, into per-model columns; then the models are joined on `id`. Its parts:
 * `deferredText.ts` (texts handed over undecoded), `sink.ts` (the reader contract),
 * `fields.ts` (reading a field, pure), `columns.ts` (the columns), `transfer.ts` (to and from
 * a worker thread) and `join.ts` (the dataset and the file summaries).
 */
import { costOfTokens, findPrice, priceMatchOf, type PriceLookup } from '../prices/index.ts';
import type { Dataset, FileSummary, InputIssue, PriceMatch, PriceTable, RawRecord, TokenPrice } from '../types.ts';
import { IssueLog } from './issues.ts';
import { isUndecodableString } from './jsonText.ts';
import * as M from './messages.ts';
import type { Problem } from './messages.ts';
import { isDeferredText, isJsonStringBytes, textOf, type JsonStringBytes } from './deferredText.ts';
import type { CollectorOptions, RecordSink } from './sink.ts';
import { confidenceValue, estimatedTokens, isAbsent, isBlank, numeric, parseQuality, requiredNumber, tokenCount } from './fields.ts';
import {
  copied,
  COST_FROM_ESTIMATE,
  COST_FROM_RECORD,
  COST_FROM_TOKENS,
  countFields,
  FIELD_CONFIDENCE,
  FIELD_LATENCY,
  FIELD_PROMPT,
  FIELD_SCORE,
  FIELD_SPLIT,
  FIELD_TOKENS,
  grown,
  MAX_SPLIT_LABELS,
  ModelBuilder,
  NO_LINE,
  yieldsToDuplicate,
  type CollectorInternals,
  type FileState,
} from './columns.ts';
import { absorbCollection, exportCollection, labelSlotKey, type PartialCollection } from './transfer.ts';
import { joinCollection } from './join.ts';
import { hashOfAsciiBytes, IdTable, INITIAL_CAPACITY, isAsciiBlank, isPlainAscii } from './idTable.ts';

/**
 * Turns raw records into per-model columns: the one place where every record is checked
 * and every record-level message is produced. Then `finish` joins the models on `id`.
 * Each record costs O(1) (one Map lookup of its id); `finish` is O(n k).
 */
export class Collector implements CollectorInternals {
  // The state below is read by the thread transfer (transfer.ts) and the join (join.ts); the rest is this class's own.
  readonly files: FileState[] = [];
  readonly paths: string[] = [];
  readonly log = new IssueLog(this.paths);
  readonly models = new Map<string, ModelBuilder>();
  readonly modelList: ModelBuilder[] = [];
  capacity = INITIAL_CAPACITY;
  /** The ids seen, by query number, and their index. */
  readonly idTable = new IdTable();
  splitCodes = new Uint8Array(this.capacity);
  /** Model index that gave the split label of each query. */
  private splitFrom = new Uint16Array(this.capacity);
  /** File and stored line of the record that gave a query its label, when that record gave way to a later one of its model (else its model's record). */
  private labelPlaces?: Map<number, readonly [number, number]>;
  readonly splitNames: string[] = [];
  private readonly splitIndex = new Map<string, number>();
  private lastSplitLabel: string | undefined;
  private lastSplitCode = 0;
  prompts?: (string | undefined)[];
  /** Queries one of whose prompts could not be decoded (only while prompts are kept). */
  readonly undecodablePrompts = new Set<number>();
  embeddings?: (Float64Array | undefined)[];
  /**
   * With `deferSplitChecks`: a record that gave way to a later one (see `yieldsToDuplicate`)
   * had a split label. Reading record by record, its label is the query's when no record read
   * before gave one, and the later record's label is compared with it; this collector keeps one
   * label per record, so a collector joining this one reads its files again instead.
   */
  relabelled = false;
  /** Records given a slot by `holdLabelPlaces`. */
  private readonly labelSlots = new Set<number>();
  private readonly problems: Problem[] = [];
  /** How each model priced from tokens was looked up in the price table, for the messages. */
  private readonly priceLookups = new Map<string, PriceLookup>();

  constructor(readonly options: CollectorOptions) {
    if (options.deferSplitChecks) this.log.onListed = (file, line) => this.holdLabelPlaces(file, line);
  }

  /** UTF-8 bytes of every id, query q at [idOffsets[q], idOffsets[q + 1]). */
  get idBytes(): Buffer {
    return this.idTable.bytes;
  }
  get idOffsets(): Uint32Array {
    return this.idTable.offsets;
  }

  /**
   * With `deferSplitChecks`, before an issue at a line is listed: the records of the line read
   * before (a row of a wide table holds several) whose split label the joining collector checks
   * get a slot in the log, for their disagreements to come where reading record by record puts
   * them. A model's record at the line is its latest (`next`). O(models of the file).
   */
  private holdLabelPlaces(file: number, line: number): void {
    for (const name of this.files[file]!.models) {
      const m = this.models.get(name)!;
      const q = m.next - 1;
      if (q < 0 || m.line[q] !== line + 1 || m.file[q] !== file || !m.split?.[q]) continue;
      const key = labelSlotKey(m.index, q);
      if (this.labelSlots.has(key)) continue;
      this.labelSlots.add(key);
      this.log.slot(file, line, key);
    }
  }

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
      tokensEstimated: 0,
      reasoningAtRate: 0,
      reasoningAsOutput: 0,
      cachedAtRate: 0,
      cachedAsInput: 0,
      seen: { latency: 0, tokens: 0, split: 0, prompt: 0, confidence: 0 },
      derived: [],
      missing: [],
      noPrice: new Map(),
      // Set now, not at the file's first record: every file's state then has one shape, and `add`'s optimised code keeps to it.
      lastModel: undefined,
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
    // Emptied only when it holds something: setting an array's length is a call into the engine, once per record.
    if (problems.length > 0) problems.length = 0;

    let m: ModelBuilder | undefined;
    if (r.model === undefined || r.model === null || r.model === '') m = f.lastModel?.name === f.defaultModel ? f.lastModel : this.model(f.defaultModel, fileIndex);
    else if (typeof r.model === 'string' && r.model.trim() !== '') m = f.lastModel?.name === r.model ? f.lastModel : this.model(r.model, fileIndex);
    else problems.push(M.invalidModel(r.model));
    f.lastModel = m;

    // An id as raw bytes is first compared with the id expected next, then looked up as bytes when it is plain ASCII; a string is only built when it is new.
    let q = -1;
    let idValue: unknown = r.id;
    let idAscii: JsonStringBytes | undefined;
    if (isJsonStringBytes(idValue)) {
      q = this.expectedId(m, idValue);
      if (q === -1) {
        if (isPlainAscii(idValue.buf, idValue.start, idValue.end) && !isAsciiBlank(idValue.buf, idValue.start, idValue.end)) idAscii = idValue;
        else idValue = idValue.text();
      }
    }
    let id: string | undefined;
    if (q === -1 && idAscii === undefined) {
      if (typeof idValue === 'string') {
        if (idValue.trim() !== '') id = idValue;
        else problems.push(M.invalidId(idValue));
      } else if (typeof idValue === 'number' && Number.isFinite(idValue)) id = String(idValue);
      else if (idValue === undefined) problems.push(M.missingId());
      else problems.push(M.invalidId(idValue));
    }

    const quality = parseQuality(r, problems);
    // No confidence is NaN here: whether the model has none at all, or lacks it on some records, is settled at the join.
    const confidence = isBlank(r.confidence) ? NaN : confidenceValue(r.confidence, problems);
    let tokensIn = tokenCount('tokens_in', r.tokensIn, isAbsent(r.cost), problems);
    let tokensOut = tokenCount('tokens_out', r.tokensOut, isAbsent(r.cost), problems);
    const estimated = this.options.estimateTokens && isAbsent(r.cost) && isAbsent(r.tokensIn) && isAbsent(r.tokensOut) ? estimatedTokens(r.prompt, r.response) : undefined;
    if (estimated) ({ tokensIn, tokensOut } = estimated);

    let cost: number | undefined;
    let fromTokens = false;
    if (estimated) {
      fromTokens = true;
    } else if (!isAbsent(r.cost)) {
      const c = requiredNumber('cost', r.cost, problems);
      if (c !== undefined) {
        if (c < 0) problems.push(M.negativeCost('cost', c));
        else cost = c;
      }
    } else if (isAbsent(r.tokensIn) && isAbsent(r.tokensOut)) {
      problems.push(r.cost === null ? M.notANumber('cost', null) : M.missingCost(estimatedTokens(r.prompt, r.response) !== undefined));
    } else if (isAbsent(r.tokensIn) || isAbsent(r.tokensOut)) {
      problems.push(isAbsent(r.tokensIn) ? M.missingTokenPair('tokens_out', 'tokens_in') : M.missingTokenPair('tokens_in', 'tokens_out'));
    } else {
      fromTokens = true;
    }

    if (m && !isBlank(r.confidence)) m.confidenceSeen = true;
    if (
      problems.length > 0 ||
      m === undefined ||
      (q === -1 && id === undefined && idAscii === undefined) ||
      quality === undefined ||
      confidence === undefined ||
      (fromTokens && (tokensIn === undefined || tokensOut === undefined))
    ) {
      this.rejectAll(fileIndex, line, m, problems);
      // Whether a missing confidence is a problem too depends on the model's other records: settled at the join.
      if (m && Number.isNaN(confidence)) m.rejectedWithoutConfidence.push(fileIndex, line);
      return;
    }
    let price: TokenPrice | undefined;
    if (fromTokens) {
      const found = this.price(m);
      if (found === null) {
        m.unpriced++;
        m.rejected++;
        f.rejected++;
        const seen = f.noPrice.get(m.name);
        if (seen) seen.count++;
        else f.noPrice.set(m.name, { count: 1, line });
        return;
      }
      price = found;
    }

    if (q === -1 && idAscii) {
      const { buf, start, end } = idAscii;
      const h = hashOfAsciiBytes(buf, start, end);
      q = this.idTable.findAscii(buf, start, end, h);
      if (q === -1) q = this.newAsciiId(buf, start, end, h);
    } else if (q === -1) q = this.idTable.find(id!);
    if (q === -1) q = this.newId(id!);
    if (m.line[q] !== NO_LINE) {
      const [gaveWayFile, gaveWayLine] = [m.file[q]!, m.line[q]!];
      if (!yieldsToDuplicate(m, q, confidence, this.files, this.log)) {
        m.rejected++;
        f.rejected++;
        this.log.add(fileIndex, line, M.duplicateId(this.idTable.idAt(q), m.name, this.place(m.file[q]!, m.line[q]!, fileIndex)));
        return;
      }
      // The label of the record that gave way stays with its query (see `relabelled`, `labelPlaces`).
      if (m.split?.[q]) this.relabelled = true;
      else if (this.splitCodes[q] !== 0 && this.splitFrom[q] === m.index) (this.labelPlaces ??= new Map()).set(q, [gaveWayFile, gaveWayLine]);
    }

    // Reasoning and cached input tokens, parts of tokens_out and tokens_in: read only when the record names them (and is kept).
    let reasoning = NaN;
    let cached = NaN;
    const parts = r.tokensReasoning !== undefined || r.tokensCached !== undefined;
    if (parts) {
      reasoning = this.tokenPart('tokens_reasoning', r.tokensReasoning, tokensOut, 'tokens_out', m, fileIndex, line);
      cached = this.tokenPart('tokens_cached', r.tokensCached, tokensIn, 'tokens_in', m, fileIndex, line);
    }
    if (price) {
      cost = costOfTokens(price, tokensIn!, tokensOut!, reasoning, cached);
      if (reasoning > 0) {
        if (price.reasoningPerMillion !== undefined) f.reasoningAtRate++;
        else f.reasoningAsOutput++;
      }
      if (cached > 0) {
        if (price.cacheReadPerMillion !== undefined) f.cachedAtRate++;
        else f.cachedAsInput++;
      }
    }
    m.next = q + 1;

    m.quality[q] = quality;
    m.confidence[q] = confidence;
    m.cost[q] = cost!;
    m.line[q] = line + 1;
    m.file[q] = fileIndex;
    m.accepted++;
    f.records++;
    if (fromTokens) {
      f.costFromTokens++;
      m.fromTokens++;
      (m.costFrom ?? m.costFromColumn())[q] = estimated ? COST_FROM_ESTIMATE : COST_FROM_TOKENS;
    } else if (m.costFrom) m.costFrom[q] = COST_FROM_RECORD;
    if (parts) {
      if (!Number.isNaN(reasoning)) (m.tokensReasoning ?? m.tokensReasoningColumn())[q] = reasoning;
      if (!Number.isNaN(cached)) (m.tokensCached ?? m.tokensCachedColumn())[q] = cached;
    }
    if (estimated) f.tokensEstimated++;
    let fields = this.optionalFields(r, m, fileIndex, line, q, tokensIn, tokensOut);
    if (!Number.isNaN(confidence)) fields |= FIELD_CONFIDENCE;
    if (isAbsent(r.correct)) fields |= FIELD_SCORE;
    countFields(f, fields);
  }

  /**
   * A reasoning or cached token count (`field`), a part of the record's `total` (tokens_out or
   * tokens_in); NaN when absent, or after a warning when it is not a count or exceeds the total
   * (the record is then priced and kept without it).
   */
  private tokenPart(field: string, value: unknown, total: number | undefined, totalField: string, m: ModelBuilder, fileIndex: number, line: number): number {
    if (isAbsent(value)) return NaN;
    const n = numeric(value);
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      this.log.add(fileIndex, line, M.invalidOptional(field, value, M.RULE_TOKENS), m.name);
      return NaN;
    }
    if (total !== undefined && n > total) {
      this.log.add(fileIndex, line, M.tokenPartOverTotal(field, n, totalField, total), m.name);
      return NaN;
    }
    return n;
  }

  /** The query after the model's previous one, when `raw` holds exactly its id's bytes (and no escape); else -1. */
  private expectedId(m: ModelBuilder | undefined, raw: JsonStringBytes): number {
    if (m === undefined) return -1;
    const q = m.next;
    const t = this.idTable;
    if (q >= t.count) return -1;
    const from = t.offsets[q]!;
    const n = t.offsets[q + 1]! - from;
    if (raw.end - raw.start !== n || n === 0) return -1;
    const stored = t.bytes;
    const buf = raw.buf;
    for (let j = 0, i = raw.start; j < n; j++, i++) {
      const c = buf[i];
      if (c !== stored[from + j] || c === 0x5c) return -1;
    }
    return q;
  }

  /** Numbers `id`, not seen before (`h`: its hash, when known). */
  newId(id: string, h?: number): number {
    if (this.idTable.count === this.capacity) this.grow();
    return this.idTable.add(id, h);
  }

  /** Numbers the id whose text is the ASCII bytes `buf[start, end)`, not seen before; its string is made when first read. */
  private newAsciiId(buf: Buffer, start: number, end: number, h: number): number {
    if (this.idTable.count === this.capacity) this.grow();
    return this.idTable.addAscii(buf, start, end, h);
  }

  private rejectAll(fileIndex: number, line: number, m: ModelBuilder | undefined, problems: readonly Problem[]): void {
    this.files[fileIndex]!.rejected++;
    // A model whose every record is bad is still known, to say so at the end.
    if (m) m.rejected++;
    for (const p of problems) this.log.add(fileIndex, line, p, m?.name);
  }

  /**
   * Latency, split, prompt, embedding and (when a cost was given) token counts: a bad value is a
   * warning, the record is kept. Returns the fields the record has that its file's summary counts
   * (`FIELD_*` bits).
   */
  private optionalFields(r: RawRecord, m: ModelBuilder, fileIndex: number, line: number, q: number, tokensIn: number | undefined, tokensOut: number | undefined): number {
    let fields = 0;
    if (!isAbsent(r.latencyMs)) {
      const n = numeric(r.latencyMs);
      if (typeof n === 'number' && Number.isFinite(n) && n >= 0) {
        (m.latencyMs ?? m.latencyColumn())[q] = n;
        fields |= FIELD_LATENCY;
      } else this.log.add(fileIndex, line, M.invalidOptional('latency_ms', r.latencyMs, M.RULE_LATENCY), m.name);
    }
    if (tokensIn !== undefined) m.storeTokensIn(q, tokensIn);
    else if (!isAbsent(r.tokensIn)) this.log.add(fileIndex, line, M.invalidOptional('tokens_in', r.tokensIn, M.RULE_TOKENS), m.name);
    if (tokensOut !== undefined) m.storeTokensOut(q, tokensOut);
    else if (!isAbsent(r.tokensOut)) this.log.add(fileIndex, line, M.invalidOptional('tokens_out', r.tokensOut, M.RULE_TOKENS), m.name);
    if (tokensIn !== undefined || tokensOut !== undefined) fields |= FIELD_TOKENS;
    if (!isAbsent(r.prompt)) {
      const p = r.prompt;
      if (typeof p === 'string' || isDeferredText(p) || isUndecodableString(p)) {
        fields |= FIELD_PROMPT;
        // Only the prompt kept for the query is decoded; one that cannot be costs the prompt, not the record.
        if (this.options.keepPrompts && this.prompts?.[q] === undefined) {
          const text = typeof p === 'string' || isUndecodableString(p) ? p : isJsonStringBytes(p) ? p.decode() : p.text();
          if (typeof text === 'string') (this.prompts ??= [])[q] = text;
          else {
            this.log.add(fileIndex, line, M.undecodablePrompt(text.column, text.hint), m.name);
            this.undecodablePrompts.add(q);
          }
        }
      } else this.log.add(fileIndex, line, M.invalidOptional('prompt', r.prompt, M.RULE_PROMPT), m.name);
    }
    if (this.options.keepResponses && !isAbsent(r.response)) {
      const text = textOf(r.response);
      if (typeof text === 'string') (m.responses ??= [])[q] = text;
      else if (text !== undefined) this.log.add(fileIndex, line, M.undecodableResponse(text.column, text.hint), m.name);
      else this.log.add(fileIndex, line, M.invalidOptional('response', r.response, M.RULE_RESPONSE), m.name);
    }
    if (!isAbsent(r.embedding)) {
      const e = r.embedding;
      if (Array.isArray(e) && e.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        const embeddings = (this.embeddings ??= []);
        if (embeddings[q] === undefined) embeddings[q] = Float64Array.from(e as number[]);
      } else this.log.add(fileIndex, line, M.invalidOptional('embedding', e, M.RULE_EMBEDDING), m.name);
    }
    // Last: a collector that defers split checks reports disagreements after the line's other issues.
    if (!isAbsent(r.split) && this.split(r.split, m, fileIndex, line, q)) fields |= FIELD_SPLIT;
    return fields;
  }

  /** Reads a record's split label; true when it has one (a bad label is a warning). */
  private split(value: unknown, m: ModelBuilder, fileIndex: number, line: number, q: number): boolean {
    const field = this.options.splitField;
    const label = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
    if (label === undefined) {
      this.log.add(fileIndex, line, M.invalidOptional(field, value, M.RULE_SPLIT), m.name);
      return false;
    }
    const code = this.splitCode(label);
    if (code === 0) {
      this.log.add(fileIndex, line, M.tooManySplits(label));
      return false;
    }
    if (this.options.deferSplitChecks) (m.split ??= new Uint8Array(m.quality.length))[q] = code;
    else {
      const conflict = this.applySplit(code, m, fileIndex, q);
      if (conflict) this.log.add(fileIndex, line, conflict);
    }
    return true;
  }

  /** The code (1-based) of a split label, 0 when there are already 255 others. */
  splitCode(label: string): number {
    // Records mostly repeat the previous record's label (the scanner hands over the same string).
    if (label === this.lastSplitLabel) return this.lastSplitCode;
    let code = this.splitIndex.get(label);
    if (code === undefined) {
      if (this.splitNames.length === MAX_SPLIT_LABELS) return 0;
      this.splitNames.push(label);
      code = this.splitNames.length;
      this.splitIndex.set(label, code);
    }
    this.lastSplitLabel = label;
    this.lastSplitCode = code;
    return code;
  }

  /** A record's split label (read from file `fileIndex`): the query's label when it is the first, else compared with the first; the disagreement, if any. */
  applySplit(code: number, m: ModelBuilder, fileIndex: number, q: number): Problem | undefined {
    const had = this.splitCodes[q]!;
    if (had === 0) {
      this.splitCodes[q] = code;
      this.splitFrom[q] = m.index;
    } else if (had !== code) {
      const first = this.modelList[this.splitFrom[q]!]!;
      const [file, stored] = this.labelPlaces?.get(q) ?? [first.file[q]!, first.line[q]!];
      return M.splitConflict(this.idTable.idAt(q), this.splitNames[code - 1]!, this.splitNames[had - 1]!, first.name, this.place(file, stored, fileIndex));
    }
    return undefined;
  }

  /** `line 12` within the same file, else `other.jsonl:12` (from a stored line, which is one more). */
  place(file: number, storedLine: number, here: number): string {
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

  private price(m: ModelBuilder): TokenPrice | null {
    if (m.price === undefined) {
      const found = this.priceLookup(m.name);
      m.price = found?.kind === 'found' ? found.price : null;
    }
    return m.price;
  }

  /** How a model's name is found in the price table (looked up once); undefined without a table. */
  priceLookup(model: string): PriceLookup | undefined {
    if (!this.options.prices) return undefined;
    let found = this.priceLookups.get(model);
    if (!found) {
      found = findPrice(this.options.prices, model, this.options.priceProvider);
      this.priceLookups.set(model, found);
    }
    return found;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    for (const m of this.modelList) m.grow(capacity);
    this.splitCodes = grown(this.splitCodes, capacity);
    this.splitFrom = grown(this.splitFrom, capacity);
    this.capacity = capacity;
  }

  /** Issues counted per file while reading (token records without a price), now that the files are read. */
  private flushFileIssues(): void {
    for (let i = 0; i < this.files.length; i++) {
      const f = this.files[i]!;
      for (const [model, { count, line }] of f.noPrice) {
        const problem = M.noPrice(model, count, this.options.prices, this.priceLookups.get(model), this.options.estimateTokens);
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
    this.log.endReading();
    this.flushFileIssues();
    return exportCollection(this);
  }

  /**
   * Adds what another collector (with `deferSplitChecks`) read from the files after this
   * one's: the same result, issues included, as if this collector had read those files
   * itself (see `absorbCollection`). False, and nothing changed, when only reading those
   * files here gives that result (records that collide with this collector's): see
   * `joinOrRead`. O(records of the other).
   */
  absorb(p: PartialCollection): boolean {
    return absorbCollection(this, p);
  }

  /**
   * A collector with this one's state, to `finish` while this one stays as it was: what the
   * join changes (the file counts, the log, each model's counts, stored lines and, for a model
   * without any confidence, its confidences) is copied, the rest shared. For a caller that keeps
   * joined files and finishes again after changing some models' columns; not for reading more
   * records. O(files + issues + k) plus one or two columns per model copied.
   */
  forFinish(): Collector {
    const paths = this.paths.slice();
    const log = new IssueLog(paths);
    log.absorb(this.log.state(), 0);
    const modelList = this.modelList.map((m) =>
      Object.assign(Object.create(ModelBuilder.prototype) as ModelBuilder, m, {
        line: copied(m.line),
        ...(m.confidenceSeen ? {} : { confidence: copied(m.confidence) }),
      }),
    );
    return Object.assign(Object.create(Collector.prototype) as Collector, this, {
      files: this.files.map((f) => ({ ...f, noPrice: new Map(f.noPrice), seen: { ...f.seen } })),
      paths,
      log,
      models: new Map(modelList.map((m) => [m.name, m])),
      modelList,
      problems: [],
    });
  }

  /**
   * Joins the models on `id` (queries missing for some model are dropped, with one
   * warning per model), reports models without any usable record and builds the dataset
   * (see `joinCollection`). O(n k).
   */
  finish(): { dataset: Dataset; issues: InputIssue[]; files: FileSummary[]; prices?: PriceMatch[] } {
    this.flushFileIssues();
    return { ...joinCollection(this), ...(this.options.prices ? { prices: this.priceMatches(this.options.prices) } : {}) };
  }

  /** For every model with token-only records: the price entry that priced them, or why none did. O(k) lookups. */
  private priceMatches(table: PriceTable): PriceMatch[] {
    return this.modelList
      .filter((m) => m.fromTokens > 0 || m.unpriced > 0)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((m) => priceMatchOf(m.name, this.priceLookup(m.name)!, m.fromTokens, table, this.options.priceProvider));
  }
}
