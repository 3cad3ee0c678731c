/**
 * An analysis result's long lists sent from the analysis process in parts. The host reads each
 * message of the process's channel in one piece on its main thread: at 100k queries x 8 models
 * the result is about 3.5 MB of structured clone, 30 to 45 ms to read, a stall of the extension
 * host (which every other extension shares). Sent as parts of at most `rows` rows each, before
 * the rest of the result, each posted once the host has read all but two of those before it
 * (`partPacing.ts`), the parts are read one or two a turn of the host's event loop. Plain data,
 * no editor API.
 */
import type { AnalysisResult } from '../core/types.ts';

/** The result's lists that can hold megabytes: one row per envelope vertex, held-out figure, and pair point. */
export const PART_FIELDS = ['envelope', 'pairs', 'holdout'] as const;
export type PartField = (typeof PART_FIELDS)[number];

/** Rows per part: at 100k x 8, parts of 0.3 to 0.5 MB, each read in about 5 ms. */
export const RESULT_PART_ROWS = 1500;

/** One part of a result's list: consecutive items, in order. */
export interface ResultPart {
  readonly field: PartField;
  readonly items: readonly unknown[];
}

/** How many parts each list sent in parts has; a list not named was sent whole. */
export type PartCounts = Partial<Record<PartField, number>>;

/** Rows an item stands for: a pair's points, or one. */
function rowsOf(item: unknown): number {
  const points = (item as { points?: unknown } | null)?.points;
  return 1 + (Array.isArray(points) ? points.length : 0);
}

/** `list` cut into runs of consecutive items of at most `rows` rows each (an item larger than that alone). O(items). */
function runsOf(list: readonly unknown[], rows: number): unknown[][] {
  const runs: unknown[][] = [];
  let run: unknown[] = [];
  let filled = 0;
  for (const item of list) {
    const r = rowsOf(item);
    if (run.length > 0 && filled + r > rows) {
      runs.push(run);
      run = [];
      filled = 0;
    }
    run.push(item);
    filled += r;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * The parts of `result`'s long lists (those of more than `rows` rows), and the result without
 * them: each such list left empty in its place (so the result keeps its order of keys), and
 * `counts` saying how many parts it was cut into. O(rows of the result).
 */
export function resultInParts(result: AnalysisResult, rows = RESULT_PART_ROWS): { readonly result: AnalysisResult; readonly parts: readonly ResultPart[]; readonly counts: PartCounts } {
  let rest = result;
  const parts: ResultPart[] = [];
  const counts: PartCounts = {};
  for (const field of PART_FIELDS) {
    const list = result[field] as readonly unknown[] | undefined;
    if (!list) continue;
    const runs = runsOf(list, Math.max(1, rows));
    if (runs.length <= 1) continue;
    for (const items of runs) parts.push({ field, items });
    counts[field] = runs.length;
    rest = { ...rest, [field]: [] };
  }
  return { result: rest, parts, counts };
}

/** Parts received, by job, until the rest of their result comes. */
export class ResultParts {
  private readonly byJob = new Map<number, Map<PartField, (readonly unknown[])[]>>();

  add(jobId: number, part: ResultPart): void {
    let fields = this.byJob.get(jobId);
    if (!fields) this.byJob.set(jobId, (fields = new Map()));
    let runs = fields.get(part.field);
    if (!runs) fields.set(part.field, (runs = []));
    runs.push(part.items);
  }

  /**
   * `result` with the lists `counts` names put back from the job's parts, in the order they
   * came; undefined when a part is missing. The job's parts are forgotten either way. O(rows).
   */
  take(jobId: number, result: AnalysisResult, counts: PartCounts | undefined): AnalysisResult | undefined {
    const fields = this.byJob.get(jobId);
    this.byJob.delete(jobId);
    let whole = result;
    for (const field of PART_FIELDS) {
      const count = counts?.[field];
      if (count === undefined) continue;
      const runs = fields?.get(field);
      if (!runs || runs.length !== count) return undefined;
      whole = { ...whole, [field]: ([] as unknown[]).concat(...runs) };
    }
    return whole;
  }

  /** Forgets the parts of `jobId` (its result will not come), or of every job. */
  forget(jobId?: number): void {
    if (jobId === undefined) this.byJob.clear();
    else this.byJob.delete(jobId);
  }
}

/** Whether `v` is a {@link ResultPart} (a known list's items). */
export function isResultPart(v: { readonly field?: unknown; readonly items?: unknown }): boolean {
  return (PART_FIELDS as readonly unknown[]).includes(v.field) && Array.isArray(v.items);
}
