import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readableBudget, readableThreshold, roundBudgetUp, shortestDecimalBetween } from '../../src/core/readable.ts';
import { readableBetween } from '../support/reference.ts';

/** Significant digits of a number's shortest text (`-0.0504` has 3). */
function significantDigits(x: number): number {
  const [mantissa] = x.toExponential().replace('-', '').split('e');
  return mantissa.replace('.', '').length;
}

test('shortestDecimalBetween picks the fewest digits strictly inside the gap, nearest its middle', () => {
  assert.equal(shortestDecimalBetween(-0.52, -0.4987), -0.5);
  assert.equal(shortestDecimalBetween(0.1, 0.5), 0.3);
  assert.equal(shortestDecimalBetween(-1.3, 2), 0);
  assert.equal(shortestDecimalBetween(1234, 1300), 1270);
  assert.equal(shortestDecimalBetween(0.123456789012, 0.123456789013), 0.1234567890125);
  // Adjacent doubles: nothing lies strictly between.
  assert.equal(shortestDecimalBetween(0.1, 0.1 + 2 ** -56), undefined);
  assert.equal(shortestDecimalBetween(0.5, 0.5), undefined);
  assert.equal(shortestDecimalBetween(Number.NaN, 1), undefined);
});

test('property: shortestDecimalBetween lies strictly inside and has as few significant digits as the reference', () => {
  fc.assert(
    fc.property(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 1e-9, max: 10, noNaN: true }), (lo, width) => {
      const hi = lo + width;
      fc.pre(lo < hi);
      const x = shortestDecimalBetween(lo, hi);
      assert.ok(x !== undefined && lo < x && x < hi, `${x} in (${lo}, ${hi})`);
      const reference = readableBetween(lo, hi);
      if (lo < reference && reference < hi) assert.ok(significantDigits(x) <= significantDigits(reference), `${x} vs reference ${reference} in (${lo}, ${hi})`);
    }),
    { numRuns: 2000, seed: 14 },
  );
});

test('readableThreshold selects the same queries as the confidence it stands for', () => {
  const confidences = [-2.31, -1.2476508, -1.2476508, -0.63617164, -0.5213, -0.49871, 0];
  const distinct = [...new Set(confidences)].sort((a, b) => a - b);
  distinct.forEach((at, k) => {
    const t = readableThreshold(k > 0 ? distinct[k - 1] : -Infinity, at);
    const answered = (threshold: number) => confidences.filter((s) => s >= threshold).length;
    assert.equal(answered(t), answered(at), `threshold ${t} for ${at}`);
  });
  assert.equal(readableThreshold(-0.5213, -0.49871), -0.5);
  assert.equal(readableThreshold(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY), Infinity);
  // With no decimal between two adjacent doubles, the confidence itself.
  assert.equal(readableThreshold(0.1, 0.1 + 2 ** -56), 0.1 + 2 ** -56);
});

test('readableBudget keeps three significant digits unless a cost lies in between', () => {
  assert.equal(readableBudget(0.0002, [0.0001]), 0.0002);
  assert.equal(readableBudget(0.000123456, [0.0001]), 0.000123);
  // The vertex costing exactly the budget must stay affordable: round up, not to the nearest.
  assert.equal(readableBudget(0.000040705828719092994, [0.000040705828719092994, 0.00009]), 0.0000408);
  // Rounding up would reach a cost just above, rounding down lose one just below: a fourth digit.
  assert.equal(readableBudget(0.00012345, [0.0001234, 0.0001236]), 0.0001235);
});

test('property: readableBudget allows exactly the costs the budget allows', () => {
  fc.assert(
    fc.property(fc.double({ min: 1e-7, max: 10, noNaN: true }), fc.array(fc.double({ min: 1e-7, max: 10, noNaN: true }), { maxLength: 30 }), (budget, costs) => {
      const r = readableBudget(budget, costs);
      assert.deepEqual(
        costs.map((c) => c <= r),
        costs.map((c) => c <= budget),
      );
      assert.ok(significantDigits(r) >= 1);
    }),
    { numRuns: 2000, seed: 14 },
  );
});

test('roundBudgetUp: the roundest budget at or above a cost that allows the same policies', () => {
  assert.equal(roundBudgetUp(0.000274, [0.000254, 0.000274, 0.000423]), 0.0003);
  assert.equal(roundBudgetUp(0.000126, [0.000126, 0.000164]), 0.00013);
  assert.equal(roundBudgetUp(0.0000272, [0.0000272, 0.0000278]), 0.0000272);
  assert.equal(roundBudgetUp(0.00002715, [0.00002715, 0.0000278]), 0.0000272);
  assert.equal(roundBudgetUp(0.0002, [0.0002, 0.0003]), 0.0002);
});

test('property: roundBudgetUp never lowers the budget and allows exactly the costs the cost allows', () => {
  fc.assert(
    fc.property(fc.double({ min: 1e-7, max: 10, noNaN: true }), fc.array(fc.double({ min: 1e-7, max: 10, noNaN: true }), { maxLength: 30 }), (cost, costs) => {
      const r = roundBudgetUp(cost, costs);
      assert.ok(r >= cost);
      assert.deepEqual(
        costs.map((c) => c <= r),
        costs.map((c) => c <= cost),
      );
    }),
    { numRuns: 2000, seed: 14 },
  );
});
