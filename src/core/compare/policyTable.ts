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
  /** {@link measure} under each weighting, bit for bit; chains are summed for four weightings per pass over their outcomes. */
  measureEach(weightings: readonly ArrayLike<number>[]): PolicyMeans[];
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
  const chains: ChainColumns[] = [];
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
  /** Singles and pairs under one weighting; returns its means (chains left at 0) and the total weight. */
  const withoutChains = (weights: ArrayLike<number>): { means: PolicyMeans; total: number } => {
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
    return { means: { cost, quality, structuralCost }, total };
  };
  const measureEach = (weightings: readonly ArrayLike<number>[]): PolicyMeans[] => {
    const done = weightings.map(withoutChains);
    // Four weightings per pass over a chain's outcomes.
    for (let g = 0; g < weightings.length; g += 4) {
      const four = done.slice(g, g + 4);
      chainSums(
        chains,
        n,
        weightings.slice(g, g + 4),
        four.map((x) => x.means),
        four.map((x) => x.total),
      );
    }
    return done.map((x) => x.means);
  };
  return { policies, measure: (weights: ArrayLike<number> = ones) => measureEach([weights])[0], measureEach };
}

/** A chain's per-query outcomes, and its index in the table. */
interface ChainColumns {
  readonly index: number;
  readonly cost: Float64Array;
  readonly quality: Float64Array;
  readonly structural: Float64Array;
}

/**
 * Each chain's weighted means under up to four weightings into `out`, in one pass over its
 * outcomes (fewer than four: the last is summed again in the free lanes, and not stored).
 * Each of the twelve sums adds the same products in the same order as a sum of its own (so
 * the same bits), and the twelve independent additions keep the processor busy where three in
 * a row would wait on each other. O(chains n).
 */
function chainSums(chains: readonly ChainColumns[], n: number, weightings: readonly ArrayLike<number>[], out: readonly PolicyMeans[], total: readonly number[]): void {
  const lane = (k: number) => weightings[Math.min(k, weightings.length - 1)];
  const [wa, wb, wc, wd] = [lane(0), lane(1), lane(2), lane(3)];
  for (const ch of chains) {
    let ca = 0;
    let qa = 0;
    let sa = 0;
    let cb = 0;
    let qb = 0;
    let sb = 0;
    let cc = 0;
    let qc = 0;
    let sc = 0;
    let cd = 0;
    let qd = 0;
    let sd = 0;
    const xc = ch.cost;
    const xq = ch.quality;
    const xs = ch.structural;
    for (let i = 0; i < n; i++) {
      const c = xc[i];
      const q = xq[i];
      const s = xs[i];
      let w = wa[i];
      ca += w * c;
      qa += w * q;
      sa += w * s;
      w = wb[i];
      cb += w * c;
      qb += w * q;
      sb += w * s;
      w = wc[i];
      cc += w * c;
      qc += w * q;
      sc += w * s;
      w = wd[i];
      cd += w * c;
      qd += w * q;
      sd += w * s;
    }
    const sums = [
      [ca, qa, sa],
      [cb, qb, sb],
      [cc, qc, sc],
      [cd, qd, sd],
    ];
    sums.slice(0, weightings.length).forEach(([c, q, s], k) => {
      out[k].cost[ch.index] = c / total[k];
      out[k].quality[ch.index] = q / total[k];
      out[k].structuralCost[ch.index] = s / total[k];
    });
  }
}
