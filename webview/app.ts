/**
 * The frontier panel's component: builds the page once, forwards user actions to the
 * controller (which holds the state and talks to the host) and redraws the parts a change
 * touches. Numbers come from the view-model functions; this file only wires them to the DOM.
 * The page's larger sections are views of their own (`views/`): the budget bar, the
 * recommendation, the held-out comparison, the vertex table, the confidence signals (with the
 * drift warning), the input files and warnings, and the action bar. Each owns its element, reads
 * the controller's state and redraws in `render()`; this file lays them out.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeButton, VscodeCheckbox, VscodeRadio, VscodeSingleSelect } from '@vscode-elements/elements';
import type { HostApi } from './hostApi.ts';
import { busyMark, custom, el, replaceChildren, setData } from './dom.ts';
import { buildChartModel } from './chartModel.ts';
import { familyOf } from './comparison.ts';
import { COMPARISON_SERIES, type ComparisonSeriesId } from './comparisonSeries.ts';
import { FrontierChart } from './chartRenderer.ts';
import { PanelController, type Change } from './controller.ts';
import { SnapshotNotification } from '../src/protocol.ts';
import { readPalette, themeKindOf, type ChartPalette } from './theme.ts';
import { envelopeKept } from './envelopeIndex.ts';
import { ENVELOPE_COLUMNS, ENVELOPE_ROWS } from '../src/core/envelopeThinning.ts';
import { formatTime } from '../src/core/format/index.ts';
import { BudgetBar } from './views/budgetBar.ts';
import { ActionBar } from './views/actionBar.ts';
import { RecommendationSection } from './views/recommendationSection.ts';
import { BacktestLine } from './views/backtestLine.ts';
import { ComparisonSection } from './views/comparisonSection.ts';
import { VertexTable } from './views/vertexTable.ts';
import { InputSections } from './views/inputSections.ts';
import { SignalsSection } from './views/signalsSection.ts';
import { DiagnosisSection } from './views/diagnosisSection.ts';

/** True for a snapshot message that carries a result (not one that keeps the result the panel holds). */
function carriesResult(data: unknown): boolean {
  const d = data as { method?: unknown; params?: { snapshot?: { result?: unknown } } } | null;
  return typeof d === 'object' && d !== null && d.method === SnapshotNotification.method && d.params?.snapshot?.result !== undefined;
}

/** Panel widths at which the action bar comes under the chart (as in `frontier.css`). */
const NARROW_PANEL = '(max-width: 560px)';

export class FrontierApp {
  private readonly ctl: PanelController;
  private palette: ChartPalette;
  private readonly chart: FrontierChart;
  private readonly observer: MutationObserver;
  /** The snapshot drawn last, to tell a new one from a redraw. */
  private shownSnapshot: unknown;
  /** What the chart was last drawn from (result, view, comparison, palette): a snapshot that changes none of it, the status alone say, leaves the chart as it is. */
  private chartDrawnFrom: readonly unknown[] | undefined;
  /** Watches the canvas's size (see `canvasBox`). */
  private readonly sizeObserver: ResizeObserver | undefined;
  private canvasSize: { readonly width: number; readonly height: number } | undefined;
  /** A narrow panel (the action bar moves under the chart, see `placeAction`). */
  private readonly narrow: MediaQueryList | undefined;
  private readonly onMessage = (e: MessageEvent) => {
    const receivedAt = Date.now();
    const t0 = performance.now();
    this.ctl.receive(e.data);
    // A snapshot carrying a result: when it reached the page, and how long the page took to take it in and redraw (the editor benchmark reads both).
    if (carriesResult(e.data)) setData(this.root, { resultReceivedAt: String(receivedAt), resultMs: (performance.now() - t0).toFixed(1) });
  };

  // Elements
  private readonly root: HTMLElement;
  private readonly select: VscodeSingleSelect;
  private readonly statusEl: HTMLElement;
  private readonly problemsEl: HTMLElement;
  private readonly scaleLinear: VscodeRadio;
  private readonly scaleLog: VscodeRadio;
  private readonly pairsBox: VscodeCheckbox;
  private readonly sampleIn: VscodeRadio;
  private readonly sampleOut: VscodeRadio;
  private readonly chartBox: HTMLElement;
  private readonly chartNotes: HTMLElement;
  private readonly resetZoom: VscodeButton;
  private readonly canvas: HTMLCanvasElement;
  private readonly emptyEl: HTMLElement;
  private readonly comparisonBoxes: ReadonlyMap<ComparisonSeriesId, VscodeCheckbox>;

  // Sections
  private readonly budgetBar: BudgetBar;
  private readonly actionBar: ActionBar;
  private readonly recommendation: RecommendationSection;
  private readonly backtest: BacktestLine;
  private readonly comparison: ComparisonSection;
  private readonly vertexTable: VertexTable;
  private readonly inputs: InputSections;
  private readonly signals: SignalsSection;
  private readonly diagnosis: DiagnosisSection;

  constructor(
    mount: HTMLElement,
    api: HostApi,
    private readonly win: Window = window,
  ) {
    this.ctl = new PanelController(api, { onChange: (c) => this.onChange(c), chartPng: () => this.chart.toPng(this.chartTitle()) });
    this.palette = this.readPalette();

    this.select = custom<VscodeSingleSelect>('vscode-single-select', { id: 'analysis-select', 'aria-label': 'Analysis' });
    this.statusEl = el('span', { id: 'status', role: 'status' });
    this.problemsEl = el('span', { id: 'problem-count' });
    this.scaleLinear = custom<VscodeRadio>('vscode-radio', { name: 'x-scale', value: 'linear', id: 'x-scale-linear' }, 'Linear');
    this.scaleLog = custom<VscodeRadio>('vscode-radio', { name: 'x-scale', value: 'log', id: 'x-scale-log' }, 'Log');
    this.pairsBox = custom<VscodeCheckbox>('vscode-checkbox', { id: 'toggle-pairs' }, 'Pair curves');
    this.sampleIn = custom<VscodeRadio>('vscode-radio', { name: 'sample', value: 'in-sample', id: 'sample-in' }, 'In-sample');
    this.sampleOut = custom<VscodeRadio>('vscode-radio', { name: 'sample', value: 'held-out', id: 'sample-held-out' }, 'Held out');
    this.canvas = el('canvas', { id: 'frontier-chart', role: 'img', 'aria-label': 'Cost-quality frontier' });
    this.emptyEl = el('div', { id: 'empty', class: 'empty' }, 'Waiting for an analysis…');
    this.chartBox = el('div', { id: 'chart-container' }, this.canvas);
    this.chartNotes = el('p', { id: 'chart-notes', class: 'muted' });
    this.comparisonBoxes = new Map(COMPARISON_SERIES.map((c) => [c.id, custom<VscodeCheckbox>('vscode-checkbox', { id: `toggle-${c.id}`, 'data-family': c.id }, c.label)]));
    this.budgetBar = new BudgetBar(this.ctl);
    this.actionBar = new ActionBar(this.ctl);
    this.recommendation = new RecommendationSection(this.ctl);
    this.backtest = new BacktestLine(this.ctl);
    this.comparison = new ComparisonSection(this.ctl);
    this.vertexTable = new VertexTable(this.ctl);
    this.inputs = new InputSections(this.ctl);
    this.signals = new SignalsSection(this.ctl);
    this.diagnosis = new DiagnosisSection(this.ctl);

    const resetZoom = custom<VscodeButton>('vscode-button', { id: 'reset-zoom', secondary: true, hidden: true }, 'Reset zoom');
    this.resetZoom = resetZoom;

    this.root = el(
      'div',
      { id: 'frontier-root' },
      el('header', { class: 'bar' }, el('label', { class: 'field' }, 'Analysis ', this.select), this.statusEl, this.problemsEl),
      this.diagnosis.element,
      el(
        'section',
        { class: 'bar controls', 'aria-label': 'Chart controls' },
        el('span', { class: 'field' }, 'Cost axis', custom('vscode-radio-group', { id: 'x-scale' }, this.scaleLinear, this.scaleLog)),
        this.pairsBox,
        el('span', { class: 'field' }, 'Figures', custom('vscode-radio-group', { id: 'sample' }, this.sampleIn, this.sampleOut)),
        resetZoom,
      ),
      el('section', { class: 'bar controls', id: 'comparison-controls', 'aria-label': 'Comparison series' }, el('span', { class: 'field compare-label' }, 'Compare'), ...this.comparisonBoxes.values()),
      this.budgetBar.element,
      this.emptyEl,
      this.chartBox,
      this.chartNotes,
      this.signals.driftElement,
      this.recommendation.element,
      this.backtest.element,
      this.comparison.element,
      this.vertexTable.element,
      this.signals.element,
      ...this.inputs.elements,
      // Last, and sticky at the bottom: the action stays in view however far the page scrolls.
      this.actionBar.element,
    );
    mount.replaceChildren(this.root);
    this.narrow = this.win.matchMedia?.(NARROW_PANEL);
    this.narrow?.addEventListener('change', this.placeAction);
    this.placeAction();
    // The canvas's size as layout last found it (reading it after the sections have changed the page would lay it out at once, a
    // second time in the frame: 20 to 30 ms at 100k queries). Unknown while the chart is hidden.
    this.sizeObserver = typeof ResizeObserver === 'function' ? new ResizeObserver(this.onResize) : undefined;
    this.sizeObserver?.observe(this.canvas);

    this.chart = new FrontierChart(this.canvas, {
      onVertexClick: (index) => this.ctl.selectVertex(index),
      onZoom: (zoom) => this.ctl.setZoom(zoom),
    });

    // Controls
    this.select.addEventListener('change', () => this.select.value && this.ctl.selectAnalysis(this.select.value));
    for (const r of [this.scaleLinear, this.scaleLog]) r.addEventListener('change', () => r.checked && this.ctl.setXScale(r.value === 'linear' ? 'linear' : 'log'));
    for (const r of [this.sampleIn, this.sampleOut]) r.addEventListener('change', () => r.checked && this.ctl.setSample(r.value === 'held-out' ? 'held-out' : 'in-sample'));
    this.pairsBox.addEventListener('change', () => this.ctl.setShowPairs(this.pairsBox.checked));
    for (const [id, box] of this.comparisonBoxes) box.addEventListener('change', () => this.ctl.setComparisonSeries(id, box.checked));
    resetZoom.addEventListener('click', () => this.ctl.setZoom(undefined));

    // Host
    this.win.addEventListener('message', this.onMessage);

    // Theme: the editor swaps body classes and the root's CSS variables on a theme change.
    this.observer = new MutationObserver(() => this.onThemeChange());
    this.observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

    this.renderAll();
    this.ctl.start();
  }

  dispose(): void {
    this.win.removeEventListener('message', this.onMessage);
    this.sizeObserver?.disconnect();
    this.narrow?.removeEventListener('change', this.placeAction);
    this.observer.disconnect();
    this.chart.destroy();
    this.ctl.dispose();
  }

  /**
   * Where the action bar sits. In a wide panel, last and sticky at the bottom. In a narrow one a
   * bar at the bottom would cover much of the chart: it comes right under the chart (before the
   * notes) and sticks to the top once scrolled past, so it never lies over the chart; the focus
   * order follows, the bar being moved in the document rather than only drawn elsewhere.
   */
  private readonly placeAction = (): void => {
    const narrow = this.narrow?.matches ?? false;
    this.root.classList.toggle('narrow', narrow);
    const bar = this.actionBar.element;
    if (narrow && this.chartBox.nextElementSibling !== bar) this.chartBox.after(bar);
    else if (!narrow && this.root.lastElementChild !== bar) this.root.append(bar);
  };

  // -------------------------------------------------------------------------------------------
  // Changes

  private onChange(change: Change): void {
    if (change === 'list') {
      this.renderSwitcher();
      return;
    }
    if (change === 'picks') {
      // The budget grid's picks came: the recommendation (and what marks it) at a budget other than the analysed one.
      this.renderChart();
      this.recommendation.render();
      this.vertexTable.markRows();
      // The action bar offers the recommended policy only while no vertex is selected (a selected vertex's bar does not change with the picks).
      if (this.ctl.selectedVertex === undefined) this.actionBar.render();
      return;
    }
    if (change === 'budget') {
      this.budgetBar.budgetMoved();
      this.renderChart();
      this.recommendation.render();
      this.vertexTable.markRows();
      this.actionBar.render();
      return;
    }
    // A new snapshot, not a redraw: the budget bar's last outcome may no longer hold.
    if (this.ctl.snapshot !== this.shownSnapshot) {
      this.shownSnapshot = this.ctl.snapshot;
      this.budgetBar.snapshotChanged();
    }
    this.renderAll();
  }

  private onThemeChange(): void {
    const next = this.readPalette();
    if (JSON.stringify(next) === JSON.stringify(this.palette)) return;
    this.palette = next;
    this.renderChart();
  }

  private readPalette(): ChartPalette {
    const style = getComputedStyle(document.documentElement);
    const bodyStyle = getComputedStyle(document.body);
    return readPalette((name) => bodyStyle.getPropertyValue(name) || style.getPropertyValue(name), themeKindOf(document.body.classList));
  }

  // -------------------------------------------------------------------------------------------
  // Rendering

  private renderAll(): void {
    this.renderSwitcher();
    this.renderStatus();
    this.renderControls();
    this.budgetBar.render();
    this.renderChart();
    this.actionBar.render();
    this.recommendation.render();
    this.backtest.render();
    this.comparison.render();
    this.vertexTable.render();
    this.signals.render();
    this.diagnosis.render();
    this.inputs.render();
  }

  private renderSwitcher(): void {
    const items =
      this.ctl.analyses.length > 0
        ? this.ctl.analyses
        : this.ctl.snapshot
          ? [{ key: this.ctl.snapshot.key, label: this.ctl.snapshot.label, status: this.ctl.snapshot.status, hasResult: !!this.ctl.snapshot.result }]
          : [];
    const wanted = items.map((a) => `${a.key}\u0000${a.label}\u0000${a.status}`).join('\u0001');
    if (this.select.dataset.items !== wanted) {
      this.select.dataset.items = wanted;
      replaceChildren(this.select, ...items.map((a) => custom('vscode-option', { value: a.key, description: a.status === 'idle' ? undefined : a.status }, a.label)));
    }
    const key = this.ctl.state.selectedKey ?? this.ctl.snapshot?.key;
    if (key !== undefined && this.select.value !== key) this.select.value = key;
    this.select.toggleAttribute('disabled', items.length < 2);
  }

  private renderStatus(): void {
    const s = this.ctl.snapshot;
    setData(this.root, {
      key: s?.key,
      status: s?.status ?? 'waiting',
      computedAt: s?.computedAt,
      xScale: this.ctl.state.xScale,
      showPairs: String(this.ctl.state.showPairs),
      figures: s?.result ? this.ctl.figuresOf(s.result) : undefined,
    });
    if (!s) {
      replaceChildren(this.statusEl, 'Waiting for the analysis…');
      this.statusEl.dataset.status = 'waiting';
      return;
    }
    this.statusEl.dataset.status = s.status;
    const when = s.computedAt !== undefined ? `computed ${formatTime(s.computedAt)}${s.durationMs !== undefined ? ` in ${Math.round(s.durationMs)} ms` : ''}` : 'not computed yet';
    if (s.status === 'computing') {
      replaceChildren(this.statusEl, busyMark(), `Computing…${s.result ? ` (showing the result ${when})` : ''}`);
    } else if (s.status === 'error') {
      replaceChildren(
        this.statusEl,
        el('span', { class: 'error', id: 'status-error' }, `Error: ${s.error ?? 'the analysis failed'}`),
        s.result ? ` — everything below is from an earlier analysis, ${when}.` : '',
      );
    } else {
      replaceChildren(this.statusEl, s.result ? `${s.result.n.toLocaleString('en-US')} queries, ${s.result.models.length} models, ${when}` : 'No result.');
    }
    const { errors, warnings } = s.issueCounts;
    const config = s.configProblems ?? { errors: 0, warnings: 0 };
    const count = (e: number, w: number) => [e > 0 ? `${e} error${e === 1 ? '' : 's'}` : '', w > 0 ? `${w} warning${w === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
    const parts = [config.errors + config.warnings > 0 ? `Config: ${count(config.errors, config.warnings)}` : '', errors + warnings > 0 ? `Eval files: ${count(errors, warnings)}` : ''].filter(
      Boolean,
    );
    // An analysis that failed is a problem even when no file or config line is to blame.
    if (s.status === 'error' && parts.length === 0) parts.push('The analysis failed');
    this.problemsEl.textContent = parts.length === 0 ? 'No problems' : `${parts.join(' · ')} (see the Problems panel)`;
    this.problemsEl.classList.toggle('error', errors + config.errors > 0 || s.status === 'error');
    setData(this.problemsEl, { errors, warnings, configErrors: config.errors, configWarnings: config.warnings });
  }

  private renderControls(): void {
    // Only when there is a zoom to reset (a double click on the chart resets it too).
    this.resetZoom.hidden = this.ctl.zoom === undefined;
    this.scaleLinear.checked = this.ctl.state.xScale === 'linear';
    this.scaleLog.checked = this.ctl.state.xScale === 'log';
    this.pairsBox.checked = this.ctl.state.showPairs;
    const result = this.ctl.snapshot?.result;
    const hasHoldout = !!result?.holdout && result.holdout.length > 0;
    this.sampleOut.disabled = !hasHoldout;
    this.sampleOut.title = hasHoldout ? '' : 'This analysis has no holdout split.';
    const figures = result ? this.ctl.figuresOf(result) : 'in-sample';
    this.sampleIn.checked = figures === 'in-sample';
    this.sampleOut.checked = figures === 'held-out';
    this.renderComparisonControls();
  }

  /** The comparison toggles: enabled for the families the comparison could compute. */
  private renderComparisonControls(): void {
    const s = this.ctl.snapshot;
    const comparison = s?.comparison;
    const shown = this.ctl.state.comparisonSeries ?? [];
    for (const [id, box] of this.comparisonBoxes) {
      const family = comparison ? familyOf(comparison, id) : undefined;
      box.checked = shown.includes(id);
      box.disabled = !family?.available;
      // The element leaves tabindex at -1 after being disabled once: an enabled box is a tab stop again.
      box.tabIndex = box.disabled ? -1 : 0;
      box.title = family
        ? family.available
          ? family.description
          : `Unavailable: ${family.reason ?? ''}`
        : s?.comparisonStatus === 'unavailable'
          ? `The comparison is unavailable: ${s.comparisonReason ?? ''}`
          : 'The comparison is being computed…';
    }
    setData(this.root, { comparisonStatus: s?.comparisonStatus ?? (comparison ? 'ready' : undefined), comparisonSeries: shown.join(',') });
  }

  /**
   * A plot larger than the grid a thinned envelope is thinned on (two pixels a column and a
   * row; the canvas is larger than its plot, so this errs on the safe side) draws from the
   * whole envelope.
   */
  private readonly onResize = (entries: readonly ResizeObserverEntry[]): void => {
    const box = entries[entries.length - 1]?.contentRect;
    this.canvasSize = box && box.width > 0 && box.height > 0 ? { width: Math.round(box.width), height: Math.round(box.height) } : undefined;
    this.wholeEnvelopeForSize();
  };

  /** The canvas's size in CSS pixels: as last observed, or measured now when not known (the chart was hidden until now). */
  private canvasBox(): { readonly width: number; readonly height: number } {
    if (this.canvasSize) return this.canvasSize;
    const measured = { width: this.canvas.clientWidth, height: this.canvas.clientHeight };
    if (measured.width > 0 && measured.height > 0) this.canvasSize = measured;
    return measured;
  }

  private wholeEnvelopeForSize(): void {
    const result = this.ctl.snapshot?.result;
    if (!result || !envelopeKept(result)) return;
    const { width, height } = this.canvasBox();
    if (width > 2 * ENVELOPE_COLUMNS || height > 2 * ENVELOPE_ROWS) void this.ctl.wholeEnvelope();
  }

  private renderChart(): void {
    const s = this.ctl.snapshot;
    const result = s?.result;
    this.emptyEl.hidden = !!result;
    this.chartBox.hidden = !result;
    if (!s || !result) {
      this.emptyEl.textContent = s?.status === 'error' ? `The analysis failed: ${s.error ?? 'unknown error'}` : s ? 'Computing the first analysis…' : 'Waiting for an analysis…';
      return;
    }
    this.wholeEnvelopeForSize();
    const view = {
      xScale: this.ctl.state.xScale,
      showPairs: this.ctl.state.showPairs,
      sample: this.ctl.state.sample,
      budget: this.ctl.budget,
      zoom: this.ctl.zoom,
      selectedVertex: this.ctl.selectedVertex,
      // Two pixels per column: finer detail is invisible under 1-pixel lines.
      columns: Math.max(150, Math.round((this.canvasBox().width || 1000) / 2)),
    };
    const shown = this.ctl.state.comparisonSeries;
    // The same result (results are replaced, never changed in place), view and palette: the chart already shows them.
    const from = [result, ...Object.values(view), s.comparison, shown, this.palette];
    if (this.chartDrawnFrom?.length === from.length && from.every((v, i) => v === this.chartDrawnFrom![i])) return;
    this.chartDrawnFrom = from;
    const model = buildChartModel(result, { ...view, ...(s.comparison && (shown?.length ?? 0) > 0 ? { comparison: { result: s.comparison, shown: shown ?? [] } } : {}) }, this.palette);
    const ms = this.chart.render(model, this.palette);
    replaceChildren(this.chartNotes, ...chartNotes(model));
    setData(this.chartBox, {
      themeKind: this.palette.kind,
      gridColor: this.palette.grid,
      foregroundColor: this.palette.foreground,
      envelopeColor: this.palette.envelope,
      backgroundColor: this.palette.background,
      labelColors: [...new Set(model.labels.map((l) => l.color))].join(';'),
      renderMs: ms.toFixed(2),
      renderCount: this.chart.renderCount,
      chartInstance: this.chart.instanceId,
      pairPoints: model.stats.pairPointsIn,
      pairPointsDrawn: model.stats.pairPointsDrawn,
    });
  }

  /** The chart's title in an exported image: the analysis, its size and the figures shown. */
  private chartTitle(): string {
    const s = this.ctl.snapshot;
    const r = s?.result;
    if (!s || !r) return 'Cascade Frontier';
    return `Cascade Frontier: ${s.label} — ${r.models.length} models, ${r.n.toLocaleString('en-US')} queries, ${this.ctl.figuresOf(r)} figures`;
  }
}

/** What the chart's marks mean where the legend alone cannot say it (the randomised hull, the figures shown). */
function chartNotes(model: ReturnType<typeof buildChartModel>): string[] {
  const notes: string[] = [];
  if (model.series.some((x) => x.kind === 'hull')) {
    notes.push(
      'Dashed purple: the upper concave hull of the envelope. Where it skips envelope points ("randomised mix"), only a random mix of its two end policies reaches it — e.g. sending each query to one of them at random in a fixed proportion — never one deterministic threshold.',
    );
  }
  if (model.figures === 'held-out') notes.push('Policies are chosen on calibration queries and drawn at their held-out figures; the thin dotted line is the in-sample envelope they were chosen on.');
  return notes.map((n, i) => (i > 0 ? ` ${n}` : n));
}
