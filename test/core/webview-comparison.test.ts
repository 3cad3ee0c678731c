import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ComparisonFamily, ComparisonResult, Estimate, FamilyId } from '../../src/core/compare/types.ts';
import type { BoundaryRatio } from '../../src/core/chain/marginal.ts';
import {
  boundaryRatiosOf,
  chainPointLines,
  comparisonRows,
  familyPoints,
  formatPointsEstimate,
  formatShareEstimate,
  paretoAscending,
  routerPointLines,
  verdictLines,
} from '../../webview/comparison.ts';
import { buildChartModel, tooltipLines, type ChartViewState } from '../../webview/chartModel.ts';
import { readPalette } from '../../webview/theme.ts';
import { restoreViewState, withComparisonSeries, DEFAULT_VIEW_STATE } from '../../webview/viewState.ts';
import { PanelController } from '../../webview/controller.ts';
import { createNotification, isFrontierSnapshot, isNotification, SnapshotNotification, type FrontierSnapshot } from '../../src/protocol.ts';
import { fixtureResult } from './webview.fixture.ts';

// A three-model comparison written by hand: models A ($1/query), B ($2), C ($4).
const chain = (t1: number | null, t2: number | null) => ({ kind: 'chain' as const, models: ['A', 'B', 'C'], thresholds: [t1, t2] });

const ratio = (boundary: number, from: string, to: string, threshold: number | null, lambda: number | null, reached: number): BoundaryRatio => ({
  boundary,
  from,
  to,
  threshold,
  lambda,
  mu: lambda !== null && lambda > 0 ? 1 / lambda : null,
  deltaQuality: 0,
  deltaCost: 0,
  windowQueries: 10,
  confidenceFrom: null,
  confidenceTo: null,
  reached,
});

const none: Estimate = { value: null };

function family(id: FamilyId, over: Partial<ComparisonFamily> = {}): ComparisonFamily {
  return {
    id,
    label: id,
    kind: 'cascade',
    available: true,
    description: `${id} policies`,
    inSample: [],
    holdout: [],
    holdoutFrontier: [],
    area: none,
    aiq: none,
    apgr: none,
    inSampleArea: null,
    areaVsEnvelope: none,
    ...over,
  };
}

function fixtureComparison(): ComparisonResult {
  const fullChain = family('fullChain', {
    label: 'full fixed chain',
    inSample: [
      // Optimised for lambda 1500 (150 points per +$1/1k): boundary A→B reaches 2000 (200), B→C has no marginal queries.
      { cost: 1.5, quality: 0.6, escalationRate: 0.4, policy: chain(0.5, 0.9), lambda: 1500, boundaryRatios: [ratio(0, 'A', 'B', 0.5, 2000, 100), ratio(1, 'B', 'C', 0.9, null, 40)] },
      { cost: 3, quality: 0.75, escalationRate: 0.9, policy: chain(0.95, null), lambda: 40, boundaryRatios: [ratio(0, 'A', 'B', 0.95, 50, 100), ratio(1, 'B', 'C', null, 30, 0)] },
    ],
    holdout: [
      { cost: 1.6, quality: 0.58, policy: chain(0.5, 0.9), lambda: 1500, calibration: { cost: 1.5, quality: 0.6 } },
      { cost: 2.9, quality: 0.57, policy: chain(0.95, null), lambda: 40, calibration: { cost: 3, quality: 0.75 } },
    ],
    // The second held-out point is dominated (cheaper first point has higher quality).
    holdoutFrontier: [0],
    area: { value: 0.7, interval: [0.68, 0.72] },
    areaVsEnvelope: { value: -0.012, interval: [-0.02, -0.004] },
    aiq: { value: 0.69 },
    apgr: { value: 0.55 },
    inSampleArea: 0.71,
  });
  const router = family('router', {
    label: 'pre-generation router',
    kind: 'router',
    available: false,
    reason: 'the records carry no prompt text',
  });
  const bound = family('bound', {
    label: 'perfect-routing bound',
    kind: 'bound',
    inSample: [{ cost: 1.2, quality: 0.9, lambda: 250, share: { A: 0.75, B: 0.25 } }],
    holdout: [
      { cost: 1.1, quality: 0.88, lambda: 250, share: { A: 0.8, B: 0.2, C: 0 } },
      { cost: 2.5, quality: 0.97, lambda: 10, share: { C: 0.25, A: 0.5, B: 0.25 } },
    ],
    holdoutFrontier: [0, 1],
    area: { value: 0.9312, interval: [0.92, 0.94] },
    areaVsEnvelope: { value: 0.2, interval: [0.18, 0.22] },
  });
  const envelope = family('envelope', {
    label: 'pairwise envelope',
    area: { value: 0.712, interval: [0.69, 0.73] },
    areaVsEnvelope: { value: 0, interval: [0, 0] },
    aiq: { value: 0.7 },
    apgr: { value: 0.6 },
    inSampleArea: 0.72,
  });
  const verdict = (q: string, answer: 'yes' | 'no' | 'unclear' | 'unavailable') => ({ question: q, answer, gain: none, detail: `${q} detail` });
  return {
    version: 1,
    n: 200,
    split: { kind: 'field', field: 'split', calibration: 'train', holdout: 'test', nCalibration: 100, nHoldout: 100 },
    heldOut: true,
    models: [],
    range: { from: 1, to: 4, scale: 'log', definition: 'mean over log cost' },
    reference: null,
    families: [envelope, fullChain, router, bound],
    bestCascade: { area: { value: 0.715, interval: [0.7, 0.73] }, areaWithoutStructuralCost: none, structuralShare: null, maxStructuralShare: null, frontier: [] },
    verdicts: {
      escalation: verdict('E?', 'yes'),
      fullChain: verdict('F?', 'no'),
      subsequence: verdict('S?', 'unclear'),
      router: verdict('R?', 'unavailable'),
      routerVsSingle: verdict('RS?', 'unavailable'),
    },
    search: { lambdas: 10, lambdasPerDecade: 6, maxSubsequence: 4, subsequenceCandidates: 4 },
    router: { available: false, reason: 'the records carry no prompt text' },
    settings: { bootstrapResamples: 100, seed: 1, level: 0.95, localWindow: 20, routerPoints: 256 },
    warnings: [],
  };
}

const byId = (r: ComparisonResult, id: FamilyId) => r.families.find((f) => f.id === id)!;
const palette = readPalette((n) => ({ '--vscode-charts-red': '#ff0000', '--vscode-foreground': '#cccccc' })[n] ?? '', 'dark');

describe('familyPoints', () => {
  it('in-sample: the calibration frontier; held out: the held-out Pareto points only', () => {
    const f = byId(fixtureComparison(), 'fullChain');
    assert.deepEqual(
      familyPoints(f, 'in-sample').map((p) => p.cost),
      [1.5, 3],
    );
    assert.deepEqual(
      familyPoints(f, 'held-out').map((p) => [p.cost, p.quality]),
      [[1.6, 0.58]],
    );
  });
  it('an unavailable family draws nothing', () => {
    assert.deepEqual(familyPoints(byId(fixtureComparison(), 'router'), 'held-out'), []);
  });
});

describe('chainPointLines', () => {
  it('stages, thresholds, the shadow price optimised for and each boundary ratio in points per +$1 per 1k queries', () => {
    const f = byId(fixtureComparison(), 'fullChain');
    assert.deepEqual(chainPointLines(f, f.inSample[0]), [
      'Stages: A → B → C',
      'Thresholds: 0.5, 0.9',
      'Past the first stage: 40.0%',
      'Optimised for 150 quality points per +$1 per 1k queries',
      'Marginal quality per marginal cost at each boundary (calibration, quality points per +$1 per 1k queries):',
      '  A → B at t = 0.5: 200',
      '  B → C at t = 0.9: no marginal queries',
    ]);
  });
  it('a boundary no query reaches says so; an always-escalate threshold reads +∞', () => {
    const f = byId(fixtureComparison(), 'fullChain');
    const lines = chainPointLines(f, f.inSample[1]);
    assert.equal(lines[1], 'Thresholds: 0.95, +∞');
    assert.equal(lines[lines.length - 1], '  B → C at t = +∞: no query reaches it');
    assert.equal(lines[lines.length - 2], '  A → B at t = 0.95: 5');
  });
  it('a held-out point takes the first-order conditions of its calibration policy and shows its calibration figures', () => {
    const f = byId(fixtureComparison(), 'fullChain');
    assert.equal(boundaryRatiosOf(f, f.holdout[0]), f.inSample[0].boundaryRatios);
    const lines = chainPointLines(f, f.holdout[0]);
    assert.ok(lines.includes('  A → B at t = 0.5: 200'));
    assert.equal(lines[lines.length - 1], 'Calibration: $1,500.00 per 1k queries, 60.0%');
  });
});

describe('routerPointLines', () => {
  it('the shadow price and the shares routed, largest first, models with no query left out', () => {
    const b = byId(fixtureComparison(), 'bound');
    assert.deepEqual(routerPointLines(b.holdout[0]), ['Shadow price: 25 quality points per +$1 per 1k queries', 'Share routed to each model:', '  A: 80.0%', '  B: 20.0%']);
    // Ties in share go by name.
    assert.deepEqual(routerPointLines(b.holdout[1]).slice(1), ['Share routed to each model:', '  A: 50.0%', '  B: 25.0%', '  C: 25.0%']);
  });
});

describe('comparisonRows', () => {
  it('one row per family in order, then the best cascade; figures with their intervals', () => {
    const rows = comparisonRows(fixtureComparison());
    assert.deepEqual(
      rows.map((r) => r.family),
      ['envelope', 'fullChain', 'router', 'bound', 'bestCascade'],
    );
    const chainRow = rows[1];
    assert.deepEqual(chainRow.cells, { area: '70.0% [68.0, 72.0]', vsEnvelope: '-1.2 [-2.0, -0.4] pts', aiq: '69.0%', apgr: '55.0%', inSampleArea: '71.0%' });
    assert.equal(chainRow.area.value, 0.7);
    assert.equal(rows[0].cells.vsEnvelope, '—');
    assert.equal(rows[0].areaVsEnvelope, undefined);
    assert.equal(rows[4].cells.area, '71.5% [70.0, 73.0]');
  });
  it('an unavailable family says why; the bound is marked as not a policy', () => {
    const rows = comparisonRows(fixtureComparison());
    assert.equal(rows[2].available, false);
    assert.equal(rows[2].reason, 'the records carry no prompt text');
    assert.equal(rows[2].area.value, null);
    assert.equal(rows[3].label, 'perfect-routing bound (bound, not a policy)');
    assert.equal(rows[3].cells.vsEnvelope, '+20.0 [+18.0, +22.0] pts');
  });
  it('formats estimates without intervals and undefined ones', () => {
    assert.equal(formatShareEstimate({ value: 0.5 }), '50.0%');
    assert.equal(formatShareEstimate({ value: null }), '—');
    assert.equal(formatPointsEstimate({ value: 0.034 }), '+3.4 pts');
  });
});

describe('verdictLines', () => {
  it('the five questions in a fixed order with their answers', () => {
    assert.deepEqual(
      verdictLines(fixtureComparison()).map((v) => [v.id, v.answer, v.question]),
      [
        ['escalation', 'yes', 'E?'],
        ['fullChain', 'no', 'F?'],
        ['subsequence', 'unclear', 'S?'],
        ['router', 'unavailable', 'R?'],
        ['routerVsSingle', 'unavailable', 'RS?'],
      ],
    );
  });
});

describe('buildChartModel with the comparison', () => {
  const view = (over: Partial<ChartViewState> = {}): ChartViewState => ({ xScale: 'linear', showPairs: false, sample: 'in-sample', ...over });

  it('draws no comparison series unless asked', () => {
    const m = buildChartModel(fixtureResult(), view({ comparison: { result: fixtureComparison(), shown: [] } }), palette);
    assert.equal(m.series.filter((s) => s.kind === 'comparison').length, 0);
  });

  it('the full chain in-sample as a step line: corners carry no tooltip, points carry their stages', () => {
    const m = buildChartModel(fixtureResult(), view({ comparison: { result: fixtureComparison(), shown: ['fullChain'] } }), palette);
    const s = m.series.find((x) => x.id === 'comparison:fullChain')!;
    assert.equal(s.label, 'Full chain, in-sample');
    assert.equal(s.color, '#ff0000');
    // (1.5, .6), corner (3, .6), (3, .75), then on to the axis's right end at .75.
    assert.deepEqual(s.points.slice(0, 3), [
      { x: 1.5, y: 0.6 },
      { x: 3, y: 0.6 },
      { x: 3, y: 0.75 },
    ]);
    assert.equal(s.points[3].y, 0.75);
    assert.equal(s.points[3].x, m.x.max);
    assert.equal(s.metaAt(1), undefined);
    const meta = s.metaAt(0)!;
    assert.equal(meta.title, 'full fixed chain (3 stages)');
    const lines = tooltipLines(meta);
    assert.equal(lines[0], 'Stages: A → B → C');
    assert.ok(lines.includes('  A → B at t = 0.5: 200'));
    assert.ok(lines.includes('Quality: 60.00% (in-sample)'));
  });

  it('held out: the held-out frontier; the bound says it is no policy and stretches the quality axis; an unavailable router is skipped', () => {
    const m = buildChartModel(fixtureResult(), view({ sample: 'held-out', comparison: { result: fixtureComparison(), shown: ['fullChain', 'router', 'bound'] } }), palette);
    const ids = m.series.filter((s) => s.kind === 'comparison').map((s) => s.id);
    assert.deepEqual(ids, ['comparison:fullChain', 'comparison:bound']);
    const chainSeries = m.series.find((s) => s.id === 'comparison:fullChain')!;
    assert.deepEqual(chainSeries.points[0], { x: 1.6, y: 0.58 });
    const bound = m.series.find((s) => s.id === 'comparison:bound')!;
    assert.equal(bound.label, 'Perfect-routing bound (bound, not a policy), held out');
    const lines = tooltipLines(bound.metaAt(0)!);
    assert.deepEqual(lines.slice(0, 4), ['Shadow price: 25 quality points per +$1 per 1k queries', 'Share routed to each model:', '  A: 80.0%', '  B: 20.0%']);
    assert.match(lines[lines.length - 1], /not a policy/);
    assert.ok(m.y.max >= 0.97);
  });
});

describe('view state: comparison series', () => {
  it('toggles keep a fixed order and vanish when none is on', () => {
    let s = withComparisonSeries(DEFAULT_VIEW_STATE, 'bound', true);
    s = withComparisonSeries(s, 'fullChain', true);
    assert.deepEqual(s.comparisonSeries, ['fullChain', 'bound']);
    s = withComparisonSeries(withComparisonSeries(s, 'fullChain', false), 'bound', false);
    assert.equal('comparisonSeries' in s, false);
  });
  it('restoring keeps only known families', () => {
    const s = restoreViewState({ version: 1, comparisonSeries: ['router', 'nonsense', 3, 'fullChain'] });
    assert.deepEqual(s.comparisonSeries, ['fullChain', 'router']);
    assert.equal('comparisonSeries' in restoreViewState({ version: 1, comparisonSeries: 'router' }), false);
  });
});

describe('protocol: a snapshot with the comparison', () => {
  const snapshot = (over: Record<string, unknown> = {}): FrontierSnapshot =>
    ({ key: 'k', label: 'L', files: [], issues: [], issueCounts: { errors: 0, warnings: 0 }, status: 'idle', result: fixtureResult(), ...over }) as FrontierSnapshot;

  it('passes the guards with its comparison and status', () => {
    const msg = createNotification(SnapshotNotification, { snapshot: snapshot({ comparison: fixtureComparison(), comparisonStatus: 'ready' }) });
    assert.equal(isNotification(msg, SnapshotNotification), true);
    assert.equal(isFrontierSnapshot(snapshot({ comparisonStatus: 'unavailable', comparisonReason: 'the analysis failed' })), true);
  });

  it('fails them with a malformed comparison or status', () => {
    const c = fixtureComparison();
    assert.equal(isFrontierSnapshot(snapshot({ comparisonStatus: 'done' })), false);
    assert.equal(isFrontierSnapshot(snapshot({ comparisonReason: 3 })), false);
    assert.equal(isFrontierSnapshot(snapshot({ comparison: { ...c, version: 2 } })), false);
    assert.equal(isFrontierSnapshot(snapshot({ comparison: { ...c, verdicts: { ...c.verdicts, router: { question: 'R?' } } } })), false);
    assert.equal(isFrontierSnapshot(snapshot({ comparison: { ...c, families: [{ ...c.families[0], area: { value: 'high' } }] } })), false);
    assert.equal(isFrontierSnapshot(snapshot({ comparison: { ...c, families: [{ ...c.families[0], holdoutFrontier: ['0'] }] } })), false);
  });
});

describe('formatPointsEstimate', () => {
  it('a difference that rounds to zero has no sign', () => {
    assert.equal(formatPointsEstimate({ value: -0.00006, interval: [-0.0028, 0.0023] }), '0.0 [-0.3, +0.2] pts');
  });
});

describe('paretoAscending', () => {
  it('sorts a path given most expensive first and keeps the points whose quality rises with cost', () => {
    const path = [
      { cost: 4, quality: 0.9 },
      { cost: 3, quality: 0.9 },
      { cost: 2, quality: 0.7 },
      { cost: 2, quality: 0.8 },
      { cost: 1, quality: 0.75 },
    ];
    assert.deepEqual(
      paretoAscending(path).map((p) => [p.cost, p.quality]),
      [
        [1, 0.75],
        [2, 0.8],
        [3, 0.9],
      ],
    );
  });
});

describe('PanelController.setComparisonSeries', () => {
  it('keeps the overlaid families in the saved state, restored on revive, and redraws', () => {
    let saved: unknown;
    const api = { postMessage: () => {}, getState: () => saved, setState: (s: unknown) => void (saved = JSON.parse(JSON.stringify(s))) };
    const changes: string[] = [];
    const ctl = new PanelController(api, { onChange: (c) => changes.push(c), chartPng: () => null });
    ctl.setComparisonSeries('router', true);
    ctl.setComparisonSeries('fullChain', true);
    assert.deepEqual(ctl.state.comparisonSeries, ['fullChain', 'router']);
    assert.deepEqual((saved as { comparisonSeries: string[] }).comparisonSeries, ['fullChain', 'router']);
    assert.deepEqual(changes, ['all', 'all']);
    const revived = new PanelController(api, { onChange: () => {}, chartPng: () => null });
    assert.deepEqual(revived.state.comparisonSeries, ['fullChain', 'router']);
    ctl.dispose();
    revived.dispose();
  });
});

describe('chainPointLines of a long chain', () => {
  it('lists four stages a line', () => {
    const models = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
    const f = family('fullChain', { inSample: [{ cost: 1, quality: 0.5, policy: { kind: 'chain', models, thresholds: [0, 0, 0, 0, null] } }] });
    assert.deepEqual(chainPointLines(f, f.inSample[0]).slice(0, 2), ['Stages: m1 → m2 → m3 → m4 →', '  m5 → m6']);
  });
});
