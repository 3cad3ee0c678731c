import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { budgetOrigin, budgetRange, budgetToSlider, holdoutFiguresOf, initialBudget, recommendForBudget, sliderToBudget, SLIDER_STEPS } from '../../webview/recommendation.ts';
import { fixtureResult, pair, single } from './webview.fixture.ts';
import { NO_SIGNAL } from '../support/signal.ts';
import { makeDataset } from '../support/dataset.ts';
import { analyze, analyzeDeferringGrid, withBudgetPicks } from '../../src/core/analyze.ts';

/** The rule written out plainly: highest quality with cost <= B, ties to the lower cost. */
function bruteForceIndex(envelope: readonly { cost: number; quality: number }[], budget: number): number {
  let best = -1;
  envelope.forEach((v, i) => {
    if (v.cost > budget) return;
    if (best < 0 || v.quality > envelope[best].quality || (v.quality === envelope[best].quality && v.cost < envelope[best].cost)) best = i;
  });
  return best;
}

describe('recommendForBudget', () => {
  const result = fixtureResult();

  it('picks the best vertex within the budget, for every budget on a fine grid', () => {
    for (let b = 0.5; b <= 5; b += 0.05) {
      const rec = recommendForBudget(result, b);
      const expected = bruteForceIndex(result.envelope, b);
      if (expected < 0) assert.equal(rec.feasible, false, `budget ${b}`);
      else assert.equal(rec.index, expected, `budget ${b}`);
    }
  });

  it('includes a vertex whose cost equals the budget', () => {
    assert.equal(recommendForBudget(result, 2).index, 2);
    assert.equal(recommendForBudget(result, 1.9999).index, 1);
  });

  it('says why nothing fits below the cheapest policy', () => {
    const rec = recommendForBudget(result, 0.5);
    assert.equal(rec.feasible, false);
    assert.match(rec.reason ?? '', /below the cheapest policy \(A at \$1\/query\)/);
  });

  it('reports held-out figures, the hull slope at the budget and the gain over the best single model', () => {
    const rec = recommendForBudget(result, 2.5);
    assert.equal(rec.index, 2);
    assert.deepEqual(rec.holdout, { n: 100, cost: 2.1, quality: 0.66, escalationRate: 0.25 });
    // Between hull vertices v2 (2, 0.70) and v4 (4, 0.80): slope 0.1 / 2.
    assert.ok(Math.abs((rec.shadowPrice?.lambdaLeft ?? NaN) - 0.05) < 1e-12);
    assert.ok(Math.abs((rec.shadowPrice?.lambdaRight ?? NaN) - 0.05) < 1e-12);
    // Best single within 2.5: B (0.60 in-sample; held out 0.58 from the host's recommendation).
    assert.equal(rec.bestSingle?.model, 'B');
    assert.equal(rec.bestSingle?.holdout?.quality, 0.58);
    assert.ok(Math.abs((rec.gainInSample ?? NaN) - 0.1) < 1e-12);
    assert.ok(Math.abs((rec.gainHoldout ?? NaN) - 0.08) < 1e-12);
    assert.equal(rec.escalationWorthIt, true);
    // Same policy as the host's own recommendation: its intervals and local shadow price carry over.
    assert.deepEqual(rec.inSampleIntervals?.qualityInterval, [0.61, 0.79]);
    assert.equal(rec.localShadowPrice?.windowQueries, 20);
  });

  it('does not borrow the host figures for another policy', () => {
    const rec = recommendForBudget(result, 1.7);
    assert.equal(rec.index, 1);
    assert.equal(rec.inSampleIntervals, undefined);
    assert.equal(rec.localShadowPrice, undefined);
    // Best single within 1.7 is A (B costs 2); A's held-out figures come from its envelope entry.
    assert.equal(rec.bestSingle?.model, 'A');
    assert.ok(Math.abs((rec.gainHoldout ?? NaN) - (0.6 - 0.48)) < 1e-12);
  });

  it('at a vertex the hull slopes differ left and right', () => {
    const rec = recommendForBudget(result, 1.5);
    assert.ok(Math.abs((rec.shadowPrice?.lambdaLeft ?? NaN) - 0.24) < 1e-12);
    assert.ok(Math.abs((rec.shadowPrice?.lambdaRight ?? NaN) - 0.16) < 1e-12);
  });

  it('a single model is never "worth escalating"', () => {
    const rec = recommendForBudget(result, 100);
    assert.equal(rec.index, 4);
    assert.equal(rec.bestSingle?.model, 'C');
    assert.equal(rec.escalationWorthIt, false);
    assert.equal(rec.gainInSample, 0);
  });

  it('breaks quality ties between single models by cost, then name', () => {
    const r = fixtureResult();
    const tied = { ...r, models: [...r.models, { name: 'Aa', cost: 0.9, quality: 0.5, n: 100, confidenceMin: 0, confidenceMax: 1, ...NO_SIGNAL }] };
    assert.equal(recommendForBudget(tied, 1.2).bestSingle?.model, 'Aa');
  });
});

describe('holdoutFiguresOf', () => {
  it('finds an envelope policy by models and threshold', () => {
    const r = fixtureResult();
    assert.equal(holdoutFiguresOf(r, pair('A', 'C', 0.8))?.quality, 0.6);
    assert.equal(holdoutFiguresOf(r, pair('A', 'C', 0.81)), undefined);
    assert.equal(holdoutFiguresOf(r, single('B'))?.quality, 0.58);
  });
});

describe('budget slider', () => {
  const range = budgetRange(fixtureResult());

  it('spans half the cheapest to 1.5 times the dearest cost', () => {
    assert.deepEqual(range, { min: 0.5, max: 6 });
  });

  it('maps the ends and the geometric middle', () => {
    assert.equal(sliderToBudget(0, range), 0.5);
    assert.ok(Math.abs(sliderToBudget(SLIDER_STEPS, range) - 6) < 1e-12);
    assert.ok(Math.abs(sliderToBudget(SLIDER_STEPS / 2, range) - Math.sqrt(0.5 * 6)) < 1e-12);
  });

  it('round-trips positions and clamps budgets outside the range', () => {
    for (const p of [0, 1, 250, 499, 500, 999, 1000]) assert.equal(budgetToSlider(sliderToBudget(p, range), range), p);
    assert.equal(budgetToSlider(0.1, range), 0);
    assert.equal(budgetToSlider(60, range), SLIDER_STEPS);
  });
});

describe('initialBudget', () => {
  const r = fixtureResult();
  it('prefers the saved budget, then the configured one, then the host recommendation', () => {
    assert.equal(initialBudget(r, 1.1, 2.2), 1.1);
    assert.equal(initialBudget(r, undefined, 2.2), 2.2);
    assert.equal(initialBudget(r, undefined, undefined), 2.5);
  });
  it('falls back to the configured cascade cost, then the dearest vertex', () => {
    const { recommendation: _r, ...noRec } = r;
    assert.equal(initialBudget(noRec, undefined, undefined), 3.5);
    const { cascade: _c, ...bare } = noRec;
    assert.equal(initialBudget(bare, undefined, undefined), 4);
  });
});

describe('budgetOrigin', () => {
  const r = fixtureResult();
  const { recommendation: _r, ...noRec } = r;
  const { cascade: _c, ...bare } = noRec;
  it('names where the budget in force comes from, in the order initialBudget takes it', () => {
    assert.equal(budgetOrigin(r, 1.1, 2.2), 'panel');
    assert.equal(budgetOrigin(r, undefined, 2.2), 'config');
    // The analysis's own recommendation was made at the config's budget.
    assert.equal(budgetOrigin(r, undefined, undefined), 'config');
    assert.equal(budgetOrigin(noRec, undefined, undefined), 'cascade');
    assert.equal(budgetOrigin(bare, undefined, undefined), 'dearest');
  });
});

describe('recommendForBudget with the noise-aware rule', () => {
  // A cheap model right exactly when confident, an expensive one always right: escalating pays.
  const n = 300;
  const s = Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n);
  const data = makeDataset(
    {
      a: { q: s.map((x, i) => (x > 0.5 ? 1 : i % 3 === 0 ? 1 : 0)), s, c: s.map((_, i) => 1 + (i % 3) * 0.1) },
      b: { q: s.map(() => 1), s: s.map(() => 0), c: s.map((_, i) => 10 + (i % 5)) },
    },
    s.map((_, i) => (i % 2 === 0 ? 'train' : 'test')),
  );
  const result = analyze(data, { budget: 7, budgetGrid: 12, split: { kind: 'field', calibration: 'train', holdout: 'test' }, bootstrapResamples: 50 });

  it('at the analysed budget: the host recommendation, its verdict and budget check', () => {
    const rec = recommendForBudget(result, 7);
    assert.equal(rec.rule, 'noise-aware');
    assert.deepEqual(rec.vertex?.policy, result.recommendation!.choice!.policy);
    assert.equal(rec.verdict, result.recommendation!.verdict);
    assert.equal(rec.budgetCheck, result.recommendation!.budgetCheck);
    assert.equal(rec.pickedAt, undefined);
  });

  it('elsewhere: the pick of the largest grid budget within the budget, said so', () => {
    const picks = result.budgetPicks!;
    assert.equal(picks.length, 12);
    for (const budget of [picks[0].budget, picks[3].budget * 1.01, picks[7].budget, picks[11].budget * 2]) {
      let at = -1;
      picks.forEach((p, i) => {
        if (p.budget <= budget) at = i;
      });
      const rec = recommendForBudget(result, budget);
      assert.deepEqual(rec.vertex?.policy, picks[at].choice!.policy, `budget ${budget}`);
      assert.equal(rec.verdict?.answer, picks[at].verdict?.answer);
      assert.equal(rec.pickedAt, picks[at].budget === budget ? undefined : picks[at].budget);
      assert.equal(rec.escalationWorthIt, picks[at].verdict?.answer === 'yes');
    }
    const below = recommendForBudget(result, picks[0].budget / 2);
    assert.equal(below.feasible, false);
    assert.match(below.reason ?? '', /below the cheapest model/);
  });

  it('computed after the result (the editor shows the result first), the grid gives the same result, byte for byte', () => {
    const options = { budget: 7, budgetGrid: 12, split: { kind: 'field', calibration: 'train', holdout: 'test' }, bootstrapResamples: 50 } as const;
    const deferred = analyzeDeferringGrid(data, options);
    assert.equal(deferred.result.budgetPicks, undefined);
    assert.ok('recommendation' in deferred.result);
    const picks = deferred.budgetPicks();
    assert.equal(picks?.length, 12);
    assert.equal(JSON.stringify(withBudgetPicks(deferred.result, picks!)), JSON.stringify(result));
    // Without a budget (so no recommendation) the picks go after the pair curves, as analyze puts them.
    const { budget: _b, ...noBudget } = options;
    const plain = analyze(data, noBudget);
    const later = analyzeDeferringGrid(data, noBudget);
    assert.equal(JSON.stringify(withBudgetPicks(later.result, later.budgetPicks()!)), JSON.stringify(plain));
    // No grid asked: none computed.
    assert.equal(analyzeDeferringGrid(data, { ...noBudget, budgetGrid: 0 }).budgetPicks(), undefined);
  });

  it('every grid pick fits its budget: its cost upper bound is at most the budget, or it is the flagged fallback', () => {
    for (const p of result.budgetPicks!) {
      if (!p.feasible) continue;
      assert.ok(p.fallback || p.budgetCheck!.costUpperBound <= p.budget, `pick at ${p.budget}`);
    }
  });
});
