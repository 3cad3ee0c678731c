/**
 * The shapes of what the analysis says about each model's confidence signal (its scale,
 * reliability diagram, how coarse it is) and about drift between the calibration and holdout
 * queries. Re-exported by `types.ts`, where the other result types live.
 */

/** A model's confidence signal beyond the three headline figures of `ModelSummary`. */
export interface ConfidenceSignalSummary {
  readonly scale: ConfidenceScale;
  readonly calibrationErrorHoldout: number | null;
  /** Reliability diagram: equal-mass bins of mean stated probability against mean quality; empty on the `score` scale. */
  readonly reliability: readonly ReliabilityBin[];
  readonly reliabilityHoldout: readonly ReliabilityBin[];
  /** Distinct values on the calibration queries, and the share of queries on the five most frequent. */
  readonly distinctValues: number;
  readonly commonValuesShare: number;
  /** AUROC under 0.55 (calibration for a logged confidence; for a learned one the AUROC of `ModelSummary.confidenceAuroc`): too weak to decide which queries a first stage keeps. */
  readonly weak: boolean;
  /** Constant, or a few values for most queries: thresholds can only cut it coarsely. */
  readonly degenerate: boolean;
}

/**
 * How a confidence signal reads: `probability` when every value is in [0, 1], `log-probability`
 * when every value is <= 0 (some below 0), `score` otherwise (any monotone scale, with no
 * calibration to check).
 */
export type ConfidenceScale = 'probability' | 'log-probability' | 'score';

/** One bin of a reliability diagram: the mean stated probability against the observed quality. */
export interface ReliabilityBin {
  /** Queries in the bin. */
  readonly n: number;
  /** Mean probability the signal gave them. */
  readonly confidence: number;
  /** Their mean quality (the share answered correctly for 0/1 quality). */
  readonly quality: number;
  /** Lowest and highest probability in the bin. */
  readonly from: number;
  readonly to: number;
}

/** Calibration against holdout for one model. Differences are calibration minus holdout; `drifted` when beyond chance and large enough to matter. */
export interface ModelDrift {
  readonly name: string;
  readonly quality: { readonly calibration: number; readonly holdout: number; readonly interval: readonly [number, number]; readonly drifted: boolean };
  /** Mean cost in dollars per query. */
  readonly cost: { readonly calibration: number; readonly holdout: number; readonly interval: readonly [number, number]; readonly drifted: boolean };
  /** Two-sample Kolmogorov-Smirnov distance of the confidences, and the distance beyond which it is more than chance. */
  readonly confidence: { readonly distance: number; readonly critical: number; readonly drifted: boolean };
}

/** Whether the calibration queries look like the holdout queries, model by model. */
export interface SplitDrift {
  /** Family-wise error rate over every interval; each interval's level (Bonferroni); how many intervals. */
  readonly familywiseAlpha: number;
  readonly level: number;
  readonly tests: number;
  readonly models: readonly ModelDrift[];
}

/** {@link SplitDrift} with its warnings, worded for the command line (empty when nothing drifts). */
export interface DriftSummary extends SplitDrift {
  readonly warnings: readonly string[];
}
