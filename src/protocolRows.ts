/**
 * The envelope rows of a snapshot sent without those the panel holds already. A save changes one
 * model's file: at 100k queries x 8 models about three quarters of the thinned envelope the panel
 * is sent (its vertices, their held-out figures, and their places in the whole envelope) come out
 * the same as in the last result it was sent, row for row at the same positions. The host sends
 * only the rows that differ (`rowsKept` says where the others are); the panel takes the others
 * from the rows of the last snapshot with a result it received for that analysis. Both sides
 * remember those rows as they went on the channel: what the panel puts back is what a whole send
 * would have delivered. The editor relays and deflates a few hundred kilobytes less per save.
 * Plain data: used by the host and the webview.
 */
import type { EnvelopeVertex, Measured } from './core/types.ts';
import type { FrontierSnapshot, RowsKept } from './protocolPayloads.ts';

/** The envelope rows of a snapshot with a result, aligned by position. */
export interface EnvelopeRows {
  readonly vertices: readonly EnvelopeVertex[];
  /** The vertices' held-out figures (`envelopeHoldout`), when the snapshot has them. */
  readonly holdout?: readonly Measured[];
  /** Their places in the whole envelope and the costs that follow them (`envelopeKept`), when the envelope was thinned. */
  readonly indices?: readonly number[];
  readonly nextCosts?: readonly (number | null)[];
}

/**
 * Whether `a` and `b` are the same value as a structured clone delivers it: numbers and other
 * primitives by `Object.is` (so `-0` is not `0`, and `NaN` is `NaN`), arrays item by item, plain
 * objects key by key in the same order. O(size).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * Positions 0 .. length-1 split by `same`: the runs `[start, end)` of those that are the same (left
 * out, kept by the receiver), and the others (sent), ascending. Used for the panel's rows and for
 * the analysis process's lists (`extension/keptRows.ts`). O(length).
 */
export function keptRuns(length: number, same: (i: number) => boolean): { readonly runs: [number, number][]; readonly sent: number[] } {
  const runs: [number, number][] = [];
  const sent: number[] = [];
  for (let i = 0; i < length; i++) {
    if (same(i)) {
      const last = runs[runs.length - 1];
      if (last && last[1] === i) last[1] = i + 1;
      else runs.push([i, i + 1]);
    } else sent.push(i);
  }
  return { runs, sent };
}

/**
 * The inverse of {@link keptRuns}: for each of `length` positions, where its item comes from when
 * `runs` are kept and `sentCount` items were sent: -1 for the held item at the same position, else
 * the index of the sent item. Undefined when they do not fit: a run empty, out of order, or past
 * `length` or the `heldLength` items held, or sent items that do not fill the other positions
 * exactly. O(length).
 */
export function sourcesOf(runs: readonly (readonly [number, number])[], length: number, sentCount: number, heldLength: number): Int32Array | undefined {
  const from = new Int32Array(length);
  let next = 0;
  let at = 0;
  const takeSent = (until: number): boolean => {
    for (; at < until; at++) {
      if (next >= sentCount) return false;
      from[at] = next++;
    }
    return true;
  };
  for (const [start, end] of runs) {
    if (!(start >= at && end > start && end <= length && end <= heldLength) || !takeSent(start)) return undefined;
    for (; at < end; at++) from[at] = -1;
  }
  return takeSent(length) && next === sentCount ? from : undefined;
}

/** The envelope rows of a snapshot with a result (undefined without one). */
export function envelopeRowsOf(s: FrontierSnapshot): EnvelopeRows | undefined {
  if (!s.result) return undefined;
  return {
    vertices: s.result.envelope,
    ...(s.envelopeHoldout ? { holdout: s.envelopeHoldout } : {}),
    ...(s.envelopeKept ? { indices: s.envelopeKept.indices, nextCosts: s.envelopeKept.nextCosts } : {}),
  };
}

/** Whether `a` and `b` hold the same kinds of aligned lists (held-out figures, places). */
function sameKinds(a: EnvelopeRows, b: EnvelopeRows): boolean {
  return (a.holdout === undefined) === (b.holdout === undefined) && (a.indices === undefined) === (b.indices === undefined);
}

/** Whether row `i` of `rows` is row `i` of `held` (rows of the same kinds): each aligned list's item is the same value. */
function sameRow(rows: EnvelopeRows, held: EnvelopeRows, i: number): boolean {
  if (i >= held.vertices.length) return false;
  return (
    sameValue(rows.vertices[i], held.vertices[i]) &&
    (!rows.holdout || sameValue(rows.holdout[i], held.holdout![i])) &&
    (!rows.indices || (Object.is(rows.indices[i], held.indices![i]) && Object.is(rows.nextCosts![i], held.nextCosts![i])))
  );
}

/** `s` with its envelope rows cut to those at `positions`, the others said kept (`runs`). */
function withRows(s: FrontierSnapshot, rows: EnvelopeRows, positions: readonly number[], rowsKept: RowsKept): FrontierSnapshot {
  const pick = <T>(list: readonly T[]): T[] => positions.map((i) => list[i]!);
  return {
    ...s,
    result: { ...s.result!, envelope: pick(rows.vertices) },
    ...(rows.holdout ? { envelopeHoldout: pick(rows.holdout) } : {}),
    ...(s.envelopeKept ? { envelopeKept: { ...s.envelopeKept, indices: pick(rows.indices!), nextCosts: pick(rows.nextCosts!) } } : {}),
    rowsKept,
  };
}

/**
 * The host's side: `s` without the envelope rows that are `held`'s at the same positions (the
 * rows of the last snapshot with a result the panel was sent for this analysis), and its own
 * rows to remember as held. `s` as it is when it has no result, nothing is held, or no row is
 * the same. O(rows x their size).
 */
export function leaveOutHeldRows(s: FrontierSnapshot, held: EnvelopeRows | undefined): { readonly snapshot: FrontierSnapshot; readonly rows?: EnvelopeRows } {
  const rows = envelopeRowsOf(s);
  if (!rows) return { snapshot: s };
  if (!held || !sameKinds(rows, held)) return { snapshot: s, rows };
  const { runs, sent } = keptRuns(rows.vertices.length, (i) => sameRow(rows, held, i));
  if (runs.length === 0) return { snapshot: s, rows };
  return { snapshot: withRows(s, rows, sent, { runs, length: rows.vertices.length }), rows };
}

/**
 * The panel's side: `s` (sent with `rowsKept`) with the rows left out put back from `held`, and
 * its rows to remember as held; undefined when they do not fit (nothing held, a run past the held
 * rows, lists of other kinds, or rows that do not add up). A snapshot without `rowsKept` as it
 * is. O(rows).
 */
export function putBackHeldRows(s: FrontierSnapshot, held: EnvelopeRows | undefined): { readonly snapshot: FrontierSnapshot; readonly rows?: EnvelopeRows } | undefined {
  const { rowsKept, ...rest } = s;
  if (!rowsKept) return { snapshot: s, ...(s.result ? { rows: envelopeRowsOf(s) } : {}) };
  const sent = envelopeRowsOf(rest);
  if (!sent || !held || !sameKinds(sent, held)) return undefined;
  const from = sourcesOf(rowsKept.runs, rowsKept.length, sent.vertices.length, held.vertices.length);
  if (!from) return undefined;
  const merge = <T>(own: readonly T[], old: readonly T[]): T[] => Array.from(from, (k, i) => (k < 0 ? old[i]! : own[k]!));
  const rows: EnvelopeRows = {
    vertices: merge(sent.vertices, held.vertices),
    ...(sent.holdout ? { holdout: merge(sent.holdout, held.holdout!) } : {}),
    ...(sent.indices ? { indices: merge(sent.indices, held.indices!), nextCosts: merge(sent.nextCosts!, held.nextCosts!) } : {}),
  };
  // Places in the whole envelope ascend, as in every snapshot.
  if (rows.indices && !rows.indices.every((x, k) => k === 0 || x > rows.indices![k - 1]!)) return undefined;
  return {
    snapshot: {
      ...rest,
      result: { ...rest.result!, envelope: rows.vertices },
      ...(rows.holdout ? { envelopeHoldout: rows.holdout } : {}),
      ...(rest.envelopeKept ? { envelopeKept: { ...rest.envelopeKept, indices: rows.indices!, nextCosts: rows.nextCosts! } } : {}),
    },
    rows,
  };
}
