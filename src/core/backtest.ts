/**
 * How far to trust a recommendation rule on your own data: choose on calibration queries,
 * measure on holdout queries, over many budgets and random re-splits (see the README's
 * "Backtest" and SPEC.md's Recommendations).
 *
 * For each split and each of `budgets` log-spaced budgets from the cheapest to the dearest
 * single model (calibration mean costs), the **naive choice** is the single model of highest
 * calibration quality whose calibration mean cost is within the budget. Each rule picks a policy
 * on calibration; on the holdout: gain = its quality minus the naive choice's; worse = gain below
 * -0.5 point; over budget = its mean cost above 1.02 x the budget; distance = the holdout's own
 * envelope at the budget (the best any single model or pair threshold reaches there within the
 * budget, an oracle) minus its quality.
 */
import type { Dataset, ModelColumns, PolicySpec, SplitInfo } from './types.ts';
import type { SplitOption } from './options.ts';
import { lastVertexWithin, pairwiseFrontier, singleModelPoints } from './envelope.ts';
import { measurePolicies } from './policy.ts';
import { splitDataset, subsetDataset } from './split.ts';
import { logSpacedBudgets, quantileSorted, seededRandom, shuffledIndices } from './stats.ts';
import { selectForBudgets, selectionSettings, type SelectionOptions } from './select/rule.ts';
import type { SelectionSettings } from './types.ts';

/** Defaults of the backtest. */
export const BACKTEST_DEFAULTS = { budgets: 25, repeats: 20, seed: 1, intervalResamples: 2000, level: 0.95, worseBy: 0.005, overBy: 0.02 } as const;

/** The rules compared: the in-sample rule (the envelope vertex of highest calibration quality within the budget) and the noise-aware rule. */
export type RuleName = 'inSample' | 'noiseAware';
export const RULES: readonly RuleName[] = ['inSample', 'noiseAware'];

/** One budget of one split. */
export interface BacktestCell {
  readonly split: number;
  readonly budget: number;
  /** The naive choice's model and held-out quality. */
  readonly naive: string;
  readonly naiveQuality: number;
  /** The holdout's own envelope at the budget; null when the budget is below every held-out cost. */
  readonly optimum: number | null;
  readonly rules: Readonly<Record<RuleName, { readonly policy: PolicySpec; readonly cost: number; readonly quality: number; readonly gain: number; readonly worse: boolean; readonly over: boolean }>>;
}

/** The figures of one rule over a set of cells. */
export interface RuleFigures {
  /** Budgets judged (cells). */
  readonly cells: number;
  /** Mean held-out gain over the naive choice, and its percentile bootstrap interval over splits (over budgets with one split). */
  readonly meanGain: number;
  readonly gainInterval: readonly [number, number];
  /** Share of budgets where the rule is worse than the naive choice by more than 0.5 point held out. */
  readonly worseShare: number;
  /** Share of budgets where its held-out mean cost is more than 2% over the budget. */
  readonly overShare: number;
  /** Mean distance, in quality, to the held-out optimum (over the cells that have one). */
  readonly meanDistance: number;
}

export interface BacktestSplit {
  readonly kind: 'given' | 'random';
  /** Seed of a random re-split (re-split r of a backtest seeded s uses s + r). */
  readonly seed?: number;
  readonly nCalibration: number;
  readonly nHoldout: number;
  readonly rules: Readonly<Record<RuleName, RuleFigures>>;
}

export interface BacktestResult {
  readonly version: 1;
  /** Queries in calibration + holdout. */
  readonly n: number;
  /** The split as asked (the first one judged). */
  readonly split: SplitInfo;
  readonly budgets: number;
  readonly repeats: number;
  /** Over every cell of every split. */
  readonly rules: Readonly<Record<RuleName, RuleFigures>>;
  readonly splits: readonly BacktestSplit[];
  readonly cells: readonly BacktestCell[];
  readonly settings: {
    readonly seed: number;
    readonly intervalResamples: number;
    readonly level: number;
    readonly worseBy: number;
    readonly overBy: number;
    /** How the interval of the mean gain resamples: whole splits, or budgets when there is one split. */
    readonly intervalOver: 'splits' | 'budgets';
    readonly selection: SelectionSettings;
  };
}

export interface BacktestOptions {
  /** How calibration and holdout are told apart for the first split (as `analyze`); it must hold queries out. */
  readonly split?: SplitOption;
  /** Budgets per split, log-spaced from the cheapest to the dearest single model (default 25). */
  readonly budgets?: number;
  /** Random re-splits after the first, with the same calibration and holdout sizes (default 20). */
  readonly repeats?: number;
  /** Seed of the re-splits, of the rule and of the interval (default 1). */
  readonly seed?: number;
  /** The noise-aware rule's options. */
  readonly selection?: SelectionOptions;
  /** Called after each split (for progress). */
  readonly onSplit?: (done: number, total: number) => void;
}

/** The queries of two datasets over the same models, one after the other (columns only). O(n k). */
function concatDatasets(a: Dataset, b: Dataset): Dataset {
  const join = (x: Float64Array, y: Float64Array): Float64Array => {
    const out = new Float64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  const models: ModelColumns[] = a.models.map((m, j) => {
    const o = b.models[j];
    return {
      name: m.name,
      quality: join(m.quality, o.quality),
      confidence: join(m.confidence, o.confidence),
      cost: join(m.cost, o.cost),
      ...(m.latencyMs && o.latencyMs ? { latencyMs: join(m.latencyMs, o.latencyMs) } : {}),
    };
  });
  return { n: a.n + b.n, ids: [...a.ids, ...b.ids], models };
}

/** The cells of one calibration/holdout split. */
export function backtestSplit(cal: Dataset, hold: Dataset, splitIndex: number, budgetCount: number, selection: SelectionOptions): BacktestCell[] {
  const singles = singleModelPoints(cal.models);
  const costs = singles.map((s) => s.cost);
  const budgets = logSpacedBudgets(Math.min(...costs), Math.max(...costs), budgetCount);
  const frontier = pairwiseFrontier(cal);
  const heldFrontier = pairwiseFrontier(hold);
  const picks = selectForBudgets(cal, budgets, selection);
  const naive: PolicySpec[] = [];
  const inSample: PolicySpec[] = [];
  const noiseAware: PolicySpec[] = [];
  const kept: number[] = [];
  budgets.forEach((budget, j) => {
    let best = -1;
    singles.forEach((s, m) => {
      if (s.cost <= budget && (best < 0 || s.quality > singles[best].quality)) best = m;
    });
    const v = lastVertexWithin(frontier.envelope, budget);
    const pick = picks[j].choice;
    if (best < 0 || v < 0 || !pick) return;
    kept.push(j);
    naive.push({ kind: 'single', models: [singles[best].name], thresholds: [] });
    inSample.push(frontier.envelope[v].policy);
    noiseAware.push(pick.policy);
  });
  const measured = measurePolicies(hold, [...naive, ...inSample, ...noiseAware]);
  const c = kept.length;
  return kept.map((j, x) => {
    const budget = budgets[j];
    const base = measured[x];
    const v = lastVertexWithin(heldFrontier.envelope, budget);
    const judge = (policy: PolicySpec, m: { cost: number; quality: number }) => {
      const gain = m.quality - base.quality;
      return { policy, cost: m.cost, quality: m.quality, gain, worse: gain < -BACKTEST_DEFAULTS.worseBy, over: m.cost > (1 + BACKTEST_DEFAULTS.overBy) * budget };
    };
    return {
      split: splitIndex,
      budget,
      naive: naive[x].models[0],
      naiveQuality: base.quality,
      optimum: v >= 0 ? heldFrontier.envelope[v].quality : null,
      rules: { inSample: judge(inSample[x], measured[c + x]), noiseAware: judge(noiseAware[x], measured[2 * c + x]) },
    };
  });
}

/**
 * Figures of one rule over cells; the mean gain's interval resamples whole splits (cells of one
 * split move together) when there are several, else budgets. Seeded percentile bootstrap.
 */
export function ruleFigures(cells: readonly BacktestCell[], rule: RuleName, seed: number = BACKTEST_DEFAULTS.seed): RuleFigures {
  const total = cells.length;
  if (total === 0) return { cells: 0, meanGain: NaN, gainInterval: [NaN, NaN], worseShare: NaN, overShare: NaN, meanDistance: NaN };
  let gain = 0;
  let worse = 0;
  let over = 0;
  let distance = 0;
  let withOptimum = 0;
  const groups = new Map<number, { sum: number; count: number }>();
  for (const cell of cells) {
    const r = cell.rules[rule];
    gain += r.gain;
    if (r.worse) worse++;
    if (r.over) over++;
    if (cell.optimum !== null) {
      distance += cell.optimum - r.quality;
      withOptimum++;
    }
    const g = groups.get(cell.split) ?? { sum: 0, count: 0 };
    g.sum += r.gain;
    g.count++;
    groups.set(cell.split, g);
  }
  const units = groups.size > 1 ? [...groups.values()] : cells.map((cell) => ({ sum: cell.rules[rule].gain, count: 1 }));
  const random = seededRandom(seed);
  const draws = new Float64Array(BACKTEST_DEFAULTS.intervalResamples);
  for (let r = 0; r < draws.length; r++) {
    let sum = 0;
    let count = 0;
    for (let u = 0; u < units.length; u++) {
      const pick = units[Math.floor(random() * units.length)];
      sum += pick.sum;
      count += pick.count;
    }
    draws[r] = sum / count;
  }
  draws.sort();
  const alpha = (1 - BACKTEST_DEFAULTS.level) / 2;
  return {
    cells: total,
    meanGain: gain / total,
    gainInterval: [quantileSorted(draws, alpha), quantileSorted(draws, 1 - alpha)],
    worseShare: worse / total,
    overShare: over / total,
    meanDistance: withOptimum > 0 ? distance / withOptimum : NaN,
  };
}

/**
 * The backtest of a dataset: the split as asked, then `repeats` seeded random re-splits of the
 * same queries with the same calibration and holdout sizes; for each, every budget judged for
 * both rules. O((1 + repeats) * (rule cost for `budgets` budgets)).
 * @throws Error when the split holds no queries out, or is unusable.
 */
export function backtest(dataset: Dataset, options: BacktestOptions = {}): BacktestResult {
  const run = backtestSteps(dataset, options);
  for (let step = run.next(); ; step = run.next()) if (step.done) return step.value;
}

/**
 * {@link backtest} one split at a time, yielding to other work between splits (a macrotask) and
 * stopping when `signal` is aborted (then resolving undefined). For an editor's background work.
 */
export async function backtestInSteps(dataset: Dataset, options: BacktestOptions & { readonly signal?: AbortSignal } = {}): Promise<BacktestResult | undefined> {
  const run = backtestSteps(dataset, options);
  for (let step = run.next(); ; step = run.next()) {
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (options.signal?.aborted) return undefined;
  }
}

/** The backtest as a generator that yields after each split and returns the result. */
function* backtestSteps(dataset: Dataset, options: BacktestOptions): Generator<number, BacktestResult, void> {
  const seed = options.seed ?? BACKTEST_DEFAULTS.seed;
  const budgetCount = options.budgets ?? BACKTEST_DEFAULTS.budgets;
  const repeats = options.repeats ?? BACKTEST_DEFAULTS.repeats;
  const selection: SelectionOptions = { seed, ...options.selection };
  const first = splitDataset(dataset, options.split);
  if (!first.holdout || first.holdout.n === 0 || first.calibration.n === 0) {
    throw new Error('the backtest needs calibration and holdout queries: drop --no-split, or name a split field with both values.');
  }
  const union = concatDatasets(first.calibration, first.holdout);
  const nCal = first.calibration.n;
  const cells: BacktestCell[] = [];
  const splits: BacktestSplit[] = [];
  const total = 1 + repeats;
  const record = (kind: 'given' | 'random', cal: Dataset, hold: Dataset, index: number, splitSeed?: number) => {
    const own = backtestSplit(cal, hold, index, budgetCount, selection);
    cells.push(...own);
    splits.push({
      kind,
      ...(splitSeed !== undefined ? { seed: splitSeed } : {}),
      nCalibration: cal.n,
      nHoldout: hold.n,
      rules: { inSample: ruleFigures(own, 'inSample', seed), noiseAware: ruleFigures(own, 'noiseAware', seed) },
    });
    options.onSplit?.(index + 1, total);
  };
  record('given', first.calibration, first.holdout, 0);
  yield 1;
  const perm = new Uint32Array(union.n);
  for (let r = 1; r <= repeats; r++) {
    shuffledIndices(perm, seededRandom(seed + r));
    const cal = subsetDataset(union, perm.slice(0, nCal).sort());
    const hold = subsetDataset(union, perm.slice(nCal).sort());
    record('random', cal, hold, r, seed + r);
    yield r + 1;
  }
  return {
    version: 1,
    n: union.n,
    split: first.info,
    budgets: budgetCount,
    repeats,
    rules: { inSample: ruleFigures(cells, 'inSample', seed), noiseAware: ruleFigures(cells, 'noiseAware', seed) },
    splits,
    cells,
    settings: {
      seed,
      intervalResamples: BACKTEST_DEFAULTS.intervalResamples,
      level: BACKTEST_DEFAULTS.level,
      worseBy: BACKTEST_DEFAULTS.worseBy,
      overBy: BACKTEST_DEFAULTS.overBy,
      intervalOver: splits.length > 1 ? 'splits' : 'budgets',
      selection: selectionSettings(nCal, selection),
    },
  };
}

/** A backtest without its per-budget cells: what a panel needs to show. */
export type BacktestSummary = Omit<BacktestResult, 'cells'>;

/** {@link BacktestSummary} of a result. */
export function summarizeBacktest(result: BacktestResult): BacktestSummary {
  const { cells: _cells, ...summary } = result;
  return summary;
}
