import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataset } from '../support/dataset.ts';
import type { Dataset, PolicySpec } from '../../src/core/types.ts';
import { backtest, ruleFigures, type BacktestCell } from '../../src/core/backtest.ts';
import { logSpacedBudgets, seededRandom } from '../../src/core/stats.ts';
import { runCli } from './report.support.ts';
import { resolve } from 'node:path';
import { repoRoot } from '../support/paths.ts';

/** Three models over n queries with a split field: a cheap one right when confident, a middle one, an expensive one. */
function threeModels(n: number, seed: number): Dataset {
  const random = seededRandom(seed);
  const s = Array.from({ length: n }, () => random());
  const cost = (base: number) => Array.from({ length: n }, () => base * (0.8 + 0.4 * random()));
  return makeDataset(
    {
      a: { q: s.map((x) => (x > 0.4 ? (random() < 0.9 ? 1 : 0) : random() < 0.3 ? 1 : 0)), s, c: cost(1) },
      b: { q: s.map(() => (random() < 0.75 ? 1 : 0)), s: s.map(() => random()), c: cost(4) },
      c: { q: s.map(() => (random() < 0.92 ? 1 : 0)), s: s.map(() => random()), c: cost(12) },
    },
    s.map((_, i) => (i % 3 === 0 ? 'train' : 'test')),
  );
}

/** Cost and quality of a policy on the rows, written out. */
function heldOut(d: Dataset, rows: number[], p: PolicySpec): { cost: number; quality: number } {
  const m = (name: string) => d.models.find((x) => x.name === name)!;
  let cost = 0;
  let quality = 0;
  for (const i of rows) {
    const a = m(p.models[0]);
    if (p.models.length === 1 || a.confidence[i] >= (p.thresholds[0] ?? Infinity)) {
      cost += a.cost[i];
      quality += a.quality[i];
    } else {
      const b = m(p.models[1]);
      cost += a.cost[i] + b.cost[i];
      quality += b.quality[i];
    }
  }
  return { cost: cost / rows.length, quality: quality / rows.length };
}

test('logSpacedBudgets: both ends exactly, a constant ratio between', () => {
  const b = logSpacedBudgets(2, 32, 5);
  assert.equal(b[0], 2);
  assert.equal(b[4], 32);
  for (let j = 1; j < 5; j++) assert.ok(Math.abs(b[j] / b[j - 1] - 2) < 1e-12);
});

test('backtestSplit: naive choice, gains, worse and over flags and the held-out optimum, recomputed by brute force', () => {
  const d = threeModels(240, 4);
  const calRows = Array.from({ length: d.n }, (_, i) => i).filter((i) => i % 3 === 0);
  const holdRows = Array.from({ length: d.n }, (_, i) => i).filter((i) => i % 3 !== 0);
  const r = backtest(d, { split: { kind: 'field', calibration: 'train', holdout: 'test' }, repeats: 0, budgets: 9 });
  const cells = r.cells;
  assert.equal(cells.length, 9);
  const names = ['a', 'b', 'c'];
  const cal = Object.fromEntries(names.map((m) => [m, heldOut(d, calRows, { kind: 'single', models: [m], thresholds: [] })]));
  const lo = Math.min(...names.map((m) => cal[m].cost));
  const hi = Math.max(...names.map((m) => cal[m].cost));
  // Every single model and every threshold of every cheap -> expensive pair, on the holdout: the oracle.
  const candidates: PolicySpec[] = names.map((m) => ({ kind: 'single', models: [m], thresholds: [] }));
  const order = [...names].sort((x, y) => cal[x].cost - cal[y].cost);
  for (let x = 0; x < 3; x++) {
    for (let y = x + 1; y < 3; y++) {
      const conf = d.models.find((m) => m.name === order[x])!.confidence;
      for (const t of [...new Set(holdRows.map((i) => conf[i]))]) candidates.push({ kind: 'pair', models: [order[x], order[y]], thresholds: [t] });
    }
  }
  const oracle = candidates.map((p) => heldOut(d, holdRows, p));
  cells.forEach((cell, j) => {
    const budget = lo * Math.pow(hi / lo, j / 8);
    assert.ok(Math.abs(cell.budget - budget) < 1e-12 * budget);
    const naive = names.filter((m) => cal[m].cost <= cell.budget).reduce((x, y) => (cal[y].quality > cal[x].quality ? y : x));
    assert.equal(cell.naive, naive);
    const base = heldOut(d, holdRows, { kind: 'single', models: [naive], thresholds: [] }).quality;
    assert.ok(Math.abs(cell.naiveQuality - base) < 1e-12);
    const within = oracle.filter((o) => o.cost <= cell.budget).map((o) => o.quality);
    if (within.length === 0) assert.equal(cell.optimum, null);
    else assert.ok(Math.abs((cell.optimum ?? -1) - Math.max(...within)) < 1e-12, `optimum at budget ${j}`);
    for (const rule of ['inSample', 'noiseAware'] as const) {
      const got = cell.rules[rule];
      const m = heldOut(d, holdRows, got.policy);
      assert.ok(Math.abs(got.quality - m.quality) < 1e-12 && Math.abs(got.cost - m.cost) < 1e-12);
      assert.ok(Math.abs(got.gain - (m.quality - base)) < 1e-12);
      assert.equal(got.worse, m.quality - base < -0.005);
      assert.equal(got.over, m.cost > 1.02 * cell.budget);
    }
  });
  assert.equal(r.splits.length, 1);
  assert.equal(r.settings.intervalOver, 'budgets');
});

test('ruleFigures: means and shares over cells, the interval over whole splits', () => {
  const cell = (split: number, gain: number, over: boolean, optimum: number | null): BacktestCell => {
    const rule = { policy: { kind: 'single' as const, models: ['a'], thresholds: [] }, cost: 1, quality: 0.5 + gain, gain, worse: gain < -0.005, over };
    return { split, budget: 1, naive: 'a', naiveQuality: 0.5, optimum, rules: { inSample: rule, noiseAware: rule } };
  };
  const cells = [cell(0, 0.02, false, 0.6), cell(0, -0.01, true, 0.55), cell(1, 0, false, null), cell(1, 0.03, false, 0.56)];
  const f = ruleFigures(cells, 'noiseAware');
  assert.equal(f.cells, 4);
  assert.ok(Math.abs(f.meanGain - 0.01) < 1e-12);
  assert.equal(f.worseShare, 0.25);
  assert.equal(f.overShare, 0.25);
  // Distances over the three cells with an optimum: 0.6 - 0.52, 0.55 - 0.49, 0.56 - 0.53.
  assert.ok(Math.abs(f.meanDistance - (0.08 + 0.06 + 0.03) / 3) < 1e-12);
  // Two splits with mean gains 0.005 and 0.015: every resample's mean lies between them.
  assert.ok(f.gainInterval[0] >= 0.005 - 1e-12 && f.gainInterval[1] <= 0.015 + 1e-12);
});

test('backtest: re-splits keep the calibration and holdout sizes, are seeded, and need a holdout', () => {
  const d = threeModels(150, 8);
  const r = backtest(d, { split: { kind: 'field', calibration: 'train', holdout: 'test' }, repeats: 3, budgets: 4, seed: 5 });
  assert.equal(r.splits.length, 4);
  assert.deepEqual(
    r.splits.map((s) => [s.kind, s.nCalibration, s.nHoldout]),
    [
      ['given', 50, 100],
      ['random', 50, 100],
      ['random', 50, 100],
      ['random', 50, 100],
    ],
  );
  assert.deepEqual(
    r.splits.map((s) => s.seed),
    [undefined, 6, 7, 8],
  );
  assert.equal(r.rules.noiseAware.cells, r.cells.length);
  const again = backtest(d, { split: { kind: 'field', calibration: 'train', holdout: 'test' }, repeats: 3, budgets: 4, seed: 5 });
  assert.deepEqual(again.rules, r.rules);
  assert.throws(() => backtest(d, { split: { kind: 'none' } }), /holdout/);
});

test('cascade-frontier backtest: tables of both rules and the panel line; --json; usage errors', async () => {
  const examples = resolve(repoRoot, 'examples/mmlu');
  const text = await runCli(['backtest', examples, '--repeats', '1', '--budgets', '5']);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /in-sample \(highest calibration quality within the budget\)/);
  assert.match(text.out, /noise-aware \(what analyze recommends\)/);
  assert.match(text.out, /On your data, recommendations held out: [+-]?\d+\.\d pts over the naive choice, over budget in \d+\.\d% of budgets/);
  const json = await runCli(['backtest', examples, '--repeats', '1', '--budgets', '5', '--json']);
  assert.equal(json.code, 0, json.err);
  const r = JSON.parse(json.out);
  assert.equal(r.splits.length, 2);
  assert.equal(r.cells.length, r.rules.noiseAware.cells);
  assert.ok(r.cells.length <= 10);
  assert.equal((await runCli(['backtest', examples, '--no-split'])).code, 2);
  assert.equal((await runCli(['backtest', examples, '--budgets', '1'])).code, 2);
  assert.equal((await runCli(['backtest', examples, '--budget-confidence', '1'])).code, 2);
});
