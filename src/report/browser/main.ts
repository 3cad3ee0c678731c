/**
 * The report page's script (bundled to dist/report.js and inlined into each report): reads the
 * embedded data and draws the frontier chart with the panel's own view-model and renderer.
 * Everything else on the page is static markup. Colours come from the page's CSS variables,
 * which follow the reader's light or dark setting.
 *
 * Hooks for tests: `#report-root[data-status]` (`static` before the script runs, `ready` once
 * the chart is drawn, `error` when it could not be); `#chart-container` carries
 * `data-render-count`, `data-theme-kind`, `data-x-scale`, `data-figures`, `data-show-pairs`.
 */
import { buildChartModel, type ChartModel } from '../../../webview/chartModel.ts';
import { FrontierChart } from '../../../webview/chartRenderer.ts';
import { readPalette, type ChartPalette } from '../../../webview/theme.ts';
import type { SampleKind, XScaleKind, Zoom } from '../../../webview/viewState.ts';
import { isReportData, REPORT_DATA_ID, type ReportData } from '../data.ts';

interface PageState {
  xScale: XScaleKind;
  sample: SampleKind;
  showPairs: boolean;
  zoom?: Zoom;
  selectedVertex?: number;
}

const DARK = '(prefers-color-scheme: dark)';

function readData(): ReportData {
  const text = document.getElementById(REPORT_DATA_ID)?.textContent;
  if (!text) throw new Error('the report has no embedded data');
  const data: unknown = JSON.parse(text);
  if (!isReportData(data)) throw new Error('the embedded data is not a Cascade Frontier report of this version');
  return data;
}

function pagePalette(): ChartPalette {
  const style = getComputedStyle(document.documentElement);
  return readPalette((name) => style.getPropertyValue(name), matchMedia(DARK).matches ? 'dark' : 'light');
}

/**
 * The budget the chart marks: the one asked for, or (for a quality target) the chosen vertex's
 * cost, so that the recommended vertex is starred; a target draws no budget line.
 */
function chartBudget(data: ReportData): { budget?: number; line: boolean } {
  const rec = data.result.recommendation;
  if (rec?.budget !== undefined) return { budget: rec.budget, line: true };
  if (rec?.choice) return { budget: rec.choice.cost, line: false };
  return { line: false };
}

class ReportChart {
  private state: PageState = { xScale: 'log', sample: 'in-sample', showPairs: false };
  private palette = pagePalette();
  private readonly chart: FrontierChart;
  private readonly budget: { budget?: number; line: boolean };

  constructor(
    private readonly data: ReportData,
    private readonly canvas: HTMLCanvasElement,
    private readonly container: HTMLElement,
  ) {
    this.budget = chartBudget(data);
    this.chart = new FrontierChart(canvas, {
      onVertexClick: (index) => this.select(index, true),
      onZoom: (zoom) => this.update({ zoom }),
    });
  }

  update(patch: Partial<PageState>): void {
    this.state = { ...this.state, ...patch };
    this.render();
  }

  themeChanged(): void {
    this.palette = pagePalette();
    this.render();
  }

  /** Marks vertex `index` in the chart and the table; from the chart, brings its row into view. */
  select(index: number | undefined, scroll: boolean): void {
    for (const row of document.querySelectorAll<HTMLTableRowElement>('#vertex-table tbody tr')) {
      const on = index !== undefined && row.dataset.index === String(index);
      row.classList.toggle('selected', on);
      if (on && scroll) row.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
    this.update({ selectedVertex: index });
  }

  private model(): ChartModel {
    const s = this.state;
    const model = buildChartModel(
      this.data.result,
      {
        xScale: s.xScale,
        showPairs: s.showPairs,
        sample: s.sample,
        ...(this.budget.budget !== undefined ? { budget: this.budget.budget } : {}),
        ...(s.zoom ? { zoom: s.zoom } : {}),
        ...(s.selectedVertex !== undefined ? { selectedVertex: s.selectedVertex } : {}),
        columns: Math.max(150, Math.round((this.canvas.clientWidth || 1000) / 2)),
      },
      this.palette,
    );
    if (this.budget.line) return model;
    return { ...model, series: model.series.filter((x) => x.kind !== 'budget') };
  }

  render(): void {
    const model = this.model();
    this.chart.render(model, this.palette);
    const d = this.container.dataset;
    d.renderCount = String(this.chart.renderCount);
    d.themeKind = this.palette.kind;
    d.xScale = this.state.xScale;
    d.figures = model.figures;
    d.showPairs = String(this.state.showPairs);
  }
}

function radios(name: string): HTMLInputElement[] {
  return [...document.querySelectorAll<HTMLInputElement>(`input[type=radio][name="${name}"]`)];
}

function start(): void {
  const root = document.getElementById('report-root');
  const canvas = document.getElementById('frontier-chart');
  const container = document.getElementById('chart-container');
  const message = document.getElementById('chart-message');
  if (!root || !(canvas instanceof HTMLCanvasElement) || !container) return;
  try {
    const chart = new ReportChart(readData(), canvas, container);
    for (const r of radios('x-scale')) r.addEventListener('change', () => r.checked && chart.update({ xScale: r.value === 'linear' ? 'linear' : 'log', zoom: undefined }));
    for (const r of radios('sample')) r.addEventListener('change', () => r.checked && chart.update({ sample: r.value === 'held-out' ? 'held-out' : 'in-sample' }));
    const pairs = document.getElementById('toggle-pairs');
    if (pairs instanceof HTMLInputElement) pairs.addEventListener('change', () => chart.update({ showPairs: pairs.checked }));
    document.getElementById('reset-zoom')?.addEventListener('click', () => chart.update({ zoom: undefined }));
    document.querySelector('#vertex-table tbody')?.addEventListener('click', (e) => {
      const row = (e.target as Element | null)?.closest?.('tr[data-index]');
      if (row instanceof HTMLElement) chart.select(Number(row.dataset.index), false);
    });
    matchMedia(DARK).addEventListener('change', () => chart.themeChanged());
    chart.render();
    document.getElementById('chart-controls')?.removeAttribute('hidden');
    root.dataset.status = 'ready';
  } catch (e) {
    root.dataset.status = 'error';
    if (message) message.textContent = `The chart could not be drawn: ${e instanceof Error ? e.message : String(e)}. The tables below have every number.`;
    console.error(e);
  }
}

start();
