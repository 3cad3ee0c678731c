import type { Dataset, ModelColumns, ModelDrift, SplitDrift } from '../types.ts';
import type { SortedColumns } from '../sortIndices.ts';
import { ColumnMemo } from '../columnMemo.ts';
import { differenceOfMeansInterval, ksCriticalDistance, ksDistance, meanAndVariance, meanOf, normalQuantile, proportionDifferenceInterval } from './intervals.ts';

/**
 * Family-wise error rate of the drift checks: the chance that a split drawn at random from one
 * population raises any drift warning, at most, over every model and measure together
 * (Bonferroni: each of the 3k intervals is at level 1 - 0.01 / 3k).
 */
export const DRIFT_FAMILYWISE_ALPHA = 0.01;
/**
 * Smallest differences worth a warning even when they are beyond chance (they matter only on
 * large sets, where a tiny shift is significant): one quality point, 2% of the mean cost, and a
 * Kolmogorov-Smirnov distance of 0.05.
 */
export const DRIFT_MIN_EFFECT = { quality: 0.01, costShare: 0.02, ks: 0.05 } as const;

/**
 * Compares the calibration split with the holdout for every model: quality (Newcombe's interval
 * for a difference of proportions), mean cost (a normal interval for a difference of means) and
 * the confidence distribution (two-sample Kolmogorov-Smirnov distance against its critical
 * value), each at the Bonferroni level that keeps the family-wise error rate at `alpha`. A
 * measure drifts when its interval excludes 0 (the distance exceeds its critical value) and the
 * difference is at least {@link DRIFT_MIN_EFFECT}. `sorted`: where the confidences in ascending
 * order are shared with other measures. O(k (n + m) log(n + m)).
 * @throws Error when the two sets do not have the same models.
 */
export function splitDrift(calibration: Dataset, holdout: Dataset, alpha = DRIFT_FAMILYWISE_ALPHA, sorted?: SortedColumns): SplitDrift {
  const levels = driftLevels(calibration.models.length, alpha);
  const models = calibration.models.map((cal): ModelDrift => {
    const held = holdout.models.find((m) => m.name === cal.name);
    if (!held) throw new Error(`the holdout split has no model ${cal.name}.`);
    return modelDrift(cal, held, levels, sorted);
  });
  return driftOf(levels, models);
}

/** The Bonferroni levels of {@link splitDrift}'s 3k tests over `models` models at family-wise rate `alpha`. O(1). */
export function driftLevels(models: number, alpha = DRIFT_FAMILYWISE_ALPHA): DriftLevels {
  const tests = 3 * models;
  const perTest = alpha / Math.max(1, tests);
  return { alpha, tests, perTest, z: normalQuantile(1 - perTest / 2) };
}

/** See {@link driftLevels}. */
export interface DriftLevels {
  readonly alpha: number;
  readonly tests: number;
  readonly perTest: number;
  readonly z: number;
}

/** The drift check of every model (each from {@link modelDrift}, in the calibration set's order of models). O(k). */
export function driftOf(levels: DriftLevels, models: readonly ModelDrift[]): SplitDrift {
  return { familywiseAlpha: levels.alpha, level: 1 - levels.perTest, tests: levels.tests, models: [...models] };
}

/** Distances already computed, by the memory of the two confidence columns (see `ColumnMemo`): a save that changes one model's file measures that model's alone. */
const distances = new ColumnMemo<number>();

/** {@link ksDistance} of two confidence columns, once per pair of typed columns. */
function distanceOf(a: ArrayLike<number>, b: ArrayLike<number>, sorted: SortedColumns | undefined): number {
  return a instanceof Float64Array && b instanceof Float64Array ? distances.get([a, b], () => ksDistance(a, b, sorted)) : ksDistance(a, b, sorted);
}

/** One model's part of {@link splitDrift}: its calibration columns against its holdout columns. O((n + m) log(n + m)). */
export function modelDrift(cal: ModelColumns, held: ModelColumns, levels: DriftLevels, sorted?: SortedColumns): ModelDrift {
  const { z, perTest } = levels;
  const n = cal.quality.length;
  const m = held.quality.length;
  const qc = meanOf(cal.quality);
  const qh = meanOf(held.quality);
  const qi = proportionDifferenceInterval(qc, n, qh, m, z);
  const costCal = meanAndVariance(cal.cost);
  const costHeld = meanAndVariance(held.cost);
  const cost = differenceOfMeansInterval(costCal, cal.cost.length, costHeld, held.cost.length, z);
  const cc = costCal.mean;
  const ch = costHeld.mean;
  const distance = distanceOf(cal.confidence, held.confidence, sorted);
  const critical = ksCriticalDistance(n, m, perTest);
  const excludesZero = (iv: readonly [number, number]) => iv[0] > 0 || iv[1] < 0;
  return {
    name: cal.name,
    quality: { calibration: qc, holdout: qh, interval: qi, drifted: excludesZero(qi) && Math.abs(qc - qh) >= DRIFT_MIN_EFFECT.quality },
    cost: {
      calibration: cc,
      holdout: ch,
      interval: cost.interval,
      drifted: excludesZero(cost.interval) && Math.abs(cc - ch) >= DRIFT_MIN_EFFECT.costShare * Math.max(cc, ch),
    },
    confidence: { distance, critical, drifted: distance > critical && distance >= DRIFT_MIN_EFFECT.ks },
  };
}

/** True when any model drifts on any measure. O(k). */
export function hasDrift(drift: SplitDrift): boolean {
  return drift.models.some((m) => m.quality.drifted || m.cost.drifted || m.confidence.drifted);
}
