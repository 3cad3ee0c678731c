import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reliabilityPlot } from '../../webview/reliabilityPlot.ts';

const bin = (confidence: number, quality: number, n: number) => ({ n, confidence, quality, from: confidence, to: confidence });

test('reliabilityPlot puts each bin at (stated probability, share right) in the plotting box', () => {
  const plot = reliabilityPlot('m', [bin(0, 0, 10), bin(0.5, 0.25, 10), bin(1, 1, 10)], [bin(0.8, 0.6, 30)], 150);
  const { left, right, top, bottom } = plot.box;
  assert.deepEqual([left, top, right, bottom], [18, 6, 144, 132]);
  const [cal, held] = plot.series;
  assert.equal(cal.split, 'calibration');
  // x = 18 + p * 126, y = 132 - q * 126.
  assert.deepEqual(
    cal.points.map((p) => [p.x, p.y]),
    [
      [18, 132],
      [81, 100.5],
      [144, 6],
    ],
  );
  assert.equal(cal.path, 'M18 132 L81 100.5 L144 6');
  assert.deepEqual(
    held.points.map((p) => [p.x, p.y]),
    [[118.8, 56.4]],
  );
  assert.equal(held.points[0].label, '80% stated, 60% right, 30 queries');
  assert.match(
    plot.label,
    /^Reliability of m's confidence, stated against right, per bin\. calibration: 0% stated vs 0% right; 50% stated vs 25% right; 100% stated vs 100% right\. holdout: 80% stated vs 60% right\.$/,
  );
});

test('reliabilityPlot without bins says why there is no diagram', () => {
  const plot = reliabilityPlot('score-model', [], []);
  assert.deepEqual(plot.series, []);
  assert.match(plot.label, /no reliability diagram/);
});
