import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeDataset } from '../support/dataset.ts';
import { pairCascadeCurve } from '../../src/core/pairCurve.ts';
import { pairwiseFrontier, envelopeQualityAt, localPairShadowPrice } from '../../src/core/envelope.ts';
import { confidenceOrder } from '../../src/core/pairCurve.ts';
import { measurePolicy } from '../../src/core/policy.ts';
import { analyze } from '../../src/core/analyze.ts';
import { upperConcaveHullIndices, hullSlopesAt } from '../../src/core/pareto.ts';
import { tiedDatasets } from '../support/arbitraries.ts';

// A hand-computed case. A is cheap ($1), B expensive ($10).
//   s_A = [0.9, 0.5, 0.5, 0.1], q_A = [1, 0, 1, 0], q_B = [1, 1, 0, 1]
// t = 0.1: nobody escalates: C = 1, Q = 0.5
// t = 0.5: query 3 escalates: C = 1 + 10/4 = 3.5, Q = 0.5 + 1/4 = 0.75
// t = 0.9: queries 1, 2, 3 escalate: C = 1 + 30/4 = 8.5, Q = 0.5 + (1 + 1 - 1)/4 = 0.75
// t = inf: all escalate: C = 11, Q = 0.75
const small = makeDataset({
  A: { q: [1, 0, 1, 0], s: [0.9, 0.5, 0.5, 0.1], c: [1, 1, 1, 1] },
  B: { q: [1, 1, 0, 1], s: [0, 0, 0, 0], c: [10, 10, 10, 10] },
});

test('pairCascadeCurve traces every distinct threshold of the cheap model, ties together', () => {
  const [a, b] = small.models;
  const curve = pairCascadeCurve(a, b);
  assert.deepEqual(Array.from(curve.thresholds), [0.1, 0.5, 0.9, Infinity]);
  assert.deepEqual(Array.from(curve.cost), [1, 3.5, 8.5, 11]);
  assert.deepEqual(Array.from(curve.quality), [0.5, 0.75, 0.75, 0.75]);
  assert.deepEqual(Array.from(curve.escalationRate), [0, 0.25, 0.75, 1]);
});

// Confidences of A are 0.1, 0.5, 0.5, 0.9: the policy escalating the 0.1 query is stated with
// the shortest decimal strictly between 0.1 and 0.5, 0.3, which selects the same queries as 0.5.
test('pairwiseFrontier keeps single A and A -> B at 0.3 (the same queries as 0.5); B alone is dominated', () => {
  const f = pairwiseFrontier(small);
  assert.deepEqual(
    f.envelope.map((v) => [v.cost, v.quality, v.policy.models.join('>'), v.policy.thresholds]),
    [
      [1, 0.5, 'A', []],
      [3.5, 0.75, 'A>B', [0.3]],
    ],
  );
  assert.equal(f.envelope[1].escalationRate, 0.25);
  // One hull segment of slope 0.25 / 2.5 = 0.1 quality per dollar per query.
  assert.deepEqual(f.envelope[0].shadowPrice, { lambdaLeft: null, lambdaRight: 0.1, muLeft: null, muRight: 10 });
  assert.deepEqual(f.envelope[1].shadowPrice, { lambdaLeft: 0.1, lambdaRight: 0, muLeft: 10, muRight: null });
  assert.deepEqual(
    f.switchingPoints.map((s) => [s.budget, s.from.models, s.to.models]),
    [[3.5, ['A'], ['A', 'B']]],
  );
});

test('analyze: the in-sample rule picks the best vertex within the budget; the noise-aware rule keeps A when no cascade fits with 90% confidence', () => {
  const r = analyze(small, { budget: 4, split: { kind: 'none' }, bootstrapResamples: 0 });
  // In-sample: A -> B escalating one query costs 3.5 <= 4 and reaches 0.75.
  assert.equal(r.recommendation?.inSampleChoice?.policy.models.join('>'), 'A>B');
  assert.deepEqual(r.recommendation?.inSampleChoice?.policy.thresholds, [0.3]);
  // Its per-query costs are 1, 1, 1, 11: mean 3.5, sample sd 5, so the 90% upper bound of the
  // mean is 3.5 + 1.2816 * 5 / 2 = 6.70 > 4. A's costs are all 1 (bound 1): A alone is kept.
  assert.equal(r.recommendation?.rule, 'noise-aware');
  assert.deepEqual(r.recommendation?.choice?.policy, { kind: 'single', models: ['A'], thresholds: [] });
  assert.equal(r.recommendation?.bestSingle?.model, 'A');
  assert.equal(r.recommendation?.gainOverBestSingle, 0);
  assert.equal(r.recommendation?.escalationWorthIt, false);
  assert.equal(r.recommendation?.verdict?.answer, 'no');
  assert.equal(r.recommendation?.verdict?.reason, 'no-cascade-fits');
  assert.equal(r.recommendation?.budgetCheck?.costUpperBound, 1);
  // With a budget of 7 the pair's bound (6.70) fits; with 4 queries its gain cannot be credible.
  const seven = analyze(small, { budget: 7, split: { kind: 'none' }, bootstrapResamples: 0 });
  assert.notEqual(seven.recommendation?.verdict?.reason, 'no-cascade-fits');
  assert.notEqual(seven.recommendation?.verdict?.answer, 'yes');
  const poor = analyze(small, { budget: 3, split: { kind: 'none' }, bootstrapResamples: 0 });
  assert.equal(poor.recommendation?.choice?.policy.kind, 'single');
  const none = analyze(small, { budget: 0.5, split: { kind: 'none' }, bootstrapResamples: 0 });
  assert.equal(none.recommendation?.feasible, false);
  assert.match(none.recommendation?.reason ?? '', /below the cheapest model \(A at \$1\/query\)/);
  const target = analyze(small, { target: 0.7, split: { kind: 'none' }, bootstrapResamples: 0 });
  assert.equal(target.recommendation?.choice?.cost, 3.5);
});

test('evaluateCascade finds the gap to the envelope and the dominating policy', () => {
  const r = analyze(small, { cascade: { kind: 'pair', models: ['A', 'B'], thresholds: [0.9] }, budget: 9, split: { kind: 'none' }, bootstrapResamples: 0 });
  const c = r.cascade!;
  assert.equal(c.inSample.cost, 8.5);
  assert.equal(c.inSample.quality, 0.75);
  assert.equal(c.gapToEnvelope, 0);
  assert.deepEqual(c.dominatedBy?.policy.thresholds, [0.3]);
  assert.deepEqual(c.bestThresholdSamePair?.policy.thresholds, [0.3]);
});

test('upper concave hull and its slopes', () => {
  const cost = [0, 1, 2, 3];
  const quality = [0, 0.1, 0.9, 1];
  assert.deepEqual(upperConcaveHullIndices(cost, quality), [0, 2, 3]);
  assert.deepEqual(hullSlopesAt([0, 2, 3], [0, 0.9, 1], 1), { left: 0.45, right: 0.45 });
  const at2 = hullSlopesAt([0, 2, 3], [0, 0.9, 1], 2);
  assert.equal(at2.left, 0.45);
  assert.ok(Math.abs(at2.right! - 0.1) < 1e-12);
  assert.deepEqual(hullSlopesAt([0, 2, 3], [0, 0.9, 1], 5), { left: 0, right: 0 });
  assert.deepEqual(hullSlopesAt([0, 2, 3], [0, 0.9, 1], -1), { left: null, right: null });
});

test('localPairShadowPrice is the mean gain over the mean extra cost in the window', () => {
  const [a, b] = small.models;
  // Window of 2 around t = 0.5: the query just below (s = 0.1, gain 1) and one at 0.5 (gain 1 or -1).
  const l = localPairShadowPrice(a, b, confidenceOrder(a), 0.5, 2);
  assert.equal(l.windowQueries, 2);
  assert.equal(l.confidenceFrom, 0.1);
  assert.equal(l.confidenceTo, 0.5);
  // order ascending: q3 (0.1), q1 (0.5), q2 (0.5), q0 (0.9); window = q3, q1: gains 1 + 1 over cost 20.
  assert.equal(l.lambda, 0.1);
});

// Random datasets: 2-4 models, 1-40 queries, confidences drawn from few values so ties happen.
const arbDataset = tiedDatasets(40);

/** Brute force: every threshold of every ordered pair (in the frontier's cost order), evaluated directly. */
function bruteForcePoints(ds: ReturnType<typeof makeDataset>, order: string[]) {
  const pts: { cost: number; quality: number }[] = [];
  const by = new Map(ds.models.map((m) => [m.name, m]));
  for (const name of order) {
    const m = by.get(name)!;
    pts.push({ cost: m.cost.reduce((x, y) => x + y, 0) / ds.n, quality: m.quality.reduce((x, y) => x + y, 0) / ds.n });
  }
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const a = by.get(order[i])!;
      const b = by.get(order[j])!;
      const ts = [...new Set(a.confidence), Infinity];
      for (const t of ts) {
        let c = 0;
        let q = 0;
        for (let x = 0; x < ds.n; x++) {
          const esc = a.confidence[x] < t;
          c += a.cost[x] + (esc ? b.cost[x] : 0);
          q += esc ? b.quality[x] : a.quality[x];
        }
        pts.push({ cost: c / ds.n, quality: q / ds.n });
      }
    }
  }
  return pts;
}

const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9;

test('property: the sweep equals brute-force enumeration of thresholds', () => {
  fc.assert(
    fc.property(arbDataset, (ds) => {
      const [a, b] = ds.models;
      const curve = pairCascadeCurve(a, b);
      const ts = [...new Set(a.confidence)].sort((x, y) => x - y);
      ts.push(Infinity);
      assert.deepEqual(Array.from(curve.thresholds), ts);
      ts.forEach((t, p) => {
        const m = measurePolicy(ds, { kind: 'pair', models: [a.name, b.name], thresholds: [Number.isFinite(t) ? t : null] });
        let c = 0;
        let q = 0;
        let e = 0;
        for (let x = 0; x < ds.n; x++) {
          const esc = a.confidence[x] < t;
          c += a.cost[x] + (esc ? b.cost[x] : 0);
          q += esc ? b.quality[x] : a.quality[x];
          e += esc ? 1 : 0;
        }
        assert.ok(close(curve.cost[p], c / ds.n) && close(curve.quality[p], q / ds.n) && close(curve.escalationRate[p], e / ds.n));
        assert.ok(close(m.cost, c / ds.n) && close(m.quality, q / ds.n));
      });
    }),
    { numRuns: 200 },
  );
});

test('property: the envelope dominates every single and pair point, F is non-decreasing, vertices re-evaluate exactly', () => {
  fc.assert(
    fc.property(arbDataset, (ds) => {
      const f = pairwiseFrontier(ds);
      const pts = bruteForcePoints(
        ds,
        f.singles.map((s) => s.name),
      );
      for (const p of pts) {
        const F = envelopeQualityAt(f.envelope, p.cost + 1e-12);
        assert.ok(F !== null && F >= p.quality - 1e-9, `point ${p.cost},${p.quality} above the envelope ${F}`);
      }
      // Every vertex is itself one of the brute-force points (realised by one policy).
      for (let v = 0; v < f.envelope.length; v++) {
        const e = f.envelope[v];
        if (v > 0) {
          assert.ok(e.cost > f.envelope[v - 1].cost && e.quality > f.envelope[v - 1].quality);
        }
        const m = measurePolicy(ds, e.policy);
        assert.ok(close(m.cost, e.cost) && close(m.quality, e.quality) && close(m.escalationRate, e.escalationRate));
        assert.ok(pts.some((p) => close(p.cost, e.cost) && close(p.quality, e.quality)));
        for (const sp of [
          [e.shadowPrice.lambdaLeft, e.shadowPrice.muLeft],
          [e.shadowPrice.lambdaRight, e.shadowPrice.muRight],
        ] as const) {
          if (sp[0] !== null && sp[0] > 0) assert.ok(close(sp[0] * sp[1]!, 1));
        }
      }
      // F is non-decreasing in the budget.
      let prev = -Infinity;
      for (let b = 0; b <= 10; b += 0.125) {
        const F = envelopeQualityAt(f.envelope, b) ?? -Infinity;
        assert.ok(F >= prev);
        prev = F;
      }
      // No envelope vertex is dominated by any point.
      for (const e of f.envelope) {
        for (const p of pts) assert.ok(!(p.cost <= e.cost - 1e-12 && p.quality >= e.quality + 1e-12) && !(p.cost <= e.cost + 1e-12 && p.quality > e.quality + 1e-9));
      }
    }),
    { numRuns: 200 },
  );
});

test('property: hull slopes are non-increasing and lie above every vertex', () => {
  fc.assert(
    fc.property(arbDataset, (ds) => {
      const f = pairwiseFrontier(ds);
      for (let h = 1; h < f.hull.length - 1; h++) {
        const s1 = (f.hull[h].quality - f.hull[h - 1].quality) / (f.hull[h].cost - f.hull[h - 1].cost);
        const s2 = (f.hull[h + 1].quality - f.hull[h].quality) / (f.hull[h + 1].cost - f.hull[h].cost);
        assert.ok(s2 < s1 + 1e-12);
      }
      for (const e of f.envelope) {
        // Hull value at e.cost by linear interpolation.
        const i = f.hull.findIndex((_, j) => j === f.hull.length - 1 || f.hull[j + 1].cost >= e.cost);
        const a = f.hull[i];
        const b = f.hull[Math.min(i + 1, f.hull.length - 1)];
        const y = b.cost === a.cost ? a.quality : a.quality + ((e.cost - a.cost) * (b.quality - a.quality)) / (b.cost - a.cost);
        assert.ok(y >= e.quality - 1e-9);
      }
    }),
    { numRuns: 100 },
  );
});

test('property: sortIndicesByValue orders like a stable comparison sort, negatives, zeros and infinities included', async () => {
  const { sortIndicesByValue } = await import('../../src/core/sortIndices.ts');
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 1, -1, 0.5)), { minLength: 0, maxLength: 1200 }), (xs) => {
      const v = Float64Array.from(xs);
      const expected = Array.from(v.keys()).sort((a, b) => (v[a] < v[b] ? -1 : v[a] > v[b] ? 1 : a - b));
      assert.deepEqual(Array.from(sortIndicesByValue(v)), expected);
    }),
    { numRuns: 200 },
  );
});

test('cheapInOrder lays a model out in its confidence order; pairParetoCurve given it is the same curve', async () => {
  const { cheapInOrder, pairParetoCurve } = await import('../../src/core/pairCurve.ts');
  const ds = makeDataset({ a: { q: [1, 0, 1, 0], s: [0.7, 0.1, 0.4, 0.1], c: [1, 1, 1, 1] }, b: { q: [1, 1, 0, 1], s: [0, 0, 0, 0], c: [4, 4, 4, 4] } });
  const [a, b] = ds.models;
  const order = confidenceOrder(a);
  const sorted = cheapInOrder(a, order);
  // Ascending confidence, ties in query order: queries 1, 3, 2, 0.
  assert.deepEqual(Array.from(sorted.confidence), [0.1, 0.1, 0.4, 0.7]);
  assert.deepEqual(Array.from(sorted.quality), [0, 0, 1, 1]);
  assert.deepEqual(pairParetoCurve(a, b, order, sorted), pairParetoCurve(a, b));
});

test('property: pairParetoCurve is the Pareto subset of the full curve, with the cheap model alone first', async () => {
  const { pairParetoCurve } = await import('../../src/core/pairCurve.ts');
  fc.assert(
    fc.property(arbDataset, (ds) => {
      const [a, b] = ds.models;
      const full = pairCascadeCurve(a, b);
      const thin = pairParetoCurve(a, b);
      const expected = [0];
      for (let p = 1; p < full.cost.length; p++) {
        const dominated = Array.from(full.cost.keys()).some(
          (o) => o !== p && full.cost[o] <= full.cost[p] && full.quality[o] >= full.quality[p] && (full.cost[o] < full.cost[p] || full.quality[o] > full.quality[p] || o < p),
        );
        if (!dominated) expected.push(p);
      }
      assert.deepEqual(
        Array.from(thin.thresholds),
        expected.map((p) => full.thresholds[p]),
      );
      assert.deepEqual(
        Array.from(thin.quality),
        expected.map((p) => full.quality[p]),
      );
    }),
    { numRuns: 200 },
  );
});

test('bootstrapMeanIntervals: seeded, repeatable, and close to the normal interval of a proportion', async () => {
  const { bootstrapMeanIntervals } = await import('../../src/core/stats.ts');
  // 400 values, 120 ones: p = 0.3; normal 95% interval 0.3 +- 1.96 * sqrt(0.3 * 0.7 / 400) = [0.2551, 0.3449].
  const col = Float64Array.from({ length: 400 }, (_, i) => (i % 10 < 3 ? 1 : 0));
  const [iv] = bootstrapMeanIntervals([col], 2000, 7, 0.95);
  assert.ok(Math.abs(iv[0] - 0.2551) < 0.012 && Math.abs(iv[1] - 0.3449) < 0.012, `interval ${iv}`);
  assert.deepEqual(bootstrapMeanIntervals([col], 2000, 7, 0.95), [iv]);
  assert.notDeepEqual(bootstrapMeanIntervals([col], 2000, 8, 0.95), [iv]);
  // A constant column has a zero-width interval.
  assert.deepEqual(bootstrapMeanIntervals([new Float64Array(50).fill(0.25)], 100, 1, 0.9), [[0.25, 0.25]]);
});

test('evenlySpaced keeps the first and the last and at most max items', async () => {
  const { evenlySpaced } = await import('../../src/core/analyze.ts');
  assert.deepEqual(evenlySpaced([1, 2, 3], 5), [1, 2, 3]);
  assert.deepEqual(evenlySpaced([0, 1, 2, 3, 4, 5, 6, 7, 8], 3), [0, 4, 8]);
  assert.equal(
    evenlySpaced(
      Array.from({ length: 10000 }, (_, i) => i),
      500,
    ).length,
    500,
  );
});
