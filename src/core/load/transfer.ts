/**
 * The thread transfer of a collection: a collector in a worker thread exports what it read as
 * plain data and typed arrays (transferred, not copied), and the collector that joins
 * everything absorbs it as if it had read those files itself.
 */
import type { ModelColumns } from '../types.ts';
import type { IssueLogState } from './issues.ts';
import * as M from './messages.ts';
import { COST_FROM_ESTIMATE, COST_FROM_RECORD, countFields, ModelBuilder, NO_LINE, sameBytes, yieldsToDuplicate, type CollectorInternals, type FileState } from './columns.ts';

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
    /** The fields of each record that its file's summary counts (`FIELD_*` bits), absent when none has one. */
    readonly fields?: Uint8Array;
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
}

/** The typed arrays of a partial collection, to transfer rather than copy between threads. */
export function transferablesOf(p: PartialCollection): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of [p.idBytes, p.idOffsets]) out.add(a.buffer as ArrayBuffer);
  for (const m of p.models) {
    for (const a of [m.quality, m.confidence, m.cost, m.latencyMs, m.tokensIn, m.tokensOut, m.tokensReasoning, m.tokensCached, m.costFrom, m.line, m.file, m.split, m.fields])
      if (a) out.add(a.buffer as ArrayBuffer);
  }
  return [...out];
}

/**
 * What this collector read, as plain data and typed arrays (to send from a worker thread
 * to the collector that joins everything, see `absorb`). The collector is not used after.
 */
export function exportCollection(c: CollectorInternals): PartialCollection {
  const n = c.ids.length;
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
      ...(m.fields ? { fields: m.fields } : {}),
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
  };
}

/**
 * Adds what another collector (with `deferSplitChecks`) read from the files after this
 * one's: the same result, issues included, as if this collector had read those files
 * itself. When the other's queries are these in the same order (files that list the same
 * ids), its models new here take over its columns without a copy. The other collection
 * is not usable after. O(records of the other).
 */
export function absorbCollection(c: CollectorInternals, p: PartialCollection): void {
  const fileOffset = c.files.length;
  for (const f of p.files) {
    c.paths.push(f.path);
    c.files.push({ ...f, models: new Set(f.models), noPrice: new Map(), derived: [...f.derived], missing: [...f.missing], seen: { ...f.seen } });
  }
  c.log.absorb(p.log, fileOffset);
  const fresh = p.models.map((pm) => !c.models.has(pm.name));
  const models = p.models.map((pm) => {
    let m = c.models.get(pm.name);
    if (!m) {
      m = new ModelBuilder(pm.name, c.modelList.length, pm.firstFile + fileOffset, c.capacity);
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

  // Query numbers here of the other's queries: an id is first compared, as bytes, with the id of the same number.
  const n = p.count;
  const qOf = new Uint32Array(n);
  const otherBytes = Buffer.from(p.idBytes.buffer, p.idBytes.byteOffset, p.idBytes.byteLength);
  // The usual case, the same ids in the same order, in two comparisons of whole arrays.
  const prefix = n <= c.ids.length && sameBytes(c.idOffsets.subarray(0, n + 1), p.idOffsets) && sameBytes(c.idBytes.subarray(0, p.idBytes.byteLength), p.idBytes);
  let sameOrder = true;
  for (let lq = 0; lq < n && prefix; lq++) qOf[lq] = lq;
  for (let lq = 0; lq < n && !prefix; lq++) {
    const from = p.idOffsets[lq]!;
    const to = p.idOffsets[lq + 1]!;
    let q = -1;
    if (lq < c.ids.length) {
      const here = c.idOffsets[lq]!;
      if (c.idOffsets[lq + 1]! - here === to - from && otherBytes.compare(c.idBytes, here, here + to - from, from, to) === 0) q = lq;
    }
    if (q === -1) {
      const id = otherBytes.toString('utf8', from, to);
      q = c.idIndex.get(id) ?? c.newId(id);
    }
    qOf[lq] = q;
    if (q !== lq) sameOrder = false;
  }
  const adopt = sameOrder && p.capacity === c.capacity;

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
    for (let lq = 0; lq < n; lq++) {
      const stored = pm.line[lq]!;
      if (stored === NO_LINE) continue;
      const q = qOf[lq]!;
      const file = pm.file[lq]! + fileOffset;
      if (m.line[q] !== NO_LINE && !yieldsToDuplicate(m, q, pm.confidence[lq]!, c.files, c.log)) {
        // Taken back, with what it counted in its file's summary: read after this collector's records, it would have been skipped.
        const f = c.files[file]!;
        m.accepted--;
        m.rejected++;
        f.records--;
        f.rejected++;
        countFields(f, pm.fields?.[lq] ?? 0, -1);
        const costFrom = pm.costFrom?.[lq] ?? COST_FROM_RECORD;
        if (costFrom !== COST_FROM_RECORD) {
          m.fromTokens--;
          f.costFromTokens--;
          if (costFrom === COST_FROM_ESTIMATE) f.tokensEstimated--;
        }
        c.log.add(file, stored - 1, M.duplicateId(c.ids[q]!, m.name, c.place(m.file[q]!, m.line[q]!, file)));
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
  const labelled = p.models.flatMap((pm, k) => (pm.split ? [{ pm, split: pm.split, m: models[k]!, adopted: adopt && fresh[k]! }] : []));
  // Only the labels of records kept are known here, in the other's order: those of records skipped as duplicates were never read.
  const used = new Uint8Array(p.splitNames.length + 1);
  for (const r of labelled) for (let lq = 0; lq < n; lq++) if (r.pm.line[lq] !== NO_LINE) used[r.split[lq]!] = 1;
  const codeHere = p.splitNames.map((label, i) => (used[i + 1] ? c.splitCode(label) : 0));
  const fileOf = (r: (typeof labelled)[number], lq: number): number => r.pm.file[lq]! + (r.adopted ? 0 : fileOffset);
  const apply = (r: (typeof labelled)[number], lq: number, q: number): void => {
    const code = codeHere[r.split[lq]! - 1]!;
    if (code === c.splitCodes[q]) return;
    if (code === 0) c.log.add(fileOf(r, lq), r.pm.line[lq]! - 1, M.tooManySplits(p.splitNames[r.split[lq]! - 1]!));
    else c.applySplit(code, r.m, fileOf(r, lq), r.pm.line[lq]! - 1, q);
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
}
