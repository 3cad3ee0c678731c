import { seededRandom } from '../stats.ts';
import type { SparseRows } from './features.ts';

export interface LogisticOptions {
  /** Passes over the data (default 4: with averaged iterates more passes did not change held-out log-loss on the reference data). */
  readonly epochs?: number;
  /** AdaGrad base step (default 0.5). */
  readonly learningRate?: number;
  /**
   * L2 penalty per example on every weight but the intercept (default 0.03: strong, because a
   * calibration split of a few hundred queries against thousands of hashed features overfits
   * quickly; weaker penalties gave worse held-out log-loss than the base rate on the reference data).
   */
  readonly l2?: number;
  /** Seed of the per-epoch shuffle (default 1). */
  readonly seed?: number;
}

export const LOGISTIC_DEFAULTS = { epochs: 4, learningRate: 0.5, l2: 0.03, seed: 1 } as const;

/** A fitted logistic model: one weight per column, then the intercept. */
export interface LogisticModel {
  readonly weights: Float64Array;
  readonly intercept: number;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Fits P(success | x) = sigmoid(w . x + b) to targets in [0,1] (0/1 outcomes or graded scores,
 * by cross-entropy) with AdaGrad, a fixed number of epochs over a seeded shuffle and an L2
 * penalty, starting from the intercept at the logit of the mean target, and returns the
 * average of the iterates of the second half of the epochs. Deterministic for a given seed.
 * O(epochs * nnz + columns).
 * @throws RangeError when the targets do not match the rows.
 */
export function fitLogistic(x: SparseRows, y: ArrayLike<number>, options: LogisticOptions = {}): LogisticModel {
  if (y.length !== x.rows) throw new RangeError(`fitLogistic: ${x.rows} rows but ${y.length} targets`);
  const epochs = options.epochs ?? LOGISTIC_DEFAULTS.epochs;
  const eta = options.learningRate ?? LOGISTIC_DEFAULTS.learningRate;
  const l2 = options.l2 ?? LOGISTIC_DEFAULTS.l2;
  const random = seededRandom(options.seed ?? LOGISTIC_DEFAULTS.seed);
  const w = new Float64Array(x.columns);
  const g2 = new Float64Array(x.columns);
  let meanY = 0;
  for (let i = 0; i < y.length; i++) meanY += y[i];
  meanY = y.length > 0 ? meanY / y.length : 0.5;
  const clipped = Math.min(1 - 1e-3, Math.max(1e-3, meanY));
  let b = Math.log(clipped / (1 - clipped));
  let gb2 = 0;
  const order = Uint32Array.from({ length: x.rows }, (_, i) => i);
  // Iterates are averaged over the second half of the epochs (lazily: a weight's running sum
  // catches up only when it changes), which removes the step-to-step jitter of the last iterate.
  const averageFrom = Math.floor(epochs / 2) * x.rows;
  const sum = new Float64Array(x.columns);
  const since = new Float64Array(x.columns).fill(averageFrom);
  let bSum = 0;
  let step = 0;
  for (let e = 0; e < epochs; e++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (const r of order) {
      const averaging = step >= averageFrom;
      let z = b;
      for (let p = x.indptr[r]; p < x.indptr[r + 1]; p++) z += w[x.indices[p]] * x.values[p];
      const g = sigmoid(z) - y[r];
      for (let p = x.indptr[r]; p < x.indptr[r + 1]; p++) {
        const c = x.indices[p];
        if (averaging) {
          sum[c] += w[c] * (step - since[c]);
          since[c] = step;
        }
        const grad = g * x.values[p] + l2 * w[c];
        g2[c] += grad * grad;
        if (g2[c] > 0) w[c] -= (eta * grad) / Math.sqrt(g2[c]);
      }
      gb2 += g * g;
      if (gb2 > 0) b -= (eta * g) / Math.sqrt(gb2);
      step++;
      if (step > averageFrom) bSum += b;
    }
  }
  const steps = step - averageFrom;
  if (steps > 0) {
    for (let c = 0; c < w.length; c++) w[c] = (sum[c] + w[c] * (step - since[c])) / steps;
    b = bSum / steps;
  }
  return { weights: w, intercept: b };
}

/** P(success) for every row. O(nnz). */
export function predictLogistic(model: LogisticModel, x: SparseRows): Float64Array {
  const out = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    let z = model.intercept;
    for (let p = x.indptr[r]; p < x.indptr[r + 1]; p++) z += model.weights[x.indices[p]] * x.values[p];
    out[r] = sigmoid(z);
  }
  return out;
}
