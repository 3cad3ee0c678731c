import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset, ModelColumns } from '../../src/core/types.ts';
import { chainOutcomes, chainStops, chainSummary } from '../../src/core/chain/evaluate.ts';
import { chainProblem, chainSearchCounts, configureChainSearch, optimizeChainThresholds } from '../../src/core/chain/optimize.ts';
import { chainFrontier, lambdaGrid } from '../../src/core/chain/frontier.ts';
import { chainMarginalRatios, policyBoundaryRatios } from '../../src/core/chain/marginal.ts';
import { bestSubsequenceFrontier, fullChainFrontier, orderedSubsets, reachingPareto } from '../../src/core/chain/subsequence.ts';
import { pairCascadeCurve } from '../../src/core/pairCurve.ts';
import { pairwiseFrontier } from '../../src/core/envelope.ts';
import { makeDataset } from '../support/dataset.ts';

// ---- independent reference computations (plain loops, nothing from src/core/chain) ----

/** Mean cost and quality of a chain, walking every query through the stages. */
function refChain(stages: readonly ModelColumns[], t: readonly number[]): { cost: number; quality: number } {
  const n = stages[0].quality.length;
  let cost = 0;
  let quality = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < stages.length; j++) {
      cost += stages[j].cost[i];
      if (j === stages.length - 1 || stages[j].confidence[i] >= t[j]) {
        quality += stages[j].quality[i];
        break;
      }
    }
  }
  return { cost: cost / n, quality: quality / n };
}

/** Every threshold vector over the distinct confidences of each stage plus +infinity. */
function allThresholds(stages: readonly ModelColumns[]): number[][] {
  let out: number[][] = [[]];
  for (let j = 0; j < stages.length - 1; j++) {
    const values = [...new Set(stages[j].confidence), Infinity];
    out = out.flatMap((prefix) => values.map((v) => [...prefix, v]));
  }
  return out;
}

/** Best mean(q - lambda c) of a chain over every threshold vector. */
function bruteBest(stages: readonly ModelColumns[], lambda: number): number {
  let best = -Infinity;
  for (const t of allThresholds(stages)) {
    const r = refChain(stages, t);
    best = Math.max(best, r.quality - lambda * r.cost);
  }
  return best;
}

/** Small deterministic generator (LCG), independent of the code under test. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

/** A pool of `k` models on `n` queries with coarse confidences (many ties), rising quality and cost. */
function randomPool(seed: number, k: number, n: number): Dataset {
  const r = lcg(seed);
  const models: Record<string, { q: number[]; s: number[]; c: number[] }> = {};
  for (let m = 0; m < k; m++) {
    const s = Array.from({ length: n }, () => Math.round(r() * 6) / 6);
    const q = s.map((v) => (r() < (0.25 + 0.12 * m) * (0.6 + v) ? 1 : 0));
    const c = s.map(() => 2 ** m * (0.5 + r()));
    models[`m${m}`] = { q, s, c };
  }
  return makeDataset(models);
}

// ---- evaluation ----

test('chainOutcomes: a hand-computed three-stage chain', () => {
  const ds = makeDataset({
    a: { q: [1, 0, 0, 1], s: [0.9, 0.2, 0.5, 0.1], c: [1, 1, 1, 1] },
    b: { q: [0, 1, 0, 1], s: [0.1, 0.8, 0.3, 0.9], c: [10, 10, 10, 10] },
    c: { q: [1, 1, 1, 0], s: [0, 0, 0, 0], c: [100, 100, 100, 100] },
  });
  const [a, b, c] = ds.models;
  // t = [0.5, 0.8]: q0 stops at a; q1 at b (0.8 >= 0.8); q2 at a (0.5 >= 0.5); q3 at b.
  const out = chainOutcomes([a, b, c], [0.5, 0.8]);
  assert.deepEqual([...out.stop], [0, 1, 0, 1]);
  assert.deepEqual([...out.cost], [1, 11, 1, 11]);
  assert.deepEqual([...out.quality], [1, 1, 0, 1]);
  assert.deepEqual([...out.structuralCost], [0, 1, 0, 1]);
  const sum = chainSummary([a, b, c], [0.5, 0.8]);
  assert.equal(sum.cost, 6);
  assert.equal(sum.quality, 0.75);
  assert.equal(sum.escalationRate, 0.5);
  assert.deepEqual(sum.answeredShare, [0.5, 0.5, 0]);
  // +infinity everywhere: every query pays all three stages and c answers.
  const all = chainSummary([a, b, c], [Infinity, Infinity]);
  assert.equal(all.cost, 111);
  assert.equal(all.quality, 0.75);
  assert.deepEqual(all.answeredShare, [0, 0, 1]);
});

test('chainStops: the answering stage of every query, as a plain walk through the stages finds it (missing confidences, infinite thresholds)', () => {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 40; round++) {
    const L = 1 + (round % 6);
    const n = 1 + Math.floor(random() * 60);
    const spec: Record<string, { q: number[]; s: number[]; c: number[] }> = {};
    for (let j = 0; j < L; j++) {
      const s = Array.from({ length: n }, () => (random() < 0.1 ? NaN : Math.floor(random() * 8) / 4));
      spec[`m${j}`] = { q: s.map(() => (random() < 0.5 ? 1 : 0)), s, c: s.map(() => 1 + j) };
    }
    const stages = makeDataset(spec).models;
    const t = Array.from({ length: L - 1 }, () => {
      const r = random();
      return r < 0.1 ? Infinity : r < 0.2 ? -Infinity : Math.floor(random() * 8) / 4;
    });
    const want: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < L; j++) {
        if (j === L - 1 || stages[j].confidence[i] >= t[j]) {
          want.push(j);
          break;
        }
      }
    }
    assert.deepEqual([...chainStops(stages, t)], want, `round ${round}`);
  }
  const one = makeDataset({ a: { q: [1], s: [0], c: [1] } }).models[0];
  assert.throws(() => chainStops(new Array(257).fill(one), new Array(256).fill(0)), RangeError);
});

test('chainOutcomes: a chain of two stages equals the pair cascade at every threshold', () => {
  for (const seed of [1, 2, 3]) {
    const ds = randomPool(seed, 2, 40);
    const [a, b] = ds.models;
    const curve = pairCascadeCurve(a, b);
    for (const t of [...new Set(a.confidence), Infinity, -Infinity]) {
      // SPEC: C(t) = mean[c_a + 1{s_a < t} c_b], Q(t) = mean[q_a + 1{s_a < t}(q_b - q_a)].
      let C = 0;
      let Q = 0;
      for (let i = 0; i < ds.n; i++) {
        const esc = a.confidence[i] < t ? 1 : 0;
        C += a.cost[i] + esc * b.cost[i];
        Q += a.quality[i] + esc * (b.quality[i] - a.quality[i]);
      }
      const got = chainSummary([a, b], [t]);
      assert.ok(Math.abs(got.cost - C / ds.n) < 1e-12);
      assert.ok(Math.abs(got.quality - Q / ds.n) < 1e-12);
      const j = curve.thresholds.indexOf(t);
      if (j >= 0) {
        assert.ok(Math.abs(curve.cost[j] - got.cost) < 1e-12);
        assert.ok(Math.abs(curve.quality[j] - got.quality) < 1e-12);
      }
    }
  }
});

// ---- optimisation ----

test('optimizeChainThresholds: two stages reach the best threshold of the pair curve', () => {
  for (const seed of [4, 5, 6]) {
    const ds = randomPool(seed, 2, 50);
    const stages = ds.models;
    const problem = chainProblem(stages);
    for (const lambda of [0, 0.01, 0.05, 0.1, 0.3, 1, 10]) {
      const got = optimizeChainThresholds(problem, lambda);
      assert.ok(Math.abs(got.objective - bruteBest(stages, lambda)) < 1e-12, `seed ${seed} lambda ${lambda}`);
      // The reported threshold is a real operating point of the pair with those figures.
      const r = refChain(stages, [got.thresholds[0]]);
      assert.ok(Math.abs(r.cost - got.cost) < 1e-12 && Math.abs(r.quality - got.quality) < 1e-12);
    }
  }
});

test('chainFrontier: a two-stage chain traces points of the pair curve', () => {
  const ds = randomPool(8, 2, 60);
  const [a, b] = ds.models;
  const curve = pairCascadeCurve(a, b);
  const points = chainFrontier(chainProblem([a, b]), lambdaGrid(ds.models, 20));
  assert.ok(points.length >= 2);
  for (const p of points) {
    const j = curve.thresholds.indexOf(p.thresholds[0]);
    assert.ok(j >= 0, `threshold ${p.thresholds[0]} is one of the pair's`);
    assert.ok(Math.abs(curve.cost[j] - p.cost) < 1e-12 && Math.abs(curve.quality[j] - p.quality) < 1e-12);
  }
});

test('optimizeChainThresholds: three stages are solved exactly (brute force over all thresholds)', () => {
  for (let seed = 10; seed < 40; seed++) {
    const ds = randomPool(seed, 3, 12);
    const problem = chainProblem(ds.models);
    for (const lambda of [0, 0.005, 0.02, 0.05, 0.1, 0.3, 1]) {
      const got = optimizeChainThresholds(problem, lambda);
      const want = bruteBest(ds.models, lambda);
      assert.ok(Math.abs(got.objective - want) < 1e-12, `seed ${seed} lambda ${lambda}: ${got.objective} vs ${want}`);
      const r = refChain(ds.models, Array.from(got.thresholds));
      assert.ok(Math.abs(r.quality - lambda * r.cost - want) < 1e-12);
    }
  }
});

test('optimizeChainThresholds: the block search that stops once no later split can win still finds the exact optimum (finer confidences, more queries)', () => {
  // Sixty queries with finely spread confidences: the scan of each block ends early on most shadow prices.
  for (let seed = 50; seed < 62; seed++) {
    const r = lcg(seed);
    const models: Record<string, { q: number[]; s: number[]; c: number[] }> = {};
    for (let m = 0; m < 3; m++) {
      const s = Array.from({ length: 60 }, () => Math.round(r() * 40) / 40);
      models[`m${m}`] = { s, q: s.map((v) => (r() < (0.3 + 0.2 * m) * (0.5 + v) ? 1 : 0)), c: s.map(() => 3 ** m * (0.5 + r())) };
    }
    const ds = makeDataset(models);
    const problem = chainProblem(ds.models);
    for (const lambda of [0, 0.01, 0.05, 0.2, 0.6, 2]) {
      const got = optimizeChainThresholds(problem, lambda);
      const want = bruteBest(ds.models, lambda);
      assert.ok(Math.abs(got.objective - want) < 1e-12, `seed ${seed} lambda ${lambda}: ${got.objective} vs ${want}`);
    }
  }
});

test('chainFrontier: four stages (a local search) never beat brute force and rarely fall short of it', () => {
  let gap = 0;
  let short = 0;
  let cases = 0;
  for (let seed = 50; seed < 70; seed++) {
    const ds = randomPool(seed, 4, 10);
    const grid = lambdaGrid(ds.models, 8);
    const points = chainFrontier(chainProblem(ds.models), grid);
    for (const lambda of grid) {
      const got = Math.max(...points.map((p) => p.quality - lambda * p.cost));
      const want = bruteBest(ds.models, lambda);
      assert.ok(got <= want + 1e-12);
      gap += want - got;
      if (want - got > 1e-12) short++;
      cases++;
    }
  }
  // Tiny pools with many ties are the hard case for coordinate ascent: allow a few local optima.
  assert.ok(short / cases < 0.03, `${short} of ${cases} shadow prices short of the optimum`);
  assert.ok(gap / cases < 5e-4, `mean shortfall ${gap / cases}`);
});

/**
 * The best (t_j, t_{j+1}) of one block by brute force over every candidate pair, with the
 * search's tie rules: candidates in the order the search meets them (answer everything
 * reaching stage j there first, then pass on the lowest stage-j confidences), the first
 * strictly best one kept; for each t_j, the lowest t_{j+1} among the best finite ones, and
 * +infinity only when it is strictly better. Exact on data whose sums are exact (dyadic).
 */
function bruteBlock(stages: readonly ModelColumns[], t: readonly number[], j: number, lambda: number): [number, number] {
  const n = stages[0].quality.length;
  const reaches = (i: number) => t.slice(0, j).every((x, k) => !(stages[k].confidence[i] >= x));
  const reaching = Array.from({ length: n }, (_, i) => i).filter(reaches);
  if (reaching.length === 0) return [t[j], t[j + 1]];
  const value = (a: number, b: number) => {
    const u = [...t];
    u[j] = a;
    u[j + 1] = b;
    let v = 0;
    for (const i of reaching) {
      for (let k = j; k < stages.length; k++) {
        v -= k > j ? lambda * stages[k].cost[i] : 0;
        if (k === stages.length - 1 || stages[k].confidence[i] >= u[k]) {
          v += stages[k].quality[i];
          break;
        }
      }
    }
    return v;
  };
  const sj = [...new Set(reaching.map((i) => stages[j].confidence[i]))].sort((x, y) => x - y);
  let best: [number, number] = [sj[0], t[j + 1]];
  let bestValue = value(sj[0], t[j + 1]);
  for (const a of [...sj.slice(1), Infinity]) {
    const passed = reaching.filter((i) => stages[j].confidence[i] < a);
    const bs = [...new Set(passed.map((i) => stages[j + 1].confidence[i]))].sort((x, y) => x - y);
    let b = Infinity;
    let v = value(a, Infinity);
    let finite = -Infinity;
    let finiteB = Infinity;
    for (const x of bs) {
      const w = value(a, x);
      if (w > finite) {
        finite = w;
        finiteB = x;
      }
    }
    if (finite >= v) {
      v = finite;
      b = finiteB;
    }
    if (v > bestValue) {
      bestValue = v;
      best = [a, b];
    }
  }
  return best;
}

/** Coordinate ascent over blocks as the search schedules it (last block first, cyclically), each step by {@link bruteBlock}. */
function bruteAscent(stages: readonly ModelColumns[], lambda: number, init: readonly number[]): number[] {
  const L = stages.length;
  const t = [...init];
  const blocks = L - 2;
  const objective = (u: readonly number[]) => {
    const r = refChain(stages, u);
    return r.quality - lambda * r.cost;
  };
  let consistent = 0;
  let steps = 0;
  let j = L - 3;
  let last = -Infinity;
  while (consistent < blocks && steps < 50 * blocks) {
    const [a, b] = bruteBlock(stages, t, j, lambda);
    if (a === t[j] && b === t[j + 1]) consistent++;
    else {
      t[j] = a;
      t[j + 1] = b;
      consistent = 1;
    }
    steps++;
    j = j === 0 ? L - 3 : j - 1;
    if (steps % blocks === 0 && consistent < blocks) {
      const now = objective(t);
      if (!(now > last + 1e-12 * Math.abs(last))) break;
      last = now;
    }
  }
  return t;
}

test('optimizeChainThresholds: four to six stages take the same steps as coordinate ascent by brute-force blocks (exact sums; repeated steps looked up)', () => {
  let compared = 0;
  for (let seed = 200; seed < 236; seed++) {
    const r = lcg(seed);
    const L = 4 + (seed % 3);
    const n = 14 + (seed % 5) * 4;
    const models: Record<string, { q: number[]; s: number[]; c: number[] }> = {};
    for (let m = 0; m < L; m++) {
      // Coarse and fine confidences, 0/1 quality and whole costs: every sum is exact, so ties are ties.
      const steps = seed % 2 === 0 ? 4 : 32;
      const s = Array.from({ length: n }, () => Math.round(r() * steps) / steps);
      models[`m${m}`] = { s, q: s.map((v) => (r() < (0.3 + 0.12 * m) * (0.5 + v) ? 1 : 0)), c: s.map(() => (m + 1) * (1 + Math.floor(r() * 3))) };
    }
    const ds = makeDataset(models);
    const problem = chainProblem(ds.models);
    for (const lambda of [0, 0.03125, 0.125, 0.25, 0.5, 2]) {
      const inits = [Array.from({ length: L - 1 }, () => Infinity), Array.from({ length: L - 1 }, () => Math.round(r() * 8) / 8)];
      for (const init of inits) {
        const got = Array.from(optimizeChainThresholds(problem, lambda, init).thresholds);
        assert.deepEqual(got, bruteAscent(ds.models, lambda, init), `seed ${seed} L ${L} lambda ${lambda} from ${init}`);
        compared++;
      }
    }
  }
  assert.equal(compared, 36 * 12);
});

test('optimizeChainThresholds: block scans that start ahead of splits proved not best find what scans from the beginning find (exact sums and near ties; sums that round)', () => {
  const skippedBefore = chainSearchCounts().skipped;
  // Each scan that starts ahead also checks, bit for bit, the tree it starts from (the leaves it
  // puts back from the values kept on the way up) against one made from the beginning.
  const checkedBefore = chainSearchCounts().treesChecked;
  configureChainSearch({ checkTrees: true });
  let compared = 0;
  try {
    for (let seed = 300; seed < 324; seed++) {
      const r = lcg(seed);
      const L = 3 + (seed % 3);
      const n = 1500 + (seed % 4) * 500;
      // Queries of a few kinds, each with its own confidences and outcomes at every stage, so that
      // passing a kind on moves the objective and the next stage's best prefix apart (a split that
      // looks worse by its objective alone can be the best): 0/1 quality and whole costs, so every
      // sum is exact and near ties are exact ties; confidences with and without ties.
      const steps = seed % 2 === 0 ? 64 : 4096;
      const kinds = Array.from({ length: 6 }, () => Array.from({ length: L }, () => ({ s: r(), q: r() < 0.5 ? 1 : 0 })));
      const kindOf = Array.from({ length: n }, () => Math.floor(r() * kinds.length));
      const models: Record<string, { q: number[]; s: number[]; c: number[] }> = {};
      for (let m = 0; m < L; m++) {
        const s = kindOf.map((k) => Math.round(Math.min(1, Math.max(0, kinds[k][m].s + 0.25 * (r() - 0.5))) * steps) / steps);
        const q = kindOf.map((k) => (r() < 0.9 ? kinds[k][m].q : 1 - kinds[k][m].q));
        // From seed 318 on, costs that no double holds exactly (sums round, and a query taken out of a sum leaves it a rounding away).
        const cost = () => (seed < 318 ? (m + 1) * (1 + Math.floor(r() * 3)) : (m + 1) * (1 + r()) * 1.1e-4);
        models[`m${m}`] = { s, q, c: s.map(cost) };
      }
      const ds = makeDataset(models);
      // One problem per setting: each keeps where its scans last found their best (the probes).
      const ahead = chainProblem(ds.models);
      const fromStart = chainProblem(ds.models);
      // Prices in no order: a scan probes where the last one (at another price) found its best, before or after its own.
      const grid = lambdaGrid(ds.models, 3);
      const lambdas = grid.map((_, g) => grid[(g * 7) % grid.length]);
      for (const lambda of lambdas) {
        const inits = [Array.from({ length: L - 1 }, () => Infinity), Array.from({ length: L - 1 }, () => Math.round(r() * 8) / 8)];
        for (const init of inits) {
          configureChainSearch({ skipAhead: true });
          const got = optimizeChainThresholds(ahead, lambda, init);
          configureChainSearch({ skipAhead: false });
          const want = optimizeChainThresholds(fromStart, lambda, init);
          assert.deepEqual(got, want, `seed ${seed} L ${L} lambda ${lambda} from ${init}`);
          compared++;
        }
      }
      configureChainSearch({ skipAhead: true });
      const frontier = chainFrontier(chainProblem(ds.models), grid);
      configureChainSearch({ skipAhead: false });
      assert.deepEqual(frontier, chainFrontier(chainProblem(ds.models), grid), `seed ${seed} frontier`);
      configureChainSearch({ skipAhead: true });
    }
  } finally {
    configureChainSearch({ skipAhead: true, checkTrees: false });
  }
  assert.ok(compared > 24 * 20, `${compared} compared`);
  // The scans did start ahead: the comparison is not vacuous.
  assert.ok(chainSearchCounts().skipped - skippedBefore > 20_000, `${chainSearchCounts().skipped - skippedBefore} positions skipped`);
  assert.ok(chainSearchCounts().treesChecked - checkedBefore > 100, `${chainSearchCounts().treesChecked - checkedBefore} trees checked`);
});

// ---- first-order conditions on a smooth synthetic chain ----

/**
 * A chain whose queries differ by one difficulty u, spread evenly on (0, 1): every stage's
 * confidence is u, quality q_j(u) = a_j + b_j u (later stages better on hard queries) and costs
 * are constant. The optimum answers u at the stage maximising q_j(u) - lambda * (cost of stages
 * 1..j): the upper envelope of lines, so threshold t_j is where lines j and j+1 cross and there
 * the marginal ratio (q_{j+1} - q_j) / c_{j+1} equals lambda exactly.
 */
const SMOOTH = [
  { a: 0, b: 0.95, c: 1 },
  { a: 0.275, b: 0.65, c: 1 },
  { a: 0.5, b: 0.4, c: 2 },
  { a: 0.75, b: 0.2, c: 4 },
];

function smoothChain(n: number, L: number): ModelColumns[] {
  const u = Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  return SMOOTH.slice(0, L).map((st, j) => ({
    name: `s${j}`,
    confidence: u,
    quality: u.map((v) => st.a + st.b * v),
    cost: new Float64Array(n).fill(st.c),
  }));
}

test('chain optimum meets the first-order conditions on a smooth synthetic chain', () => {
  const n = 20000;
  const cases: [number, number[]][] = [
    [3, [0.02, 0.05, 0.08]],
    [4, [0.04, 0.045, 0.05, 0.055]],
  ];
  for (const [L, lambdas] of cases) {
    const stages = smoothChain(n, L);
    const problem = chainProblem(stages);
    for (const lambda of lambdas) {
      // Crossing of lines j and j+1: a_j + b_j u = a_{j+1} + b_{j+1} u - lambda c_{j+1}.
      const want = Array.from({ length: L - 1 }, (_, j) => (SMOOTH[j + 1].a - SMOOTH[j].a - lambda * SMOOTH[j + 1].c) / (SMOOTH[j].b - SMOOTH[j + 1].b));
      want.forEach((t, j) => assert.ok(t > 0.1 && t < 0.9 && (j === 0 || want[j - 1] - t > 0.1), `precondition: separated interior thresholds, got ${want}`));
      const got = optimizeChainThresholds(problem, lambda);
      want.forEach((t, j) => assert.ok(Math.abs(got.thresholds[j] - t) <= 1.5 / n, `L=${L} lambda=${lambda} t${j}: ${got.thresholds[j]} vs ${t}`));
      const ratios = chainMarginalRatios(stages, got.thresholds, n / 10);
      assert.equal(ratios.length, L - 1);
      for (const r of ratios) {
        assert.ok(r.lambda !== null && Math.abs(r.lambda / lambda - 1) < 0.01, `L=${L} lambda=${lambda} boundary ${r.boundary}: ${r.lambda}`);
      }
    }
  }
});

test('chainMarginalRatios: an unbalanced chain shows unequal ratios', () => {
  const n = 20000;
  const stages = smoothChain(n, 3);
  // Optimal for lambda = 0.05 at the second boundary, far too low a threshold at the first.
  const t2 = (SMOOTH[2].a - SMOOTH[1].a - 0.05 * SMOOTH[2].c) / (SMOOTH[1].b - SMOOTH[2].b);
  const [first, second] = chainMarginalRatios(stages, [0.9, t2], n / 10);
  assert.ok(Math.abs(second.lambda! / 0.05 - 1) < 0.01);
  // At u = 0.9 escalating buys q2 - q1 = 0.275 - 0.3 * 0.9 = 0.005 per dollar: far below 0.05.
  assert.ok(Math.abs(first.lambda! - 0.005) < 0.001, `${first.lambda}`);
});

test('chainMarginalRatios: hand-computed window at each boundary', () => {
  const ds = makeDataset({
    a: { q: [0, 1, 0, 1, 1, 1], s: [1, 2, 3, 4, 5, 6], c: [1, 1, 1, 1, 1, 1] },
    b: { q: [1, 1, 1, 0, 1, 0], s: [6, 1, 5, 2, 4, 3], c: [2, 2, 2, 2, 2, 2] },
    c: { q: [1, 1, 1, 1, 1, 1], s: [0, 0, 0, 0, 0, 0], c: [10, 10, 10, 10, 10, 10] },
  });
  const [a, b, c] = ds.models;
  // Thresholds [4, 4]: queries 0-2 pass a (s = 1, 2, 3); of those b answers query 0 (6) and 2 (5); query 1 goes to c.
  const ratios = chainMarginalRatios([a, b, c], [4, 4], 2);
  // Boundary 0, window 2: query 2 (s 3, just below) and query 3 (s 4, lowest answered).
  // Past a, query 2 gets b's answer (q 1, cost 2); query 3 would get b (s 2 < 4) then c (q 1, cost 12).
  assert.equal(ratios[0].windowQueries, 2);
  assert.equal(ratios[0].deltaQuality, (1 - 0 + (1 - 1)) / 2);
  assert.equal(ratios[0].deltaCost, (2 + 12) / 2);
  assert.equal(ratios[0].lambda, 1 / 14);
  assert.equal(ratios[0].confidenceFrom, 3);
  assert.equal(ratios[0].confidenceTo, 4);
  // Boundary 1: reached by queries 0-2; by b's confidence 1 (q1), 5 (q2), 6 (q0); cut at 4:
  // below = query 1 (s 1), above = query 2 (s 5). Going to c: +0 and +0 quality, cost 10 each.
  assert.equal(ratios[1].reached, 3);
  assert.equal(ratios[1].lambda, 0);
  assert.equal(ratios[1].mu, null);
  assert.equal(ratios[1].deltaCost, 10);
});

// ---- best subsequence ----

test('orderedSubsets: every increasing tuple up to the length, counted by binomials', () => {
  const all = [...orderedSubsets(10, 4)];
  assert.equal(all.length, 10 + 45 + 120 + 210);
  assert.equal(new Set(all.map((x) => x.join(','))).size, all.length);
  assert.ok(all.every((x) => x.every((v, i) => i === 0 || v > x[i - 1])));
  assert.equal([...orderedSubsets(3, 4)].length, 7);
});

/** Best mean(q - lambda c) over every ordered subset (cost order) of up to `maxLength` models and every threshold vector. */
function bruteSubsequenceBest(ds: Dataset, lambda: number, maxLength: number): number {
  const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
  const order = [...ds.models].sort((x, y) => mean(x.cost) - mean(y.cost) || (x.name < y.name ? -1 : 1));
  let best = -Infinity;
  const visit = (start: number, chosen: ModelColumns[]) => {
    if (chosen.length > 0) best = Math.max(best, bruteBest(chosen, lambda));
    if (chosen.length === maxLength) return;
    for (let m = start; m < order.length; m++) visit(m + 1, [...chosen, order[m]]);
  };
  visit(0, []);
  return best;
}

test('bestSubsequenceFrontier: equals brute force over subsets and thresholds on small pools (up to three stages)', () => {
  for (const seed of [70, 71, 72, 73]) {
    const ds = randomPool(seed, 4, 12);
    const grid = lambdaGrid(ds.models, 4);
    const found = bestSubsequenceFrontier(ds, grid, 3);
    assert.equal(found.candidatesEvaluated, 4 + 6 + 4);
    for (const lambda of grid) {
      const got = Math.max(...found.points.map((p) => p.quality - lambda * p.cost));
      const want = bruteSubsequenceBest(ds, lambda, 3);
      assert.ok(Math.abs(got - want) < 1e-12, `seed ${seed} lambda ${lambda}: ${got} vs ${want}`);
    }
    // Every point is what its own policy delivers.
    for (const p of found.points) {
      const stages = p.policy.models.map((m) => ds.models.find((x) => x.name === m)!);
      const r = refChain(
        stages,
        p.policy.thresholds.map((t) => (t === null ? Infinity : t)),
      );
      assert.ok(Math.abs(r.cost - p.cost) < 1e-12 && Math.abs(r.quality - p.quality) < 1e-12);
    }
  }
});

/** The Pareto set of cost-quality points by pairwise dominance (cost <= and quality >=, one strictly), as sorted "cost quality" strings. */
function refParetoValues(points: readonly { cost: number; quality: number }[]): string[] {
  const kept = points.filter((p) => !points.some((o) => o.cost <= p.cost && o.quality >= p.quality && (o.cost < p.cost || o.quality > p.quality)));
  return [...new Set(kept.map((p) => `${p.cost} ${p.quality}`))].sort();
}

test('bestSubsequenceFrontier: chain points left out before evaluation change nothing (the Pareto set of every candidate point, each evaluated)', () => {
  for (const seed of [90, 91, 92, 93, 94]) {
    const ds = randomPool(seed, 5, 40);
    const grid = lambdaGrid(ds.models, 6);
    const found = bestSubsequenceFrontier(ds, grid, 4);
    // Every candidate's points, each chain point evaluated by walking the queries.
    const order = [...ds.models].sort((x, y) => refChain([x], []).cost - refChain([y], []).cost || (x.name < y.name ? -1 : 1));
    const all: { cost: number; quality: number }[] = [];
    for (const subset of orderedSubsets(order.length, 4)) {
      const stages = subset.map((x) => order[x]);
      if (stages.length === 1) all.push(refChain(stages, []));
      else if (stages.length === 2) for (const t of allThresholds(stages)) all.push(refChain(stages, t));
      else for (const p of chainFrontier(chainProblem(stages), grid)) all.push(refChain(stages, Array.from(p.thresholds)));
    }
    const round = (x: number) => Math.round(x * 1e9) / 1e9;
    const want = refParetoValues(all.map((p) => ({ cost: round(p.cost), quality: round(p.quality) })));
    const got = refParetoValues(found.points.map((p) => ({ cost: round(p.cost), quality: round(p.quality) })));
    assert.deepEqual(got, want, `seed ${seed}`);
  }
});

test('reachingPareto: a chain point is left out only when strictly dominated beyond rounding', () => {
  const stage = makeDataset({ a: { q: [1, 0], s: [0.5, 0.5], c: [1, 1] } }).models[0];
  const stages = [stage, stage, stage];
  const point = (cost: number, quality: number) => ({ lambda: 1, thresholds: new Float64Array(2), cost, quality });
  const exact = [{ point: { cost: 1, quality: 0.5 } }];
  const [kept] = reachingPareto(
    exact,
    [
      {
        stages,
        points: [
          point(2, 0.4), // dominated by far: left out
          point(1 + 1e-13, 0.5 - 1e-13), // within rounding of the exact point: kept
          point(1.5, 0.5), // the same quality at a higher cost: dominated, but not strictly in both: kept
          point(0.9, 0.3), // cheaper: kept
          point(3, 0.45), // dominated by the exact point: left out
        ],
      },
    ],
    2,
  );
  assert.deepEqual(
    kept.map((p) => [p.cost, p.quality]),
    [
      [1 + 1e-13, 0.5 - 1e-13],
      [1.5, 0.5],
      [0.9, 0.3],
    ],
  );
  // Chains' points dominate one another too.
  const [, second] = reachingPareto(
    [],
    [
      { stages, points: [point(1, 0.9)] },
      { stages, points: [point(2, 0.8), point(0.5, 0.95)] },
    ],
    2,
  );
  assert.deepEqual(
    second.map((p) => [p.cost, p.quality]),
    [[0.5, 0.95]],
  );
});

/** F(B): best quality of the points with cost <= B (-Infinity when none). */
function bestWithin(points: readonly { cost: number; quality: number }[], budget: number): number {
  let q = -Infinity;
  for (const p of points) if (p.cost <= budget * (1 + 1e-12) && p.quality > q) q = p.quality;
  return q;
}

test('in-sample: full chain <= best subsequence and envelope <= best subsequence at every budget', () => {
  for (const seed of [80, 81, 82]) {
    const ds = randomPool(seed, 4, 30);
    const grid = lambdaGrid(ds.models, 6);
    const sub = bestSubsequenceFrontier(ds, grid, 4).points;
    const full = fullChainFrontier(ds, grid);
    const envelope = pairwiseFrontier(ds).envelope;
    for (const budget of [...full, ...envelope, ...sub].map((p) => p.cost)) {
      assert.ok(bestWithin(full, budget) <= bestWithin(sub, budget) + 1e-12, `full chain at ${budget}`);
      assert.ok(bestWithin(envelope, budget) <= bestWithin(sub, budget) + 1e-12, `envelope at ${budget}`);
    }
  }
});

test('policyBoundaryRatios: a configured chain by name, with null as +infinity', () => {
  const ds = makeDataset({
    a: { q: [0, 1, 0, 1], s: [1, 2, 3, 4], c: [1, 1, 1, 1] },
    b: { q: [1, 1, 1, 1], s: [0, 0, 0, 0], c: [4, 4, 4, 4] },
  });
  // Threshold 3: queries 0 and 1 escalate; window 2 = query 1 (s 2, escalated) and query 2 (s 3, answered).
  const [r] = policyBoundaryRatios(ds, { kind: 'pair', models: ['a', 'b'], thresholds: [3] }, 2);
  assert.equal(r.lambda, (1 - 1 + (1 - 0)) / 8);
  const [all] = policyBoundaryRatios(ds, { kind: 'pair', models: ['a', 'b'], thresholds: [null] }, 4);
  assert.equal(all.threshold, null);
  assert.equal(all.lambda, 2 / 16);
  assert.throws(() => policyBoundaryRatios(ds, { kind: 'pair', models: ['a', 'x'], thresholds: [1] }, 2), /x/);
});
