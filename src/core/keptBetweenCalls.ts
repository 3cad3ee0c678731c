/**
 * Where the analysis keeps work from one call to the next: the bootstrap's resampled sums
 * (keptSums.ts) and the recommendation rule's pair fits (select/keptPairs.ts). Only inside
 * {@link keepBetweenCalls}: a process that analyses the same files again and again (the
 * editor's, at every save) wraps its analysis in it; a one-off run (the command line), and work
 * on other subsets of the data (a backtest's re-splits), keep nothing and push nothing out.
 */

let depth = 0;

/** Runs `work` (synchronous) with keeping on: the calls inside recall and keep. */
export function keepBetweenCalls<T>(work: () => T): T {
  depth++;
  try {
    return work();
  } finally {
    depth--;
  }
}

/** True inside {@link keepBetweenCalls}. */
export function keeping(): boolean {
  return depth > 0;
}
