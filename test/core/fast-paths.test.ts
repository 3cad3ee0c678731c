// Each shortcut the analysis takes for speed against the plain computation it stands for,
// written out here: shared orders and splits, selection instead of sorting, the merged
// envelope, the early end of the rule's sweeps, the rule's shared bootstrap draw, the
// normal intervals used from NORMAL_INTERVALS_FROM queries on, and a chain's means summed
// without its per-query outcomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeDataset } from '../support/dataset.ts';
import { columnScratch, forgetOrder, sharedOrder, sortedColumns, sortIndicesByValue } from '../../src/core/sortIndices.ts';
import { copiedOnFirstRead, isRun, splitDataset, subsetDataset } from '../../src/core/split.ts';
import {
  bootstrapMeanIntervals,
  bootstrapMeans,
  bootstrapPercentileIntervals,
  drawCounts,
  intervalMethod,
  kthSmallest,
  NORMAL_INTERVALS_FROM,
  releaseDrawTable,
  seededRandom,
  seededState,
} from '../../src/core/stats.ts';
import { keptSumsCounts } from '../../src/core/keptSums.ts';
import { keepBetweenCalls } from '../../src/core/keptBetweenCalls.ts';
import { sameBytes } from '../../src/core/load/columns.ts';
import { valueConcentration } from '../../src/core/signal/concentration.ts';
import { ksDistance } from '../../src/core/drift/intervals.ts';
import { pairwiseFrontier } from '../../src/core/envelope.ts';
import { measureJointly, measurePolicies, measurePoliciesJointly, measurePolicy } from '../../src/core/policy.ts';
import { policiesLatency } from '../../src/core/latency.ts';
import { cheapSums, PairSweep, sortedCheap, sortedPair } from '../../src/core/select/sweep.ts';
import { BOOTSTRAP_MAX_QUERIES, selectForBudgets, type SelectionOptions } from '../../src/core/select/rule.ts';
import { configureKeptPairs, keptPairsCount, keptPairsHeld, releaseKeptPairs } from '../../src/core/select/keptPairs.ts';
import { confidenceOrder } from '../../src/core/pairCurve.ts';
import { analyze } from '../../src/core/analyze.ts';
import type { Dataset, PolicySpec } from '../../src/core/types.ts';
import { tiedDatasets } from '../support/arbitraries.ts';
import { chainOutcomes, chainSummary } from '../../src/core/chain/evaluate.ts';

/** Indices by ascending value, ties by index: a comparison sort. */
const stableOrder = (v: ArrayLike<number>) => Array.from({ length: v.length }, (_, i) => i).sort((a, b) => (v[a] < v[b] ? -1 : v[a] > v[b] ? 1 : a - b));

// Random datasets: 2-4 models, 1-60 queries, few distinct values so ties happen.
const arbDataset = tiedDatasets(60);

test('sharedOrder: the stable order of a column, computed once per column', () => {
  const values = Float64Array.from({ length: 3000 }, (_, i) => Math.round(Math.sin(i) * 50) / 10);
  const first = sharedOrder(values);
  assert.deepEqual(Array.from(first), stableOrder(values));
  assert.equal(sharedOrder(values), first, 'the same array the second time');
  // A copy of the column is another column: its own order, equal in content.
  const copy = values.slice();
  assert.notEqual(sharedOrder(copy), first);
  assert.deepEqual(Array.from(sharedOrder(copy)), Array.from(first));
  // Another view of the same memory (a dataset loaded again that shares the column) finds it; a view of other rows does not.
  assert.equal(sharedOrder(values.subarray(0)), first, 'a view of the same rows');
  const rows = values.subarray(1000, 2500);
  assert.notEqual(sharedOrder(rows), first);
  assert.deepEqual(Array.from(sharedOrder(rows)), stableOrder(rows));
  assert.equal(sharedOrder(values.subarray(1000, 2500)), sharedOrder(rows), 'the same rows through another view');
  assert.deepEqual(Array.from(sharedOrder(values.subarray(1000, 2000))), stableOrder(values.subarray(1000, 2000)), 'fewer rows from the same place');
});

test('property: the radix sort orders like a comparison sort at every digit width (8-bit below 65,536 values, 16-bit from there)', () => {
  const random = seededRandom(3);
  for (const n of [300, 65535, 65536, 70000]) {
    for (const kind of ['continuous', 'ties', 'one value']) {
      const v = Float64Array.from({ length: n }, () => (kind === 'continuous' ? Math.log(random()) * (random() < 0.5 ? -1 : 1) : kind === 'ties' ? Math.round(random() * 8) / 4 - 1 : -2.5));
      assert.deepEqual(Array.from(sortIndicesByValue(v)), stableOrder(v), `${n} ${kind}`);
    }
  }
});

test('property: the radix sort orders like a comparison sort values that share the high half of their bits (short and long runs, -0 and +0, infinities)', () => {
  const random = seededRandom(11);
  const kinds: Record<string, () => number> = {
    // 1000 values 2^-45 apart: long runs of one high half, ordered by the low half.
    crowded: () => (random() < 0.5 ? -1 : 1) * (1 + Math.floor(random() * 1000) * 2 ** -45),
    // A few values 2^-40 apart in each of three places: short runs.
    'short runs': () => 0.5 + Math.floor(random() * 40) * 2 ** -40 + Math.floor(random() * 3) * 2 ** -10,
    zeros: () => (random() < 0.1 ? Infinity : random() < 0.1 ? -Infinity : random() < 0.5 ? 0 : -0),
    subnormal: () => (random() < 0.3 ? 0 : random() < 0.5 ? -0 : (random() < 0.5 ? -1 : 1) * Math.floor(random() * 50) * 2 ** -1060),
  };
  for (const n of [256, 2047, 2048, 65536]) {
    for (const [kind, draw] of Object.entries(kinds)) {
      const v = Float64Array.from({ length: n }, draw);
      assert.deepEqual(Array.from(sortIndicesByValue(v)), stableOrder(v), `${n} ${kind}`);
    }
  }
});

test('sorts in a row that reuse working arrays each keep their own order (the same length, another length, one value, between them)', () => {
  const random = seededRandom(23);
  const columns = [70000, 70000, 70000, 65536, 70000, 70000, 70000, 70000, 70000].map((n, k) =>
    Float64Array.from({ length: n }, () => (k === 2 ? 1.5 : k % 2 === 0 ? random() : Math.round(random() * 50) / 7)),
  );
  const orders = columns.map((v) => sortIndicesByValue(v));
  for (let a = 0; a < orders.length; a++) for (let b = a + 1; b < orders.length; b++) assert.notEqual(orders[a].buffer, orders[b].buffer, `orders ${a} and ${b} share memory`);
  columns.forEach((v, k) => assert.deepEqual(Array.from(orders[k]), stableOrder(v), `column ${k}`));
});

test("sharedOrder keeps a column's order until forgetOrder lets it go; another view of the same memory keeps its own", () => {
  const values = Float64Array.from([0.3, 0.1, 0.2, 0.1]);
  const first = sharedOrder(values);
  assert.equal(sharedOrder(values), first, 'kept');
  const head = values.subarray(0, 2);
  const headOrder = sharedOrder(head);
  forgetOrder(values);
  const again = sharedOrder(values);
  assert.notEqual(again, first, 'made again');
  assert.deepEqual(Array.from(again), Array.from(first));
  assert.equal(sharedOrder(head), headOrder, 'the other view is still kept');
});

test('a column scratch lends distinct columns until it takes them back, then lends the same ones; sorted columns made from it are the same values', () => {
  const scratch = columnScratch();
  const a = scratch.column(5);
  const b = scratch.column(5);
  const c = scratch.column(3);
  assert.notEqual(a, b);
  assert.deepEqual([a.length, b.length, c.length], [5, 5, 3]);
  scratch.reuse();
  const again = [scratch.column(5), scratch.column(5), scratch.column(3), scratch.column(5)];
  assert.deepEqual(new Set(again.slice(0, 3)), new Set([a, b, c]));
  assert.ok(![a, b, c].includes(again[3]!), 'a fourth column is a new one');
  scratch.reuse();
  const values = Float64Array.from([3, -1, 2, -1, 0.5]);
  const other = Float64Array.from([9, 8, 7, 6, 5]);
  const sorted = sortedColumns(scratch);
  assert.deepEqual(Array.from(sorted(values)), [-1, -1, 0.5, 2, 3]);
  assert.deepEqual(Array.from(sorted(other)), [5, 6, 7, 8, 9], 'two columns lent at once do not share memory');
  assert.deepEqual(Array.from(sorted(values)), [-1, -1, 0.5, 2, 3]);
});

test('sortedColumns: a column in ascending order, made once per column while it is kept', () => {
  const a = Float64Array.from([3, -1, 2, -1, 0.5]);
  const b = Float64Array.from([1, 0]);
  const sorted = sortedColumns();
  assert.deepEqual(Array.from(sorted(a)), [-1, -1, 0.5, 2, 3]);
  assert.equal(sorted(a), sorted(a), 'the same array the second time');
  assert.deepEqual(Array.from(sorted(b)), [0, 1]);
  assert.notEqual(sortedColumns()(a), sorted(a), 'another one makes its own');
});

test('splitDataset: the same dataset split the same way gives the same subsets; another split others', () => {
  const ds = makeDataset({ A: { q: [1, 0, 1, 0, 1, 1], s: [1, 2, 3, 4, 5, 6], c: [1, 1, 1, 1, 1, 1] } }, ['train', 'test', 'train', 'test', 'train', 'test']);
  const option = { kind: 'field', calibration: 'train', holdout: 'test' } as const;
  const a = splitDataset(ds, option);
  assert.equal(splitDataset(ds, { ...option }), a);
  assert.deepEqual(Array.from(a.calibration.models[0].confidence), [1, 3, 5]);
  const b = splitDataset(ds, { kind: 'field', calibration: 'test', holdout: 'train' });
  assert.notEqual(b, a);
  assert.deepEqual(Array.from(b.calibration.models[0].confidence), [2, 4, 6]);
});

test('subsetDataset: token columns are the rows of the source, made on first read and kept', () => {
  const base = makeDataset({ A: { q: [1, 0, 1, 0], s: [1, 2, 3, 4], c: [1, 2, 3, 4] }, B: { q: [1, 1, 0, 0], s: [0, 0, 0, 0], c: [5, 5, 5, 5] } });
  const ds = { ...base, models: [{ ...base.models[0], tokensIn: Float64Array.from([10, 11, 12, 13]), tokensOut: Float64Array.from([20, NaN, 22, 23]) }, base.models[1]] };
  const sub = subsetDataset(ds, Uint32Array.from([1, 3]));
  const [a, b] = sub.models;
  assert.deepEqual(Array.from(a.tokensIn!), [11, 13]);
  assert.deepEqual(Array.from(a.tokensOut!), [NaN, 23]);
  assert.equal(a.tokensIn, a.tokensIn);
  assert.deepEqual(Object.keys(a).sort(), ['confidence', 'cost', 'name', 'quality', 'tokensIn', 'tokensOut']);
  // A model without tokens gets none.
  assert.equal('tokensIn' in b, false);
  assert.equal(b.tokensOut, undefined);
  assert.deepEqual(Array.from(a.cost), [2, 4]);
});

test('subsetDataset: rows that are one run give views of the columns, other rows copies; the same values either way', () => {
  assert.equal(isRun(Uint32Array.from([3, 4, 5])), true);
  assert.equal(isRun(Uint32Array.from([7])), true);
  assert.equal(isRun(Uint32Array.from([])), false);
  assert.equal(isRun(Uint32Array.from([3, 5, 6])), false);
  assert.equal(isRun(Uint32Array.from([4, 3])), false);
  const ds = makeDataset({ A: { q: [1, 0, 1, 0, 1], s: [5, 4, 3, 2, 1], c: [1, 2, 3, 4, 5], l: [10, 20, 30, 40, 50] } }, ['x', 'x', 'y', 'y', 'y']);
  const run = subsetDataset(ds, Uint32Array.from([2, 3, 4]));
  const scattered = subsetDataset(ds, Uint32Array.from([0, 2, 4]));
  const m = run.models[0];
  assert.deepEqual(
    [Array.from(m.quality), Array.from(m.confidence), Array.from(m.cost), Array.from(m.latencyMs!)],
    [
      [1, 0, 1],
      [3, 2, 1],
      [3, 4, 5],
      [30, 40, 50],
    ],
  );
  assert.deepEqual(run.ids, ['q2', 'q3', 'q4']);
  assert.deepEqual(Array.from(run.splitCodes!), [1, 1, 1]);
  assert.equal(m.cost.buffer, ds.models[0].cost.buffer);
  assert.equal(run.splitCodes!.buffer, ds.splitCodes!.buffer);
  const c = scattered.models[0];
  assert.deepEqual(
    [Array.from(c.quality), Array.from(c.confidence), Array.from(c.cost)],
    [
      [1, 1, 1],
      [5, 3, 1],
      [1, 3, 5],
    ],
  );
  assert.notEqual(c.cost.buffer, ds.models[0].cost.buffer);
});

test('copiedOnFirstRead: makes the value once, on the first read', () => {
  let made = 0;
  const target: { value?: number[] } = {};
  copiedOnFirstRead(target, 'value', () => {
    made++;
    return [made];
  });
  assert.equal(made, 0);
  assert.deepEqual(target.value, [1]);
  assert.deepEqual(target.value, [1]);
  assert.equal(made, 1);
  assert.deepEqual(JSON.parse(JSON.stringify(target)), { value: [1] });
});

test('bootstrapMeans of one to nine columns: each resample draws n queries with the seeded generator, each mean sums its column in query order', () => {
  const n = 37;
  const random = seededRandom(5);
  const columns = Array.from({ length: 9 }, (_, c) => Float64Array.from({ length: n }, () => (c % 2 === 0 ? Math.round(random() * 3) : random() * 1e-3 - 4e-4)));
  const resamples = 25;
  // The draws written out: query floor(u n) for each of n draws u of seededRandom(seed), counted.
  const draw = seededRandom(11);
  const counts = Array.from({ length: resamples }, () => {
    const k = new Array<number>(n).fill(0);
    for (let x = 0; x < n; x++) k[Math.floor(draw() * n)]++;
    return k;
  });
  for (let width = 1; width <= columns.length; width++) {
    const got = bootstrapMeans(columns.slice(0, width), resamples, 11);
    for (let c = 0; c < width; c++) {
      const want = counts.map((k) => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += k[i] * columns[c][i];
        return sum / n;
      });
      assert.deepEqual(Array.from(got[c]), want, `${width} columns, column ${c}`);
    }
  }
});

test('drawCounts from seededState(seed, skip): the counts of n draws floor(u n) of seededRandom(seed, skip), resample after resample, whatever the skip', () => {
  for (const [seed, n, skip] of [
    [9, 1, 0],
    [9, 7, 0],
    [3, 90, 90 * 5],
    [0xffffffff, 1000, 123_456_789],
    [42, 333, 2 ** 32 + 17],
  ]) {
    const random = seededRandom(seed, skip);
    let state = seededState(seed, skip);
    const weights = new Float64Array(n).fill(5);
    for (let r = 0; r < 4; r++) {
      const want = new Array<number>(n).fill(0);
      for (let j = 0; j < n; j++) want[Math.floor(random() * n)]++;
      state = drawCounts(weights, state);
      assert.deepEqual(Array.from(weights), want, `seed ${seed}, n ${n}, skip ${skip}, resample ${r}`);
    }
  }
});

test('bootstrapPercentileIntervals: the percentile interval of every column is that of its means summed in query order under every resample, to the last bit', () => {
  const random = seededRandom(17);
  // Whole numbers, lognormal costs, signed values, quarters (a quality averaged over 4 repeats),
  // a constant, large and tiny magnitudes, values that repeat (many resamples share a mean),
  // values whose sums overflow.
  const kinds: (() => number)[] = [
    () => (random() < 0.6 ? 1 : 0),
    () => 1e-4 * Math.exp(2 * random()),
    () => random() - 0.5,
    () => (Math.floor(random() * 9) - 4) / 4,
    () => 0.00025,
    () => 1e6 * random() * random(),
    () => 1e-310 * Math.floor(random() * 5),
    () => [0.0001, 0.0003, 0.0021][Math.floor(random() * 3)],
    () => 1e307 * (1 + random()),
  ];
  // The interval written out: the draws counted, each mean summed in query order, sorted, read at h = (R - 1) p between ranks.
  const direct = (columns: Float64Array[], resamples: number, seed: number, level: number): [number, number][] => {
    const n = columns[0].length;
    const draw = seededRandom(seed);
    const means = columns.map(() => [] as number[]);
    for (let r = 0; r < resamples; r++) {
      const k = new Array<number>(n).fill(0);
      for (let x = 0; x < n; x++) k[Math.floor(draw() * n)]++;
      columns.forEach((column, c) => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += k[i] * column[i];
        means[c].push(sum / n);
      });
    }
    return means.map((m) => {
      m.sort((x, y) => x - y);
      const at = (p: number) => {
        const h = (m.length - 1) * p;
        return m[Math.floor(h)] + (h - Math.floor(h)) * (m[Math.ceil(h)] - m[Math.floor(h)]);
      };
      return [at((1 - level) / 2), at(1 - (1 - level) / 2)];
    });
  };
  const cases: [number, number][] = [
    [1, 5],
    [2, 40],
    [37, 25],
    [300, 1000],
    [1600, 200],
    [3000, 1000],
  ];
  for (const [n, resamples] of cases) {
    for (let trial = 0; trial < 3; trial++) {
      const picked = Array.from({ length: 1 + Math.floor(random() * 6) }, () => kinds[Math.floor(random() * kinds.length)]);
      const columns = picked.map((kind) => Float64Array.from({ length: n }, kind));
      const seed = Math.floor(random() * 1e9);
      const level = trial === 1 ? 0.8 : 0.95;
      const levels = columns.map((_, c) => (c === columns.length - 1 ? 0.8 : level));
      const want = columns.map((column, c) => direct([column], resamples, seed, levels[c])[0]);
      const got = bootstrapPercentileIntervals(columns, resamples, seed, levels);
      want.forEach((w, c) => {
        assert.ok(Object.is(got[c][0], w[0]) && Object.is(got[c][1], w[1]), `n ${n}, ${resamples} resamples, column ${c}: ${got[c]} against ${w}`);
      });
    }
  }
});

/** The percentile interval of one column written out: the draws counted, each mean summed in query order, sorted, read at h = (R - 1) p between ranks. */
const directInterval = (column: Float64Array, resamples: number, seed: number, level: number): [number, number] => {
  const n = column.length;
  const draw = seededRandom(seed);
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const k = new Array<number>(n).fill(0);
    for (let x = 0; x < n; x++) k[Math.floor(draw() * n)]++;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += k[i] * column[i];
    means.push(sum / n);
  }
  means.sort((x, y) => x - y);
  const at = (p: number) => {
    const h = (means.length - 1) * p;
    return means[Math.floor(h)] + (h - Math.floor(h)) * (means[Math.ceil(h)] - means[Math.floor(h)]);
  };
  return [at((1 - level) / 2), at(1 - (1 - level) / 2)];
};

test('bootstrapPercentileIntervals asked again and again for the same resamples (as at every save in the editor) reads its draws from a table: the same intervals to the last bit, whatever came between', () => {
  const random = seededRandom(23);
  // Two sets of resamples, odd and even n, asked in turns and in runs (a table is made at the
  // second ask in a row and kept until another set is asked twice in a row), with other values each time.
  const sets: [number, number, number][] = [
    [801, 300, 7],
    [1200, 250, 8],
  ];
  // A table let go (an idle process) is made again at the next two asks (-1: let go here).
  for (const which of [0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, -1, 0, 0, 0]) {
    if (which < 0) {
      releaseDrawTable();
      continue;
    }
    const [n, resamples, seed] = sets[which];
    const columns = [
      Float64Array.from({ length: n }, () => (random() < 0.7 ? 1 : 0)),
      Float64Array.from({ length: n }, () => 1e-4 * Math.exp(2 * random())),
      Float64Array.from({ length: n }, () => random() - 0.5),
      Float64Array.from({ length: n }, () => (Math.floor(random() * 9) - 4) / 4),
      Float64Array.from({ length: n }, () => 1e-3 * random()),
    ];
    const levels = columns.map(() => 0.95);
    const got = bootstrapPercentileIntervals(columns, resamples, seed, levels);
    columns.forEach((column, c) => {
      const want = directInterval(column, resamples, seed, levels[c]);
      assert.ok(Object.is(got[c][0], want[0]) && Object.is(got[c][1], want[1]), `n ${n}, column ${c}: ${got[c]} against ${want}`);
    });
  }
});

test('bootstrapPercentileIntervals keeps the resampled sums of its columns: a column seen before, or a 0/1 or quarter column a few values away from one, gives the intervals a new pass gives, to the last bit', () => {
  const random = seededRandom(29);
  // A copy of `column` with `count` values at random places made another value of `kind`'s.
  const changed = (column: Float64Array, count: number, kind: (old: number) => number): Float64Array => {
    const next = column.slice();
    for (let j = 0; j < count; j++) {
      const i = Math.floor(random() * next.length);
      next[i] = kind(next[i]);
    }
    return next;
  };
  const flip = (old: number) => (old === 1 ? 0 : Object.is(old, 0) && random() < 0.3 ? -0 : 1);
  const quarter = (old: number) => (old + 0.25 > 1 ? -1 : old + 0.25);
  const cost = () => 1e-4 * Math.exp(2 * random());
  // The third set draws other resamples of the first one's columns (another seed).
  const sets: [number, number, number][] = [
    [1200, 300, 5],
    [801, 250, 6],
    [1200, 300, 9],
  ];
  const base = sets.slice(0, 2).map(([n]) => ({
    hits: Float64Array.from({ length: n }, () => (random() < 0.7 ? 1 : 0)),
    quarters: Float64Array.from({ length: n }, () => (Math.floor(random() * 9) - 4) / 4),
    costs: Float64Array.from({ length: n }, cost),
    others: Float64Array.from({ length: n }, cost),
  }));
  base.push(base[0]);
  releaseDrawTable();
  let before = keptSumsCounts();
  // Asked in runs and turns (a table of draws from the second ask in a row), once after all is let go (-1).
  const plan = [0, 0, 0, 0, 1, 1, 1, 0, 0, 2, 2, 2, 0, 0, -1, 0, 0, 1, 0, 0];
  // A 0/1 column a value away from the one asked last of its length, whatever the set (the
  // first ask of the third set in a run takes another), so that the nearest kept column can be one of other draws.
  const drifting = new Map<number, Float64Array>();
  plan.forEach((which, step) => {
    if (which < 0) {
      releaseDrawTable();
      return;
    }
    const [n, resamples, seed] = sets[which];
    const b = base[which];
    const fewHits = changed(b.hits, 1 + (step % 5), flip);
    const fewQuarters = changed(b.quarters, 3, quarter);
    const fewCosts = changed(b.costs, 2, cost);
    const manyHits = changed(b.hits, Math.ceil(n / 16), flip);
    // Costs with one value huge at every other ask: sums that lose the small values, which no
    // column without it may start from.
    const away = which === 2 && plan[step - 1] !== 2;
    const drift = away ? changed(b.hits, Math.ceil(n / 8), flip) : changed(drifting.get(n) ?? b.hits, 1, flip);
    if (!away) drifting.set(n, drift);
    const others = changed(b.others, 1, cost);
    if (step % 2 === 0) others[0] = 1e12;
    const columns = [b.hits, fewHits, b.costs, fewCosts, fewQuarters, manyHits, b.quarters, others, drift];
    const levels = columns.map((_, c) => (c % 2 === 0 ? 0.95 : 0.8));
    const got = keepBetweenCalls(() => bootstrapPercentileIntervals(columns, resamples, seed, levels));
    columns.forEach((column, c) => {
      const want = directInterval(column, resamples, seed, levels[c]);
      assert.ok(Object.is(got[c][0], want[0]) && Object.is(got[c][1], want[1]), `step ${step}, n ${n}, column ${c}: ${got[c]} against ${want}`);
    });
    // From the second ask in a row of a set: the unchanged columns come back as they were, the
    // few-changed 0/1 and quarter columns from them; costs and many changes are summed again.
    const after = keptSumsCounts();
    const inRow = step > 0 && plan[step - 1] === which;
    if (inRow) {
      assert.ok(after.same - before.same >= 3, `step ${step}: ${after.same - before.same} columns as they were`);
      assert.ok(after.updated - before.updated >= 2, `step ${step}: ${after.updated - before.updated} columns updated`);
    }
    before = after;
    // Outside keepBetweenCalls the same columns recall nothing: summed again, the same intervals.
    assert.deepEqual(bootstrapPercentileIntervals(columns, resamples, seed, levels), got);
    assert.deepEqual(keptSumsCounts(), after);
  });
});

test('property: kthSmallest is the k-th value of the sorted array', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 1, 2)), { minLength: 1, maxLength: 300 }), fc.nat(), (xs, k0) => {
      const k = k0 % xs.length;
      const sorted = Float64Array.from(xs).sort();
      // As a number: a sort may put -0 before 0 where the selection returns the other.
      assert.ok(kthSmallest(Float64Array.from(xs), k) === sorted[k]);
    }),
    { numRuns: 300 },
  );
});

test('property: distinct values and the share of the most common ones read from the order equal a count by value', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(0, -0, 0.5, 1, -Infinity, Infinity, 0.25), { maxLength: 200 }), fc.integer({ min: 1, max: 6 }), (xs, few) => {
      const v = Float64Array.from(xs);
      const counts = new Map<number, number>();
      for (const x of xs) counts.set(x === 0 ? 0 : x, (counts.get(x === 0 ? 0 : x) ?? 0) + 1);
      const top = [...counts.values()].sort((a, b) => b - a).slice(0, few);
      const expected = { distinct: counts.size, commonShare: xs.length === 0 ? 0 : top.reduce((a, b) => a + b, 0) / xs.length };
      assert.deepEqual(valueConcentration(v, few, sortIndicesByValue(v)), expected);
    }),
    { numRuns: 300 },
  );
});

test('property: the KS distance from shared orders is the largest gap between the two empirical distributions', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 80 }), fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 80 }), (xs, ys) => {
      let expected = 0;
      for (const t of [...xs, ...ys]) {
        const fx = xs.filter((x) => x <= t).length / xs.length;
        const fy = ys.filter((y) => y <= t).length / ys.length;
        expected = Math.max(expected, Math.abs(fx - fy));
      }
      assert.ok(Math.abs(ksDistance(Float64Array.from(xs), Float64Array.from(ys)) - expected) < 1e-12);
    }),
    { numRuns: 200 },
  );
});

test('property: the merged envelope is the Pareto scan of every candidate in a stable sort by cost (singles first, then each pair in order)', () => {
  fc.assert(
    fc.property(arbDataset, (ds) => {
      const f = pairwiseFrontier(ds);
      // Candidates in the order the tie rule states, then a stable sort by cost and one scan.
      const candidates: { cost: number; quality: number; key: string }[] = f.singles.map((s) => ({ cost: s.cost, quality: s.quality, key: s.name }));
      f.curves.forEach((c) => {
        for (let j = 1; j < c.cost.length; j++) candidates.push({ cost: c.cost[j], quality: c.quality[j], key: `${c.cheap}>${c.expensive}@${c.thresholds[j]}` });
      });
      const sorted = candidates.map((c, i) => ({ ...c, i })).sort((a, b) => a.cost - b.cost || a.i - b.i);
      const kept: typeof sorted = [];
      let best = -Infinity;
      for (const c of sorted) {
        if (!(c.quality > best)) continue;
        while (kept.length > 0 && kept[kept.length - 1].cost === c.cost) kept.pop();
        kept.push(c);
        best = c.quality;
      }
      assert.deepEqual(
        f.envelope.map((v) => [v.cost, v.quality, v.policy.models.join('>')]),
        kept.map((c) => [c.cost, c.quality, c.key.split('@')[0]]),
      );
    }),
    { numRuns: 300 },
  );
});

test('the envelope of pairs whose escalation lowers the cost (negative costs) falls back to sorting every candidate', () => {
  const ds = makeDataset({
    A: { q: [0, 1, 0, 1], s: [0.1, 0.2, 0.3, 0.4], c: [1, 1, 1, 1] },
    B: { q: [1, 1, 1, 0], s: [0, 0, 0, 0], c: [-0.5, 2, -0.25, 3] },
  });
  const f = pairwiseFrontier(ds);
  for (let v = 1; v < f.envelope.length; v++) assert.ok(f.envelope[v].cost > f.envelope[v - 1].cost && f.envelope[v].quality > f.envelope[v - 1].quality);
  for (const v of f.envelope) {
    const m = measurePolicy(ds, v.policy);
    assert.ok(Math.abs(m.cost - v.cost) < 1e-12 && Math.abs(m.quality - v.quality) < 1e-12);
  }
});

test('property: measurePolicies (one sweep per pair) equals measuring each policy query by query', () => {
  fc.assert(
    fc.property(arbDataset, (ds) => {
      const policies = pairwiseFrontier(ds).envelope.map((v) => v.policy);
      const together = measurePolicies(ds, policies);
      policies.forEach((p, x) => {
        const alone = measurePolicy(ds, p);
        for (const key of ['cost', 'quality', 'escalationRate', 'costSd'] as const) assert.ok(Math.abs(together[x][key]! - alone[key]!) < 1e-12, key);
      });
    }),
    { numRuns: 200 },
  );
});

test('property: a rule sweep that ends past every budget fits as the full sweep does', () => {
  fc.assert(
    fc.property(
      arbDataset,
      fc.array(fc.double({ min: 0, max: 4, noNaN: true }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 0, max: 5 }),
      fc.double({ min: 0, max: 2.5, noNaN: true }),
      fc.constantFrom(0, 1.2816),
      (ds, budgets, window, cap, z) => {
        const [a, b] = ds.models;
        const order = confidenceOrder(a);
        const cheap = sortedCheap(a, order);
        const pair = sortedPair(cheap, b);
        const sums = cheapSums(cheap, null, ds.n);
        const sorted = Float64Array.from(budgets).sort();
        const full = new PairSweep(ds.n);
        full.trace(pair, null, ds.n, sums);
        full.smooth(window);
        const expected = new Int32Array(sorted.length);
        full.fit(sorted, z, cap, expected);
        const limited = new PairSweep(ds.n);
        limited.trace(pair, null, ds.n, sums, { cost: sorted[sorted.length - 1], threshold: cap, margin: window });
        limited.smooth(window);
        const got = new Int32Array(sorted.length);
        limited.fit(sorted, z, cap, got);
        assert.deepEqual(Array.from(got), Array.from(expected));
        got.forEach((j) => {
          if (j >= 0) assert.equal(limited.threshold[j], full.threshold[j]);
        });
      },
    ),
    { numRuns: 300 },
  );
});

/** A seeded set of three models where escalating the cheap one is worth it. */
function cascadeData(n: number, seed: number): Dataset {
  const random = seededRandom(seed);
  const hard = Array.from({ length: n }, () => random());
  const model = (skill: number, price: number) => {
    const right = hard.map((h) => (random() < 1 / (1 + Math.exp(-(skill - 4 * (h - 0.5)))) ? 1 : 0));
    return { q: right, s: hard.map((h, i) => -h + 0.3 * (right[i] - 0.5) + 0.2 * random()), c: hard.map(() => price * (0.8 + 0.4 * random())) };
  };
  return makeDataset(
    { cheap: model(-0.5, 1), mid: model(0.5, 3), dear: model(1.5, 10) },
    hard.map((_, i) => (i % 3 === 0 ? 'test' : 'train')),
  );
}

test('the recommendation shares one bootstrap draw between the gain and the in-sample intervals: the same numbers as drawing each', () => {
  const ds = cascadeData(1200, 5);
  const split = { kind: 'field', calibration: 'train', holdout: 'test' } as const;
  const cal = splitDataset(ds, split).calibration;
  for (const budget of [2, 4, 7]) {
    const r = analyze(ds, { budget, split, bootstrapResamples: 300, seed: 9 }).recommendation!;
    const own = selectForBudgets(cal, [budget], { resamples: 300, seed: 9 })[0];
    assert.deepEqual(r.verdict, { ...own.verdict, ...(r.verdict?.candidateHoldout ? { candidateHoldout: r.verdict.candidateHoldout, holdoutGain: r.verdict.holdoutGain } : {}) });
    assert.deepEqual(r.choice?.policy, own.choice?.policy);
    const single = { kind: 'single', models: [r.bestSingle!.model], thresholds: [] } as const;
    const [inSample, singleIn] = measurePoliciesJointly(cal, [r.choice!.policy, single], { resamples: 300, seed: 9, level: 0.95, latency: true });
    assert.deepEqual(r.inSample, inSample);
    assert.deepEqual(r.bestSingle?.inSample, singleIn);
  }
});

/** Four models of n queries (answers, confidences, costs, latencies), cheapest to dearest, for the rule's kept fits. */
function fourModels(n: number, seed: number) {
  const random = seededRandom(seed);
  const hard = Array.from({ length: n }, () => random());
  const model = (skill: number, price: number, latency: number) => {
    const q = hard.map((h): number => (random() < 1 / (1 + Math.exp(-(skill - 4 * (h - 0.5)))) ? 1 : 0));
    return { q, s: hard.map((h, i) => -h + 0.3 * (q[i] - 0.5) + 0.2 * random()), c: hard.map(() => price * (0.8 + 0.4 * random())), l: hard.map(() => latency * (0.5 + random())) };
  };
  return { tiny: model(-1, 0.5, 80), cheap: model(-0.5, 1, 150), mid: model(0.5, 3, 300), dear: model(1.5, 10, 600) };
}

/** Eight budgets from 0.6 up, spread as the budget grid spreads them. */
const GRID = Array.from({ length: 8 }, (_, i) => 0.6 * 1.4 ** i);

test('the rule keeps its pair fits from one call to the next: after any one model changes (answers, confidence, cost, latency), the picks are those of a call that keeps nothing', () => {
  const random = seededRandom(41);
  const n = 600;
  const models = fourModels(n, 41);
  const midQuality = models.mid.q.slice();
  const grid = GRID;
  const calls: [number[], SelectionOptions][] = [
    [[4], { resamples: 200, seed: 3 }],
    [grid, { resamples: 200 }],
    [[4, 7], { resamples: 0, maxLatencyP95Ms: 800 }],
    [[4], { resamples: 100, crossValidate: false }],
    [[2.5], { resamples: 100, seed: 5, folds: 3, smoothing: 0.05 }],
    // The first call's settings but one: their fits are not the first call's.
    [[2, 4], { resamples: 200, seed: 3 }],
    [[4], { resamples: 200, seed: 3, crossValidate: false }],
    [[4], { resamples: 200, seed: 3, folds: 3 }],
    [[4], { resamples: 200, seed: 3, repeats: 1 }],
    [[4], { resamples: 200, seed: 4 }],
    [[4], { resamples: 200, seed: 3, smoothing: 0.3 }],
    [[4], { resamples: 200, seed: 3, budgetConfidence: 0.6 }],
  ];
  // Each step changes one model (cumulatively), then asks every call with what was kept, then
  // with nothing kept: the same picks, to the last bit.
  const steps: [string, () => void][] = [
    ['nothing kept yet', () => {}],
    ['nothing changed', () => {}],
    ['three answers of dear', () => [5, 50, 500].forEach((i) => (models.dear.q[i] = 1 - models.dear.q[i]))],
    ['one confidence of cheap', () => (models.cheap.s[7] += 0.5)],
    ['one cost of mid', () => (models.mid.c[9] *= 3)],
    ['one latency of mid', () => (models.mid.l[11] += 2000)],
    ['many answers of mid wrong (other pairs beat the simple policy now)', () => models.mid.q.forEach((q, i) => (models.mid.q[i] = q === 1 && random() < 0.4 ? 0 : q))],
    ['mid back as it was', () => models.mid.q.splice(0, n, ...midQuality)],
  ];
  releaseKeptPairs();
  for (const [what, change] of steps) {
    change();
    const ds = makeDataset(models);
    const before = keptPairsCount();
    const got = keepBetweenCalls(() => calls.map(([budgets, options]) => selectForBudgets(ds, budgets, options)));
    const taken = keptPairsCount() - before;
    // Outside keepBetweenCalls nothing is recalled (nor kept).
    const want = calls.map(([budgets, options]) => selectForBudgets(ds, budgets, options));
    assert.equal(keptPairsCount() - before, taken);
    got.forEach((g, c) => assert.deepEqual(g, want[c], `${what}, call ${c}`));
    if (what === 'nothing kept yet') assert.ok(taken === 0 && got.flat().some((pick) => pick.verdict?.candidate), 'cascades among the candidates');
    else assert.ok(taken > 0, `${what}: no fit taken as kept`);
  }
});

test('kept pair fits stay within their bytes: a call that would keep more keeps its first pairs, which the next call finds; fits of other settings go first', () => {
  const ds = makeDataset(fourModels(600, 43));
  // An out-of-fold column is 4,800 bytes here: room for two in the small fits, three in the large.
  const column = 600 * 8;
  const limits = { smallFitBytes: column + 1000, smallBytes: 2.5 * column, largeBytes: 3.5 * column };
  configureKeptPairs(limits);
  try {
    const calls: [number[], SelectionOptions][] = [
      [[4], { resamples: 0, seed: 3 }],
      [GRID, { resamples: 0, seed: 3 }],
      [[3], { resamples: 0, seed: 4 }],
    ];
    // Alone, each call asked twice: the second finds every fit the first kept.
    calls.forEach(([budgets, options], c) => {
      releaseKeptPairs();
      keepBetweenCalls(() => selectForBudgets(ds, budgets, options));
      const kept = keptPairsHeld().fits;
      const before = keptPairsCount();
      keepBetweenCalls(() => selectForBudgets(ds, budgets, options));
      assert.ok(kept > 0 && keptPairsCount() - before === kept, `call ${c}: ${keptPairsCount() - before} of ${kept} kept fits found`);
    });
    // In turns: the picks the same, the bytes within their limits, and a call asked again finds fits.
    for (const c of [0, 0, 1, 1, 2, 2, 0, 1, 2, 0, 0]) {
      const [budgets, options] = calls[c];
      const before = keptPairsCount();
      const got = keepBetweenCalls(() => selectForBudgets(ds, budgets, options));
      const taken = keptPairsCount() - before;
      assert.deepEqual(got, selectForBudgets(ds, budgets, options), `call ${c}`);
      const held = keptPairsHeld();
      assert.ok(held.smallBytes <= limits.smallBytes && held.largeBytes <= limits.largeBytes, `call ${c}: ${JSON.stringify(held)}`);
      const again = keptPairsCount();
      keepBetweenCalls(() => selectForBudgets(ds, budgets, options));
      const found = keptPairsCount() - again;
      assert.ok(found >= taken && found > 0, `call ${c} asked again: ${found} fits found, ${taken} the time before`);
      assert.equal(keptPairsHeld().fits, held.fits, `call ${c} asked again keeps no more`);
    }
    assert.ok(keptPairsHeld().largeBytes > 0 && keptPairsHeld().smallBytes > 0, 'both kinds of fit kept');
  } finally {
    configureKeptPairs();
  }
  assert.equal(keptPairsHeld().fits, 0);
});

test(`intervals of means: bootstrap percentile below ${NORMAL_INTERVALS_FROM} queries, normal from there on, and the two agree there`, () => {
  assert.equal(intervalMethod(NORMAL_INTERVALS_FROM - 1), 'percentile');
  assert.equal(intervalMethod(NORMAL_INTERVALS_FROM), 'normal');
  const n = NORMAL_INTERVALS_FROM;
  const random = seededRandom(11);
  // A 70% success rate and a right-skewed cost (lognormal, as token counts make costs).
  const quality = Float64Array.from({ length: n }, () => (random() < 0.7 ? 1 : 0));
  const cost = Float64Array.from({ length: n }, () => 0.001 * Math.exp(0.8 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())));
  const normal = (values: Float64Array) => {
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    return [mean - (1.959964 * sd) / Math.sqrt(n), mean + (1.959964 * sd) / Math.sqrt(n)];
  };
  const percentile = bootstrapMeanIntervals([cost, quality], 1000, 1, 0.95);
  [cost, quality].forEach((values, c) => {
    const [lo, hi] = normal(values);
    const half = (hi - lo) / 2;
    // Within 10% of the half-width at each end (the bootstrap's own noise with 1,000 resamples is a few percent).
    assert.ok(Math.abs(percentile[c][0] - lo) < 0.1 * half && Math.abs(percentile[c][1] - hi) < 0.1 * half, `column ${c}: ${percentile[c]} vs ${lo},${hi}`);
  });
  // measurePoliciesJointly uses the normal interval from there on, the percentile one below.
  const ds = makeDataset({ A: { q: Array.from(quality), s: Array.from(quality, () => random()), c: Array.from(cost) } });
  const [m] = measurePoliciesJointly(ds, [{ kind: 'single', models: ['A'], thresholds: [] }], { resamples: 1000, seed: 1, level: 0.95 });
  const [qlo, qhi] = normal(quality);
  assert.ok(Math.abs(m.qualityInterval![0] - qlo) < 1e-6 && Math.abs(m.qualityInterval![1] - qhi) < 1e-6);
  const smaller = makeDataset({ A: { q: Array.from(quality.subarray(0, n - 1)), s: Array.from({ length: n - 1 }, () => 0), c: Array.from(cost.subarray(0, n - 1)) } });
  const [p] = measurePoliciesJointly(smaller, [{ kind: 'single', models: ['A'], thresholds: [] }], { resamples: 200, seed: 4, level: 0.9 });
  assert.deepEqual(p.qualityInterval, bootstrapMeanIntervals([smaller.models[0].cost, smaller.models[0].quality], 200, 4, 0.9)[1]);
});

test(`the rule's gain interval is the normal one above ${BOOTSTRAP_MAX_QUERIES} calibration queries, as with no resamples`, () => {
  const ds = cascadeData(BOOTSTRAP_MAX_QUERIES + 1, 3);
  const budgets = [2, 4];
  const drawn = selectForBudgets(ds, budgets, { resamples: 1000, repeats: 1 });
  const normal = selectForBudgets(ds, budgets, { resamples: 0, repeats: 1 });
  assert.ok(
    drawn.some((s) => s.verdict?.interval),
    'a verdict with an interval',
  );
  assert.deepEqual(drawn, normal);
  const small = cascadeData(2000, 3);
  assert.notDeepEqual(selectForBudgets(small, budgets, { resamples: 1000 }), selectForBudgets(small, budgets, { resamples: 0 }));
});

test('sameBytes: a Buffer and a Uint8Array of the same bytes are the same (ids a worker thread read come back as a Uint8Array); other kinds, lengths or bytes are not', () => {
  const bytes = Uint8Array.from([1, 2, 3, 250]);
  assert.equal(sameBytes(Buffer.from(bytes), bytes), true);
  assert.equal(sameBytes(bytes, Buffer.from(bytes)), true);
  assert.equal(sameBytes(Buffer.from([1, 2, 3, 251]), bytes), false);
  assert.equal(sameBytes(Buffer.from([1, 2, 3]), bytes), false);
  assert.equal(sameBytes(Uint32Array.from([0x04030201]), Uint8Array.from([1, 2, 3, 4])), false, 'another kind with the same bytes');
  assert.equal(sameBytes(undefined, undefined), true);
  assert.equal(sameBytes(bytes, undefined), false);
});

test("chainSummary: a chain's means, summed without its per-query outcomes, are the plain walk's to the last bit, and the means of chainOutcomes' columns in query order", () => {
  fc.assert(
    fc.property(arbDataset, fc.array(fc.constantFrom(-1, 0, 0.5, 1, 1.5, 2, 3, 3.5, Infinity), { minLength: 3, maxLength: 3 }), (ds, t) => {
      const stages = ds.models;
      const thresholds = t.slice(0, stages.length - 1);
      // The plain walk: each query from the first stage on, summed in query order.
      let cost = 0;
      let quality = 0;
      let structural = 0;
      let escalated = 0;
      const answered = stages.map(() => 0);
      for (let i = 0; i < ds.n; i++) {
        let spent = 0;
        let j = 0;
        while (j < stages.length - 1 && stages[j].confidence[i] < thresholds[j]) spent += stages[j++].cost[i];
        cost += spent + stages[j].cost[i];
        quality += stages[j].quality[i];
        structural += spent;
        answered[j]++;
        if (j > 0) escalated++;
      }
      const expected = { cost: cost / ds.n, quality: quality / ds.n, escalationRate: escalated / ds.n, answeredShare: answered.map((a) => a / ds.n), structuralCost: structural / ds.n };
      const summary = chainSummary(stages, thresholds);
      assert.deepEqual(summary, expected);
      assert.deepEqual(summary, meansOfOutcomes(chainOutcomes(stages, thresholds), stages.length));
    }),
  );
  // Costs with every bit of a double in use, where the order of the sums shows.
  const random = seededRandom(7);
  const n = 5000;
  const column = (f: () => number) => Array.from({ length: n }, f);
  const ds = makeDataset(Object.fromEntries(['a', 'b', 'c', 'd'].map((name) => [name, { q: column(() => (random() < 0.6 ? 1 : 0)), s: column(random), c: column(() => random() * 1e-4) }])));
  for (const thresholds of [
    [0.3, 0.5, 0.9],
    [Infinity, 0.2, 0.7],
    [0, 0, 0],
  ]) {
    assert.deepEqual(chainSummary(ds.models, thresholds), meansOfOutcomes(chainOutcomes(ds.models, thresholds), 4));
  }
  assert.throws(() => chainSummary([], []), RangeError);
});

/** The means of a chain's per-query outcomes, summed in query order. */
function meansOfOutcomes(out: ReturnType<typeof chainOutcomes>, stages: number) {
  const n = out.cost.length;
  let cost = 0;
  let quality = 0;
  let structural = 0;
  const answered = new Array<number>(stages).fill(0);
  for (let i = 0; i < n; i++) {
    cost += out.cost[i];
    quality += out.quality[i];
    structural += out.structuralCost[i];
    answered[out.stop[i]]++;
  }
  return { cost: cost / n, quality: quality / n, escalationRate: (n - answered[0]) / n, answeredShare: answered.map((a) => a / n), structuralCost: structural / n };
}

/** Models of `n` random queries, one per `name:cost` in `costs`, for the keeping tests: 0/1 answers, confidences on a grid of `steps`. */
function randomModels(seed: number, n: number, costs: string, steps: number, right: number): Dataset {
  const random = seededRandom(seed);
  const column = (f: () => number) => Array.from({ length: n }, f);
  const spec: Record<string, { q: number[]; s: number[]; c: number[]; l: number[] }> = {};
  for (const [name, cost] of costs.split(' ').map((c) => c.split(':') as [string, string]))
    spec[name] = {
      q: column(() => (random() < right ? 1 : 0)),
      s: column(() => Math.round(random() * steps) / steps),
      c: column(() => Number(cost) * (1 + random())),
      l: column(() => (random() < 0.05 ? NaN : Math.round(100 + random() * 900))),
    };
  return makeDataset(spec);
}

/** `ds` with one value of one column of a model changed: only that column is new memory, as a file read again gives a model's columns while the other models' stay. */
function withColumnEdited(ds: Dataset, name: string, field: 'quality' | 'confidence' | 'cost' | 'latencyMs', at: number, value: (old: number) => number): Dataset {
  return {
    ...ds,
    models: ds.models.map((m) => {
      if (m.name !== name) return m;
      const edited = Float64Array.from(m[field]!);
      edited[at] = value(edited[at]!);
      return { ...m, [field]: edited };
    }),
  };
}

/** Flips a 0/1 answer. */
const flipped = (v: number): number => 1 - v;
/** Moves a confidence across the middle of [0, 1]. */
const across = (v: number): number => (v < 0.5 ? 0.99 : 0.01);

/** A single model's policy, then `count` thresholds of each of the pairs of a, b and c: (i + k) / `step`, the last +infinity. */
function pairPolicies(single: string, count: number, k: number, step: number): PolicySpec[] {
  const pairs = ['a b', 'a c', 'b c'].map((p) => p.split(' '));
  const thresholds = (i: number) => [i === count - 1 ? null : (i + k) / step];
  return [{ kind: 'single', models: [single], thresholds: [] }, ...pairs.flatMap((models) => Array.from({ length: count }, (_, i) => ({ kind: 'pair' as const, models, thresholds: thresholds(i) })))];
}

/** The first calls of a keeping test: a first call, the same again, and thresholds moved (`check(what, k)`). */
function firstCalls(check: (what: string, k: number) => void): void {
  check('first', 0);
  check('again', 0);
  check('thresholds moved', 1);
}

/** Asserts that `measure` inside keepBetweenCalls gives what a call that keeps nothing gives. */
function keepsAsWithout<T>(measure: () => T, what: string): void {
  assert.deepStrictEqual(keepBetweenCalls(measure), measure(), what);
}

test('measurePolicies inside keepBetweenCalls: the figures of a call that keeps nothing, after a column changed, thresholds moved and the positions kept let go', () => {
  let ds = randomModels(5, 500, 'a:0.001 b:0.01 c:0.1', 50, 0.6);
  const check = (what: string, k: number) => keepsAsWithout(() => measurePolicies(ds, pairPolicies('a', 6, k, 8)), what);
  firstCalls(check);
  ds = withColumnEdited(ds, 'c', 'quality', 3, flipped);
  check("an expensive model's quality changed", 1);
  ds = withColumnEdited(ds, 'c', 'cost', 4, () => 0.5);
  check("an expensive model's cost changed", 1);
  ds = withColumnEdited(ds, 'a', 'cost', 7, () => 0.004);
  check("a cheap model's cost changed", 2);
  ds = withColumnEdited(ds, 'a', 'quality', 8, flipped);
  check("a cheap model's quality changed", 2);
  ds = withColumnEdited(withColumnEdited(ds, 'b', 'confidence', 9, across), 'a', 'confidence', 11, across);
  check("a middle model's confidence changed", 0);
  for (let k = 0; k < 12; k++) check(`thresholds moved again ${k}`, k / 3);
});

test('pairwiseFrontier inside keepBetweenCalls: the frontier of a call that keeps nothing, after each kind of column of a model changed', () => {
  let ds = randomModels(9, 400, 'a:0.001 b:0.004 c:0.02 d:0.1', 40, 0.65);
  const check = (what: string) =>
    assert.deepStrictEqual(
      keepBetweenCalls(() => pairwiseFrontier(ds)),
      pairwiseFrontier(ds),
      what,
    );
  check('first');
  check('again');
  const edits: [string, 'quality' | 'confidence' | 'cost', number, (old: number) => number][] = [
    ['d', 'quality', 3, flipped],
    ['d', 'cost', 4, () => 0.5],
    ['a', 'cost', 5, () => 0.004],
    ['a', 'quality', 6, flipped],
    ['a', 'confidence', 7, across],
    ['b', 'confidence', 8, across],
    ['c', 'quality', 9, flipped],
  ];
  for (const [name, field, at, value] of edits) {
    ds = withColumnEdited(ds, name, field, at, value);
    check(`${name}'s ${field} changed`);
  }
});

test('policiesLatency inside keepBetweenCalls: the latencies of a call that keeps nothing, after a column changed and thresholds moved', () => {
  let ds = randomModels(13, 400, 'a:0.001 b:0.01 c:0.1', 40, 0.6);
  const check = (what: string, k: number) => keepsAsWithout(() => policiesLatency(ds, pairPolicies('b', 5, k, 6)), what);
  firstCalls(check);
  const edits: [string, 'quality' | 'confidence' | 'cost' | 'latencyMs', number, (old: number) => number][] = [
    ['c', 'latencyMs', 3, (v) => v + 5000],
    ['a', 'latencyMs', 4, (v) => v + 5000],
    ['b', 'latencyMs', 5, () => NaN],
    ['a', 'confidence', 16, across],
    ['b', 'confidence', 17, across],
    ['a', 'quality', 7, flipped],
  ];
  for (const [name, field, at, value] of edits) {
    ds = withColumnEdited(ds, name, field, at, value);
    check(`${name}'s ${field} changed`, 1);
    check(`${name}'s ${field} changed, thresholds moved`, 2);
  }
  // Two queries' confidences exchanged: every threshold escalates as many queries as before, other ones.
  const a = ds.models[0]!;
  const [low, high] = [a.confidence.indexOf(Math.min(...a.confidence)), a.confidence.indexOf(Math.max(...a.confidence))];
  ds = withColumnEdited(
    withColumnEdited(ds, 'a', 'confidence', low, () => a.confidence[high]!),
    'a',
    'confidence',
    high,
    () => a.confidence[low]!,
  );
  check("two of a's confidences exchanged", 2);
});

test("policiesLatency inside keepBetweenCalls: another model's latency becoming unknown (the mask changes) or moving (the mask stays) gives what a call that keeps nothing gives", () => {
  let ds = randomModels(17, 400, 'a:0.001 b:0.01 c:0.1 d:0.5', 40, 0.6);
  // Against a call on another dataset object of the same columns (the mask is made once per dataset object).
  const check = (what: string) => {
    const plain = policiesLatency({ ...ds }, pairPolicies('b', 5, 1, 6));
    assert.deepStrictEqual(
      keepBetweenCalls(() => policiesLatency(ds, pairPolicies('b', 5, 1, 6))),
      plain,
      what,
    );
  };
  check('first');
  const d = ds.models[3]!.latencyMs!;
  const known = d.findIndex((v) => Number.isFinite(v));
  ds = withColumnEdited(ds, 'd', 'latencyMs', known, (v) => v + 5000);
  check("d's latency moved: the same queries known");
  ds = withColumnEdited(ds, 'd', 'latencyMs', known, () => NaN);
  check("d's latency unknown at a query: the mask lost it");
  ds = withColumnEdited(ds, 'd', 'latencyMs', known, () => 300);
  check("d's latency known again: the first mask's queries");
});

test("measureJointly inside keepBetweenCalls: the figures and intervals of a call that keeps nothing, after each kind of column changed, another model's latency unknown, and other options", () => {
  let ds = randomModels(19, 300, 'a:0.001 b:0.01 c:0.1 d:0.5', 30, 0.6);
  const options = { resamples: 200, seed: 3, level: 0.95, latency: true };
  let k = 0;
  // Against a call on another dataset object of the same columns (the mask is made once per dataset object).
  const check = (what: string, o: Parameters<typeof measureJointly>[2] = options) => {
    const plain = measureJointly({ ...ds }, pairPolicies('a', 3, k, 6), o);
    assert.deepStrictEqual(
      keepBetweenCalls(() => measureJointly(ds, pairPolicies('a', 3, k, 6), o)),
      plain,
      what,
    );
  };
  check('first');
  check('again');
  k = 1;
  check('thresholds moved');
  check('other resamples', { ...options, resamples: 150 });
  check('another seed', { ...options, seed: 4 });
  check('another level', { ...options, level: 0.9 });
  check('no latency', { ...options, latency: false });
  const edits: [string, 'quality' | 'confidence' | 'cost' | 'latencyMs', number, (old: number) => number][] = [
    ['c', 'quality', 3, flipped],
    ['c', 'cost', 4, () => 0.5],
    ['a', 'confidence', 16, across],
    ['b', 'confidence', 17, across],
    ['a', 'latencyMs', 5, (v) => v + 5000],
    ['b', 'latencyMs', 6, () => NaN],
  ];
  for (const [name, field, at, value] of edits) {
    ds = withColumnEdited(ds, name, field, at, value);
    check(`${name}'s ${field} changed`);
  }
  const d = ds.models[3]!.latencyMs!;
  const known = d.findIndex((v) => Number.isFinite(v));
  ds = withColumnEdited(ds, 'd', 'latencyMs', known, () => NaN);
  check("d's latency unknown at a query (d is in no policy): the mask lost it");
  ds = withColumnEdited(ds, 'd', 'latencyMs', known, () => 300);
  check("d's latency known again");
  // With another gain column drawn on the same resamples, nothing is kept, and the same comes out.
  check('with an extra column', options);
  const extra = [{ values: Float64Array.from(ds.models[0]!.quality), level: 0.9 }];
  assert.deepStrictEqual(
    keepBetweenCalls(() => measureJointly(ds, pairPolicies('a', 3, k, 6), options, extra)),
    measureJointly(ds, pairPolicies('a', 3, k, 6), options, extra),
  );
});

test('subsetDataset inside keepBetweenCalls, rows that are not one run: a column kept from the last call is the same copy, a changed column a new one, and the values are the rows of the dataset given', () => {
  let ds = randomModels(23, 200, 'a:0.001 b:0.01 c:0.1', 20, 0.6);
  const rows = Uint32Array.from({ length: 120 }, (_, i) => Math.floor((i * 5) / 3));
  const values = (sub: Dataset) => sub.models.map((m) => [m.quality, m.confidence, m.cost, m.latencyMs!].map((c) => Array.from(c)));
  const first = keepBetweenCalls(() => subsetDataset(ds, rows));
  assert.deepStrictEqual(values(first), values(subsetDataset(ds, rows)));
  ds = withColumnEdited(ds, 'b', 'cost', rows[7]!, () => 0.7);
  // The same rows in other memory, as a split made again gives them.
  const second = keepBetweenCalls(() => subsetDataset(ds, rows.slice()));
  assert.deepStrictEqual(values(second), values(subsetDataset(ds, rows)));
  assert.equal(second.models[1]!.cost[7], 0.7);
  assert.notEqual(second.models[1]!.cost, first.models[1]!.cost, "b's cost copied again");
  assert.equal(second.models[1]!.quality, first.models[1]!.quality, "b's quality kept");
  assert.equal(second.models[0]!.cost, first.models[0]!.cost, "a's cost kept");
  // Other rows of the same length: copies of their own.
  const other = rows.map((r, i) => (i === 0 ? r + 1 : r));
  const third = keepBetweenCalls(() => subsetDataset(ds, other));
  assert.deepStrictEqual(values(third), values(subsetDataset(ds, other)));
  assert.notEqual(third.models[0]!.cost, first.models[0]!.cost);
});
