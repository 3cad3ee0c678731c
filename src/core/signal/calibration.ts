import type { ConfidenceScale, ReliabilityBin } from '../types.ts';
import { inOrder, sortIndicesByValue } from '../sortIndices.ts';

/** The scale of a confidence column (see {@link ConfidenceScale}); `score` for an empty one. O(n). */
export function confidenceScale(confidence: ArrayLike<number>): ConfidenceScale {
  if (confidence.length === 0) return 'score';
  let inUnit = true;
  let nonPositive = true;
  for (let i = 0; i < confidence.length; i++) {
    const v = confidence[i];
    if (!(v >= 0 && v <= 1)) inUnit = false;
    if (!(v <= 0)) nonPositive = false;
  }
  return inUnit ? 'probability' : nonPositive ? 'log-probability' : 'score';
}

/**
 * The confidence as a probability: itself on the `probability` scale, `exp` of it on the
 * `log-probability` scale (`-Infinity` becomes 0), in a new column or `out`. Undefined on the
 * `score` scale. O(n).
 */
export function confidenceAsProbability(confidence: ArrayLike<number>, scale: ConfidenceScale = confidenceScale(confidence), out?: Float64Array): Float64Array | undefined {
  if (scale === 'score') return undefined;
  const p = out ?? new Float64Array(confidence.length);
  if (scale === 'log-probability') for (let i = 0; i < p.length; i++) p[i] = Math.exp(confidence[i]!);
  else for (let i = 0; i < p.length; i++) p[i] = confidence[i]!;
  return p;
}

/**
 * Equal-mass reliability bins: queries sorted by probability and cut into `bins` groups of
 * (nearly) equal size, bin `b` ending at rank round((b + 1) n / bins). Tied probabilities are never
 * cut apart: a bin that would end inside a run of ties takes the whole run (and a bin whose share
 * it took is left out), so a signal with few distinct values gets fewer, larger bins (and the result does not depend on the order of the
 * queries). O(n log n) for the sort, O(n) when `order` (indices by ascending probability, or by
 * any value the probability is a non-decreasing function of) is given.
 * @throws RangeError when `bins` is not a whole number >= 1.
 */
export function reliabilityBins(probability: ArrayLike<number>, quality: ArrayLike<number>, bins = 10, order?: Uint32Array): ReliabilityBin[] {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`reliabilityBins needs a whole number of bins >= 1, got ${bins}`);
  order ??= sortIndicesByValue(Float64Array.from(probability));
  return reliabilityBinsInOrder(inOrder(probability, order), inOrder(quality, order), bins);
}

/** {@link reliabilityBins} of queries given in ascending order of probability (`probability` ascending, `quality` alongside). O(n). */
export function reliabilityBinsInOrder(probability: Float64Array, quality: Float64Array, bins: number): ReliabilityBin[] {
  const n = probability.length;
  const out: ReliabilityBin[] = [];
  let start = 0;
  for (let b = 0; b < bins && start < n; b++) {
    let end = Math.round(((b + 1) * n) / bins);
    // The previous bin took a run of ties past this bin's end: nothing is left for this one.
    if (end <= start) continue;
    while (end < n && probability[end] === probability[end - 1]) end++;
    let p = 0;
    let q = 0;
    for (let r = start; r < end; r++) {
      p += probability[r];
      q += quality[r];
    }
    out.push({ n: end - start, confidence: p / (end - start), quality: q / (end - start), from: probability[start], to: probability[end - 1] });
    start = end;
  }
  return out;
}

/**
 * Expected calibration error of reliability bins: the mean over queries of the gap between the
 * stated probability and the observed quality of their bin, sum_b (n_b / n) |confidence_b - quality_b|.
 * O(bins). @returns NaN for no bins.
 */
export function expectedCalibrationError(bins: readonly ReliabilityBin[]): number {
  let n = 0;
  let sum = 0;
  for (const b of bins) {
    n += b.n;
    sum += b.n * Math.abs(b.confidence - b.quality);
  }
  return n === 0 ? NaN : sum / n;
}
