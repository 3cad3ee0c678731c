/**
 * A configured cascade is dominated only by a policy better by at least what one query can
 * make: never by rounding noise, never by itself. Rebuilt from a report where a cascade was
 * "dominated" by a vertex of identical quality and escalation rate whose cost differed by
 * 1e-19 ("±0.0 pts while saving $5.42e-17 per 1k queries").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../../src/core/analyze.ts';
import { dominates, queryResolution } from '../../src/core/dominance.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import { makeDataset } from '../support/dataset.ts';
import { repoRoot } from '../support/paths.ts';

test('with a split, a cascade configured as any envelope vertex is not dominated and has no gap, though its cost is summed in another order', async () => {
  const { dataset } = await loadEvalFiles([join(repoRoot, 'examples/mmlu')]);
  const split = { kind: 'field', field: 'split', calibration: 'train', holdout: 'test' } as const;
  const base = analyze(dataset, { split, bootstrapResamples: 0 });
  const vertices = base.envelope.filter((v) => v.policy.kind === 'pair');
  assert.ok(vertices.length > 20);
  let noisy = 0;
  for (const v of vertices) {
    const c = analyze(dataset, { split, bootstrapResamples: 0, cascade: v.policy }).cascade!;
    // The same queries escalate: the figures agree up to rounding, and often not exactly.
    assert.equal(c.inSample.escalationRate, v.escalationRate);
    assert.ok(Math.abs(c.inSample.cost - v.cost) <= 1e-12 * v.cost && Math.abs(c.inSample.quality - v.quality) <= 1e-12);
    if (c.inSample.cost !== v.cost) noisy++;
    assert.equal(c.dominatedBy, undefined, `${JSON.stringify(v.policy)} dominated by ${JSON.stringify(c.dominatedBy)}`);
    assert.equal(c.gapToEnvelope, 0);
    assert.deepEqual(c.bestThresholdSamePair?.policy, v.policy);
  }
  // The case the report describes: costs that differ only by summation order.
  assert.ok(noisy > 0, 'some vertex cost differs from its cascade re-evaluation by rounding');
});

test('a cascade one query worse than another policy at the same cost is dominated by it', () => {
  // B and C cost the same; with threshold 0.5 the cheap model A escalates queries 2 and 3 to either.
  // C answers one of them better: A -> C has the same cost and 1/4 more quality.
  const d = makeDataset({
    A: { q: [1, 1, 0, 0], s: [0.9, 0.8, 0.1, 0.2], c: [1, 1, 1, 1] },
    B: { q: [1, 1, 1, 0], s: [0, 0, 0, 0], c: [10, 10, 10, 10] },
    C: { q: [1, 1, 1, 1], s: [0, 0, 0, 0], c: [10, 10, 10, 10] },
  });
  const c = analyze(d, { split: { kind: 'none' }, bootstrapResamples: 0, cascade: { kind: 'pair', models: ['A', 'B'], thresholds: [0.5] } }).cascade!;
  assert.equal(c.inSample.cost, 6);
  assert.equal(c.inSample.quality, 0.75);
  assert.equal(c.dominatedBy?.cost, 6);
  assert.equal(c.dominatedBy?.quality, 1);
  assert.deepEqual(c.dominatedBy?.policy.models, ['A', 'C']);
  assert.equal(c.gapToEnvelope, 0.25);
});

test('dominates: better by one query in quality or cost, never by rounding', () => {
  const d = makeDataset({ A: { q: [1, 0, 1, 0], s: [0, 0, 0, 0], c: [0.002, 0, 0.001, 0.004] }, B: { q: [1, 1, 1, 1], s: [0, 0, 0, 0], c: [0.01, 0.01, 0.01, 0.01] } });
  // 1/4 of quality; the cheapest paid call (0.001, a free one does not count) over 4 queries.
  const step = queryResolution(d, ['A', 'B']);
  assert.deepEqual(step, { quality: 0.25, cost: 0.00025 });
  const p = { cost: 0.0042, quality: 0.5 };
  assert.equal(dominates(p, p, step), false);
  assert.equal(dominates({ cost: p.cost - 1e-19, quality: p.quality }, p, step), false);
  assert.equal(dominates({ cost: p.cost + 1e-19, quality: p.quality + 0.25 }, p, step), true);
  assert.equal(dominates({ cost: p.cost, quality: p.quality + 0.25 - 1e-17 }, p, step), true);
  assert.equal(dominates({ cost: p.cost - 0.00025, quality: p.quality - 1e-17 }, p, step), true);
  assert.equal(dominates({ cost: p.cost - 0.0001, quality: p.quality }, p, step), false);
  assert.equal(dominates({ cost: p.cost - 0.001, quality: p.quality - 0.25 }, p, step), false);
  assert.equal(dominates({ cost: p.cost + 0.0001, quality: p.quality + 0.5 }, p, step), false);
});
