/**
 * What the panel remembers across hiding and window reloads (through the editor's
 * `getState`/`setState`, which the serializer hands back on revive). Restored state is
 * untrusted: `restoreViewState` keeps only well-formed fields and fills in defaults.
 */
import { COMPARISON_SERIES, type ComparisonSeriesId } from './comparisonSeries.ts';

export type XScaleKind = 'linear' | 'log';
/** Which figures the panel shows: calibration (in-sample) or held-out. */
export type SampleKind = 'in-sample' | 'held-out';

/** The visible data window of the chart, in data units (dollars per query, quality share). */
export interface Zoom {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

export interface ViewState {
  readonly version: 1;
  readonly selectedKey?: string;
  readonly xScale: XScaleKind;
  readonly showPairs: boolean;
  readonly sample: SampleKind;
  /** Budget per analysis key, dollars per query. */
  readonly budgets: Readonly<Record<string, number>>;
  /** Zoom of the analysis it was made on; dropped when another analysis is shown. */
  readonly zoom?: Zoom & { readonly key: string };
  /** Envelope vertex the user clicked, per analysis. */
  readonly selectedVertex?: { readonly key: string; readonly index: number };
  /** Comparison families overlaid on the chart (none when absent). */
  readonly comparisonSeries?: readonly ComparisonSeriesId[];
}

/** Held-out figures by default: the in-sample ones flatter every policy chosen on them (the router most). */
export const DEFAULT_VIEW_STATE: ViewState = { version: 1, xScale: 'log', showPairs: false, sample: 'held-out', budgets: {} };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function restoreZoom(v: unknown): ViewState['zoom'] {
  if (!isObject(v) || typeof v.key !== 'string') return undefined;
  const { xMin, xMax, yMin, yMax } = v;
  if (!isFinite(xMin) || !isFinite(xMax) || !isFinite(yMin) || !isFinite(yMax) || !(xMin < xMax) || !(yMin < yMax)) return undefined;
  return { key: v.key, xMin, xMax, yMin, yMax };
}

/** A view state from whatever `getState` returned (possibly nothing, or an older shape). */
export function restoreViewState(saved: unknown): ViewState {
  if (!isObject(saved) || saved.version !== 1) return DEFAULT_VIEW_STATE;
  const budgets: Record<string, number> = {};
  if (isObject(saved.budgets)) {
    for (const [key, b] of Object.entries(saved.budgets)) if (isFinite(b) && b >= 0) budgets[key] = b;
  }
  const selected = saved.selectedVertex;
  const zoom = restoreZoom(saved.zoom);
  const series = Array.isArray(saved.comparisonSeries) ? COMPARISON_SERIES.map((s) => s.id).filter((id) => (saved.comparisonSeries as unknown[]).includes(id)) : [];
  return {
    version: 1,
    ...(typeof saved.selectedKey === 'string' ? { selectedKey: saved.selectedKey } : {}),
    xScale: saved.xScale === 'linear' ? 'linear' : 'log',
    showPairs: saved.showPairs === true,
    sample: saved.sample === 'held-out' ? 'held-out' : 'in-sample',
    budgets,
    ...(zoom ? { zoom } : {}),
    ...(isObject(selected) && typeof selected.key === 'string' && Number.isSafeInteger(selected.index) && (selected.index as number) >= 0
      ? { selectedVertex: { key: selected.key, index: selected.index as number } }
      : {}),
    ...(series.length > 0 ? { comparisonSeries: series } : {}),
  };
}

/** The view state with comparison family `id` overlaid or not (kept in a fixed order). */
export function withComparisonSeries(state: ViewState, id: ComparisonSeriesId, on: boolean): ViewState {
  const current = state.comparisonSeries ?? [];
  const next = COMPARISON_SERIES.map((s) => s.id).filter((s) => (s === id ? on : current.includes(s)));
  const { comparisonSeries: _old, ...rest } = state;
  return next.length > 0 ? { ...rest, comparisonSeries: next } : rest;
}

/** The zoom that applies to analysis `key`, if the saved one was made on it. */
export function zoomFor(state: ViewState, key: string | undefined): Zoom | undefined {
  return state.zoom && state.zoom.key === key ? state.zoom : undefined;
}

/** The clicked vertex of analysis `key`, if any. */
export function selectedVertexFor(state: ViewState, key: string | undefined): number | undefined {
  return state.selectedVertex && state.selectedVertex.key === key ? state.selectedVertex.index : undefined;
}
