import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisResult, EnvelopeVertex, PolicySpec } from '../../src/core/types.ts';
import { parseCascadeConfig } from '../../src/core/config/config.ts';
import { closestNames, configFindings, resultMatchesConfig, stageAdvice } from '../../src/core/config/advice.ts';
import { frontierCsv } from '../../src/core/config/frontierCsv.ts';
import { NO_SIGNAL } from '../support/signal.ts';

const pair = (a: string, b: string, t: number | null): PolicySpec => ({ kind: 'pair', models: [a, b], thresholds: [t] });
const single = (m: string): PolicySpec => ({ kind: 'single', models: [m], thresholds: [] });
const flat = { lambdaLeft: null, lambdaRight: null, muLeft: null, muRight: null };
const vertex = (cost: number, quality: number, policy: PolicySpec, escalationRate = 0): EnvelopeVertex => ({ cost, quality, escalationRate, policy, shadowPrice: flat, onHull: true });

/** A small hand-made result: cheap (0.001, 0.6), dear (0.01, 0.8), configured cheap -> dear at -1. */
function result(overrides: Partial<AnalysisResult> = {}): AnalysisResult {
  const measured = { n: 100, cost: 0.004, quality: 0.7, escalationRate: 0.3 };
  return {
    version: 1,
    n: 200,
    split: { kind: 'field', field: 'split', calibration: 'train', holdout: 'test', nCalibration: 100, nHoldout: 100 },
    models: [
      { name: 'cheap', cost: 0.001, quality: 0.6, n: 100, confidenceMin: -3, confidenceMax: 0, ...NO_SIGNAL },
      { name: 'dear', cost: 0.01, quality: 0.8, n: 100, confidenceMin: -2, confidenceMax: 0, ...NO_SIGNAL },
    ],
    envelope: [vertex(0.001, 0.6, single('cheap')), vertex(0.0035, 0.72, pair('cheap', 'dear', -0.5), 0.25), vertex(0.01, 0.8, single('dear'))],
    hull: [],
    switchingPoints: [],
    pairs: [],
    recommendation: { budget: 0.005, feasible: true, choice: vertex(0.0045, 0.75, pair('cheap', 'dear', -0.2), 0.35) },
    cascade: {
      policy: pair('cheap', 'dear', -1),
      inSample: measured,
      gapToEnvelope: 0.02,
      envelopeQualityAtCost: 0.72,
      dominatedBy: { cost: 0.0035, quality: 0.72, escalationRate: 0.25, policy: pair('cheap', 'dear', -0.5) },
      bestThresholdSamePair: { cost: 0.0045, quality: 0.75, escalationRate: 0.35, policy: pair('cheap', 'dear', -0.2) },
      shadowPrice: flat,
    },
    warnings: [],
    settings: { bootstrapResamples: 0, normalIntervalsFrom: 20000, seed: 1, level: 0.95, localWindow: 20 },
    ...overrides,
  };
}

const CONFIG = 'budget: 0.005\ncascade:\n  - model: cheap\n    threshold: -1\n  - model: dear\n';
const at = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

test('resultMatchesConfig is true only for the analysed cascade and budget', () => {
  assert.equal(resultMatchesConfig(parseCascadeConfig(CONFIG, 'yaml'), result()), true);
  assert.equal(resultMatchesConfig(parseCascadeConfig(CONFIG.replace('-1', '-0.9'), 'yaml'), result()), false);
  assert.equal(resultMatchesConfig(parseCascadeConfig(CONFIG.replace('0.005', '0.006'), 'yaml'), result()), false);
});

test('stageAdvice suggests the best threshold of the same pair and the quality it adds', () => {
  const advice = stageAdvice(parseCascadeConfig(CONFIG, 'yaml'), result())!;
  assert.equal(advice.suggested, -0.2);
  assert.equal(advice.current, -1);
  assert.equal(advice.basis, 'budget');
  assert.deepEqual(advice.policy, pair('cheap', 'dear', -0.2));
  // 0.75 - 0.7 and 0.0045 - 0.004, from the hand-made figures.
  assert.ok(Math.abs(advice.qualityChange! - 0.05) < 1e-12);
  assert.ok(Math.abs(advice.costChange! - 0.0005) < 1e-12);
});

test('stageAdvice on a config being edited keeps the budget suggestion but drops the change', () => {
  const advice = stageAdvice(parseCascadeConfig(CONFIG.replace('-1', '-0.7'), 'yaml'), result())!;
  assert.equal(advice.suggested, -0.2);
  assert.equal(advice.current, -0.7);
  assert.equal(advice.qualityChange, undefined);
  assert.equal(stageAdvice(parseCascadeConfig('cascade:\n  - model: dear\n', 'yaml'), result()), undefined);
});

/** The hand-made result with held-out figures: the cascade at 70.0%, the envelope's policy at its cost at `envelopeHeld`. */
function heldOutResult(envelopeHeld: number, cascadeCost = 0.004): AnalysisResult {
  const r = result();
  const held = { n: 100, cost: cascadeCost, quality: 0.7, escalationRate: 0.3 };
  return {
    ...r,
    cascade: {
      ...r.cascade!,
      holdout: held,
      envelopeAtCost: { policy: pair('cheap', 'dear', -0.5), calibration: { cost: 0.0035, quality: 0.72 }, holdout: { n: 100, cost: 0.0036, quality: envelopeHeld, escalationRate: 0.25 } },
      holdoutGapToEnvelope: envelopeHeld - 0.7,
    },
  };
}

test('configFindings: a dominated cascade, with the same-pair fix first', () => {
  const config = parseCascadeConfig(CONFIG, 'yaml');
  // Held out, the envelope's policy is 0.4 points better: within the 0.5-point tolerance.
  const findings = configFindings(config, heldOutResult(0.704));
  assert.deepEqual(
    findings.map((f) => f.code),
    ['dominated'],
  );
  assert.equal(at(CONFIG, findings[0].span), 'cascade');
  assert.deepEqual(findings[0].policies, [pair('cheap', 'dear', -0.2), pair('cheap', 'dear', -0.5)]);
  assert.match(findings[0].message, /dominated by cheap @ -0\.5 → dear/);
});

test('configFindings: unknown models, thresholds outside the confidence range, unused prices', () => {
  const text = 'prices:\n  gpt: {input: 1, output: 2}\ncascade:\n  - model: chaep\n    threshold: 1\n  - model: dear\n';
  const r = result({ cascade: undefined });
  const findings = configFindings(parseCascadeConfig(text, 'yaml'), r);
  assert.deepEqual(
    findings.map((f) => [f.code, at(text, f.span)]),
    [
      ['unknown-model', 'chaep'],
      ['unpriced-model', 'gpt'],
    ],
  );
  assert.deepEqual(findings[0].replacements, ['cheap', 'dear']);
  const high = 'cascade:\n  - model: cheap\n    threshold: 0.5\n  - model: dear\n';
  const low = 'cascade:\n  - model: cheap\n    threshold: -4\n  - model: dear\n';
  const h = configFindings(parseCascadeConfig(high, 'yaml'), r);
  const l = configFindings(parseCascadeConfig(low, 'yaml'), r);
  assert.deepEqual(
    h.map((f) => [f.code, at(high, f.span)]),
    [['threshold-out-of-range', '0.5']],
  );
  assert.match(h[0].message, /every query escalates/);
  assert.deepEqual(
    l.map((f) => [f.code, at(low, f.span)]),
    [['threshold-out-of-range', '-4']],
  );
  assert.match(l[0].message, /no query escalates/);
});

test('configFindings: a budget below the cheapest model', () => {
  const text = 'budget: 0.0005\n';
  const findings = configFindings(parseCascadeConfig(text, 'yaml'), result({ cascade: undefined, recommendation: { budget: 0.0005, feasible: false, reason: 'too low' } }));
  assert.deepEqual(
    findings.map((f) => [f.code, at(text, f.span)]),
    [['budget-below-cheapest', '0.0005']],
  );
  assert.match(findings[0].message, /cheap at \$1\.00 per 1k queries/);
});

test('configFindings: a cascade that costs more than the budget, with the same pair within it as the fix', () => {
  const text = CONFIG.replace('0.005', '0.003');
  const within = { cost: 0.0028, quality: 0.69, escalationRate: 0.2, policy: pair('cheap', 'dear', -1.5) };
  const r = result({ recommendation: { budget: 0.003, feasible: true, choice: vertex(0.0028, 0.69, pair('cheap', 'dear', -1.5)) } });
  const findings = configFindings(parseCascadeConfig(text, 'yaml'), { ...r, cascade: { ...r.cascade!, bestThresholdSamePair: within } });
  const over = findings.find((f) => f.code === 'over-budget')!;
  assert.equal(at(text, over.span), 'cascade');
  // 0.004 dollars per query is $4.00 per 1k queries; the budget 0.003 is $3.00.
  assert.match(over.message, /costs \$4\.00 per 1k queries in-sample, above the budget of \$3\.00 per 1k queries/);
  assert.deepEqual(over.policies, [pair('cheap', 'dear', -1.5)]);
});

test('configFindings: a cascade more than the tolerance below the envelope held out is an error', () => {
  const config = parseCascadeConfig(CONFIG, 'yaml');
  const below = configFindings(config, heldOutResult(0.712)).find((f) => f.code === 'below-envelope')!;
  assert.equal(below.severity, 'error');
  assert.equal(at(CONFIG, below.span), 'cascade');
  assert.equal(
    below.message,
    'this cascade scores 70.0% held out at $4.00 per 1k queries, 1.2 pts below the envelope at its cost (tolerance 0.5 pts): cheap @ -0.5 → dear reaches 71.2% at $3.60 per 1k queries.',
  );
  assert.deepEqual(below.policies, [pair('cheap', 'dear', -0.5)]);
  // A wider tolerance lets it pass; without held-out figures the in-sample gap (2 points here) is judged.
  assert.equal(
    configFindings(config, heldOutResult(0.712), { tolerance: 1.5 }).some((f) => f.code === 'below-envelope'),
    false,
  );
  assert.match(configFindings(config, result()).find((f) => f.code === 'below-envelope')!.message, /70\.0% in-sample at \$4\.00 per 1k queries, 2\.0 pts below/);
});

test('configFindings: over the budget held out is an error, over it in-sample only a warning', () => {
  const text = CONFIG.replace('0.005', '0.0045');
  const asked = (r: AnalysisResult): AnalysisResult => ({ ...r, recommendation: { ...r.recommendation!, budget: 0.0045 } });
  // In-sample 0.004 fits 0.0045; held out 0.0046 does not.
  const held = configFindings(parseCascadeConfig(text, 'yaml'), asked(heldOutResult(0.7, 0.0046))).find((f) => f.code === 'over-budget')!;
  assert.equal(held.severity, 'error');
  assert.match(held.message, /costs \$4\.60 per 1k queries held out \(\$4\.00 per 1k queries in-sample\), above the budget of \$4\.50 per 1k queries/);
  assert.equal(
    configFindings(parseCascadeConfig(text, 'yaml'), asked(heldOutResult(0.7, 0.0044))).some((f) => f.code === 'over-budget'),
    false,
  );
  const lower = CONFIG.replace('0.005', '0.0039');
  const r = heldOutResult(0.7, 0.0038);
  const inSampleOnly = configFindings(parseCascadeConfig(lower, 'yaml'), { ...r, recommendation: { ...r.recommendation!, budget: 0.0039 } }).find((f) => f.code === 'over-budget')!;
  assert.equal(inSampleOnly.severity, 'warning');
  assert.match(inSampleOnly.message, /\$4\.00 per 1k queries in-sample \(\$3\.80 per 1k queries held out, within it\)/);
});

test('configFindings: a drifting split is a warning at the split key, worded for the config', () => {
  const text = `split: {field: split}\n${CONFIG}`;
  const model = (name: string, cal: number, held: number) => ({
    name,
    quality: { calibration: cal, holdout: held, interval: [cal - held - 0.05, cal - held + 0.05] as const, drifted: Math.abs(cal - held) > 0.1 },
    cost: { calibration: 0.001, holdout: 0.001, interval: [-1e-4, 1e-4] as const, drifted: false },
    confidence: { distance: 0.01, critical: 0.2, drifted: false },
  });
  const drift = { familywiseAlpha: 0.01, level: 1 - 0.01 / 6, tests: 6, models: [model('cheap', 0.9, 0.7), model('dear', 0.8, 0.79)], warnings: [] };
  const f = configFindings(parseCascadeConfig(text, 'yaml'), { ...heldOutResult(0.704), drift }).find((x) => x.code === 'split-drift')!;
  assert.equal(f.severity, 'warning');
  assert.equal(at(text, f.span), 'split');
  assert.equal(
    f.message,
    'the calibration split looks easier than the holdout (cheap 90.0% vs 70.0%): thresholds chosen on it may not transfer; consider a random split (`split: {holdoutFraction: 0.5}`)',
  );
});

test('closestNames orders by edit distance', () => {
  assert.deepEqual(closestNames('gpt-4o-mni', ['llama3.1-8b', 'gpt-4o', 'gpt-4o-mini']), ['gpt-4o-mini', 'gpt-4o', 'llama3.1-8b']);
});

test('frontierCsv writes one row per envelope vertex with held-out figures', () => {
  const r = result({
    envelope: [
      vertex(0.001, 0.6, single('cheap')),
      { ...vertex(0.0035, 0.72, pair('cheap', 'dear', null), 0.25), shadowPrice: { lambdaLeft: 48, lambdaRight: 32, muLeft: 1 / 48, muRight: 1 / 32 }, onHull: false },
    ],
    holdout: [
      { policy: pair('cheap', 'dear', null), calibration: { cost: 0.0035, quality: 0.72 }, holdout: { n: 100, cost: 0.0036, quality: 0.7, escalationRate: 0.26, qualityInterval: [0.6, 0.8] } },
    ],
  });
  assert.equal(
    frontierCsv(r),
    'vertex,kind,models,thresholds,cost_per_query,quality,escalation_rate,on_hull,lambda_left,lambda_right,holdout_cost_per_query,holdout_quality,holdout_quality_low,holdout_quality_high\n' +
      '1,single,cheap,,0.001,0.6,0,true,,,,,,\n' +
      '2,pair,cheap -> dear,inf,0.0035,0.72,0.25,false,48,32,0.0036,0.7,0.6,0.8\n',
  );
});
