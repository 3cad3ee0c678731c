import type { ConfidenceScale, ConfidenceSignalSummary, ModelColumns } from '../types.ts';
import { type ColumnScratch, inOrder, sharedOrder, sortIndicesByValue, type SortedColumns } from '../sortIndices.ts';
import { aurocInOrder } from './auroc.ts';
import { ColumnMemo } from '../columnMemo.ts';
import { confidenceAsProbability, confidenceScale, expectedCalibrationError, reliabilityBinsInOrder } from './calibration.ts';
import { concentrationInOrder, FEW_VALUES, isDegenerateSignal } from './concentration.ts';

/** Below this AUROC a confidence signal is too weak to decide which queries a first stage keeps. */
export const WEAK_AUROC = 0.55;
/** Equal-mass bins of the calibration error and the reliability diagram. */
export const RELIABILITY_BINS = 10;

/** What a model's confidence signal is worth for a cascade, on calibration and holdout queries. */
export interface ConfidenceQuality extends ConfidenceSignalSummary {
  /** AUROC of the confidence for the model's own correctness; null without both right and wrong answers. */
  readonly auroc: number | null;
  readonly aurocHoldout: number | null;
  /** Expected calibration error (equal-mass bins) of the confidence read as a probability; null on the `score` scale. */
  readonly calibrationError: number | null;
}

/**
 * The quality of a model's confidence signal: AUROC, calibration error and reliability bins on
 * the calibration queries and (when given) the holdout queries, with the weak and degenerate
 * flags. The scale (probability, log-probability or score) is read from every value the model
 * has, so both splits are judged alike. Works on any confidence column, logged or learned.
 * Computed once per set of columns (see `summaries`): the result must not be modified.
 * `sorted`: where the confidences in ascending order are shared with other measures.
 * O(n log n) the first time, O(1) after.
 */
export function confidenceQuality(
  calibration: Pick<ModelColumns, 'confidence' | 'quality'>,
  holdout?: Pick<ModelColumns, 'confidence' | 'quality'>,
  sorted?: SortedColumns,
  scratch?: ColumnScratch,
): ConfidenceQuality {
  const columns = [calibration.confidence, calibration.quality, ...(holdout ? [holdout.confidence, holdout.quality] : [])];
  if (!columns.every((c) => c instanceof Float64Array)) return measureQuality(calibration, holdout);
  return summaries.get(columns as Float64Array[], () => measureQuality(calibration, holdout, sorted, scratch));
}

/** Summaries already computed, by the memory of the columns they read (see `ColumnMemo`). */
const summaries = new ColumnMemo<ConfidenceQuality>();

function measureQuality(
  calibration: Pick<ModelColumns, 'confidence' | 'quality'>,
  holdout?: Pick<ModelColumns, 'confidence' | 'quality'>,
  sorted?: SortedColumns,
  scratch?: ColumnScratch,
): ConfidenceQuality {
  const scale = combinedScale(calibration.confidence, holdout?.confidence);
  // One sort per split serves the AUROC and the bins: a probability read from a log-probability keeps its order.
  const orderOf = (m: Pick<ModelColumns, 'confidence'>) => (m.confidence instanceof Float64Array ? sharedOrder(m.confidence) : sortIndicesByValue(Float64Array.from(m.confidence)));
  // The confidences and qualities laid out in confidence order once, for every pass below.
  const measure = (m: Pick<ModelColumns, 'confidence' | 'quality'>, order: Uint32Array) => {
    const confidence = sorted && m.confidence instanceof Float64Array ? sorted(m.confidence) : inOrder(m.confidence, order);
    if (m.confidence.length === 0) return { confidence, auroc: null, bins: [] };
    const quality = inOrder(m.quality, order, scratch?.column(order.length));
    // On the probability scale the probabilities are the confidences themselves (nothing below writes to them).
    const p = scale === 'probability' ? confidence : confidenceAsProbability(confidence, scale, scratch?.column(confidence.length));
    return { confidence, auroc: aurocInOrder(confidence, quality), bins: p ? reliabilityBinsInOrder(p, quality, RELIABILITY_BINS) : [] };
  };
  const { confidence: calSorted, auroc, bins: cal } = measure(calibration, orderOf(calibration));
  const { auroc: aurocHoldout, bins: held } = holdout ? measure(holdout, orderOf(holdout)) : { auroc: null, bins: [] };
  const concentration = concentrationInOrder(calSorted, FEW_VALUES);
  return {
    scale,
    auroc,
    aurocHoldout,
    calibrationError: cal.length > 0 ? expectedCalibrationError(cal) : null,
    calibrationErrorHoldout: held.length > 0 ? expectedCalibrationError(held) : null,
    reliability: cal,
    reliabilityHoldout: held,
    distinctValues: concentration.distinct,
    commonValuesShare: concentration.commonShare,
    weak: auroc !== null && auroc < WEAK_AUROC,
    degenerate: isDegenerateSignal(concentration, calibration.confidence.length),
  };
}

function combinedScale(a: ArrayLike<number>, b: ArrayLike<number> | undefined): ConfidenceScale {
  const sa = confidenceScale(a);
  if (!b || b.length === 0) return sa;
  const sb = confidenceScale(b);
  if (sa === sb) return sa;
  if (sa === 'score' || sb === 'score') return 'score';
  // One split all in [0, 1], the other all <= 0: together they are <= 0 only if the first is all 0.
  return confidenceScale(Float64Array.from([...Array.from(a), ...Array.from(b)]));
}
