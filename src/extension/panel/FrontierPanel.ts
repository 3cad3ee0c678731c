import * as vscode from 'vscode';
import type { AnalysisSource, AppliedEdit } from '../analysisSource.ts';
import {
  AnalysesNotification,
  ApplyPolicyRequest,
  BudgetChangedCommand,
  ChartPngRequest,
  EnvelopeRequest,
  FRONTIER_VIEW_TYPE,
  PairCurvesRequest,
  ReadyCommand,
  ResultShownCommand,
  SaveBudgetRequest,
  UseLearnedConfidenceRequest,
  SelectAnalysisCommand,
  SnapshotNotification,
  UndoApplyRequest,
  VertexSelectedCommand,
  type ActionResult,
  type FrontierSnapshot,
  type PairCurves,
  type ProblemCounts,
  type WholeEnvelope,
} from '../../protocol.ts';
import { ProtocolEndpoint } from '../../protocolEndpoint.ts';
import { createNonce, frontierHtml } from './html.ts';
import { budgetText } from '../../core/config/newConfig.ts';
import { readableBudget } from '../../core/readable.ts';
import { policyWritten } from '../../core/format/index.ts';
import { decodePngDataUrl, toFrontierSnapshot, toListItem, wholeEnvelope, type SentResult } from './panelData.ts';
import { StagedPosts } from './stagedPosts.ts';
import { leaveOutHeldRows } from '../../protocolRows.ts';
import type { PolicySpec } from '../../core/types.ts';

/** How long the host waits for the webview to load or to answer a request. */
const WEBVIEW_TIMEOUT_MS = 10_000;

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    // Only the bundle and the stylesheets; the page loads nothing else.
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
    // The webview keeps its view state with setState, so it need not stay alive while hidden.
    retainContextWhenHidden: false,
  };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The frontier panel: one per window, shown or revealed by `createOrShow`, revived after a
 * window reload by the serializer. It forwards the analysis store's snapshots to the webview
 * once the webview says it is ready, and carries out what the webview asks (switch analysis,
 * apply a policy, save a budget). Every subscription belongs to the panel and ends with it.
 */
export class FrontierPanel {
  static readonly viewType = FRONTIER_VIEW_TYPE;
  private static active: FrontierPanel | undefined;

  /** The open panel, if any. */
  static get current(): FrontierPanel | undefined {
    return FrontierPanel.active;
  }

  /** Reveals the panel (switching to `key` when given) or opens it. */
  static createOrShow(context: vscode.ExtensionContext, source: AnalysisSource, key?: string): FrontierPanel {
    const existing = FrontierPanel.active;
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn);
      if (key !== undefined) existing.select(key);
      return existing;
    }
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
    const panel = vscode.window.createWebviewPanel(FRONTIER_VIEW_TYPE, 'Cascade Frontier', column, webviewOptions(context));
    FrontierPanel.active = new FrontierPanel(panel, context, source, key);
    return FrontierPanel.active;
  }

  /** Takes over a panel the editor restored after a reload; its webview brings back its own view state. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, source: AnalysisSource): FrontierPanel {
    panel.webview.options = webviewOptions(context);
    const revived = new FrontierPanel(panel, context, source, undefined);
    // Should a panel already be open (opened by a command before the restore), it stays the current one.
    FrontierPanel.active ??= revived;
    return revived;
  }

  private readonly disposables: vscode.Disposable[] = [];
  private readonly endpoint: ProtocolEndpoint;
  private ready = false;
  private readyWaiters: (() => void)[] = [];
  private selectedKey: string | undefined;
  private readonly budgets = new Map<string, number>();
  /** The last policy written from the panel, per analysis, for its Undo. */
  private readonly applied = new Map<string, AppliedEdit>();
  private disposed = false;
  private pendingPost: ReturnType<typeof setTimeout> | undefined;
  /** Snapshots made and not yet packed and posted: each goes in a timer task after the one that made it (see stagedPosts.ts). */
  private readonly snapshots: StagedPosts<FrontierSnapshot>;
  /** The result the webview holds (the last one sent or about to be, with its analysis and the envelope vertices it got), so that it is not sent again. */
  private sent?: SentResult & { readonly key: string };
  /** The policy of the envelope vertex selected in the panel, per analysis (kept in the thinned envelopes sent). */
  private readonly selectedPolicies = new Map<string, PolicySpec>();

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly source: AnalysisSource,
    key: string | undefined,
  ) {
    this.selectedKey = key;
    this.endpoint = new ProtocolEndpoint(
      'host',
      (m) => void panel.webview.postMessage(m),
      (d) => console.warn(`Cascade Frontier panel: ignored ${d}`),
    );
    this.disposables.push(this.endpoint);
    this.snapshots = new StagedPosts((snapshot) => this.endpoint.sendNotification(SnapshotNotification, { snapshot }));

    this.endpoint.onCommand(ReadyCommand, (p) => this.onReady(p.selectedKey));
    this.endpoint.onCommand(SelectAnalysisCommand, (p) => this.select(p.key));
    this.endpoint.onCommand(BudgetChangedCommand, (p) => this.budgets.set(p.key, p.budget));
    this.endpoint.onCommand(ResultShownCommand, (p) => this.source.wantBudgetPicks(p.key));
    this.endpoint.onCommand(VertexSelectedCommand, (p) => this.onVertexSelected(p.key, p.index));
    this.endpoint.onRequest(ApplyPolicyRequest, (p) => this.applyPolicy(p.key, p.policy));
    this.endpoint.onRequest(SaveBudgetRequest, (p) => this.saveBudget(p.key, p.budget));
    this.endpoint.onRequest(UseLearnedConfidenceRequest, (p) => this.useLearnedConfidence(p.key));
    this.endpoint.onRequest(UndoApplyRequest, (p) => this.undoApply(p.key));
    this.endpoint.onRequest(PairCurvesRequest, (p) => this.pairCurves(p.key));
    this.endpoint.onRequest(EnvelopeRequest, (p) => this.wholeEnvelope(p.key));

    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => this.endpoint.receive(m), null, this.disposables);
    // A hidden webview is unloaded; it says "ready" again when shown.
    panel.onDidChangeViewState(
      (e) => {
        if (e.webviewPanel.visible) return;
        this.ready = false;
        this.sent = undefined;
        this.snapshots.reset();
      },
      null,
      this.disposables,
    );
    source.onDidChange((changed) => this.onSourceChange(changed), null, this.disposables);
    // The config's problems are counted beside the eval files' (a config error is not "No problems").
    vscode.languages.onDidChangeDiagnostics(
      (e) => {
        const config = this.selectedKey !== undefined ? this.source.configUri(this.selectedKey) : undefined;
        if (this.ready && config && e.uris.some((u) => u.toString() === config.toString())) this.postSnapshot();
      },
      null,
      this.disposables,
    );

    panel.iconPath = {
      light: vscode.Uri.joinPath(context.extensionUri, 'media', 'frontier-light.svg'),
      dark: vscode.Uri.joinPath(context.extensionUri, 'media', 'frontier-dark.svg'),
    };
    panel.webview.html = this.html();
    this.updateTitle();
  }

  /** The analysis shown. */
  get key(): string | undefined {
    return this.selectedKey;
  }

  /** The budget last set with the panel's control for an analysis (not yet saved), dollars per query. */
  budgetFor(key: string): number | undefined {
    return this.budgets.get(key);
  }

  /** Shows analysis `key` (ignored when the store has no such analysis). */
  select(key: string): void {
    if (!this.source.get(key)) return;
    this.selectedKey = key;
    this.updateTitle();
    this.postAll();
  }

  /**
   * The chart as PNG bytes, asked of the webview (revealed first when hidden, as a hidden
   * webview is unloaded). Undefined when no chart is drawn or the webview does not answer.
   */
  async requestPng(): Promise<Uint8Array | undefined> {
    if (this.disposed) return undefined;
    if (!this.panel.visible) this.panel.reveal(this.panel.viewColumn, true);
    if (!(await this.whenReady())) return undefined;
    try {
      const image = await this.endpoint.request(ChartPngRequest, {}, WEBVIEW_TIMEOUT_MS);
      return image.dataUrl ? decodePngDataUrl(image.dataUrl) : undefined;
    } catch (e) {
      console.warn(`Cascade Frontier panel: no chart image: ${errorMessage(e)}`);
      return undefined;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.pendingPost) clearTimeout(this.pendingPost);
    this.snapshots.dispose();
    if (FrontierPanel.active === this) FrontierPanel.active = undefined;
    this.ready = false;
    for (const resolve of this.readyWaiters) resolve();
    this.readyWaiters = [];
    this.panel.dispose();
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
  }

  private whenReady(): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.ready), WEBVIEW_TIMEOUT_MS);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(this.ready);
      });
    });
  }

  private onReady(restoredKey: string | undefined): void {
    this.ready = true;
    // A webview (re)loaded holds no result, and no snapshot made for the one before goes to it.
    this.sent = undefined;
    this.snapshots.reset();
    if (this.selectedKey === undefined || !this.source.get(this.selectedKey)) {
      this.selectedKey = restoredKey !== undefined && this.source.get(restoredKey) ? restoredKey : this.source.list()[0]?.key;
    }
    this.updateTitle();
    this.postAll();
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private onSourceChange(changed: string): void {
    if (this.selectedKey === undefined || !this.source.get(this.selectedKey)) {
      this.selectedKey = this.source.list()[0]?.key;
      this.updateTitle();
      this.postAll();
      return;
    }
    if (!this.ready) return;
    this.postList();
    if (changed === this.selectedKey) this.postSnapshotSoon();
  }

  /**
   * Makes the selected analysis's snapshot in a task of its own (changes in one task post once),
   * and packs and posts it in a later one (`snapshots`): making and packing a large result then add
   * neither to each other nor to what the change's other listeners (lenses, diagnostics) hold the
   * main thread for.
   */
  private postSnapshotSoon(): void {
    if (this.pendingPost) return;
    this.pendingPost = setTimeout(() => {
      this.pendingPost = undefined;
      if (this.ready && !this.disposed) this.postSnapshot();
    });
  }

  private postAll(): void {
    if (!this.ready) return;
    this.postList();
    this.postSnapshot();
  }

  private postList(): void {
    this.endpoint.sendNotification(AnalysesNotification, {
      analyses: this.source.list().map(toListItem),
      ...(this.selectedKey !== undefined ? { selectedKey: this.selectedKey } : {}),
    });
  }

  private postSnapshot(): void {
    const snapshot = this.selectedKey !== undefined ? this.source.get(this.selectedKey) : undefined;
    if (!snapshot) return;
    const key = snapshot.key;
    const sent = this.sent?.key === key ? this.sent : undefined;
    const selected = this.selectedPolicies.get(key);
    const budget = this.budgets.get(key);
    const message = toFrontierSnapshot(snapshot, this.configProblems(key), sent, {
      ...(selected ? { selected } : {}),
      budgets: [budget, snapshot.budget].filter((b): b is number => b !== undefined),
    });
    // A new result's envelope rows that are those of the last one sent go as kept (`protocolRows.ts`).
    const { snapshot: lean, rows } = leaveOutHeldRows(message, sent?.rows);
    this.snapshots.add(lean);
    if (!snapshot.result) this.sent = undefined;
    else if (!message.resultKept) this.sent = { key, result: snapshot.result, ...(message.envelopeKept ? { kept: message.envelopeKept.indices } : {}), ...(rows ? { rows } : {}) };
    else {
      const added = message.envelopeAdded?.indices ?? [];
      const kept = sent?.kept ? [...sent.kept, ...added].sort((a, b) => a - b) : undefined;
      this.sent = { key, result: snapshot.result, ...(kept ? { kept } : {}), ...(sent?.rows ? { rows: sent.rows } : {}) };
    }
  }

  /** The pair curves of the result the webview holds for `key`. @throws Error when it holds none for it. */
  private pairCurves(key: string): PairCurves {
    const sent = this.sent;
    if (!sent || sent.key !== key) throw new Error('the panel holds no result of that analysis.');
    return { pairs: sent.result.pairs };
  }

  /** The whole envelope of the result the webview holds for `key` (it holds all of it from now on). @throws Error when it holds none for it. */
  private wholeEnvelope(key: string): WholeEnvelope {
    const sent = this.sent;
    if (!sent || sent.key !== key) throw new Error('the panel holds no result of that analysis.');
    this.sent = { key, result: sent.result };
    return wholeEnvelope(sent.result);
  }

  /** Remembers the policy of the vertex the panel selected, so that the next thinned envelope keeps it. */
  private onVertexSelected(key: string, index: number | undefined): void {
    const policy = index !== undefined && this.sent?.key === key ? this.sent.result.envelope[index]?.policy : undefined;
    if (policy) this.selectedPolicies.set(key, policy);
    else this.selectedPolicies.delete(key);
  }

  /** Errors and warnings the Problems panel lists on an analysis's config. */
  private configProblems(key: string): ProblemCounts | undefined {
    const uri = this.source.configUri(key);
    if (!uri) return undefined;
    let errors = 0;
    let warnings = 0;
    for (const d of vscode.languages.getDiagnostics(uri)) {
      if (d.severity === vscode.DiagnosticSeverity.Error) errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) warnings++;
    }
    return { errors, warnings };
  }

  private async undoApply(key: string): Promise<ActionResult> {
    const edit = this.applied.get(key);
    if (!edit) return { ok: false, message: 'Nothing to undo.' };
    try {
      await this.source.undoApply(edit);
      this.applied.delete(key);
      return { ok: true, message: `Took it back: ${vscode.workspace.asRelativePath(edit.uri)} is as it was.` };
    } catch (e) {
      return { ok: false, message: `Could not undo: ${errorMessage(e)}` };
    }
  }

  private async applyPolicy(key: string, policy: Parameters<AnalysisSource['applyPolicy']>[1]): Promise<ActionResult> {
    const snapshot = this.source.get(key);
    if (!snapshot) return { ok: false, message: 'That analysis is no longer open.' };
    try {
      const applied = await this.source.applyPolicy(key, policy);
      if (!applied.created) this.applied.set(key, applied);
      return { ok: true, message: `Wrote ${policyWritten(policy)} to ${applied.created ? `a new ${vscode.workspace.asRelativePath(applied.uri)}` : snapshot.label}.`, undoable: !applied.created };
    } catch (e) {
      return { ok: false, message: `Could not write the cascade: ${errorMessage(e)}` };
    }
  }

  private async saveBudget(key: string, budget: number): Promise<ActionResult> {
    const snapshot = this.source.get(key);
    if (!snapshot) return { ok: false, message: 'That analysis is no longer open.' };
    // Three significant digits that allow the same policies as the slider's value.
    const r = snapshot.result;
    const written = r ? readableBudget(budget, [...r.envelope.map((v) => v.cost), ...r.models.map((m) => m.cost)]) : readableBudget(budget, []);
    try {
      await this.source.setBudget(key, written);
      this.budgets.delete(key);
      return { ok: true, message: `Saved budget ${budgetText(written)} to ${snapshot.label}.`, budget: written };
    } catch (e) {
      return { ok: false, message: `Could not save the budget: ${errorMessage(e)}` };
    }
  }

  private async useLearnedConfidence(key: string): Promise<ActionResult> {
    const snapshot = this.source.get(key);
    if (!snapshot) return { ok: false, message: 'That analysis is no longer open.' };
    try {
      await this.source.useLearnedConfidence(key);
      return { ok: true, message: `Asked for a learned confidence for ${snapshot.label}: recomputing…` };
    } catch (e) {
      return { ok: false, message: `Could not ask for a learned confidence: ${errorMessage(e)}` };
    }
  }

  private updateTitle(): void {
    const label = this.selectedKey !== undefined ? this.source.get(this.selectedKey)?.label : undefined;
    this.panel.title = label ? `Cascade Frontier: ${label}` : 'Cascade Frontier';
  }

  private html(): string {
    const webview = this.panel.webview;
    const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, ...path)).toString();
    return frontierHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: uri('dist', 'webview.js'),
      styleUri: uri('media', 'frontier.css'),
      title: 'Cascade Frontier',
    });
  }
}

/** Registers the serializer that brings the panel back after a window reload. */
export function registerFrontierPanelSerializer(context: vscode.ExtensionContext, source: AnalysisSource): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(FRONTIER_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
      FrontierPanel.revive(panel, context, source);
    },
  });
}
