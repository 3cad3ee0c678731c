import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../src/core/types.ts';
import { learnConfidence } from '../../src/core/confidence/learned.ts';
import { confidenceQuality } from '../../src/core/signal/quality.ts';
import { splitDataset } from '../../src/core/split.ts';
import { answerDataset, aurocByPairs } from '../support/answers.ts';

const FIELD = { kind: 'field', calibration: 'train', holdout: 'test' } as const;

function withLabel(ds: Dataset, model: string, query: number, value: number): Dataset {
  return {
    ...ds,
    models: ds.models.map((m) => {
      if (m.name !== model) return m;
      const quality = Float64Array.from(m.quality);
      quality[query] = value;
      return { ...m, quality };
    }),
  };
}

const learnedColumn = (ds: Dataset, model: string) => learnConfidence(ds, FIELD).dataset.models.find((m) => m.name === model)!.confidence;

test('learnConfidence: a calibration query keeps its score when only its own label flips (cross-fitted), while labels do move other scores', () => {
  const ds = answerDataset(300, { calibration: 200 });
  const before = learnedColumn(ds, 'cheap');
  for (const q of [0, 17, 123, 199]) {
    const flipped = withLabel(ds, 'cheap', q, 1 - ds.models.find((m) => m.name === 'cheap')!.quality[q]);
    const after = learnedColumn(flipped, 'cheap');
    assert.equal(after[q], before[q], `query ${q} was scored by a model that saw its label`);
    // The flip reaches the models that trained on it: the holdout queries' scores move.
    let moved = 0;
    for (let i = 200; i < 300; i++) if (after[i] !== before[i]) moved++;
    assert.ok(moved > 0, 'the label flip changed no holdout score: the test could not fail');
  }
});

test('learnConfidence: a holdout query is scored by a model trained on every calibration query and none of the holdout labels', () => {
  const ds = answerDataset(300, { calibration: 200 });
  const before = learnedColumn(ds, 'mid');
  // Flipping every holdout label changes nothing anywhere.
  let flipped = ds;
  for (let q = 200; q < 300; q++) flipped = withLabel(flipped, 'mid', q, 1 - ds.models.find((m) => m.name === 'mid')!.quality[q]);
  assert.deepEqual(learnedColumn(flipped, 'mid'), before);
});

test('learnConfidence: the held-out AUROC reported for the learned score equals one counted pair by pair, and the answer text carries signal', () => {
  const ds = answerDataset(600, { calibration: 300 });
  const { dataset, models } = learnConfidence(ds, FIELD);
  assert.deepEqual(
    models.map((m) => [m.model, m.learned, m.learned ? m.from : '']),
    [
      ['cheap', true, 'answer and prompt'],
      ['mid', true, 'answer and prompt'],
      ['strong', true, 'answer and prompt'],
    ],
  );
  const split = splitDataset(dataset, FIELD);
  for (const name of ['cheap', 'mid', 'strong']) {
    const cal = split.calibration.models.find((m) => m.name === name)!;
    const hold = split.holdout!.models.find((m) => m.name === name)!;
    assert.equal(cal.confidenceSource, 'learned');
    const quality = confidenceQuality(cal, hold);
    const expected = aurocByPairs(hold.confidence, hold.quality);
    assert.ok(Math.abs(quality.aurocHoldout! - expected) < 1e-12, `${name}: ${quality.aurocHoldout} vs ${expected}`);
    assert.ok(Math.abs(quality.auroc! - aurocByPairs(cal.confidence, cal.quality)) < 1e-12);
    // 70% of wrong answers are hedged against 10% of right ones: the best possible AUROC is about 0.8.
    assert.ok(expected > 0.7, `${name}: held-out AUROC ${expected}`);
    assert.ok(cal.confidence.every((p) => p > 0 && p < 1));
  }
});

test('learnConfidence: answer text that says nothing gives a score near chance', () => {
  const ds = answerDataset(600, { calibration: 300, hedge: 0.1 });
  const { dataset } = learnConfidence(ds, FIELD);
  const split = splitDataset(dataset, FIELD);
  const hold = split.holdout!.models.find((m) => m.name === 'strong')!;
  const auroc = aurocByPairs(hold.confidence, hold.quality);
  // Only the topic (in the prompt) moves the chance of a right answer, by +-0.2.
  assert.ok(auroc < 0.7, `held-out AUROC ${auroc}`);
});

test('learnConfidence: models with a logged confidence are kept; a model with no texts, or too few calibration queries, learns none and says why', () => {
  const ds = answerDataset(40, { calibration: 30 });
  const logged = { ...ds.models[0], confidenceSource: 'logged' as const, confidence: Float64Array.from({ length: 40 }, (_, i) => i) };
  const { responses: _responses, ...mute } = ds.models[1];
  const noPrompts: Dataset = { ...ds, models: [logged, mute, ds.models[2]], prompts: undefined };
  const result = learnConfidence(noPrompts, FIELD);
  assert.equal(result.dataset.models[0], logged);
  assert.deepEqual(
    result.models.map((m) => [m.model, m.learned]),
    [
      ['mid', false],
      ['strong', true],
    ],
  );
  const mid = result.models[0];
  assert.match(!mid.learned ? mid.reason : '', /neither the answer text \(field `response`\) nor the prompt/);
  assert.equal(result.dataset.models[1].confidenceSource, 'none');
  const strong = result.models[1];
  assert.equal(strong.learned && strong.from, 'answer');

  const few = learnConfidence(answerDataset(16, { calibration: 8 }), FIELD);
  assert.ok(few.models.every((m) => !m.learned && /only 8 calibration queries/.test(m.reason)));
});

test('learnConfidence: deterministic, and without a holdout every query is cross-fitted', () => {
  const ds = answerDataset(120);
  const none = { kind: 'none' } as const;
  const a = learnConfidence(ds, none).dataset.models[0].confidence;
  const b = learnConfidence(ds, none).dataset.models[0].confidence;
  assert.deepEqual(a, b);
  // Query 5's score does not depend on its own label when every query is calibration.
  const flipped = withLabel(ds, 'cheap', 5, 1 - ds.models[0].quality[5]);
  assert.equal(learnConfidence(flipped, none).dataset.models[0].confidence[5], a[5]);
});
