/**
 * The held-out measurement of every family under one weighting of the holdout queries, and
 * the paired bootstrap that repeats it: a resample is a vector of counts (n draws with
 * replacement), every family is measured under it and ranked by the same summary measures.
 * The resamples can be shared between two threads (`heldOutDraws`): the second takes its
 * share in a worker that rebuilds the same measurement from plain data, and draws its counts
 * from the same random sequence, so the draws are those of one thread, bit for bit.
 */
import type { ModelColumns, PolicySpec } from '../types.ts';
import { drawCounts, seededState } from '../stats.ts';
import { pathMeansReader, type RoutingPath } from '../router/routingPath.ts';
import { averageImprovementInQualityOfSteps, averagePerformanceGapRecoveredOfSteps, meanOfSteps, paretoStepsOf } from './measures.ts';
import { type PolicyMeans, type PolicyTable, policyTable, type PreparedTable, resampleTable } from './policyTable.ts';
import type { FamilyId } from './types.ts';
import type { Measures } from './verdicts.ts';

export type TableFamily = 'singles' | 'envelope' | 'fullChain' | 'bestSubsequence';
export const TABLE_FAMILIES = ['singles', 'envelope', 'fullChain', 'bestSubsequence'] as const;
const CASCADES = ['envelope', 'fullChain', 'bestSubsequence'] as const;
const FAMILIES: FamilyId[] = ['singles', 'envelope', 'fullChain', 'bestSubsequence', 'router', 'bound'];

/** A routing path read at fixed positions. */
export interface PathAt {
  readonly path: RoutingPath;
  readonly positions: readonly number[];
}

/** What the held-out measurement needs, as plain data (typed arrays, numbers, strings): a worker thread can rebuild it. */
export interface HeldOutSpec {
  readonly n: number;
  /** The holdout's models (only the columns the policies read). */
  readonly models: readonly Pick<ModelColumns, 'name' | 'quality' | 'confidence' | 'cost'>[];
  /** Every distinct fixed policy of the table families. */
  readonly policies: readonly PolicySpec[];
  /** For each table family's point, its policy's index in `policies`. */
  readonly indexOf: Readonly<Record<TableFamily, readonly number[]>>;
  readonly router?: PathAt;
  readonly bound: PathAt;
  /** Indexes (in the singles) of the cheapest model and the best one: the AIQ and APGR reference. */
  readonly weak: number;
  readonly strong: number;
}

/** The cost range the areas are taken over. */
export interface MeasureRange {
  readonly from: number;
  readonly to: number;
  readonly scale: 'log' | 'linear';
  readonly hasRange: boolean;
}

/** The held-out measurement of a {@link HeldOutSpec}, prepared once for many weightings. */
export interface HeldOutMeter {
  /** Measures every family under `weights` (default: every query once) into the meter's curves; returns the table's means. */
  fill(weights?: ArrayLike<number>): PolicyMeans;
  /** The summary measures of the curves last filled. */
  measure(range: MeasureRange): Measures;
  /** `fill` then `measure` under each weighting in turn, the table's means by {@link PolicyTable.measureResamples}: the same figures up to rounding. */
  measureEach(weightings: readonly ArrayLike<number>[], range: MeasureRange): Measures[];
  /** The policy table's prepared part, for a meter of the same spec in another thread. */
  readonly prepared: PreparedTable;
}

/**
 * Prepares a {@link HeldOutMeter}, with the policy table of the spec's policies given (`table`,
 * made on the holdout's columns) or made here. O(pairs n log n + chains n L + n + E); from the
 * `prepared` table of a meter of the same spec (another thread's), O(n + E), and it measures
 * resamples only (`measureEach`; `fill` throws when there are chains).
 */
export function heldOutMeter(spec: HeldOutSpec, from?: { readonly prepared: PreparedTable } | { readonly table: PolicyTable }): HeldOutMeter {
  const { indexOf, router, bound, weak, strong } = spec;
  const hold = { n: spec.n, ids: [], models: spec.models as ModelColumns[] };
  const table: PolicyTable = !from ? policyTable(hold, spec.policies) : 'table' in from ? from.table : resampleTable(from.prepared, spec.policies, spec.models);
  const holdQuality = spec.models.map((m) => m.quality);
  const holdCost = spec.models.map((m) => m.cost);
  // The curves under one set of weights (scratch arrays refilled for every resample).
  const curve = (count: number) => ({ cost: new Float64Array(count), quality: new Float64Array(count), count });
  const scratch: Record<FamilyId, ReturnType<typeof curve>> = {
    singles: curve(indexOf.singles.length),
    envelope: curve(indexOf.envelope.length),
    fullChain: curve(indexOf.fullChain.length),
    bestSubsequence: curve(indexOf.bestSubsequence.length),
    router: curve(router ? router.positions.length : 0),
    bound: curve(bound.positions.length),
  };
  const cascadeCount = CASCADES.reduce((sum, f) => sum + indexOf[f].length, 0);
  const cascade = { ...curve(cascadeCount), bare: new Float64Array(cascadeCount) };
  const inOrder = { ...(Object.fromEntries(FAMILIES.map((f) => [f, new StepsInOrder(scratch[f].count)])) as Record<FamilyId, StepsInOrder>), bare: new StepsInOrder(cascadeCount) };
  const readRouter = router ? pathMeansReader(router.path, holdQuality, holdCost, router.positions) : undefined;
  const readBound = pathMeansReader(bound.path, holdQuality, holdCost, bound.positions);
  const fillFrom = (means: PolicyMeans, weights: ArrayLike<number> | undefined): PolicyMeans => {
    for (const f of TABLE_FAMILIES) {
      const at = indexOf[f];
      const { cost, quality } = scratch[f];
      for (let j = 0; j < at.length; j++) {
        cost[j] = means.cost[at[j]];
        quality[j] = means.quality[at[j]];
      }
    }
    let k = 0;
    for (const f of CASCADES) {
      for (const p of indexOf[f]) {
        cascade.cost[k] = means.cost[p];
        cascade.quality[k] = means.quality[p];
        cascade.bare[k++] = means.cost[p] - means.structuralCost[p];
      }
    }
    // Paths are read from lambda = 0 (dearest) on; reversed, the bound's costs ascend.
    readRouter?.(weights, scratch.router.cost, scratch.router.quality);
    readBound(weights, scratch.bound.cost, scratch.bound.quality);
    for (const f of ['router', 'bound'] as const) {
      scratch[f].cost.reverse();
      scratch[f].quality.reverse();
    }
    return means;
  };
  const measure = ({ from, to, scale, hasRange }: MeasureRange): Measures => {
    const area: Record<string, number | null> = {};
    const aiq: Record<string, number | null> = {};
    const apgr: Record<string, number | null> = {};
    const sc = scratch.singles;
    const w = { cost: sc.cost[weak], quality: sc.quality[weak] };
    const s = { cost: sc.cost[strong], quality: sc.quality[strong] };
    const referenceOk = s.cost > w.cost && s.quality > w.quality;
    const cascadeSteps: Steps[] = [];
    for (const f of FAMILIES) {
      const c = scratch[f];
      const steps = c.count > 0 && hasRange ? inOrder[f].steps(c.cost, c.quality) : undefined;
      if (steps && (CASCADES as readonly string[]).includes(f)) cascadeSteps.push(steps);
      area[f] = steps ? meanOfSteps(steps.cost, steps.quality, from, to, scale) : null;
      aiq[f] = steps && referenceOk ? averageImprovementInQualityOfSteps(steps.cost, steps.quality, w.cost, s.cost) : null;
      apgr[f] = steps && referenceOk ? averagePerformanceGapRecoveredOfSteps(steps.cost, steps.quality, w, s) : null;
    }
    // A point dominated within its family is dominated among all cascades: the Pareto steps of
    // the cascades are those of the families' steps together (the same values, from fewer points).
    const all = hasRange ? paretoStepsOf(...mergedByCost(cascadeSteps)) : undefined;
    const bare = hasRange ? inOrder.bare.steps(cascade.bare, cascade.quality) : undefined;
    const cascadeArea = all ? meanOfSteps(all.cost, all.quality, from, to, scale) : null;
    const withoutStructural = bare ? meanOfSteps(bare.cost, bare.quality, from, to, scale) : null;
    return { area, aiq, apgr, cascadeArea, withoutStructural };
  };
  return {
    fill: (weights) => fillFrom(table.measure(weights), weights),
    measure,
    measureEach: (weightings, range) =>
      table.measureResamples(weightings).map((means, k) => {
        fillFrom(means, weightings[k]);
        return measure(range);
      }),
    get prepared() {
      return table.prepared;
    },
  };
}

/**
 * The multinomial counts of bootstrap resamples `first` .. `first + count - 1` of the seeded
 * sequence (resample r draws its n queries with the (r n + 1)-th to ((r + 1) n)-th numbers of
 * the seeded generator, drawn by {@link drawCounts}), each measured by `meter`. O(count (n +
 * the meter's cost)).
 */
export function bootstrapDraws(meter: HeldOutMeter, range: MeasureRange, n: number, seed: number, first: number, count: number): Measures[] {
  let state = seededState(seed, first * n);
  const block = Array.from({ length: Math.min(4, count) }, () => new Float64Array(n));
  const draws: Measures[] = [];
  // Four resamples at a time, drawn in turn from the sequence.
  for (let r = 0; r < count; r += block.length) {
    const weightings = block.slice(0, Math.min(block.length, count - r));
    for (const weights of weightings) state = drawCounts(weights, state);
    draws.push(...meter.measureEach(weightings, range));
  }
  return draws;
}

type Steps = { cost: number[]; quality: number[] };

/**
 * The Pareto steps of a curve refilled again and again with points that keep nearly the same
 * cost order (a resample moves each policy's cost a little): the points are read in the cost
 * order of the first curve, which the sort then finds almost in place. A Pareto set taken as
 * values does not depend on the order its points come in (among exactly equal points one is
 * kept, the same values), so the steps are those of the points in their own order. O(P) per
 * curve when the order holds, O(P log P) otherwise.
 */
class StepsInOrder {
  private order: Uint32Array | undefined;
  private readonly cost: Float64Array;
  private readonly quality: Float64Array;
  constructor(readonly count: number) {
    this.cost = new Float64Array(count);
    this.quality = new Float64Array(count);
  }
  steps(cost: ArrayLike<number>, quality: ArrayLike<number>): Steps {
    const { count } = this;
    if (!this.order) {
      const order = Uint32Array.from({ length: count }, (_, i) => i);
      this.order = order.sort((a, b) => cost[a] - cost[b] || quality[b] - quality[a] || a - b);
    }
    const order = this.order;
    for (let j = 0; j < count; j++) {
      this.cost[j] = cost[order[j]];
      this.quality[j] = quality[order[j]];
    }
    return paretoStepsOf(this.cost, this.quality, count);
  }
}

/** The points of several cost-ascending step lists, merged cost ascending. O(total * lists). */
function mergedByCost(lists: readonly Steps[]): [number[], number[]] {
  const cost: number[] = [];
  const quality: number[] = [];
  const next = lists.map(() => 0);
  for (;;) {
    let pick = -1;
    lists.forEach((l, k) => {
      if (next[k] < l.cost.length && (pick < 0 || l.cost[next[k]] < lists[pick].cost[next[pick]])) pick = k;
    });
    if (pick < 0) return [cost, quality];
    cost.push(lists[pick].cost[next[pick]]);
    quality.push(lists[pick].quality[next[pick]++]);
  }
}
