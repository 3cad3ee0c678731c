/**
 * The data a report carries: the analysis (as `analyze --json` prints it), the per-file
 * summary and what the page says about how it was made. The node side writes it into the
 * page as JSON; the page's script reads it back to draw the chart. Plain data, no Node or DOM.
 */
import type { AnalysisResult, FileSummary, PairCurveSummary } from '../core/types.ts';

export interface ReportMeta {
  /** The inputs as the user named them. */
  readonly inputs: readonly string[];
  /** The command line that made the report, without the program name. */
  readonly command: readonly string[];
  /** ISO 8601 time the report was written. */
  readonly generatedAt: string;
  readonly toolVersion: string;
  /** Pair-curve points before and after thinning for the page (equal when nothing was thinned). */
  readonly pairPoints: { readonly total: number; readonly kept: number };
}

export interface ReportData {
  readonly kind: 'cascade-frontier-report';
  readonly version: 1;
  readonly result: AnalysisResult;
  readonly files: readonly FileSummary[];
  readonly meta: ReportMeta;
}

/** Id of the `<script type="application/json">` element that holds the data. */
export const REPORT_DATA_ID = 'report-data';

/** Most points of one pair curve a report keeps (the chart draws one or two per two-pixel column). */
export const MAX_PAIR_POINTS = 600;

/**
 * A pair curve with at most `max` points: the cheapest and the dearest, and between them the
 * point nearest to each of `max - 2` costs spread evenly on a log scale (linear when a cost
 * is 0). Points keep their order. Curves already short enough are returned as they are.
 * O(p log p) for a curve of p points.
 */
export function thinPairCurve(pair: PairCurveSummary, max = MAX_PAIR_POINTS): PairCurveSummary {
  const pts = pair.points;
  if (pts.length <= max || max < 2) return pair;
  const order = pts.map((_, i) => i).sort((a, b) => pts[a].cost - pts[b].cost || pts[b].quality - pts[a].quality);
  const lo = pts[order[0]].cost;
  const hi = pts[order[order.length - 1]].cost;
  const log = lo > 0;
  const tx = (c: number) => (log ? Math.log(c) : c);
  const span = tx(hi) - tx(lo) || 1;
  const keep = new Set<number>([order[0], order[order.length - 1]]);
  let j = 0;
  for (let k = 1; k < max - 1; k++) {
    const target = tx(lo) + (span * k) / (max - 1);
    while (j < order.length - 1 && tx(pts[order[j + 1]].cost) <= target) j++;
    keep.add(order[j]);
  }
  return { ...pair, points: pts.filter((_, i) => keep.has(i)) };
}

/** The result with every pair curve thinned to `max` points, and the point counts before and after. */
export function thinPairs(result: AnalysisResult, max = MAX_PAIR_POINTS): { readonly result: AnalysisResult; readonly total: number; readonly kept: number } {
  let total = 0;
  let kept = 0;
  const pairs = result.pairs.map((p) => {
    const t = thinPairCurve(p, max);
    total += p.points.length;
    kept += t.points.length;
    return t;
  });
  return { result: kept === total ? result : { ...result, pairs }, total, kept };
}

/** True when `v` looks like report data of this version (the page checks before drawing). */
export function isReportData(v: unknown): v is ReportData {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Partial<ReportData>;
  return d.kind === 'cascade-frontier-report' && d.version === 1 && typeof d.result === 'object' && d.result !== null && Array.isArray(d.result.envelope) && Array.isArray(d.files);
}
