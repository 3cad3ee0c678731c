import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/analyze.ts';
import { measurePolicy } from '../../src/core/policy.ts';
import { jsonNumber, resultJson, thresholdForConfig } from '../../src/core/format/index.ts';
import { decodeNonFinite, encodeNonFinite } from '../../src/protocolEndpoint.ts';
import { configPolicy, parseCascadeConfig } from '../../src/core/config/config.ts';
import { applyTextEdits, policyEdits, thresholdEdits } from '../../src/core/config/edit.ts';
import { makeDataset } from '../support/dataset.ts';
import { pairCascadeCurve } from '../../src/core/pairCurve.ts';
import { curveThreshold } from '../../src/core/envelope.ts';

// cheap's log-probabilities: Python's json writes -Infinity for a probability of zero.
const S = [-Infinity, -Infinity, -2, -1, -0.5, Infinity];
const ds = () =>
  makeDataset({
    cheap: { q: [0, 0, 1, 0, 1, 1], s: S, c: [1, 1, 1, 1, 1, 1] },
    strong: { q: [1, 1, 1, 1, 0, 1], s: [0, 0, 0, 0, 0, 0], c: [10, 10, 10, 10, 10, 10] },
  });

test('-Infinity is the lowest confidence: a threshold between it and the next value escalates exactly those queries, and compares as numbers do', () => {
  const r = analyze(ds(), { split: { kind: 'none' }, bootstrapResamples: 0 });
  const m = r.models.find((x) => x.name === 'cheap')!;
  assert.equal(m.confidenceMin, -Infinity);
  assert.equal(m.confidenceMax, Infinity);
  const points = r.pairs[0].points;
  // Point 0 answers everything, -Infinity included: its threshold is -Infinity itself, never null (+infinity).
  assert.equal(points[0].threshold, -Infinity);
  assert.equal(points[0].escalationRate, 0);
  // The point that escalates the two -Infinity queries states a finite threshold in (-Infinity, -2].
  const two = points.find((p) => Math.abs(p.escalationRate - 2 / 6) < 1e-12)!;
  assert.ok(Number.isFinite(two.threshold) && two.threshold! <= -2, String(two.threshold));
  // Counted by hand: cheap answers queries 2..5 (1+0+1+1), strong the first two (1+1); costs 6 + 2 x 10.
  assert.deepEqual([two.cost, two.quality], [26 / 6, 5 / 6]);
  const measured = measurePolicy(ds(), { kind: 'pair', models: ['cheap', 'strong'], thresholds: [two.threshold] });
  assert.deepEqual([measured.cost, measured.quality, measured.escalationRate], [26 / 6, 5 / 6, 2 / 6]);
  // -Infinity >= t is false for every finite t, Infinity >= t true for every t, +infinity included.
  for (const t of [-1e308, -3, 0, 1e308, null]) {
    const e = measurePolicy(ds(), { kind: 'pair', models: ['cheap', 'strong'], thresholds: [t] }).escalationRate;
    const expected = S.filter((s) => s < (t ?? Infinity)).length / 6;
    assert.equal(e, expected, `t = ${t}`);
  }
  // The curve's last point is the +infinity threshold, which escalates all but the Infinity query, as measured.
  const last = r.pairs[0].points.at(-1)!;
  assert.ok(r.pairs[0].points.every((p) => p.escalationRate <= 5 / 6));
  assert.ok(last.threshold === null ? last.escalationRate === 5 / 6 : true);
  // The AUROC counts -Infinity as the lowest value: right answers at -2, -0.5, Infinity against wrong ones at -inf, -inf, -1.
  assert.equal(m.confidenceAuroc, (3 + 3 + 2) / 9);
});

test('--json states non-finite numbers as the strings "-Infinity" and "Infinity", which read back as numbers', () => {
  const r = analyze(ds(), { split: { kind: 'none' }, bootstrapResamples: 0 });
  const text = resultJson(r);
  const back = JSON.parse(text);
  const cheap = back.models.find((m: { name: string }) => m.name === 'cheap');
  assert.equal(cheap.confidenceMin, '-Infinity');
  assert.equal(cheap.confidenceMax, 'Infinity');
  assert.equal(jsonNumber(cheap.confidenceMin), -Infinity);
  assert.equal(jsonNumber(back.pairs[0].points[0].threshold), -Infinity);
  assert.ok(!text.includes('NaN'));
});

test('the panel channel carries -Infinity and Infinity as tagged objects, and only those', () => {
  const message = { a: [1, -Infinity, { t: Infinity, name: '-Infinity' }], b: null, c: 'Infinity', d: new Float64Array([1]) };
  const encoded = encodeNonFinite(message);
  const wire = JSON.parse(JSON.stringify(encoded));
  assert.deepEqual(wire.a[1], { $number: '-Infinity' });
  assert.deepEqual(decodeNonFinite(wire), { ...message, d: wire.d });
  // A message without non-finite numbers is passed on as it is.
  const plain = { a: [1, 2], b: { c: 'x' } };
  assert.equal(encodeNonFinite(plain), plain);
  assert.equal(decodeNonFinite(plain), plain);
});

test('a -Infinity threshold in a config: YAML -.inf and JSON "-Infinity" read, written and read back', () => {
  assert.equal(thresholdForConfig(-Infinity), '-.inf');
  assert.equal(thresholdForConfig(-Infinity, 'json'), '"-Infinity"');
  assert.equal(thresholdForConfig(null, 'json'), 'null');
  const yaml = 'cascade:\n  - model: cheap\n    threshold: 0.5 # keep\n  - model: strong\n';
  const y2 = applyTextEdits(yaml, thresholdEdits(yaml, 'yaml', 0, -Infinity));
  assert.equal(y2, 'cascade:\n  - model: cheap\n    threshold: -.inf # keep\n  - model: strong\n');
  assert.deepEqual(configPolicy(parseCascadeConfig(y2, 'yaml'))!.thresholds, [-Infinity]);
  const json = '{\n  "cascade": [\n    { "model": "cheap", "threshold": 0.5 },\n    { "model": "strong" }\n  ]\n}\n';
  const j2 = applyTextEdits(json, thresholdEdits(json, 'json', 0, -Infinity));
  assert.match(j2, /"threshold": "-Infinity"/);
  const parsed = parseCascadeConfig(j2, 'json');
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(configPolicy(parsed)!.thresholds, [-Infinity]);
  // Writing the same policy again changes nothing.
  assert.deepEqual(policyEdits(j2, 'json', { kind: 'pair', models: ['cheap', 'strong'], thresholds: [-Infinity] }), []);
  assert.deepEqual(policyEdits(y2, 'yaml', { kind: 'pair', models: ['cheap', 'strong'], thresholds: [-Infinity] }), []);
});

test('every point of a pair curve over -Infinity and Infinity confidences is what its stated threshold measures', () => {
  const data = ds();
  const cheap = data.models.find((m) => m.name === 'cheap')!;
  const strong = data.models.find((m) => m.name === 'strong')!;
  const curve = pairCascadeCurve(cheap, strong);
  // Distinct values -inf, -2, -1, -0.5, +inf: five points, the last escalating all but the +Infinity query.
  assert.equal(curve.cost.length, 5);
  for (let j = 0; j < curve.cost.length; j++) {
    const t = curveThreshold(curve, j);
    const m = measurePolicy(data, { kind: 'pair', models: ['cheap', 'strong'], thresholds: [t] });
    assert.deepEqual([m.cost, m.quality, m.escalationRate], [curve.cost[j], curve.quality[j], curve.escalationRate[j]], `point ${j}, threshold ${t}`);
  }
});
