/**
 * The payloads of the protocol's messages, as types only: what the host and the webview send
 * each other (the analyses, the snapshot of one, the envelope it thins, the outcome of an
 * action). Both sides import them through `src/protocol.ts`, which re-exports this module;
 * `protocolValidators.ts` checks them at run time.
 */
import type { AnalysisResult, BudgetPick, EnvelopeVertex, FileSummary, InputIssue, Measured, PairCurveSummary, PolicySpec, PriceMatch } from './core/types.ts';
import type { ComparisonResult } from './core/compare/types.ts';
import type { BacktestSummary } from './core/backtest.ts';

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
  /**
   * With `result`: its envelope rows (vertices, `envelopeHoldout`, `envelopeKept`'s places) are
   * only those that differ from the rows of the last snapshot with a result the panel received
   * for this analysis; the others are those rows at the same positions (`protocolRows.ts`).
   */
  readonly rowsKept?: RowsKept;
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

/** Where the envelope rows left out of a snapshot are (`protocolRows.ts`): runs `[start, end)` of positions whose row is the held row at the same position. */
export interface RowsKept {
  readonly runs: readonly (readonly [number, number])[];
  /** Rows in all. */
  readonly length: number;
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
