/**
 * A small analysis written out by hand (not computed by the core) for the panel's
 * view-model tests. Three models A, B, C with costs 1, 2, 4 dollars per query (round numbers
 * keep the expected figures exact); envelope vertices v0..v4:
 *
 *   v0  A alone           cost 1.0  quality 0.50
 *   v1  A -> C at t=0.8   cost 1.5  quality 0.62   escalation 0.125
 *   v2  A -> C at t=0.5   cost 2.0  quality 0.70   escalation 0.25
 *   v3  B -> C at t=0.3   cost 3.0  quality 0.74   escalation 0.5   (below the hull)
 *   v4  C alone           cost 4.0  quality 0.80
 *
 * Hull v0, v1, v2, v4 with slopes 0.24, 0.16, 0.05; v2 -> v4 needs randomising.
 */
import type { AnalysisResult, PolicySpec } from '../../src/core/types.ts';
import { NO_SIGNAL } from '../support/signal.ts';

export const single = (m: string): PolicySpec => ({ kind: 'single', models: [m], thresholds: [] });
export const pair = (a: string, b: string, t: number | null): PolicySpec => ({ kind: 'pair', models: [a, b], thresholds: [t] });

const sp = (l: number | null, r: number | null) => ({ lambdaLeft: l, lambdaRight: r, muLeft: l && l > 0 ? 1 / l : null, muRight: r && r > 0 ? 1 / r : null });

/** A pair curve's points from rows of [threshold, cost, quality, escalation rate]. */
const points = (...rows: [number | null, number, number, number][]) => rows.map(([threshold, cost, quality, escalationRate]) => ({ threshold, cost, quality, escalationRate }));

export function fixtureResult(): AnalysisResult {
  const v = [
    { cost: 1, quality: 0.5, escalationRate: 0, policy: single('A'), shadowPrice: sp(null, 0.24), onHull: true },
    { cost: 1.5, quality: 0.62, escalationRate: 0.125, policy: pair('A', 'C', 0.8), shadowPrice: sp(0.24, 0.16), onHull: true },
    { cost: 2, quality: 0.7, escalationRate: 0.25, policy: pair('A', 'C', 0.5), shadowPrice: sp(0.16, 0.05), onHull: true },
    { cost: 3, quality: 0.74, escalationRate: 0.5, policy: pair('B', 'C', 0.3), shadowPrice: sp(0.05, 0.05), onHull: false },
    { cost: 4, quality: 0.8, escalationRate: 0, policy: single('C'), shadowPrice: sp(0.05, 0), onHull: true },
  ];
  const held = [
    { cost: 1, quality: 0.48 },
    { cost: 1.6, quality: 0.6 },
    { cost: 2.1, quality: 0.66 },
    { cost: 3.1, quality: 0.7 },
    { cost: 4, quality: 0.79 },
  ];
  return {
    version: 1,
    n: 200,
    split: { kind: 'field', field: 'split', calibration: 'train', holdout: 'test', nCalibration: 100, nHoldout: 100 },
    models: [
      { name: 'A', cost: 1, quality: 0.5, n: 100, confidenceMin: 0, confidenceMax: 1, ...NO_SIGNAL },
      { name: 'B', cost: 2, quality: 0.6, n: 100, confidenceMin: 0, confidenceMax: 1, ...NO_SIGNAL },
      { name: 'C', cost: 4, quality: 0.8, n: 100, confidenceMin: 0, confidenceMax: 1, ...NO_SIGNAL },
    ],
    envelope: v,
    hull: [
      { cost: 1, quality: 0.5, policy: v[0].policy, randomizedToNext: false },
      { cost: 1.5, quality: 0.62, policy: v[1].policy, randomizedToNext: false },
      { cost: 2, quality: 0.7, policy: v[2].policy, randomizedToNext: true },
      { cost: 4, quality: 0.8, policy: v[4].policy, randomizedToNext: false },
    ],
    switchingPoints: [
      { budget: 1.5, from: v[0].policy, to: v[1].policy },
      { budget: 3, from: v[2].policy, to: v[3].policy },
      { budget: 4, from: v[3].policy, to: v[4].policy },
    ],
    pairs: [
      {
        cheap: 'A',
        expensive: 'B',
        points: points([0.9, 1, 0.5, 0], [0.5, 2, 0.55, 0.5], [null, 3, 0.6, 1]),
      },
      {
        // Deliberately out of order and with a dominated point (cost 2.5, quality 0.6).
        cheap: 'A',
        expensive: 'C',
        points: points([null, 5, 0.8, 1], [0.5, 2, 0.7, 0.25], [0.4, 2.5, 0.6, 0.375], [0.8, 1.5, 0.62, 0.125], [1, 1, 0.5, 0]),
      },
      {
        cheap: 'B',
        expensive: 'C',
        points: points([0.9, 2, 0.6, 0], [0.3, 3, 0.74, 0.5], [null, 6, 0.8, 1]),
      },
    ],
    recommendation: {
      budget: 2.5,
      feasible: true,
      choice: v[2],
      inSample: { n: 100, cost: 2, quality: 0.7, escalationRate: 0.25, costInterval: [1.9, 2.1], qualityInterval: [0.61, 0.79] },
      holdout: { n: 100, cost: 2.1, quality: 0.66, escalationRate: 0.27 },
      bestSingle: { model: 'B', inSample: { n: 100, cost: 2, quality: 0.6, escalationRate: 0 }, holdout: { n: 100, cost: 2, quality: 0.58, escalationRate: 0 } },
      gainOverBestSingle: 0.08,
      escalationWorthIt: true,
      localShadowPrice: { lambda: 0.2, mu: 5, windowQueries: 20, confidenceFrom: 0.4, confidenceTo: 0.6 },
    },
    cascade: {
      policy: pair('B', 'C', 0.6),
      inSample: { n: 100, cost: 3.5, quality: 0.72, escalationRate: 0.75 },
      holdout: { n: 100, cost: 3.4, quality: 0.69, escalationRate: 0.7 },
      gapToEnvelope: 0.02,
      envelopeQualityAtCost: 0.74,
      dominatedBy: { cost: 3, quality: 0.74, escalationRate: 0.5, policy: v[3].policy },
      shadowPrice: sp(0.05, 0.05),
    },
    holdout: v.map((x, i) => ({
      policy: x.policy,
      calibration: { cost: x.cost, quality: x.quality },
      holdout: { n: 100, cost: held[i].cost, quality: held[i].quality, escalationRate: x.escalationRate },
    })),
    warnings: ['a.jsonl:3: confidence is missing; the record was skipped.'],
    settings: { bootstrapResamples: 100, normalIntervalsFrom: 20000, seed: 1, level: 0.95, localWindow: 20 },
  };
}
