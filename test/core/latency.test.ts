import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeDataset } from '../support/dataset.ts';
import type { Dataset, PolicySpec } from '../../src/core/types.ts';
import { latencyMask, mergeRanks, nearestRank, PairLatencyTracker, PairQuantileTracker, policiesLatency, policyLatency, quantileUpperRank } from '../../src/core/latency.ts';
import { latencyLimits } from '../../src/core/select/latencyLimit.ts';
import { selectForBudgets } from '../../src/core/select/rule.ts';
import { analyze } from '../../src/core/analyze.ts';
import { seededRandom } from '../../src/core/stats.ts';

/** Latency per query of a pair at threshold t, written out: an escalated query waits for both models. */
function pairLatencies(d: Dataset, a: number, b: number, t: number): number[] {
  const A = d.models[a];
  const B = d.models[b];
  return Array.from({ length: d.n }, (_, i) => A.latencyMs![i] + (A.confidence[i] < t ? B.latencyMs![i] : 0));
}

/** Nearest-rank 95th percentile: the smallest value at least 95% of the values do not exceed. */
function p95(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.ceil(0.95 * sorted.length) - 1];
}

const arbTimed = fc
  .record({ n: fc.integer({ min: 1, max: 60 }) })
  .chain(({ n }) =>
    fc.array(
      fc.record({
        q: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
        s: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n }),
        c: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: n, maxLength: n }),
        l: fc.array(fc.integer({ min: 10, max: 900 }), { minLength: n, maxLength: n }),
      }),
      { minLength: 3, maxLength: 3 },
    ),
  )
  .map((cols): Dataset => makeDataset({ a: cols[0], b: cols[1], c: cols[2] }));

test('nearest rank and the distribution-free upper bound rank of the p95', () => {
  assert.equal(nearestRank(20, 0.95), 19);
  assert.equal(nearestRank(100, 0.95), 95);
  assert.equal(nearestRank(1, 0.95), 1);
  // 100 * 0.95 + 1.2816 * sqrt(100 * 0.95 * 0.05) = 95 + 2.793 = 97.8 -> 98.
  assert.equal(quantileUpperRank(100, 0.95, 1.2815515655446004), 98);
  // Too few queries to bound it: the largest value.
  assert.equal(quantileUpperRank(10, 0.95, 1.2815515655446004), 10);
});

test('property: policy latencies equal the per-query sums of the stages visited (mean and nearest-rank p95), one at a time or all at once', () => {
  fc.assert(
    fc.property(arbTimed, fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 6 }), (d, ts) => {
      const policies: PolicySpec[] = [
        { kind: 'single', models: ['b'], thresholds: [] },
        ...ts.map((t): PolicySpec => ({ kind: 'pair', models: ['a', t % 2 === 0 ? 'b' : 'c'], thresholds: [t === 7 ? null : t] })),
      ];
      const together = policiesLatency(d, policies);
      policies.forEach((p, x) => {
        const values = p.models.length === 1 ? Array.from(d.models[1].latencyMs!) : pairLatencies(d, 0, p.models[1] === 'b' ? 1 : 2, p.thresholds[0] ?? Infinity);
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        for (const got of [policyLatency(d, p)!, together[x]!]) {
          assert.ok(Math.abs(got.meanMs - mean) < 1e-9);
          assert.equal(got.p95Ms, p95(values));
          assert.equal(got.n, d.n);
        }
      });
    }),
    { numRuns: 150 },
  );
});

test('property: PairLatencyTracker order statistics follow the escalations', () => {
  fc.assert(
    fc.property(arbTimed, fc.integer({ min: 0, max: 1000 }), (d, seed) => {
      const tracker = new PairLatencyTracker(d.models[0], d.models[1], new Uint8Array(d.n).fill(1));
      const current = Array.from(d.models[0].latencyMs!);
      const random = seededRandom(seed);
      const order = Array.from({ length: d.n }, (_, i) => i).sort(() => random() - 0.5);
      for (const i of order) {
        tracker.escalate(i);
        current[i] = d.models[0].latencyMs![i] + d.models[1].latencyMs![i];
        const sorted = [...current].sort((x, y) => x - y);
        const r = 1 + Math.floor(random() * d.n);
        assert.equal(tracker.orderStatistic(r), sorted[r - 1]);
      }
    }),
    { numRuns: 60 },
  );
});

test('property: PairQuantileTracker follows one order statistic through the escalations, negative latencies and masked queries included', () => {
  const arb = fc.record({
    rows: fc.array(fc.record({ a: fc.integer({ min: -50, max: 50 }), b: fc.integer({ min: -30, max: 60 }), known: fc.boolean() }), { minLength: 1, maxLength: 40 }),
    seed: fc.integer({ min: 0, max: 1000 }),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  fc.assert(
    fc.property(arb, ({ rows, seed, share }) => {
      if (!rows.some((x) => x.known)) return;
      const n = rows.length;
      const mask = Uint8Array.from(rows, (x) => (x.known ? 1 : 0));
      const alone = Float64Array.from(rows, (x) => (x.known ? x.a : 0));
      const both = Float64Array.from(rows, (x) => (x.known ? x.a + x.b : 0));
      const ascending = (v: Float64Array) => Uint32Array.from({ length: n }, (_, i) => i).sort((x, y) => v[x] - v[y] || x - y);
      const known = rows.filter((x) => x.known).length;
      const r = 1 + Math.min(known - 1, Math.floor(share * known));
      const tracker = new PairQuantileTracker(alone, ascending(alone), both, ascending(both), mask, r);
      const current = rows.map((x) => x.a);
      const rthSmallest = () => current.filter((_, i) => rows[i].known).sort((x, y) => x - y)[r - 1];
      assert.equal(tracker.n, known);
      assert.equal(tracker.value(), rthSmallest());
      const random = seededRandom(seed);
      const order = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
      for (const i of order) {
        tracker.escalate(i);
        current[i] = rows[i].a + rows[i].b;
        assert.equal(tracker.value(), rthSmallest());
      }
    }),
    { numRuns: 200 },
  );
});

test('mergeRanks ranks two columns together, equal values of the first column first', () => {
  const a = Float64Array.from([5, 1, 3]);
  const b = Float64Array.from([3, 0, 7]);
  const values = new Float64Array(6);
  const rankA = new Uint32Array(3);
  const rankB = new Uint32Array(3);
  mergeRanks(a, Uint32Array.from([1, 2, 0]), b, Uint32Array.from([1, 0, 2]), values, rankA, rankB);
  // Together, ascending: b1 = 0, a1 = 1, a2 = 3, b0 = 3, a0 = 5, b2 = 7.
  assert.deepEqual(Array.from(values), [0, 1, 3, 3, 5, 7]);
  assert.deepEqual(Array.from(rankA), [4, 1, 2]);
  assert.deepEqual(Array.from(rankB), [3, 0, 5]);
});

test('latency figures cover only the queries with a latency for every model; none without latencies', () => {
  const d = makeDataset({
    a: { q: [1, 0, 1], s: [1, 2, 3], c: [1, 1, 1], l: [100, NaN, 300] },
    b: { q: [1, 1, 1], s: [0, 0, 0], c: [5, 5, 5], l: [1000, 2000, 3000] },
  });
  assert.deepEqual(Array.from(latencyMask(d)!), [1, 0, 1]);
  // b alone over queries 0 and 2: mean 2000; nearest-rank p95 of two values is the larger.
  assert.deepEqual(policyLatency(d, { kind: 'single', models: ['b'], thresholds: [] }), { meanMs: 2000, p95Ms: 3000, n: 2 });
  // The same over a whole envelope's policies at once: a alone over queries 0 and 2, mean 200 and p95 300; a -> b escalating query 0 (1100) but not 2 (300).
  assert.deepEqual(
    policiesLatency(d, [
      { kind: 'single', models: ['a'], thresholds: [] },
      { kind: 'single', models: ['b'], thresholds: [] },
      { kind: 'pair', models: ['a', 'b'], thresholds: [2] },
    ]),
    [
      { meanMs: 200, p95Ms: 300, n: 2 },
      { meanMs: 2000, p95Ms: 3000, n: 2 },
      { meanMs: 700, p95Ms: 1100, n: 2 },
    ],
  );
  const none = makeDataset({ a: { q: [1], s: [1], c: [1] }, b: { q: [1], s: [1], c: [2] } });
  assert.equal(policyLatency(none, { kind: 'single', models: ['a'], thresholds: [] }), undefined);
  assert.throws(() => latencyLimits(none, none.models, 500, 0.9), /latency_ms/);
});

test('a p95 latency limit: no model or threshold whose p95 upper bound breaks it is recommended', () => {
  // a is fast (100 ms) and weak, b slow (500 ms) and always right; escalating a query costs 600 ms.
  const random = seededRandom(9);
  const n = 400;
  const s = Array.from({ length: n }, () => random());
  const d = makeDataset({
    a: { q: s.map((x) => (x > 0.5 ? 1 : 0)), s, c: Array(n).fill(1), l: Array(n).fill(100) },
    b: { q: Array(n).fill(1), s: Array(n).fill(0), c: Array(n).fill(10), l: Array(n).fill(500) },
  });
  const [free] = selectForBudgets(d, [20]);
  assert.deepEqual(free.choice?.policy.models, ['b']);
  // At most 550 ms: b alone (500) fits; with 450 neither b nor more than 5% escalation fits.
  const [limited] = selectForBudgets(d, [20], { maxLatencyP95Ms: 450 });
  const policy = limited.choice!.policy;
  assert.notDeepEqual(policy.models, ['b']);
  if (policy.kind === 'pair') {
    const values = pairLatencies(d, 0, 1, policy.thresholds[0] ?? Infinity).sort((x, y) => x - y);
    // The bound's rank for 400 queries: 380 + 1.2816 * sqrt(19) = 385.6 -> 386.
    assert.ok(values[385] <= 450, `p95 bound ${values[385]} ms`);
  }
  const r = analyze(d, { budget: 20, split: { kind: 'none' }, bootstrapResamples: 0, maxLatencyP95Ms: 450 });
  assert.equal(r.settings.selection?.maxLatencyP95Ms, 450);
  assert.ok(r.recommendation!.inSample!.latency!.p95Ms <= 450);
  assert.ok(r.envelope.every((v) => v.latency !== undefined));
});
