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
  const singleModels = [...singles.keys()].map((name) => ({ model: modelByName(ds, name), members: singles.get(name)! }));
  const pairGroups = [...pairs.values()];
  const prefixCost = new Float64Array(n + 1);
  const prefixGain = new Float64Array(n + 1);
  const prefixCheap = new Float64Array(n + 1);
  return {
    policies,
    measure(weights?: ArrayLike<number>): PolicyMeans {
      const P = policies.length;
      const cost = new Float64Array(P);
      const quality = new Float64Array(P);
      const structuralCost = new Float64Array(P);
      let total = 0;
      for (let i = 0; i < n; i++) total += weights ? weights[i] : 1;
      const sums = (m: ModelColumns) => {
        let c = 0;
        let q = 0;
        for (let i = 0; i < n; i++) {
          const w = weights ? weights[i] : 1;
          c += w * m.cost[i];
          q += w * m.quality[i];
        }
        return [c, q];
      };
      for (const { model, members } of singleModels) {
        const [c, q] = sums(model);
        for (const p of members) {
          cost[p] = c / total;
          quality[p] = q / total;
        }
      }
      for (const g of pairGroups) {
        const [baseCost, baseQuality] = sums(g.cheap);
        for (let j = 0; j < n; j++) {
          const i = g.order[j];
          const w = weights ? weights[i] : 1;
          prefixCost[j + 1] = prefixCost[j] + w * g.expensive.cost[i];
          prefixGain[j + 1] = prefixGain[j] + w * (g.expensive.quality[i] - g.cheap.quality[i]);
          prefixCheap[j + 1] = prefixCheap[j] + w * g.cheap.cost[i];
        }
        for (const [p, escalated] of g.members) {
          cost[p] = (baseCost + prefixCost[escalated]) / total;
          quality[p] = (baseQuality + prefixGain[escalated]) / total;
          structuralCost[p] = prefixCheap[escalated] / total;
        }
      }
      for (const ch of chains) {
        let c = 0;
        let q = 0;
        let s = 0;
        for (let i = 0; i < n; i++) {
          const w = weights ? weights[i] : 1;
          c += w * ch.cost[i];
          q += w * ch.quality[i];
          s += w * ch.structural[i];
        }
        cost[ch.index] = c / total;
        quality[ch.index] = q / total;
        structuralCost[ch.index] = s / total;
      }
      return { cost, quality, structuralCost };
    },
  };
}
