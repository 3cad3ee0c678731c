import type { Dataset, ModelColumns, PolicySpec } from '../types.ts';
import { confidenceOrder } from '../pairCurve.ts';
import { modelByName } from '../policy.ts';
import { chainOutcomes } from '../chain/evaluate.ts';

/** Mean cost, quality and structural cost (spend on stages that did not answer) of each policy of a table. */
export interface PolicyMeans {
  readonly cost: Float64Array;
  readonly quality: Float64Array;
  readonly structuralCost: Float64Array;
}

/**
 * Many fixed policies measured on one set of queries, again and again under different query
 * weights (the bootstrap). Pairs share one sort of the cheap model's confidences: a resample
 * costs one weighted prefix sum per pair of models and O(1) per threshold; singles one sum per
 * model; longer chains a dot product with their per-query outcomes.
 */
export interface PolicyTable {
  readonly policies: readonly PolicySpec[];
  /** Means under `weights` (default: every query once). O(pairs n + models n + chains n). */
  measure(weights?: ArrayLike<number>): PolicyMeans;
}

interface PairGroup {
  readonly cheap: ModelColumns;
  readonly expensive: ModelColumns;
  readonly order: Uint32Array;
  /** (policy index, escalated count = queries with confidence < threshold) */
  readonly members: [number, number][];
}

/** A pair's columns laid out in the cheap model's confidence order, with its members by escalated count. */
interface PairPlan {
  readonly cheap: string;
  readonly order: Uint32Array;
  readonly expensiveCost: Float64Array;
  readonly gain: Float64Array;
  readonly cheapCost: Float64Array;
  readonly members: readonly (readonly [number, number])[];
}

/**
 * Prepares a {@link PolicyTable}. O(pairs n log n + chains n L).
 * @throws Error for an unknown model or a threshold count that does not fit the stages.
 */
export function policyTable(ds: Dataset, policies: readonly PolicySpec[]): PolicyTable {
  const n = ds.n;
  const singles = new Map<string, number[]>();
  const pairs = new Map<string, PairGroup>();
  const chains: { index: number; cost: Float64Array; quality: Float64Array; structural: Float64Array }[] = [];
  policies.forEach((policy, index) => {
    const stages = policy.models.map((m) => modelByName(ds, m));
    if (policy.thresholds.length !== stages.length - 1) {
      throw new Error(`a policy of ${stages.length} stages needs ${stages.length - 1} thresholds, got ${policy.thresholds.length}`);
    }
    if (stages.length === 1) {
      const list = singles.get(stages[0].name) ?? [];
      list.push(index);
      singles.set(stages[0].name, list);
    } else if (stages.length === 2) {
      const key = JSON.stringify(policy.models);
      let group = pairs.get(key);
      if (!group) {
        group = { cheap: stages[0], expensive: stages[1], order: confidenceOrder(stages[0]), members: [] };
        pairs.set(key, group);
      }
      const t = policy.thresholds[0] ?? Infinity;
      const s = stages[0].confidence;
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (s[group.order[mid]] < t) lo = mid + 1;
        else hi = mid;
      }
      group.members.push([index, lo]);
    } else {
      const out = chainOutcomes(
        stages,
        policy.thresholds.map((t) => t ?? Infinity),
      );
      chains.push({ index, cost: out.cost, quality: out.quality, structural: out.structuralCost });
    }
  });
  // Model sums are shared by singles and by every pair with that cheap model.
  const summed = [...new Set([...singles.keys(), ...[...pairs.values()].map((g) => g.cheap.name)])].map((name) => modelByName(ds, name));
  const sumIndex = new Map(summed.map((m, k) => [m.name, k]));
  const plans: PairPlan[] = [...pairs.values()].map((g) => ({
    cheap: g.cheap.name,
    order: g.order,
    expensiveCost: Float64Array.from(g.order, (i) => g.expensive.cost[i]),
    gain: Float64Array.from(g.order, (i) => g.expensive.quality[i] - g.cheap.quality[i]),
    cheapCost: Float64Array.from(g.order, (i) => g.cheap.cost[i]),
    members: [...g.members].sort((a, b) => a[1] - b[1]),
  }));
  const ones = new Float64Array(n).fill(1);
  const sumCost = new Float64Array(summed.length);
  const sumQuality = new Float64Array(summed.length);
  return {
    policies,
    measure(weights: ArrayLike<number> = ones): PolicyMeans {
      const P = policies.length;
      const cost = new Float64Array(P);
      const quality = new Float64Array(P);
      const structuralCost = new Float64Array(P);
      let total = 0;
      for (let i = 0; i < n; i++) total += weights[i];
      summed.forEach((m, k) => {
        let c = 0;
        let q = 0;
        const mc = m.cost;
        const mq = m.quality;
        for (let i = 0; i < n; i++) {
          const w = weights[i];
          c += w * mc[i];
          q += w * mq[i];
        }
        sumCost[k] = c;
        sumQuality[k] = q;
      });
      for (const [name, members] of singles) {
        const k = sumIndex.get(name)!;
        for (const p of members) {
          cost[p] = sumCost[k] / total;
          quality[p] = sumQuality[k] / total;
        }
      }
      for (const plan of plans) {
        const k = sumIndex.get(plan.cheap)!;
        const { order, expensiveCost, gain, cheapCost, members } = plan;
        let addCost = 0;
        let addGain = 0;
        let paid = 0;
        let next = 0;
        // One pass down the order; each member reads the running sums at its escalated count.
        for (let j = 0; j <= n && next < members.length; j++) {
          while (next < members.length && members[next][1] === j) {
            const p = members[next++][0];
            cost[p] = (sumCost[k] + addCost) / total;
            quality[p] = (sumQuality[k] + addGain) / total;
            structuralCost[p] = paid / total;
          }
          if (j === n) break;
          const w = weights[order[j]];
          addCost += w * expensiveCost[j];
          addGain += w * gain[j];
          paid += w * cheapCost[j];
        }
      }
      for (const ch of chains) {
        let c = 0;
        let q = 0;
        let s = 0;
        const cc = ch.cost;
        const cq = ch.quality;
        const cs = ch.structural;
        for (let i = 0; i < n; i++) {
          const w = weights[i];
          c += w * cc[i];
          q += w * cq[i];
          s += w * cs[i];
        }
        cost[ch.index] = c / total;
        quality[ch.index] = q / total;
        structuralCost[ch.index] = s / total;
      }
      return { cost, quality, structuralCost };
    },
  };
}
