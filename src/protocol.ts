/**
 * The message protocol between the extension host and the frontier webview.
 *
 * One file (with the channel's ends in `protocolEndpoint.ts`), imported by both sides and by
 * nothing that touches the editor API, so the two ends can never disagree about a message's
 * shape. Every message carries the protocol name and version; each message type declares its
 * direction, its method name and a validator of its payload, and the type guards below check
 * all three before a handler sees the payload.
 *
 * Kinds (after the usual IPC vocabulary):
 * - command: fire-and-forget, webview -> host;
 * - notification: fire-and-forget, host -> webview;
 * - request / response: either direction, correlated by `id`; a response is either
 *   `{ ok: true, result }` or `{ ok: false, error }`.
 */
import type { AnalysisResult, BudgetPick, EnvelopeVertex, FileSummary, InputIssue, Measured, PairCurveSummary, PolicySpec, PriceMatch } from './core/types.ts';
import type { ComparisonResult } from './core/compare/types.ts';
import type { BacktestSummary } from './core/backtest.ts';

export const PROTOCOL_NAME = 'cascadeFrontier';
/**
 * Bumped whenever a message's shape changes incompatibly (2: snapshots carry the held-out
 * comparison; 3: applies can be undone, snapshots count the config's problems; 4: a snapshot
 * whose result the panel already holds says so instead of carrying it again; 5: the budget
 * grid's picks follow the result, `budgetPicksPending` until then; 6: and are computed once
 * the panel says it has drawn the result, `ResultShownCommand`; the held-out figures of
 * the envelope travel without the policies and figures they repeat (`envelopeHoldout`), and
 * the pair curves' points only when asked for, `PairCurvesRequest`; 7: a large envelope travels
 * thinned to what the panel shows, `envelopeKept`, with the picks' vertices added,
 * `envelopeAdded`, the whole of it on `EnvelopeRequest`, and the host told of the selected
 * vertex, `VertexSelectedCommand`).
 */
export const PROTOCOL_VERSION = 7;

/** The view type of the frontier panel (also the serializer's key). */
export const FRONTIER_VIEW_TYPE = 'cascadeFrontier.frontier';

export type Direction = 'toHost' | 'toWebview';

/** Checks a value received from the other side; `true` narrows it to the payload type. */
export type Validator<T> = (value: unknown) => value is T;

export interface CommandType<P> {
  readonly kind: 'command';
  readonly method: string;
  readonly validate: Validator<P>;
}

export interface NotificationType<P> {
  readonly kind: 'notification';
  readonly method: string;
  readonly validate: Validator<P>;
}

export interface RequestType<P, R> {
  readonly kind: 'request';
  readonly method: string;
  readonly direction: Direction;
  readonly validate: Validator<P>;
  readonly validateResult: Validator<R>;
}

interface Envelope {
  readonly protocol: typeof PROTOCOL_NAME;
  readonly version: typeof PROTOCOL_VERSION;
  readonly method: string;
}

export interface CommandMessage<P> extends Envelope {
  readonly kind: 'command';
  readonly params: P;
}

export interface NotificationMessage<P> extends Envelope {
  readonly kind: 'notification';
  readonly params: P;
}

export interface RequestMessage<P> extends Envelope {
  readonly kind: 'request';
  readonly id: number;
  readonly params: P;
}

export type ResponseMessage<R> = Envelope & { readonly kind: 'response'; readonly id: number } & ({ readonly ok: true; readonly result: R } | { readonly ok: false; readonly error: string });

export type AnyMessage = CommandMessage<unknown> | NotificationMessage<unknown> | RequestMessage<unknown> | ResponseMessage<unknown>;

// ---------------------------------------------------------------------------------------------
// Payloads

/** One analysis as listed in the panel's switcher. */
export interface AnalysisListItem {
  readonly key: string;
  readonly label: string;
  readonly status: 'idle' | 'computing' | 'error';
  readonly hasResult: boolean;
}

/**
 * One analysis as the analysis store keeps it: the last good result, the files read, the problems
 * found and the state of the recompute. One exists per cascade config file (key: the config's URI
 * string), or one keyed `default` over the files matched by the settings' globs.
 */
export interface AnalysisSnapshot {
  /** Key of the analysis: the config file's URI string, or `default`. */
  readonly key: string;
  /** Short name for pickers and the panel header (e.g. the config's workspace-relative path). */
  readonly label: string;
  /** The last good result; kept on screen while a recompute runs or after one fails. */
  readonly result?: AnalysisResult;
  /** Per input file: format, models, records, derived and missing fields. */
  readonly files: readonly FileSummary[];
  /** With a price table: per model priced from tokens, the entry that priced it (or why none did). */
  readonly prices?: readonly PriceMatch[];
  /** Problems of the last recompute (also shown as diagnostics). */
  readonly issues: readonly InputIssue[];
  /** When `result` was computed (ms since epoch) and how long it took. */
  readonly computedAt?: number;
  readonly durationMs?: number;
  /** `computing` while a recompute runs; `error` when the last one failed (then `error` says why). */
  readonly status: 'idle' | 'computing' | 'error';
  readonly error?: string;
  /** Budget (dollars per query), target and cascade as configured (the panel's budget control starts here). */
  readonly budget?: number;
  readonly target?: number;
  readonly cascade?: PolicySpec;
  /** The held-out comparison of chains, router and bound, computed after `result`; kept while a newer one computes. */
  readonly comparison?: ComparisonResult;
  /** `computing` while the comparison runs, `ready` once it matches `result`, `unavailable` when it failed (`comparisonReason`). */
  readonly comparisonStatus?: 'computing' | 'ready' | 'unavailable';
  readonly comparisonReason?: string;
  /** Set when the configured cascade was left out of the analysis, saying why (e.g. it names a model the eval files lack). */
  readonly cascadeSkipped?: string;
  /** The backtest of the recommendation rule on these files (after the comparison); kept while a newer one computes. */
  readonly backtest?: BacktestSummary;
  /** `computing` while it runs, `ready` once it matches `result`, `unavailable` when it failed or was skipped (`backtestReason`). */
  readonly backtestStatus?: 'computing' | 'ready' | 'unavailable';
  readonly backtestReason?: string;
  /** Set while the recommendation rule's picks at the budget control's grid (`result.budgetPicks`) are computed, after `result`. */
  readonly budgetPicksPending?: true;
}

/** How many errors and warnings a set of problems holds. */
export interface ProblemCounts {
  readonly errors: number;
  readonly warnings: number;
}

/**
 * One analysis as the panel shows it: the store's snapshot, with its issues capped by the host
 * (`issueCounts` keeps the totals) so a file with a million bad lines cannot flood the channel.
 */
export interface FrontierSnapshot extends AnalysisSnapshot {
  readonly issueCounts: ProblemCounts;
  /** Problems on the analysis's cascade config (syntax, schema, findings), as the Problems panel lists them. */
  readonly configProblems?: ProblemCounts;
  /**
   * Set, with `result` left out, when the result is the one of the last snapshot of this
   * analysis the host sent (a recompute starting, the comparison or backtest settling): the
   * panel keeps the result it holds rather than receiving megabytes of it again.
   */
  readonly resultKept?: true;
  /**
   * With `resultKept`: the budget grid's picks, computed after the result the panel holds, to
   * be put into it (`result.budgetPicks`).
   */
  readonly budgetPicks?: readonly BudgetPick[];
  /**
   * With `result`, sent without its `holdout`: the held-out figures of each envelope vertex, in
   * envelope order. `result.holdout[i]` is `{ policy, calibration: { cost, quality } }` of
   * `result.envelope[i]` with these figures (`withEnvelopeHoldout` in the panel puts it back).
   */
  readonly envelopeHoldout?: readonly Measured[];
  /** With `result`, when its envelope is thinned: which vertices of the whole envelope it holds. */
  readonly envelopeKept?: EnvelopeKept;
  /** With `budgetPicks`: the vertices of the picks the panel's thinned envelope lacked. */
  readonly envelopeAdded?: EnvelopeAdded;
}

/**
 * Which vertices of the whole envelope a result's `envelope` holds, when the host thinned it
 * (`envelopeToSend` in `core/envelopeThinning.ts`): the panel's indices into the envelope (the
 * selection, the recommendation's and the picks' `envelopeIndex`) stay those of the whole one.
 */
export interface EnvelopeKept {
  /** Vertices of the whole envelope. */
  readonly total: number;
  /** The index in the whole envelope of each vertex held, ascending. */
  readonly indices: readonly number[];
  /** The cost of the vertex that follows each one held in the whole envelope (null after the last): the panel can tell whether the vertex within a budget is one it holds. */
  readonly nextCosts: readonly (number | null)[];
}

/** Vertices of the whole envelope added to a thinned one (the budget grid's picks'), with their held-out figures when the result's come as `envelopeHoldout`. */
export interface EnvelopeAdded extends EnvelopeKept {
  readonly vertices: readonly EnvelopeVertex[];
  readonly holdout?: readonly Measured[];
}

/** The whole envelope of the result the panel holds, for `EnvelopeRequest`: its vertices and, when the result's held-out figures came as `envelopeHoldout`, theirs. */
export interface WholeEnvelope {
  readonly vertices: readonly EnvelopeVertex[];
  readonly holdout?: readonly Measured[];
}

export interface VertexSelectedParams {
  readonly key: string;
  /** Index of the selected vertex in the whole envelope; absent when nothing is selected. */
  readonly index?: number;
}

/** The pair curves of the result the panel holds, for `PairCurvesRequest`. */
export interface PairCurves {
  readonly pairs: readonly PairCurveSummary[];
}

export interface ReadyParams {
  /** The analysis the webview showed before it was hidden or reloaded, if any. */
  readonly selectedKey?: string;
}

export interface KeyParams {
  readonly key: string;
}

export interface BudgetParams {
  readonly key: string;
  /** Dollars per query. */
  readonly budget: number;
}

export interface ApplyPolicyParams {
  readonly key: string;
  readonly policy: PolicySpec;
}

/** Outcome of an action the host performed for the webview, in words for the user. */
export interface ActionResult {
  readonly ok: boolean;
  readonly message: string;
  /** Set when the host can take the action back (`UndoApplyRequest`). */
  readonly undoable?: boolean;
  /**
   * For a saved budget: the dollars per query written, which the config then states (rounded to
   * a readable value that allows the same policies, so it may differ from the one asked for).
   */
  readonly budget?: number;
}

export interface AnalysesParams {
  readonly analyses: readonly AnalysisListItem[];
  /** The key the host considers selected (the webview follows it). */
  readonly selectedKey?: string;
}

export interface SnapshotParams {
  readonly snapshot: FrontierSnapshot;
}

export interface ChartImage {
  /** `data:image/png;base64,...`, or null when no chart is drawn. */
  readonly dataUrl: string | null;
}

// ---------------------------------------------------------------------------------------------
// Validators: structural checks of what crosses the channel. They look at every field a
// handler relies on; deep figures of an AnalysisResult are checked only for their container
// shape, as they come from the same build of the core.

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isOptional<T>(v: unknown, check: (x: unknown) => x is T): v is T | undefined {
  return v === undefined || check(v);
}

function isArray(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

function isArrayOf<T>(v: unknown, check: (x: unknown) => x is T): v is T[] {
  return Array.isArray(v) && v.every(check);
}

function isStatus(v: unknown): v is FrontierSnapshot['status'] {
  return v === 'idle' || v === 'computing' || v === 'error';
}

const isEmpty = (v: unknown): v is Record<string, never> => isRecord(v);

export function isPolicySpec(v: unknown): v is PolicySpec {
  return (
    isRecord(v) &&
    (v.kind === 'single' || v.kind === 'pair' || v.kind === 'chain') &&
    isArrayOf(v.models, isString) &&
    (v.kind === 'single' ? v.models.length === 1 : v.kind === 'pair' ? v.models.length === 2 : v.models.length >= 2) &&
    isArrayOf(v.thresholds, (t): t is number | null => t === null || isFiniteNumber(t)) &&
    v.thresholds.length === v.models.length - 1
  );
}

/** What an analysis and a comparison result both carry: version 1, the queries and their split, the models, warnings and settings. */
function isResultHeader(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && v.version === 1 && isFiniteNumber(v.n) && isRecord(v.split) && Array.isArray(v.models) && Array.isArray(v.warnings) && isRecord(v.settings);
}

export function isAnalysisResult(v: unknown): v is AnalysisResult {
  return isResultHeader(v) && Array.isArray(v.envelope) && Array.isArray(v.hull) && Array.isArray(v.switchingPoints) && Array.isArray(v.pairs) && isOptional(v.holdout, isArray);
}

function isEstimate(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && (v.value === null || isFiniteNumber(v.value)) && (v.interval === undefined || (isArrayOf(v.interval, isFiniteNumber) && v.interval.length === 2));
}

function isComparisonFamily(v: unknown): v is Record<string, unknown> {
  return (
    isRecord(v) &&
    isString(v.id) &&
    isString(v.label) &&
    isString(v.kind) &&
    typeof v.available === 'boolean' &&
    isOptional(v.reason, isString) &&
    isArrayOf(v.inSample, isRecord) &&
    isArrayOf(v.holdout, isRecord) &&
    isArrayOf(v.holdoutFrontier, isFiniteNumber) &&
    isEstimate(v.area) &&
    isEstimate(v.aiq) &&
    isEstimate(v.apgr) &&
    isEstimate(v.areaVsEnvelope) &&
    (v.inSampleArea === null || isFiniteNumber(v.inSampleArea))
  );
}

const VERDICTS = ['escalation', 'fullChain', 'subsequence', 'router', 'routerVsSingle'] as const;

/** The comparison's containers, every family's measures and the five verdicts (points are checked as objects only). */
export function isComparisonResult(v: unknown): v is ComparisonResult {
  return (
    isResultHeader(v) &&
    typeof v.heldOut === 'boolean' &&
    isArrayOf(v.families, isComparisonFamily) &&
    isRecord(v.bestCascade) &&
    isEstimate(v.bestCascade.area) &&
    isRecord(v.verdicts) &&
    VERDICTS.every((k) => {
      const verdict = (v.verdicts as Record<string, unknown>)[k];
      return isRecord(verdict) && isString(verdict.question) && isString(verdict.answer) && isString(verdict.detail);
    }) &&
    isRecord(v.router)
  );
}

const isComparisonStatus = (v: unknown): v is FrontierSnapshot['comparisonStatus'] => v === 'computing' || v === 'ready' || v === 'unavailable';

function isBacktestSummary(v: unknown): v is BacktestSummary {
  return isRecord(v) && v.version === 1 && isRecord(v.rules) && isRecord(v.rules.noiseAware) && isRecord(v.rules.inSample) && isArray(v.splits) && isRecord(v.settings);
}

function isFileSummary(v: unknown): v is FileSummary {
  return isRecord(v) && isString(v.file) && isString(v.format) && isFiniteNumber(v.records) && isFiniteNumber(v.rejected) && isArrayOf(v.models, isString);
}

function isInputIssue(v: unknown): v is InputIssue {
  return isRecord(v) && isString(v.file) && isFiniteNumber(v.line) && (v.severity === 'error' || v.severity === 'warning') && isString(v.message);
}

const isProblemCounts = (v: unknown): v is ProblemCounts => isRecord(v) && isFiniteNumber(v.errors) && isFiniteNumber(v.warnings);

/**
 * The check of each optional field of a snapshot that holds a value on its own (the fields
 * that depend on others are checked in `isFrontierSnapshot`). Keyed by the snapshot's own
 * field names, so a renamed or misspelt field does not compile.
 */
const SNAPSHOT_OPTIONAL_FIELDS: { readonly [K in keyof FrontierSnapshot]?: (x: unknown) => x is unknown } = {
  result: isAnalysisResult,
  computedAt: isFiniteNumber,
  durationMs: isFiniteNumber,
  error: isString,
  budget: isFiniteNumber,
  target: isFiniteNumber,
  cascade: isPolicySpec,
  comparison: isComparisonResult,
  comparisonStatus: isComparisonStatus,
  comparisonReason: isString,
  backtest: isBacktestSummary,
  backtestStatus: isComparisonStatus,
  backtestReason: isString,
  cascadeSkipped: isString,
  configProblems: isProblemCounts,
};

const isIndex = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** Indices ascending below `total`, with a next cost (or null) each. */
function isEnvelopeKept(v: unknown): v is EnvelopeKept {
  if (!isRecord(v) || !isIndex(v.total) || !isArrayOf(v.indices, isIndex) || !isArrayOf(v.nextCosts, (c): c is number | null => c === null || isFiniteNumber(c))) return false;
  const { indices, nextCosts, total } = v;
  return indices.length === nextCosts.length && indices.every((i, k) => i < total && (k === 0 || i > indices[k - 1]));
}

function isEnvelopeAdded(v: unknown): v is EnvelopeAdded {
  if (!isRecord(v)) return false;
  const { vertices, holdout } = v;
  return isEnvelopeKept(v) && isArrayOf(vertices, isRecord) && vertices.length === v.indices.length && (holdout === undefined || (isArrayOf(holdout, isRecord) && holdout.length === vertices.length));
}

export function isFrontierSnapshot(v: unknown): v is FrontierSnapshot {
  return (
    isRecord(v) &&
    isString(v.key) &&
    isString(v.label) &&
    isArrayOf(v.files, isFileSummary) &&
    isArrayOf(v.issues, isInputIssue) &&
    isProblemCounts(v.issueCounts) &&
    isStatus(v.status) &&
    Object.entries(SNAPSHOT_OPTIONAL_FIELDS).every(([field, check]) => isOptional(v[field], check)) &&
    (v.resultKept === undefined || (v.resultKept === true && v.result === undefined)) &&
    (v.budgetPicksPending === undefined || v.budgetPicksPending === true) &&
    (v.budgetPicks === undefined || (v.resultKept === true && isArrayOf(v.budgetPicks, isRecord))) &&
    (v.envelopeHoldout === undefined ||
      (isAnalysisResult(v.result) && v.result.holdout === undefined && isArrayOf(v.envelopeHoldout, isRecord) && v.envelopeHoldout.length === v.result.envelope.length)) &&
    (v.envelopeKept === undefined || (isAnalysisResult(v.result) && isEnvelopeKept(v.envelopeKept) && v.envelopeKept.indices.length === v.result.envelope.length)) &&
    (v.envelopeAdded === undefined || (v.budgetPicks !== undefined && isEnvelopeAdded(v.envelopeAdded)))
  );
}

function isAnalysisListItem(v: unknown): v is AnalysisListItem {
  return isRecord(v) && isString(v.key) && isString(v.label) && isStatus(v.status) && typeof v.hasResult === 'boolean';
}

const isReadyParams = (v: unknown): v is ReadyParams => isRecord(v) && isOptional(v.selectedKey, isString);
const isKeyParams = (v: unknown): v is KeyParams => isRecord(v) && isString(v.key);
const isBudgetParams = (v: unknown): v is BudgetParams => isRecord(v) && isString(v.key) && isFiniteNumber(v.budget) && v.budget >= 0;
const isApplyPolicyParams = (v: unknown): v is ApplyPolicyParams => isRecord(v) && isString(v.key) && isPolicySpec(v.policy);
const isActionResult = (v: unknown): v is ActionResult =>
  isRecord(v) && typeof v.ok === 'boolean' && isString(v.message) && isOptional(v.undoable, (u): u is boolean => typeof u === 'boolean') && isOptional(v.budget, isFiniteNumber);
const isAnalysesParams = (v: unknown): v is AnalysesParams => isRecord(v) && isArrayOf(v.analyses, isAnalysisListItem) && isOptional(v.selectedKey, isString);
const isSnapshotParams = (v: unknown): v is SnapshotParams => isRecord(v) && isFrontierSnapshot(v.snapshot);
const isPairCurveSummary = (v: unknown): v is PairCurveSummary => isRecord(v) && isString(v.cheap) && isString(v.expensive) && isArrayOf(v.points, isRecord);
const isPairCurves = (v: unknown): v is PairCurves => isRecord(v) && isArrayOf(v.pairs, isPairCurveSummary);
const isWholeEnvelope = (v: unknown): v is WholeEnvelope =>
  isRecord(v) && isArrayOf(v.vertices, isRecord) && isOptional(v.holdout, (h): h is unknown[] => isArrayOf(h, isRecord) && h.length === (v.vertices as unknown[]).length);
const isVertexSelectedParams = (v: unknown): v is VertexSelectedParams => isRecord(v) && isString(v.key) && isOptional(v.index, isIndex);
const isChartImage = (v: unknown): v is ChartImage => isRecord(v) && (v.dataUrl === null || (isString(v.dataUrl) && v.dataUrl.startsWith('data:image/png;base64,')));

// ---------------------------------------------------------------------------------------------
// The messages

/** Webview -> host: the script has loaded and listens; the host answers with the analyses. */
export const ReadyCommand: CommandType<ReadyParams> = { kind: 'command', method: 'webview/ready', validate: isReadyParams };
/** Webview -> host: the user picked another analysis in the switcher. */
export const SelectAnalysisCommand: CommandType<KeyParams> = { kind: 'command', method: 'analysis/select', validate: isKeyParams };
/**
 * Webview -> host: the panel has drawn the result of this analysis while its budget grid's
 * picks are still to come (`budgetPicksPending`); the host has them computed now, rather than
 * beside the result's way to the panel.
 */
export const ResultShownCommand: CommandType<KeyParams> = { kind: 'command', method: 'result/shown', validate: isKeyParams };
/** Webview -> host: the user selected an envelope vertex (or none); the host keeps it in the thinned envelopes it sends. */
export const VertexSelectedCommand: CommandType<VertexSelectedParams> = { kind: 'command', method: 'vertex/selected', validate: isVertexSelectedParams };
/** Webview -> host (debounced): the budget control moved. Nothing is written to disk. */
export const BudgetChangedCommand: CommandType<BudgetParams> = { kind: 'command', method: 'budget/changed', validate: isBudgetParams };

/** Webview -> host: write this policy into the analysis's config. */
export const ApplyPolicyRequest: RequestType<ApplyPolicyParams, ActionResult> = {
  kind: 'request',
  method: 'config/applyPolicy',
  direction: 'toHost',
  validate: isApplyPolicyParams,
  validateResult: isActionResult,
};

/** Webview -> host: take back the last policy the panel wrote into this analysis's config. */
export const UndoApplyRequest: RequestType<KeyParams, ActionResult> = {
  kind: 'request',
  method: 'config/undoApply',
  direction: 'toHost',
  validate: isKeyParams,
  validateResult: isActionResult,
};

/** Webview -> host: write the budget into the analysis's config. */
export const SaveBudgetRequest: RequestType<BudgetParams, ActionResult> = {
  kind: 'request',
  method: 'config/saveBudget',
  direction: 'toHost',
  validate: isBudgetParams,
  validateResult: isActionResult,
};
/** Webview -> host: models without a logged confidence get a learned one (`confidence: learned` in the config, or the setting). */
export const UseLearnedConfidenceRequest: RequestType<KeyParams, ActionResult> = {
  kind: 'request',
  method: 'config/useLearnedConfidence',
  direction: 'toHost',
  validate: isKeyParams,
  validateResult: isActionResult,
};
/**
 * Webview -> host: the points of the pair curves of the result it holds for this analysis (the
 * host sends each result with its pair curves' `points` empty: they are drawn only when the
 * user turns them on). Answered from the result last sent to the panel.
 */
export const PairCurvesRequest: RequestType<KeyParams, PairCurves> = {
  kind: 'request',
  method: 'result/pairCurves',
  direction: 'toHost',
  validate: isKeyParams,
  validateResult: isPairCurves,
};
/**
 * Webview -> host: the whole envelope of the result it holds for this analysis, sent thinned
 * (`envelopeKept`); asked when the user shows every row, zooms, exports the chart, or sets a
 * budget whose vertex the panel lacks. Answered from the result last sent to the panel.
 */
export const EnvelopeRequest: RequestType<KeyParams, WholeEnvelope> = {
  kind: 'request',
  method: 'result/envelope',
  direction: 'toHost',
  validate: isKeyParams,
  validateResult: isWholeEnvelope,
};
/** Host -> webview: the chart as a PNG data URL (for the export command). */
export const ChartPngRequest: RequestType<Record<string, never>, ChartImage> = {
  kind: 'request',
  method: 'chart/png',
  direction: 'toWebview',
  validate: isEmpty,
  validateResult: isChartImage,
};

/** Host -> webview: the list of analyses (sent on every change of any analysis). */
export const AnalysesNotification: NotificationType<AnalysesParams> = { kind: 'notification', method: 'analysis/list', validate: isAnalysesParams };
/** Host -> webview: the selected analysis, in full. */
export const SnapshotNotification: NotificationType<SnapshotParams> = { kind: 'notification', method: 'analysis/snapshot', validate: isSnapshotParams };

// ---------------------------------------------------------------------------------------------
// Constructors and type guards

const envelope = (method: string): Envelope => ({ protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, method });

export function createCommand<P>(type: CommandType<P>, params: P): CommandMessage<P> {
  return { ...envelope(type.method), kind: 'command', params };
}

export function createNotification<P>(type: NotificationType<P>, params: P): NotificationMessage<P> {
  return { ...envelope(type.method), kind: 'notification', params };
}

export function createRequest<P, R>(type: RequestType<P, R>, id: number, params: P): RequestMessage<P> {
  return { ...envelope(type.method), kind: 'request', id, params };
}

export function createResponse<P, R>(type: RequestType<P, R>, id: number, result: R): ResponseMessage<R> {
  return { ...envelope(type.method), kind: 'response', id, ok: true, result };
}

export function createErrorResponse(method: string, id: number, error: string): ResponseMessage<never> {
  return { ...envelope(method), kind: 'response', id, ok: false, error };
}

/** True for any well-formed message of this protocol and version (payload not yet checked). */
export function isProtocolMessage(v: unknown): v is AnyMessage {
  if (!isRecord(v) || v.protocol !== PROTOCOL_NAME || v.version !== PROTOCOL_VERSION || !isString(v.method)) return false;
  switch (v.kind) {
    case 'command':
    case 'notification':
      return 'params' in v;
    case 'request':
      return Number.isSafeInteger(v.id) && 'params' in v;
    case 'response':
      return Number.isSafeInteger(v.id) && (v.ok === true ? 'result' in v : v.ok === false && isString(v.error));
    default:
      return false;
  }
}

export function isCommand<P>(msg: unknown, type: CommandType<P>): msg is CommandMessage<P> {
  return isProtocolMessage(msg) && msg.kind === 'command' && msg.method === type.method && type.validate(msg.params);
}

export function isNotification<P>(msg: unknown, type: NotificationType<P>): msg is NotificationMessage<P> {
  return isProtocolMessage(msg) && msg.kind === 'notification' && msg.method === type.method && type.validate(msg.params);
}

export function isRequest<P, R>(msg: unknown, type: RequestType<P, R>): msg is RequestMessage<P> {
  return isProtocolMessage(msg) && msg.kind === 'request' && msg.method === type.method && type.validate(msg.params);
}

/** A response of `type`; a successful one must also carry a valid result. */
export function isResponse<P, R>(msg: unknown, type: RequestType<P, R>): msg is ResponseMessage<R> {
  return isProtocolMessage(msg) && msg.kind === 'response' && msg.method === type.method && (msg.ok ? type.validateResult(msg.result) : true);
}

/** A one-line description of a message that failed the guards, for logs. */
export function describeMessage(v: unknown): string {
  if (!isRecord(v)) return `non-object message (${typeof v})`;
  const method = isString(v.method) ? v.method : '?';
  if (v.protocol !== PROTOCOL_NAME) return `message of another protocol (${method})`;
  if (v.version !== PROTOCOL_VERSION) return `message of protocol version ${String(v.version)} (expected ${PROTOCOL_VERSION}): ${method}`;
  return `${String(v.kind)} ${method}`;
}
