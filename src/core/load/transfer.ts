/**
 * The thread transfer of a collection: a collector in a worker thread exports what it read as
 * plain data and typed arrays (transferred, not copied), and the collector that joins
 * everything absorbs it as if it had read those files itself.
 */
import type { ModelColumns, TokenColumn } from '../types.ts';
import type { IssueLogState, JoinedProblem } from './issues.ts';
import * as M from './messages.ts';
import { isPlainAscii } from './idTable.ts';
import { COST_FROM_RECORD, MAX_SPLIT_LABELS, ModelBuilder, NO_LINE, sameBytes, type CollectorInternals, type FileState } from './columns.ts';

/** What a collector read, sent between threads (see `Collector.exportPartial` and `absorb`). */
export interface PartialCollection {
  readonly files: readonly (Omit<FileState, 'models' | 'noPrice' | 'lastModel'> & { readonly models: readonly string[] })[];
  readonly log: IssueLogState;
  /** Each model's columns, indexed by the other collector's query numbers, with where each record was. */
  readonly models: readonly (ModelColumns & {
    readonly firstFile: number;
    readonly accepted: number;
    readonly rejected: number;
    /** Records priced from their tokens, and token-only records left without a price. */
    readonly fromTokens: number;
    readonly unpriced: number;
    readonly line: Uint32Array;
    readonly file: Uint16Array;
    readonly tokensReasoning?: Float64Array;
    readonly tokensCached?: Float64Array;
    /** Where each record's cost came from (see `COST_FROM_*`); absent while every cost is the record's own. */
    readonly costFrom?: Uint8Array;
    /** Split label code of each record, into `splitNames` (1-based; 0 = none). */
    readonly split?: Uint8Array;
    readonly responses?: readonly (string | undefined)[];
    readonly confidenceSeen: boolean;
    /** File and line pairs of rejected records without a confidence. */
    readonly rejectedWithoutConfidence: readonly number[];
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
  /**
   * True when a record without a confidence gave way to a later one of its model and query
   * (see `yieldsToDuplicate`) after its split label was kept: which label the query keeps then
   * depends on the other records read before it, so the files are read again by the joining
   * collector instead (see `absorbCollection`).
   */
  readonly relabelled: boolean;
}

/** The typed arrays of a partial collection, to transfer rather than copy between threads (those in shared memory are sent as they are). */
export function transferablesOf(p: PartialCollection): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  };
  for (const a of [p.idBytes, p.idOffsets]) add(a);
  for (const m of p.models) {
    for (const a of [m.quality, m.confidence, m.cost, m.latencyMs, m.tokensIn, m.tokensOut, m.tokensReasoning, m.tokensCached, m.costFrom, m.line, m.file, m.split]) add(a);
  }
  return [...out];
}

/**
 * What this collector read, as plain data and typed arrays (to send from a worker thread
 * to the collector that joins everything, see `absorb`). The collector is not used after.
 */
export function exportCollection(c: CollectorInternals): PartialCollection {
  const n = c.idTable.count;
  return {
    files: c.files.map(({ lastModel: _lastModel, noPrice: _noPrice, models, ...f }) => ({ ...f, models: [...models] })),
    log: c.log.state(),
    count: n,
    capacity: c.capacity,
    models: c.modelList.map((m) => ({
      name: m.name,
      firstFile: m.firstFile,
      accepted: m.accepted,
      rejected: m.rejected,
      fromTokens: m.fromTokens,
      unpriced: m.unpriced,
      quality: m.quality,
      confidence: m.confidence,
      cost: m.cost,
      ...(m.latencyMs ? { latencyMs: m.latencyMs } : {}),
      ...(m.tokensIn ? { tokensIn: m.tokensIn } : {}),
      ...(m.tokensOut ? { tokensOut: m.tokensOut } : {}),
      ...(m.tokensReasoning ? { tokensReasoning: m.tokensReasoning } : {}),
      ...(m.tokensCached ? { tokensCached: m.tokensCached } : {}),
      ...(m.costFrom ? { costFrom: m.costFrom } : {}),
      line: m.line,
      file: m.file,
      ...(m.split ? { split: m.split } : {}),
      ...(m.responses ? { responses: m.responses } : {}),
      confidenceSeen: m.confidenceSeen,
      rejectedWithoutConfidence: m.rejectedWithoutConfidence,
    })),
    idBytes: c.idBytes.subarray(0, c.idOffsets[n]),
    idOffsets: c.idOffsets.subarray(0, n + 1),
    splitNames: c.splitNames,
    prompts: c.prompts,
    undecodablePrompts: [...c.undecodablePrompts],
    embeddings: c.embeddings,
    relabelled: c.relabelled,
  };
}

/** The key of the slot a collector that defers split checks holds in its log for the label of model `k`'s record of query `q` (see `IssueLog.slot`). */
export const labelSlotKey = (k: number, q: number): number => k * 2 ** 32 + q;

/** A token column of `length` (`mine`, or a new one), Float64 when `other` is: a count that a Float32 cannot hold was stored in it. */
function tokenColumnLike(mine: TokenColumn | undefined, other: TokenColumn, length: number): TokenColumn {
  const column = mine ?? new Float32Array(length).fill(NaN);
  return other instanceof Float64Array && column instanceof Float32Array ? Float64Array.from(column) : column;
}

/**
 * The other collection's query numbers here (-1 for an id not seen here), an id first compared,
 * as bytes, with the id of the same number. Changes nothing. O(ids of the other).
 */
function queriesHere(c: CollectorInternals, p: PartialCollection): Int32Array {
  const n = p.count;
  const qOf = new Int32Array(n);
  // The usual case, the same ids in the same order, in two comparisons of whole arrays.
  if (n <= c.idTable.count && sameBytes(c.idOffsets.subarray(0, n + 1), p.idOffsets) && sameBytes(c.idBytes.subarray(0, p.idBytes.byteLength), p.idBytes)) {
    for (let lq = 0; lq < n; lq++) qOf[lq] = lq;
    return qOf;
  }
  const otherBytes = Buffer.from(p.idBytes.buffer, p.idBytes.byteOffset, p.idBytes.byteLength);
  for (let lq = 0; lq < n; lq++) {
    const from = p.idOffsets[lq]!;
    const to = p.idOffsets[lq + 1]!;
    let q = -1;
    if (lq < c.idTable.count) {
      const here = c.idOffsets[lq]!;
      if (c.idOffsets[lq + 1]! - here === to - from && otherBytes.compare(c.idBytes, here, here + to - from, from, to) === 0) q = lq;
    }
    if (q === -1) q = isPlainAscii(otherBytes, from, to) ? c.idTable.findAscii(otherBytes, from, to) : c.idTable.find(otherBytes.toString('utf8', from, to));
    qOf[lq] = q;
  }
  return qOf;
}

/**
 * Whether reading the other collection's files here, record by record, would read each of its
 * records as the other collector did. Not when a record's model already has a record for its
 * query here (a duplicate, or a record this collector's gives way to: reading it here skips it
 * before its optional fields, prompt and split label, and a later record of its file that
 * repeats it names this collector's record as the first); nor when the other collector could
 * not decode a prompt of a query that has one here (reading here decodes no second prompt);
 * nor when the other is `relabelled`; nor when the split labels of both could be more than a
 * collector holds. O(records of the other's models known here).
 */
function readAlike(c: CollectorInternals, p: PartialCollection, qOf: Int32Array): boolean {
  if (p.relabelled) return false;
  for (const pm of p.models) {
    const m = c.models.get(pm.name);
    if (!m) continue;
    for (let lq = 0; lq < p.count; lq++) {
      const q = qOf[lq]!;
      if (q !== -1 && pm.line[lq] !== NO_LINE && m.line[q] !== NO_LINE) return false;
    }
  }
  const prompts = c.prompts;
  if (prompts) for (const lq of p.undecodablePrompts ?? []) if (qOf[lq] !== -1 && prompts[qOf[lq]!] !== undefined) return false;
  // Split labels beyond the 255 a collector holds: which records go without theirs depends on the labels read before.
  if (c.splitNames.length > 0 && p.splitNames.length > 0) {
    if (p.splitNames.length >= MAX_SPLIT_LABELS) return false;
    const here = new Set(c.splitNames);
    if (here.size + p.splitNames.filter((label) => !here.has(label)).length > MAX_SPLIT_LABELS) return false;
  }
  return true;
}

/**
 * Adds what another collector (with `deferSplitChecks`) read from the files after this
 * one's: the same result, issues included, as if this collector had read those files
 * itself. When the other's queries are these in the same order (files that list the same
 * ids), its models new here take over its columns without a copy. The other collection
 * is not usable after. False, and nothing changed, when reading those files here would give
 * another result than joining (see `readAlike`: records that collide with this collector's):
 * the caller then reads the files here (see `joinOrRead`). O(records of the other).
 */
export function absorbCollection(c: CollectorInternals, p: PartialCollection): boolean {
  const qOf = queriesHere(c, p);
  if (!readAlike(c, p, qOf)) return false;
  const fileOffset = c.files.length;
  for (const f of p.files) {
    c.paths.push(f.path);
    c.files.push({ ...f, models: new Set(f.models), noPrice: new Map(), derived: [...f.derived], missing: [...f.missing], seen: { ...f.seen } });
  }
  // Ids new here get query numbers in the other's order, as reading its files would give them.
  const n = p.count;
  let sameOrder = true;
  for (let lq = 0; lq < n; lq++) {
    if (qOf[lq] === -1) qOf[lq] = c.newId(Buffer.from(p.idBytes.buffer, p.idBytes.byteOffset + p.idOffsets[lq]!, p.idOffsets[lq + 1]! - p.idOffsets[lq]!).toString('utf8'));
    if (qOf[lq] !== lq) sameOrder = false;
  }
  const adopt = sameOrder && p.capacity === c.capacity;

  const fresh = p.models.map((pm) => !c.models.has(pm.name));
  const models = p.models.map((pm) => {
    let m = c.models.get(pm.name);
    if (!m) {
      // A model new here that takes over the other's columns needs none of its own.
      m = new ModelBuilder(pm.name, c.modelList.length, pm.firstFile + fileOffset, c.capacity, adopt);
      c.models.set(pm.name, m);
      c.modelList.push(m);
    }
    m.accepted += pm.accepted;
    m.confidenceSeen ||= pm.confidenceSeen;
    for (let i = 0; i < pm.rejectedWithoutConfidence.length; i += 2) m.rejectedWithoutConfidence.push(pm.rejectedWithoutConfidence[i]! + fileOffset, pm.rejectedWithoutConfidence[i + 1]!);
    m.rejected += pm.rejected;
    m.fromTokens += pm.fromTokens;
    m.unpriced += pm.unpriced;
    return m;
  });

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
      m.tokensReasoning = pm.tokensReasoning;
      m.tokensCached = pm.tokensCached;
      m.costFrom = pm.costFrom;
      m.line = pm.line;
      m.file = pm.file;
      if (pm.responses) m.responses = [...pm.responses];
      continue;
    }
    // The optional columns the other made, as reading its records here makes them (a record that gave way to a later one made them too).
    if (pm.latencyMs) m.latencyColumn();
    if (pm.tokensIn) m.tokensIn = tokenColumnLike(m.tokensIn, pm.tokensIn, m.quality.length);
    if (pm.tokensOut) m.tokensOut = tokenColumnLike(m.tokensOut, pm.tokensOut, m.quality.length);
    if (pm.tokensReasoning) m.tokensReasoningColumn();
    if (pm.tokensCached) m.tokensCachedColumn();
    if (pm.costFrom) m.costFromColumn();
    if (pm.responses) m.responses ??= [];
    // No record here for any of these queries (see readAlike).
    for (let lq = 0; lq < n; lq++) {
      const stored = pm.line[lq]!;
      if (stored === NO_LINE) continue;
      const q = qOf[lq]!;
      m.quality[q] = pm.quality[lq]!;
      m.confidence[q] = pm.confidence[lq]!;
      m.cost[q] = pm.cost[lq]!;
      m.line[q] = stored;
      m.file[q] = pm.file[lq]! + fileOffset;
      if (pm.latencyMs && !Number.isNaN(pm.latencyMs[lq])) (m.latencyMs ?? m.latencyColumn())[q] = pm.latencyMs[lq]!;
      if (pm.tokensIn && !Number.isNaN(pm.tokensIn[lq])) m.storeTokensIn(q, pm.tokensIn[lq]!);
      if (pm.tokensOut && !Number.isNaN(pm.tokensOut[lq])) m.storeTokensOut(q, pm.tokensOut[lq]!);
      if (pm.tokensReasoning && !Number.isNaN(pm.tokensReasoning[lq])) (m.tokensReasoning ?? m.tokensReasoningColumn())[q] = pm.tokensReasoning[lq]!;
      if (pm.tokensCached && !Number.isNaN(pm.tokensCached[lq])) (m.tokensCached ?? m.tokensCachedColumn())[q] = pm.tokensCached[lq]!;
      const from = pm.costFrom?.[lq] ?? COST_FROM_RECORD;
      if (from !== COST_FROM_RECORD || m.costFrom) (m.costFrom ?? m.costFromColumn())[q] = from;
      const response = pm.responses?.[lq];
      if (response !== undefined) (m.responses ??= [])[q] = response;
    }
  }

  // Split labels, with the outcome of reading record by record: a query without a label here
  // takes the label of the other's first record (in file, then line order).
  const labelled = p.models.flatMap((pm, k) => (pm.split ? [{ k, pm, split: pm.split, m: models[k]!, adopted: adopt && fresh[k]! }] : []));
  // The other's labels, in the order its records gave them (every record holding one is kept, see readAlike).
  const codeHere = p.splitNames.map((label) => c.splitCode(label));
  const fileOf = (r: (typeof labelled)[number], lq: number): number => r.pm.file[lq]! + (r.adopted ? 0 : fileOffset);
  // Their problems are logged in file and line order, as reading record by record logs them (which of a file's are listed one by one depends on it).
  const problems: JoinedProblem[] = [];
  const apply = (r: (typeof labelled)[number], lq: number, q: number): void => {
    const code = codeHere[r.split[lq]! - 1]!;
    if (code === c.splitCodes[q]) return;
    const file = fileOf(r, lq);
    const problem = code === 0 ? M.tooManySplits(p.splitNames[r.split[lq]! - 1]!) : c.applySplit(code, r.m, file, q);
    if (problem) problems.push({ file: file - fileOffset, line: r.pm.line[lq]! - 1, problem, key: labelSlotKey(r.k, lq) });
  };
  for (const lq of p.undecodablePrompts ?? []) c.undecodablePrompts.add(qOf[lq]!);
  for (let lq = 0; lq < n; lq++) {
    const q = qOf[lq]!;
    let first: (typeof labelled)[number] | undefined;
    if (c.splitCodes[q] === 0) {
      for (const r of labelled) {
        if (r.split[lq] === 0 || r.pm.line[lq] === NO_LINE) continue;
        if (!first || fileOf(r, lq) - fileOf(first, lq) < 0 || (fileOf(r, lq) === fileOf(first, lq) && r.pm.line[lq]! < first.pm.line[lq]!)) first = r;
      }
      if (first) apply(first, lq, q);
    }
    for (const r of labelled) if (r !== first && r.split[lq] !== 0 && r.pm.line[lq] !== NO_LINE) apply(r, lq, q);
    const prompt = p.prompts?.[lq];
    if (prompt !== undefined && (c.prompts ??= [])[q] === undefined) c.prompts[q] = prompt;
    const embedding = p.embeddings?.[lq];
    if (embedding !== undefined && (c.embeddings ??= [])[q] === undefined) c.embeddings[q] = embedding;
  }
  // A stable sort: the problems of one line (a row of a wide table) stay in the order of its records.
  problems.sort((a, b) => a.file - b.file || a.line - b.line);
  c.log.absorb(p.log, fileOffset, problems);
  return true;
}
