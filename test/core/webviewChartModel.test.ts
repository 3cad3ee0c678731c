import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildChartModel, preparePairs, thinCurveIndices, tooltipLines, type ChartModel, type ChartViewState } from '../../webview/chartModel.ts';
import { readPalette } from '../../webview/theme.ts';
import { fixtureResult, pair } from './webview.fixture.ts';

const palette = readPalette((n) => ({ '--vscode-charts-blue': '#0000ff', '--vscode-charts-purple': '#800080', '--vscode-foreground': '#cccccc' })[n] ?? '', 'dark');
const view = (v: Partial<ChartViewState> = {}): ChartViewState => ({ xScale: 'linear', showPairs: false, sample: 'in-sample', ...v });
const seriesOf = (m: ChartModel, id: string) => {
  const s = m.series.find((x) => x.id === id);
  assert.ok(s, `series ${id}`);
  return s;
};

describe('buildChartModel', () => {
  it('draws the envelope as a step function that holds each quality until the next vertex cost', () => {
    const m = buildChartModel(fixtureResult(), view(), palette);
    const env = seriesOf(m, 'envelope');
    const expected = [
      [1, 0.5],
      [1.5, 0.5],
      [1.5, 0.62],
      [2, 0.62],
      [2, 0.7],
      [3, 0.7],
      [3, 0.74],
      [4, 0.74],
      [4, 0.8],
      [m.x.max, 0.8],
    ];
    assert.deepEqual(
      env.points.map((p) => [p.x, p.y]),
      expected,
    );
    assert.equal(env.color, '#0000ff');
    assert.equal(env.lineWidth, 3);
    assert.equal(env.pointRadius, 0);
    // The vertices are markers of their own, with their details for the tooltip.
    const vertices = seriesOf(m, 'envelope-vertices');
    assert.deepEqual(
      vertices.points.map((p) => [p.x, p.y]),
      expected.filter((_, i) => i % 2 === 0 && i < 9),
    );
    assert.deepEqual(
      vertices.points.map((_, i) => vertices.metaAt(i)?.envelopeIndex),
      [0, 1, 2, 3, 4],
    );
    assert.equal(vertices.metaAt(3)?.note, 'Below the concave hull: a randomised mix of its neighbours does better here.');
    assert.equal(vertices.metaAt(2)?.title, 'A → C at t = 0.5');
    assert.equal(vertices.metaAt(5), undefined);
  });

  it('thins the envelope markers (not the line) when there are more vertices than columns', () => {
    const r = fixtureResult();
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...r.envelope[2], cost: 1 + i / 1000, quality: 0.5 + i / 4000 }));
    const m = buildChartModel({ ...r, envelope: many, hull: [], switchingPoints: [] }, view({ columns: 50 }), palette);
    assert.equal(seriesOf(m, 'envelope').points.length, 2 * 1000 - 1 + 1);
    const vertices = seriesOf(m, 'envelope-vertices');
    assert.ok(vertices.points.length <= 2 * 50 + 2, `${vertices.points.length}`);
    // Each marker still names its own vertex.
    vertices.points.forEach((p, j) => assert.equal(many[vertices.metaAt(j)?.envelopeIndex ?? -1]?.cost, p.x));
  });

  it('marks switching points on the envelope at the budgets where the pair changes', () => {
    const sw = seriesOf(buildChartModel(fixtureResult(), view(), palette), 'switching');
    assert.deepEqual(
      sw.points.map((p) => [p.x, p.y]),
      [
        [1.5, 0.62],
        [3, 0.74],
        [4, 0.8],
      ],
    );
    assert.equal(sw.metaAt(1)?.title, 'Switch: A → C → B → C');
  });

  it('draws the hull dashed and labels its randomised segment', () => {
    const m = buildChartModel(fixtureResult(), view(), palette);
    const hull = seriesOf(m, 'hull');
    assert.ok(hull.dash.length > 0);
    assert.deepEqual(
      hull.points.map((p) => p.x),
      [1, 1.5, 2, 4],
    );
    const labels = m.labels.filter((l) => l.text === 'randomised mix');
    assert.equal(labels.length, 1);
    // Midpoint of v2 (2, 0.70) -> v4 (4, 0.80) on a linear axis.
    assert.equal(labels[0].x, 3);
    assert.ok(Math.abs(labels[0].y - 0.75) < 1e-12);
    // On a log axis the label sits at the geometric middle of the costs.
    const logLabel = buildChartModel(fixtureResult(), view({ xScale: 'log' }), palette).labels.find((l) => l.text === 'randomised mix');
    assert.ok(Math.abs((logLabel?.x ?? NaN) - Math.sqrt(8)) < 1e-12);
  });

  it('labels every single model with its name', () => {
    const m = buildChartModel(fixtureResult(), view(), palette);
    assert.deepEqual(
      seriesOf(m, 'singles').points.map((p) => [p.x, p.y]),
      [
        [1, 0.5],
        [2, 0.6],
        [4, 0.8],
      ],
    );
    for (const name of ['A', 'B', 'C']) assert.ok(m.labels.some((l) => l.text === name));
  });

  it('leaves pair curves out by default and draws their Pareto points when asked', () => {
    assert.equal(buildChartModel(fixtureResult(), view(), palette).series.filter((s) => s.kind === 'pair').length, 0);
    const m = buildChartModel(fixtureResult(), view({ showPairs: true }), palette);
    const ac = seriesOf(m, 'pair:A:C');
    // Sorted by cost; the dominated point (2.5, 0.60) is dropped.
    assert.deepEqual(
      ac.points.map((p) => [p.x, p.y]),
      [
        [1, 0.5],
        [1.5, 0.62],
        [2, 0.7],
        [5, 0.8],
      ],
    );
    assert.deepEqual(
      ac.points.map((_, i) => ac.metaAt(i)?.policy?.thresholds[0]),
      [1, 0.8, 0.5, null],
    );
    // Slopes to the neighbouring Pareto points: (0.62 - 0.5) / 0.5 and (0.7 - 0.62) / 0.5.
    const slopes = ac.metaAt(1)?.curveSlope;
    assert.ok(Math.abs((slopes?.left ?? NaN) - 0.24) < 1e-12 && Math.abs((slopes?.right ?? NaN) - 0.16) < 1e-12);
    assert.equal(m.stats.pairPointsIn, 3 + 4 + 3);
    assert.equal(m.series.filter((s) => s.kind === 'pair' && s.inLegend).length, 1);
  });

  it('marks the configured cascade and the recommendation for the budget', () => {
    const m = buildChartModel(fixtureResult(), view({ budget: 2.5 }), palette);
    assert.deepEqual(seriesOf(m, 'configured').points, [{ x: 3.5, y: 0.72 }]);
    const rec = seriesOf(m, 'recommended');
    assert.deepEqual(rec.points, [{ x: 2, y: 0.7 }]);
    assert.equal(rec.metaAt(0)?.envelopeIndex, 2);
    const budget = seriesOf(m, 'budget');
    assert.deepEqual(
      budget.points.map((p) => [p.x, p.y]),
      [
        [2.5, m.y.min],
        [2.5, m.y.max],
      ],
    );
    // No budget: no recommendation and no budget line.
    const none = buildChartModel(fixtureResult(), view(), palette);
    assert.equal(
      none.series.some((s) => s.kind === 'recommended' || s.kind === 'budget'),
      false,
    );
  });

  it('in the held-out view draws the envelope policies at their held-out figures', () => {
    const m = buildChartModel(fixtureResult(), view({ sample: 'held-out', budget: 2.5 }), palette);
    assert.equal(m.figures, 'held-out');
    assert.deepEqual(
      seriesOf(m, 'envelope-holdout').points.map((p) => [p.x, p.y]),
      [
        [1, 0.48],
        [1.6, 0.6],
        [2.1, 0.66],
        [3.1, 0.7],
        [4, 0.79],
      ],
    );
    const held = seriesOf(m, 'envelope-holdout');
    assert.deepEqual(
      { ...held.metaAt(1), policy: undefined, shadowPrice: undefined },
      { title: 'A → C at t = 0.8', policy: undefined, cost: 1.6, quality: 0.6, figures: 'held-out', escalationRate: 0.125, shadowPrice: undefined, envelopeIndex: 1 },
    );
    assert.deepEqual(seriesOf(m, 'recommended').points, [{ x: 2.1, y: 0.66 }]);
    assert.deepEqual(seriesOf(m, 'configured').points, [{ x: 3.4, y: 0.69 }]);
    assert.equal(seriesOf(m, 'envelope').label, 'Envelope, in-sample');
  });

  it('thins the held-out markers (not the line) when there are more vertices than columns', () => {
    const r = fixtureResult();
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...r.envelope[2], policy: pair('A', 'C', 1 - i / 1000), cost: 1 + i / 1000, quality: 0.5 + i / 4000 }));
    // Held-out figures that wander back and forth in cost, as real ones do.
    const holdout = many.map((v, i) => ({
      policy: v.policy,
      calibration: { cost: v.cost, quality: v.quality },
      holdout: { n: 100, cost: v.cost + 0.01 * Math.sin(i / 7), quality: v.quality - 0.01, escalationRate: i / 1000 },
    }));
    const m = buildChartModel({ ...r, envelope: many, holdout, hull: [], switchingPoints: [] }, view({ sample: 'held-out', columns: 50 }), palette);
    const line = seriesOf(m, 'envelope-holdout');
    assert.equal(line.points.length, 1000);
    assert.equal(line.pointRadius, 0);
    assert.equal(line.hoverRadius, 5);
    // Every point still answers the tooltip with its own vertex.
    for (const j of [0, 123, 999]) assert.deepEqual([line.metaAt(j)?.envelopeIndex, line.metaAt(j)?.cost], [j, holdout[j].holdout.cost]);
    const markers = seriesOf(m, 'envelope-holdout-vertices');
    assert.equal(markers.inLegend, false);
    assert.equal(markers.pointRadius, 3);
    assert.ok(markers.points.length > 2 && markers.points.length <= 2 * 50 + 2, `${markers.points.length}`);
    markers.points.forEach((p, k) => {
      const i = markers.metaAt(k)?.envelopeIndex ?? -1;
      assert.deepEqual([p.x, p.y], [holdout[i]!.holdout.cost, holdout[i]!.holdout.quality]);
    });
    // A few vertices keep a marker each, as before.
    const few = buildChartModel(r, view({ sample: 'held-out' }), palette);
    assert.equal(seriesOf(few, 'envelope-holdout').pointRadius, 3);
    assert.equal(
      few.series.some((x) => x.id === 'envelope-holdout-vertices'),
      false,
    );
  });

  it('falls back to in-sample figures when the analysis has no holdout split', () => {
    const { holdout: _h, ...r } = fixtureResult();
    const m = buildChartModel(r, view({ sample: 'held-out' }), palette);
    assert.equal(m.figures, 'in-sample');
    assert.equal(
      m.series.some((s) => s.id === 'envelope-holdout'),
      false,
    );
  });

  it('pads the axes around the data, keeps a log axis positive and applies the zoom', () => {
    const lin = buildChartModel(fixtureResult(), view(), palette);
    assert.ok(lin.x.min <= 1 && lin.x.min >= 0 && lin.x.max >= 4);
    assert.ok(lin.y.min <= 0.5 && lin.y.max >= 0.8 && lin.y.max <= 1);
    const log = buildChartModel(fixtureResult(), view({ xScale: 'log' }), palette);
    assert.equal(log.x.type, 'log');
    assert.ok(log.x.min > 0 && log.x.min < 1 && log.x.max > 4);
    const zoom = { xMin: 1.2, xMax: 2.2, yMin: 0.55, yMax: 0.75 };
    const z = buildChartModel(fixtureResult(), view({ zoom }), palette);
    assert.deepEqual([z.x.min, z.x.max, z.y.min, z.y.max], [1.2, 2.2, 0.55, 0.75]);
  });

  it('marks the clicked vertex', () => {
    const m = buildChartModel(fixtureResult(), view({ selectedVertex: 3 }), palette);
    assert.deepEqual(seriesOf(m, 'selected').points, [{ x: 3, y: 0.74 }]);
  });
});

describe('thinCurveIndices', () => {
  const n = 100_000;
  const x = Float64Array.from({ length: n }, (_, i) => 1 + i / 1000);

  it('keeps at most two points per column plus the neighbours beyond each end', () => {
    const idx = thinCurveIndices(x, 1, x[n - 1], 300, false);
    assert.ok(idx.length <= 2 * 300 + 2, `${idx.length}`);
    assert.equal(idx[0], 0);
    assert.equal(idx[idx.length - 1], n - 1);
    for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1]);
  });

  it('keeps the first and last point of every column it touches', () => {
    const xs = [0, 0.1, 0.2, 0.9, 1.05, 1.5, 1.9, 2.5];
    // Columns of width 1 over [0, 3): {0,0.1,0.2,0.9}, {1.05,1.5,1.9}, {2.5}.
    assert.deepEqual(thinCurveIndices(xs, 0, 3, 3, false), [0, 3, 4, 6, 7]);
  });

  it('drops what lies beyond the visible range except one neighbour on each side', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7];
    assert.deepEqual(thinCurveIndices(xs, 3.5, 5.5, 100, false), [2, 3, 4, 5]);
  });

  it('bins on a log axis by log cost', () => {
    const xs = [1, 2, 5, 9, 12, 50, 99];
    // Two columns over [1, 100]: [1, 10) and [10, 100]; on a linear axis 1..50 would share the first.
    assert.deepEqual(thinCurveIndices(xs, 1, 100, 2, true), [0, 3, 4, 6]);
    assert.deepEqual(thinCurveIndices(xs, 1, 100, 2, false), [0, 5, 6]);
  });
});

describe('preparePairs', () => {
  it('caches per result object', () => {
    const r = fixtureResult();
    assert.equal(preparePairs(r), preparePairs(r));
  });
});

describe('tooltipLines', () => {
  it('gives pair, threshold, escalation, cost and the shadow price in both units', () => {
    const lines = tooltipLines({
      title: 'x',
      policy: pair('A', 'C', 0.5),
      cost: 0.0002,
      quality: 0.7,
      figures: 'in-sample',
      escalationRate: 0.25,
      // 150 quality per $/query = 15 points per extra $ per 1k queries; mu 1/150 $/query per unit = $0.0667 per 1k per point.
      shadowPrice: { lambdaLeft: 150, lambdaRight: 150, muLeft: 1 / 150, muRight: 1 / 150 },
      envelopeIndex: 2,
    });
    assert.deepEqual(lines, [
      'Pair: A → C',
      'Threshold: 0.5',
      'Escalation rate: 25.0%',
      'Cost: $0.000200/query ($0.200 per 1k queries)',
      'Quality: 70.00% (in-sample)',
      'Spending more or less: ±15.0 quality points per $1 per 1k queries (one point costs $0.0667 per 1k queries).',
      'Click to select this vertex.',
    ]);
  });

  it('shows left and right slopes at a kink, and infinity for always-escalate', () => {
    const lines = tooltipLines({
      title: 'x',
      policy: pair('A', 'C', null),
      cost: 1,
      quality: 0.5,
      figures: 'held-out',
      shadowPrice: { lambdaLeft: 0.24, lambdaRight: null, muLeft: 1 / 0.24, muRight: null },
    });
    assert.equal(lines[1], 'Threshold: +∞ (always escalate)');
    assert.ok(lines.includes('Quality: 50.00% (held-out)'));
    // Each side in words; no dashes for the missing one.
    assert.ok(lines.includes('Spending more: buys nothing; no policy on the envelope does better.'), lines.join('\n'));
    assert.ok(lines.includes('Spending less: loses 0.0240 quality points per $1 per 1k queries saved.'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('—; —')));
  });
});
