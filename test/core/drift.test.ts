import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ksCriticalDistance, ksDistance, meanDifferenceInterval, normalQuantile, proportionDifferenceInterval, wilsonInterval } from '../../src/core/drift/intervals.ts';
import { hasDrift, modelDrift, splitDrift } from '../../src/core/drift/drift.ts';
import { driftWarnings } from '../../src/core/drift/warnings.ts';
import { analyze } from '../../src/core/analyze.ts';
import { main } from '../../src/cli/main.ts';
import { splitDataset } from '../../src/core/split.ts';
import { seededRandom } from '../../src/core/stats.ts';
import { makeDataset } from '../support/dataset.ts';
import { readFolder, referenceDataset } from '../support/reference.ts';
import { referenceData, repoRoot } from '../support/paths.ts';

const close = (a: number, b: number, eps: number, what: string) => assert.ok(Math.abs(a - b) <= eps, `${what}: ${a} vs ${b}`);

test('normalQuantile matches published quantiles of the standard normal', () => {
  close(normalQuantile(0.975), 1.959963984540054, 1e-8, '0.975');
  close(normalQuantile(0.999), 3.090232306167813, 1e-8, '0.999');
  close(normalQuantile(0.0005), -3.290526731491926, 1e-8, '0.0005');
  close(normalQuantile(1 - 1e-6), 4.753424308822899, 1e-7, '1 - 1e-6');
  assert.equal(normalQuantile(0.5), 0);
  assert.throws(() => normalQuantile(1), RangeError);
});

test('Wilson and Newcombe intervals match Newcombe (1998), Statistics in Medicine 17:857, 873', () => {
  const z = 1.959963984540054;
  const w = wilsonInterval(81 / 263, 263, z);
  close(w[0], 0.2553, 5e-5, 'Wilson low');
  close(w[1], 0.3662, 5e-5, 'Wilson high');
  // Method 10 of the difference paper: 56/70 - 48/80 and 9/10 - 3/10.
  const d = proportionDifferenceInterval(56 / 70, 70, 48 / 80, 80, z);
  close(d[0], 0.0524, 5e-5, 'difference low');
  close(d[1], 0.3339, 5e-5, 'difference high');
  const e = proportionDifferenceInterval(0.9, 10, 0.3, 10, z);
  close(e[0], 0.1705, 5e-5, 'small difference low');
  close(e[1], 0.809, 5e-5, 'small difference high');
});

test('meanDifferenceInterval is the difference of means plus or minus z standard errors', () => {
  const a = [1, 2, 3, 4, 5];
  const b = [2, 4, 6];
  // Means 3 and 4; variances 2.5 and 4: se = sqrt(2.5 / 5 + 4 / 3).
  const { difference, interval } = meanDifferenceInterval(a, b, 2);
  const se = Math.sqrt(0.5 + 4 / 3);
  close(difference, -1, 1e-12, 'difference');
  close(interval[0], -1 - 2 * se, 1e-12, 'low');
  close(interval[1], -1 + 2 * se, 1e-12, 'high');
});

test('ksDistance equals the largest gap of the empirical distribution functions, evaluated at every value', () => {
  const rnd = seededRandom(5);
  for (let trial = 0; trial < 20; trial++) {
    const n = 1 + Math.floor(rnd() * 60);
    const m = 1 + Math.floor(rnd() * 60);
    const levels = trial % 2 === 0 ? 4 : 1000;
    const a = Array.from({ length: n }, () => Math.floor(rnd() * levels));
    const b = Array.from({ length: m }, () => Math.floor(rnd() * levels) + (trial % 3));
    let want = 0;
    for (const t of [...a, ...b]) {
      const fa = a.filter((x) => x <= t).length / n;
      const fb = b.filter((x) => x <= t).length / m;
      want = Math.max(want, Math.abs(fa - fb));
    }
    close(ksDistance(a, b), want, 1e-12, `trial ${trial}`);
  }
  assert.equal(ksDistance([1, 2], [3, 4]), 1);
  assert.equal(ksDistance([1, 2], []), 0);
  // c(0.05) = 1.3581: the textbook 5% coefficient.
  close(ksCriticalDistance(100, 100, 0.05), 1.3581 * Math.sqrt(2 / 100), 1e-4, 'critical');
});

test('splitDrift flags a model whose quality, cost or confidence shifts between the splits, and only it', () => {
  const rnd = seededRandom(3);
  const n = 2000;
  const split = Array.from({ length: n }, (_, i) => (i < n / 2 ? 'train' : 'test'));
  const same = () => ({ q: Array.from({ length: n }, () => (rnd() < 0.7 ? 1 : 0)), s: Array.from({ length: n }, () => -rnd()), c: Array.from({ length: n }, () => 0.001 * (0.5 + rnd())) });
  const easier = same();
  for (let i = 0; i < n / 2; i++) easier.q[i] = rnd() < 0.85 ? 1 : 0;
  const dearer = same();
  for (let i = n / 2; i < n; i++) dearer.c[i] *= 1.3;
  const shifted = same();
  for (let i = 0; i < n / 2; i++) shifted.s[i] = -rnd() * 0.5;
  const d = makeDataset({ steady: same(), easier, dearer, shifted }, split);
  const { calibration, holdout, info } = splitDataset(d, { kind: 'field', calibration: 'train', holdout: 'test' });
  const drift = splitDrift(calibration, holdout!);
  const by = (name: string) => drift.models.find((m) => m.name === name)!;
  assert.deepEqual([by('steady').quality.drifted, by('steady').cost.drifted, by('steady').confidence.drifted], [false, false, false]);
  assert.deepEqual([by('easier').quality.drifted, by('dearer').cost.drifted, by('shifted').confidence.drifted], [true, true, true]);
  assert.equal(by('easier').cost.drifted || by('easier').confidence.drifted, false);
  assert.equal(drift.tests, 12);
  close(drift.level, 1 - 0.01 / 12, 1e-15, 'Bonferroni level');
  const warnings = driftWarnings(drift, info);
  assert.equal(warnings.length, 3);
  assert.match(
    warnings[0],
    /^the calibration split looks easier than the holdout \(easier \d+\.\d% vs \d+\.\d%\): thresholds chosen on it may not transfer; consider a random split \(`--holdout-fraction`\)$/,
  );
  assert.match(warnings[1], /looks cheaper than the holdout \(dearer \$/);
  assert.match(warnings[2], /shifted: Kolmogorov-Smirnov distance/);
  assert.match(driftWarnings(drift, info, 'config')[0], /`split: \{holdoutFraction: 0\.5\}`/);
});

const SEEDS = 40;
const medmcqa = referenceData('medmcqa');

for (const [name, dir] of [
  ['bundled MMLU', resolve(repoRoot, 'examples/mmlu')],
  ['MedMCQA', medmcqa],
] as const) {
  test(`random splits of the ${name} data raise no drift warning in at least 95% of ${SEEDS} seeds`, () => {
    const d = referenceDataset(dir);
    let warned = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { calibration, holdout } = splitDataset(d, { kind: 'random', seed, holdoutFraction: 0.5 });
      if (hasDrift(splitDrift(calibration, holdout!))) warned++;
    }
    assert.ok(warned <= SEEDS * 0.05, `${warned} of ${SEEDS} random splits warned`);
  });
}

test('the given MedMCQA split (calibration much easier) warns, naming the largest quality gap computed here', () => {
  const d = referenceDataset(medmcqa);
  const r = analyze(d, { split: { kind: 'field', calibration: 'train', holdout: 'test' }, bootstrapResamples: 0, budget: 0.0003 });
  // The largest gap, computed directly from the records.
  const data = readFolder(medmcqa);
  const acc = (m: string, split: string) => {
    const ids = data.ids.filter((id) => data.rec.get(m)!.get(id)!.split === split);
    return ids.reduce((s, id) => s + data.rec.get(m)!.get(id)!.correct, 0) / ids.length;
  };
  const gaps = data.models.map((m) => ({ m, cal: acc(m, 'train'), held: acc(m, 'test') })).sort((a, b) => b.cal - b.held - (a.cal - a.held));
  const top = gaps[0];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  assert.ok(r.drift && r.drift.warnings.length > 0);
  assert.equal(
    r.drift.warnings[0],
    `the calibration split looks easier than the holdout (${top.m} ${pct(top.cal)} vs ${pct(top.held)}, and ${r.drift.models.filter((m) => m.quality.drifted).length - 1} more models): thresholds chosen on it may not transfer; consider a random split (\`--holdout-fraction\`)`,
  );
  assert.equal(top.m, 'llama3.1-70b');
  assert.equal(`${pct(top.cal)} vs ${pct(top.held)}`, '89.7% vs 72.6%');
});

test('analyze prints the confidence signals and, on the given MedMCQA split, the drift warning before the recommendation', async () => {
  let out = '';
  const code = await main(['analyze', medmcqa, '--budget', '0.0003', '--bootstrap', '0'], { out: (s) => (out += s + '\n'), err: () => undefined });
  assert.equal(code, 0);
  const warning = out.indexOf('Warning: the calibration split looks easier than the holdout (llama3.1-70b 89.7% vs 72.6%');
  const recommendation = out.indexOf('Recommendation for budget');
  assert.ok(warning > 0 && recommendation > warning, 'the warning comes before the recommendation');
  const data = readFolder(medmcqa);
  const train = data.ids.filter((id) => data.rec.get('gpt-4o')!.get(id)!.split === 'train');
  // AUROC of gpt-4o on calibration, pair by pair.
  let num = 0;
  let den = 0;
  for (const i of train) {
    const a = data.rec.get('gpt-4o')!.get(i)!;
    if (a.correct !== 1) continue;
    for (const j of train) {
      const b = data.rec.get('gpt-4o')!.get(j)!;
      if (b.correct !== 0) continue;
      den++;
      num += a.confidence > b.confidence ? 1 : a.confidence === b.confidence ? 0.5 : 0;
    }
  }
  assert.match(out, new RegExp(`\\n  gpt-4o +log-probability +${(num / den).toFixed(3)} `));
});

test('the confidence distance of a model is found again for the same pair of columns, and measured again for a column in other memory', () => {
  const random = seededRandom(11);
  const column = (n: number, shift: number) => Float64Array.from({ length: n }, () => random() + shift);
  const model = (name: string, confidence: Float64Array) => ({ name, confidence, quality: new Float64Array(confidence.length).fill(1), cost: new Float64Array(confidence.length).fill(0.001) });
  const levels = { alpha: 0.05, tests: 1, perTest: 0.05, z: 1.96 };
  const cal = column(300, 0);
  const held = column(400, 0.1);
  const distance = (a: Float64Array, b: Float64Array) => modelDrift(model('m', a), model('m', b), levels).confidence.distance;
  assert.equal(distance(cal, held), ksDistance(Array.from(cal), Array.from(held)));
  assert.equal(distance(cal, held), ksDistance(Array.from(cal), Array.from(held)), 'found again');
  // The same calibration column against other holdout memory, and other calibration memory against the same holdout.
  const other = column(400, 0.4);
  assert.equal(distance(cal, other), ksDistance(Array.from(cal), Array.from(other)));
  const cal2 = column(300, 0.2);
  assert.equal(distance(cal2, held), ksDistance(Array.from(cal2), Array.from(held)));
  // Views of one buffer at other offsets are other columns.
  const both = column(700, 0);
  const [a, b, c] = [both.subarray(0, 300), both.subarray(300, 700), both.subarray(100, 500)];
  assert.equal(distance(a, b), ksDistance(Array.from(a), Array.from(b)));
  assert.equal(distance(a, c), ksDistance(Array.from(a), Array.from(c)));
  assert.notEqual(ksDistance(Array.from(a), Array.from(b)), ksDistance(Array.from(a), Array.from(c)));
});
