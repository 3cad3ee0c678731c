/**
 * The latency constraint of the recommendation (`maxLatencyP95Ms`): which single models and
 * which thresholds of each pair keep the upper confidence bound of the p95 latency within it.
 */
import type { Dataset, ModelColumns } from '../types.ts';
import { LATENCY_PERCENTILE, latencyMask, PairLatencyTracker, quantileUpperRank } from '../latency.ts';
import { confidenceOrder } from '../pairCurve.ts';
import { zForConfidence } from './budget.ts';

export interface LatencyLimits {
  /** False when the single model's p95 bound is over the limit. */
  singleAllowed(model: number): boolean;
  /** False when the pair cannot run within the limit even escalating nothing. */
  pairAllowed(cheap: number, expensive: number): boolean;
  /** The highest threshold of the pair within the limit (+Infinity: any). */
  maxThreshold(cheap: number, expensive: number): number;
}

const NO_LIMITS: LatencyLimits = { singleAllowed: () => true, pairAllowed: () => true, maxThreshold: () => Infinity };

/**
 * Limits for models `cols` (indices as given) of a calibration split. Without a limit, or when
 * the data has no latencies, everything is allowed. Escalating one more query never shortens
 * a query's latency, so a pair's allowed thresholds are those below the first that breaks the
 * limit. O(k^2 n log n) with a limit, O(1) without.
 * @throws Error when a limit is set but the data has no latencies (the limit cannot be honoured).
 */
export function latencyLimits(cal: Dataset, cols: readonly ModelColumns[], maxP95Ms: number | undefined, confidence: number): LatencyLimits {
  if (maxP95Ms === undefined) return NO_LIMITS;
  const mask = latencyMask(cal);
  if (!mask) throw new Error('a p95 latency limit needs latency_ms in the records of every model; these records have none. Drop the limit or add latency_ms.');
  const z = zForConfidence(confidence);
  const k = cols.length;
  const single = cols.map((m) => {
    const tracker = new PairLatencyTracker(m, m, mask);
    return tracker.orderStatistic(quantileUpperRank(tracker.n, LATENCY_PERCENTILE, z)) <= maxP95Ms;
  });
  const caps = new Float64Array(k * k).fill(-Infinity);
  for (let a = 0; a < k; a++) {
    const cheap = cols[a];
    const order = confidenceOrder(cheap);
    const s = cheap.confidence;
    for (let b = a + 1; b < k; b++) {
      const tracker = new PairLatencyTracker(cheap, cols[b], mask);
      const rank = quantileUpperRank(tracker.n, LATENCY_PERCENTILE, z);
      if (tracker.orderStatistic(rank) > maxP95Ms) continue;
      // Escalate tie groups in confidence order; the cap is the threshold of the last group boundary within the limit.
      let cap = Infinity;
      let j = 0;
      while (j < order.length) {
        const v = s[order[j]];
        while (j < order.length && s[order[j]] === v) tracker.escalate(order[j++]);
        if (tracker.orderStatistic(rank) > maxP95Ms) {
          cap = v;
          break;
        }
      }
      caps[a * k + b] = cap;
    }
  }
  return {
    singleAllowed: (m) => single[m],
    pairAllowed: (a, b) => caps[a * k + b] > -Infinity,
    maxThreshold: (a, b) => caps[a * k + b],
  };
}
