/**
 * Shared data types of the core. Everything here is plain data: JSON-serialisable
 * (typed arrays aside) and free of any editor API, so the CLI, the extension host,
 * its worker and the webview can all use it.
 */

import type { ConfidenceSignalSummary, DriftSummary } from './signalTypes.ts';

/** A problem found in the input, tied to the place a user can fix it. */
export interface InputIssue {
  /** Path of the file as the user gave it (or as discovered in a folder). */
  readonly file: string;
  /** 1-based line number; 0 when the problem concerns the whole file or the join. */
  readonly line: number;
  /** `error`: the record was not used. `warning`: the record was used or the problem is informational. */
  readonly severity: 'error' | 'warning';
  /** What is wrong and how to fix it, in one sentence, without the `file:line:` prefix. */
  readonly message: string;
  /** `cost`: a cost accounting warning (the records are used; their costs may not be what the calls cost). */
  readonly kind?: 'cost';
}

/**
 * One evaluation record after a reader or an adapter has extracted its fields, before
 * validation. Values are `unknown` because they come straight from user files; the
 * collector checks and converts them and reports every problem with the record's place.
 */
export interface RawRecord {
  readonly model: unknown;
  readonly id: unknown;
  /** `correct` (bool or 0/1) — used when present, else `score`. */
  readonly correct?: unknown;
  readonly score?: unknown;
  readonly confidence?: unknown;
  readonly cost?: unknown;
  readonly tokensIn?: unknown;
  readonly tokensOut?: unknown;
  /** Reasoning tokens, counted within `tokensOut` (as OpenAI's `completion_tokens` counts them). */
  readonly tokensReasoning?: unknown;
  /** Cached input tokens read, counted within `tokensIn` (as OpenAI's `prompt_tokens` counts them). */
  readonly tokensCached?: unknown;
  readonly latencyMs?: unknown;
  readonly split?: unknown;
  readonly prompt?: unknown;
  /** The model's answer text (for a learned confidence and token estimates). */
  readonly response?: unknown;
  readonly embedding?: unknown;
}

/** Dollars per million tokens of one price entry, and where it comes from. */
export interface TokenPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
  /** Reasoning tokens, when the list prices them apart from output tokens (LiteLLM `output_cost_per_reasoning_token`). */
  readonly reasoningPerMillion?: number;
  /** Cached input tokens read, when the list prices them apart from input tokens (LiteLLM `cache_read_input_token_cost`). */
  readonly cacheReadPerMillion?: number;
  /** The entry's own key in its list, when the table holds it under another name too (an alias such as `gpt-4o` for `openai/gpt-4o`). */
  readonly key?: string;
  /** The provider the list names for the entry (LiteLLM `litellm_provider`). */
  readonly provider?: string;
  /** The list names this model but without an input or an output price: never used as a price, and no other entry's price stands in for it. */
  readonly unpriced?: true;
}

/** Prices per model name (entries of a price list, under their keys and unambiguous aliases). */
export type PriceTable = ReadonlyMap<string, TokenPrice>;

/** How a model's name was matched in the price table, for the models priced from tokens (or that could not be). */
export interface PriceMatch {
  readonly model: string;
  /** `found`: priced from `key`; `ambiguous`: several entries with different prices (see `candidates`); `unpriced`: its entry has no price; `none`: no entry. */
  readonly status: 'found' | 'ambiguous' | 'unpriced' | 'none';
  /** The entry used (found) or named without a price (unpriced). */
  readonly key?: string;
  readonly provider?: string;
  readonly inputPerMillion?: number;
  readonly outputPerMillion?: number;
  readonly reasoningPerMillion?: number;
  readonly cacheReadPerMillion?: number;
  /** Other entries the name matches at the same prices (found). */
  readonly samePrice?: readonly string[];
  /** The entries the name matches at different prices (ambiguous). */
  readonly candidates?: readonly { readonly key: string; readonly provider?: string; readonly inputPerMillion: number; readonly outputPerMillion: number }[];
  /** The provider asked for (`--price-provider`, config `priceProvider`), when one was. */
  readonly providerAsked?: string;
  /** Records of the model whose cost came from their tokens at this price. */
  readonly records: number;
}

/**
 * Where a model's confidence comes from: `logged` in its records, `learned` from its answer
 * texts and the prompts (a cross-fitted P(correct), see `core/confidence/learned.ts`), or
 * `none` (the model can be a last stage or a single model, never a first stage).
 */
export type ConfidenceSource = 'logged' | 'learned' | 'none';

/**
 * The per-model columns of a joined evaluation set: entry `i` of every array is query `i`
 * of the dataset's `ids`.
 */
export interface ModelColumns {
  readonly name: string;
  /** q_m(i) in [0,1]. */
  readonly quality: Float64Array;
  /**
   * s_m(i), higher = more confident; -Infinity and Infinity are the lowest and highest values.
   * A model without confidence (`confidenceSource` `none`) holds 0 for every query.
   */
  readonly confidence: Float64Array;
  /** Absent: `logged`. */
  readonly confidenceSource?: ConfidenceSource;
  /** The model's answer text per query (undefined where unknown); absent when no record had one. */
  readonly responses?: readonly (string | undefined)[];
  /** c_m(i) >= 0, dollars for the call. */
  readonly cost: Float64Array;
  /** Milliseconds, NaN where unknown; absent when no record had it. */
  readonly latencyMs?: Float64Array;
  /**
   * Token counts, NaN where unknown; absent when no record had them. Float32 when every count of
   * the column is exactly a Float32 (whole counts up to 2^24 are), else Float64: either way each
   * entry reads as the number given.
   */
  readonly tokensIn?: TokenColumn;
  readonly tokensOut?: TokenColumn;
}

/** A column of token counts: Float32 while every value is exact in it (see {@link ModelColumns.tokensIn}). */
export type TokenColumn = Float32Array | Float64Array;

/** A joined evaluation set in columnar form. */
export interface Dataset {
  /** Number of queries in the joint set (present for every model). */
  readonly n: number;
  /** Query ids, in the order of the columns. */
  readonly ids: readonly string[];
  /** Models, sorted by name. */
  readonly models: readonly ModelColumns[];
  /** Split label per query as an index into `splitNames`; absent when no record had a split. */
  readonly splitCodes?: Uint8Array;
  readonly splitNames?: readonly string[];
  /** Prompt per query (from the first model that had one); absent when no record had one. */
  readonly prompts?: readonly (string | undefined)[];
  /** 1 for a query without a prompt because its prompt text could not be decoded (see the loader's warnings); absent when none. */
  readonly undecodablePrompts?: Uint8Array;
  /** Precomputed prompt embedding per query, when records carried an `embedding` array. */
  readonly embeddings?: readonly (Float64Array | undefined)[];
}

/** Result of loading: the dataset plus every problem found, in file and line order. */
export interface LoadResult {
  readonly dataset: Dataset;
  readonly issues: readonly InputIssue[];
  /** Per input file: what was read from it. */
  readonly files: readonly FileSummary[];
  /** Per folder given as input: the layouts found in it and the files left unread, with why. */
  readonly folders?: readonly FolderSummary[];
  /** With a price table: per model priced from tokens (or that could not be), the entry matched. */
  readonly prices?: readonly PriceMatch[];
}

/** What a folder given as input held: the harness layouts found, and the files recognised and left unread. */
export interface FolderSummary {
  readonly folder: string;
  /** One line per layout found, e.g. `HELM runs: 45 (suite v4)`. */
  readonly found: readonly string[];
  /**
   * Files left unread, each with why: `superseded` (a run of the same task or HELM run read from
   * a later date or suite), `summary` (a suite-level file or log manifest, no per-query records).
   */
  readonly skipped: readonly { readonly path: string; readonly kind: 'superseded' | 'summary'; readonly reason: string }[];
}

export interface FileSummary {
  readonly file: string;
  /** Detected format, e.g. `jsonl`, `csv-long`, `csv-wide`, or an adapter's name. */
  readonly format: string;
  /** Models that records of this file belonged to. */
  readonly models: readonly string[];
  /** Records accepted / rejected. */
  readonly records: number;
  readonly rejected: number;
  /** What the reader derived (e.g. "cost from tokens x price table") and what was missing. */
  readonly derived: readonly string[];
  readonly missing: readonly string[];
  /** Where each model's costs in this file came from (models with accepted records, by name). */
  readonly costs?: readonly FileCostSource[];
}

/** Where the costs of one model's records in one file came from. */
export interface FileCostSource {
  readonly model: string;
  /** Records whose own `cost` was used. */
  readonly fromRecords: number;
  /** Records priced from their token counts, and (with `--estimate-tokens`) from tokens estimated from their texts. */
  readonly fromTokens: number;
  readonly fromEstimatedTokens: number;
  /** The price table entry that priced the tokens (when any record was priced from them). */
  readonly priceKey?: string;
}

/** A deployable (or, for `randomized`, a mixed) policy, in the stable JSON shape. */
export interface PolicySpec {
  /** `single`: one model. `pair`: a two-model threshold cascade. `chain`: more stages. */
  readonly kind: 'single' | 'pair' | 'chain';
  /** Models in stage order (cheap first). */
  readonly models: readonly string[];
  /**
   * Thresholds for every stage but the last: stage j answers when its confidence is
   * >= thresholds[j]. `null` stands for +infinity (always escalate).
   */
  readonly thresholds: readonly (number | null)[];
}

/** A cost-quality point realised by one policy. */
export interface PolicyPoint {
  /** Mean dollars per query. */
  readonly cost: number;
  /** Mean quality in [0,1]. */
  readonly quality: number;
  /** Share of queries that went past the first stage. */
  readonly escalationRate: number;
  readonly policy: PolicySpec;
}

/** Slopes of the upper concave hull of a frontier at a budget (quality per dollar per query). */
export interface ShadowPrice {
  /** Left and right slopes dF/dB of the concave hull; null where undefined (left of the cheapest point). */
  readonly lambdaLeft: number | null;
  readonly lambdaRight: number | null;
  /** Reciprocals: dollars per query for one more unit of quality; null where lambda is 0 or undefined. */
  readonly muLeft: number | null;
  readonly muRight: number | null;
}

/** Local ratio E[q_b - q_a | s_a near t] / E[c_b | s_a near t] on a pair curve. */
export interface LocalShadowPrice {
  readonly lambda: number | null;
  readonly mu: number | null;
  /** The window: how many queries, and the confidence range they span. */
  readonly windowQueries: number;
  readonly confidenceFrom: number;
  readonly confidenceTo: number;
}

export interface EnvelopeVertex extends PolicyPoint {
  readonly shadowPrice: ShadowPrice;
  /** True when the vertex lies on the upper concave hull (else only a randomised mix reaches the hull there). */
  readonly onHull: boolean;
  /** Mean and p95 latency on the calibration queries, where the records carry `latency_ms`. */
  readonly latency?: LatencySummary;
}

/** A vertex of the upper concave hull of the envelope. Between two hull vertices that are not adjacent envelope vertices the hull is reachable only by randomising. */
export interface HullVertex {
  readonly cost: number;
  readonly quality: number;
  readonly policy: PolicySpec;
  /** True when the segment from this vertex to the next one needs randomisation. */
  readonly randomizedToNext: boolean;
}

export interface SwitchingPoint {
  /** Budget in dollars per query at which the realising pair changes. */
  readonly budget: number;
  readonly from: PolicySpec;
  readonly to: PolicySpec;
}

/** The pairwise envelope on calibration data, as `pairwiseFrontier` derives it and `analyze --json` prints it. */
export interface PairwiseEnvelope {
  /** Envelope vertices, cost ascending, with hull slopes. */
  readonly envelope: readonly EnvelopeVertex[];
  readonly hull: readonly HullVertex[];
  readonly switchingPoints: readonly SwitchingPoint[];
}

/** Cost and quality of a policy on a set of queries, with optional bootstrap intervals. */
export interface Measured {
  readonly n: number;
  readonly cost: number;
  readonly quality: number;
  readonly escalationRate: number;
  /** Sample standard deviation of the cost per query (for the budget rule's upper bound of the mean). */
  readonly costSd?: number;
  /** Seeded bootstrap percentile intervals [low, high]. */
  readonly costInterval?: readonly [number, number];
  readonly qualityInterval?: readonly [number, number];
  /** Mean and p95 latency, where the records carry `latency_ms`. */
  readonly latency?: LatencySummary;
}

/** Mean and 95th percentile (nearest rank) latency of a policy in milliseconds; an escalated query waits for both models. */
export interface LatencySummary {
  readonly meanMs: number;
  readonly p95Ms: number;
  /** Queries with a latency for every model, which the figures are over. */
  readonly n: number;
}

/** Whether a policy's cost fits a budget at a confidence level (the recommendation's budget rule). */
export interface BudgetCheck {
  /** Dollars per query. */
  readonly budget: number;
  /** One-sided confidence level of the bound, e.g. 0.9. */
  readonly confidence: number;
  /** Queries the mean was measured on. */
  readonly n: number;
  /** Mean cost per query on those queries. */
  readonly meanCost: number;
  /** One-sided upper confidence bound of the mean cost per query at `confidence`. */
  readonly costUpperBound: number;
  /** True when `costUpperBound <= budget`. */
  readonly fits: boolean;
}

/** "Is escalation worth it?" for a budget, with the uncertainty of the answer. */
export interface EscalationVerdict {
  /** `yes`: the gain's lower bound is above zero; `no`: its upper bound is at most zero, or no cascade fits; `unclear`: in between. */
  readonly answer: 'yes' | 'no' | 'unclear';
  /**
   * Why: `gain-credible` (yes), `loss-credible` (no: the upper bound is at most zero),
   * `uncertain` (unclear), `not-better-on-calibration` (no: the best cascade that fits does not
   * beat the single model even on calibration; `gain` is then in-sample and has no interval),
   * `no-cascade-fits` (no: no cascade escalates anything within the budget).
   */
  readonly reason: 'gain-credible' | 'loss-credible' | 'uncertain' | 'not-better-on-calibration' | 'no-cascade-fits';
  /** The single model the cascade is compared with: the best single model that fits the budget. */
  readonly versus: string;
  /** The best cascade that fits the budget (calibration figures), when one does. */
  readonly candidate?: PolicyPoint;
  /** Mean quality gain of the candidate over `versus` on calibration queries: cross-validated (out-of-fold) except for `not-better-on-calibration`. */
  readonly gain?: number;
  /** Paired bootstrap interval of that gain: each end is a one-sided bound at `confidence`. */
  readonly interval?: readonly [number, number];
  /** One-sided confidence of each end of `interval`. */
  readonly confidence: number;
  /** Calibration queries the gain was measured on. */
  readonly n: number;
  /** For `unclear`: roughly how many more labelled calibration queries would settle it (null when the observed gain is 0). */
  readonly moreQueries?: number | null;
  /** False when the calibration split was too small to cross-validate (the gain is then in-sample). */
  readonly crossValidated: boolean;
  /** The candidate measured on the holdout split, and its held-out gain over `versus`, when there is a holdout. */
  readonly candidateHoldout?: Measured;
  readonly holdoutGain?: number;
}

export interface ModelSummary {
  readonly name: string;
  /** C_m and Q_m on the calibration queries (all queries when there is no split). */
  readonly cost: number;
  readonly quality: number;
  readonly n: number;
  /** Where the confidence comes from: logged in the records, learned from the answer texts, or none. */
  readonly confidenceSource: ConfidenceSource;
  /** Observed confidence range (calibration), for checking configured thresholds; null without a confidence. -Infinity and Infinity are values. */
  readonly confidenceMin: number | null;
  readonly confidenceMax: number | null;
  /**
   * AUROC of the confidence for the model's own correctness (ties count one half); null without
   * both right and wrong answers. A logged confidence: on the calibration queries. A learned
   * one: held out, or cross-fitted on calibration when there is no holdout (as
   * `learnedConfidence.auroc`; its calibration figure is `learnedConfidence.aurocCalibration`).
   */
  readonly confidenceAuroc: number | null;
  /** The same on the holdout queries; null without a holdout. */
  readonly confidenceAurocHoldout: number | null;
  /** Expected calibration error (10 equal-mass bins, calibration queries) of a confidence that is a probability or a log-probability; null for any other scale. */
  readonly calibrationError: number | null;
  /** The rest of the confidence signal's quality: scale, holdout calibration error, reliability bins, weak and degenerate flags. */
  readonly confidenceSignal: ConfidenceSignalSummary;
  /** A learned confidence only: how much signal it carries. */
  readonly learnedConfidence?: LearnedConfidenceSummary;
}

/** How much signal a learned confidence carries, and what it was learned from. */
export interface LearnedConfidenceSummary {
  /** AUROC of the learned score for the model's correctness: held out, or cross-fitted on calibration without a holdout. */
  readonly auroc: number | null;
  /** AUROC on the calibration queries, each scored out of fold (cross-fitted). */
  readonly aurocCalibration: number | null;
  readonly measuredOn: 'holdout' | 'calibration, cross-fitted';
  /** `auroc` under 0.55: the score can hardly tell right answers from wrong ones (`confidenceSignal.weak` says the same for a learned confidence). */
  readonly littleSignal: boolean;
  /** Which texts it reads. */
  readonly from: 'answer and prompt' | 'answer' | 'prompt';
}

/** What one model's learned confidence was made from, or why it has none. */
export type LearnedModel =
  | {
      readonly model: string;
      readonly learned: true;
      /** Which texts the features read. */
      readonly from: 'answer and prompt' | 'answer' | 'prompt';
      /** Queries with an answer text, of all queries. */
      readonly answers: number;
      readonly queries: number;
      /** Calibration queries the scorer was trained on, and the folds of the cross-fitting. */
      readonly trainedOn: number;
      readonly folds: number;
    }
  | { readonly model: string; readonly learned: false; readonly reason: string };

/** What keeps the analysis from being complete, and what to do about it, said once at the top. */
export interface Diagnosis {
  /** Models with no confidence, neither logged nor learned: never a first stage. */
  readonly withoutConfidence: readonly string[];
  /** Models whose confidence is learned from their answer texts. */
  readonly learned: readonly string[];
  /** Per harness (the format the models were read from): the exact way to get a confidence. */
  readonly steps: readonly DiagnosisStep[];
  /** Plain statements about degenerate inputs: a constant confidence, one usable model, every answer right or none. */
  readonly notes: readonly string[];
  /** Everything above as lines of text, as the command line prints it. */
  readonly lines: readonly string[];
}

export interface DiagnosisStep {
  /** The harness or format, e.g. `Inspect`, `JSONL records`. */
  readonly harness: string;
  readonly models: readonly string[];
  /** What to do, with the flags and settings to type. */
  readonly step: string;
}

export type { ConfidenceSignalSummary, ConfidenceScale, ReliabilityBin, ModelDrift, SplitDrift, DriftSummary } from './signalTypes.ts';

/** One cheap -> expensive pair's deterministic curve, thinned to its Pareto points for display. */
export interface PairCurveSummary {
  readonly cheap: string;
  readonly expensive: string;
  /** Points ordered by threshold ascending (cost ascending), thinned to the pair's own Pareto set, and to at most 500 evenly spaced points (first and last kept) on large sets. */
  readonly points: readonly { readonly threshold: number | null; readonly cost: number; readonly quality: number; readonly escalationRate: number }[];
}

/** How calibration and holdout queries were told apart. */
export interface SplitInfo {
  /** `field`: from a record field; `random`: a seeded random split; `none`: everything is calibration (in-sample only). */
  readonly kind: 'field' | 'random' | 'none';
  readonly field?: string;
  readonly calibration?: string;
  readonly holdout?: string;
  readonly seed?: number;
  readonly holdoutFraction?: number;
  readonly nCalibration: number;
  readonly nHoldout: number;
}

export interface Recommendation {
  /** What was asked: a budget in dollars per query or a quality target. */
  readonly budget?: number;
  readonly target?: number;
  /** False when no policy meets the budget or target; `reason` says why. */
  readonly feasible: boolean;
  readonly reason?: string;
  /** The chosen envelope vertex (calibration figures). */
  readonly choice?: EnvelopeVertex;
  readonly holdout?: Measured;
  /** Calibration figures with bootstrap intervals (in-sample). */
  readonly inSample?: Measured;
  /** Best single model within the budget (by calibration quality), and its figures. */
  readonly bestSingle?: { readonly model: string; readonly inSample: Measured; readonly holdout?: Measured };
  /** Quality gain of the recommendation over the best single model within budget (holdout when available, else in-sample). */
  readonly gainOverBestSingle?: number;
  /** True when the recommendation is a cascade that beats the best single model within budget. */
  readonly escalationWorthIt?: boolean;
  /** Local shadow price of the pair at the chosen threshold. */
  readonly localShadowPrice?: LocalShadowPrice;
  /**
   * The rule that chose `choice`: `noise-aware` for a budget (see the README), `in-sample` for a
   * quality target (the cheapest vertex reaching it).
   */
  readonly rule?: 'noise-aware' | 'in-sample';
  /** Index of `choice` in the envelope, when it is an envelope vertex (a noise-aware choice may be another threshold of a pair, or a single model off the envelope). */
  readonly envelopeIndex?: number;
  /** The vertex the in-sample rule picks (highest calibration quality within the budget), for comparison. */
  readonly inSampleChoice?: EnvelopeVertex;
  /** The budget check of `choice`: its mean cost's upper confidence bound against the budget. */
  readonly budgetCheck?: BudgetCheck;
  /** True when no policy fits the budget at the confidence level and the cheapest model is recommended anyway. */
  readonly fallback?: boolean;
  /** Single models whose calibration mean cost is within the budget but whose upper bound is not (best first). */
  readonly excludedSingles?: readonly { readonly model: string; readonly cost: number; readonly costUpperBound: number; readonly quality: number }[];
  /** Is escalation worth it: Yes, No or Unclear with the interval of the gain (budgets only). */
  readonly verdict?: EscalationVerdict;
}

export interface CascadeEvaluation {
  readonly policy: PolicySpec;
  readonly inSample: Measured;
  readonly holdout?: Measured;
  /** F(C) - Q at the cascade's own calibration cost (>= 0). */
  readonly gapToEnvelope: number;
  /** Envelope quality at the cascade's cost. */
  readonly envelopeQualityAtCost: number;
  /** An envelope policy with cost <= and quality >= (one strictly), when one exists: the best quality within the cascade's cost. */
  readonly dominatedBy?: PolicyPoint;
  /** The envelope vertex of highest calibration quality within the cascade's calibration cost, and its figures held out. */
  readonly envelopeAtCost?: { readonly policy: PolicySpec; readonly calibration: { readonly cost: number; readonly quality: number }; readonly holdout: Measured };
  /** Held-out quality of `envelopeAtCost` minus the cascade's: how far below the envelope the cascade is on new queries (negative when above it). */
  readonly holdoutGapToEnvelope?: number;
  /** Same-cost recommendation for the same first stage: the best threshold of this pair within the cascade's cost. */
  readonly bestThresholdSamePair?: PolicyPoint;
  /**
   * The recommendation rule's threshold for the same pair (what the editor suggests): the best
   * point of the pair's smoothed quality curve whose cost fits the budget at the budget
   * confidence (`basis: 'budget'`), or, without a budget, whose mean cost is at most the
   * cascade's own (`basis: 'cost'`); with its budget check. Pairs only.
   */
  readonly suggestedThreshold?: PolicyPoint & { readonly basis: 'budget' | 'cost'; readonly budgetCheck: BudgetCheck };
  readonly shadowPrice: ShadowPrice;
}

/**
 * The recommendation rule's pick for one budget of a grid (for a budget control that moves
 * without recomputing): what `recommendation` would say at that budget, held-out figures without
 * intervals.
 */
export interface BudgetPick {
  /** Dollars per query. */
  readonly budget: number;
  /** False when the budget is below every model's calibration mean cost. */
  readonly feasible: boolean;
  /** The policy to deploy, calibration figures. */
  readonly choice?: PolicyPoint;
  /** Its index in the envelope, when it is an envelope vertex. */
  readonly envelopeIndex?: number;
  /** The choice measured on the holdout split. */
  readonly holdout?: Measured;
  readonly budgetCheck?: BudgetCheck;
  /** True when nothing fits at the confidence level and the cheapest model is picked anyway. */
  readonly fallback?: boolean;
  /** The best single model that fits, with its held-out figures. */
  readonly bestSingle?: { readonly model: string; readonly cost: number; readonly quality: number; readonly holdout?: Measured };
  readonly verdict?: EscalationVerdict;
}

/** The analysis of one evaluation set: the stable object printed by `analyze --json`. */
export interface AnalysisResult extends PairwiseEnvelope {
  readonly version: 1;
  /** Joint queries used (calibration + holdout). */
  readonly n: number;
  readonly split: SplitInfo;
  readonly models: readonly ModelSummary[];
  readonly pairs: readonly PairCurveSummary[];
  readonly recommendation?: Recommendation;
  /** With `budgetGrid`: the recommendation rule's pick at log-spaced budgets from the cheapest model to 1.5 x the dearest. */
  readonly budgetPicks?: readonly BudgetPick[];
  readonly cascade?: CascadeEvaluation;
  /** With a split: whether the calibration queries look like the holdout queries. */
  readonly drift?: DriftSummary;
  /** For each envelope vertex, its policy measured on the holdout split. */
  readonly holdout?: readonly { readonly policy: PolicySpec; readonly calibration: { readonly cost: number; readonly quality: number }; readonly holdout: Measured }[];
  /** Present when models lack a confidence, a confidence is learned, or the input is degenerate: said before anything else. */
  readonly diagnosis?: Diagnosis;
  /** Warnings as `file:line: message` strings (first twenty; the rest counted in the last entry). */
  readonly warnings: readonly string[];
  /** Settings of the statistics: bootstrap resamples, seed, interval level, local shadow-price window, and the recommendation rule's settings when a budget was asked. */
  readonly settings: {
    readonly bootstrapResamples: number;
    /** Intervals of means over this many queries or more are normal ones (mean +- z sd / sqrt(n)); below, bootstrap percentile intervals. */
    readonly normalIntervalsFrom: number;
    readonly seed: number;
    readonly level: number;
    readonly localWindow: number;
    readonly selection?: SelectionSettings;
  };
}

/** The settings the recommendation rule ran with. */
export interface SelectionSettings {
  /** Confidence that a recommended policy's mean cost per query is within the budget. */
  readonly budgetConfidence: number;
  /** One-sided confidence of the gain's bounds for the escalation verdict. */
  readonly gainConfidence: number;
  /** Folds and repeats of the cross-validation inside the calibration split. */
  readonly folds: number;
  readonly repeats: number;
  readonly seed: number;
  /** Bootstrap resamples of the gain's interval (0: normal approximation). */
  readonly resamples: number;
  /** How the gain's interval was computed: bootstrap percentile, or normal (no resamples, or above 5,000 calibration queries). */
  readonly gainInterval: 'percentile' | 'normal';
  /** Half-width of the threshold smoothing window as a share of the queries at 300 queries. */
  readonly smoothing: number;
  /** That half-width on the calibration split, in queries. */
  readonly smoothingWindow: number;
  /** Largest p95 latency a recommended policy may have, when set. */
  readonly maxLatencyP95Ms?: number;
}
