/**
 * The plan of bases of the bootstrap's chain sums: each chain column starts from the first
 * candidate, in the plan's order, that differs from it on the fewest queries among those that
 * cannot lose precision, checked against a count of every candidate written here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChainColumns, chainColumn, chainDeltaPlan, stageOutcomesOf, type SummedColumns } from '../../src/core/compare/chainDeltas.ts';

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const COLUMNS = ['cost', 'quality', 'structural'] as const;

/** Queries where x differs from base (zero when undefined), or Infinity when the base is unusable (a value above x's where not both columns are whole). */
function refDiffering(x: Float64Array, base: ArrayLike<number> | undefined): number {
  const whole = (a: ArrayLike<number>) => Array.from(a).every((v) => Number.isInteger(v));
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    const b = base ? base[i] : 0;
    if (x[i] === b) continue;
    if (base && b > x[i] && !(whole(x) && whole(base))) return Infinity;
    count++;
  }
  return count;
}

test('chainDeltaPlan: each column starts from the first candidate with the fewest differences (zero, its stages, the cheaper chains of its stages)', () => {
  let planned = 0;
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const r = lcg(seed);
    const n = 300;
    const names = ['a', 'b', 'c'];
    // Whole costs for some seeds (any base usable), fractional for others.
    const summed: SummedColumns[] = names.map((name, m) => ({
      name,
      cost: Float64Array.from({ length: n }, () => (seed % 2 === 0 ? 1 + m + Math.floor(r() * 3) : (m + 1) * (0.5 + r()))),
      quality: Float64Array.from({ length: n }, () => (r() < 0.5 + 0.1 * m ? 1 : 0)),
    }));
    const sumIndex = new Map(names.map((name, k) => [name, k]));
    // Chains of the three stages at several thresholds (nested: a later one escalates more), and one of two stages.
    const chains: ChainColumns[] = [];
    // Each chain's outcome columns, computed here from the stage that answers.
    const outcomes = new Map<number, Record<(typeof COLUMNS)[number], Float64Array>>();
    const level = Float64Array.from({ length: n }, () => r());
    const chainAt = (index: number, models: string[], t: number): ChainColumns => {
      const stages = models.map((name) => summed[sumIndex.get(name)!]);
      const stop = new Uint8Array(n);
      const cost = new Float64Array(n);
      const quality = new Float64Array(n);
      const structural = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let j = 0;
        for (; j < stages.length - 1 && level[i] < t * (j + 1); j++) structural[i] += stages[j].cost[i];
        cost[i] = structural[i] + stages[j].cost[i];
        quality[i] = stages[j].quality[i];
        stop[i] = j;
      }
      outcomes.set(index, { cost, quality, structural });
      return { index, models, stop, costs: stages.map((m) => m.cost), qualities: stages.map((m) => m.quality) };
    };
    [0.05, 0.4, 0.1, 0.3, 0.2].forEach((t, k) => chains.push(chainAt(k, names, t)));
    chains.push(chainAt(5, ['a', 'c'], 0.3));
    // With seed 6, a NaN cost where the chains' stages differ and where they do not: NaN differs from every value, itself included.
    if (seed === 6) {
      const lowest = level.indexOf(Math.min(...level));
      const highest = level.indexOf(Math.max(...level));
      assert.ok(level[lowest] < 0.05 && level[highest] > 0.4, 'every chain escalates the lowest level to its last stage, none the highest');
      summed[2].cost[lowest] = NaN;
      summed[2].cost[highest] = NaN;
      summed[0].quality[lowest] = NaN;
      for (const ch of chains) chainAt(ch.index, [...ch.models], ch.index === 5 ? 0.3 : [0.05, 0.4, 0.1, 0.3, 0.2][ch.index]);
    }
    const plan = chainDeltaPlan(chains, summed);
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
    for (const step of plan) {
      const chain = chains.find((c) => c.index === step.index)!;
      // The chains of the same stages planned before it, cheapest first.
      const earlier = plan.slice(0, plan.indexOf(step)).filter((p) => JSON.stringify(chains.find((c) => c.index === p.index)!.models) === JSON.stringify(chain.models));
      COLUMNS.forEach((column, c) => {
        const x = outcomes.get(chain.index)![column];
        const candidates: { fromChain: number; fromModel: number; count: number }[] = [{ fromChain: -1, fromModel: -1, count: refDiffering(x, undefined) }];
        if (column !== 'structural') for (const name of chain.models) candidates.push({ fromChain: -1, fromModel: sumIndex.get(name)!, count: refDiffering(x, summed[sumIndex.get(name)!][column]) });
        for (const p of earlier) candidates.push({ fromChain: plan.indexOf(p), fromModel: -1, count: refDiffering(x, outcomes.get(p.index)![column]) });
        const fewest = Math.min(...candidates.map((k) => k.count));
        const want = candidates.find((k) => k.count === fewest)!;
        const got = step.columns[c];
        assert.deepEqual([got.fromChain, got.fromModel, got.at.length], [want.fromChain, want.fromModel, want.count], `seed ${seed} chain ${step.index} ${column}`);
        // The differences: the chain's values less its base's, where they differ.
        const base = want.fromChain >= 0 ? outcomes.get(plan[want.fromChain].index)![column] : want.fromModel >= 0 ? summed[want.fromModel][column as 'cost' | 'quality'] : undefined;
        const at: number[] = [];
        const delta: number[] = [];
        x.forEach((v, i) => {
          const b = base ? base[i] : 0;
          if (v !== b) {
            at.push(i);
            delta.push(v - b);
          }
        });
        assert.deepEqual([Array.from(got.at), Array.from(got.delta)], [at, delta], `seed ${seed} chain ${step.index} ${column}: differences`);
      });
      planned++;
    }
    // Cheapest first within a group.
    const group = plan.filter((p) => p.index < 5).map((p) => mean(outcomes.get(p.index)!.cost));
    assert.deepEqual(
      group,
      [...group].sort((a, b) => a - b),
    );
  }
  assert.equal(planned, 36);
});

test("stageOutcomesOf and chainColumn: each chain's outcome columns are those of a walk through its stages, also when chains of other stages come between", () => {
  const r = lcg(9);
  const n = 200;
  const column = (scale: number) => Float64Array.from({ length: n }, () => (r() < 0.05 ? -0 : Math.round(scale * r() * 1000) / 1000));
  const models = ['a', 'b', 'c', 'd', 'e'].map((name, m) => ({ name, cost: column(m + 1), quality: Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0)) }));
  const byName = new Map(models.map((m) => [m.name, m]));
  const chainOf = (index: number, names: string[]): ChainColumns => {
    const stages = names.map((name) => byName.get(name)!);
    return {
      index,
      models: names,
      stop: Uint8Array.from({ length: n }, () => Math.floor(r() * stages.length)),
      costs: stages.map((m) => m.cost),
      qualities: stages.map((m) => m.quality),
    };
  };
  const chains = [
    chainOf(0, ['a', 'b', 'c']),
    chainOf(1, ['a', 'b', 'c']),
    chainOf(2, ['a', 'd', 'c', 'e']),
    chainOf(3, ['b', 'c', 'd']),
    chainOf(4, ['a', 'b', 'c']),
    chainOf(5, ['a', 'd', 'c', 'e']),
  ];
  const outcomesOf = stageOutcomesOf(n);
  const out = new Float64Array(n);
  for (const ch of [...chains, ...chains.reverse()]) {
    const by = outcomesOf(ch);
    for (const name of COLUMNS) {
      const want = Float64Array.from({ length: n }, (_, i) => {
        let structural = 0;
        for (let k = 0; k < ch.stop[i]; k++) structural += ch.costs[k][i];
        const s = ch.stop[i];
        return name === 'quality' ? ch.qualities[s][i] : name === 'cost' ? structural + ch.costs[s][i] : structural;
      });
      // Object.is tells -0 from +0: the sums start from +0, as a walk's do.
      const got = chainColumn(ch, by, name, out);
      for (let i = 0; i < n; i++) assert.ok(Object.is(got[i], want[i]), `chain ${ch.index} ${name} query ${i}: ${got[i]} against ${want[i]}`);
    }
  }
});
