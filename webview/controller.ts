/**
 * The panel's logic without the DOM: the view state and its persistence, the conversation
 * with the host, and what follows from each message or user action. The component renders
 * what the controller holds and forwards user actions to it; tests drive it with a fake
 * `HostApi` and fake timers.
 */
import type { AnalysisResult, PolicySpec } from '../src/core/types.ts';
import { samePolicy } from '../src/core/policy.ts';
import {
  AnalysesNotification,
  ApplyPolicyRequest,
  BudgetChangedCommand,
  ChartPngRequest,
  PairCurvesRequest,
  ReadyCommand,
  ResultShownCommand,
  SaveBudgetRequest,
  UseLearnedConfidenceRequest,
  UndoApplyRequest,
  SelectAnalysisCommand,
  SnapshotNotification,
  type ActionResult,
  type AnalysisListItem,
  type FrontierSnapshot,
} from '../src/protocol.ts';
import { ProtocolEndpoint } from '../src/protocolEndpoint.ts';
import type { HostApi } from './hostApi.ts';
import { budgetOrigin, initialBudget, recommendForBudget, type BudgetOrigin, type BudgetRecommendation } from './recommendation.ts';
import { restoreViewState, selectedVertexFor, withComparisonSeries, type SampleKind, type ViewState, type XScaleKind, type Zoom } from './viewState.ts';
import type { ComparisonSeriesId } from './comparisonSeries.ts';

/** Budget moves are reported to the host once the control rests this long. */
export const BUDGET_DEBOUNCE_MS = 300;

/** How long the panel waits for the host to write a config. */
const ACTION_TIMEOUT_MS = 30_000;

/** What changed, so the component redraws only what depends on it. */
export type Change = 'all' | 'list' | 'budget' | 'picks';

export interface ControllerOptions {
  /** Called after every change of what the panel shows. */
  readonly onChange: (change: Change) => void;
  /** The chart as a PNG data URL (null when none is drawn), for the host's export. */
  readonly chartPng: () => string | null;
  readonly setTimeout?: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
  readonly log?: (message: string) => void;
}

export class PanelController {
  private viewState: ViewState;
  private list: readonly AnalysisListItem[] = [];
  private current: FrontierSnapshot | undefined;
  private readonly endpoint: ProtocolEndpoint;
  private budgetTimer: unknown;
  /** The result whose pair curves were asked of the host, until they come. */
  private pairsAsked: AnalysisResult | undefined;
  private recommendationMemo: { result: AnalysisResult; budget: number; recommendation: BudgetRecommendation } | undefined;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly log: (message: string) => void;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly api: HostApi,
    private readonly options: ControllerOptions,
  ) {
    this.viewState = restoreViewState(api.getState());
    this.setTimer = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    const log = options.log ?? ((m: string) => console.warn(m));
    this.log = log;
    this.endpoint = new ProtocolEndpoint(
      'webview',
      (m) => api.postMessage(m),
      (d) => log(`Cascade Frontier panel: ignored ${d}`),
    );
    this.endpoint.onNotification(AnalysesNotification, (p) => this.onAnalyses(p.analyses, p.selectedKey));
    this.endpoint.onNotification(SnapshotNotification, (p) => this.onSnapshot(p.snapshot));
    this.endpoint.onRequest(ChartPngRequest, () => ({ dataUrl: this.current?.result ? options.chartPng() : null }));
  }

  /** Tells the host the panel listens (with the analysis it showed before a reload). */
  start(): void {
    const key = this.viewState.selectedKey;
    this.endpoint.sendCommand(ReadyCommand, key !== undefined ? { selectedKey: key } : {});
  }

  /** A message from the host (the `data` of a window message event). */
  receive(message: unknown): void {
    this.endpoint.receive(message);
  }

  dispose(): void {
    this.clearTimer(this.budgetTimer);
    this.endpoint.dispose();
  }

  get state(): ViewState {
    return this.viewState;
  }

  get analyses(): readonly AnalysisListItem[] {
    return this.list;
  }

  get snapshot(): FrontierSnapshot | undefined {
    return this.current;
  }

  /** The budget in force for the shown analysis: the control's, else the configured one, else a default. */
  get budget(): number | undefined {
    const s = this.current;
    return s?.result ? initialBudget(s.result, this.viewState.budgets[s.key], s.budget) : undefined;
  }

  /** Where the budget in force comes from: the panel's control, the config, the configured cascade's cost, or the dearest policy. */
  get budgetOrigin(): BudgetOrigin | undefined {
    const s = this.current;
    return s?.result ? budgetOrigin(s.result, this.viewState.budgets[s.key], s.budget) : undefined;
  }

  /** The recommendation at the budget in force (see `recommendForBudget`), computed once per result and budget. */
  get recommendation(): BudgetRecommendation | undefined {
    const result = this.current?.result;
    const budget = this.budget;
    if (!result || budget === undefined) return undefined;
    const memo = this.recommendationMemo;
    if (memo && memo.result === result && memo.budget === budget) return memo.recommendation;
    const recommendation = recommendForBudget(result, budget);
    this.recommendationMemo = { result, budget, recommendation };
    return recommendation;
  }

  /** Which figures are shown (held-out only when the analysis has a holdout split). */
  figuresOf(result: AnalysisResult): SampleKind {
    return this.viewState.sample === 'held-out' && result.holdout && result.holdout.length > 0 ? 'held-out' : 'in-sample';
  }

  get zoom(): Zoom | undefined {
    const z = this.viewState.zoom;
    return z && z.key === this.current?.key ? z : undefined;
  }

  get selectedVertex(): number | undefined {
    return selectedVertexFor(this.viewState, this.current?.key);
  }

  // -------------------------------------------------------------------------------------------
  // User actions

  selectAnalysis(key: string): void {
    if (key === this.viewState.selectedKey) return;
    this.update({ selectedKey: key });
    this.endpoint.sendCommand(SelectAnalysisCommand, { key });
  }

  setXScale(xScale: XScaleKind): void {
    this.update({ xScale });
  }

  setShowPairs(showPairs: boolean): void {
    this.update({ showPairs });
    this.askPairs();
  }

  /** Overlays a comparison family on the chart, or removes it. */
  setComparisonSeries(id: ComparisonSeriesId, on: boolean): void {
    this.viewState = withComparisonSeries(this.viewState, id, on);
    this.api.setState(this.viewState);
    this.options.onChange('all');
  }

  setSample(sample: SampleKind): void {
    this.update({ sample });
  }

  setZoom(zoom: Zoom | undefined): void {
    this.update({ zoom: zoom && this.current ? { ...zoom, key: this.current.key } : undefined });
  }

  selectVertex(index: number | undefined): void {
    const key = this.current?.key;
    this.update({ selectedVertex: index !== undefined && key !== undefined ? { key, index } : undefined });
  }

  /** Moves the budget (dollars per query): redrawn at once, reported to the host once the control rests. */
  setBudget(budget: number): void {
    const s = this.current;
    if (!s || !(budget >= 0) || !Number.isFinite(budget)) return;
    this.viewState = { ...this.viewState, budgets: { ...this.viewState.budgets, [s.key]: budget } };
    this.api.setState(this.viewState);
    this.options.onChange('budget');
    this.clearTimer(this.budgetTimer);
    this.budgetTimer = this.setTimer(() => this.endpoint.sendCommand(BudgetChangedCommand, { key: s.key, budget }), BUDGET_DEBOUNCE_MS);
  }

  /** Asks the host to write the selected vertex's policy into the config. */
  async applySelected(): Promise<ActionResult> {
    const s = this.current;
    const index = this.selectedVertex;
    const v = index !== undefined ? s?.result?.envelope[index] : undefined;
    if (!s || !v) return { ok: false, message: 'Select a vertex first.' };
    return this.applyPolicy(v.policy);
  }

  /** Asks the host to write a policy into the config; refused while the shown result is from an earlier analysis. */
  async applyPolicy(policy: PolicySpec): Promise<ActionResult> {
    const s = this.current;
    if (!s) return { ok: false, message: 'No analysis is shown.' };
    if (s.status === 'error') return { ok: false, message: 'The last analysis failed: nothing is applied from an earlier one.' };
    return this.ask(() => this.endpoint.request(ApplyPolicyRequest, { key: s.key, policy }, ACTION_TIMEOUT_MS));
  }

  /** Asks the host to take back the policy the panel last wrote into the config. */
  async undoApply(): Promise<ActionResult> {
    const s = this.current;
    if (!s) return { ok: false, message: 'No analysis is shown.' };
    return this.ask(() => this.endpoint.request(UndoApplyRequest, { key: s.key }, ACTION_TIMEOUT_MS));
  }

  /** Asks the host to write the budget in force into the config. */
  /** Asks the host for a learned confidence for the shown analysis (it recomputes on the change). */
  async useLearnedConfidence(): Promise<ActionResult> {
    const s = this.current;
    if (!s) return { ok: false, message: 'No analysis is shown.' };
    return this.ask(() => this.endpoint.request(UseLearnedConfidenceRequest, { key: s.key }, ACTION_TIMEOUT_MS));
  }

  async saveBudget(): Promise<ActionResult> {
    const s = this.current;
    const budget = this.budget;
    if (!s || budget === undefined) return { ok: false, message: 'No analysis is shown.' };
    return this.ask(() => this.endpoint.request(SaveBudgetRequest, { key: s.key, budget }, ACTION_TIMEOUT_MS));
  }

  // -------------------------------------------------------------------------------------------
  // Host messages

  private onAnalyses(analyses: readonly AnalysisListItem[], selectedKey: string | undefined): void {
    this.list = analyses;
    if (selectedKey !== undefined && selectedKey !== this.viewState.selectedKey) this.update({ selectedKey }, 'list');
    else this.options.onChange('list');
  }

  private onSnapshot(received: FrontierSnapshot): void {
    const previous = this.current;
    const same = previous?.key === received.key;
    // The host leaves out a result this panel already holds.
    const snapshot = received.resultKept ? keepResult(received, same ? previous.result : undefined) : withEnvelopeHoldout(received);
    this.current = snapshot;
    let next: ViewState = { ...this.viewState, selectedKey: snapshot.key };
    // A recompute renumbers the envelope: follow the clicked policy to its new place, or let it go.
    const selected = selectedVertexFor(next, snapshot.key);
    const oldResult = same ? previous.result : undefined;
    if (selected !== undefined && oldResult && snapshot.result && oldResult !== snapshot.result) {
      const policy = oldResult.envelope[selected]?.policy;
      const index = policy ? snapshot.result.envelope.findIndex((v) => samePolicy(v.policy, policy)) : -1;
      next = { ...next, selectedVertex: index >= 0 ? { key: snapshot.key, index } : undefined };
    }
    // The config's budget changed (saved from here or edited by hand): it replaces the control's own value.
    if (same && previous.budget !== snapshot.budget && next.budgets[snapshot.key] !== undefined) {
      const { [snapshot.key]: _replaced, ...rest } = next.budgets;
      next = { ...next, budgets: rest };
    }
    this.viewState = next;
    this.api.setState(next);
    // The budget grid's picks alone change only the recommendation at a budget moved from the analysed one.
    this.options.onChange(same && received.budgetPicks !== undefined && sameApartFromResult(previous, snapshot) ? 'picks' : 'all');
    this.askPairs();
    // Drawn (the page paints once this task ends): the host may now compute the budget grid.
    if (snapshot.result && snapshot.budgetPicksPending) {
      const key = snapshot.key;
      this.setTimer(() => this.endpoint.sendCommand(ResultShownCommand, { key }), 0);
    }
  }

  /**
   * Asks the host for the points of the pair curves, once they are to be drawn and the result
   * shown came without them; they go into that result when it is still the one shown.
   */
  private askPairs(): void {
    const s = this.current;
    const result = s?.result;
    if (!s || !result || !this.viewState.showPairs || !pairPointsLeftOut(result) || this.pairsAsked === result) return;
    this.pairsAsked = result;
    this.endpoint.request(PairCurvesRequest, { key: s.key }, ACTION_TIMEOUT_MS).then(
      (answer) => {
        if (this.pairsAsked === result) this.pairsAsked = undefined;
        const now = this.current;
        if (now?.result !== result || answer.pairs.length !== result.pairs.length) return;
        this.current = { ...now, result: { ...result, pairs: answer.pairs } };
        this.options.onChange('all');
      },
      (e: unknown) => {
        if (this.pairsAsked === result) this.pairsAsked = undefined;
        this.log(`Cascade Frontier panel: no pair curves: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  private update(patch: Partial<ViewState>, change: Change = 'all'): void {
    this.viewState = { ...this.viewState, ...patch };
    this.api.setState(this.viewState);
    this.options.onChange(change);
  }

  private async ask(request: () => Promise<ActionResult>): Promise<ActionResult> {
    try {
      return await request();
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  }
}

/** True when two snapshots differ at most in their result and whether the budget grid is pending. O(snapshot without the result). */
function sameApartFromResult(a: FrontierSnapshot, b: FrontierSnapshot): boolean {
  const rest = (s: FrontierSnapshot) => JSON.stringify({ ...s, result: undefined, budgetPicksPending: undefined });
  return rest(a) === rest(b);
}

/** True when the host sent `result`'s pair curves without their points (every curve has at least one). */
export function pairPointsLeftOut(result: AnalysisResult): boolean {
  return result.pairs.some((p) => p.points.length === 0);
}

/** `snapshot` with `result.holdout` put back from `envelopeHoldout` (the held-out figures of each envelope vertex). O(v). */
export function withEnvelopeHoldout(snapshot: FrontierSnapshot): FrontierSnapshot {
  const { envelopeHoldout, ...rest } = snapshot;
  const result = snapshot.result;
  if (!envelopeHoldout || !result) return snapshot;
  const holdout = result.envelope.map((v, i) => ({ policy: v.policy, calibration: { cost: v.cost, quality: v.quality }, holdout: envelopeHoldout[i] }));
  return { ...rest, result: { ...result, holdout } };
}

/** `snapshot` (sent with `resultKept`) with the result the panel holds for it, and the budget grid's picks when they came with it. */
function keepResult(snapshot: FrontierSnapshot, held: FrontierSnapshot['result']): FrontierSnapshot {
  const { resultKept: _kept, budgetPicks, ...rest } = snapshot;
  return held ? { ...rest, result: budgetPicks ? { ...held, budgetPicks } : held } : rest;
}
