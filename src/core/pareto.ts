/**
 * Pareto sets and upper concave hulls of cost-quality points.
 */

/**
 * Indices of the Pareto set of the first `count` points visited in `order` (all points in
 * index order when `order` is omitted), which must visit them cost ascending (ties in any
 * order): a point is kept when no other point has cost <= and quality >=, one strictly. Among
 * exactly equal points the first visited is kept, so callers order ties by preference. The
 * one Pareto scan of the product: every other Pareto helper calls it. O(count).
 */
export function paretoIndicesInOrder(cost: ArrayLike<number>, quality: ArrayLike<number>, order?: ArrayLike<number>, count: number = order ? order.length : cost.length): number[] {
  const kept: number[] = [];
  let best = -Infinity;
  for (let j = 0; j < count; j++) {
    const i = order ? order[j] : j;
    const q = quality[i];
    if (!(q > best)) continue;
    // A cheaper-or-equal point with lower quality and the same cost is dominated by this one.
    while (kept.length > 0 && cost[kept[kept.length - 1]] === cost[i]) kept.pop();
    kept.push(i);
    best = q;
  }
  return kept;
}

/** Indices of the Pareto set of points already sorted by cost ascending ({@link paretoIndicesInOrder} in index order). O(n). */
export function paretoIndicesOfCostSorted(cost: ArrayLike<number>, quality: ArrayLike<number>): number[] {
  return paretoIndicesInOrder(cost, quality);
}

/**
 * Indices of the Pareto set of the first `count` of arbitrary points, cost ascending. Exact
 * ties are broken by `priority` (lower first), then by index. O(n log n), O(n) when the points
 * are already cost-sorted and no priority is given.
 */
export function paretoIndices(cost: ArrayLike<number>, quality: ArrayLike<number>, priority?: ArrayLike<number>, count: number = cost.length): number[] {
  let sorted = !priority;
  for (let i = 1; i < count && sorted; i++) sorted = cost[i] >= cost[i - 1];
  if (sorted) return paretoIndicesInOrder(cost, quality, undefined, count);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // Cost ascending, then quality descending so the first of equal costs is the best.
  const before = (a: number, b: number) => cost[a] - cost[b] || quality[b] - quality[a] || (priority ? priority[a] - priority[b] : 0) || a - b;
  if (!sortNearlySorted(order, before, cost, quality, priority)) order.sort(before);
  return paretoIndicesInOrder(cost, quality, order);
}

/**
 * Insertion sort of `order` by `before` when it takes few moves (points nearly in order, as a
 * resample's means of points chosen in cost order): at most 8 moves per point, else it gives
 * up (returns false, `order` still a permutation) and the caller sorts. Only for values without NaN, where `before` is a
 * strict total order (its last key is the index), so the result is the one of any sort.
 * O(count + moves).
 */
function sortNearlySorted(order: Uint32Array, before: (a: number, b: number) => number, ...keys: (ArrayLike<number> | undefined)[]): boolean {
  const count = order.length;
  for (const k of keys) if (k) for (let i = 0; i < count; i++) if (Number.isNaN(k[i])) return false;
  let budget = 8 * count;
  for (let i = 1; i < count; i++) {
    const x = order[i];
    let j = i - 1;
    while (j >= 0 && before(order[j], x) > 0) {
      if (--budget < 0) {
        // Leave a permutation for the caller's sort.
        order[j + 1] = x;
        return false;
      }
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = x;
  }
  return true;
}

/**
 * Indices of the vertices of the upper concave hull of a Pareto set given cost ascending
 * (quality then ascending too), from its cheapest to its best point. Points on a hull edge
 * are not vertices. O(n).
 */
export function upperConcaveHullIndices(cost: ArrayLike<number>, quality: ArrayLike<number>): number[] {
  const hull: number[] = [];
  for (let i = 0; i < cost.length; i++) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2];
      const b = hull[hull.length - 1];
      // Drop b when it lies on or below the segment a -> i.
      const cross = (cost[b] - cost[a]) * (quality[i] - quality[a]) - (quality[b] - quality[a]) * (cost[i] - cost[a]);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(i);
  }
  return hull;
}

/**
 * Left and right slopes dF/dB of a concave piecewise-linear function given by its vertices
 * (cost ascending), at budget `b`. Left of the first vertex both are null (infeasible); right of
 * the last vertex the slope is 0 (more money buys nothing). At a vertex the two differ. O(log n).
 */
export function hullSlopesAt(cost: ArrayLike<number>, quality: ArrayLike<number>, b: number): { left: number | null; right: number | null } {
  const n = cost.length;
  if (n === 0 || !(b >= cost[0])) return { left: null, right: null };
  const slope = (i: number) => (quality[i + 1] - quality[i]) / (cost[i + 1] - cost[i]);
  // Last vertex index with cost <= b.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cost[mid] <= b) lo = mid;
    else hi = mid - 1;
  }
  const i = lo;
  if (cost[i] === b) {
    return { left: i > 0 ? slope(i - 1) : null, right: i < n - 1 ? slope(i) : 0 };
  }
  const s = i < n - 1 ? slope(i) : 0;
  return { left: s, right: s };
}
