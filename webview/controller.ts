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
  EnvelopeRequest,
  PairCurvesRequest,
  ReadyCommand,
  ResultShownCommand,
  SaveBudgetRequest,
  UseLearnedConfidenceRequest,
  UndoApplyRequest,
  SelectAnalysisCommand,
  SnapshotNotification,
  VertexSelectedCommand,
  type ActionResult,
  type AnalysisListItem,
  type FrontierSnapshot,
} from '../src/protocol.ts';
import { ProtocolEndpoint } from '../src/protocolEndpoint.ts';
import { putBackHeldRows, type EnvelopeRows } from '../src/protocolRows.ts';
import type { HostApi } from './hostApi.ts';
import { budgetOrigin, initialBudget, recommendForBudget, type BudgetOrigin, type BudgetRecommendation } from './recommendation.ts';
import { restoreViewState, selectedVertexFor, withComparisonSeries, type SampleKind, type ViewState, type XScaleKind, type Zoom } from './viewState.ts';
import type { ComparisonSeriesId } from './comparisonSeries.ts';
import { envelopeKept, holdoutOf, positionOf, vertexAt, vertexWithin, wholeIndex, withEnvelopeAdded, withEnvelopeKept, withWholeEnvelope } from './envelopeIndex.ts';

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
  /** The envelope rows of the last snapshot with a result received, as received: a later one sends only the rows that differ (`protocolRows.ts`). */
  private heldRows: { readonly key: string; readonly rows: EnvelopeRows } | undefined;
  private readonly endpoint: ProtocolEndpoint;
  private budgetTimer: unknown;
  /** The result whose pair curves were asked of the host, until they come. */
  private pairsAsked: AnalysisResult | undefined;
  /** The whole envelope asked of the host for the result received `resultSerial`, until it comes. */
  private wholeAsked: Promise<void> | undefined;
  /** Counts the results received (not those kept), so that an answer for an earlier one is dropped. */
  private resultSerial = 0;
  /** The user asked to see every row of the vertex table. */
  private allRows = false;
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
    // An export draws the whole envelope.
    this.endpoint.onRequest(ChartPngRequest, async () => {
      await this.wholeEnvelope();
      return { dataUrl: this.current?.result ? options.chartPng() : null };
    });
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

  /** The selected vertex's index in the whole envelope. */
  get selectedVertex(): number | undefined {
    return selectedVertexFor(this.viewState, this.current?.key);
  }

  /** True once the user asked to see every vertex in the table (it then holds the whole envelope, or waits for it). */
  get showAllRows(): boolean {
    return this.allRows;
  }

  /** Shows every vertex in the table: asks the host for the whole envelope when the panel holds it thinned. */
  showAllVertices(): void {
    this.allRows = true;
    this.options.onChange('all');
    void this.wholeEnvelope();
  }

  /**
   * Asks the host for the whole envelope of the result shown when the panel holds it thinned
   * (for every row, a zoom, a chart larger than the thinning's grid, an export, a budget whose
   * vertex is not held); resolves once it is in, or at once when there is nothing to ask.
   */
  wholeEnvelope(): Promise<void> {
    const s = this.current;
    if (!s?.result || !envelopeKept(s.result)) return Promise.resolve();
    if (this.wholeAsked) return this.wholeAsked;
    const serial = this.resultSerial;
    const asked = this.endpoint.request(EnvelopeRequest, { key: s.key }, ACTION_TIMEOUT_MS).then(
      (answer) => {
        const now = this.current;
        if (this.wholeAsked === asked) this.wholeAsked = undefined;
        if (serial !== this.resultSerial || !now?.result || !envelopeKept(now.result) || answer.vertices.length !== envelopeKept(now.result)?.total) return;
        this.current = { ...now, result: withWholeEnvelope(now.result, answer.vertices, answer.holdout) };
        this.options.onChange('all');
      },
      (e: unknown) => {
        if (this.wholeAsked === asked) this.wholeAsked = undefined;
        this.log(`Cascade Frontier panel: no whole envelope: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    this.wholeAsked = asked;
    return asked;
  }

  /** Asks for the whole envelope when the result shown lacks a vertex the view needs: the budget's, the recommendation's, a pick's, the selection's (restored after a reload). */
  private askWholeIfLacking(): void {
    const s = this.current;
    const result = s?.result;
    const kept = result ? envelopeKept(result) : undefined;
    if (!result || !kept) return;
    const budget = this.budget;
    const picks = [result.recommendation?.envelopeIndex, ...(result.budgetPicks ?? []).map((p) => p.envelopeIndex), this.selectedVertex];
    const lacking = (budget !== undefined && vertexWithin(result, budget) === undefined) || picks.some((i) => i !== undefined && positionOf(result, i) < 0) || (this.allRows && kept.total > 0);
    if (lacking) void this.wholeEnvelope();
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

  /** Zooms the chart (undefined: the whole view); a zoom draws from the whole envelope. */
  setZoom(zoom: Zoom | undefined): void {
    this.update({ zoom: zoom && this.current ? { ...zoom, key: this.current.key } : undefined });
    if (zoom) void this.wholeEnvelope();
  }

  /** Selects vertex `index` of the whole envelope (or none), and tells the host, which keeps it in the envelopes it sends. */
  selectVertex(index: number | undefined): void {
    const key = this.current?.key;
    this.update({ selectedVertex: index !== undefined && key !== undefined ? { key, index } : undefined });
    if (key !== undefined) this.endpoint.sendCommand(VertexSelectedCommand, index !== undefined ? { key, index } : { key });
  }

  /** Moves the budget (dollars per query): redrawn at once, reported to the host once the control rests. */
  setBudget(budget: number): void {
    const s = this.current;
    if (!s || !(budget >= 0) || !Number.isFinite(budget)) return;
    this.viewState = { ...this.viewState, budgets: { ...this.viewState.budgets, [s.key]: budget } };
    this.api.setState(this.viewState);
    this.options.onChange('budget');
    this.askWholeIfLacking();
    this.clearTimer(this.budgetTimer);
    this.budgetTimer = this.setTimer(() => this.endpoint.sendCommand(BudgetChangedCommand, { key: s.key, budget }), BUDGET_DEBOUNCE_MS);
  }

  /** Asks the host to write the selected vertex's policy into the config. */
  async applySelected(): Promise<ActionResult> {
    const s = this.current;
    const index = this.selectedVertex;
    const v = s?.result ? vertexAt(s.result, index) : undefined;
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

  private onSnapshot(sent: FrontierSnapshot): void {
    // The envelope rows the host left out are those this panel received last for the analysis.
    const restored = putBackHeldRows(sent, this.heldRows?.key === sent.key ? this.heldRows.rows : undefined);
    if (!restored) {
      // Rows this panel does not hold (it cannot happen while both ends follow the channel): ask for everything again, whole.
      this.heldRows = undefined;
      this.start();
      return;
    }
    if (restored.rows) this.heldRows = { key: sent.key, rows: restored.rows };
    const received = restored.snapshot;
    const previous = this.current;
    const same = previous?.key === received.key;
    // The host leaves out a result this panel already holds.
    const snapshot = received.resultKept ? keepResult(received, same ? previous.result : undefined) : fromHost(received);
    if (!received.resultKept) {
      this.resultSerial++;
      this.wholeAsked = undefined;
    }
    if (!same) this.allRows = false;
    this.current = snapshot;
    let next: ViewState = { ...this.viewState, selectedKey: snapshot.key };
    // A recompute renumbers the envelope: follow the clicked policy to its new place, or let it go.
    const selected = selectedVertexFor(next, snapshot.key);
    const oldResult = same ? previous.result : undefined;
    if (selected !== undefined && oldResult && snapshot.result && oldResult !== snapshot.result) {
      const policy = vertexAt(oldResult, selected)?.policy;
      const position = policy ? snapshot.result.envelope.findIndex((v) => samePolicy(v.policy, policy)) : -1;
      next = { ...next, selectedVertex: position >= 0 ? { key: snapshot.key, index: wholeIndex(snapshot.result, position) } : undefined };
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
    if (this.zoom || this.allRows) void this.wholeEnvelope();
    else this.askWholeIfLacking();
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
  return { ...rest, result: { ...result, holdout: holdoutOf(result.envelope, envelopeHoldout) } };
}

/** A snapshot with a new result as the panel keeps it: its held-out figures put back, and its thinning marked on it (`envelopeKept`). O(v). */
export function fromHost(snapshot: FrontierSnapshot): FrontierSnapshot {
  const { envelopeKept: kept, ...rest } = withEnvelopeHoldout(snapshot);
  return kept && rest.result ? { ...rest, result: withEnvelopeKept(rest.result, kept) } : rest;
}

/** `snapshot` (sent with `resultKept`) with the result the panel holds for it, and the budget grid's picks (and their vertices) when they came with it. */
function keepResult(snapshot: FrontierSnapshot, held: FrontierSnapshot['result']): FrontierSnapshot {
  const { resultKept: _kept, budgetPicks, envelopeAdded, ...rest } = snapshot;
  if (!held) return rest;
  const withPicks = budgetPicks ? { ...held, budgetPicks } : held;
  return { ...rest, result: envelopeAdded ? withEnvelopeAdded(withPicks, envelopeAdded) : withPicks };
}
