import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatCost,
  formatDollars,
  formatDollarsCompact,
  formatLambda,
  formatMu,
  formatPercent,
  formatPoints,
  formatPolicy,
  formatThreshold,
  lambdaPointsPer1kDollars,
  muDollarsPer1kPerPoint,
} from '../../webview/format.ts';
import { pair, single } from './webview.fixture.ts';

describe('formatDollars', () => {
  it('keeps three significant digits below a dollar and cents above', () => {
    assert.equal(formatDollars(0.000123456), '$0.000123');
    assert.equal(formatDollars(0.0002), '$0.000200');
    assert.equal(formatDollars(0.5), '$0.500');
    assert.equal(formatDollars(0.05), '$0.0500');
    assert.equal(formatDollars(1234.5), '$1,234.50');
    assert.equal(formatDollars(0), '$0');
    assert.equal(formatDollars(-0.25), '-$0.250');
    assert.equal(formatDollars(NaN), '—');
  });

  it('axis ticks use as few digits as needed', () => {
    assert.equal(formatDollarsCompact(0.00002), '$0.00002');
    assert.equal(formatDollarsCompact(0.0015), '$0.0015');
    assert.equal(formatDollarsCompact(1e-7), '$0.0000001');
    assert.equal(formatDollarsCompact(20), '$20');
  });

  it('writes a cost per query and per thousand queries', () => {
    assert.equal(formatCost(0.000183), '$0.000183/query ($0.183 per 1k queries)');
  });
});

describe('quality', () => {
  it('percent and points', () => {
    assert.equal(formatPercent(0.8125), '81.3%');
    assert.equal(formatPercent(0.8125, 2), '81.25%');
    assert.equal(formatPoints(0.0274), '+2.7 pts');
    assert.equal(formatPoints(-0.0274, 2), '-2.74 pts');
  });
});

describe('shadow price units', () => {
  it('lambda: quality per $/query -> points per extra $ per 1k queries (x 100 / 1000)', () => {
    assert.equal(lambdaPointsPer1kDollars(250), 25);
    assert.equal(formatLambda(250), '25.0 quality points per extra $ per 1k queries');
    assert.equal(formatLambda(null), '—');
  });

  it('mu: $/query per unit of quality -> $ per 1k queries per point (x 1000 / 100)', () => {
    assert.equal(muDollarsPer1kPerPoint(0.004), 0.04);
    assert.equal(formatMu(0.004), '$0.0400 per 1k queries per quality point');
    assert.equal(formatMu(undefined), '—');
  });
});

describe('policies', () => {
  it('threshold with four significant digits, infinity spelled out', () => {
    assert.equal(formatThreshold(-0.05823759), '-0.05824');
    assert.equal(formatThreshold(-1.2), '-1.2');
    assert.equal(formatThreshold(3), '3');
    assert.equal(formatThreshold(null), '+∞ (always escalate)');
  });

  it('one line per policy', () => {
    assert.equal(formatPolicy(single('gpt-4o')), 'gpt-4o');
    assert.equal(formatPolicy(pair('a', 'b', -0.125)), 'a → b at t = -0.125');
    assert.equal(formatPolicy(pair('a', 'b', null)), 'a → b at t = +∞');
    assert.equal(formatPolicy({ kind: 'chain', models: ['a', 'b', 'c'], thresholds: [0.5, null] }), 'a → b → c at t = (0.5, +∞)');
  });
});
