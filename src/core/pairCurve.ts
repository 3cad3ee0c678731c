import type { ModelColumns } from './types.ts';
import { inOrder, sharedOrder } from './sortIndices.ts';

/**
 * The deterministic curve of a two-model cascade cheap -> expensive over every threshold.
 * Point j escalates the queries whose cheap-model confidence lies in the j lowest distinct
 * values: threshold[j] is the (j+1)-th lowest distinct confidence, and +Infinity for the last
 * point (escalate everything but queries whose confidence is +Infinity: a confidence compares
 * as a number, so Infinity >= t for every t). Point 0 escalates nothing and equals the cheap
 * model alone.
 * Arrays are ordered by threshold ascending, so cost is non-decreasing along them.
 */
export interface PairCurve {
  readonly cheap: string;
  readonly expensive: string;
  readonly thresholds: Float64Array;
  /**
   * The next lower distinct confidence below each threshold (-Infinity for point 0): any value
   * strictly above it and up to the threshold selects the same queries.
   */
  readonly below: Float64Array;
  readonly cost: Float64Array;
  readonly quality: Float64Array;
  readonly escalationRate: Float64Array;
}

/**
 * Query indices sorted by ascending confidence (ties kept in index order).
 * One sort per model column serves every pair in which it is the cheap model, every measure
 * of its signal and every later analysis of the same columns (see {@link sharedOrder}): the
 * result must not be modified. O(n) the first time, O(1) after.
 */
export function confidenceOrder(model: Pick<ModelColumns, 'confidence'>): Uint32Array {
  return sharedOrder(model.confidence);
}

/**
 * Traces the cascade cheap -> expensive over all thresholds in one cumulative sweep:
 *   C(t) = mean[c_a + 1{s_a < t} c_b],  Q(t) = mean[q_a + 1{s_a < t} (q_b - q_a)].
 * Tied confidences move together. O(n) given `order` from {@link confidenceOrder}.
 * @throws RangeError when the two models have different query counts.
 */
export function pairCascadeCurve(cheap: ModelColumns, expensive: ModelColumns, order: Uint32Array = confidenceOrder(cheap)): PairCurve {
  const n = cheap.quality.length;
  if (expensive.quality.length !== n || order.length !== n) {
    throw new RangeError(`pairCascadeCurve: ${cheap.name} has ${n} queries but ${expensive.name} has ${expensive.quality.length}`);
  }
  const s = cheap.confidence;
  let baseCost = 0;
  let baseQuality = 0;
  for (let i = 0; i < n; i++) {
    baseCost += cheap.cost[i];
    baseQuality += cheap.quality[i];
  }
  // Count distinct confidence values to size the arrays exactly. Queries whose confidence is
  // +Infinity answer at every threshold (Infinity >= t, even for t = +infinity): no point escalates them.
  let distinct = 0;
  for (let j = 0; j < n; j++) if (j === 0 || s[order[j]] !== s[order[j - 1]]) distinct++;
  const points = n > 0 && s[order[n - 1]] === Infinity ? distinct : distinct + 1;
  const thresholds = new Float64Array(points);
  const below = new Float64Array(points);
  const cost = new Float64Array(points);
  const quality = new Float64Array(points);
  const escalationRate = new Float64Array(points);
  let addCost = 0;
  let addQuality = 0;
  let j = 0;
  for (let p = 0; p < points; p++) {
    thresholds[p] = j < n ? s[order[j]] : Infinity;
    below[p] = j > 0 ? s[order[j - 1]] : -Infinity;
    cost[p] = n === 0 ? NaN : (baseCost + addCost) / n;
    quality[p] = n === 0 ? NaN : (baseQuality + addQuality) / n;
    escalationRate[p] = n === 0 ? NaN : j / n;
    if (j >= n || s[order[j]] === Infinity) break;
    // Escalate the group of queries sharing the current lowest remaining confidence.
    const v = s[order[j]];
    while (j < n && s[order[j]] === v) {
      const i = order[j];
      addCost += expensive.cost[i];
      addQuality += expensive.quality[i] - cheap.quality[i];
      j++;
    }
  }
  return { cheap: cheap.name, expensive: expensive.name, thresholds, below, cost, quality, escalationRate };
}

/**
 * A cheap model's confidence and quality laid out in its confidence order (position j holds the
 * query order[j]), and the sums of its cost and quality in query order (every pair it leads
 * starts from them).
 */
export interface CheapInOrder {
  readonly confidence: Float64Array;
  readonly quality: Float64Array;
  readonly costSum: number;
  readonly qualitySum: number;
}

/** {@link CheapInOrder} of a model along `order`. O(n). */
export function cheapInOrder(cheap: Pick<ModelColumns, 'confidence' | 'quality' | 'cost'>, order: Uint32Array): CheapInOrder {
  return { confidence: inOrder(cheap.confidence, order), quality: inOrder(cheap.quality, order), costSum: sum(cheap.cost), qualitySum: sum(cheap.quality) };
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

/** The columns a sweep writes its points into, each with room for n + 1 of them (one per group of tied confidences, and the last). */
export interface SweepRoom {
  readonly thresholds: Float64Array;
  readonly below: Float64Array;
  readonly cost: Float64Array;
  readonly quality: Float64Array;
  readonly escalationRate: Float64Array;
}

/** A {@link SweepRoom} for n queries, to share between the pairs of one set of queries. */
export function sweepRoom(n: number): SweepRoom {
  return { thresholds: new Float64Array(n + 1), below: new Float64Array(n + 1), cost: new Float64Array(n + 1), quality: new Float64Array(n + 1), escalationRate: new Float64Array(n + 1) };
}

/**
 * The same sweep as {@link pairCascadeCurve}, keeping only the curve's own Pareto points (no
 * other threshold of the pair is at least as cheap and as good, one strictly) and always point 0
 * (the cheap model alone). Far less memory than the full curve on large sets. `sorted`: the
 * cheap model's {@link CheapInOrder} along `order`, made once for all the pairs it leads (the
 * sweep then reads only the expensive model's columns through the order); `room`: where the
 * sweep writes before the points are copied out, shared by the pairs. O(n) given `order`.
 */
export function pairParetoCurve(
  cheap: ModelColumns,
  expensive: ModelColumns,
  order: Uint32Array = confidenceOrder(cheap),
  sorted: CheapInOrder = cheapInOrder(cheap, order),
  room: SweepRoom = sweepRoom(cheap.quality.length),
): PairCurve {
  const n = cheap.quality.length;
  if (expensive.quality.length !== n || order.length !== n) {
    throw new RangeError(`pairParetoCurve: ${cheap.name} has ${n} queries but ${expensive.name} has ${expensive.quality.length}`);
  }
  if (room.cost.length < n + 1) room = sweepRoom(n);
  const size = paretoSweep(sorted, order, expensive.cost, expensive.quality, room);
  return {
    cheap: cheap.name,
    expensive: expensive.name,
    thresholds: room.thresholds.slice(0, size),
    below: room.below.slice(0, size),
    cost: room.cost.slice(0, size),
    quality: room.quality.slice(0, size),
    escalationRate: room.escalationRate.slice(0, size),
  };
}

/** The sweep of {@link pairParetoCurve}: its points into `room`, their number returned. A small function of its own, which the engine optimises soon. O(n). */
function paretoSweep(sorted: CheapInOrder, order: Uint32Array, cB: Float64Array, qB: Float64Array, room: SweepRoom): number {
  const n = order.length;
  const { confidence: s, quality: qAs, costSum: baseCost, qualitySum: baseQuality } = sorted;
  const { thresholds, below, cost, quality, escalationRate } = room;
  let size = 0;
  let best = -Infinity;
  let addCost = 0;
  let addQuality = 0;
  let j = 0;
  for (;;) {
    const t = j < n ? s[j] : Infinity;
    const c = (baseCost + addCost) / n;
    const q = (baseQuality + addQuality) / n;
    if (q > best || size === 0) {
      // Same cost, higher quality: the earlier point is dominated (point 0 is kept regardless).
      while (size > 1 && cost[size - 1] === c) size--;
      thresholds[size] = t;
      below[size] = j > 0 ? s[j - 1] : -Infinity;
      cost[size] = c;
      quality[size] = q;
      escalationRate[size] = j / n;
      size++;
      best = q;
    }
    if (j >= n || s[j] === Infinity) break;
    const v = s[j];
    while (j < n && s[j] === v) {
      const i = order[j];
      addCost += cB[i];
      addQuality += qB[i] - qAs[j];
      j++;
    }
  }
  return size;
}
