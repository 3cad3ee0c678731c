/**
 * The envelope as the panel receives it when it is large: the vertices the panel can show
 * (its table's rows, the chart at its resolution, every vertex a recommendation, pick,
 * selection, switching point, hull vertex or budget of the control lands on), each with its
 * index in the whole envelope. The host keeps the whole result and sends the rest when the
 * panel asks (every row, a zoom, an export). Pure numbers, shared by the host, which chooses
 * the vertices, and the panel, which draws them.
 *
 * What is left out cannot be seen: between two vertices sent, every vertex left out lies in the
 * same column of a grid of {@link ENVELOPE_COLUMNS} columns over the envelope's costs (on a log
 * and on a linear axis) and, for its held-out figures, in the same cell of a grid of
 * {@link ENVELOPE_COLUMNS} x {@link ENVELOPE_ROWS} over the held-out figures. The chart's
 * resolution is two pixels a column (finer detail is invisible under its lines and markers),
 * so while its plot is at most that many columns and rows wide, a step or a held-out point left
 * out lies under the line drawn between its neighbours; a larger plot, a zoom, every table row
 * or an export gets the whole envelope.
 */
import type { AnalysisResult, Measured, PolicySpec } from './types.ts';
import { lastVertexWithin } from './envelope.ts';
import { samePolicy } from './policy.ts';
import { budgetRange, sliderToBudget, SLIDER_STEPS } from './budgetScale.ts';

/** Rows of the panel's vertex table drawn before the user asks for all: the cheapest ones. */
export const ENVELOPE_TABLE_ROWS = 300;

/** Columns of the grid the envelope is thinned on (a plot 1,024 pixels wide at two pixels a column). */
export const ENVELOPE_COLUMNS = 640;

/** Rows of the grid of the held-out figures (a plot 512 pixels high at two pixels a row). */
export const ENVELOPE_ROWS = 320;

/** Envelopes up to this many vertices travel whole (thinning would save little). */
export const THIN_ENVELOPE_ABOVE = 2 * ENVELOPE_COLUMNS;

/** What the host knows beyond the result: the panel's selected policy and the budgets in force. */
export interface ThinningContext {
  /** The policy the user selected in the panel, if any. */
  readonly selected?: PolicySpec;
  /** Budgets the panel shows or may show (the control's, the config's), dollars per query. */
  readonly budgets?: readonly number[];
  /** The held-out figures of each envelope vertex, in envelope order, when the panel gets them. */
  readonly holdout?: readonly Measured[];
  /** Send every vertex (to measure what the thinning saves). */
  readonly whole?: boolean;
}

/**
 * The column of each cost on a grid of `columns` columns between `lo` and `hi` (on a log axis,
 * costs below `lo` go to column 0). Ascending costs give ascending columns. O(n).
 */
export function gridColumns(costs: ArrayLike<number>, lo: number, hi: number, log: boolean, columns = ENVELOPE_COLUMNS): Int32Array {
  const out = new Int32Array(costs.length);
  const tx = log ? (v: number) => Math.log(Math.max(v, lo)) : (v: number) => v;
  const a = tx(lo);
  const span = tx(hi) - a;
  if (!(span > 0) || !Number.isFinite(span)) return out;
  for (let i = 0; i < costs.length; i++) out[i] = Math.min(columns - 1, Math.max(0, Math.floor(((tx(costs[i]) - a) / span) * columns)));
  return out;
}

/** The range of the envelope's grid: its first and last costs, and the smallest positive one (for a log axis). */
export function gridRange(costs: ArrayLike<number>): { readonly lo: number; readonly hi: number; readonly positiveLo: number } {
  let positiveLo = Infinity;
  for (let i = 0; i < costs.length; i++) {
    if (costs[i] > 0) {
      positiveLo = costs[i];
      break;
    }
  }
  return { lo: costs[0], hi: costs[costs.length - 1], positiveLo };
}

/** Marks the first and the last index of every run of equal cells. O(n). */
function keepRunEnds(keep: Uint8Array, cells: ArrayLike<number>): void {
  const n = cells.length;
  for (let i = 0; i < n; i++) {
    if (i === 0 || i === n - 1 || cells[i] !== cells[i - 1] || cells[i] !== cells[i + 1]) keep[i] = 1;
  }
}

/**
 * The range of a grid over values in any order (the held-out costs of the envelope's vertices):
 * the smallest and the largest, and the smallest positive one (for a log axis). O(n).
 */
export function spanRange(values: ArrayLike<number>): { readonly lo: number; readonly hi: number; readonly positiveLo: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let positiveLo = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v > 0 && v < positiveLo) positiveLo = v;
  }
  return { lo, hi, positiveLo };
}

/** The index of the smallest and the largest value. O(n). */
function extremes(values: ArrayLike<number>): [number, number] {
  let min = 0;
  let max = 0;
  for (let i = 1; i < values.length; i++) {
    if (values[i] < values[min]) min = i;
    if (values[i] > values[max]) max = i;
  }
  return [min, max];
}

/**
 * Indices (ascending) of the envelope vertices the panel receives, or undefined when it
 * receives them all (at most {@link THIN_ENVELOPE_ABOVE}). Kept: the table's first
 * {@link ENVELOPE_TABLE_ROWS} rows and the last vertex; the vertices of the recommendation and
 * of the budget grid's picks; the selected policy's; the single models'; the vertex each
 * switching point, hull vertex, budget of the control (each slider position, the budgets in
 * `ctx`, the recommendation's, the picks', the configured cascade's cost) lands on; the first
 * and last vertex of each column of the cost grid, on a log and on a linear axis; with
 * held-out figures, the first and last of each run of vertices in one cell of the held-out
 * grid, and the vertices of the smallest and largest held-out cost and quality (the chart's
 * axes). O(v + slider steps x log v).
 */
export function envelopeToSend(result: AnalysisResult, ctx: ThinningContext = {}): number[] | undefined {
  const env = result.envelope;
  const n = env.length;
  if (n <= THIN_ENVELOPE_ABOVE || ctx.whole) return undefined;
  const keep = new Uint8Array(n);
  const mark = (i: number | undefined) => {
    if (i !== undefined && i >= 0 && i < n) keep[i] = 1;
  };
  const within = (budget: number | undefined) => {
    if (budget === undefined || !Number.isFinite(budget)) return;
    mark(lastVertexWithin(env, budget));
  };
  for (let i = 0; i < Math.min(n, ENVELOPE_TABLE_ROWS); i++) keep[i] = 1;
  keep[n - 1] = 1;
  const rec = result.recommendation;
  mark(rec?.envelopeIndex);
  within(rec?.budget);
  for (const p of result.budgetPicks ?? []) {
    mark(p.envelopeIndex);
    within(p.budget);
  }
  if (ctx.selected) {
    const selected = ctx.selected;
    mark(env.findIndex((v) => samePolicy(v.policy, selected)));
  }
  for (let i = 0; i < n; i++) if (env[i].policy.kind === 'single') keep[i] = 1;
  for (const s of result.switchingPoints) within(s.budget);
  for (const h of result.hull) within(h.cost);
  within(result.cascade?.inSample.cost);
  for (const b of ctx.budgets ?? []) within(b);
  const range = budgetRange(result);
  for (let p = 0; p <= SLIDER_STEPS; p++) within(sliderToBudget(p, range));

  const costs = Float64Array.from(env, (v) => v.cost);
  const r = gridRange(costs);
  keepRunEnds(keep, gridColumns(costs, r.lo, r.hi, false));
  if (Number.isFinite(r.positiveLo)) keepRunEnds(keep, gridColumns(costs, r.positiveLo, r.hi, true));

  const held = ctx.holdout;
  if (held && held.length === n) {
    const hc = Float64Array.from(held, (h) => h.cost);
    const hq = Float64Array.from(held, (h) => h.quality);
    const [cMin, cMax] = extremes(hc);
    const [qMin, qMax] = extremes(hq);
    for (const i of [cMin, cMax, qMin, qMax]) keep[i] = 1;
    const rows = gridColumns(hq, hq[qMin], hq[qMax], false, ENVELOPE_ROWS);
    const { positiveLo: positive } = spanRange(hc);
    // The smallest positive held-out cost too: with the extremes, the vertices sent span the same grid as the whole envelope (see `groupedMarkerIndices`).
    mark(hc.indexOf(positive));
    for (const log of [false, true]) {
      if (log && !Number.isFinite(positive)) continue;
      const cols = gridColumns(hc, log ? positive : hc[cMin], hc[cMax], log);
      const cells = new Float64Array(n);
      for (let i = 0; i < n; i++) cells[i] = cols[i] * ENVELOPE_ROWS + rows[i];
      keepRunEnds(keep, cells);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(i);
  return out.length < n ? out : undefined;
}

/** The cost of the vertex after each of `indices` in the whole envelope (null after the last). O(indices). */
export function nextCostsOf(envelope: readonly { cost: number }[], indices: readonly number[]): (number | null)[] {
  return indices.map((i) => (i + 1 < envelope.length ? envelope[i + 1].cost : null));
}

/**
 * The index in the whole envelope of the vertex within `budget` (the last one whose cost is at
 * most it; -1 when none) from a thinned envelope's vertices, their `indices` in the whole one
 * and the cost of the vertex after each: undefined when that vertex is not among them. O(log v).
 */
export function vertexWithinThinned(envelope: readonly { cost: number }[], indices: readonly number[], nextCosts: readonly (number | null)[], budget: number): number | undefined {
  const j = lastVertexWithin(envelope, budget);
  if (j < 0) return indices.length > 0 && indices[0] === 0 ? -1 : undefined;
  const next = nextCosts[j];
  return next === null || next > budget ? indices[j] : undefined;
}

/**
 * Which of a run of costs (a thinned envelope's, sent with full indices) get a marker at
 * `groups` markers columns: columns of the envelope's grid grouped `ENVELOPE_COLUMNS / groups`
 * at a time, the first and the last vertex of each run of vertices in one group. Every vertex
 * chosen is the first or last of a run in a grid column, which the host always sends, so the
 * markers are those the whole envelope would get. The grid spans `range`: by default the first
 * and last of ascending costs (the envelope's own, {@link gridRange}); for the held-out costs of
 * its vertices, in no order, {@link spanRange} of them, the grid the host thins them on.
 * Returns positions in `costs`. O(n).
 */
export function groupedMarkerIndices(costs: ArrayLike<number>, log: boolean, groups: number, range = gridRange(costs)): number[] {
  const n = costs.length;
  if (n === 0) return [];
  const r = range;
  const useLog = log && Number.isFinite(r.positiveLo);
  const cols = gridColumns(costs, useLog ? r.positiveLo : r.lo, r.hi, useLog);
  const g = Math.max(1, Math.min(ENVELOPE_COLUMNS, Math.round(groups)));
  return runEndIndices(n, (i) => Math.floor((cols[i] * g) / ENVELOPE_COLUMNS));
}

/** The first and last of each run of consecutive indices below `n` with one `cellOf` (in order). O(n). */
export function runEndIndices(n: number, cellOf: (i: number) => number): number[] {
  const out: number[] = [];
  let cell = NaN;
  for (let i = 0; i < n; i++) {
    const c = cellOf(i);
    if (c !== cell) {
      if (i > 0 && out[out.length - 1] !== i - 1) out.push(i - 1);
      out.push(i);
      cell = c;
    }
  }
  if (n > 0 && out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}
