import { inOrder, sortIndicesByValue } from '../sortIndices.ts';

/**
 * AUROC of a confidence signal for the correctness it should predict: the probability that a
 * random correct answer has a higher confidence than a random wrong one, ties counting one half.
 * A graded quality `q` in [0, 1] counts a query as correct with weight `q` and wrong with weight
 * `1 - q` (pairs of a query with itself left out), which is the usual AUROC for 0/1 quality.
 * One sort and one pass over groups of tied confidences: O(n log n), O(n) when `order` (indices by
 * ascending confidence) is given.
 * @returns the AUROC in [0, 1], or null when there is no correct or no wrong answer.
 * @example confidenceAuroc([0.9, 0.2, 0.6], [1, 0, 0]) // 1
 */
export function confidenceAuroc(confidence: ArrayLike<number>, quality: ArrayLike<number>, order?: Uint32Array): number | null {
  const sorted = order ?? sortIndicesByValue(Float64Array.from(confidence));
  return aurocInOrder(inOrder(confidence, sorted), inOrder(quality, sorted));
}

/** {@link confidenceAuroc} of queries given in ascending order of confidence (`confidence` ascending, `quality` alongside). O(n). */
export function aurocInOrder(confidence: Float64Array, quality: Float64Array): number | null {
  const n = confidence.length;
  let wrongBelow = 0;
  let concordant = 0;
  let positives = 0;
  let negatives = 0;
  let selfPairs = 0;
  for (let start = 0; start < n;) {
    const value = confidence[start];
    let end = start;
    let groupPositive = 0;
    let groupNegative = 0;
    while (end < n && confidence[end] === value) {
      const q = quality[end];
      groupPositive += q;
      groupNegative += 1 - q;
      selfPairs += q * (1 - q);
      end++;
    }
    // Correct answers of this group beat every wrong answer below it and tie with those in it.
    concordant += groupPositive * wrongBelow + 0.5 * (groupPositive * groupNegative);
    wrongBelow += groupNegative;
    positives += groupPositive;
    negatives += groupNegative;
    start = end;
  }
  // A query's pairing with itself (graded quality only) is a tie: take it out of both sums.
  const pairs = positives * negatives - selfPairs;
  if (!(pairs > 1e-12)) return null;
  return (concordant - 0.5 * selfPairs) / pairs;
}
