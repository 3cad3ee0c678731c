/**
 * The noise-aware recommendation rule: which policy to deploy for a budget when calibration
 * figures are measured on a few hundred queries. See the README's "How the recommendation is
 * chosen" for the reasoning; in short, for a budget B:
 *
 * 1. a policy fits B when the upper confidence bound (level `budgetConfidence`) of its mean cost
 *    per query does ({@link checkBudget});
 * 2. the simple policy is the single model of highest calibration quality that fits;
 * 3. each cheap -> expensive pair's threshold is the point of highest *smoothed* quality among
 *    the thresholds that fit (a window of neighbouring thresholds, not one query's spike);
 * 4. repeated K-fold cross-validation inside the calibration split applies step 3 on K-1 folds
 *    and scores the threshold on the held fold, so each query gets an out-of-fold outcome per
 *    pair that carries the cost of choosing the threshold on noisy data;
 * 5. the candidate cascade is the pair with the highest lower bound of its out-of-fold gain over
 *    the simple policy; escalation is deployed only when the paired bootstrap lower bound of that
 *    gain (level `gainConfidence`) is above zero (Yes), the simple policy is kept otherwise (No
 *    when the upper bound is at most zero, Unclear in between, with the number of further
 *    calibration queries that would likely settle it).
 *
 * Everything runs on typed arrays: O(k n log n + R k^2 n (1 + b)) for R repeats of K folds and
 * b budgets, plus O(resamples * n) per budget for the interval of the gain.
 */
import type { BudgetCheck, Dataset, EscalationVerdict, ModelColumns, PolicyPoint, PolicySpec, SelectionSettings } from '../types.ts';
import { singleModelPoints } from '../envelope.ts';
import { confidenceOrder } from '../pairCurve.ts';
import { modelByName } from '../policy.ts';
import { bootstrapMeanIntervals, seededRandom, shuffledIndices } from '../stats.ts';
import { checkBudget, DEFAULT_BUDGET_CONFIDENCE, meanUpperBound, zForConfidence } from './budget.ts';
import { cheapSums, type CheapSums, PairSweep, type SortedCheap, sortedCheap, type SortedPair, sortedPair, type TraceLimit } from './sweep.ts';
import { latencyLimits } from './latencyLimit.ts';
import { readableThreshold } from '../readable.ts';
import { KeptPairs, type PairFit } from './keptPairs.ts';

/** Defaults of the rule, stated in every result's settings. */
export const SELECTION_DEFAULTS = {
  budgetConfidence: DEFAULT_BUDGET_CONFIDENCE,
  gainConfidence: 0.9,
  folds: 5,
  /** Half-width of the smoothing window as a share of the queries, at 300 queries (it shrinks as n^-1/5). */
  smoothing: 0.1,
  /** Power of the estimate of how many more queries would settle an unclear verdict. */
  power: 0.8,
  resamples: 1000,
  seed: 1,
} as const;

/**
 * Above this many calibration queries the gain's interval is the normal approximation: the
 * percentile bootstrap agrees with it to within resampling error at that size, and would cost a
 * thousand passes over the data per budget.
 */
export const BOOTSTRAP_MAX_QUERIES = 5000;

/** Queries at which `smoothing` is the window's share; the share scales as (n / this)^-1/5. */
const SMOOTHING_REFERENCE_QUERIES = 300;

export interface SelectionOptions {
  /** Confidence that a recommended policy's mean cost per query is within the budget (default 0.9). */
  readonly budgetConfidence?: number;
  /** One-sided confidence of the gain's bounds for the escalation verdict (default 0.9). */
  readonly gainConfidence?: number;
  /** Folds of the cross-validation (default 5). */
  readonly folds?: number;
  /** Repeats of the cross-validation with fresh folds (default: by size, see {@link repeatsFor}). */
  readonly repeats?: number;
  /** Seed of the folds and of the bootstrap (default 1). */
  readonly seed?: number;
  /** Bootstrap resamples for the gain's interval (default 1000; 0: normal approximation, also used above {@link BOOTSTRAP_MAX_QUERIES} queries). */
  readonly resamples?: number;
  /** Smoothing window's half-width as a share of the queries at 300 queries (default 0.1; 0: no smoothing). */
  readonly smoothing?: number;
  /** Largest p95 latency (ms) a recommended policy may have (upper confidence bound at `budgetConfidence`). */
  readonly maxLatencyP95Ms?: number;
  /** False: judge the gain on the full fit's in-sample outcomes instead of cross-validating (for comparison only; default true). */
  readonly crossValidate?: boolean;
}

/** What the rule picks for one budget. */
export interface BudgetSelection {
  readonly budget: number;
  /** False when the budget is below every model's calibration mean cost (nothing can be recommended). */
  readonly feasible: boolean;
  /** The policy to deploy, with its calibration figures. */
  readonly choice?: PolicyPoint;
  /** The budget check of the choice. */
  readonly budgetCheck?: BudgetCheck;
  /** True when no policy fits the budget at the confidence level and the cheapest model is recommended anyway. */
  readonly fallback?: boolean;
  /** Single models whose calibration mean cost is within the budget but whose upper bound is not (best first). */
  readonly excludedSingles?: readonly { readonly model: string; readonly cost: number; readonly costUpperBound: number; readonly quality: number }[];
  /** The best single model that fits (the simple policy), with its budget check. */
  readonly single?: { readonly model: string; readonly cost: number; readonly quality: number; readonly budgetCheck: BudgetCheck };
  readonly verdict?: EscalationVerdict;
}

/** Cross-validation repeats by calibration size: 4 up to 5,000 queries, 2 up to 20,000, then 1. */
export function repeatsFor(n: number): number {
  return n <= 5000 ? 4 : n <= 20000 ? 2 : 1;
}

/** Half-width in queries of the smoothing window for `m` queries: share * m * (m / 300)^-1/5, at least 1. */
export function smoothingHalfWidth(m: number, share: number): number {
  if (share <= 0 || m <= 0) return 0;
  return Math.max(1, Math.round(share * m * Math.pow(m / SMOOTHING_REFERENCE_QUERIES, -0.2)));
}

/** The settings for a calibration split of `n` queries. @throws RangeError for a confidence outside (0, 1) or bad counts. */
export function selectionSettings(n: number, options: SelectionOptions = {}): SelectionSettings {
  const settings: SelectionSettings = {
    budgetConfidence: options.budgetConfidence ?? SELECTION_DEFAULTS.budgetConfidence,
    gainConfidence: options.gainConfidence ?? SELECTION_DEFAULTS.gainConfidence,
    folds: options.folds ?? SELECTION_DEFAULTS.folds,
    repeats: options.repeats ?? repeatsFor(n),
    seed: options.seed ?? SELECTION_DEFAULTS.seed,
    resamples: n > BOOTSTRAP_MAX_QUERIES ? 0 : (options.resamples ?? SELECTION_DEFAULTS.resamples),
    gainInterval: n <= BOOTSTRAP_MAX_QUERIES && (options.resamples ?? SELECTION_DEFAULTS.resamples) > 0 ? 'percentile' : 'normal',
    smoothing: options.smoothing ?? SELECTION_DEFAULTS.smoothing,
    smoothingWindow: smoothingHalfWidth(n, options.smoothing ?? SELECTION_DEFAULTS.smoothing),
    ...(options.maxLatencyP95Ms !== undefined ? { maxLatencyP95Ms: options.maxLatencyP95Ms } : {}),
  };
  zForConfidence(settings.budgetConfidence);
  zForConfidence(settings.gainConfidence);
  if (!(Number.isInteger(settings.folds) && settings.folds >= 2)) throw new RangeError(`folds must be a whole number >= 2, got ${settings.folds}`);
  if (!(Number.isInteger(settings.repeats) && settings.repeats >= 1)) throw new RangeError(`repeats must be a whole number >= 1, got ${settings.repeats}`);
  return settings;
}

/**
 * A pair policy at the point whose threshold is `at` (a distinct confidence of the cheap model)
 * and whose next lower distinct confidence is `below`, stated as the envelope states thresholds:
 * the shortest decimal that selects the same calibration queries.
 */
function pairPolicy(cheap: string, expensive: string, below: number, at: number): PolicySpec {
  const t = readableThreshold(below, at);
  return { kind: 'pair', models: [cheap, expensive], thresholds: [Number.isFinite(t) ? t : null] };
}

/**
 * The interval of the candidate cascade's gain over the simple policy, when its caller draws the
 * bootstrap itself (to share the draw with other statistics of the same queries): given the gain
 * per query, the interval's level, the candidate and the simple policy's model, the percentile
 * interval of the seeded bootstrap the rule would draw (same seed, resamples and queries), or
 * undefined to let the rule draw its own.
 */
export type GainInterval = (gain: Float64Array, level: number, candidate: PolicySpec, versus: string) => [number, number] | undefined;

/**
 * The rule's pick for each budget (see the module comment). Budgets in any order; one result per
 * budget, in the same order. Deterministic for a given seed.
 * @throws RangeError for bad settings.
 */
export function selectForBudgets(cal: Dataset, budgets: readonly number[], options: SelectionOptions = {}, gainInterval?: GainInterval): BudgetSelection[] {
  const n = cal.n;
  const settings = selectionSettings(n, options);
  const zBudget = zForConfidence(settings.budgetConfidence);
  const zGain = zForConfidence(settings.gainConfidence);
  const singles = singleModelPoints(cal.models);
  const cols: ModelColumns[] = singles.map((s) => modelByName(cal, s.name));
  const k = cols.length;
  const nb = budgets.length;
  if (n === 0 || k === 0) return budgets.map((budget) => ({ budget, feasible: false }));

  const singleChecks = cols.map((m) => checkBudget(m.cost, 0, settings.budgetConfidence));
  const limits = latencyLimits(cal, cols, settings.maxLatencyP95Ms, settings.budgetConfidence);

  // Budgets ascending, for the sweeps' single pass.
  const byBudget = Array.from({ length: nb }, (_, b) => b).sort((x, y) => budgets[x] - budgets[y] || x - y);
  const sortedBudgets = Float64Array.from(byBudget, (b) => budgets[b]);

  // Pairs cheap -> expensive in cost order; the full-calibration fit of each at every budget.
  const pairA: number[] = [];
  const pairB: number[] = [];
  for (let a = 0; a < k; a++)
    for (let b = a + 1; b < k; b++)
      if (limits.pairAllowed(a, b)) {
        pairA.push(a);
        pairB.push(b);
      }
  const pairs = pairA.length;
  const orders = cols.map((m) => confidenceOrder(m));
  // Each cheap model's columns in its confidence order (made once), each pair's in the same order (one pair at a time).
  const sortedCols: (SortedCheap | undefined)[] = new Array(k);
  const sortedOf = (a: number): SortedCheap => (sortedCols[a] ??= sortedCheap(cols[a], orders[a]));
  const sweep = new PairSweep(n);
  const pair: SortedPair = { confidence: new Float64Array(0), addCost: new Float64Array(n), addCostSquared: new Float64Array(n), addQuality: new Float64Array(n) };
  const fitOut = new Int32Array(nb);
  // A sweep need not go past the point whose mean cost is above every budget (its upper bound
  // is then above too, when the bound is not below the mean: z >= 0).
  const maxBudget = sortedBudgets.reduce((x, b) => (b > x || Number.isNaN(b) ? b : x), -Infinity);
  const stopCost = zBudget >= 0 && Number.isFinite(maxBudget) ? maxBudget : Infinity;
  const limit = (p: number, window: number): TraceLimit => ({ cost: stopCost, threshold: limits.maxThreshold(pairA[p], pairB[p]), margin: window });
  const fullSums: (CheapSums | undefined)[] = new Array(k);

  // The simple policy per budget: the best single model that fits (ties: lower cost, then cost order).
  const simpleOf = new Int32Array(nb).fill(-1);
  for (let sb = 0; sb < nb; sb++) {
    for (let m = 0; m < k; m++) {
      if (!limits.singleAllowed(m) || !(singleChecks[m].costUpperBound <= sortedBudgets[sb])) continue;
      if (simpleOf[sb] < 0 || singles[m].quality > singles[simpleOf[sb]].quality) simpleOf[sb] = m;
    }
  }

  // Per pair and budget (budget-sorted position): the full fit's point, threshold and sums.
  const fullPoint = new Int32Array(pairs * nb);
  const fullThreshold = new Float64Array(pairs * nb);
  const fullBelow = new Float64Array(pairs * nb);
  const fullCost = new Float64Array(pairs * nb);
  const fullCostUpper = new Float64Array(pairs * nb);
  const fullQuality = new Float64Array(pairs * nb);
  const fullEscalated = new Float64Array(pairs * nb);
  const fullWindow = settings.smoothingWindow;
  // Candidates: pairs that escalate at that budget on the full fit and beat the simple policy on
  // calibration. Their out-of-fold quality per query comes from the cross-validation.
  const folds = Math.min(settings.folds, Math.floor(n / 2));
  const crossValidated = folds >= 2 && options.crossValidate !== false;
  const oof: (Float64Array | undefined)[] = new Array(pairs * nb);
  const cv = crossValidated ? new FoldPlan(sortedOf, k, n, folds, settings.repeats, seededRandom(settings.seed)) : undefined;
  const foldFit = new Int32Array(nb);
  // Fits kept from an earlier call with the same settings, for pairs whose columns are the same (see keptPairs.ts).
  const kept = new KeptPairs(
    [n, folds, settings.repeats, settings.seed, settings.smoothing, fullWindow, zBudget, stopCost, crossValidated, ...sortedBudgets].map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(' '),
    cols,
  );
  // Pair p's fit taken from a kept one, when that has the out-of-fold outcomes every budget needs now.
  const needsOutcomes = (sb: number, point: number, quality: number) => point >= 1 && simpleOf[sb] >= 0 && quality > singles[simpleOf[sb]].quality;
  const takeFit = (fit: PairFit, p: number): boolean => {
    for (let sb = 0; sb < nb; sb++) if (needsOutcomes(sb, fit.point[sb], fit.quality[sb]) && !fit.oof[sb]) return false;
    fullPoint.set(fit.point, p * nb);
    fullThreshold.set(fit.threshold, p * nb);
    fullBelow.set(fit.below, p * nb);
    fullCost.set(fit.cost, p * nb);
    fullCostUpper.set(fit.costUpper, p * nb);
    fullQuality.set(fit.quality, p * nb);
    fullEscalated.set(fit.escalated, p * nb);
    for (let sb = 0; sb < nb; sb++) oof[p * nb + sb] = needsOutcomes(sb, fit.point[sb], fit.quality[sb]) ? fit.oof[sb] : undefined;
    return true;
  };
  const fresh = new Uint8Array(pairs);
  const caps = Float64Array.from(pairA, (a, p) => limits.maxThreshold(a, pairB[p]));
  for (let p = 0; p < pairs; p++) {
    const a = pairA[p];
    const cap = caps[p];
    const fit = kept.recall(a, pairB[p], cap);
    if (fit && takeFit(fit, p)) continue;
    fresh[p] = 1;
    sortedPair(sortedOf(a), cols[pairB[p]], pair);
    sweep.trace(pair, null, n, (fullSums[a] ??= cheapSums(sortedOf(a), null, n)), limit(p, fullWindow));
    sweep.smooth(fullWindow);
    sweep.fit(sortedBudgets, zBudget, cap, fitOut);
    let used = false;
    for (let sb = 0; sb < nb; sb++) {
      const j = fitOut[sb];
      const at = p * nb + sb;
      fullPoint[at] = j;
      if (j < 0) continue;
      fullThreshold[at] = sweep.threshold[j];
      fullBelow[at] = j > 0 ? sweep.threshold[j - 1] : -Infinity;
      fullCost[at] = sweep.sumCost[j] / n;
      fullCostUpper[at] = meanUpperBound(sweep.sumCost[j], sweep.sumCostSquared[j], n, zBudget);
      fullQuality[at] = sweep.sumQuality[j] / n;
      fullEscalated[at] = sweep.escalated[j] / n;
      if (needsOutcomes(sb, j, fullQuality[at])) {
        oof[at] = new Float64Array(n);
        used = true;
      }
    }
    if (!cv || !used) continue;
    // Each repeat's folds in turn: fit on the others, score the held fold at the threshold chosen.
    const cheap = cols[a];
    const expensive = cols[pairB[p]];
    const s = cheap.confidence;
    const qA = cheap.quality;
    const qB = expensive.quality;
    for (let r = 0; r < settings.repeats; r++) {
      for (let f = 0; f < folds; f++) {
        const train = cv.train(r, f, a);
        const held = cv.held(r, f);
        const window = smoothingHalfWidth(train.m, settings.smoothing);
        sweep.trace(pair, train.positions, train.m, train.sums, limit(p, window));
        sweep.smooth(window);
        sweep.fit(sortedBudgets, zBudget, cap, foldFit);
        for (let sb = 0; sb < nb; sb++) {
          const out = oof[p * nb + sb];
          if (!out) continue;
          const j = foldFit[sb];
          // Nothing fits on these folds: the pair escalates nothing.
          scoreHeld(held, s, qA, qB, j < 0 ? -Infinity : sweep.threshold[j], out);
        }
      }
    }
  }
  if (cv) {
    const scale = 1 / settings.repeats;
    for (let p = 0; p < pairs; p++) {
      if (fresh[p] === 0) continue;
      for (let sb = 0; sb < nb; sb++) {
        const out = oof[p * nb + sb];
        if (out) scaleBy(out, scale);
      }
    }
  } else {
    // Too few queries to hold any out: the full fit's own outcomes (in-sample).
    for (let p = 0; p < pairs; p++) {
      if (fresh[p] === 0) continue;
      const cheap = cols[pairA[p]];
      const expensive = cols[pairB[p]];
      for (let sb = 0; sb < nb; sb++) {
        const out = oof[p * nb + sb];
        if (!out) continue;
        const t = fullThreshold[p * nb + sb];
        for (let i = 0; i < n; i++) out[i] = cheap.confidence[i] < t ? expensive.quality[i] : cheap.quality[i];
      }
    }
  }

  for (let p = 0; p < pairs && kept.active; p++) {
    if (fresh[p] === 0) continue;
    const at = p * nb;
    kept.keep(pairA[p], pairB[p], caps[p], {
      point: fullPoint.slice(at, at + nb),
      threshold: fullThreshold.slice(at, at + nb),
      below: fullBelow.slice(at, at + nb),
      cost: fullCost.slice(at, at + nb),
      costUpper: fullCostUpper.slice(at, at + nb),
      quality: fullQuality.slice(at, at + nb),
      escalated: fullEscalated.slice(at, at + nb),
      oof: oof.slice(at, at + nb),
    });
  }

  const cheapestCost = Math.min(...singles.map((s) => s.cost));
  const gain = new Float64Array(n);
  const sums = new Float64Array(2);
  const results: BudgetSelection[] = new Array(nb);
  for (let sb = 0; sb < nb; sb++) {
    const bi = byBudget[sb];
    const budget = sortedBudgets[sb];
    if (!(budget >= cheapestCost)) {
      results[bi] = { budget, feasible: false };
      continue;
    }
    const check = (c: BudgetCheck): BudgetCheck => ({ ...c, budget, fits: c.costUpperBound <= budget });
    const simple = simpleOf[sb];
    const excluded: { model: string; cost: number; costUpperBound: number; quality: number }[] = [];
    for (let m = 0; m < k; m++) {
      const s = singles[m];
      if (limits.singleAllowed(m) && !(singleChecks[m].costUpperBound <= budget) && s.cost <= budget) {
        excluded.push({ model: s.name, cost: s.cost, costUpperBound: singleChecks[m].costUpperBound, quality: s.quality });
      }
    }
    excluded.sort((x, y) => y.quality - x.quality);
    if (simple < 0) {
      // Nothing fits at the confidence level: the cheapest model (ties: the better one), flagged.
      let m0 = 0;
      for (let m = 1; m < k; m++) if (singles[m].cost < singles[m0].cost || (singles[m].cost === singles[m0].cost && singles[m].quality > singles[m0].quality)) m0 = m;
      const s = singles[m0];
      results[bi] = {
        budget,
        feasible: true,
        fallback: true,
        choice: { cost: s.cost, quality: s.quality, escalationRate: 0, policy: { kind: 'single', models: [s.name], thresholds: [] } },
        budgetCheck: check(singleChecks[m0]),
        ...(excluded.length > 0 ? { excludedSingles: excluded } : {}),
      };
      continue;
    }
    const S = singles[simple];
    const qS = cols[simple].quality;
    const single = { model: S.name, cost: S.cost, quality: S.quality, budgetCheck: check(singleChecks[simple]) };
    const singleChoice: PolicyPoint = { cost: S.cost, quality: S.quality, escalationRate: 0, policy: { kind: 'single', models: [S.name], thresholds: [] } };
    // The candidate: the pair whose out-of-fold gain over the simple policy has the highest lower bound.
    let best = -1;
    let bestBound = -Infinity;
    for (let p = 0; p < pairs; p++) {
      const out = oof[p * nb + sb];
      if (!out) continue;
      gainOver(out, qS, gain, sums);
      const bound = -meanUpperBound(-sums[0], sums[1], n, zGain);
      if (bound > bestBound) {
        bestBound = bound;
        best = p;
      }
    }
    const base = { budget, feasible: true, single, ...(excluded.length > 0 ? { excludedSingles: excluded } : {}) };
    if (best < 0) {
      // No candidate: say whether no cascade fits, or which fitting one comes closest on
      // calibration among those the single model does not dominate (cheaper, or better).
      let fits = false;
      let closest = -1;
      for (let p = 0; p < pairs; p++) {
        const at = p * nb + sb;
        if (fullPoint[at] < 1) continue;
        fits = true;
        if (!(fullCost[at] < S.cost || fullQuality[at] > S.quality)) continue;
        if (closest < 0 || fullQuality[at] > fullQuality[closest * nb + sb]) closest = p;
      }
      const at = closest * nb + sb;
      const verdict: EscalationVerdict =
        closest < 0
          ? { answer: 'no', reason: fits ? 'not-better-on-calibration' : 'no-cascade-fits', versus: S.name, confidence: settings.gainConfidence, n, crossValidated }
          : {
              answer: 'no',
              reason: 'not-better-on-calibration',
              versus: S.name,
              candidate: {
                cost: fullCost[at],
                quality: fullQuality[at],
                escalationRate: fullEscalated[at],
                policy: pairPolicy(cols[pairA[closest]].name, cols[pairB[closest]].name, fullBelow[at], fullThreshold[at]),
              },
              gain: fullQuality[at] - S.quality,
              confidence: settings.gainConfidence,
              n,
              crossValidated,
            };
      results[bi] = { ...base, choice: singleChoice, budgetCheck: single.budgetCheck, verdict };
      continue;
    }
    const at = best * nb + sb;
    gainOver(oof[at]!, qS, gain, sums);
    const [sum, sumSquares] = sums;
    const mean = sum / n;
    const sd = n > 1 ? Math.sqrt(Math.max(0, (sumSquares - n * mean * mean) / (n - 1))) : 0;
    const candidate: PolicyPoint = {
      cost: fullCost[at],
      quality: fullQuality[at],
      escalationRate: fullEscalated[at],
      policy: pairPolicy(cols[pairA[best]].name, cols[pairB[best]].name, fullBelow[at], fullThreshold[at]),
    };
    const level = 2 * settings.gainConfidence - 1;
    // The bootstrap's percentile interval; without resamples (above BOOTSTRAP_MAX_QUERIES) the normal one.
    const interval: [number, number] =
      settings.gainInterval === 'percentile'
        ? (gainInterval?.(gain, level, candidate.policy, S.name) ?? bootstrapMeanIntervals([gain], settings.resamples, settings.seed, level)[0])
        : [mean - (zGain * sd) / Math.sqrt(n), mean + (zGain * sd) / Math.sqrt(n)];
    const answer: EscalationVerdict['answer'] = interval[0] > 0 ? 'yes' : interval[1] <= 0 ? 'no' : 'unclear';
    const verdict: EscalationVerdict = {
      answer,
      reason: answer === 'yes' ? 'gain-credible' : answer === 'no' ? 'loss-credible' : 'uncertain',
      versus: S.name,
      candidate,
      gain: mean,
      interval,
      confidence: settings.gainConfidence,
      n,
      ...(answer === 'unclear' ? { moreQueries: moreQueriesToSettle(mean, sd, n, zGain) } : {}),
      crossValidated,
    };
    if (answer === 'yes') {
      const upper = fullCostUpper[at];
      results[bi] = {
        ...base,
        choice: candidate,
        budgetCheck: { budget, confidence: settings.budgetConfidence, n, meanCost: candidate.cost, costUpperBound: upper, fits: upper <= budget },
        verdict,
      };
    } else results[bi] = { ...base, choice: singleChoice, budgetCheck: single.budgetCheck, verdict };
  }
  return results;
}

/**
 * Adds to `out` the held queries' quality under a pair at threshold `t` (the expensive model's
 * when the cheap one's confidence is below t). Small functions such as this one and
 * {@link gainOver} keep the hot loops out of the long function above, so the engine optimises
 * them soon after their first call. O(held).
 */
function scoreHeld(held: Uint32Array, s: Float64Array, qA: Float64Array, qB: Float64Array, t: number, out: Float64Array): void {
  for (let h = 0; h < held.length; h++) {
    const i = held[h];
    out[i] += s[i] < t ? qB[i] : qA[i];
  }
}

/** Multiplies every value of `values` by `factor`, in place (a loop of its own, see {@link scoreHeld}). O(n). */
function scaleBy(values: Float64Array, factor: number): void {
  for (let i = 0; i < values.length; i++) values[i] *= factor;
}

/** The gain per query of `outcome` over `quality` into `gain`, its sum and sum of squares into `sums`. O(n). */
function gainOver(outcome: Float64Array, quality: Float64Array, gain: Float64Array, sums: Float64Array): void {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < outcome.length; i++) {
    const g = outcome[i] - quality[i];
    gain[i] = g;
    sum += g;
    sumSquares += g * g;
  }
  sums[0] = sum;
  sums[1] = sumSquares;
}

/**
 * The folds of a repeated K-fold cross-validation of n queries: repeat r shuffles the queries
 * (one seeded stream for every repeat, in turn) and query x of the shuffle goes to fold x mod K.
 * For each repeat and fold, the held queries (ascending), and per cheap model the positions in
 * its confidence order of the training queries with its sums over them, made once and shared by
 * every pair that model leads.
 */
class FoldPlan {
  private readonly foldOf: Uint8Array[] = [];
  private readonly heldRows = new Map<number, Uint32Array>();
  private readonly trainRows = new Map<number, { readonly positions: Uint32Array; readonly m: number; readonly sums: CheapSums }>();
  /** Per repeat and cheap model: the fold of each position of the model's confidence order. */
  private readonly foldsInOrder = new Map<number, Uint8Array>();

  constructor(
    private readonly sortedOf: (a: number) => SortedCheap,
    private readonly models: number,
    private readonly n: number,
    private readonly folds: number,
    repeats: number,
    random: () => number,
  ) {
    const perm = new Uint32Array(n);
    for (let r = 0; r < repeats; r++) {
      shuffledIndices(perm, random);
      const fold = new Uint8Array(n);
      for (let x = 0; x < n; x++) fold[perm[x]] = x % folds;
      this.foldOf.push(fold);
    }
  }

  /** The queries of fold f in repeat r, ascending. */
  held(r: number, f: number): Uint32Array {
    const key = r * this.folds + f;
    let rows = this.heldRows.get(key);
    if (!rows) {
      const fold = this.foldOf[r];
      let count = 0;
      for (let i = 0; i < this.n; i++) if (fold[i] === f) count++;
      rows = new Uint32Array(count);
      for (let i = 0, h = 0; i < this.n; i++) if (fold[i] === f) rows[h++] = i;
      this.heldRows.set(key, rows);
    }
    return rows;
  }

  /** The training queries of fold f in repeat r for cheap model a: positions in a's confidence order, their count and a's sums over them. */
  train(r: number, f: number, a: number): { readonly positions: Uint32Array; readonly m: number; readonly sums: CheapSums } {
    const key = (r * this.folds + f) * this.models + a;
    let rows = this.trainRows.get(key);
    if (!rows) {
      const sorted = this.sortedOf(a);
      const folds = this.foldsOf(r, a, sorted.order);
      const positions = new Uint32Array(this.n - this.held(r, f).length);
      let m = 0;
      for (let y = 0; y < this.n; y++) if (folds[y] !== f) positions[m++] = y;
      rows = { positions, m, sums: cheapSums(sorted, positions, m) };
      this.trainRows.set(key, rows);
    }
    return rows;
  }

  /** The fold of each position of `order` (cheap model a's confidence order) in repeat r, read through the order once for all folds. */
  private foldsOf(r: number, a: number, order: ArrayLike<number>): Uint8Array {
    const key = r * this.models + a;
    let folds = this.foldsInOrder.get(key);
    if (!folds) {
      const fold = this.foldOf[r];
      folds = new Uint8Array(this.n);
      for (let y = 0; y < this.n; y++) folds[y] = fold[order[y]];
      this.foldsInOrder.set(key, folds);
    }
    return folds;
  }
}

/**
 * The rule's threshold for one cheap -> expensive pair on the whole calibration split (step 3 of
 * the module comment): the point of highest smoothed quality among the thresholds whose mean
 * cost's upper bound at `budgetConfidence` fits `budget` (with `plainMean`, whose mean fits),
 * within the latency limit. Undefined when not even the cheap model alone fits. O(n log n).
 * @throws Error for an unknown model; RangeError for bad settings.
 */
export function suggestPairThreshold(
  cal: Dataset,
  cheapName: string,
  expensiveName: string,
  budget: number,
  options: SelectionOptions & { readonly plainMean?: boolean } = {},
): (PolicyPoint & { readonly budgetCheck: BudgetCheck }) | undefined {
  const n = cal.n;
  const settings = selectionSettings(n, options);
  const z = options.plainMean ? 0 : zForConfidence(settings.budgetConfidence);
  const cheap = modelByName(cal, cheapName);
  const expensive = modelByName(cal, expensiveName);
  if (n === 0) return undefined;
  const limits = latencyLimits(cal, [cheap, expensive], settings.maxLatencyP95Ms, settings.budgetConfidence);
  if (!limits.pairAllowed(0, 1)) return undefined;
  const sweep = new PairSweep(n);
  sweep.run(cheap, expensive, confidenceOrder(cheap), n);
  sweep.smooth(settings.smoothingWindow);
  const out = new Int32Array(1);
  sweep.fit([budget], z, limits.maxThreshold(0, 1), out);
  const j = out[0];
  if (j < 0) return undefined;
  const cost = sweep.sumCost[j] / n;
  const upper = meanUpperBound(sweep.sumCost[j], sweep.sumCostSquared[j], n, zForConfidence(settings.budgetConfidence));
  return {
    cost,
    quality: sweep.sumQuality[j] / n,
    escalationRate: sweep.escalated[j] / n,
    policy: pairPolicy(cheap.name, expensive.name, j > 0 ? sweep.threshold[j - 1] : -Infinity, sweep.threshold[j]),
    budgetCheck: { budget, confidence: settings.budgetConfidence, n, meanCost: cost, costUpperBound: upper, fits: upper <= budget },
  };
}

/**
 * Roughly how many more labelled calibration queries would let the one-sided bound (normal
 * quantile `z`) exclude zero with probability {@link SELECTION_DEFAULTS.power}, if the gain
 * per query kept its observed mean and standard deviation:
 * n* = ((z + z_power) * sd / |mean|)^2, minus the n already there. Null when the mean is 0.
 */
export function moreQueriesToSettle(mean: number, sd: number, n: number, z: number): number | null {
  if (mean === 0 || !Number.isFinite(mean)) return null;
  const zPower = zForConfidence(SELECTION_DEFAULTS.power);
  const needed = Math.pow(((z + zPower) * sd) / Math.abs(mean), 2);
  return Math.max(0, Math.ceil(needed - n));
}
