import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceData } from '../support/paths.ts';
import { allPoints, pareto, readableBetween, readFolder, type RefData, type RefPoint } from '../support/reference.ts';
import { analyze } from '../../src/core/analyze.ts';
import type { Dataset } from '../../src/core/types.ts';

/** The threshold a policy states for a reference point: strictly between its neighbouring confidences. */
function statedThreshold(e: RefPoint): number | null {
  return e.threshold === null ? null : readableBetween(e.below!, e.threshold);
}

/** A Dataset built from the reference reader's records (so this test does not depend on the loader). */
function toDataset(data: RefData): Dataset {
  const splitNames = ['train', 'test'];
  return {
    n: data.ids.length,
    ids: data.ids,
    models: data.models.map((m) => {
      const r = data.rec.get(m)!;
      return {
        name: m,
        quality: Float64Array.from(data.ids, (id) => r.get(id)!.correct),
        confidence: Float64Array.from(data.ids, (id) => r.get(id)!.confidence),
        cost: Float64Array.from(data.ids, (id) => r.get(id)!.cost),
      };
    }),
    splitNames,
    splitCodes: Uint8Array.from(data.ids, (id) => splitNames.indexOf(data.rec.get(data.models[0])!.get(id)!.split)),
  };
}

for (const bench of ['mmlu', 'medmcqa'] as const) {
  const dir = referenceData(bench);
  test(`golden: the ${bench} envelope equals an independent brute-force envelope on the calibration split`, () => {
    const data = readFolder(dir);
    const trainIds = data.ids.filter((id) => data.rec.get(data.models[0])!.get(id)!.split === 'train');
    const testIds = data.ids.filter((id) => data.rec.get(data.models[0])!.get(id)!.split === 'test');
    const { points } = allPoints(data, trainIds);
    const expected = pareto(points);
    const result = analyze(toDataset(data), { split: { kind: 'field', calibration: 'train', holdout: 'test' }, bootstrapResamples: 0, budget: 0.0002 });
    assert.equal(result.split.nCalibration, trainIds.length);
    assert.equal(result.split.nHoldout, testIds.length);
    assert.equal(result.envelope.length, expected.length, 'vertex count');
    result.envelope.forEach((v, i) => {
      const e = expected[i];
      assert.ok(Math.abs(v.cost - e.cost) < 1e-12, `vertex ${i} cost ${v.cost} vs ${e.cost}`);
      assert.ok(Math.abs(v.quality - e.quality) < 1e-12, `vertex ${i} quality ${v.quality} vs ${e.quality}`);
      assert.deepEqual(v.policy.models, e.models, `vertex ${i} models`);
      // The threshold is stated as the shortest decimal selecting the same calibration queries.
      if (e.models.length === 2) assert.deepEqual(v.policy.thresholds, [statedThreshold(e)], `vertex ${i} threshold`);
      assert.ok(Math.abs(v.escalationRate - e.escalation) < 1e-12);
    });
    // Held-out figures: each vertex's policy applied to the test queries, computed here directly.
    result.holdout!.forEach((h, i) => {
      const e = expected[i];
      let c = 0;
      let q = 0;
      for (const id of testIds) {
        const a = data.rec.get(e.models[0])!.get(id)!;
        if (e.models.length === 1) {
          c += a.cost;
          q += a.correct;
          continue;
        }
        const b = data.rec.get(e.models[1])!.get(id)!;
        const t = statedThreshold(e) ?? Infinity;
        if (a.confidence < t) {
          c += a.cost + b.cost;
          q += b.correct;
        } else {
          c += a.cost;
          q += a.correct;
        }
      }
      assert.ok(Math.abs(h.holdout.cost - c / testIds.length) < 1e-12);
      assert.ok(Math.abs(h.holdout.quality - q / testIds.length) < 1e-12);
    });
    // The in-sample rule for $0.0002/query: the last reference vertex within budget.
    const within = expected.filter((e) => e.cost <= 0.0002);
    const best = within[within.length - 1];
    assert.deepEqual(result.recommendation?.inSampleChoice?.policy.models, best.models);
    // The noise-aware recommendation holds up held out: at least as good as the naive choice
    // (the single model of highest calibration quality within the budget), both measured here.
    const heldQuality = (models: readonly string[], threshold: number | null): number => {
      let q = 0;
      for (const id of testIds) {
        const a = data.rec.get(models[0])!.get(id)!;
        q += models.length === 1 || a.confidence >= (threshold ?? Infinity) ? a.correct : data.rec.get(models[1])!.get(id)!.correct;
      }
      return q / testIds.length;
    };
    const calMean = (m: string, field: 'cost' | 'correct') => trainIds.reduce((sum, id) => sum + data.rec.get(m)!.get(id)![field], 0) / trainIds.length;
    const naive = data.models.filter((m) => calMean(m, 'cost') <= 0.0002).reduce((x, y) => (calMean(y, 'correct') > calMean(x, 'correct') ? y : x));
    const rec = result.recommendation!.choice!.policy;
    assert.ok(heldQuality(rec.models, rec.thresholds[0] ?? null) >= heldQuality([naive], null) - 1e-12, `${rec.models.join(' -> ')} loses to ${naive} held out`);
    // Switching points: where consecutive reference vertices change models.
    const switches = expected
      .slice(1)
      .filter((e, i) => e.models.join('>') !== expected[i].models.join('>'))
      .map((e) => e.cost);
    assert.equal(result.switchingPoints.length, switches.length);
    result.switchingPoints.forEach((s, i) => assert.ok(Math.abs(s.budget - switches[i]) < 1e-12, `switching point ${i}`));
  });
}
