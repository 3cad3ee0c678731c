/**
 * The run-time checks of the protocol's payloads (`protocolPayloads.ts`): structural checks of
 * what crosses the channel, one a payload, which each message type in `src/protocol.ts` names
 * as its validator. They look at every field a handler relies on; deep figures of an
 * AnalysisResult are checked only for their container shape, as they come from the same build
 * of the core.
 */
import type { AnalysisResult, FileSummary, InputIssue, PairCurveSummary, PolicySpec } from './core/types.ts';
import type { ComparisonResult } from './core/compare/types.ts';
import type { BacktestSummary } from './core/backtest.ts';
import type {
  ActionResult,
  AnalysesParams,
  AnalysisListItem,
  ApplyPolicyParams,
  BudgetParams,
  ChartImage,
  EnvelopeAdded,
  EnvelopeKept,
  RowsKept,
  FrontierSnapshot,
  KeyParams,
  PairCurves,
  ProblemCounts,
  ReadyParams,
  SnapshotParams,
  VertexSelectedParams,
  WholeEnvelope,
} from './protocolPayloads.ts';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isString(v: unknown): v is string {
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

export const isEmpty = (v: unknown): v is Record<string, never> => isRecord(v);

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

/** Runs of positions, ascending and apart, within the rows' length. */
function isRowsKept(v: unknown): v is RowsKept {
  if (!isRecord(v) || !isIndex(v.length) || !Array.isArray(v.runs)) return false;
  const length = v.length;
  let at = 0;
  for (const run of v.runs as unknown[]) {
    if (!Array.isArray(run) || run.length !== 2 || !isIndex(run[0]) || !isIndex(run[1]) || run[0] < at || run[1] <= run[0] || run[1] > length) return false;
    at = run[1];
  }
  return true;
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
    (v.envelopeAdded === undefined || (v.budgetPicks !== undefined && isEnvelopeAdded(v.envelopeAdded))) &&
    (v.rowsKept === undefined || (isAnalysisResult(v.result) && isRowsKept(v.rowsKept)))
  );
}

function isAnalysisListItem(v: unknown): v is AnalysisListItem {
  return isRecord(v) && isString(v.key) && isString(v.label) && isStatus(v.status) && typeof v.hasResult === 'boolean';
}

export const isReadyParams = (v: unknown): v is ReadyParams => isRecord(v) && isOptional(v.selectedKey, isString);
export const isKeyParams = (v: unknown): v is KeyParams => isRecord(v) && isString(v.key);
export const isBudgetParams = (v: unknown): v is BudgetParams => isRecord(v) && isString(v.key) && isFiniteNumber(v.budget) && v.budget >= 0;
export const isApplyPolicyParams = (v: unknown): v is ApplyPolicyParams => isRecord(v) && isString(v.key) && isPolicySpec(v.policy);
export const isActionResult = (v: unknown): v is ActionResult =>
  isRecord(v) && typeof v.ok === 'boolean' && isString(v.message) && isOptional(v.undoable, (u): u is boolean => typeof u === 'boolean') && isOptional(v.budget, isFiniteNumber);
export const isAnalysesParams = (v: unknown): v is AnalysesParams => isRecord(v) && isArrayOf(v.analyses, isAnalysisListItem) && isOptional(v.selectedKey, isString);
export const isSnapshotParams = (v: unknown): v is SnapshotParams => isRecord(v) && isFrontierSnapshot(v.snapshot);
const isPairCurveSummary = (v: unknown): v is PairCurveSummary => isRecord(v) && isString(v.cheap) && isString(v.expensive) && isArrayOf(v.points, isRecord);
export const isPairCurves = (v: unknown): v is PairCurves => isRecord(v) && isArrayOf(v.pairs, isPairCurveSummary);
export const isWholeEnvelope = (v: unknown): v is WholeEnvelope =>
  isRecord(v) && isArrayOf(v.vertices, isRecord) && isOptional(v.holdout, (h): h is unknown[] => isArrayOf(h, isRecord) && h.length === (v.vertices as unknown[]).length);
export const isVertexSelectedParams = (v: unknown): v is VertexSelectedParams => isRecord(v) && isString(v.key) && isOptional(v.index, isIndex);
export const isChartImage = (v: unknown): v is ChartImage => isRecord(v) && (v.dataUrl === null || (isString(v.dataUrl) && v.dataUrl.startsWith('data:image/png;base64,')));
