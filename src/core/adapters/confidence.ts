import type { ConfidenceSignal } from '../options.ts';

/** The default signal when a file has token log-probabilities and no signal was chosen. */
export const DEFAULT_CONFIDENCE_SIGNAL: ConfidenceSignal = 'mean-logprob';

/** One generated token: its natural-log probability and, when reported, the log-probabilities of the top alternatives. */
export interface TokenLogprob {
  readonly logprob: number;
  /** Log-probabilities of the reported alternatives at this position (usually including the chosen token). */
  readonly alternatives?: readonly number[];
}

const SIGNAL_LABELS: Record<ConfidenceSignal, string> = {
  'mean-logprob': 'mean token log-prob',
  'min-logprob': 'minimum token log-prob',
  'mean-negentropy': 'mean token negentropy',
  'sequence-prob': 'sequence probability',
};

/** Words for a signal in summaries and outputs, e.g. `mean token log-prob`. */
export function signalLabel(signal: ConfidenceSignal): string {
  return SIGNAL_LABELS[signal];
}

/** Every signal, in the order the docs list them. */
export const CONFIDENCE_SIGNALS = Object.keys(SIGNAL_LABELS) as readonly ConfidenceSignal[];

export function isConfidenceSignal(value: unknown): value is ConfidenceSignal {
  return typeof value === 'string' && Object.hasOwn(SIGNAL_LABELS, value);
}

/**
 * The confidence signal of one generation, higher = more confident.
 *
 * - `mean-logprob`: (1/T) sum_t log p_t
 * - `min-logprob`: min_t log p_t
 * - `mean-negentropy`: (1/T) sum_t sum_k q_tk log q_tk, with q_t the reported alternatives at
 *   position t renormalised to sum to one (the top-k alternatives are all a harness keeps)
 * - `sequence-prob`: exp(sum_t log p_t)
 *
 * O(T·k). Returns undefined when there are no tokens, when a log-prob is not finite, or, for
 * `mean-negentropy`, when a position has no alternatives.
 */
export function tokenConfidence(tokens: readonly TokenLogprob[], signal: ConfidenceSignal): number | undefined {
  if (tokens.length === 0) return undefined;
  let sum = 0;
  let min = Infinity;
  let negentropy = 0;
  for (const token of tokens) {
    if (!Number.isFinite(token.logprob)) return undefined;
    sum += token.logprob;
    if (token.logprob < min) min = token.logprob;
    if (signal === 'mean-negentropy') {
      const h = negentropyOf(token.alternatives);
      if (h === undefined) return undefined;
      negentropy += h;
    }
  }
  switch (signal) {
    case 'mean-logprob':
      return sum / tokens.length;
    case 'min-logprob':
      return min;
    case 'mean-negentropy':
      return negentropy / tokens.length;
    case 'sequence-prob':
      return Math.exp(sum);
  }
}

/** sum_k q_k log q_k of renormalised alternatives; undefined without finite alternatives. */
function negentropyOf(alternatives: readonly number[] | undefined): number | undefined {
  if (alternatives === undefined || alternatives.length === 0) return undefined;
  const lse = logSumExp(alternatives);
  if (lse === undefined) return undefined;
  let h = 0;
  for (const l of alternatives) {
    const logq = l - lse;
    const q = Math.exp(logq);
    if (q > 0) h += q * logq;
  }
  return h;
}

/** log(sum_i exp(x_i)), computed stably; undefined when an entry is not finite. */
export function logSumExp(values: readonly number[]): number | undefined {
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) return undefined;
    if (v > max) max = v;
  }
  if (max === -Infinity) return undefined;
  let s = 0;
  for (const v of values) s += Math.exp(v - max);
  return max + Math.log(s);
}

/**
 * Probability of the most likely option under a softmax over scores (per-choice log-likelihoods):
 * max_i exp(x_i) / sum_j exp(x_j). O(n). Undefined for an empty list or a non-finite score.
 */
export function softmaxMax(scores: readonly number[]): number | undefined {
  const lse = logSumExp(scores);
  if (lse === undefined) return undefined;
  return Math.exp(Math.max(...scores) - lse);
}
