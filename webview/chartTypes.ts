/**
 * The types of the frontier chart's view model (`buildChartModel` in chartModel.ts): what a
 * series, a point's tooltip details, a text label and the axes are. Plain data, no DOM.
 */
import type { LatencySummary, PolicySpec, ShadowPrice } from '../src/core/types.ts';
import type { ComparisonResult } from '../src/core/compare/types.ts';
import type { ComparisonSeriesId } from './comparisonSeries.ts';
import type { SampleKind, XScaleKind, Zoom } from './viewState.ts';

export interface ChartViewState {
  readonly xScale: XScaleKind;
  readonly showPairs: boolean;
  readonly sample: SampleKind;
  /** Dollars per query; draws the budget line and the recommended point. */
  readonly budget?: number;
  readonly zoom?: Zoom;
  /** Envelope vertex the user clicked. */
  readonly selectedVertex?: number;
  /** Horizontal resolution pair curves are thinned to (about the plot's width in pixels). */
  readonly columns?: number;
  /** The held-out comparison and which of its families to overlay (none by default). */
  readonly comparison?: { readonly result: ComparisonResult; readonly shown: readonly ComparisonSeriesId[] };
}

export type SeriesKind = 'pair' | 'single' | 'envelope' | 'envelope-holdout' | 'switching' | 'hull' | 'configured' | 'recommended' | 'selected' | 'budget' | 'comparison';

export type PointStyle = 'circle' | 'crossRot' | 'rect' | 'rectRot' | 'star' | 'triangle';

/** What a tooltip says about one point. */
export interface PointMeta {
  readonly title: string;
  readonly policy?: PolicySpec;
  readonly cost: number;
  readonly quality: number;
  /** Which figures `cost` and `quality` are. */
  readonly figures: SampleKind;
  readonly escalationRate?: number;
  /** Hull slopes at the point (envelope vertices). */
  readonly shadowPrice?: ShadowPrice;
  /** Slopes of the pair's own Pareto curve to its neighbours (quality per dollar per query). */
  readonly curveSlope?: { readonly left: number | null; readonly right: number | null };
  /** Index of the envelope vertex, for points that stand for one (clickable). */
  readonly envelopeIndex?: number;
  readonly note?: string;
  /** Mean and p95 latency on calibration queries, where the records carry `latency_ms`. */
  readonly latency?: LatencySummary;
  /** Lines that describe the policy instead of the pair and threshold lines (chains, router, bound). */
  readonly lines?: readonly string[];
}

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface SeriesModel {
  readonly id: string;
  readonly kind: SeriesKind;
  readonly label: string;
  readonly inLegend: boolean;
  readonly points: readonly ChartPoint[];
  /**
   * Details of point `index` (undefined for points that only shape a line, like step corners).
   * Computed on demand: a large analysis has tens of thousands of drawn points and a tooltip
   * needs one.
   */
  readonly metaAt: (index: number) => PointMeta | undefined;
  readonly color: string;
  readonly lineWidth: number;
  readonly dash: readonly number[];
  readonly showLine: boolean;
  readonly pointRadius: number | readonly number[];
  /** Radius of a hovered point, when not the radius drawn plus two (a line whose points have no marker of their own). */
  readonly hoverRadius?: number;
  readonly pointStyle: PointStyle;
  /** Pixels around a point that still count as hovering it. */
  readonly hitRadius: number;
  /** Drawing order: lower is drawn on top. */
  readonly order: number;
}

export interface TextLabel {
  readonly x: number;
  readonly y: number;
  readonly text: string;
  readonly color: string;
  /** Offset in pixels from the point. */
  readonly dx: number;
  readonly dy: number;
  readonly align: 'left' | 'right' | 'center';
  readonly bold: boolean;
  /** Drawn only where it covers neither another label nor a marker (an aside the notes also explain). */
  readonly optional?: boolean;
}

/** An axis's extent, in the units of its data. */
export interface AxisRange {
  readonly min: number;
  readonly max: number;
}

export interface AxisModel extends AxisRange {
  readonly type: XScaleKind;
}

export interface ChartModel {
  readonly series: readonly SeriesModel[];
  readonly labels: readonly TextLabel[];
  readonly x: AxisModel;
  readonly y: AxisRange;
  /** Which figures are shown (held-out only when the analysis has a holdout split). */
  readonly figures: SampleKind;
  readonly stats: { readonly pairPointsIn: number; readonly pairPointsDrawn: number };
}
