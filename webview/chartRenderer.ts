/**
 * Draws a `ChartModel` with Chart.js. One chart instance lives as long as the panel: every
 * update replaces its data and options and redraws in place (no animation), so a recompute
 * keeps the canvas, and `destroy` releases it. Zoom (wheel) and pan (drag) are handled here
 * and reported as data ranges; the caller keeps them in the view state and rebuilds the model.
 */
import { Chart, Legend, LinearScale, LineElement, LogarithmicScale, PointElement, ScatterController, Title, Tooltip, type ChartDataset, type ChartOptions, type Plugin, type Scale } from 'chart.js';
import type { ChartModel, ChartPoint } from './chartModel.ts';
import { tooltipLines } from './chartModel.ts';
import type { ChartPalette } from './theme.ts';
import { placeLabels, type LabelBox, type Rect } from './labels.ts';
import type { Zoom } from './viewState.ts';
import { formatDollarsCompact, formatPercent } from '../src/core/format/index.ts';

Chart.register(ScatterController, PointElement, LineElement, LinearScale, LogarithmicScale, Tooltip, Legend, Title);

/** Size of an exported image in CSS pixels (drawn at twice this many pixels). */
export const EXPORT_SIZE = { width: 1100, height: 720, pixelRatio: 2 } as const;

export interface FrontierChartEvents {
  /** An envelope vertex (or a point standing for one) was clicked. */
  onVertexClick(index: number): void;
  /** The user zoomed or panned (undefined: back to the full view). */
  onZoom(zoom: Zoom | undefined): void;
}

type ScatterChart = Chart<'scatter', ChartPoint[]>;

const ZOOM_STEP = 1.2;

/** Ticks at 1, 2 and 5 times the powers of ten between min and max (min > 0). */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  if (!(min > 0) || !(max > min)) return ticks;
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of [1, 2, 5]) {
      // Rounded to the decade's precision so that labels read 0.0002, not 0.00020000000000000001.
      const v = Number((m * Math.pow(10, e)).toPrecision(1));
      if (v >= min && v <= max) ticks.push(v);
    }
  }
  return ticks;
}

/** Moves a range [min, max] so that `at` stays put while the range scales by `factor` (log: in log space). */
function scaleRange(min: number, max: number, at: number, factor: number, log: boolean): [number, number] {
  if (log) {
    const [a, b, c] = [Math.log(min), Math.log(max), Math.log(at)];
    return [Math.exp(c - (c - a) * factor), Math.exp(c + (b - c) * factor)];
  }
  return [at - (at - min) * factor, at + (max - at) * factor];
}

export class FrontierChart {
  private chart: ScatterChart | undefined;
  private model: ChartModel | undefined;
  private palette: ChartPalette | undefined;
  private drag: { x: number; y: number; zoom: Zoom; moved: boolean } | undefined;
  private suppressClick = false;
  private readonly listeners: [string, EventListener][] = [];
  /** Milliseconds the last `render` took (data mapping, layout and drawing). */
  lastRenderMs = 0;
  renderCount = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly events: FrontierChartEvents,
  ) {
    this.listen('wheel', (e) => this.onWheel(e as WheelEvent));
    this.listen('mousedown', (e) => this.onMouseDown(e as MouseEvent));
    this.listen('mousemove', (e) => this.onMouseMove(e as MouseEvent));
    this.listen('mouseup', () => this.onMouseUp());
    this.listen('mouseleave', () => this.onMouseUp());
    this.listen('dblclick', () => this.events.onZoom(undefined));
  }

  /** The Chart.js instance id (stays the same across updates; a new id would mean a new instance). */
  get instanceId(): string | undefined {
    return this.chart ? String(this.chart.id) : undefined;
  }

  /** Draws `model`; the first call creates the chart, later ones update it in place. Returns the time taken. */
  render(model: ChartModel, palette: ChartPalette): number {
    const t0 = performance.now();
    this.model = model;
    this.palette = palette;
    Chart.defaults.font.family = palette.fontFamily;
    Chart.defaults.font.size = palette.fontSize;
    Chart.defaults.color = palette.foreground;
    const datasets = this.datasets(model);
    const options = this.options(model, palette);
    if (!this.chart) {
      this.chart = new Chart<'scatter', ChartPoint[]>(this.canvas, { type: 'scatter', data: { datasets }, options, plugins: [this.backgroundPlugin(), this.labelPlugin()] });
    } else {
      this.chart.data.datasets = datasets;
      this.chart.options = options;
      this.chart.update('none');
    }
    this.renderCount++;
    this.lastRenderMs = performance.now() - t0;
    return this.lastRenderMs;
  }

  /**
   * The chart as a PNG data URL for an export: drawn afresh at {@link EXPORT_SIZE} and twice the
   * pixels, with `title` above it and the legend below, on the theme's background (whatever the
   * panel's size). Null before the first render.
   */
  toPng(title: string): string | null {
    const model = this.model;
    const palette = this.palette;
    if (!this.chart || !model || !palette) return null;
    const canvas = document.createElement('canvas');
    canvas.style.width = `${EXPORT_SIZE.width}px`;
    canvas.style.height = `${EXPORT_SIZE.height}px`;
    canvas.width = EXPORT_SIZE.width * EXPORT_SIZE.pixelRatio;
    canvas.height = EXPORT_SIZE.height * EXPORT_SIZE.pixelRatio;
    const base = this.options(model, palette);
    const options: ChartOptions<'scatter'> = {
      ...base,
      responsive: false,
      devicePixelRatio: EXPORT_SIZE.pixelRatio,
      events: [],
      plugins: {
        ...base.plugins,
        tooltip: { enabled: false },
        title: { display: true, text: title, color: palette.foreground, font: { size: palette.fontSize + 3, weight: 'bold' }, padding: { top: 10, bottom: 12 } },
      },
    };
    const exported = new Chart<'scatter', ChartPoint[]>(canvas, { type: 'scatter', data: { datasets: this.datasets(model) }, options, plugins: [this.backgroundPlugin(), this.labelPlugin()] });
    try {
      exported.resize(EXPORT_SIZE.width, EXPORT_SIZE.height);
      exported.update('none');
      return exported.toBase64Image('image/png', 1);
    } finally {
      exported.destroy();
    }
  }

  destroy(): void {
    for (const [type, fn] of this.listeners) this.canvas.removeEventListener(type, fn);
    this.listeners.length = 0;
    this.chart?.destroy();
    this.chart = undefined;
  }

  private listen(type: string, fn: EventListener): void {
    this.canvas.addEventListener(type, fn, type === 'wheel' ? { passive: false } : undefined);
    this.listeners.push([type, fn]);
  }

  private datasets(model: ChartModel): ChartDataset<'scatter', ChartPoint[]>[] {
    return model.series.map((s) => ({
      label: s.label,
      data: s.points as ChartPoint[],
      parsing: false,
      borderColor: s.color,
      backgroundColor: s.kind === 'selected' ? 'transparent' : s.color,
      borderWidth: s.lineWidth,
      borderDash: [...s.dash],
      showLine: s.showLine,
      pointRadius: typeof s.pointRadius === 'number' ? s.pointRadius : [...s.pointRadius],
      pointHoverRadius: s.hoverRadius ?? (typeof s.pointRadius === 'number' ? s.pointRadius + (s.pointRadius > 0 ? 2 : 0) : s.pointRadius.map((r) => (r > 0 ? r + 2 : 0))),
      pointHitRadius: s.hitRadius,
      pointStyle: s.pointStyle,
      pointBorderWidth: s.kind === 'selected' ? 2.5 : 1,
      fill: false,
      tension: 0,
      order: s.order,
    }));
  }

  private metaAt(datasetIndex: number, index: number) {
    return this.model?.series[datasetIndex]?.metaAt(index);
  }

  /** Index of the described item drawn on top (lowest order), or -1. */
  private topDescribed(items: readonly { datasetIndex: number; dataIndex: number }[]): number {
    let best = -1;
    let bestOrder = Infinity;
    items.forEach((item, i) => {
      const order = this.model?.series[item.datasetIndex]?.order ?? Infinity;
      if (order < bestOrder && this.metaAt(item.datasetIndex, item.dataIndex) !== undefined) {
        best = i;
        bestOrder = order;
      }
    });
    return best;
  }

  private options(model: ChartModel, palette: ChartPalette): ChartOptions<'scatter'> {
    const log = model.x.type === 'log';
    const axisTitle = (text: string) => ({ display: true, text, color: palette.foreground, font: { weight: 'bold' as const } });
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: true },
      events: ['mousemove', 'mouseout', 'click'],
      layout: { padding: { top: 8, right: 16 } },
      scales: {
        x: {
          type: log ? 'logarithmic' : 'linear',
          min: model.x.min,
          max: model.x.max,
          title: axisTitle(log ? 'Cost per query (USD, log scale)' : 'Cost per query (USD)'),
          grid: { color: palette.grid },
          border: { color: palette.grid },
          // Chart.js puts a log axis's ticks at every integer mantissa; a 1-2-5 series reads better.
          ...(log ? { afterBuildTicks: (scale: Scale) => void (scale.ticks = logTicks(scale.min, scale.max).map((value) => ({ value }))) } : {}),
          ticks: { color: palette.muted, maxRotation: 0, autoSkip: true, includeBounds: false, callback: (v) => formatDollarsCompact(Number(v)) },
        },
        y: {
          type: 'linear',
          min: model.y.min,
          max: model.y.max,
          title: axisTitle(model.figures === 'held-out' ? 'Quality (held out)' : 'Quality (in-sample)'),
          grid: { color: palette.grid },
          border: { color: palette.grid },
          ticks: { color: palette.muted, includeBounds: false, callback: (v) => formatPercent(Number(v), model.y.max - model.y.min < 0.05 ? 1 : 0) },
        },
      },
      plugins: {
        legend: {
          position: 'bottom',
          onClick: () => {},
          labels: {
            color: palette.foreground,
            usePointStyle: true,
            // Markers this big leave a line entry long enough for its dash pattern to read.
            boxHeight: 11,
            // Tight rows, so a narrow panel's legend leaves the plot its height.
            padding: 6,
            font: { size: Math.max(10, palette.fontSize - 1) },
            // Each entry drawn as its series is: a line (dashed when the series is) or its marker.
            generateLabels: () =>
              model.series.map((series, i) => {
                const line = series.showLine && (typeof series.pointRadius === 'number' ? series.pointRadius === 0 : true);
                return {
                  text: series.label,
                  datasetIndex: i,
                  fontColor: palette.foreground,
                  fillStyle: series.kind === 'selected' ? 'transparent' : series.color,
                  strokeStyle: series.color,
                  lineWidth: line ? Math.max(2, series.lineWidth) : 1,
                  lineDash: line ? [...series.dash] : [],
                  pointStyle: line ? 'line' : series.pointStyle,
                  hidden: false,
                };
              }),
            filter: (item) => item.datasetIndex !== undefined && model.series[item.datasetIndex]?.inLegend === true,
            // In the model's order (Chart.js would sort by drawing order).
            sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
          },
        },
        tooltip: {
          backgroundColor: palette.tooltipBackground,
          titleColor: palette.tooltipForeground,
          bodyColor: palette.tooltipForeground,
          borderColor: palette.tooltipBorder,
          borderWidth: 1,
          displayColors: false,
          // Markers can coincide (a vertex that is also a switching point and the recommendation): one tooltip,
          // for the first described point under the cursor in drawing order.
          filter: (_item, index, items) => index === this.topDescribed(items),
          callbacks: {
            title: (items) => {
              const m = items[0] ? this.metaAt(items[0].datasetIndex, items[0].dataIndex) : undefined;
              return m ? m.title : '';
            },
            label: (item) => {
              const m = this.metaAt(item.datasetIndex, item.dataIndex);
              return m ? tooltipLines(m) : '';
            },
          },
        },
      },
      onHover: (_event, elements) => {
        const clickable = elements.some((e) => this.metaAt(e.datasetIndex, e.index)?.envelopeIndex !== undefined);
        this.canvas.style.cursor = clickable ? 'pointer' : this.drag ? 'grabbing' : 'default';
      },
      onClick: (_event, elements) => {
        if (this.suppressClick) {
          this.suppressClick = false;
          return;
        }
        for (const e of elements) {
          const index = this.metaAt(e.datasetIndex, e.index)?.envelopeIndex;
          if (index !== undefined) {
            this.events.onVertexClick(index);
            return;
          }
        }
      },
    };
  }

  /** Fills the canvas with the theme's background, so an exported PNG looks like the panel. */
  private backgroundPlugin(): Plugin<'scatter'> {
    return {
      id: 'frontierBackground',
      beforeDraw: (chart) => {
        const bg = this.palette?.background;
        if (!bg || bg === 'transparent') return;
        const { ctx } = chart;
        ctx.save();
        ctx.globalCompositeOperation = 'destination-over';
        ctx.fillStyle = bg;
        ctx.fillRect(0, 0, chart.width, chart.height);
        ctx.restore();
      },
    };
  }

  /** Text next to points (model names, "recommended", "randomised"), placed apart and inside the plot area. */
  private labelPlugin(): Plugin<'scatter'> {
    return {
      id: 'frontierLabels',
      afterDatasetsDraw: (chart) => {
        const model = this.model;
        const palette = this.palette;
        if (!model || !palette) return;
        const { ctx, chartArea } = chart;
        const xs = chart.scales.x as Scale;
        const ys = chart.scales.y as Scale;
        ctx.save();
        ctx.beginPath();
        ctx.rect(chartArea.left, chartArea.top, chartArea.right - chartArea.left, chartArea.bottom - chartArea.top);
        ctx.clip();
        ctx.textBaseline = 'middle';
        const fontOf = (bold: boolean) => `${bold ? 'bold ' : ''}${Math.max(10, palette.fontSize - 1)}px ${palette.fontFamily}`;
        const height = Math.max(10, palette.fontSize - 1) + 2;
        const shown = model.labels.map((l) => ({ l, px: xs.getPixelForValue(l.x), py: ys.getPixelForValue(l.y) })).filter((v) => Number.isFinite(v.px) && Number.isFinite(v.py));
        const boxes: LabelBox[] = shown.map(({ l, px, py }) => {
          ctx.font = fontOf(l.bold);
          return { px, py, width: ctx.measureText(l.text).width, height, dx: l.dx, dy: l.dy, align: l.align, priority: l.bold ? 0 : 1, ...(l.optional ? { clearOfMarkers: true } : {}) };
        });
        // The drawn markers (a pixel of margin around each), which labels keep clear of where they can.
        const markers: Rect[] = [];
        chart.data.datasets.forEach((_, i) => {
          if (!chart.isDatasetVisible(i)) return;
          for (const p of chart.getDatasetMeta(i).data) {
            const r = Number((p.options as { radius?: number } | undefined)?.radius ?? 0);
            if (r > 0 && Number.isFinite(p.x) && Number.isFinite(p.y)) markers.push({ x0: p.x - r - 1, y0: p.y - r - 1, x1: p.x + r + 1, y1: p.y + r + 1 });
          }
        });
        const places = placeLabels(boxes, chartArea, markers);
        shown.forEach(({ l }, i) => {
          if (places[i].hidden) return;
          ctx.font = fontOf(l.bold);
          ctx.fillStyle = l.color;
          ctx.textAlign = places[i].align;
          ctx.fillText(l.text, places[i].x, places[i].y);
        });
        ctx.restore();
      },
    };
  }

  private currentZoom(): Zoom | undefined {
    const c = this.chart;
    if (!c) return undefined;
    return { xMin: c.scales.x.min, xMax: c.scales.x.max, yMin: c.scales.y.min, yMax: c.scales.y.max };
  }

  private inPlot(e: MouseEvent): boolean {
    const a = this.chart?.chartArea;
    return !!a && e.offsetX >= a.left && e.offsetX <= a.right && e.offsetY >= a.top && e.offsetY <= a.bottom;
  }

  private onWheel(e: WheelEvent): void {
    const c = this.chart;
    const zoom = this.currentZoom();
    if (!c || !zoom || !this.inPlot(e)) return;
    e.preventDefault();
    const factor = e.deltaY > 0 ? ZOOM_STEP : 1 / ZOOM_STEP;
    const log = this.model?.x.type === 'log';
    const [xMin, xMax] = scaleRange(zoom.xMin, zoom.xMax, c.scales.x.getValueForPixel(e.offsetX) ?? zoom.xMin, factor, log);
    const [yMin, yMax] = scaleRange(zoom.yMin, zoom.yMax, c.scales.y.getValueForPixel(e.offsetY) ?? zoom.yMin, factor, false);
    this.events.onZoom({ xMin, xMax, yMin, yMax });
  }

  private onMouseDown(e: MouseEvent): void {
    const zoom = this.currentZoom();
    if (e.button !== 0 || !zoom || !this.inPlot(e)) return;
    this.drag = { x: e.offsetX, y: e.offsetY, zoom, moved: false };
  }

  private onMouseMove(e: MouseEvent): void {
    const d = this.drag;
    const c = this.chart;
    if (!d || !c) return;
    const dx = e.offsetX - d.x;
    const dy = e.offsetY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    d.moved = true;
    const a = c.chartArea;
    const log = this.model?.x.type === 'log';
    const fx = -dx / (a.right - a.left);
    const fy = dy / (a.bottom - a.top);
    const [xMin, xMax] = log
      ? [d.zoom.xMin * Math.pow(d.zoom.xMax / d.zoom.xMin, fx), d.zoom.xMax * Math.pow(d.zoom.xMax / d.zoom.xMin, fx)]
      : [d.zoom.xMin + (d.zoom.xMax - d.zoom.xMin) * fx, d.zoom.xMax + (d.zoom.xMax - d.zoom.xMin) * fx];
    const yShift = (d.zoom.yMax - d.zoom.yMin) * fy;
    // Pan the axes directly while dragging; the model is rebuilt (curves re-thinned) on release.
    const x = c.options.scales?.x;
    const y = c.options.scales?.y;
    if (x && y) {
      x.min = xMin;
      x.max = xMax;
      y.min = d.zoom.yMin + yShift;
      y.max = d.zoom.yMax + yShift;
      c.update('none');
    }
  }

  private onMouseUp(): void {
    const d = this.drag;
    this.drag = undefined;
    if (!d || !d.moved) return;
    this.suppressClick = true;
    setTimeout(() => (this.suppressClick = false), 0);
    const zoom = this.currentZoom();
    if (zoom) this.events.onZoom(zoom);
  }
}
