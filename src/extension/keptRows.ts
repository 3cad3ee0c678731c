/**
 * A result's long lists sent without the rows the host holds already. A save changes one
 * model's file: at 100k queries x 8 models about three quarters of the envelope's vertices and
 * of their held-out figures, and every pair without that model, come out the same as in the last
 * result, item for item at the same positions. The host names the last result it put together
 * (`AnalyzeJob.rowsFrom`); the analysis process, when it still has that result's lists, sends
 * only the items that differ from them, and says which positions the host takes from its own
 * copy (`KeptRows`). Put back, the lists are the ones a whole send gives: an item is kept only
 * when it is equal, value for value and key for key in order, to the one at its position. Plain
 * data, no editor API.
 */
import type { AnalysisResult } from '../core/types.ts';
import { PART_FIELDS, type PartField } from './resultParts.ts';
import { keptRuns, sameValue, sourcesOf } from '../protocolRows.ts';

/** A result's long lists, by field. */
export type ResultLists = Partial<Record<PartField, readonly unknown[]>>;

/** Where the rows left out of a result's lists are: positions taken from an earlier result's lists. */
export interface KeptRows {
  /** The job whose result's lists the rows are taken from. */
  readonly from: number;
  /** Per list with rows left out: runs `[start, end)` of positions whose item is the earlier list's item at the same position. */
  readonly runs: Partial<Record<PartField, readonly (readonly [number, number])[]>>;
  /** Per such list, its whole length. */
  readonly lengths: Partial<Record<PartField, number>>;
}

/** The long lists of `result` (those it has). */
export function listsOf(result: AnalysisResult): ResultLists {
  const lists: ResultLists = {};
  for (const field of PART_FIELDS) {
    const list = result[field] as readonly unknown[] | undefined;
    if (list) lists[field] = list;
  }
  return lists;
}

/**
 * `result` with each long list cut to the items that differ from `base`'s item at the same
 * position (in order), and where the others are; `kept` undefined when no item is kept (the
 * result as it is). O(size of the lists).
 */
export function withoutKeptRows(result: AnalysisResult, base: ResultLists, from: number): { readonly result: AnalysisResult; readonly kept?: KeptRows } {
  let lean = result;
  const runs: KeptRows['runs'] = {};
  const lengths: KeptRows['lengths'] = {};
  for (const field of PART_FIELDS) {
    const list = result[field] as readonly unknown[] | undefined;
    const old = base[field];
    if (!list || !old) continue;
    const { runs: fieldRuns, sent } = keptRuns(list.length, (i) => i < old.length && sameValue(list[i], old[i]));
    if (fieldRuns.length === 0) continue;
    runs[field] = fieldRuns;
    lengths[field] = list.length;
    lean = { ...lean, [field]: sent.map((i) => list[i]) };
  }
  return lean === result ? { result } : { result: lean, kept: { from, runs, lengths } };
}

/**
 * The inverse of {@link withoutKeptRows}: `result`'s lists with the kept items put back from
 * `base`; undefined when they do not fit (a run past the base's list, or a list whose items and
 * kept rows do not add up to its length). The kept items are `base`'s own (not copies). O(size
 * of the lists).
 */
export function withKeptRows(result: AnalysisResult, kept: KeptRows, base: ResultLists): AnalysisResult | undefined {
  let whole = result;
  for (const field of PART_FIELDS) {
    const fieldRuns = kept.runs[field];
    if (!fieldRuns) continue;
    const length = kept.lengths[field];
    const sent = result[field] as readonly unknown[] | undefined;
    const old = base[field];
    if (length === undefined || !sent || !old) return undefined;
    const from = sourcesOf(fieldRuns, length, sent.length, old.length);
    if (!from) return undefined;
    whole = { ...whole, [field]: Array.from(from, (k, i) => (k < 0 ? old[i] : sent[k])) };
  }
  return whole;
}

/** How many items {@link KeptRows} takes from the earlier lists. */
export function keptCount(kept: KeptRows): number {
  let count = 0;
  for (const field of PART_FIELDS) for (const [start, end] of kept.runs[field] ?? []) count += end - start;
  return count;
}

/** Whether `v` is a {@link KeptRows} (checked as far as a message check goes: the lists are checked when put back). */
export function isKeptRows(v: unknown): v is KeptRows {
  if (typeof v !== 'object' || v === null) return false;
  const k = v as { from?: unknown; runs?: unknown; lengths?: unknown };
  return typeof k.from === 'number' && typeof k.runs === 'object' && k.runs !== null && typeof k.lengths === 'object' && k.lengths !== null;
}

/**
 * The lists of the last few results, by job, oldest let go first: the analysis process's of the
 * results it posted, the host's of those it put together.
 */
export class RecentLists {
  private readonly byJob = new Map<number, ResultLists>();

  constructor(private readonly max = 2) {}

  get(jobId: number): ResultLists | undefined {
    return this.byJob.get(jobId);
  }

  /** The job last remembered, if any. */
  get last(): number | undefined {
    let last: number | undefined;
    for (const jobId of this.byJob.keys()) last = jobId;
    return last;
  }

  remember(jobId: number, lists: ResultLists): void {
    this.byJob.delete(jobId);
    this.byJob.set(jobId, lists);
    while (this.byJob.size > this.max) this.byJob.delete(this.byJob.keys().next().value!);
  }

  clear(): void {
    this.byJob.clear();
  }
}
