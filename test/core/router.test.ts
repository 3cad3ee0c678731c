import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../src/core/types.ts';
import { hashedNgramRows } from '../../src/core/router/features.ts';
import { fitLogistic, predictLogistic } from '../../src/core/router/logistic.ts';
import { expectedCosts, fitCostModel } from '../../src/core/router/expectedCost.ts';
import { routerFeatures, routerInputs, trainRouter } from '../../src/core/router/router.ts';
import { pathMeansReader, pathPoints, pathSamplePositions, perfectRoutingPath, routingPath } from '../../src/core/router/routingPath.ts';
import { makeDataset } from '../support/dataset.ts';

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

// ---- features ----

test('hashedNgramRows: unit-length rows, identical prompts hash alike, a missing prompt is an empty row', () => {
  const rows = hashedNgramRows(['The cat sat.', 'the  CAT sat.', undefined, 'a completely different question about chemistry'], { buckets: 1024 });
  assert.equal(rows.rows, 4);
  assert.equal(rows.columns, 1024);
  const row = (r: number) => {
    const m = new Map<number, number>();
    for (let p = rows.indptr[r]; p < rows.indptr[r + 1]; p++) m.set(rows.indices[p], rows.values[p]);
    return m;
  };
  // Case and white space do not matter.
  assert.deepEqual(row(0), row(1));
  assert.equal(row(2).size, 0);
  for (const r of [0, 3]) {
    const norm = [...row(r).values()].reduce((s, v) => s + v * v, 0);
    assert.ok(Math.abs(norm - 1) < 1e-12);
    assert.ok([...row(r).keys()].every((b) => b >= 0 && b < 1024));
  }
  // "the cat sat" has 3 words, 2 bigrams and 9 character 3-grams of "the cat sat." (12 chars - 2 = 10 minus none) -> at most 15 distinct buckets.
  assert.ok(row(0).size <= 3 + 2 + 10);
  assert.throws(() => hashedNgramRows(['x'], { buckets: 1000 }), /power of two/);
});

// ---- logistic regression ----

test('fitLogistic: learns a separating word and is deterministic for a seed', () => {
  const r = lcg(3);
  const prompts: string[] = [];
  const y: number[] = [];
  for (let i = 0; i < 200; i++) {
    const good = r() < 0.5;
    prompts.push(`${good ? 'zebra' : 'yak'} question number ${Math.floor(r() * 1000)}`);
    y.push(good ? 1 : 0);
  }
  const x = hashedNgramRows(prompts, { buckets: 4096 });
  const a = fitLogistic(x, y, { l2: 1e-4, seed: 5 });
  const b = fitLogistic(x, y, { l2: 1e-4, seed: 5 });
  assert.deepEqual(a.weights, b.weights);
  assert.equal(a.intercept, b.intercept);
  const test = hashedNgramRows(['zebra question number 5000', 'yak question number 5000'], { buckets: 4096 });
  const [pGood, pBad] = predictLogistic(a, test);
  assert.ok(pGood > 0.9 && pBad < 0.1, `${pGood} ${pBad}`);
});

test('fitLogistic: without informative features it predicts the mean target (graded scores too)', () => {
  const x = hashedNgramRows(new Array(100).fill('same prompt every time'), { buckets: 256 });
  const y = Array.from({ length: 100 }, (_, i) => (i % 4 === 0 ? 1 : 0.2));
  const p = predictLogistic(fitLogistic(x, y), x);
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  assert.ok(Math.abs(p[0] - mean) < 0.02, `${p[0]} vs ${mean}`);
});

// ---- expected cost ----

test('fitCostModel: recovers per-token prices and falls back to the mean without tokens', () => {
  const tin = [100, 250, 80, 400, 120];
  const tout = [1, 2, 1, 3, 1];
  const cost = tin.map((t, i) => 2e-6 * t + 8e-6 * tout[i]);
  const m = { name: 'm', quality: new Float64Array(5), confidence: new Float64Array(5), cost: Float64Array.from(cost), tokensIn: Float64Array.from(tin), tokensOut: Float64Array.from(tout) };
  const model = fitCostModel(m);
  assert.equal(model.method, 'tokens');
  assert.ok(Math.abs(model.perInputToken! - 2e-6) < 1e-15);
  assert.ok(Math.abs(model.perOutputToken! - 8e-6) < 1e-15);
  const expected = expectedCosts(model, m);
  const meanOut = 8 / 5;
  assert.ok(Math.abs(expected[3] - (2e-6 * 400 + 8e-6 * meanOut)) < 1e-15);
  const noTokens = fitCostModel({ ...m, tokensIn: undefined, tokensOut: undefined });
  assert.equal(noTokens.method, 'mean');
  assert.ok(Math.abs(noTokens.meanCost - cost.reduce((s, v) => s + v, 0) / 5) < 1e-18);
  assert.ok(expectedCosts(noTokens, m).every((v) => v === noTokens.meanCost));
});

// ---- routing path ----

/** Direct argmax of score - lambda * cost for one query, ties to the lower cost then the lower index. */
function directChoice(score: number[], cost: number[], lambda: number): number {
  let best = 0;
  for (let m = 1; m < score.length; m++) {
    const v = score[m] - lambda * cost[m];
    const b = score[best] - lambda * cost[best];
    if (v > b || (v === b && cost[m] < cost[best])) best = m;
  }
  return best;
}

test('routingPath: at every shadow price the path matches the direct per-query argmax', () => {
  const r = lcg(11);
  const k = 4;
  const n = 60;
  // Coarse values so that ties happen.
  const score = Array.from({ length: k }, () => Float64Array.from({ length: n }, () => Math.round(r() * 4) / 4));
  const cost = Array.from({ length: k }, (_, m) => Float64Array.from({ length: n }, () => (m + 1) * (1 + Math.round(r() * 2))));
  const path = routingPath(score, cost);
  const lambdas = [0, 0.01, 0.05, 0.083333, 0.125, 0.2, 0.25, 0.5, 1, 10];
  // Position after every breakpoint <= lambda.
  const positions = lambdas.map((l) => path.lambda.filter((x) => x <= l).length);
  const points = pathPoints(path, score, cost, positions);
  lambdas.forEach((lambda, s) => {
    let c = 0;
    let q = 0;
    const share = new Array(k).fill(0);
    for (let i = 0; i < n; i++) {
      const m = directChoice(
        score.map((a) => a[i]),
        cost.map((a) => a[i]),
        lambda,
      );
      c += cost[m][i];
      q += score[m][i];
      share[m]++;
    }
    assert.ok(Math.abs(points[s].cost - c / n) < 1e-12, `cost at ${lambda}`);
    assert.ok(Math.abs(points[s].quality - q / n) < 1e-12, `quality at ${lambda}`);
    points[s].share.forEach((v, m) => assert.ok(Math.abs(v - share[m] / n) < 1e-12));
  });
  // Weighted reading: weight 2 on the first query equals duplicating it.
  const weights = new Float64Array(n).fill(1);
  weights[0] = 2;
  const w = pathPoints(path, score, cost, [path.lambda.filter((x) => x <= 0.2).length], weights)[0];
  const dup = routingPath(
    score.map((a) => Float64Array.from([...a, a[0]])),
    cost.map((a) => Float64Array.from([...a, a[0]])),
  );
  const d = pathPoints(
    dup,
    score.map((a) => Float64Array.from([...a, a[0]])),
    cost.map((a) => Float64Array.from([...a, a[0]])),
    [dup.lambda.filter((x) => x <= 0.2).length],
  )[0];
  assert.ok(Math.abs(w.cost - d.cost) < 1e-12 && Math.abs(w.quality - d.quality) < 1e-12);
});

test('pathMeansReader: bootstrap readings equal a direct weighted argmax per query, and pathPoints bit for bit', () => {
  const r = lcg(5);
  const k = 3;
  const n = 40;
  const score = Array.from({ length: k }, () => Float64Array.from({ length: n }, () => Math.round(r() * 4) / 4));
  const cost = Array.from({ length: k }, (_, m) => Float64Array.from({ length: n }, () => (m + 1) * (0.5 + r())));
  const path = routingPath(score, cost);
  const lambdas = [0, 0.05, 0.2, 0.5, 2, 100];
  const positions = lambdas.map((l) => path.lambda.filter((x) => x <= l).length);
  const read = pathMeansReader(path, score, cost, positions);
  const c = new Float64Array(positions.length);
  const q = new Float64Array(positions.length);
  for (let rep = 0; rep < 5; rep++) {
    // A multinomial resample as counts: many queries weigh 0.
    const weights = new Float64Array(n);
    for (let j = 0; j < n; j++) weights[Math.floor(r() * n)]++;
    read(weights, c, q);
    const points = pathPoints(path, score, cost, positions, weights);
    lambdas.forEach((lambda, s) => {
      let wc = 0;
      let wq = 0;
      for (let i = 0; i < n; i++) {
        const m = directChoice(
          score.map((a) => a[i]),
          cost.map((a) => a[i]),
          lambda,
        );
        wc += weights[i] * cost[m][i];
        wq += weights[i] * score[m][i];
      }
      assert.ok(Math.abs(c[s] - wc / n) < 1e-12, `cost at ${lambda}, resample ${rep}`);
      assert.ok(Math.abs(q[s] - wq / n) < 1e-12, `quality at ${lambda}, resample ${rep}`);
      assert.equal(c[s], points[s].cost);
      assert.equal(q[s], points[s].quality);
    });
  }
  // Without weights every query counts once.
  read(undefined, c, q);
  const plain = pathPoints(path, score, cost, positions);
  plain.forEach((p, s) => assert.ok(c[s] === p.cost && q[s] === p.quality));
  assert.throws(() => pathMeansReader(path, score, cost, [2, 1]), RangeError);
});

test('pathSamplePositions: starts at 0, ascends, ends after the last breakpoint; per-event mode keeps every move', () => {
  const r = lcg(12);
  const score = Array.from({ length: 3 }, () => Float64Array.from({ length: 500 }, () => Math.round(r() * 10) / 10));
  const cost = Array.from({ length: 3 }, (_, m) => Float64Array.from({ length: 500 }, () => m + 1));
  const path = routingPath(score, cost);
  const E = path.lambda.length;
  const s = pathSamplePositions(path, 50);
  assert.equal(s[0], 0);
  assert.ok(s.length <= 50);
  assert.ok(s.every((v, i) => i === 0 || v > s[i - 1]));
  assert.equal(s[s.length - 1], E);
  // Group ends only: never inside a run of equal shadow prices.
  assert.ok(s.every((v) => v === 0 || v === E || path.lambda[v] !== path.lambda[v - 1]));
  assert.deepEqual(
    pathSamplePositions(path, Infinity, true),
    Array.from({ length: E + 1 }, (_, e) => e),
  );
});

// ---- router ----

/**
 * Three models (costs 1, 3, 10) and four kinds of query, told apart by one word of the prompt:
 * "alpha" all three answer, "bravo" only the two dearer ones, "charlie" only the dearest, "delta" none.
 */
function informativePool(n: number, seed: number): Dataset {
  const r = lcg(seed);
  const kinds = ['alpha', 'bravo', 'charlie', 'delta'];
  const right = [
    [1, 1, 1],
    [0, 1, 1],
    [0, 0, 1],
    [0, 0, 0],
  ];
  const prompts: string[] = [];
  const q: number[][] = [[], [], []];
  for (let i = 0; i < n; i++) {
    const kind = Math.floor(r() * 4);
    prompts.push(`${kinds[kind]} question with filler ${Math.floor(r() * 100000)} and ${Math.floor(r() * 100000)}`);
    for (let m = 0; m < 3; m++) q[m].push(right[kind][m]);
  }
  const ds = makeDataset(
    {
      a_small: { q: q[0], s: q[0].map(() => 0), c: q[0].map(() => 1) },
      b_medium: { q: q[1], s: q[1].map(() => 0), c: q[1].map(() => 3) },
      c_large: { q: q[2], s: q[2].map(() => 0), c: q[2].map(() => 10) },
    },
    prompts.map((_, i) => (i < n / 2 ? 'train' : 'test')),
  );
  return { ...ds, prompts };
}

/** F(B): best quality among points with cost <= B. */
function bestWithin(points: readonly { cost: number; quality: number }[], budget: number): number {
  let q = 0;
  for (const p of points) if (p.cost <= budget + 1e-12 && p.quality > q) q = p.quality;
  return q;
}

test('router with a perfectly informative feature approaches the perfect-routing bound held out', () => {
  const all = informativePool(800, 21);
  const pick = (split: string): Dataset => {
    const rows = all.ids.map((_, i) => i).filter((i) => all.splitNames![all.splitCodes![i]] === split);
    return {
      n: rows.length,
      ids: rows.map((i) => all.ids[i]),
      models: all.models.map((m) => ({
        name: m.name,
        quality: Float64Array.from(rows, (i) => m.quality[i]),
        confidence: Float64Array.from(rows, (i) => m.confidence[i]),
        cost: Float64Array.from(rows, (i) => m.cost[i]),
      })),
      prompts: rows.map((i) => all.prompts![i]),
    };
  };
  const cal = pick('train');
  const hold = pick('test');
  // A light penalty: the default one is strong, for the weak signal of real prompts.
  const router = trainRouter(cal, { l2: 1e-3 });
  assert.ok(router.available);
  const inputs = routerInputs(router, hold);
  const path = routingPath(inputs.success, inputs.expectedCost);
  const quality = hold.models.map((m) => m.quality);
  const cost = hold.models.map((m) => m.cost);
  const routed = pathPoints(path, quality, cost, pathSamplePositions(path, 400));
  const bound = perfectRoutingPath(hold);
  const oracle = pathPoints(bound, quality, cost, pathSamplePositions(bound, Infinity, true));
  // The bound, computed independently: each query to its cheapest right model (3/4 of queries are right somewhere).
  assert.ok(Math.abs(Math.max(...oracle.map((p) => p.quality)) - hold.models[2].quality.reduce((s, v) => s + v, 0) / hold.n) < 1e-12);
  for (const budget of [1, 1.5, 2, 3, 4, 5, 6, 8, 10]) {
    const b = bestWithin(oracle, budget);
    const got = bestWithin(routed, budget);
    // Read move by move, the bound's steps lie within one query (1/n) of the concave hull of all routings.
    assert.ok(got <= b + 1 / hold.n + 1e-12, `router ${got} above the bound ${b} at ${budget}`);
    assert.ok(got >= b - 0.03, `router ${got} vs bound ${b} at budget ${budget}`);
  }
});

test('trainRouter: without prompts or embeddings the router is unavailable with the reason', () => {
  const ds = makeDataset({ a: { q: [1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1], s: new Array(11).fill(0), c: new Array(11).fill(1) } });
  const r = trainRouter(ds);
  assert.equal(r.available, false);
  assert.match((r as { reason: string }).reason, /prompt/);
  const few = trainRouter({ ...makeDataset({ a: { q: [1, 0], s: [0, 0], c: [1, 1] } }), prompts: ['x', 'y'] });
  assert.equal(few.available, false);
  assert.match((few as { reason: string }).reason, /at least/);
});

test('trainRouter: uses embeddings when the records carry them', () => {
  const n = 200;
  const r = lcg(31);
  const emb: Float64Array[] = [];
  const q: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = r() * 2 - 1;
    emb.push(Float64Array.of(v, r() - 0.5));
    q.push(v > 0 ? 1 : 0);
  }
  const ds = { ...makeDataset({ a: { q, s: q.map(() => 0), c: q.map(() => 1) } }), embeddings: emb };
  const router = trainRouter(ds, { l2: 1e-4 });
  assert.ok(router.available && router.features === 'embeddings');
  const p = routerInputs(router, ds).success[0];
  let right = 0;
  for (let i = 0; i < n; i++) if ((p[i] > 0.5 ? 1 : 0) === q[i]) right++;
  assert.ok(right / n > 0.9, `${right} of ${n}`);
});

test('routerInputs on a holdout of several thousand queries: the figures of one pass over all the features, built a chunk at a time', () => {
  const all = informativePool(10_000, 5);
  const router = trainRouter({
    ...all,
    n: 300,
    ids: all.ids.slice(0, 300),
    prompts: all.prompts!.slice(0, 300),
    models: all.models.map((m) => ({ ...m, quality: m.quality.subarray(0, 300), confidence: m.confidence.subarray(0, 300), cost: m.cost.subarray(0, 300) })),
  });
  assert.ok(router.available);
  const inputs = routerInputs(router, all);
  // Every query's features at once, independently of the chunks.
  const x = routerFeatures(router, all);
  router.models.forEach((m, k) => assert.deepEqual(inputs.success[k], predictLogistic(m.classifier, x), m.name));
  assert.equal(inputs.success[0].length, 10_000);
});
