/**
 * The bootstrap sums of a policy table's chains (of three stages or more) under resample
 * weights: each chain's cost, quality and structural cost summed as a base's sums (another
 * chain's, a single model's, or zero) plus the weighted differences on the queries where the
 * chain's outcomes differ from the base's. Used by `policyTable.ts`.
 */
import type { ModelColumns } from '../types.ts';
import { sameBytes } from '../load/columns.ts';
import { mean } from '../stats.ts';

/** Mean cost, quality and structural cost (spend on stages that did not answer) of each policy of a table. */
export interface PolicyMeans {
  readonly cost: Float64Array;
  readonly quality: Float64Array;
  readonly structuralCost: Float64Array;
}

export type SummedColumns = Pick<ModelColumns, 'name' | 'cost' | 'quality'>;

/**
 * A chain of a policy table: its index in the table, its stages (model names) and its per-query
 * outcomes, kept as the stage that answered each query; the outcome columns (cost, quality,
 * structural cost) follow from it and the stages' own columns ({@link chainColumn}), so a table
 * of many chains holds one byte per query for each instead of three more columns of doubles.
 */
export interface ChainColumns {
  readonly index: number;
  readonly models: readonly string[];
  /** Per query, the 0-based stage that answered (`chainStops`). */
  readonly stop: Uint8Array;
  /** The stages' cost and quality columns, stage by stage. */
  readonly costs: readonly Float64Array[];
  readonly qualities: readonly Float64Array[];
}

/** The three outcome columns of a chain, in the order {@link chainDeltaSums} keeps their sums. */
export const COLUMNS = ['cost', 'quality', 'structural'] as const;
export type OutcomeColumn = (typeof COLUMNS)[number];

/** A chain's outcome columns by answering stage: `[column][s][i]` is query i's value when stage s answers it. */
export type StageOutcomes = Readonly<Record<OutcomeColumn, readonly Float64Array[]>>;

/**
 * The outcome columns of chains by answering stage ({@link StageOutcomes}), as `chainOutcomes`
 * computes them: when stage s answers, the structural cost is the costs of the stages before it
 * summed in stage order (from zero), the cost that plus stage s's own cost, the quality stage
 * s's. The running sums are kept for the stages of the chain last asked for, in columns reused
 * for the next chain of other stages, so chains of the same stages share them (the
 * `quality` columns are the stages' own): a result holds until a chain of other stages is asked
 * for. O(n L) for a chain of other stages than the last, else O(L).
 */
export function stageOutcomesOf(n: number): (ch: ChainColumns) => StageOutcomes {
  const zero = new Float64Array(n);
  // sums[k]: the costs of stages 0 .. k summed in stage order.
  const sums: Float64Array[] = [];
  let of: readonly Float64Array[] = [];
  let cost: Float64Array[] = [];
  let structural: Float64Array[] = [];
  return (ch) => {
    const { costs } = ch;
    const L = costs.length;
    if (L !== of.length || costs.some((c, k) => c !== of[k])) {
      for (let k = 0; k < L; k++) {
        if (sums.length <= k) sums.push(new Float64Array(n));
        const before = k === 0 ? zero : sums[k - 1];
        const own = costs[k];
        const out = sums[k];
        for (let i = 0; i < n; i++) out[i] = before[i] + own[i];
      }
      of = costs;
      cost = sums.slice(0, L);
      structural = [zero, ...sums.slice(0, L - 1)];
    }
    return { cost, quality: ch.qualities, structural };
  };
}

/** One outcome column of a chain written into `out` (every query; `by`: the chain's {@link StageOutcomes}); returns `out`. O(n). */
export function chainColumn(ch: ChainColumns, by: StageOutcomes, column: OutcomeColumn, out: Float64Array): Float64Array {
  const { stop } = ch;
  const values = by[column];
  const n = stop.length;
  for (let i = 0; i < n; i++) out[i] = values[stop[i]][i];
  return out;
}

/**
 * A chain's three outcome columns (in {@link COLUMNS}' order) written into columns reused from
 * one chain to the next, with its {@link StageOutcomes}: both hold until the next chain is asked
 * for. O(n) a chain, plus O(n L) for a chain of other stages than the one before.
 */
export function outcomeColumnsOf(n: number): (ch: ChainColumns) => { readonly by: StageOutcomes; readonly columns: readonly Float64Array[] } {
  const scratch = COLUMNS.map(() => new Float64Array(n));
  const outcomesOf = stageOutcomesOf(n);
  return (ch) => {
    const by = outcomesOf(ch);
    return { by, columns: COLUMNS.map((column, c) => chainColumn(ch, by, column, scratch[c])) };
  };
}

/** A Float64Array of `length` zeros in shared memory. */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * length));
}

/**
 * How {@link chainDeltaSums} sums one column of a chain: from a base (the same column of a
 * chain earlier in the plan, of a single model among the summed ones, or zero), plus the
 * weighted differences on the queries where the values differ.
 */
interface ColumnDelta {
  /** Position in the plan of the chain it starts from, or -1. */
  readonly fromChain: number;
  /** Index among the summed models of the model it starts from, or -1 (from zero when both are -1). */
  readonly fromModel: number;
  /** The queries where the values differ, ascending, and the differences (chain minus base). */
  readonly at: Uint32Array;
  readonly delta: Float64Array;
}

export interface ChainDelta {
  readonly index: number;
  /** Cost, quality and structural cost. */
  readonly columns: readonly [ColumnDelta, ColumnDelta, ColumnDelta];
}

/**
 * A chain in the order of the delta plan, with what its step ({@link deltaStepper}) reads of
 * it and of its group (the chains of the same stages, next to each other, cheapest first).
 */
export interface PlanEntry {
  readonly chain: ChainColumns;
  /** Whether each of its outcome columns (in {@link COLUMNS}' order) holds whole numbers only. */
  readonly whole: readonly boolean[];
  /** The position in the plan of its group's first chain. */
  readonly first: number;
  /** Whether the chains of its group have the same outcome wherever the same stage answered (no stage's column holds a NaN, which differs from itself). */
  readonly sameStopSameValue: boolean;
}

/**
 * The order of the delta plan: the chains grouped by their stages (groups in the order of
 * their first chain), cheapest first within a group (by mean cost, then by index). O(chains n
 * + groups n L).
 */
export function chainPlanOrder(chains: readonly ChainColumns[]): PlanEntry[] {
  const groups = new Map<string, ChainColumns[]>();
  for (const ch of chains) {
    const key = JSON.stringify(ch.models);
    groups.set(key, [...(groups.get(key) ?? []), ch]);
  }
  const n = chains.length > 0 ? chains[0].stop.length : 0;
  const scratch = new Float64Array(n);
  const outcomesOf = stageOutcomesOf(n);
  const order: PlanEntry[] = [];
  for (const group of groups.values()) {
    const first = order.length;
    const sameStopSameValue = !group[0].costs.some(hasNaN) && !group[0].qualities.some(hasNaN);
    const by = outcomesOf(group[0]);
    const meanCost = new Map(group.map((ch) => [ch, mean(chainColumn(ch, by, 'cost', scratch))]));
    const byCost = [...group].sort((a, b) => meanCost.get(a)! - meanCost.get(b)! || a.index - b.index);
    for (const chain of byCost) order.push({ chain, whole: COLUMNS.map((column) => wholeChainColumn(chain, by, column)), first, sameStopSameValue });
  }
  return order;
}

/**
 * For each chain and column, the base that differs from it on the fewest queries, among those
 * that cannot lose precision: a base whose values are nowhere above the chain's (every
 * difference added is >= 0, so the sum is one of nonnegative terms, whatever the order), or,
 * where both hold whole numbers only (0/1 quality), any base (under whole weights every
 * partial sum is a whole number, exact in any order). The candidates are zero, the chain's own
 * stages alone (the first stage's cost is part of every query's) and the chains of the same
 * stages already planned, visited cheapest first (a family's points for neighbouring shadow
 * prices differ on few queries): the plan of {@link chainPlanOrder}, step by step
 * ({@link deltaStepper}). O(chains (stages + group) n + groups n L).
 */
export function chainDeltaPlan(chains: readonly ChainColumns[], summed: readonly SummedColumns[]): ChainDelta[] {
  return planHere(chainPlanOrder(chains), summed)();
}

/**
 * The step of the delta plan `order` at each position, apart from the others (a step reads the
 * chains before it in its group, not their steps, so two threads can each take some): for
 * each column of the chain there, the first candidate with the fewest differences, and the
 * differences. Two chains of the same stages have the same outcomes wherever the same stage
 * answered, so they are compared only where their stages differ (unless a stage's column
 * holds a NaN). The chain's columns are written by {@link outcomeColumnsOf} (its group's
 * {@link StageOutcomes} kept while the steps asked for stay in one group). O(n (stages +
 * group)) a step, plus O(n L) for a step in another group than the one before.
 */
export function deltaStepper(order: readonly PlanEntry[], summed: readonly SummedColumns[]): (p: number) => ChainDelta {
  const sumIndex = new Map(summed.map((m, k) => [m.name, k]));
  const n = order.length > 0 ? order[0].chain.stop.length : 0;
  const outcomeColumns = outcomeColumnsOf(n);
  return (p) => {
    const { chain: ch, whole, first, sameStopSameValue } = order[p];
    const { by, columns: written } = outcomeColumns(ch);
    const columns = COLUMNS.map((column, c) => {
      const x = written[c];
      const ofChain = (at: number, stop: number) => differingChain(x, ch, order[at].chain, by[column], whole[c] && order[at].whole[c], sameStopSameValue, stop);
      // The chain planned just before (the nearest in cost) is a candidate that usually differs
      // least: when usable, its count bounds the best, so no count need go past it. The best
      // is still the first candidate, in the order below, with the fewest differences.
      const last = p - 1;
      const nearest = p > first ? ofChain(last, n + 1) : n + 1;
      const bound = Math.min(nearest + 1, n + 1);
      let best = { fromChain: -1, fromModel: -1, count: differing(x, undefined, whole[c], bound) };
      const consider = (fromChain: number, fromModel: number, count: number) => {
        if (count < best.count) best = { fromChain, fromModel, count };
      };
      if (column !== 'structural') {
        for (const name of ch.models) {
          const k = sumIndex.get(name);
          if (k !== undefined) consider(-1, k, differing(x, summed[k][column], whole[c], best.count));
        }
      }
      for (let at = first; at < p; at++) {
        // The nearest was counted in full (or found unusable) above: counted again up to the best, it would give the same choice.
        consider(at, -1, at === last ? nearest : ofChain(at, best.count));
      }
      // The best's count is exact: a count that stopped early never wins.
      const { fromChain, fromModel, count } = best;
      const base: ArrayLike<number> | undefined = fromModel >= 0 ? summed[fromModel][column as 'cost' | 'quality'] : undefined;
      return fromChain >= 0 ? deltaOfChain(x, ch, order[fromChain].chain, by[column], sameStopSameValue, fromChain, count) : deltaOf(x, fromChain, fromModel, base, count);
    }) as [ColumnDelta, ColumnDelta, ColumnDelta];
    const [cost, , structural] = columns;
    if (sameBytes(cost.at, structural.at)) columns[2] = { ...structural, at: cost.at };
    return { index: ch.index, columns };
  };
}

/** Whether one outcome column of a chain holds whole numbers only: {@link wholeValues} of {@link chainColumn}, without writing it. O(n). */
function wholeChainColumn(ch: ChainColumns, by: StageOutcomes, column: OutcomeColumn): boolean {
  const { stop } = ch;
  const values = by[column];
  for (let i = 0; i < stop.length; i++) if (!Number.isInteger(values[stop[i]][i])) return false;
  return true;
}

/**
 * Plans the steps of `order` ({@link deltaStepper}): started when called, the plan given by the
 * function it returns (meanwhile, a planner can have another thread take some of the steps).
 */
export type DeltaPlanner = (order: readonly PlanEntry[], summed: readonly SummedColumns[]) => () => ChainDelta[];

/** A {@link DeltaPlanner} that takes every step in the calling thread. */
export const planHere: DeltaPlanner = (order, summed) => () => {
  const step = deltaStepper(order, summed);
  return order.map((_, p) => step(p));
};

const wholeColumns = new WeakMap<ArrayLike<number>, boolean>();
const nanColumns = new WeakMap<ArrayLike<number>, boolean>();

/** Whether every value of a column is a whole number. O(n). */
function wholeValues(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isInteger(x[i])) return false;
  return true;
}

/** `test` of a model's column, remembered per column in `cache`. O(n) the first time. */
function remembered(cache: WeakMap<ArrayLike<number>, boolean>, x: ArrayLike<number>, test: (x: ArrayLike<number>) => boolean): boolean {
  let answer = cache.get(x);
  if (answer === undefined) {
    answer = test(x);
    cache.set(x, answer);
  }
  return answer;
}

/** {@link wholeValues} of a model's column, remembered. */
const isWhole = (x: ArrayLike<number>): boolean => remembered(wholeColumns, x, wholeValues);

/** Whether a model's column holds a NaN, remembered. */
const hasNaN = (x: ArrayLike<number>): boolean =>
  remembered(nanColumns, x, (y) => {
    for (let i = 0; i < y.length; i++) if (Number.isNaN(y[i])) return true;
    return false;
  });

/**
 * Queries where `x` differs from `base` (a model's column; undefined: zero), counted up to
 * `stop`; `stop` when the base is not usable (a value above x's where not both are whole). O(n).
 */
function differing(x: Float64Array, base: ArrayLike<number> | undefined, whole: boolean, stop: number): number {
  let count = 0;
  if (!base) {
    for (let i = 0; i < x.length && count < stop; i++) if (x[i] !== 0) count++;
    return count;
  }
  const anyOrder = whole && isWhole(base);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const b = base[i];
    if (v === b) continue;
    if ((b > v && !anyOrder) || ++count >= stop) return stop;
  }
  return count;
}

/**
 * {@link differing} from the same column of a chain of the same stages planned before (`base`),
 * whose values are read by its answering stages from `values` (the column of their
 * {@link StageOutcomes}) where its stages differ from the chain's (elsewhere they are the same,
 * when `sameStopSameValue`); `anyOrder` when both columns are whole. O(n).
 */
function differingChain(x: Float64Array, ch: ChainColumns, base: ChainColumns, values: readonly Float64Array[], anyOrder: boolean, sameStopSameValue: boolean, stop: number): number {
  const s = ch.stop;
  const t = base.stop;
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    const u = t[i];
    if (s[i] === u && sameStopSameValue) continue;
    const v = x[i];
    const b = values[u][i];
    if (v === b) continue;
    if ((b > v && !anyOrder) || ++count >= stop) return stop;
  }
  return count;
}

/** The differences of `x` from `base` (a model's column; undefined: zero) at the `count` queries where they differ. O(n). */
function deltaOf(x: Float64Array, fromChain: number, fromModel: number, base: ArrayLike<number> | undefined, count: number): ColumnDelta {
  const at = new Uint32Array(new SharedArrayBuffer(4 * count));
  const delta = sharedFloat64(count);
  let e = 0;
  for (let i = 0; i < x.length; i++) {
    const b = base ? base[i] : 0;
    if (x[i] === b) continue;
    at[e] = i;
    delta[e++] = x[i] - b;
  }
  if (e !== count) throw new Error(`deltaOf: ${e} queries differ from the base, ${count} counted`);
  return { fromChain, fromModel, at, delta };
}

/** {@link deltaOf} from the same column of the chain `base` of the same stages (see {@link differingChain}). O(n). */
function deltaOfChain(x: Float64Array, ch: ChainColumns, base: ChainColumns, values: readonly Float64Array[], sameStopSameValue: boolean, fromChain: number, count: number): ColumnDelta {
  const at = new Uint32Array(new SharedArrayBuffer(4 * count));
  const delta = sharedFloat64(count);
  const s = ch.stop;
  const t = base.stop;
  let e = 0;
  for (let i = 0; i < x.length; i++) {
    const u = t[i];
    if (s[i] === u && sameStopSameValue) continue;
    const b = values[u][i];
    if (x[i] === b) continue;
    at[e] = i;
    delta[e++] = x[i] - b;
  }
  if (e !== count) throw new Error(`deltaOf: ${e} queries differ from the base chain, ${count} counted`);
  return { fromChain, fromModel: -1, at, delta };
}

/**
 * Each chain's weighted means under four weightings (side by side in `w`, as for
 * `policyTable`'s pair sums) by its {@link ChainDelta}: per column, its
 * base's sums (`raw` keeps every chain's, twelve per chain: cost, quality, structural cost,
 * each by lane) plus the weighted differences. O(the differing queries of all chains).
 */
export function chainDeltaSums(
  plan: readonly ChainDelta[],
  raw: Float64Array,
  modelSums: readonly (readonly number[][])[],
  w: Float64Array,
  total: readonly number[],
  out: readonly PolicyMeans[],
): void {
  const start = (col: number, { fromChain, fromModel }: ColumnDelta, to: number) => {
    if (fromChain >= 0) raw.copyWithin(to, 12 * fromChain + 4 * col, 12 * fromChain + 4 * col + 4);
    else if (fromModel >= 0) raw.set(modelSums[col][fromModel], to);
    else raw.fill(0, to, to + 4);
  };
  for (let k = 0; k < plan.length; k++) {
    const { index, columns } = plan[k];
    const [cost, quality, structural] = columns;
    for (let col = 0; col < 3; col++) start(col, columns[col], 12 * k + 4 * col);
    // Cost and structural cost mostly differ from their bases on the same queries: one pass for both.
    if (structural.at === cost.at) addDeltas2(cost.at, cost.delta, structural.delta, w, raw, 12 * k, 12 * k + 8);
    else {
      addDeltas(cost.at, cost.delta, w, raw, 12 * k);
      addDeltas(structural.at, structural.delta, w, raw, 12 * k + 8);
    }
    addDeltas(quality.at, quality.delta, w, raw, 12 * k + 4);
    for (let l = 0; l < out.length; l++) {
      out[l].cost[index] = raw[12 * k + l] / total[l];
      out[l].quality[index] = raw[12 * k + 4 + l] / total[l];
      out[l].structuralCost[index] = raw[12 * k + 8 + l] / total[l];
    }
  }
}

/** Adds the weighted differences to the four lane sums at `raw[to ..]`. O(differences). */
function addDeltas(at: Uint32Array, delta: Float64Array, w: Float64Array, raw: Float64Array, to: number): void {
  let [a, b, c, d] = raw.subarray(to, to + 4);
  for (let e = 0; e < at.length; e++) {
    const i = 4 * at[e];
    const x = delta[e];
    a += w[i] * x;
    b += w[i + 1] * x;
    c += w[i + 2] * x;
    d += w[i + 3] * x;
  }
  raw.set([a, b, c, d], to);
}

/** {@link addDeltas} of two columns differing on the same queries, in one pass (each lane's sums as in two). O(differences). */
function addDeltas2(at: Uint32Array, x: Float64Array, y: Float64Array, w: Float64Array, raw: Float64Array, toX: number, toY: number): void {
  let xa = raw[toX];
  let xb = raw[toX + 1];
  let xc = raw[toX + 2];
  let xd = raw[toX + 3];
  let ya = raw[toY];
  let yb = raw[toY + 1];
  let yc = raw[toY + 2];
  let yd = raw[toY + 3];
  for (let e = 0; e < at.length; e++) {
    const i = 4 * at[e];
    const u = x[e];
    const v = y[e];
    let m = w[i];
    xa += m * u;
    ya += m * v;
    m = w[i + 1];
    xb += m * u;
    yb += m * v;
    m = w[i + 2];
    xc += m * u;
    yc += m * v;
    m = w[i + 3];
    xd += m * u;
    yd += m * v;
  }
  raw.set([xa, xb, xc, xd], toX);
  raw.set([ya, yb, yc, yd], toY);
}
