/**
 * The reliability diagram of a confidence signal as plain geometry (no DOM), shared by the panel
 * and the report: mean stated probability (x) against the share answered right (y) per
 * equal-mass bin, calibration and holdout, over the diagonal of perfect calibration.
 */
import type { ReliabilityBin } from '../src/core/types.ts';

export interface ReliabilityPoint {
  readonly x: number;
  readonly y: number;
  /** `62% stated, 55% right, 29 queries`. */
  readonly label: string;
}

export interface ReliabilitySeries {
  readonly split: 'calibration' | 'holdout';
  /** SVG path through the points, left to right (`M x y L x y ...`); empty without points. */
  readonly path: string;
  readonly points: readonly ReliabilityPoint[];
}

export interface ReliabilityPlot {
  /** Width and height of the square drawing, in SVG units. */
  readonly size: number;
  /** The plotting box (axes from 0 to 1 on both). */
  readonly box: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number };
  readonly series: readonly ReliabilitySeries[];
  /** A sentence for screen readers. */
  readonly label: string;
}

/** Plot margin for the axis labels, in SVG units. */
const MARGIN = 18;

/**
 * The diagram's geometry for a model's calibration and holdout bins, in a square of `size`
 * units: probability 0 at the left, 1 at the right; share right 0 at the bottom, 1 at the top.
 * O(bins).
 */
export function reliabilityPlot(model: string, calibration: readonly ReliabilityBin[], holdout: readonly ReliabilityBin[], size = 150): ReliabilityPlot {
  const box = { left: MARGIN, top: 6, right: size - 6, bottom: size - MARGIN };
  const x = (p: number) => box.left + Math.min(1, Math.max(0, p)) * (box.right - box.left);
  const y = (q: number) => box.bottom - Math.min(1, Math.max(0, q)) * (box.bottom - box.top);
  const round = (v: number) => Math.round(v * 10) / 10;
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const series = (split: ReliabilitySeries['split'], bins: readonly ReliabilityBin[]): ReliabilitySeries => {
    const points = bins.map((b) => ({ x: round(x(b.confidence)), y: round(y(b.quality)), label: `${pct(b.confidence)} stated, ${pct(b.quality)} right, ${b.n} queries` }));
    return { split, path: points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' '), points };
  };
  const all = [series('calibration', calibration), ...(holdout.length > 0 ? [series('holdout', holdout)] : [])].filter((s) => s.points.length > 0);
  const describe = (s: ReliabilitySeries) => `${s.split}: ${s.points.map((p) => p.label.replace(', ', ' vs ').replace(/, \d+ queries$/, '')).join('; ')}`;
  const label =
    all.length === 0
      ? `${model}: no reliability diagram (the confidence is not a probability)`
      : `Reliability of ${model}'s confidence, stated against right, per bin. ${all.map(describe).join('. ')}.`;
  return { size, box, series: all, label };
}
