/**
 * The frontier panel's component: builds the page once, forwards user actions to the
 * controller (which holds the state and talks to the host) and redraws the parts a change
 * touches. Numbers come from the view-model functions; this file only wires them to the DOM.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton, VscodeCheckbox, VscodeRadio, VscodeSingleSelect, VscodeTextfield } from '@vscode-elements/elements';
import type { AnalysisResult, Measured } from '../src/core/types.ts';
import type { HostApi } from './hostApi.ts';
import { custom, el, replaceChildren, setData } from './dom.ts';
import { buildChartModel } from './chartModel.ts';
import { comparisonCaption, comparisonRows, COMPARISON_SERIES, familyOf, verdictLines, type ComparisonSeriesId } from './comparison.ts';
import type { ComparisonResult } from '../src/core/compare/types.ts';
import { FrontierChart } from './chartRenderer.ts';
import { PanelController, type Change } from './controller.ts';
import { readPalette, themeKindOf, type ChartPalette } from './theme.ts';
import { budgetRange, budgetToSlider, holdoutFiguresOf, recommendForBudget, sliderToBudget, SLIDER_STEPS, type BudgetRecommendation } from './recommendation.ts';
import {
  formatCost,
  formatCostPer1k,
  formatCostPerQuery,
  formatDollars,
  formatIssue,
  formatLambda,
  formatModels,
  formatMu,
  formatPercent,
  formatPoints,
  formatPolicy,
  formatTime,
  lambdaPoints,
  thresholdDisplay,
} from '../src/core/format/index.ts';

/** Rows of the vertex table drawn before the user asks for all (layout of thousands of rows is slow). */
const MAX_TABLE_ROWS = 300;

/** Exact numbers for data attributes: full precision, `Infinity` for an always-escalate threshold. */
function exact(v: number | null | undefined): string | undefined {
  if (v === undefined) return undefined;
  return v === null ? 'Infinity' : String(v);
}

function interval(m: Measured | undefined, which: 'cost' | 'quality'): string {
  const iv = which === 'cost' ? m?.costInterval : m?.qualityInterval;
  if (!iv) return '';
  return which === 'cost' ? ` [${formatCostPerQuery(iv[0])} – ${formatCostPerQuery(iv[1])}]` : ` [${formatPercent(iv[0])} – ${formatPercent(iv[1])}]`;
}

/** A table cell with the cost per query and, muted, per thousand queries. */
function costCell(cost: number, figures: 'in-sample' | 'held-out'): HTMLTableCellElement {
  return el('td', { class: `num ${figures}` }, formatDollars(cost), el('span', { class: 'per-1k' }, ` · ${formatDollars(cost * 1000)}/1k`));
}

export class FrontierApp {
  private readonly ctl: PanelController;
  private palette: ChartPalette;
  private readonly chart: FrontierChart;
  private readonly observer: MutationObserver;
  private tableResult: AnalysisResult | undefined;
  private tableFigures = '';
  private showAllVertices = false;
  private lastApply: { key: string; index: number; ok: boolean; message: string } | undefined;
  /** The budget control the user is moving (left as it is while redrawing). */
  private budgetSource: 'slider' | 'field' | undefined;
  private readonly onMessage = (e: MessageEvent) => this.ctl.receive(e.data);

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
  private readonly slider: HTMLInputElement;
  private readonly budgetField: VscodeTextfield;
  private readonly budgetNote: HTMLElement;
  private readonly budgetMessage: HTMLElement;
  private readonly chartBox: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly emptyEl: HTMLElement;
  private readonly recommendationEl: HTMLElement;
  private readonly actionEl: HTMLElement;
  private readonly tableEl: HTMLTableElement;
  private readonly filesEl: HTMLElement;
  private readonly warningsEl: HTMLElement;
  private readonly comparisonBoxes: ReadonlyMap<ComparisonSeriesId, VscodeCheckbox>;
  private readonly comparisonEl: HTMLElement;
  private comparisonShown: ComparisonResult | undefined;
  private comparisonNote = '';

  constructor(
    mount: HTMLElement,
    api: HostApi,
    private readonly win: Window = window,
  ) {
    this.ctl = new PanelController(api, { onChange: (c) => this.onChange(c), chartPng: () => this.chart.toPng() });
    this.palette = this.readPalette();

    this.select = custom<VscodeSingleSelect>('vscode-single-select', { id: 'analysis-select', 'aria-label': 'Analysis' });
    this.statusEl = el('span', { id: 'status', role: 'status' });
    this.problemsEl = el('span', { id: 'problem-count' });
    this.scaleLinear = custom<VscodeRadio>('vscode-radio', { name: 'x-scale', value: 'linear', id: 'x-scale-linear' }, 'Linear');
    this.scaleLog = custom<VscodeRadio>('vscode-radio', { name: 'x-scale', value: 'log', id: 'x-scale-log' }, 'Log');
    this.pairsBox = custom<VscodeCheckbox>('vscode-checkbox', { id: 'toggle-pairs' }, 'Pair curves');
    this.sampleIn = custom<VscodeRadio>('vscode-radio', { name: 'sample', value: 'in-sample', id: 'sample-in' }, 'In-sample');
    this.sampleOut = custom<VscodeRadio>('vscode-radio', { name: 'sample', value: 'held-out', id: 'sample-held-out' }, 'Held out');
    this.slider = el('input', { id: 'budget-slider', type: 'range', min: 0, max: SLIDER_STEPS, step: 1, 'aria-label': 'Budget per query' });
    this.budgetField = custom<VscodeTextfield>('vscode-textfield', { id: 'budget-input', 'aria-label': 'Budget in dollars per query', placeholder: '$/query' });
    this.budgetNote = el('span', { id: 'budget-per-1k', class: 'muted' });
    this.budgetMessage = el('span', { id: 'budget-message', class: 'message', role: 'status' });
    this.canvas = el('canvas', { id: 'frontier-chart', role: 'img', 'aria-label': 'Cost-quality frontier' });
    this.emptyEl = el('div', { id: 'empty', class: 'empty' }, 'Waiting for an analysis…');
    this.chartBox = el('div', { id: 'chart-container' }, this.canvas);
    this.recommendationEl = el('section', { id: 'recommendation', 'aria-live': 'polite' });
    this.actionEl = el('section', { id: 'vertex-action', hidden: true });
    this.tableEl = el('table', { id: 'vertex-table' });
    this.filesEl = el('div', { id: 'files' });
    this.comparisonBoxes = new Map(COMPARISON_SERIES.map((c) => [c.id, custom<VscodeCheckbox>('vscode-checkbox', { id: `toggle-${c.id}`, 'data-family': c.id }, c.label)]));
    this.comparisonEl = el('section', { id: 'comparison', class: 'comparison' });
    this.warningsEl = el('div', { id: 'warnings' });

    const saveBudget = custom<VscodeButton>('vscode-button', { id: 'save-budget', secondary: true }, 'Save budget to config');
    const resetZoom = custom<VscodeButton>('vscode-button', { id: 'reset-zoom', secondary: true }, 'Reset zoom');

    this.root = el(
      'div',
      { id: 'frontier-root' },
      el('header', { class: 'bar' }, el('label', { class: 'field' }, 'Analysis ', this.select), this.statusEl, this.problemsEl),
      el(
        'section',
        { class: 'bar controls', 'aria-label': 'Chart controls' },
        el('span', { class: 'field' }, 'Cost axis', custom('vscode-radio-group', { id: 'x-scale' }, this.scaleLinear, this.scaleLog)),
        this.pairsBox,
        el('span', { class: 'field' }, 'Figures', custom('vscode-radio-group', { id: 'sample' }, this.sampleIn, this.sampleOut)),
        resetZoom,
      ),
      el('section', { class: 'bar controls', id: 'comparison-controls', 'aria-label': 'Comparison series' }, el('span', { class: 'field' }, 'Compare'), ...this.comparisonBoxes.values()),
      el('section', { class: 'bar budget', 'aria-label': 'Budget' }, el('label', { class: 'field', for: 'budget-slider' }, 'Budget'), this.slider, this.budgetField, this.budgetNote, saveBudget, this.budgetMessage),
      this.emptyEl,
      this.chartBox,
      this.actionEl,
      this.recommendationEl,
      this.comparisonEl,
      el('section', { class: 'vertices' }, el('h2', {}, 'Envelope vertices'), el('div', { class: 'table-scroll' }, this.tableEl)),
      custom('vscode-collapsible', { heading: 'Input files', id: 'files-section' }, this.filesEl),
      custom('vscode-collapsible', { heading: 'Warnings', id: 'warnings-section' }, this.warningsEl),
    );
    mount.replaceChildren(this.root);

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
    this.slider.addEventListener('input', () => {
      const result = this.ctl.snapshot?.result;
      if (!result) return;
      this.budgetSource = 'slider';
      this.ctl.setBudget(sliderToBudget(Number(this.slider.value), budgetRange(result)));
    });
    this.budgetField.addEventListener('change', () => {
      const v = Number(this.budgetField.value.replace(/[$,\s]|\/query/g, ''));
      if (!(Number.isFinite(v) && v > 0)) {
        this.message(this.budgetMessage, { ok: false, message: 'Enter a budget in dollars per query, e.g. 0.0002.' });
        return;
      }
      this.budgetSource = 'field';
      this.ctl.setBudget(v);
    });
    saveBudget.addEventListener('click', () => {
      this.message(this.budgetMessage, { ok: true, message: 'Saving…' });
      void this.ctl.saveBudget().then((r) => this.message(this.budgetMessage, r));
    });
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
    this.observer.disconnect();
    this.chart.destroy();
    this.ctl.dispose();
  }

  // -------------------------------------------------------------------------------------------
  // Changes

  private onChange(change: Change): void {
    if (change === 'list') {
      this.renderSwitcher();
      return;
    }
    if (change === 'budget') {
      this.message(this.budgetMessage, { ok: true, message: '' });
      this.renderBudget();
      this.budgetSource = undefined;
      this.renderChart();
      this.renderRecommendation();
      this.markTableRows();
      return;
    }
    this.renderAll();
  }

  private message(target: HTMLElement, r: { ok: boolean; message: string }): void {
    target.textContent = r.message;
    target.classList.toggle('error', !r.ok);
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
    this.renderBudget();
    this.renderChart();
    this.renderAction();
    this.renderRecommendation();
    this.renderComparison();
    this.renderTable();
    this.renderFiles();
  }

  private renderSwitcher(): void {
    const items = this.ctl.analyses.length > 0 ? this.ctl.analyses : this.ctl.snapshot ? [{ key: this.ctl.snapshot.key, label: this.ctl.snapshot.label, status: this.ctl.snapshot.status, hasResult: !!this.ctl.snapshot.result }] : [];
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
      replaceChildren(this.statusEl, custom('vscode-progress-ring', { class: 'ring' }), `Computing…${s.result ? ` (showing the result ${when})` : ''}`);
    } else if (s.status === 'error') {
      replaceChildren(this.statusEl, el('span', { class: 'error', id: 'status-error' }, `Error: ${s.error ?? 'the analysis failed'}`), s.result ? ` — showing the last good result, ${when}.` : '');
    } else {
      replaceChildren(this.statusEl, s.result ? `${s.result.n.toLocaleString('en-US')} queries, ${s.result.models.length} models, ${when}` : 'No result.');
    }
    const { errors, warnings } = s.issueCounts;
    this.problemsEl.textContent = errors + warnings === 0 ? 'No problems' : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    setData(this.problemsEl, { errors, warnings });
  }

  private renderControls(): void {
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

  private renderBudget(): void {
    const from = this.budgetSource;
    const result = this.ctl.snapshot?.result;
    const budget = this.ctl.budget;
    this.slider.disabled = !result;
    if (!result || budget === undefined) {
      this.budgetNote.textContent = '';
      return;
    }
    if (from !== 'slider') this.slider.value = String(budgetToSlider(budget, budgetRange(result)));
    if (from !== 'field') this.budgetField.value = String(Number(budget.toPrecision(4)));
    this.budgetNote.textContent = `$/query = ${formatCostPer1k(budget)}`;
    setData(this.slider, { budget: exact(budget) });
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
    const model = buildChartModel(
      result,
      {
        xScale: this.ctl.state.xScale,
        showPairs: this.ctl.state.showPairs,
        sample: this.ctl.state.sample,
        budget: this.ctl.budget,
        zoom: this.ctl.zoom,
        selectedVertex: this.ctl.selectedVertex,
        // Two pixels per column: finer detail is invisible under 1-pixel lines.
        columns: Math.max(150, Math.round((this.canvas.clientWidth || 1000) / 2)),
        ...(s.comparison && (this.ctl.state.comparisonSeries?.length ?? 0) > 0 ? { comparison: { result: s.comparison, shown: this.ctl.state.comparisonSeries ?? [] } } : {}),
      },
      this.palette,
    );
    const ms = this.chart.render(model, this.palette);
    setData(this.chartBox, {
      themeKind: this.palette.kind,
      gridColor: this.palette.grid,
      foregroundColor: this.palette.foreground,
      envelopeColor: this.palette.envelope,
      backgroundColor: this.palette.background,
      renderMs: ms.toFixed(2),
      renderCount: this.chart.renderCount,
      chartInstance: this.chart.instanceId,
      pairPoints: model.stats.pairPointsIn,
      pairPointsDrawn: model.stats.pairPointsDrawn,
    });
  }

  private renderAction(): void {
    const s = this.ctl.snapshot;
    const index = this.ctl.selectedVertex;
    const v = index !== undefined ? s?.result?.envelope[index] : undefined;
    this.actionEl.hidden = !v;
    if (!s || !v || index === undefined) return;
    const apply = custom<VscodeButton>('vscode-button', { id: 'apply-policy' }, 'Apply to config');
    const clear = custom<VscodeButton>('vscode-button', { id: 'clear-selection', secondary: true }, 'Clear');
    const outcome = el('span', { id: 'action-message', class: 'message', role: 'status' });
    // The outcome of the last apply stays while the same vertex stays selected.
    const last = this.lastApply;
    if (last && last.key === s.key && last.index === index) this.message(outcome, last);
    apply.addEventListener('click', () => {
      this.message(outcome, { ok: true, message: 'Writing to the config…' });
      void this.ctl.applySelected().then((r) => {
        this.lastApply = { ...r, key: s.key, index };
        this.message(outcome, r);
      });
    });
    clear.addEventListener('click', () => this.ctl.selectVertex(undefined));
    replaceChildren(
      this.actionEl,
      el('span', { class: 'selected-policy' }, `Vertex ${index + 1}: ${formatPolicy(v.policy)}`, el('span', { class: 'muted' }, ` — ${formatCostPerQuery(v.cost)}, ${formatPercent(v.quality, 2)} in-sample`)),
      apply,
      clear,
      outcome,
    );
    setData(this.actionEl, { index, models: v.policy.models.join(','), threshold: v.policy.kind === 'single' ? '' : exact(v.policy.thresholds[0]) });
  }

  private renderRecommendation(): void {
    const result = this.ctl.snapshot?.result;
    const budget = this.ctl.budget;
    const box = this.recommendationEl;
    if (!result || budget === undefined) {
      replaceChildren(box);
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const rec = recommendForBudget(result, budget);
    const v = rec.vertex;
    setData(box, {
      budget: exact(budget),
      feasible: String(rec.feasible),
      index: rec.index,
      models: v?.policy.models.join(','),
      threshold: v ? (v.policy.kind === 'single' ? '' : exact(v.policy.thresholds[0])) : undefined,
      escalationRate: exact(v?.escalationRate),
      cost: exact(v?.cost),
      quality: exact(v?.quality),
      holdoutCost: exact(rec.holdout?.cost),
      holdoutQuality: exact(rec.holdout?.quality),
      gain: exact(rec.gainHoldout ?? rec.gainInSample),
    });
    const heading = el('h2', {}, `Recommendation for ${formatCost(budget)}`);
    if (!rec.feasible || !v) {
      replaceChildren(box, heading, el('p', { class: 'error' }, `No policy fits: ${rec.reason ?? ''}`));
      return;
    }
    replaceChildren(box, heading, el('p', { class: 'policy' }, formatPolicy(v.policy)), this.recommendationFacts(rec));
  }

  private recommendationFacts(rec: BudgetRecommendation): HTMLElement {
    const v = rec.vertex!;
    const rows: [string, string][] = [];
    const inS = rec.inSampleIntervals;
    if (v.policy.kind !== 'single') {
      rows.push(['Threshold', thresholdDisplay(v.policy.thresholds[0])]);
      rows.push(['Escalation rate', `${formatPercent(v.escalationRate)} in-sample${rec.holdout ? `, ${formatPercent(rec.holdout.escalationRate)} held out` : ''}`]);
    }
    rows.push(['Cost, in-sample', formatCost(v.cost) + interval(inS, 'cost')]);
    rows.push(['Quality, in-sample', formatPercent(v.quality, 2) + interval(inS, 'quality')]);
    if (rec.holdout) {
      rows.push([`Cost, held out (${rec.holdout.n} queries)`, formatCost(rec.holdout.cost) + interval(rec.holdout, 'cost')]);
      rows.push(['Quality, held out', formatPercent(rec.holdout.quality, 2) + interval(rec.holdout, 'quality')]);
    }
    const sp = rec.shadowPrice;
    if (sp) {
      rows.push(['Shadow price at the budget', sp.lambdaLeft === sp.lambdaRight ? `${formatLambda(sp.lambdaRight)} (${formatMu(sp.muRight)})` : `left ${formatLambda(sp.lambdaLeft)}, right ${formatLambda(sp.lambdaRight)}`]);
    }
    if (rec.localShadowPrice) {
      const l = rec.localShadowPrice;
      rows.push(['Local shadow price of the pair', `${formatLambda(l.lambda)} over ${l.windowQueries} queries with confidence ${thresholdDisplay(l.confidenceFrom)} to ${thresholdDisplay(l.confidenceTo)}`]);
    }
    if (rec.bestSingle) {
      const b = rec.bestSingle;
      rows.push(['Best single model within budget', `${b.model}: ${formatPercent(b.quality, 2)} in-sample${b.holdout ? `, ${formatPercent(b.holdout.quality, 2)} held out` : ''} at ${formatCostPerQuery(b.cost)}`]);
      const gain = rec.gainHoldout ?? rec.gainInSample;
      if (gain !== undefined) rows.push(['Gain over it', `${formatPoints(gain, 2)} (${rec.gainHoldout !== undefined ? 'held out' : 'in-sample'})`]);
      rows.push(['Is escalation worth it?', v.policy.kind === 'single' ? 'No cascade beats the single model at this budget.' : rec.escalationWorthIt ? `Yes: ${formatModels(v.policy)} beats ${b.model}.` : `No: it does not beat ${b.model}.`]);
    } else {
      rows.push(['Best single model within budget', 'none fits']);
    }
    return el('dl', { class: 'facts' }, ...rows.flatMap(([k, val]) => [el('dt', {}, k), el('dd', {}, val)]));
  }

  /** The comparison table and verdicts; rebuilt only when the comparison or its status changes. */
  private renderComparison(): void {
    const s = this.ctl.snapshot;
    const comparison = s?.comparison;
    const note = s?.comparisonStatus === 'unavailable' ? `unavailable:${s.comparisonReason ?? ''}` : s?.comparisonStatus === 'computing' ? 'computing' : '';
    if (comparison === this.comparisonShown && note === this.comparisonNote) return;
    this.comparisonShown = comparison;
    this.comparisonNote = note;
    const heading = el('h2', {}, 'Held-out comparison: chains, router and bound');
    const status =
      s?.comparisonStatus === 'computing'
        ? el('p', { id: 'comparison-status', class: 'muted', 'data-status': 'computing' }, custom('vscode-progress-ring', { class: 'ring' }), comparison ? 'Recomputing the comparison (showing the previous one)…' : 'Computing the comparison…')
        : s?.comparisonStatus === 'unavailable'
          ? el('p', { id: 'comparison-status', class: 'error', 'data-status': 'unavailable' }, `The comparison is unavailable: ${s.comparisonReason ?? 'unknown reason'}`)
          : undefined;
    if (!s || !comparison) {
      this.comparisonEl.hidden = !status;
      replaceChildren(this.comparisonEl, heading, status);
      return;
    }
    this.comparisonEl.hidden = false;
    const head = el('thead', {}, el('tr', {}, ...['Family', 'Area', 'vs envelope', 'AIQ', 'APGR', 'In-sample area'].map((h) => el('th', { scope: 'col' }, h))));
    const body = el(
      'tbody',
      {},
      ...comparisonRows(comparison).map((r) =>
        el(
          'tr',
          {
            'data-family': r.family,
            'data-available': String(r.available),
            'data-area': exact(r.area.value),
            'data-area-low': exact(r.area.interval?.[0]),
            'data-area-high': exact(r.area.interval?.[1]),
            'data-vs-envelope': exact(r.areaVsEnvelope?.value),
          },
          el('th', { scope: 'row' }, r.label),
          ...(r.available
            ? [
                el('td', { class: 'num' }, r.cells.area),
                el('td', { class: 'num' }, r.cells.vsEnvelope),
                el('td', { class: 'num' }, r.cells.aiq),
                el('td', { class: 'num' }, r.cells.apgr),
                el('td', { class: 'num' }, r.cells.inSampleArea),
              ]
            : [el('td', { colspan: 5, class: 'unavailable' }, `Unavailable: ${r.reason ?? ''}`)]),
        ),
      ),
    );
    const table = el('table', { id: 'comparison-table' }, el('caption', {}, comparisonCaption(comparison)), head, body);
    const verdicts = el(
      'ul',
      { id: 'comparison-verdicts' },
      ...verdictLines(comparison).map((v) => el('li', { 'data-verdict': v.id, 'data-answer': v.answer }, el('strong', {}, v.question), ' ', v.detail)),
    );
    replaceChildren(this.comparisonEl, heading, status, el('div', { class: 'table-scroll' }, table), verdicts);
  }

  /** The vertex table is rebuilt only when the result or the figures change; budget moves just re-mark rows. */
  private renderTable(): void {
    const result = this.ctl.snapshot?.result;
    const figures = result ? this.ctl.figuresOf(result) : '';
    if (result === this.tableResult && figures === this.tableFigures) {
      this.markTableRows();
      return;
    }
    this.tableResult = result;
    this.tableFigures = figures;
    if (!result) {
      replaceChildren(this.tableEl);
      return;
    }
    const hasHoldout = !!result.holdout && result.holdout.length > 0;
    this.tableEl.classList.toggle('figures-held-out', figures === 'held-out');
    const head = el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['#', 'Policy', 'Threshold', 'Escalation', '$/query · $/1k queries', 'Quality (in-sample)', ...(hasHoldout ? ['$/query · $/1k (held out)', 'Quality (held out)'] : []), 'λ (pts per $/1k)', 'On hull'].map((h) =>
          el('th', { scope: 'col', title: h.startsWith('λ') ? 'Shadow price to the right of the vertex: quality points bought by one more dollar per 1k queries' : undefined }, h),
        ),
      ),
    );
    const body = el('tbody', {});
    const total = result.envelope.length;
    const shown = this.showAllVertices ? total : Math.min(total, MAX_TABLE_ROWS);
    result.envelope.slice(0, shown).forEach((v, i) => {
      const h = hasHoldout ? holdoutFiguresOf(result, v.policy) : undefined;
      const row = el(
        'tr',
        {
          tabindex: 0,
          'data-index': i,
          'data-models': v.policy.models.join(','),
          'data-threshold': v.policy.kind === 'single' ? '' : exact(v.policy.thresholds[0]),
          'data-cost': exact(v.cost),
          'data-quality': exact(v.quality),
          'data-escalation-rate': exact(v.escalationRate),
          'data-holdout-cost': exact(h?.cost),
          'data-holdout-quality': exact(h?.quality),
        },
        el('td', { class: 'num' }, i + 1),
        el('td', {}, formatModels(v.policy)),
        el('td', { class: 'num' }, v.policy.kind === 'single' ? '—' : thresholdDisplay(v.policy.thresholds[0])),
        el('td', { class: 'num' }, formatPercent(v.escalationRate)),
        costCell(v.cost, 'in-sample'),
        el('td', { class: 'num in-sample' }, formatPercent(v.quality, 2)),
        ...(hasHoldout ? [h ? costCell(h.cost, 'held-out') : el('td', { class: 'num held-out' }, '—'), el('td', { class: 'num held-out' }, h ? formatPercent(h.quality, 2) : '—')] : []),
        el('td', { class: 'num', title: formatMu(v.shadowPrice.muRight) }, lambdaPoints(v.shadowPrice.lambdaRight)),
        el('td', {}, v.onHull ? 'yes' : 'no'),
      );
      body.append(row);
    });
    // One listener for all rows (a large envelope has thousands).
    const rowIndex = (e: Event) => {
      const row = (e.target as Element | null)?.closest?.('tr[data-index]');
      return row instanceof HTMLElement ? Number(row.dataset.index) : undefined;
    };
    body.addEventListener('click', (e) => {
      const i = rowIndex(e);
      if (i !== undefined) this.ctl.selectVertex(i);
    });
    body.addEventListener('keydown', (e) => {
      const i = rowIndex(e);
      if (i !== undefined && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        this.ctl.selectVertex(i);
      }
    });
    const more =
      shown < total
        ? custom<VscodeButton>('vscode-button', { id: 'show-all-vertices', secondary: true }, `Show all ${total.toLocaleString('en-US')} vertices`)
        : undefined;
    more?.addEventListener('click', () => {
      this.showAllVertices = true;
      this.tableResult = undefined;
      this.renderTable();
    });
    const caption = el(
      'caption',
      {},
      shown < total ? `The ${shown} cheapest of ${total.toLocaleString('en-US')} vertices` : `${total} vertices`,
      ', cost ascending (calibration figures). Click a row to apply it to the config. ',
      more,
    );
    replaceChildren(this.tableEl, caption, head, body);
    setData(this.tableEl, { vertexCount: total, rowsShown: shown });
    this.markTableRows();
  }

  private markTableRows(): void {
    const s = this.ctl.snapshot;
    const result = s?.result;
    if (!result) return;
    const budget = this.ctl.budget;
    const rec = budget !== undefined ? recommendForBudget(result, budget).index : undefined;
    const sel = this.ctl.selectedVertex;
    for (const row of this.tableEl.tBodies[0]?.rows ?? []) {
      const i = Number(row.dataset.index);
      row.classList.toggle('recommended', i === rec);
      row.classList.toggle('selected', i === sel);
      row.setAttribute('aria-selected', String(i === sel));
    }
  }

  private renderFiles(): void {
    const s = this.ctl.snapshot;
    if (!s) {
      replaceChildren(this.filesEl);
      replaceChildren(this.warningsEl);
      return;
    }
    const head = el('thead', {}, el('tr', {}, ...['File', 'Format', 'Models', 'Records', 'Rejected', 'Derived', 'Missing'].map((h) => el('th', { scope: 'col' }, h))));
    const body = el(
      'tbody',
      {},
      ...s.files.map((f) =>
        el(
          'tr',
          { 'data-file': f.file },
          el('td', {}, f.file),
          el('td', {}, f.format),
          el('td', {}, f.models.join(', ')),
          el('td', { class: 'num' }, f.records),
          el('td', { class: 'num' }, f.rejected),
          el('td', {}, f.derived.join('; ')),
          el('td', {}, f.missing.join('; ')),
        ),
      ),
    );
    replaceChildren(this.filesEl, s.files.length > 0 ? el('table', { id: 'file-table' }, head, body) : el('p', { class: 'muted' }, 'No input files.'));
    const warnings = s.result?.warnings ?? [];
    const issues = s.issues;
    replaceChildren(
      this.warningsEl,
      issues.length + warnings.length === 0
        ? el('p', { class: 'muted' }, 'No warnings.')
        : el(
            'ul',
            { id: 'warning-list' },
            ...issues.map((i) => el('li', { class: i.severity }, formatIssue(i))),
            ...(issues.length === 0 ? warnings.map((w) => el('li', { class: 'warning' }, w)) : []),
          ),
    );
  }
}
