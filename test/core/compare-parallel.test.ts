/**
 * The comparison's bootstrap on two threads gives what one thread gives: the seeded sequence
 * jumped ahead, the draws of a later share, the delta plan's steps shared with a real worker,
 * and `compare` with a real worker (and with a worker that fails to load) against `compare`
 * in one thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { NODE_BUNDLE } from '../../scripts/esbuildNode.mjs';
import { seededRandom } from '../../src/core/stats.ts';
import { compare, configureParallelCompare } from '../../src/core/compare/index.ts';
import { type ChainsJob, sharedDeltaPlanner, takeChains, takeDrawBlocks } from '../../src/core/compare/parallel.ts';
import { type ChainColumns, type ChainDelta, chainDeltaPlan, chainPlanOrder } from '../../src/core/compare/chainDeltas.ts';
import { chainStops } from '../../src/core/chain/evaluate.ts';
import { chainFrontier, lambdaGrid } from '../../src/core/chain/frontier.ts';
import { chainProblem } from '../../src/core/chain/optimize.ts';
import { bootstrapDraws, heldOutMeter, type HeldOutSpec } from '../../src/core/compare/heldOut.ts';
import { perfectRoutingPath } from '../../src/core/router/routingPath.ts';
import { policyTable } from '../../src/core/compare/policyTable.ts';
import type { Dataset, PolicySpec } from '../../src/core/types.ts';
import { makeDataset } from '../support/dataset.ts';
import { repoRoot } from '../support/paths.ts';

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

/** Four models with coarse confidences, a train/test split every third query. */
function pool(n: number, seed: number): Dataset {
  const r = lcg(seed);
  const models: Record<string, { q: number[]; s: number[]; c: number[] }> = {};
  [1, 3, 10, 30].forEach((price, m) => {
    const s = Array.from({ length: n }, () => Math.round(r() * 10) / 10);
    models[`m${m}`] = { s, q: s.map((v) => (r() < (0.35 + 0.15 * m) * (0.6 + v) ? 1 : 0)), c: s.map(() => price * (0.5 + r()) * 1e-5) };
  });
  return makeDataset(
    models,
    Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'train' : 'test')),
  );
}

/** `count` bootstrap resamples of n queries as counts (n draws with replacement each). */
function resampleCounts(count: number, n: number, r: () => number): Float64Array[] {
  return Array.from({ length: count }, () => {
    const w = new Float64Array(n);
    for (let j = 0; j < n; j++) w[Math.floor(r() * n)]++;
    return w;
  });
}

test('seededRandom with a skip continues the sequence after that many draws', () => {
  for (const seed of [1, 7, 123456789, -5]) {
    const random = seededRandom(seed);
    const seq = Array.from({ length: 1000 }, () => random());
    for (const skip of [0, 1, 17, 999]) assert.equal(seededRandom(seed, skip)(), seq[skip], `seed ${seed}, skip ${skip}`);
  }
  // Far ahead: the state wraps modulo 2^32 as draw by draw.
  const far = 5_000_000;
  const random = seededRandom(3);
  for (let k = 0; k < far; k++) random();
  assert.equal(seededRandom(3, far)(), random());
});

/** A held-out spec of `ds` with the perfect router's path read at three positions as the bound. */
function specOf(ds: Dataset, policies: PolicySpec[], indexOf: HeldOutSpec['indexOf'], weak: number, strong: number): HeldOutSpec {
  const path = perfectRoutingPath(ds);
  return { n: ds.n, models: ds.models, policies, indexOf, bound: { path, positions: [0, Math.floor(path.lambda.length / 2), path.lambda.length] }, weak, strong };
}

test('bootstrapDraws: a later share of the resamples equals the same resamples drawn in one run, and a draw equals a direct computation', () => {
  const ds = pool(90, 4);
  const names = ds.models.map((m) => m.name);
  const spec = specOf(
    ds,
    [
      { kind: 'single', models: [names[0]], thresholds: [] },
      { kind: 'single', models: [names[1]], thresholds: [] },
      { kind: 'single', models: [names[2]], thresholds: [] },
      { kind: 'pair', models: [names[0], names[2]], thresholds: [0.5] },
      { kind: 'chain', models: names.slice(0, 3), thresholds: [0.7, 0.4] },
    ],
    { singles: [0, 1, 2], envelope: [0, 3, 2], fullChain: [4], bestSubsequence: [0, 3, 4] },
    0,
    2,
  );
  const range = { from: 1e-6, to: 1e-3, scale: 'log' as const, hasRange: true };
  const all = bootstrapDraws(heldOutMeter(spec), range, ds.n, 9, 0, 7);
  assert.deepEqual(bootstrapDraws(heldOutMeter(spec), range, ds.n, 9, 3, 4), all.slice(3));
  // Resample 2 by hand: counts from the seeded sequence, the single models' weighted means, and
  // the mean over log cost of their step frontier.
  const random = seededRandom(9);
  let counts = new Float64Array(ds.n);
  for (let r = 0; r <= 2; r++) {
    counts = new Float64Array(ds.n);
    for (let j = 0; j < ds.n; j++) counts[Math.floor(random() * ds.n)]++;
  }
  const points = ds.models.slice(0, 3).map((m) => {
    let c = 0;
    let q = 0;
    for (let i = 0; i < ds.n; i++) {
      c += counts[i] * m.cost[i];
      q += counts[i] * m.quality[i];
    }
    return { c: c / ds.n, q: q / ds.n };
  });
  let area = 0;
  const grid = 20000;
  for (let g = 0; g < grid; g++) {
    const b = Math.exp(Math.log(range.from) + ((g + 0.5) / grid) * (Math.log(range.to) - Math.log(range.from)));
    area += Math.max(0, ...points.filter((p) => p.c <= b).map((p) => p.q)) / grid;
  }
  assert.ok(Math.abs((all[2].area.singles as number) - area) < 1e-3, `${all[2].area.singles} vs ${area}`);
});

test("a meter from another meter's prepared table (shared memory) measures the same resamples bit for bit, taken in blocks from a shared counter; it measures resamples only", () => {
  const ds = pool(150, 6);
  const names = ds.models.map((m) => m.name);
  const spec = specOf(
    ds,
    [
      { kind: 'single', models: [names[0]], thresholds: [] },
      { kind: 'single', models: [names[3]], thresholds: [] },
      { kind: 'pair', models: [names[0], names[3]], thresholds: [0.5] },
      { kind: 'pair', models: [names[1], names[3]], thresholds: [0.3] },
      { kind: 'chain', models: names.slice(0, 3), thresholds: [0.7, 0.4] },
      { kind: 'chain', models: names.slice(0, 3), thresholds: [0.6, 0.4] },
      { kind: 'chain', models: names, thresholds: [0.8, null, 0.2] },
    ],
    { singles: [0, 1], envelope: [0, 2, 3, 1], fullChain: [6], bestSubsequence: [0, 4, 5, 6] },
    0,
    1,
  );
  const range = { from: 1e-6, to: 1e-3, scale: 'log' as const, hasRange: true };
  const meter = heldOutMeter(spec);
  const all = bootstrapDraws(meter, range, ds.n, 3, 0, 22);
  for (const m of [...meter.prepared.plans.flatMap((p) => [p.order, p.gain, p.cheapCost, p.expensiveCost]), ...meter.prepared.deltas.flatMap((d) => d.columns.flatMap((c) => [c.at, c.delta]))]) {
    assert.ok(m.buffer instanceof SharedArrayBuffer);
  }
  // Through a structured clone, as a worker receives it.
  const other = heldOutMeter(spec, { prepared: structuredClone(meter.prepared) });
  const next = new Int32Array(new SharedArrayBuffer(4));
  // The worker's share: the last block (resamples 20, 21), then blocks 0 .. 4 from the counter.
  const taken = takeDrawBlocks(other, range, ds.n, 3, 22, next, true);
  assert.deepEqual(
    taken.map((b) => b.block),
    [5, 0, 1, 2, 3, 4],
  );
  assert.deepEqual(
    taken.flatMap((b) => b.draws),
    [...all.slice(20), ...all.slice(0, 20)],
  );
  // The counter is spent: the calling thread finds nothing left.
  assert.deepEqual(takeDrawBlocks(meter, range, ds.n, 3, 22, next, false), []);
  assert.throws(() => other.fill(), /resamples only/);
});

test("chains taken in turn from a shared counter: the worker's share is the last chain, then chains from the counter; each frontier is the one searched alone", () => {
  const ds = pool(300, 9);
  const byName = new Map(ds.models.map((m) => [m.name, m]));
  const lambdas = lambdaGrid(ds.models);
  const chains = [
    ['m0', 'm1', 'm2', 'm3'],
    ['m0', 'm1', 'm2'],
    ['m0', 'm2', 'm3'],
    ['m1', 'm2', 'm3'],
    ['m0', 'm1', 'm3'],
  ];
  const frontierOf = (names: readonly string[]) => chainFrontier(chainProblem(names.map((name) => byName.get(name)!)), lambdas);
  const job: ChainsJob = { kind: 'chains', models: ds.models, lambdas, chains, next: new Int32Array(new SharedArrayBuffer(4)) };
  const taken = takeChains(job, true, frontierOf);
  assert.deepEqual(
    taken.map((c) => c.at),
    [4, 0, 1, 2, 3],
  );
  for (const { at, points } of taken) assert.deepEqual(points, frontierOf(chains[at]), chains[at].join(' > '));
  // The counter is spent: the calling thread finds nothing left.
  assert.deepEqual(takeChains(job, false, frontierOf), []);
  // The calling thread alone (no worker took the last): every chain but the last.
  const alone = takeChains({ ...job, next: new Int32Array(new SharedArrayBuffer(4)) }, false, frontierOf);
  assert.deepEqual(
    alone.map((c) => c.at),
    [0, 1, 2, 3],
  );
});

test('heldOutMeter.measure: areas of every family and of all cascades equal a direct step integral, under weightings that reorder the points', () => {
  const ds = pool(120, 17);
  const names = ds.models.map((m) => m.name);
  const r = lcg(77);
  const policies: PolicySpec[] = names.map((m) => ({ kind: 'single', models: [m], thresholds: [] }));
  for (let k = 0; k < 30; k++) policies.push({ kind: 'pair', models: [names[k % 3], names[3]], thresholds: [Math.round(r() * 10) / 10] });
  for (let k = 0; k < 10; k++) policies.push({ kind: 'chain', models: names.slice(k % 2, (k % 2) + 3), thresholds: [Math.round(r() * 10) / 10, Math.round(r() * 10) / 10] });
  const path = perfectRoutingPath(ds);
  const spec: HeldOutSpec = {
    n: ds.n,
    models: ds.models,
    policies,
    indexOf: {
      singles: [0, 1, 2, 3],
      envelope: [0, ...Array.from({ length: 30 }, (_, k) => 4 + k)],
      fullChain: [34, 36, 38],
      bestSubsequence: [1, 10, 20, 35, 37, 39, 40],
    },
    bound: { path, positions: [0, Math.floor(path.lambda.length / 3), path.lambda.length] },
    weak: 0,
    strong: 3,
  };
  const meter = heldOutMeter(spec);
  const span = { from: 1e-5, to: 3e-4, scale: 'log' as const, hasRange: true };
  // Direct: F(B) = best quality at cost <= B (0 below every point), integrated over log B piece by piece.
  const area = (points: { c: number; q: number }[]) => {
    const cuts = [span.from, ...points.map((p) => p.c).filter((c) => c > span.from && c < span.to), span.to].sort((a, b) => a - b);
    let sum = 0;
    for (let k = 0; k + 1 < cuts.length; k++) sum += Math.max(0, ...points.filter((p) => p.c <= cuts[k]).map((p) => p.q)) * (Math.log(cuts[k + 1]) - Math.log(cuts[k]));
    return sum / (Math.log(span.to) - Math.log(span.from));
  };
  // Weightings that move the points far from their first order (every other query weighted up eightfold in turn).
  for (let round = 0; round < 6; round++) {
    const w = Float64Array.from({ length: ds.n }, () => (r() < 0.5 ? 0 : 1 + Math.floor(r() * 4)));
    if (round % 2 === 1) for (let i = 0; i < ds.n; i += 2) w[i] *= 8;
    const means = meter.fill(w);
    const got = meter.measure(span);
    const pointsOf = (at: readonly number[]) => at.map((p) => ({ c: means.cost[p], q: means.quality[p] }));
    const close = (a: number | null, b: number) => a !== null && Math.abs(a - b) <= 1e-12 * Math.abs(b);
    for (const f of ['singles', 'envelope', 'fullChain', 'bestSubsequence'] as const) {
      assert.ok(close(got.area[f], area(pointsOf(spec.indexOf[f]))), `round ${round}, ${f}: ${got.area[f]} vs ${area(pointsOf(spec.indexOf[f]))}`);
    }
    const cascades = [...spec.indexOf.envelope, ...spec.indexOf.fullChain, ...spec.indexOf.bestSubsequence];
    assert.ok(close(got.cascadeArea, area(pointsOf(cascades))), `round ${round}, all cascades`);
    const bare = cascades.map((p) => ({ c: means.cost[p] - means.structuralCost[p], q: means.quality[p] }));
    assert.ok(close(got.withoutStructural, area(bare)), `round ${round}, without structural cost`);
  }
});

test('policyTable.measureResamples: chains summed from their closest chain or model give direct query-by-query sums within 1e-12', () => {
  for (const seed of [3, 11, 29]) {
    const ds = pool(160, seed);
    const names = ds.models.map((m) => m.name);
    const r = lcg(seed + 100);
    // Fractional quality for one seed: no base above the chain's values may be used there.
    if (seed === 11) for (const m of ds.models) for (let i = 0; i < ds.n; i++) m.quality[i] *= 0.5 + r() / 2;
    const t = () => (r() < 0.15 ? null : Math.round(r() * 10) / 10);
    // Many chains of the same stages with nearby thresholds (bases among each other), some of other
    // stages, a chain that never escalates (structural cost zero), singles and pairs.
    const policies: PolicySpec[] = [
      { kind: 'single', models: [names[0]], thresholds: [] },
      { kind: 'single', models: [names[2]], thresholds: [] },
      { kind: 'pair', models: [names[0], names[3]], thresholds: [0.4] },
      { kind: 'chain', models: names.slice(0, 3), thresholds: [-1, 0.5] },
    ];
    for (let k = 0; k < 12; k++) policies.push({ kind: 'chain', models: names.slice(0, 3), thresholds: [t(), t()] });
    for (let k = 0; k < 8; k++) policies.push({ kind: 'chain', models: names, thresholds: [t(), t(), t()] });
    for (let k = 0; k < 4; k++) policies.push({ kind: 'chain', models: [names[1], names[2], names[3]], thresholds: [t(), t()] });
    const table = policyTable(ds, policies);
    const weightings = resampleCounts(6, ds.n, r);
    const got = table.measureResamples(weightings);
    weightings.forEach((w, k) => {
      policies.forEach((p, j) => {
        // Direct: per query, the stages it visits (up to the first confident one, or the last).
        const stages = p.models.map((name) => ds.models.find((x) => x.name === name)!);
        const visits = (i: number) => {
          const answering = stages.findIndex((m, s) => s === stages.length - 1 || m.confidence[i] >= (p.thresholds[s] ?? Infinity));
          return stages.slice(0, answering + 1);
        };
        const total = w.reduce((sum, x) => sum + x, 0);
        const sumOver = (value: (i: number) => number) => w.reduce((sum, x, i) => sum + x * value(i), 0);
        const cost = sumOver((i) => visits(i).reduce((c, m) => c + m.cost[i], 0));
        const quality = sumOver((i) => visits(i).at(-1)!.quality[i]);
        const structural = sumOver((i) =>
          visits(i)
            .slice(0, -1)
            .reduce((c, m) => c + m.cost[i], 0),
        );
        const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.abs(b);
        const at = `seed ${seed}, weighting ${k}, policy ${j}`;
        assert.ok(close(got[k].cost[j], cost / total), `cost, ${at}: ${got[k].cost[j]} vs ${cost / total}`);
        assert.ok(close(got[k].quality[j], quality / total), `quality, ${at}`);
        assert.ok(close(got[k].structuralCost[j], structural / total), `structural cost, ${at}: ${got[k].structuralCost[j]} vs ${structural / total}`);
      });
    });
  }
});

test('policyTable.measureEach: six weightings (four in one pass over the chains, then two) give direct query-by-query sums, and measure bit for bit', () => {
  const ds = pool(70, 8);
  const names = ds.models.map((m) => m.name);
  const policies = [
    { kind: 'single' as const, models: [names[1]], thresholds: [] },
    { kind: 'pair' as const, models: [names[0], names[3]], thresholds: [0.4] },
    { kind: 'chain' as const, models: names.slice(0, 3), thresholds: [0.8, 0.3] },
    { kind: 'chain' as const, models: names, thresholds: [0.9, null, 0.5] },
  ];
  const table = policyTable(ds, policies);
  const r = lcg(21);
  const weightings = resampleCounts(6, ds.n, r);
  const each = table.measureEach(weightings);
  weightings.forEach((w, k) => {
    assert.deepEqual(each[k], table.measure(w), `weighting ${k}`);
    policies.forEach((p, j) => {
      let cost = 0;
      let quality = 0;
      for (let i = 0; i < ds.n; i++) {
        for (let s = 0; s < p.models.length; s++) {
          const m = ds.models.find((x) => x.name === p.models[s])!;
          cost += w[i] * m.cost[i];
          const t = s < p.thresholds.length ? (p.thresholds[s] ?? Infinity) : -Infinity;
          if (m.confidence[i] >= t) {
            quality += w[i] * m.quality[i];
            break;
          }
        }
      }
      assert.ok(Math.abs(each[k].cost[j] - cost / ds.n) < 1e-15, `cost of policy ${j}, weighting ${k}`);
      assert.ok(Math.abs(each[k].quality[j] - quality / ds.n) < 1e-12, `quality of policy ${j}, weighting ${k}`);
    });
  });
});

test('compare with a real worker thread gives the result of one thread; a worker that fails to load is replaced by this thread', async () => {
  const out = mkdtempSync(join(tmpdir(), 'cf-compare-worker-'));
  const script = join(out, 'compare-worker.js');
  await esbuild.build({ ...NODE_BUNDLE, entryPoints: [join(repoRoot, 'src/core/compare/worker.ts')], outfile: script });
  const ds = pool(600, 11);
  const options = { split: { kind: 'field' as const, calibration: 'train', holdout: 'test' }, bootstrapResamples: 60, seed: 5 };
  try {
    configureParallelCompare({ script: undefined });
    const one = compare(ds, options);
    // The worker leaves a mark, to be sure it ran.
    const marked = join(out, 'marked-worker.js');
    const mark = join(out, 'worker-ran');
    writeFileSync(marked, `require('node:fs').writeFileSync(${JSON.stringify(mark)}, 'yes');\nrequire(${JSON.stringify(script)});\n`);
    configureParallelCompare({ script: marked, minWork: 1, minCores: 1 });
    const two = compare(ds, options);
    assert.ok(existsSync(mark), 'the worker ran');
    assert.deepEqual(two, one);

    // A worker that measures other resamples (another seed) changes the intervals, one that
    // searches chains on another grid changes the chains found: its answers are used.
    const other = join(out, 'other-seed-worker.js');
    writeFileSync(other, `require('node:worker_threads').workerData.job.seed += 1;\nrequire(${JSON.stringify(script)});\n`);
    configureParallelCompare({ script: other });
    const reseeded = compare(ds, options);
    assert.notDeepEqual(
      reseeded.families.map((f) => f.area),
      one.families.map((f) => f.area),
    );
    assert.deepEqual(
      reseeded.families.map((f) => f.holdout),
      one.families.map((f) => f.holdout),
    );
    const coarse = join(out, 'coarse-grid-worker.js');
    writeFileSync(coarse, `const job = require('node:worker_threads').workerData.job;\nif (job.kind === 'chains') job.lambdas = job.lambdas.slice(0, 1);\nrequire(${JSON.stringify(script)});\n`);
    configureParallelCompare({ script: coarse });
    const sub = (r: typeof one) => r.families.find((f) => f.id === 'bestSubsequence')!.inSample;
    assert.notDeepEqual(sub(compare(ds, options)), sub(one));

    const broken = join(out, 'broken-worker.js');
    writeFileSync(broken, 'throw new Error("a fault of the worker");\n');
    configureParallelCompare({ script: broken });
    assert.deepEqual(compare(ds, options), one);
  } finally {
    configureParallelCompare({ script: undefined, minWork: 4_000_000, minCores: 2 });
  }
});

test("the delta plan's steps shared with a real worker thread give the plan of one thread; the worker's steps are the ones used, and a worker that fails to load is replaced by this thread", async () => {
  const out = mkdtempSync(join(tmpdir(), 'cf-delta-worker-'));
  const script = join(out, 'compare-worker.js');
  await esbuild.build({ ...NODE_BUNDLE, entryPoints: [join(repoRoot, 'src/core/compare/worker.ts')], outfile: script });
  const ds = pool(900, 4);
  const byName = new Map(ds.models.map((m) => [m.name, m]));
  // Three groups of chains (the same stages at several thresholds), in an order the plan changes.
  // Stages and thresholds, as "m0 m1 m2 m3 @ 0.5 0.6 0.7".
  const specs = [
    'm0 m1 m2 m3 @ 0.5 0.6 0.7',
    'm0 m2 m3 @ 0.4 0.8',
    'm0 m1 m2 m3 @ 0.3 0.5 0.9',
    'm1 m2 m3 @ 0.6 0.6',
    'm0 m2 m3 @ 0.5 0.8',
    'm0 m1 m2 m3 @ 0.5 0.7 0.7',
    'm0 m2 m3 @ 0.4 0.9',
    'm1 m2 m3 @ 0.7 0.6',
  ].map((line) => line.split(' @ ').map((part) => part.split(' ')));
  const chains: ChainColumns[] = specs.map(([models, thresholds], index) => {
    const stages = models.map((name) => byName.get(name)!);
    return { index, models, stop: chainStops(stages, thresholds.map(Number)), costs: stages.map((m) => m.cost), qualities: stages.map((m) => m.quality) };
  });
  const one = chainDeltaPlan(chains, ds.models);
  const planned = () => sharedDeltaPlanner(ds.models)(chainPlanOrder(chains), ds.models)();
  // The plan starts some columns from another chain, so that a step that may not do so differs.
  const last = one[one.length - 1];
  assert.ok(last.columns.some((c) => c.fromChain >= 0));
  const sameAt = (plan: readonly ChainDelta[]) => plan.map((step) => step.columns[2].at === step.columns[0].at);
  try {
    const marked = join(out, 'marked-worker.js');
    const mark = join(out, 'worker-ran');
    writeFileSync(marked, `require('node:fs').writeFileSync(${JSON.stringify(mark)}, 'yes');\nrequire(${JSON.stringify(script)});\n`);
    configureParallelCompare({ script: marked, minWork: 1, minCores: 1 });
    const two = planned();
    assert.ok(existsSync(mark), 'the worker ran');
    assert.deepEqual(two, one);
    // Cost and structural cost share their queries where one thread's plan has them share.
    assert.deepEqual(sameAt(two), sameAt(one));

    // A worker whose steps may start only from zero: its steps (the last one always) are used.
    const zero = join(out, 'zero-worker.js');
    writeFileSync(
      zero,
      `const job = require('node:worker_threads').workerData.job;\nif (job.kind === 'deltas') { job.summed = []; job.order.forEach((e, p) => { e.first = p; }); }\nrequire(${JSON.stringify(script)});\n`,
    );
    configureParallelCompare({ script: zero });
    const fromZero = planned();
    const lastFromZero = fromZero[fromZero.length - 1];
    assert.deepEqual(
      lastFromZero.columns.map((c) => [c.fromChain, c.fromModel]),
      [
        [-1, -1],
        [-1, -1],
        [-1, -1],
      ],
    );
    // Every other step is the worker's (from zero) or this thread's (the plan of one thread).
    fromZero.forEach((step, p) => {
      if (!step.columns.every((c) => c.fromChain === -1 && c.fromModel === -1)) assert.deepEqual(step, one[p], `step ${p}`);
    });

    const broken = join(out, 'broken-worker.js');
    writeFileSync(broken, 'throw new Error("a fault of the worker");\n');
    configureParallelCompare({ script: broken });
    assert.deepEqual(planned(), one);
  } finally {
    configureParallelCompare({ script: undefined, minWork: 4_000_000, minCores: 2 });
  }
});
