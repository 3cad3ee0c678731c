import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset, PolicySpec } from '../../src/core/types.ts';
import { averageImprovementInQuality, averagePerformanceGapRecovered, meanOfSteps, meanStepQuality } from '../../src/core/compare/measures.ts';
import { policyTable } from '../../src/core/compare/policyTable.ts';
import { compare } from '../../src/core/compare/compare.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import { makeDataset } from '../support/dataset.ts';
import { referenceData } from '../support/paths.ts';

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

const close = (a: number, b: number, eps = 1e-12) => Math.abs(a - b) <= eps * Math.max(1, Math.abs(b));

// ---- measures, hand-computed ----

test('meanStepQuality: hand-computed step integrals over log and linear cost', () => {
  const points = [
    { cost: 1, quality: 0.5 },
    { cost: 4, quality: 0.8 },
    { cost: 2, quality: 0.4 }, // dominated by (1, 0.5)
    { cost: 8, quality: 0.9 },
  ];
  // Linear over [1, 10]: 0.5 on [1,4), 0.8 on [4,8), 0.9 on [8,10] -> (1.5 + 3.2 + 1.8) / 9.
  assert.ok(close(meanStepQuality(points, 1, 10, 'linear'), 6.5 / 9));
  // Log over [1, 16]: ln-lengths ln4, ln2, ln2 of ln16 = 4 ln2 -> (0.5*2 + 0.8 + 0.9) / 4.
  assert.ok(close(meanStepQuality(points, 1, 16, 'log'), 2.7 / 4));
  // Below the cheapest point F = 0: over [0.5, 1] linear nothing fits.
  assert.ok(close(meanStepQuality(points, 0.5, 2, 'linear'), (0.5 * 1) / 1.5));
  assert.throws(() => meanStepQuality(points, 0, 1, 'log'), RangeError);
});

test('meanOfSteps: the integral of the steps as written out here, to the last bit (steps outside the range, equal costs, costs out of order, both scales)', () => {
  const r = lcg(21);
  for (let round = 0; round < 300; round++) {
    const count = 1 + Math.floor(r() * 40);
    // Costs ascending, some repeated; from and to anywhere around them.
    const cost: number[] = [];
    let c = 0.001 + r() * 0.01;
    for (let i = 0; i < count; i++) {
      if (r() > 0.2) c *= 1 + r();
      cost.push(c);
    }
    const value = cost.map(() => Math.round(r() * 1000) / 1000);
    const from = cost[0] * (0.5 + r());
    // One round in four out of order (not what the steps of a frontier are, but the same sum all the same).
    if (round % 4 === 3) {
      for (let i = count - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [cost[i], cost[j]] = [cost[j], cost[i]];
      }
    }
    const to = from * (1 + 40 * r()) + 1e-9;
    for (const scale of ['log', 'linear'] as const) {
      const x = (v: number) => (scale === 'log' ? Math.log(v) : v);
      let total = 0;
      for (let i = 0; i < count; i++) {
        const a = Math.max(from, cost[i]);
        const b = Math.min(to, i + 1 < count ? cost[i + 1] : Infinity);
        if (b > a) total += value[i] * (x(b) - x(a));
      }
      const want = total / (x(to) - x(from));
      assert.ok(Object.is(meanOfSteps(cost, value, from, to, scale), want), `round ${round}, ${scale}`);
    }
  }
});

test('averageImprovementInQuality and averagePerformanceGapRecovered: hand-computed', () => {
  // Hull of (1, .5), (2, .6), (4, .9), (8, .9): (2, .6) lies below the segment (1,.5)-(4,.9)? .5 + .4/3 = .633 > .6: yes.
  const points = [
    { cost: 1, quality: 0.5 },
    { cost: 2, quality: 0.6 },
    { cost: 4, quality: 0.9 },
    { cost: 8, quality: 0.9 },
  ];
  // AIQ over [1, 7]: linear from .5 to .9 on [1,4] (area 3 * .7 = 2.1), flat .9 on [4,7] (2.7) -> 4.8 / 6.
  assert.ok(close(averageImprovementInQuality(points, 1, 7), 4.8 / 6));
  // APGR with weak (1, .5), strong (4, .9): step F over [1,4]: .5 on [1,2), .6 on [2,4) -> mean (.5 + 1.2)/3;
  // PGR = (mean - .5) / .4.
  const apgr = averagePerformanceGapRecovered(points, { cost: 1, quality: 0.5 }, { cost: 4, quality: 0.9 })!;
  assert.ok(close(apgr, (1.7 / 3 - 0.5) / 0.4));
  assert.equal(averagePerformanceGapRecovered(points, { cost: 4, quality: 0.9 }, { cost: 1, quality: 0.5 }), null);
});

// ---- the policy table under weights ----

test('policyTable: weighted means of singles, pairs and chains equal direct query-by-query sums', () => {
  const r = lcg(5);
  const n = 50;
  const models: Record<string, { q: number[]; s: number[]; c: number[] }> = {};
  for (const [name, price] of [
    ['a', 1],
    ['b', 3],
    ['c', 9],
  ] as const) {
    models[name] = {
      q: Array.from({ length: n }, () => (r() < 0.6 ? 1 : 0)),
      s: Array.from({ length: n }, () => Math.round(r() * 5) / 5),
      c: Array.from({ length: n }, () => price * (0.5 + r())),
    };
  }
  const ds = makeDataset(models);
  const policies: PolicySpec[] = [
    { kind: 'single', models: ['b'], thresholds: [] },
    { kind: 'pair', models: ['a', 'c'], thresholds: [0.4] },
    { kind: 'pair', models: ['a', 'c'], thresholds: [null] },
    { kind: 'pair', models: ['b', 'c'], thresholds: [0.6] },
    { kind: 'chain', models: ['a', 'b', 'c'], thresholds: [0.8, 0.2] },
  ];
  const weights = Float64Array.from({ length: n }, () => Math.floor(r() * 3));
  const means = policyTable(ds, policies).measure(weights);
  policies.forEach((p, j) => {
    let total = 0;
    let cost = 0;
    let quality = 0;
    let structural = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      total += w;
      for (let k = 0; k < p.models.length; k++) {
        const m = models[p.models[k]];
        const t = k < p.thresholds.length ? (p.thresholds[k] ?? Infinity) : -Infinity;
        cost += w * m.c[i];
        if (m.s[i] >= t) {
          quality += w * m.q[i];
          break;
        }
        structural += w * m.c[i];
      }
    }
    assert.ok(close(means.cost[j], cost / total), `cost of policy ${j}`);
    assert.ok(close(means.quality[j], quality / total), `quality of policy ${j}`);
    assert.ok(close(means.structuralCost[j], structural / total), `structural cost of policy ${j}`);
  });
});

// ---- the comparison ----

/**
 * Four models with rising cost; a query's difficulty d decides who answers it right, the
 * confidences are noisy readings of d, and the prompt names its topic (which carries part of d).
 */
function syntheticEval(n: number, seed: number, withPrompts: boolean): Dataset {
  const r = lcg(seed);
  const specs = [
    { name: 'tiny', skill: 0.3, price: 1 },
    { name: 'small', skill: 0.5, price: 2 },
    { name: 'medium', skill: 0.7, price: 6 },
    { name: 'large', skill: 0.85, price: 20 },
  ];
  const topics = ['algebra', 'history', 'biology', 'law'];
  const models: Record<string, { q: number[]; s: number[]; c: number[] }> = {};
  for (const sp of specs) models[sp.name] = { q: [], s: [], c: [] };
  const prompts: string[] = [];
  const split: string[] = [];
  for (let i = 0; i < n; i++) {
    const topic = Math.floor(r() * 4);
    const d = Math.min(1, Math.max(0, topic / 4 + r() * 0.4 - 0.1));
    prompts.push(`question about ${topics[topic]} number ${i}`);
    split.push(i % 3 === 0 ? 'train' : 'test');
    for (const sp of specs) {
      const right = r() < sp.skill + 0.4 * (0.5 - d) ? 1 : 0;
      models[sp.name].q.push(right);
      models[sp.name].s.push(Math.round((right ? 0.6 : 0.4) * 10 + (r() - 0.5) * 6) / 10);
      models[sp.name].c.push(sp.price * (0.8 + 0.4 * r()) * 1e-5);
    }
  }
  const ds = makeDataset(models, split);
  return withPrompts ? { ...ds, prompts } : ds;
}

test('compare: every family held out, bound on top, JSON-serialisable, consistent verdicts', () => {
  const ds = syntheticEval(900, 7, true);
  const result = compare(ds, { split: { kind: 'field', calibration: 'train', holdout: 'test' }, bootstrapResamples: 100, seed: 3 });
  assert.equal(result.heldOut, true);
  assert.equal(result.split.nCalibration, 300);
  assert.equal(result.split.nHoldout, 600);
  assert.deepEqual(
    result.families.map((f) => f.id),
    ['singles', 'envelope', 'fullChain', 'bestSubsequence', 'router', 'bound'],
  );
  assert.ok(result.families.every((f) => f.available));
  assert.equal(result.search.subsequenceCandidates, 4 + 6 + 4 + 1);
  const area = Object.fromEntries(result.families.map((f) => [f.id, f.area.value!]));
  for (const f of result.families) {
    if (f.id !== 'bound') assert.ok(area.bound >= area[f.id] - 1e-9, `bound below ${f.id}`);
    assert.ok(f.area.interval && f.area.interval[0] <= f.area.interval[1]);
  }
  // Held-out envelope area recomputed independently from its held-out points.
  const env = result.families.find((f) => f.id === 'envelope')!;
  const { from, to } = result.range!;
  let integral = 0;
  const grid = 20000;
  for (let g = 0; g < grid; g++) {
    const b = Math.exp(Math.log(from) + ((Math.log(to) - Math.log(from)) * (g + 0.5)) / grid);
    let q = 0;
    for (const p of env.holdout) if (p.cost <= b && p.quality > q) q = p.quality;
    integral += q;
  }
  assert.ok(Math.abs(integral / grid - area.envelope) < 2e-3);
  // Verdicts follow their gains.
  for (const v of Object.values(result.verdicts)) {
    const g = v.gain.value!;
    const expected = g <= 0 ? 'no' : v.gain.interval![0] <= 0 ? 'unclear' : 'yes';
    assert.equal(v.answer, expected, v.question);
  }
  assert.ok(close(result.verdicts.escalation.gain.value!, area.envelope - area.singles));
  // Plain data: survives a JSON round trip unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
});

test('compare: deterministic (seeded split, training and bootstrap)', () => {
  const ds = syntheticEval(240, 17, true);
  const a = compare(ds, { bootstrapResamples: 30, seed: 4 });
  const b = compare(ds, { bootstrapResamples: 30, seed: 4 });
  assert.deepEqual(a, b);
  assert.equal(a.split.kind, 'field');
});

test('compare: in-sample, full chain <= best subsequence and envelope <= best subsequence', () => {
  const ds = syntheticEval(300, 11, true);
  const result = compare(ds, { split: { kind: 'none' }, bootstrapResamples: 0 });
  assert.equal(result.heldOut, false);
  const area = Object.fromEntries(result.families.map((f) => [f.id, f.area.value!]));
  // Four models and subsequences of up to four: the full chain is one of the candidates.
  assert.ok(area.fullChain <= area.bestSubsequence + 1e-12);
  assert.ok(area.envelope <= area.bestSubsequence + 1e-12);
  assert.ok(area.singles <= area.envelope + 1e-12);
});

test('compare: without prompts the router is unavailable with the reason and nothing else fails', () => {
  const ds = syntheticEval(300, 13, false);
  const result = compare(ds, { bootstrapResamples: 20 });
  const router = result.families.find((f) => f.id === 'router')!;
  assert.equal(router.available, false);
  assert.match(router.reason!, /prompt/);
  assert.equal(router.area.value, null);
  assert.equal(result.verdicts.router.answer, 'unavailable');
  assert.equal(result.router.available, false);
  for (const f of result.families.filter((x) => x.id !== 'router')) assert.ok(f.available && f.area.value !== null, f.id);
  assert.notEqual(result.verdicts.escalation.answer, 'unavailable');
});

test('compare: rejects an empty holdout split with a clear message', () => {
  // Three queries, 10% held out: round(0.3) = 0 holdout queries, a split the splitter accepts.
  const ds = makeDataset({ a: { q: [1, 0, 1], s: [0, 0, 0], c: [1, 1, 1] } });
  assert.throws(() => compare(ds, { split: { kind: 'random', seed: 1, holdoutFraction: 0.1 } }), /^Error: the holdout split has no queries\. Check the split field and its values\.$/);
});

test('compare: rejects a holdout label the data does not have, naming the labels found', () => {
  const ds = makeDataset({ a: { q: [1, 0, 1], s: [0, 0, 0], c: [1, 1, 1] } }, ['train', 'train', 'other']);
  assert.throws(() => compare(ds, { split: { kind: 'field', calibration: 'train', holdout: 'test' } }), /no query has split = "test" \(values found: "train", "other"\)/);
});

const MMLU = referenceData('mmlu');

test('compare on the MMLU reference data (Zellinger and Thomson, 2025): paper-style structure', async () => {
  const loaded = await loadEvalFiles([MMLU]);
  const result = compare(loaded.dataset, { split: { kind: 'field', calibration: 'train', holdout: 'test' }, bootstrapResamples: 20 });
  assert.equal(result.models.length, 9);
  assert.equal(result.split.nCalibration, 285);
  assert.equal(result.split.nHoldout, 1531);
  assert.equal(result.search.subsequenceCandidates, 9 + 36 + 84 + 126);
  const area = Object.fromEntries(result.families.map((f) => [f.id, f.area.value!]));
  assert.ok(result.families.every((f) => f.available));
  // In-sample (on the data the policies were chosen on) the envelope cannot trail the single models.
  const inSample = Object.fromEntries(result.families.map((f) => [f.id, f.inSampleArea!]));
  assert.ok(inSample.envelope >= inSample.singles - 1e-12);
  assert.ok(inSample.bestSubsequence >= inSample.envelope - 1e-12);
  assert.ok(area.bound > Math.max(area.envelope, area.router, area.bestSubsequence));
  assert.ok(result.bestCascade.structuralShare! > 0 && result.bestCascade.structuralShare! < 1);
});
