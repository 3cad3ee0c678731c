import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
/**
 * The shared vocabulary (src/core/format) against fixed strings: every label, threshold and
 * unit a view writes, so a change of wording shows up here first.
 */
import * as format from '../../src/core/format/index.ts';
import { lambdaText, muText } from '../../src/cli/format.ts';
import type { PolicySpec } from '../../src/core/types.ts';
import { pair, single } from './webview.fixture.ts';

const chain: PolicySpec = { kind: 'chain', models: ['a', 'b', 'c'], thresholds: [0.5, null] };

describe('formatDollars', () => {
  it('keeps three significant digits below a dollar and cents above', () => {
    assert.equal(format.formatDollars(0.000123456), '$0.000123');
    assert.equal(format.formatDollars(0.0002), '$0.000200');
    assert.equal(format.formatDollars(0.5), '$0.500');
    assert.equal(format.formatDollars(0.05), '$0.0500');
    assert.equal(format.formatDollars(1234.5), '$1,234.50');
    assert.equal(format.formatDollars(0), '$0');
    assert.equal(format.formatDollars(-0.25), '-$0.250');
    assert.equal(format.formatDollars(NaN), '—');
  });

  it('axis ticks use as few digits as needed', () => {
    assert.equal(format.formatDollarsCompact(0.00002), '$0.00002');
    assert.equal(format.formatDollarsCompact(0.0015), '$0.0015');
    assert.equal(format.formatDollarsCompact(1e-7), '$0.0000001');
    assert.equal(format.formatDollarsCompact(20), '$20');
  });

  it('writes a cost per query and per thousand queries', () => {
    assert.equal(format.formatCost(0.000183), '$0.000183/query ($0.183 per 1k queries)');
  });
});

describe('quality', () => {
  it('percent and points', () => {
    assert.equal(format.formatPercent(0.8125), '81.3%');
    assert.equal(format.formatPercent(0.8125, 2), '81.25%');
    assert.equal(format.formatPoints(0.0274), '+2.7 pts');
    assert.equal(format.formatPoints(-0.0274, 2), '-2.74 pts');
  });
});

describe('shadow price units', () => {
  it('lambda: quality per $/query -> points per extra $ per 1k queries (x 100 / 1000)', () => {
    assert.equal(format.pointsPerDollarPer1k(250), 25);
    assert.equal(format.formatLambda(250), '25.0 quality points per extra $ per 1k queries');
    assert.equal(format.formatLambda(null), '—');
  });

  it('mu: $/query per unit of quality -> $ per 1k queries per point (x 1000 / 100)', () => {
    assert.equal(format.dollarsPer1kPerPoint(0.004), 0.04);
    assert.equal(format.formatMu(0.004), '$0.0400 per 1k queries per quality point');
    assert.equal(format.formatMu(undefined), '—');
  });
});

describe('lambdaPoints', () => {
  it('three significant digits without trailing zeros, grouped or whole from 1,000 up', () => {
    assert.equal(format.lambdaPoints(1.5), '0.15');
    assert.equal(format.lambdaPoints(1500), '150');
    assert.equal(format.lambdaPoints(12.345), '1.23');
    assert.equal(format.lambdaPoints(47634), '4760');
    assert.equal(format.lambdaPoints(47634, 'grouped'), '4,760');
    assert.equal(format.lambdaPoints(47634, 'whole'), '4763');
    assert.equal(format.lambdaPoints(44716.03, 'whole'), '4472');
    assert.equal(format.lambdaPoints(12.345, 'whole'), '1.23');
    assert.equal(format.lambdaPoints(null), '—');
    assert.equal(format.lambdaPoints(undefined, 'whole'), '—');
  });

  it('in the terminal: toPrecision(3), a dash when undefined', () => {
    assert.equal(lambdaText(250), '25.0');
    assert.equal(lambdaText(1.5), '0.150');
    assert.equal(lambdaText(null), '-');
    assert.equal(muText(0.004), '$0.04');
    assert.equal(muText(null), '-');
  });
});

describe('thresholds', () => {
  it('exact, for terminal lines and labels: +inf for always escalate', () => {
    assert.equal(format.thresholdExact(-0.05823759), '-0.05823759');
    assert.equal(format.thresholdExact(3), '3');
    assert.equal(format.thresholdExact(null), '+inf');
  });

  it('for a config: null for always escalate', () => {
    assert.equal(format.thresholdForConfig(0.5), '0.5');
    assert.equal(format.thresholdForConfig(null), 'null');
  });

  it('for reading: four significant digits, infinity spelled out', () => {
    assert.equal(format.thresholdDisplay(-0.05823759), '-0.05824');
    assert.equal(format.thresholdDisplay(-1.2), '-1.2');
    assert.equal(format.thresholdDisplay(3), '3');
    // Exponent form without trailing zeros either: readable thresholds can be tiny (a log-probability near 0).
    assert.equal(format.thresholdDisplay(-6e-7), '-6e-7');
    assert.equal(format.thresholdDisplay(-1.25e-7), '-1.25e-7');
    assert.equal(format.thresholdDisplay(null), '+∞ (always escalate)');
    assert.equal(format.thresholdDisplay(null, { bare: true }), '+∞');
    assert.equal(format.thresholdDisplay(undefined), '—');
    assert.equal(format.thresholdDisplay(-0.05823759, { exact: true }), '-0.05823759');
    assert.equal(format.thresholdDisplay(null, { exact: true, bare: true }), '+∞');
  });
});

describe('policies', () => {
  it('the models in order', () => {
    assert.equal(format.formatModels(pair('a', 'b', 0.5)), 'a → b');
    assert.equal(format.formatModels(pair('a', 'b', 0.5), format.ASCII_ARROW), 'a -> b');
    assert.equal(format.formatModels(single('gpt-4o')), 'gpt-4o');
  });

  it('each stage with its exact threshold (lenses, pickers, terminal)', () => {
    assert.equal(format.policyShort(pair('a', 'b', -0.12)), 'a @ -0.12 → b');
    assert.equal(format.policyShort(pair('a', 'b', null), format.ASCII_ARROW), 'a @ +inf -> b');
    assert.equal(format.policyShort(chain), 'a @ 0.5 → b @ +inf → c');
    assert.equal(format.policyShort(single('gpt-4o')), 'gpt-4o');
  });

  it('as a sentence (hovers)', () => {
    assert.equal(format.policySentence(single('gpt-4o')), 'gpt-4o alone');
    assert.equal(format.policySentence(pair('a', 'b', -0.12)), 'a → b (escalate when confidence < -0.12)');
    assert.equal(format.policySentence(pair('a', 'b', null)), 'a → b (always escalate)');
    assert.equal(format.policySentence(chain), 'a (< 0.5) → b (< +inf) → c');
  });

  it('with exact thresholds (report) and as written into a config (panel messages)', () => {
    assert.equal(format.formatPolicyExact(pair('a', 'b', -0.05823759)), 'a → b at t = -0.05823759');
    assert.equal(format.formatPolicyExact(pair('a', 'b', null)), 'a → b at t = +∞');
    assert.equal(format.formatPolicyExact(chain), 'a → b → c at t = 0.5, +∞');
    assert.equal(format.formatPolicyExact(single('gpt-4o')), 'gpt-4o');
    assert.equal(format.policyWritten(pair('a', 'b', -0.05823759)), 'a → b at -0.05823759');
    assert.equal(format.policyWritten(chain), 'a → b → c at 0.5, +inf');
    assert.equal(format.policyWritten(single('gpt-4o')), 'gpt-4o');
  });

  it('one line per policy', () => {
    assert.equal(format.formatPolicy(single('gpt-4o')), 'gpt-4o');
    assert.equal(format.formatPolicy(pair('a', 'b', -0.125)), 'a → b at t = -0.125');
    assert.equal(format.formatPolicy(pair('a', 'b', null)), 'a → b at t = +∞');
    assert.equal(format.formatPolicy(chain), 'a → b → c at t = (0.5, +∞)');
  });
});

describe('splitLine', () => {
  const field = { kind: 'field', field: 'split', calibration: 'train', holdout: 'test', nCalibration: 285, nHoldout: 1531 } as const;
  const random = { kind: 'random', seed: 7, holdoutFraction: 0.5, nCalibration: 10, nHoldout: 10 } as const;
  const none = { kind: 'none', nCalibration: 20, nHoldout: 0 } as const;

  it('says how the queries were split, in the analysis wording', () => {
    assert.equal(format.splitLine(field), 'calibration: split = "train" (285 queries); holdout: split = "test" (1531 queries)');
    assert.equal(format.splitLine(random), 'seeded random split (seed 7): 10 calibration, 10 holdout queries (50% held out)');
    assert.equal(format.splitLine(none), 'no split: policies chosen and measured on the same 20 queries (all figures in-sample)');
  });

  it('and in the comparison wording', () => {
    assert.equal(format.splitLine(field, 'comparison'), format.splitLine(field));
    assert.equal(format.splitLine(random, 'comparison'), 'seeded random split (seed 7): 10 calibration, 10 holdout queries');
    assert.equal(format.splitLine(none, 'comparison'), 'no split: policies chosen and measured on the same 20 queries (every figure in-sample)');
  });
});

test('formatIssue: file:line, or file alone for line 0', () => {
  assert.equal(format.formatIssue({ file: 'a.jsonl', line: 3, message: 'no id' }), 'a.jsonl:3: no id');
  assert.equal(format.formatIssue({ file: 'a.jsonl', line: 0, message: 'no records' }), 'a.jsonl: no records');
});

test('shadow prices in plain units: points per extra $1 per 1k queries and its reciprocal', () => {
  // lambda = 50 quality per dollar per query: $1 more per 1k queries is $0.001 per query,
  // which buys 0.05 quality, i.e. 5 points.
  assert.equal(format.pointsPerDollarPer1k(50), 5);
  // mu = 1/50 = 0.02 dollars per query per unit of quality: one point (0.01) costs
  // $0.0002 per query, i.e. $0.2 per 1k queries.
  assert.ok(Math.abs(format.dollarsPer1kPerPoint(0.02) - 0.2) < 1e-15);
  const lines = format.shadowPriceLines({ lambdaLeft: 50, lambdaRight: 20, muLeft: 0.02, muRight: 0.05 });
  assert.deepEqual(lines, [
    'Spending more: +2.00 quality points per $1 per 1k queries (one point costs $0.500 per 1k queries).',
    'Spending less: loses 5.00 quality points per $1 per 1k queries saved.',
  ]);
  assert.deepEqual(format.shadowPriceLines({ lambdaLeft: 0, lambdaRight: 0, muLeft: null, muRight: null }), ['Spending more or less changes nothing: the envelope is flat here.']);
  // At the dearest vertex: flat to the right, a slope to the left; the two sides never read as one claim.
  assert.deepEqual(format.shadowPriceLines({ lambdaLeft: 23.5, lambdaRight: 0, muLeft: 1 / 23.5, muRight: null }), [
    'Spending more: buys nothing; no policy on the envelope does better.',
    'Spending less: loses 2.35 quality points per $1 per 1k queries saved.',
  ]);
  assert.deepEqual(format.shadowPriceLines({ lambdaLeft: 50, lambdaRight: 50, muLeft: 0.02, muRight: 0.02 }), [
    'Spending more or less: ±5.00 quality points per $1 per 1k queries (one point costs $0.200 per 1k queries).',
  ]);
});

test('plain-unit formatting', () => {
  assert.equal(format.percent(0.8125), '81.3%');
  assert.equal(format.points(0.0123), '+1.2 pts');
  assert.equal(format.points(-0.0123), '−1.2 pts');
  assert.equal(format.points(0.00001), '±0.0 pts');
  assert.equal(format.per1k(0.000274), '$0.274 per 1k queries');
  assert.equal(format.signedPer1k(-0.0000366), '−$0.0366 per 1k queries');
  assert.equal(format.signedPer1k(0.000042), '+$0.0420 per 1k queries');
  assert.equal(format.significant(1234.5), '1235');
  assert.equal(format.significant(0.00012345), '0.000123');
});
