import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { aurocInOrder, confidenceAuroc } from '../../src/core/signal/auroc.ts';
import { confidenceAsProbability, confidenceScale, expectedCalibrationError, reliabilityBins, reliabilityBinsInOrder } from '../../src/core/signal/calibration.ts';
import { confidenceQuality } from '../../src/core/signal/quality.ts';
import { concentrationInOrder, valueConcentration } from '../../src/core/signal/concentration.ts';
import { inOrder } from '../../src/core/sortIndices.ts';
import { analyze } from '../../src/core/analyze.ts';
import { seededRandom } from '../../src/core/stats.ts';
import { makeDataset } from '../support/dataset.ts';
import { readFolder, referenceDataset } from '../support/reference.ts';
import { repoRoot } from '../support/paths.ts';

/** The definition, pair by pair: P(correct scores above wrong), ties one half; graded quality weighs each ordered pair i != j by q_i (1 - q_j). O(n^2). */
function bruteAuroc(s: readonly number[], q: readonly number[]): number | null {
  let num = 0;
  let den = 0;
  for (let i = 0; i < s.length; i++) {
    for (let j = 0; j < s.length; j++) {
      if (i === j) continue;
      const w = q[i] * (1 - q[j]);
      den += w;
      num += w * (s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0);
    }
  }
  return den > 1e-12 ? num / den : null;
}

function randomSignal(seed: number, n: number, distinct: number, graded = false): { s: number[]; q: number[] } {
  const rnd = seededRandom(seed);
  const s: number[] = [];
  const q: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = Math.floor(rnd() * distinct) / distinct;
    s.push(v);
    // Correctness that depends on the signal, so the AUROC is away from 0.5.
    const p = 0.2 + 0.6 * v;
    q.push(graded ? Math.round(rnd() * 4) / 4 : rnd() < p ? 1 : 0);
  }
  return { s, q };
}

test('confidenceAuroc equals the pair-by-pair definition, with ties and graded quality', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const n = 5 + ((seed * 7) % 120);
    const distinct = [2, 5, 1000][seed % 3];
    const { s, q } = randomSignal(seed, n, distinct, seed % 4 === 0);
    const got = confidenceAuroc(s, q);
    const want = bruteAuroc(s, q);
    if (want === null) assert.equal(got, null);
    else assert.ok(got !== null && Math.abs(got - want) < 1e-12, `seed ${seed}: ${got} vs ${want}`);
  }
});

test('inOrder reads values along an order; the passes over data laid out in confidence order agree with their definitions', () => {
  assert.deepEqual(Array.from(inOrder([10, 20, 30, -0], [3, 0, 2, 1])), [-0, 10, 30, 20]);
  for (let seed = 1; seed <= 20; seed++) {
    const n = 5 + ((seed * 11) % 90);
    const { s, q } = randomSignal(seed, n, [2, 4, 1000][seed % 3], seed % 3 === 0);
    // Sorted by a plain comparison sort in the test (ties in index order).
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[a] - s[b] || a - b);
    const sortedS = Float64Array.from(order, (i) => s[i]);
    const sortedQ = Float64Array.from(order, (i) => q[i]);
    const want = bruteAuroc(s, q);
    const got = aurocInOrder(sortedS, sortedQ);
    if (want === null) assert.equal(got, null);
    else assert.ok(got !== null && Math.abs(got - want) < 1e-12, `seed ${seed}: ${got} vs ${want}`);
    // Distinct values and the share of the five most common ones, counted with a map.
    const counts = new Map<number, number>();
    for (const v of s) counts.set(v, (counts.get(v) ?? 0) + 1);
    const top = [...counts.values()].sort((a, b) => b - a).slice(0, 5);
    assert.deepEqual(concentrationInOrder(sortedS, 5), { distinct: counts.size, commonShare: top.reduce((a, b) => a + b, 0) / n });
  }
});

test('reliabilityBinsInOrder: equal-mass bins of sorted probabilities, ties kept together', () => {
  // Ten queries in five bins of two, except that the run of 0.5 is not cut: the second bin takes
  // it whole (ranks 2 to 5), the third is left out, then ranks 6-7 and 8-9.
  const p = Float64Array.from([0.1, 0.2, 0.3, 0.5, 0.5, 0.5, 0.7, 0.8, 0.9, 0.95]);
  const q = Float64Array.from([0, 0, 1, 1, 0, 1, 1, 1, 0, 1]);
  const bins = reliabilityBinsInOrder(p, q, 5);
  assert.deepEqual(
    bins.map((b) => [b.n, b.from, b.to, b.quality]),
    [
      [2, 0.1, 0.2, 0],
      [4, 0.3, 0.5, 0.75],
      [2, 0.7, 0.8, 1],
      [2, 0.9, 0.95, 0.5],
    ],
  );
  const means = [0.15, 0.45, 0.75, 0.925];
  bins.forEach((b, i) => assert.ok(Math.abs(b.confidence - means[i]) < 1e-12));
});

test('confidenceAuroc: perfect, reversed, constant, and undefined without both outcomes', () => {
  assert.equal(confidenceAuroc([0.9, 0.2, 0.6], [1, 0, 0]), 1);
  assert.equal(confidenceAuroc([0.1, 0.8, 0.6], [1, 0, 0]), 0);
  assert.equal(confidenceAuroc([3, 3, 3, 3], [1, 0, 1, 0]), 0.5);
  assert.equal(confidenceAuroc([1, 2, 3], [1, 1, 1]), null);
  assert.equal(confidenceAuroc([], []), null);
  // -Infinity is the lowest value and +Infinity the highest.
  assert.equal(confidenceAuroc([-Infinity, 0, Infinity], [0, 0, 1]), 1);
});

test('confidenceScale: probability in [0, 1], log-probability <= 0, any other score', () => {
  assert.equal(confidenceScale([0, 0.5, 1]), 'probability');
  assert.equal(confidenceScale([-2.3, -0.1, 0, -Infinity]), 'log-probability');
  assert.equal(confidenceScale([-1, 0.5]), 'score');
  assert.equal(confidenceScale([0.2, 1.5]), 'score');
  assert.deepEqual(Array.from(confidenceAsProbability([Math.log(0.25), -Infinity])!), [0.25, 0]);
  assert.equal(confidenceAsProbability([3, 4]), undefined);
});

test('reliabilityBins: equal-mass bins of distinct values are rank deciles; ECE is their weighted gap', () => {
  const rnd = seededRandom(7);
  const n = 200;
  const p = Array.from({ length: n }, () => rnd());
  const q = p.map((v) => (rnd() < v * v ? 1 : 0));
  const bins = reliabilityBins(p, q, 10);
  // Independent: sort (p, q) pairs and cut every 20 ranks.
  const pairs = p.map((v, i) => [v, q[i]] as const).sort((a, b) => a[0] - b[0]);
  let ece = 0;
  for (let b = 0; b < 10; b++) {
    const chunk = pairs.slice(b * 20, b * 20 + 20);
    const mp = chunk.reduce((s, x) => s + x[0], 0) / 20;
    const mq = chunk.reduce((s, x) => s + x[1], 0) / 20;
    assert.equal(bins[b].n, 20);
    assert.ok(Math.abs(bins[b].confidence - mp) < 1e-12 && Math.abs(bins[b].quality - mq) < 1e-12);
    ece += (20 / n) * Math.abs(mp - mq);
  }
  assert.ok(Math.abs(expectedCalibrationError(bins) - ece) < 1e-12);
});

test('reliabilityBins never cut tied values apart: a three-valued signal gets one bin per value', () => {
  // 0.2 x 50 (10 right), 0.5 x 30 (21 right), 0.9 x 20 (20 right).
  const p = [...Array(50).fill(0.2), ...Array(30).fill(0.5), ...Array(20).fill(0.9)];
  const q = [...Array(10).fill(1), ...Array(40).fill(0), ...Array(21).fill(1), ...Array(9).fill(0), ...Array(20).fill(1)];
  const bins = reliabilityBins(p, q, 10);
  const want = [
    [50, 0.2, 0.2],
    [30, 0.5, 0.7],
    [20, 0.9, 1],
  ];
  assert.equal(bins.length, 3);
  bins.forEach((b, i) => {
    assert.equal(b.n, want[i][0]);
    assert.ok(Math.abs(b.confidence - want[i][1]) < 1e-12 && Math.abs(b.quality - want[i][2]) < 1e-12, `bin ${i}`);
  });
  // By hand: (50 * 0 + 30 * 0.2 + 20 * 0.1) / 100.
  assert.ok(Math.abs(expectedCalibrationError(bins) - 0.08) < 1e-12);
});

test('confidenceQuality reads log-probabilities as probabilities for the calibration error', () => {
  const { s, q } = randomSignal(3, 300, 1000);
  const logp = s.map((v) => Math.log(Math.max(v, 1e-9)));
  const fromLog = confidenceQuality({ confidence: Float64Array.from(logp), quality: Float64Array.from(q) });
  const fromProb = confidenceQuality({ confidence: Float64Array.from(logp.map(Math.exp)), quality: Float64Array.from(q) });
  assert.equal(fromLog.scale, 'log-probability');
  assert.equal(fromProb.scale, 'probability');
  assert.ok(fromLog.calibrationError !== null && Math.abs(fromLog.calibrationError - fromProb.calibrationError!) < 1e-12);
  assert.equal(fromLog.auroc, fromProb.auroc);
  const score = confidenceQuality({ confidence: Float64Array.from(s.map((v) => 10 * v - 3)), quality: Float64Array.from(q) });
  assert.equal(score.scale, 'score');
  assert.equal(score.calibrationError, null);
  assert.deepEqual(score.reliability, []);
});

test('confidenceQuality flags weak and degenerate signals', () => {
  const rnd = seededRandom(11);
  const n = 400;
  const q = Float64Array.from({ length: n }, () => (rnd() < 0.6 ? 1 : 0));
  const constant = confidenceQuality({ confidence: new Float64Array(n).fill(-0.3), quality: q });
  assert.equal(constant.auroc, 0.5);
  assert.ok(constant.weak && constant.degenerate);
  assert.equal(constant.distinctValues, 1);
  // Noise: AUROC near 0.5, but many values.
  const noise = confidenceQuality({ confidence: Float64Array.from({ length: n }, () => rnd()), quality: q });
  assert.ok(noise.weak && !noise.degenerate, `noise AUROC ${noise.auroc}`);
  // Informative, but three values hold 95% of the queries.
  const few = Float64Array.from(q, (v, i) => (i % 20 === 0 ? rnd() : v === 1 ? (i % 2 ? 0.9 : 0.8) : 0.3));
  const fewQ = confidenceQuality({ confidence: few, quality: q });
  assert.ok(!fewQ.weak && fewQ.degenerate, `few values: AUROC ${fewQ.auroc}, share ${fewQ.commonValuesShare}`);
  assert.ok(valueConcentration(few).commonShare >= 0.9);
  const good = confidenceQuality({ confidence: Float64Array.from(q, (v) => v * 0.5 + rnd() * 0.6), quality: q });
  assert.ok(!good.weak && !good.degenerate);
});

test("analyze reports each model's AUROC on calibration and holdout, equal to the pair-by-pair definition (bundled MMLU)", () => {
  const data = readFolder(resolve(repoRoot, 'examples/mmlu'));
  const dataset = referenceDataset(resolve(repoRoot, 'examples/mmlu'));
  const r = analyze(dataset, { split: { kind: 'field', calibration: 'train', holdout: 'test' }, bootstrapResamples: 0 });
  for (const m of r.models) {
    const of = (split: string) => {
      const ids = data.ids.filter((id) => data.rec.get(m.name)!.get(id)!.split === split);
      return { s: ids.map((id) => data.rec.get(m.name)!.get(id)!.confidence), q: ids.map((id) => data.rec.get(m.name)!.get(id)!.correct) };
    };
    const train = of('train');
    const held = of('test');
    assert.ok(Math.abs(m.confidenceAuroc! - bruteAuroc(train.s, train.q)!) < 1e-12, m.name);
    assert.ok(Math.abs(m.confidenceAurocHoldout! - bruteAuroc(held.s, held.q)!) < 1e-12, m.name);
    assert.equal(m.confidenceSignal.scale, 'log-probability');
    // ECE from distinct-value deciles is checked above; here: it is a mean gap, in [0, 1], with 10 bins of about 28 queries.
    assert.ok(m.calibrationError! >= 0 && m.calibrationError! <= 1);
    assert.equal(
      m.confidenceSignal.reliability.reduce((s, b) => s + b.n, 0),
      train.s.length,
    );
    assert.equal(
      m.confidenceSignal.reliabilityHoldout.reduce((s, b) => s + b.n, 0),
      held.s.length,
    );
  }
});

test('analyze without a split reports in-sample figures only', () => {
  const d = makeDataset({ a: { q: [1, 0, 1, 0, 1], s: [0.9, 0.1, 0.8, 0.3, 0.7], c: [1, 1, 1, 1, 1] }, b: { q: [1, 1, 1, 0, 1], s: [0.5, 0.5, 0.5, 0.5, 0.5], c: [2, 2, 2, 2, 2] } });
  const r = analyze(d, { split: { kind: 'none' }, bootstrapResamples: 0 });
  const a = r.models.find((m) => m.name === 'a')!;
  assert.equal(a.confidenceAuroc, 1);
  assert.equal(a.confidenceAurocHoldout, null);
  assert.equal(a.confidenceSignal.calibrationErrorHoldout, null);
  assert.equal(r.drift, undefined);
  assert.ok(r.models.find((m) => m.name === 'b')!.confidenceSignal.degenerate);
});

test('confidenceQuality is measured once per set of columns: views of the same memory find it, other columns are measured', () => {
  const random = seededRandom(11);
  const n = 2000;
  const confidence = Float64Array.from({ length: n }, () => Math.log(random()));
  const quality = Float64Array.from(confidence, (c) => (random() < Math.exp(c) ? 1 : 0));
  const cal = { confidence: confidence.subarray(0, 800), quality: quality.subarray(0, 800) };
  const held = { confidence: confidence.subarray(800), quality: quality.subarray(800) };
  const first = confidenceQuality(cal, held);
  // Each figure against its own computation on copies (no memory shared with the columns above).
  const copy = (m: { confidence: Float64Array; quality: Float64Array }) => ({ confidence: m.confidence.slice(), quality: m.quality.slice() });
  const fresh = confidenceQuality(copy(cal), copy(held));
  assert.notEqual(fresh, first);
  assert.deepEqual(fresh, first);
  assert.equal(
    confidenceQuality({ confidence: confidence.subarray(0, 800), quality: quality.subarray(0, 800) }, { confidence: confidence.subarray(800), quality: quality.subarray(800) }),
    first,
    'new views of the same memory',
  );
  assert.equal(first.auroc, confidenceAuroc(copy(cal).confidence, copy(cal).quality));
  // Another quality column beside the same confidences, other rows, or no holdout: measured, not found.
  const flipped = quality.slice();
  for (let i = 0; i < 800; i++) flipped[i] = 1 - flipped[i]!;
  const other = confidenceQuality({ confidence: cal.confidence, quality: flipped.subarray(0, 800) }, held);
  assert.notEqual(other, first);
  assert.deepEqual(other, confidenceQuality(copy({ confidence: cal.confidence, quality: flipped.subarray(0, 800) }), copy(held)));
  assert.notDeepEqual(other.auroc, first.auroc);
  assert.deepEqual(
    confidenceQuality({ confidence: confidence.subarray(0, 700), quality: quality.subarray(0, 700) }),
    confidenceQuality(copy({ confidence: confidence.subarray(0, 700), quality: quality.subarray(0, 700) })),
  );
  assert.notDeepEqual(confidenceQuality(cal), first);
});
