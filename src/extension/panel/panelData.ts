/**
 * Plain-data conversions between the analysis store's snapshots and the panel's messages.
 * No editor API here, so they are tested in plain Node.
 */
import type { AnalysisSnapshot } from '../analysisSource.ts';
import type { AnalysisListItem, EnvelopeAdded, EnvelopeKept, FrontierSnapshot, ProblemCounts, WholeEnvelope } from '../../protocol.ts';
import type { AnalysisResult, Measured } from '../../core/types.ts';
import { samePolicy } from '../../core/policy.ts';
import { envelopeToSend, nextCostsOf, type ThinningContext } from '../../core/envelopeThinning.ts';
import type { EnvelopeRows } from '../../protocolRows.ts';

/** The result the panel holds: the one last sent, and the envelope vertices it got (all when `kept` is absent). */
export interface SentResult {
  readonly result: AnalysisResult;
  readonly kept?: readonly number[];
  /** The envelope rows of the last snapshot with a result sent (`protocolRows.ts`): a new result's rows that are the same go as kept. */
  readonly rows?: EnvelopeRows;
}

/** Issues sent to the panel per analysis; the counts cover all of them. */
export const MAX_PANEL_ISSUES = 200;

export function toListItem(s: AnalysisSnapshot): AnalysisListItem {
  return { key: s.key, label: s.label, status: s.status, hasResult: s.result !== undefined };
}

/**
 * The snapshot as the panel receives it: same fields, issues capped and counted. When its result
 * is `sent.result` (the result of the last snapshot of this analysis sent to the panel), the
 * result is left out and `resultKept` set: the panel keeps the one it holds; when it is that
 * result with the budget grid's picks put in, only the picks go, with the vertices of theirs
 * that the panel's thinned envelope lacks (`envelopeAdded`). A new result goes as `forPanel`
 * makes it, thinned with `ctx`.
 */
export function toFrontierSnapshot(s: AnalysisSnapshot, configProblems?: ProblemCounts, sent?: SentResult, ctx?: Omit<ThinningContext, 'holdout'>): FrontierSnapshot {
  const sentResult = sent?.result;
  const picks = s.result && sentResult && s.result !== sentResult && s.result.budgetPicks && sameButBudgetPicks(s.result, sentResult) ? s.result.budgetPicks : undefined;
  const kept = (s.result !== undefined && s.result === sentResult) || picks !== undefined;
  const added = picks && sent?.kept ? picksAdded(s.result!, sent.kept) : undefined;
  let errors = 0;
  for (const i of s.issues) if (i.severity === 'error') errors++;
  return {
    key: s.key,
    label: s.label,
    ...(kept ? { resultKept: true as const, ...(picks ? { budgetPicks: picks, ...(added ? { envelopeAdded: added } : {}) } : {}) } : s.result ? forPanel(s.result, ctx) : {}),
    files: s.files,
    issues: s.issues.slice(0, MAX_PANEL_ISSUES),
    issueCounts: { errors, warnings: s.issues.length - errors },
    ...(s.computedAt !== undefined ? { computedAt: s.computedAt } : {}),
    ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
    status: s.status,
    ...(s.error !== undefined ? { error: s.error } : {}),
    ...(s.budget !== undefined ? { budget: s.budget } : {}),
    ...(s.target !== undefined ? { target: s.target } : {}),
    ...(s.cascade ? { cascade: s.cascade } : {}),
    ...(s.comparison ? { comparison: s.comparison } : {}),
    ...(s.comparisonStatus ? { comparisonStatus: s.comparisonStatus } : {}),
    ...(s.comparisonReason !== undefined ? { comparisonReason: s.comparisonReason } : {}),
    ...(s.backtest ? { backtest: s.backtest } : {}),
    ...(s.backtestStatus ? { backtestStatus: s.backtestStatus } : {}),
    ...(s.backtestReason !== undefined ? { backtestReason: s.backtestReason } : {}),
    ...(s.cascadeSkipped !== undefined ? { cascadeSkipped: s.cascadeSkipped } : {}),
    ...(s.budgetPicksPending ? { budgetPicksPending: true as const } : {}),
    ...(configProblems ? { configProblems } : {}),
  };
}

/** The envelope vertices a panel sent the result thinned to `kept` needs for the budget grid's picks, or undefined when it holds them all. O(picks x log v). */
function picksAdded(result: AnalysisResult, kept: readonly number[]): EnvelopeAdded | undefined {
  const held = new Set(kept);
  const want = [...new Set((result.budgetPicks ?? []).map((p) => p.envelopeIndex).filter((i): i is number => i !== undefined && !held.has(i) && i < result.envelope.length))].sort((a, b) => a - b);
  if (want.length === 0) return undefined;
  const holdout = linedHoldout(result);
  return {
    total: result.envelope.length,
    indices: want,
    nextCosts: nextCostsOf(result.envelope, want),
    vertices: want.map((i) => result.envelope[i]),
    ...(holdout ? { holdout: want.map((i) => holdout[i]) } : {}),
  };
}

/** The held-out figures of each envelope vertex, when `result.holdout` lines up with the envelope (as `analyze` makes it). O(v). */
function linedHoldout(result: AnalysisResult): readonly Measured[] | undefined {
  const { holdout, envelope: env } = result;
  if (!holdout) return undefined;
  const lined =
    holdout.length === env.length &&
    holdout.every((h, i) => h.calibration.cost === env[i].cost && h.calibration.quality === env[i].quality && (h.policy === env[i].policy || samePolicy(h.policy, env[i].policy)));
  return lined ? holdout.map((h) => h.holdout) : undefined;
}

/**
 * The result as it crosses to the panel, about half its JSON at 100k x 8: the held-out figures
 * of the envelope without the policy and calibration figures they repeat from it
 * (`envelopeHoldout`, when they line up with the envelope, as `analyze` makes them), and the
 * pair curves without their points (the panel asks for them when it draws them,
 * `PairCurvesRequest`). A large envelope goes thinned to the vertices the panel shows
 * (`envelopeToSend` with `ctx`), `envelopeKept` saying which; the panel asks for the rest when
 * it needs them (`EnvelopeRequest`). O(v + pairs).
 */
export function forPanel(
  result: AnalysisResult,
  ctx: Omit<ThinningContext, 'holdout'> = {},
): { readonly result: AnalysisResult; readonly envelopeHoldout?: readonly Measured[]; readonly envelopeKept?: EnvelopeKept } {
  const { holdout, pairs, ...rest } = result;
  const thin = { ...rest, pairs: pairs.map((p) => ({ ...p, points: [] })) };
  const lined = linedHoldout(result);
  if (holdout && !lined) return { result: { ...thin, holdout } };
  const keep = envelopeToSend(result, { ...ctx, ...(lined ? { holdout: lined } : {}) });
  if (!keep) return { result: thin, ...(lined ? { envelopeHoldout: lined } : {}) };
  return {
    result: { ...thin, envelope: keep.map((i) => result.envelope[i]) },
    ...(lined ? { envelopeHoldout: keep.map((i) => lined[i]) } : {}),
    envelopeKept: { total: result.envelope.length, indices: keep, nextCosts: nextCostsOf(result.envelope, keep) },
  };
}

/** The whole envelope of `result`, for the panel that holds it thinned: its vertices, with their held-out figures when they line up. O(v). */
export function wholeEnvelope(result: AnalysisResult): WholeEnvelope {
  const holdout = linedHoldout(result);
  return { vertices: result.envelope, ...(holdout ? { holdout } : {}) };
}

/** True when `a` and `b` hold the same parts (the same objects), `budgetPicks` aside: `a` is `b` with the budget grid's picks put in. O(fields). */
export function sameButBudgetPicks(a: AnalysisResult, b: AnalysisResult): boolean {
  const keys = (r: AnalysisResult) => Object.keys(r).filter((k) => k !== 'budgetPicks');
  const ka = keys(a);
  const kb = keys(b);
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => k in rb && ra[k] === rb[k]);
}

const PNG_PREFIX = 'data:image/png;base64,';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The bytes of a `data:image/png;base64,` URL, or undefined when it is not a PNG. */
export function decodePngDataUrl(dataUrl: string): Uint8Array | undefined {
  if (!dataUrl.startsWith(PNG_PREFIX)) return undefined;
  const bytes = new Uint8Array(Buffer.from(dataUrl.slice(PNG_PREFIX.length), 'base64'));
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b) ? bytes : undefined;
}
