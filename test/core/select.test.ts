import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeDataset } from '../support/dataset.ts';
import type { Dataset, PolicySpec } from '../../src/core/types.ts';
import { normalCdf, normalQuantile } from '../../src/core/select/normal.ts';
import { checkBudget, checkPolicyBudget } from '../../src/core/select/budget.ts';
import { exceedsBudget } from '../../src/core/budgetRule.ts';
import { PairSweep } from '../../src/core/select/sweep.ts';
import { moreQueriesToSettle, selectForBudgets, smoothingHalfWidth } from '../../src/core/select/rule.ts';
import { measurePolicies, measurePolicy, policyOutcome } from '../../src/core/policy.ts';
import { seededRandom } from '../../src/core/stats.ts';

// Standard normal quantiles from statistical tables (15+ digits).
const Z90 = 1.2815515655446004;
const Z80 = 0.8416212335729143;

test('normalQuantile matches tabulated quantiles', () => {
  const table: [number, number][] = [
    [0.5, 0],
    [0.9, Z90],
    [0.975, 1.959963984540054],
    [0.01, -2.3263478740408408],
    [0.999, 3.090232306167813],
    [0.8, Z80],
  ];
  // To 1e-13: a budget bound at the user's level must agree with one computed with the tabulated
  // quantile, also for a budget that lies exactly on the bound.
  for (const [p, z] of table) assert.ok(Math.abs(normalQuantile(p) - z) < 1e-13, `p = ${p}: ${normalQuantile(p)} vs ${z}`);
  assert.throws(() => normalQuantile(1), RangeError);
});

test('normalCdf matches tabulated probabilities, and inverts normalQuantile', () => {
  // Phi(1) and Phi(-2.5) from tables; Phi(0) is 1/2.
  assert.ok(Math.abs(normalCdf(1) - 0.8413447460685429) < 1e-15);
  assert.ok(Math.abs(normalCdf(-2.5) - 0.006209665325776132) < 1e-15);
  assert.equal(normalCdf(0), 0.5);
  for (let p = 0.001; p < 0.9995; p += 0.0137) assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-15, `p = ${p}`);
});

test('a budget that lies exactly on the 90% bound of a policy fits it, as with the tabulated quantile', () => {
  // The case a property run found: a bound within 1e-9 of the budget, read differently by a coarse quantile.
  const cost = Float64Array.from([4.375, 0.875, 3, 0.625, 3.375, 2.75]);
  const exact = upperBound(cost, Z90);
  assert.ok(Math.abs(checkBudget(cost, exact, 0.9).costUpperBound - exact) < 1e-14);
});

test('checkBudget: the 90% upper bound of the mean cost, mean + z s / sqrt(n), must fit', () => {
  // Costs 1, 2, 3, 4: mean 2.5, sample sd sqrt(5/3) = 1.290994, bound 2.5 + 1.281552 * 1.290994 / 2 = 3.327238.
  const c = checkBudget([1, 2, 3, 4], 3.3, 0.9);
  assert.equal(c.meanCost, 2.5);
  assert.ok(Math.abs(c.costUpperBound - 3.327238) < 1e-6);
  assert.equal(c.fits, false);
  assert.equal(checkBudget([1, 2, 3, 4], 3.33, 0.9).fits, true);
  // Constant costs have no spread: the bound is the mean.
  assert.equal(checkBudget([2, 2, 2], 2, 0.9).fits, true);
  assert.throws(() => checkBudget([1, 2], 1, 1.5), RangeError);
});

const arbData = fc
  .record({ k: fc.integer({ min: 2, max: 4 }), n: fc.integer({ min: 6, max: 40 }) })
  .chain(({ k, n }) =>
    fc.array(
      fc.record({
        q: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
        s: fc.array(
          fc.integer({ min: 0, max: 8 }).map((x) => x / 4),
          { minLength: n, maxLength: n },
        ),
        c: fc.array(
          fc.integer({ min: 1, max: 40 }).map((x) => x / 8),
          { minLength: n, maxLength: n },
        ),
      }),
      { minLength: k, maxLength: k },
    ),
  )
  .map((cols): Dataset => makeDataset(Object.fromEntries(cols.map((c, m) => [`m${m}`, c]))));

/** Mean, sample sd and the upper bound at z of an array, written out. */
function upperBound(values: ArrayLike<number>, z: number): number {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return mean + (n > 1 ? (z * Math.sqrt(ss / (n - 1))) / Math.sqrt(n) : 0);
}

test('property: exceedsBudget on measured figures agrees with the bound of the per-query costs', () => {
  fc.assert(
    fc.property(arbData, fc.integer({ min: 0, max: 8 }), fc.double({ min: 0.5, max: 6, noNaN: true }), (d, ti, budget) => {
      const policy: PolicySpec = { kind: 'pair', models: [d.models[0].name, d.models[1].name], thresholds: [ti / 4] };
      const costs = policyOutcome(d, policy).cost;
      const bound = upperBound(costs, Z90);
      for (const m of [measurePolicy(d, policy), measurePolicies(d, [policy])[0]]) {
        assert.ok(Math.abs(m.cost + (Z90 * m.costSd!) / Math.sqrt(m.n) - bound) < 1e-9);
        if (Math.abs(bound - budget) > 1e-9) assert.equal(exceedsBudget(m, budget), bound > budget);
      }
      if (Math.abs(bound - budget) > 1e-9) assert.equal(checkPolicyBudget(d, policy, budget, 0.9).fits, bound <= budget);
    }),
    { numRuns: 150 },
  );
});

/** Every threshold point of a pair on the rows given, by brute force: [threshold, escalated, sum cost, sum cost^2, sum quality]. */
function bruteSweep(d: Dataset, a: number, b: number, rows: number[]) {
  const A = d.models[a];
  const B = d.models[b];
  const values = [...new Set(rows.map((i) => A.confidence[i]))].sort((x, y) => x - y);
  return [...values, Infinity].map((t) => {
    let e = 0;
    let c = 0;
    let c2 = 0;
    let q = 0;
    for (const i of rows) {
      const up = A.confidence[i] < t;
      const cost = A.cost[i] + (up ? B.cost[i] : 0);
      e += up ? 1 : 0;
      c += cost;
      c2 += cost * cost;
      q += up ? B.quality[i] : A.quality[i];
    }
    return { t, e, c, c2, q };
  });
}

/** The smoothed quality of each point: the mean over escalation counts within w of its own, the curve read as a step function of the count. */
function bruteSmooth(points: { e: number; q: number }[], m: number, w: number): number[] {
  const atCount = (k: number) => {
    let p = 0;
    while (p + 1 < points.length && points[p + 1].e <= k) p++;
    return points[p].q;
  };
  return points.map((pt) => {
    let sum = 0;
    let count = 0;
    for (let k = Math.max(0, pt.e - w); k <= Math.min(m, pt.e + w); k++) {
      sum += atCount(k);
      count++;
    }
    return sum / count;
  });
}

/** The rule's threshold point for a budget, by brute force: the longest prefix (last point excluded) whose running-max bound fits, its best smoothed point (first on ties). */
function bruteFit(points: { c: number; c2: number }[], smoothed: number[], m: number, budget: number): number {
  let best = -1;
  let bound = -Infinity;
  for (let p = 0; p < Math.max(1, points.length - 1); p++) {
    const mean = points[p].c / m;
    const sd = m > 1 ? Math.sqrt(Math.max(0, (points[p].c2 - m * mean * mean) / (m - 1))) : 0;
    bound = Math.max(bound, mean + (Z90 * sd) / Math.sqrt(m));
    if (bound > budget) break;
    if (best < 0 || smoothed[p] > smoothed[best]) best = p;
  }
  return best;
}

test('property: PairSweep traces, smooths and fits like brute force on any subset of queries', () => {
  fc.assert(
    fc.property(
      arbData,
      fc.integer({ min: 0, max: 6 }),
      fc.array(fc.double({ min: 0.2, max: 8, noNaN: true }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 0, max: 1000 }),
      (d, w, budgets, maskSeed) => {
        const random = seededRandom(maskSeed);
        const rows: number[] = [];
        for (let i = 0; i < d.n; i++) if (random() < 0.7) rows.push(i);
        if (rows.length === 0) return;
        const A = d.models[0];
        const ordered = Uint32Array.from([...rows].sort((x, y) => A.confidence[x] - A.confidence[y] || x - y));
        const sweep = new PairSweep(d.n);
        sweep.run(A, d.models[1], ordered, ordered.length);
        sweep.smooth(w);
        const expected = bruteSweep(d, 0, 1, rows);
        assert.equal(sweep.points, expected.length);
        expected.forEach((e, p) => {
          assert.equal(sweep.threshold[p], e.t);
          assert.equal(sweep.escalated[p], e.e);
          assert.ok(Math.abs(sweep.sumCost[p] - e.c) < 1e-9 && Math.abs(sweep.sumCostSquared[p] - e.c2) < 1e-9 && Math.abs(sweep.sumQuality[p] - e.q) < 1e-9);
        });
        const smoothed = bruteSmooth(expected, rows.length, w);
        smoothed.forEach((x, p) => assert.ok(Math.abs(sweep.smoothed[p] - x) < 1e-9, `smoothed point ${p}`));
        const sorted = Float64Array.from(budgets).sort();
        const out = new Int32Array(sorted.length);
        sweep.fit(sorted, Z90, Infinity, out);
        sorted.forEach((budget, k) => assert.equal(out[k], bruteFit(expected, smoothed, rows.length, budget), `budget ${budget}`));
      },
    ),
    { numRuns: 200 },
  );
});

test('property: every recommended policy fits its budget with 90% confidence, and a single model is the best one that fits unless escalation is credible', () => {
  fc.assert(
    fc.property(arbData, fc.array(fc.double({ min: 0.05, max: 10, noNaN: true }), { minLength: 1, maxLength: 4 }), (d, budgets) => {
      const picks = selectForBudgets(d, budgets, { resamples: 50 });
      const singles = d.models.map((m) => {
        let q = 0;
        let c = 0;
        for (let i = 0; i < d.n; i++) {
          q += m.quality[i] / d.n;
          c += m.cost[i] / d.n;
        }
        return { name: m.name, q, c, bound: upperBound(m.cost, Z90) };
      });
      picks.forEach((pick, k) => {
        const budget = budgets[k];
        const cheapest = Math.min(...singles.map((s) => s.c));
        assert.equal(pick.feasible, budget >= cheapest);
        if (!pick.feasible) return;
        // A budget within rounding of a model's bound (1e-9 relative) fits it or not depending on the
        // order of the sums: which single model is chosen there is no property of the rule.
        if (singles.some((s) => Math.abs(s.bound - budget) <= 1e-9 * budget)) {
          assert.ok(upperBound(policyOutcome(d, pick.choice!.policy).cost, Z90) <= budget * (1 + 1e-9));
          return;
        }
        const fitting = singles.filter((s) => s.bound <= budget);
        const best = fitting.reduce<(typeof singles)[number] | undefined>((x, s) => (!x || s.q > x.q || (s.q === x.q && s.c < x.c) ? s : x), undefined);
        if (!best) {
          assert.equal(pick.fallback, true);
          assert.equal(pick.choice!.policy.kind, 'single');
          return;
        }
        const bound = upperBound(policyOutcome(d, pick.choice!.policy).cost, Z90);
        assert.ok(bound <= budget + 1e-12, `bound ${bound} over budget ${budget}`);
        // Models tied on quality and cost (to rounding: sums in another order) are equally best.
        const near = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x));
        const tied = fitting.filter((s) => near(s.q, best.q) && near(s.c, best.c)).map((s) => s.name);
        assert.ok(tied.includes(pick.single!.model), `${pick.single!.model} is not among ${tied.join(', ')}`);
        assert.equal(pick.verdict!.versus, pick.single!.model);
        if (pick.verdict!.answer === 'yes') {
          assert.equal(pick.choice!.policy.kind, 'pair');
          assert.ok(pick.verdict!.interval![0] > 0);
        } else assert.deepEqual(pick.choice!.policy, { kind: 'single', models: [pick.single!.model], thresholds: [] });
      });
    }),
    { numRuns: 120 },
  );
});

/** n queries where a cheap model is right exactly when confident and an expensive model is always right. */
function informative(n: number): Dataset {
  const random = seededRandom(5);
  const s: number[] = [];
  const qa: number[] = [];
  for (let i = 0; i < n; i++) {
    const conf = random();
    s.push(conf);
    qa.push(conf > 0.5 ? (random() < 0.95 ? 1 : 0) : random() < 0.3 ? 1 : 0);
  }
  return makeDataset({
    a: { q: qa, s, c: s.map((_, i) => 1 + (i % 3) * 0.1) },
    b: { q: s.map(() => 1), s: s.map(() => 0), c: s.map((_, i) => 10 + (i % 5)) },
  });
}

test('a cheap model that is right when confident: escalating its unsure half is a credible gain (Yes)', () => {
  const d = informative(400);
  const [pick] = selectForBudgets(d, [7]);
  assert.equal(pick.verdict?.answer, 'yes');
  assert.equal(pick.verdict?.reason, 'gain-credible');
  assert.equal(pick.choice?.policy.kind, 'pair');
  assert.deepEqual(pick.choice?.policy.models, ['a', 'b']);
  assert.ok(pick.verdict!.interval![0] > 0.05, `lower bound ${pick.verdict!.interval![0]}`);
  assert.ok(pick.budgetCheck!.fits && pick.budgetCheck!.costUpperBound <= 7);
});

test('two coin flips: escalating rarely looks credible (about the 10% the one-sided 90% bound allows) and never by much', () => {
  let yes = 0;
  const runs = 100;
  for (let seed = 1; seed <= runs; seed++) {
    const random = seededRandom(seed);
    const n = 300;
    const flip = () => Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
    const d = makeDataset({
      a: { q: flip(), s: Array.from({ length: n }, () => random()), c: Array(n).fill(1) },
      b: { q: flip(), s: Array(n).fill(0), c: Array(n).fill(10) },
    });
    const [pick] = selectForBudgets(d, [6], { resamples: 200 });
    if (pick.verdict?.answer === 'yes') yes++;
    else assert.deepEqual(pick.choice?.policy.models, ['a']);
  }
  // Binomial(100, 0.1) exceeds 20 with probability below 0.1%.
  assert.ok(yes <= 20, `${yes} of ${runs} coin-flip pairs judged worth escalating`);
});

test('the verdict gain is the mean out-of-fold gain of repeated K-fold cross-validation (independent re-implementation)', () => {
  const d = informative(60);
  const budget = 6;
  const K = 5;
  const R = 4;
  const seed = 3;
  const [pick] = selectForBudgets(d, [budget], { seed, folds: K, repeats: R, resamples: 0 });
  const n = d.n;
  const [A, B] = d.models;
  // Calibration order: a is the cheaper model; the single that fits $6 with 90% confidence is a.
  const oof = new Float64Array(n);
  const random = seededRandom(seed);
  for (let r = 0; r < R; r++) {
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const fold = new Array<number>(n);
    perm.forEach((i, x) => (fold[i] = x % K));
    for (let f = 0; f < K; f++) {
      const train = Array.from({ length: n }, (_, i) => i).filter((i) => fold[i] !== f);
      const points = bruteSweep(d, 0, 1, train);
      const smoothed = bruteSmooth(points, train.length, smoothingHalfWidth(train.length, 0.1));
      const p = bruteFit(points, smoothed, train.length, budget);
      const t = p < 0 ? -Infinity : points[p].t;
      for (let i = 0; i < n; i++) if (fold[i] === f) oof[i] += (A.confidence[i] < t ? B.quality[i] : A.quality[i]) / R;
    }
  }
  let gain = 0;
  for (let i = 0; i < n; i++) gain += (oof[i] - A.quality[i]) / n;
  assert.equal(pick.verdict?.versus, 'a');
  assert.ok(Math.abs(pick.verdict!.gain! - gain) < 1e-12, `${pick.verdict!.gain} vs ${gain}`);
});

test('moreQueriesToSettle: ((z + z_0.8) sd / gain)^2 minus the queries already there', () => {
  // ((1.281552 + 0.841621) * 0.2 / 0.01)^2 = 42.46346^2 = 1803.15 -> 1804 in all, 1504 more than 300.
  assert.equal(moreQueriesToSettle(0.01, 0.2, 300, Z90), 1504);
  assert.equal(moreQueriesToSettle(-0.01, 0.2, 300, Z90), 1504);
  assert.equal(moreQueriesToSettle(0, 0.2, 300, Z90), null);
  assert.equal(moreQueriesToSettle(0.5, 0.2, 300, Z90), 0);
});

test('smoothingHalfWidth: 10% of the queries at 300, shrinking as n^-1/5', () => {
  assert.equal(smoothingHalfWidth(300, 0.1), 30);
  // 0.1 * 30000 * 100^-0.2 = 3000 / 2.511886 = 1194.3
  assert.equal(smoothingHalfWidth(30000, 0.1), 1194);
  assert.equal(smoothingHalfWidth(5, 0.1), 1);
  assert.equal(smoothingHalfWidth(300, 0), 0);
});
