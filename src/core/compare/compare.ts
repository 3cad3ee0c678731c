import type { Dataset, InputIssue, ModelColumns, PolicySpec } from '../types.ts';
import type { SplitDatasets } from '../split.ts';
import type { SplitOption } from '../options.ts';
import { listWarnings, prepareRun } from '../prepare.ts';
import { pairwiseFrontier, singleModelPoints } from '../envelope.ts';
import { paretoIndices } from '../pareto.ts';
import { modelByName, policyKey } from '../policy.ts';
import { quantileSorted } from '../stats.ts';
import { chainFrontier, DEFAULT_LAMBDAS_PER_DECADE, lambdaGrid } from '../chain/frontier.ts';
import { chainMarginalRatios } from '../chain/marginal.ts';
import { chainProblem, confidenceIndexes } from '../chain/optimize.ts';
import { bestSubsequenceFrontier, type ChainFrontierPoint, costOrder, DEFAULT_MAX_SUBSEQUENCE, fullChainFrontier, subsequenceCandidates } from '../chain/subsequence.ts';
import { hasConfidence } from '../confidence/source.ts';
import { type RouterOptions, routerInputs, type RouterUnavailable, trainRouter, type TrainedRouter } from '../router/router.ts';
import { pathPoints, pathSamplePositions, perfectRoutingPath, type RoutingPath, routingPath } from '../router/routingPath.ts';
import { type CostQuality, meanOfSteps, meanStepQuality } from './measures.ts';
import { heldOutMeter, type HeldOutSpec, TABLE_FAMILIES, type TableFamily } from './heldOut.ts';
import { chainFrontiers, heldOutDraws, sharedDeltaPlanner } from './parallel.ts';
import { type PolicyMeans, policyTable, type PolicyTable } from './policyTable.ts';
import type { ComparisonFamily, ComparisonPoint, ComparisonResult, Estimate, FamilyId } from './types.ts';
import { comparisonVerdicts, type Measures } from './verdicts.ts';

/** What to compare and how. */
export interface CompareOptions {
  /** Default: the data's train/test labels, else a seeded random split (as for the pairwise analysis). */
  readonly split?: SplitOption;
  /** Bootstrap resamples (default 1000), seed (default 1), interval level (default 0.95). */
  readonly bootstrapResamples?: number;
  readonly seed?: number;
  readonly level?: number;
  /** Longest subsequence searched (default 4). */
  readonly maxSubsequence?: number;
  /** Density of the shadow-price sweep for chains (default 6 per factor of ten). */
  readonly lambdasPerDecade?: number;
  readonly router?: RouterOptions;
  /** Most points read along the router's shadow-price path (default 256). */
  readonly routerPoints?: number;
  /** Queries in the window of the chains' boundary ratios (default: as the pairwise local shadow price). */
  readonly localWindow?: number;
  /** Loader issues to carry into `warnings`. */
  readonly issues?: readonly InputIssue[];
}

export const COMPARE_DEFAULTS = { routerPoints: 256, boundPoints: 4096 } as const;

export const AREA_DEFINITION =
  "mean over log cost of the step frontier F(B) = best held-out quality among the family's policies with held-out cost <= B, " +
  "for B from the cheapest to the most expensive single model (held-out mean costs); F = 0 below the family's cheapest policy";

export const AIQ_DEFINITION =
  "RouterBench AIQ: mean over the linear cost range [cheapest model, best model] of the non-decreasing concave hull of the family's held-out points (linear between hull vertices: reachable by randomising)";

export const APGR_DEFINITION = 'RouteLLM APGR: mean over the linear cost range [cheapest model, best model] of (F(B) - Q_cheapest) / (Q_best - Q_cheapest), F the step frontier';

const LABELS: Record<FamilyId, string> = {
  singles: 'best single model',
  envelope: 'pairwise envelope',
  fullChain: 'full fixed chain',
  bestSubsequence: 'best subsequence',
  router: 'pre-generation router',
  bound: 'perfect-routing bound',
};

/**
 * The held-out comparison of docs/SPEC.md, "Held-out evaluation": on the calibration split, the
 * pairwise envelope, the full fixed chain and the best subsequence are chosen and the router is
 * trained; on the holdout split each is measured, with the perfect-routing bound, and ranked by
 * the mean quality of its step frontier over a common log-cost range, RouterBench's AIQ and
 * RouteLLM's APGR, with seeded bootstrap intervals over holdout queries (paired across
 * families) and the verdicts. O(C(k, maxSubsequence) * grid * n_cal log n_cal + k epochs nnz +
 * resamples * (pairs + models + chains) * n_hold).
 * @throws Error for unusable input (no queries, an empty calibration or holdout split, unknown split labels).
 */
export function compare(dataset: Dataset, options: CompareOptions = {}): ComparisonResult {
  const { split, cal, resamples, seed, level, localWindow } = prepareRun(dataset, options);
  if (split.holdout && split.holdout.n === 0) throw new Error('the holdout split has no queries. Check the split field and its values.');
  const hold = split.holdout ?? cal;
  const perDecade = options.lambdasPerDecade ?? DEFAULT_LAMBDAS_PER_DECADE;
  const maxSubsequence = options.maxSubsequence ?? DEFAULT_MAX_SUBSEQUENCE;
  const routerPoints = options.routerPoints ?? COMPARE_DEFAULTS.routerPoints;

  const chosen = chooseOnCalibration(cal, perDecade, maxSubsequence, localWindow);
  // The holdout's policy table first: the delta plan of its chains (for the bootstrap only) is
  // shared with a worker while the router is trained and the point estimate measured here.
  const table = policyTable(hold, chosen.policies, resamples > 0 ? sharedDeltaPlanner(hold.models) : undefined);
  const routes = routeBothSplits(cal, hold, options.router, routerPoints);
  const measured = measureOnHoldout(hold, chosen, routes, table, { resamples, seed, level });
  const families = familiesOf(hold, chosen, routes, measured, maxSubsequence);
  const bestCascade = bestCascadeOf(families, measured);
  const verdicts = comparisonVerdicts(families, measured, routes.trained, bestCascade.structuralShare, chosen);
  return resultOf(split, chosen, routes, measured, families, bestCascade, verdicts, {
    settings: { bootstrapResamples: resamples, seed, level, localWindow, routerPoints },
    search: { lambdas: chosen.grid.length, lambdasPerDecade: perDecade, maxSubsequence, subsequenceCandidates: chosen.subsequenceCandidates },
    warnings: listWarnings(options.issues ?? [], split.warnings),
  });
}

/** Phase 1: what is chosen on calibration, and every distinct fixed policy among it. */
interface Chosen {
  readonly singles: ReturnType<typeof singleModelPoints>;
  readonly grid: readonly number[];
  readonly subsequenceCandidates: number;
  /** Each fixed-policy family's calibration points. */
  readonly calibrationPoints: Record<TableFamily, ComparisonPoint[]>;
  /** The distinct policies of all families, measured together on holdout. */
  readonly policies: readonly PolicySpec[];
  /** For each family's point, its policy's index in `policies`. */
  readonly indexOf: Record<TableFamily, number[]>;
  /** Why no full chain can be formed (a model before the last has no confidence). */
  readonly chainUnavailable?: string;
  /** Why no cascade can be formed (no model but the dearest has a confidence). */
  readonly cascadeUnavailable?: string;
}

/**
 * Chooses on the calibration split: the single models, the pairwise envelope, the full chain and
 * the best subsequences over a shadow-price grid (chains with their boundary ratios).
 */
function chooseOnCalibration(cal: Dataset, perDecade: number, maxSubsequence: number, localWindow: number): Chosen {
  const singles = singleModelPoints(cal.models);
  const singlePolicies: PolicySpec[] = singles.map((s) => ({ kind: 'single', models: [s.name], thresholds: [] }));
  const pairwise = pairwiseFrontier(cal);
  const grid = lambdaGrid(cal.models, perDecade);
  const indexes = confidenceIndexes(cal.models);
  // A chain needs a confidence at every stage but the last; the envelope needs one cheap model with one.
  const leadless = costOrder(cal)
    .slice(0, -1)
    .filter((m) => !hasConfidence(m))
    .map((m) => m.name);
  const chainUnavailable = leadless.length > 0 ? `${leadless.join(', ')} ${leadless.length === 1 ? 'has' : 'have'} no confidence, so the full chain cannot decide where to escalate` : undefined;
  const cascadeUnavailable = pairwise.curves.length === 0 && singles.length > 1 ? 'no model but the dearest has a confidence, so no cascade can be computed' : undefined;
  // The chains of three stages or more (the full chain among them) are the long part of the search: about half goes to a second core.
  const key = (stages: readonly ModelColumns[]) => JSON.stringify(stages.map((m) => m.name));
  const chains = subsequenceCandidates(costOrder(cal), maxSubsequence).filter((stages) => stages.length >= 3);
  const fullStages = costOrder(cal);
  if (!chainUnavailable && fullStages.length >= 3 && !chains.some((stages) => key(stages) === key(fullStages))) chains.push(fullStages);
  const frontierOf = (stages: readonly ModelColumns[]) => chainFrontier(chainProblem(stages, indexes), grid);
  const computed = chainFrontiers(cal.models, grid, chains, frontierOf);
  const frontiers = new Map(chains.map((stages, k) => [key(stages), computed[k]]));
  const searched = (stages: readonly ModelColumns[]) => frontiers.get(key(stages)) ?? frontierOf(stages);
  const full = chainUnavailable ? [] : fullChainFrontier(cal, grid, indexes, searched);
  const sub = bestSubsequenceFrontier(cal, grid, maxSubsequence, indexes, searched);
  const withRatios = (p: ChainFrontierPoint): ComparisonPoint => {
    const base = { cost: p.cost, quality: p.quality, escalationRate: p.escalationRate, policy: p.policy, lambda: p.lambda };
    if (p.policy.models.length < 3) return base;
    const stages = p.policy.models.map((m) => modelByName(cal, m));
    const ratios = chainMarginalRatios(
      stages,
      p.policy.thresholds.map((t) => t ?? Infinity),
      localWindow,
      stages.map((m) => indexes.get(m.name)!.order),
    );
    return { ...base, boundaryRatios: ratios };
  };
  const calibrationPoints: Record<TableFamily, ComparisonPoint[]> = {
    singles: singles.map((s, i) => ({ cost: s.cost, quality: s.quality, escalationRate: 0, policy: singlePolicies[i] })),
    envelope: pairwise.envelope.map((v) => ({ cost: v.cost, quality: v.quality, escalationRate: v.escalationRate, policy: v.policy })),
    fullChain: full.map(withRatios),
    bestSubsequence: sub.points.map(withRatios),
  };
  // Every fixed policy once, so that one table measures them all on holdout under any weights.
  const keys = new Map<string, number>();
  const policies: PolicySpec[] = [];
  const indexOf = {} as Record<TableFamily, number[]>;
  for (const family of TABLE_FAMILIES) {
    indexOf[family] = calibrationPoints[family].map((p) => {
      const key = policyKey(p.policy!);
      let at = keys.get(key);
      if (at === undefined) {
        at = policies.length;
        keys.set(key, at);
        policies.push(p.policy!);
      }
      return at;
    });
  }
  return {
    singles,
    grid,
    subsequenceCandidates: sub.candidatesEvaluated,
    calibrationPoints,
    policies,
    indexOf,
    ...(chainUnavailable ? { chainUnavailable } : {}),
    ...(cascadeUnavailable ? { cascadeUnavailable } : {}),
  };
}

/** Phase 2: the router trained on calibration and the perfect-routing bound, as shadow-price paths on both splits. */
interface Routes {
  readonly trained: TrainedRouter | RouterUnavailable;
  readonly routerPath?: RoutingPath;
  readonly routerPositions: number[];
  readonly routerInSample: ComparisonPoint[];
  readonly logLossSkill?: number;
  readonly boundPath: RoutingPath;
  readonly boundPositions: number[];
  readonly boundInSample: ComparisonPoint[];
}

/** The router trained on calibration, its path on both splits, and the bound's. O(k epochs nnz + k n log n). */
function routeBothSplits(cal: Dataset, hold: Dataset, router: RouterOptions | undefined, routerPoints: number): Routes {
  const trained = trainRouter(cal, router);
  let routerPath: RoutingPath | undefined;
  let routerPositions: number[] = [];
  let routerInSample: ComparisonPoint[] = [];
  let logLossSkill: number | undefined;
  const calNames = cal.models.map((m) => m.name);
  if (trained.available) {
    const inputs = routerInputs(trained, hold);
    routerPath = routingPath(inputs.success, inputs.expectedCost);
    routerPositions = pathSamplePositions(routerPath, routerPoints);
    const calInputs = routerInputs(trained, cal);
    const calPath = routingPath(calInputs.success, calInputs.expectedCost);
    routerInSample = pathComparisonPoints(
      pathPoints(
        calPath,
        cal.models.map((m) => m.quality),
        cal.models.map((m) => m.cost),
        pathSamplePositions(calPath, routerPoints),
      ),
      calNames,
    );
    logLossSkill = routerSkill(
      inputs.success,
      hold.models.map((m) => m.quality),
      cal,
    );
  }
  const boundPath = perfectRoutingPath(hold);
  const boundPositions = pathSamplePositions(boundPath, COMPARE_DEFAULTS.boundPoints, true);
  const calBound = perfectRoutingPath(cal);
  const boundInSample = pathComparisonPoints(
    pathPoints(
      calBound,
      cal.models.map((m) => m.quality),
      cal.models.map((m) => m.cost),
      pathSamplePositions(calBound, COMPARE_DEFAULTS.boundPoints, true),
    ),
    calNames,
  );
  return { trained, ...(routerPath ? { routerPath } : {}), routerPositions, routerInSample, ...(logLossSkill !== undefined ? { logLossSkill } : {}), boundPath, boundPositions, boundInSample };
}

/** Phase 3: every family measured on holdout, once with the holdout's own weights and once per bootstrap resample. */
interface HeldOut {
  /** Mean cost, quality and structural cost of each distinct fixed policy on holdout. */
  readonly estimateMeans: PolicyMeans;
  readonly holdSingles: readonly CostQuality[];
  /** The cost range the areas are taken over (the single models' held-out costs). */
  readonly from: number;
  readonly to: number;
  readonly scale: 'log' | 'linear';
  readonly hasRange: boolean;
  /** Indexes (in `singles`) of the cheapest model and the best one: the AIQ and APGR reference. */
  readonly weak: number;
  readonly strong: number;
  /** A measure with its bootstrap percentile interval. */
  readonly interval: (get: (m: Measures) => number | null) => Estimate;
  /** The difference of two measures, paired over the same resamples. */
  readonly diff: (a: (m: Measures) => number | null, b: (m: Measures) => number | null) => Estimate;
  readonly point: Measures;
}

function measureOnHoldout(hold: Dataset, chosen: Chosen, routes: Routes, table: PolicyTable, stats: { resamples: number; seed: number; level: number }): HeldOut {
  const { singles, indexOf } = chosen;
  const weak = 0;
  let strong = 0;
  singles.forEach((s, i) => {
    if (s.quality > singles[strong].quality) strong = i;
  });
  const spec: HeldOutSpec = {
    n: hold.n,
    models: hold.models.map((m) => ({ name: m.name, quality: m.quality, confidence: m.confidence, cost: m.cost })),
    policies: chosen.policies,
    indexOf,
    ...(routes.routerPath ? { router: { path: routes.routerPath, positions: routes.routerPositions } } : {}),
    bound: { path: routes.boundPath, positions: routes.boundPositions },
    weak,
    strong,
  };
  const meter = heldOutMeter(spec, { table });
  const estimateMeans = meter.fill();
  const holdSingles = indexOf.singles.map((p) => ({ cost: estimateMeans.cost[p], quality: estimateMeans.quality[p] }));
  let from = Infinity;
  let to = -Infinity;
  for (const s of holdSingles) {
    from = Math.min(from, s.cost);
    to = Math.max(to, s.cost);
  }
  const scale: 'log' | 'linear' = from > 0 ? 'log' : 'linear';
  const hasRange = to > from;
  const range = { from, to, scale, hasRange };
  const point = meter.measure(range);

  // Paired bootstrap over holdout queries.
  const draws: Measures[] = stats.resamples > 0 && hasRange ? heldOutDraws(meter, spec, range, stats.seed, stats.resamples) : [];
  const interval = (get: (m: Measures) => number | null): Estimate => {
    const value = get(point);
    if (value === null || draws.length === 0) return { value };
    const values = Float64Array.from(draws.map(get).filter((v): v is number => v !== null)).sort();
    if (values.length === 0) return { value };
    const alpha = (1 - stats.level) / 2;
    return { value, interval: [quantileSorted(values, alpha), quantileSorted(values, 1 - alpha)] };
  };
  const diff = (a: (m: Measures) => number | null, b: (m: Measures) => number | null) =>
    interval((m) => {
      const x = a(m);
      const y = b(m);
      return x === null || y === null ? null : x - y;
    });

  return { estimateMeans, holdSingles, from, to, scale, hasRange, weak, strong, interval, diff, point };
}

/** Phase 4: the families, each with its calibration and held-out points and its measures. */
function familiesOf(hold: Dataset, chosen: Chosen, routes: Routes, measured: HeldOut, maxSubsequence: number): ComparisonFamily[] {
  const { singles, calibrationPoints, indexOf } = chosen;
  const { estimateMeans, interval, diff } = measured;
  const { trained } = routes;
  const escalation = heldEscalation(hold);
  const heldPoints = (family: TableFamily): ComparisonPoint[] =>
    calibrationPoints[family]
      .map((p, j) => {
        const t = indexOf[family][j];
        return {
          cost: estimateMeans.cost[t],
          quality: estimateMeans.quality[t],
          ...(p.policy!.models.length > 1 ? { structuralCost: estimateMeans.structuralCost[t] } : {}),
          ...(p.escalationRate !== undefined ? { escalationRate: escalation(p.policy!) } : {}),
          policy: p.policy,
          ...(p.lambda !== undefined ? { lambda: p.lambda } : {}),
          calibration: { cost: p.cost, quality: p.quality },
        };
      })
      .sort((a, b) => a.cost - b.cost || a.quality - b.quality);
  const calRange = calibrationRange(singles);
  const inSampleArea = (points: readonly CostQuality[]) => (calRange && points.length > 0 ? meanStepQuality(points, calRange.from, calRange.to, calRange.scale) : null);
  const family = (id: FamilyId, kind: ComparisonFamily['kind'], description: string, inSample: ComparisonPoint[], holdout: ComparisonPoint[], reason?: string): ComparisonFamily => ({
    id,
    label: LABELS[id],
    kind,
    available: reason === undefined,
    ...(reason !== undefined ? { reason } : {}),
    description,
    inSample,
    holdout,
    holdoutFrontier: paretoIndices(
      holdout.map((p) => p.cost),
      holdout.map((p) => p.quality),
    ).sort((a, b) => a - b),
    area: interval((m) => m.area[id]),
    aiq: interval((m) => m.aiq[id]),
    apgr: interval((m) => m.apgr[id]),
    inSampleArea: inSampleArea(inSample),
    areaVsEnvelope: diff(
      (m) => m.area[id],
      (m) => m.area.envelope,
    ),
  });
  const holdQuality = hold.models.map((m) => m.quality);
  const holdCost = hold.models.map((m) => m.cost);
  const modelNames = hold.models.map((m) => m.name);
  const routerHold = routes.routerPath ? pathComparisonPoints(pathPoints(routes.routerPath, holdQuality, holdCost, routes.routerPositions).reverse(), modelNames) : [];
  const boundHold = pathComparisonPoints(pathPoints(routes.boundPath, holdQuality, holdCost, routes.boundPositions).reverse(), modelNames);
  return [
    family('singles', 'single', 'each model alone; at a budget, the best single model within it', calibrationPoints.singles, heldPoints('singles')),
    family(
      'envelope',
      'cascade',
      'the Pareto set of every single model and every cheap -> expensive pair at every threshold, chosen on calibration',
      calibrationPoints.envelope,
      heldPoints('envelope'),
    ),
    family(
      'fullChain',
      'cascade',
      `all ${singles.length} models in cost order, thresholds optimised on calibration for ${chosen.grid.length} shadow prices by coordinate ascent`,
      calibrationPoints.fullChain,
      heldPoints('fullChain'),
      chosen.chainUnavailable,
    ),
    family(
      'bestSubsequence',
      'cascade',
      `every ordered subset of up to ${maxSubsequence} models (${chosen.subsequenceCandidates} candidates) with its own thresholds, the Pareto set of all, chosen on calibration`,
      calibrationPoints.bestSubsequence,
      heldPoints('bestSubsequence'),
    ),
    family(
      'router',
      'router',
      trained.available
        ? `per query, the model maximising P(success | prompt) - lambda * expected cost, trained on calibration (${trained.featureDescription}); pays only that model`
        : 'a pre-generation router',
      routes.routerInSample,
      routerHold,
      trained.available ? undefined : trained.reason,
    ),
    family('bound', 'bound', 'per query, the model maximising q - lambda * c with the true outcomes: an upper limit, not a policy', routes.boundInSample, boundHold),
  ];
}

/** Phase 5: the best cascade (the Pareto set of every cascade's held-out points) and the share of its spend that is structural. */
function bestCascadeOf(families: readonly ComparisonFamily[], measured: HeldOut): ComparisonResult['bestCascade'] {
  const { from, to, scale, hasRange, interval } = measured;
  const cascadeHeld = families.filter((f) => f.kind === 'cascade').flatMap((f) => f.holdout);
  const cascadeFrontier = paretoIndices(
    cascadeHeld.map((p) => p.cost),
    cascadeHeld.map((p) => p.quality),
  ).map((k) => cascadeHeld[k]);
  const shares = cascadeFrontier.map((p) => (p.cost > 0 ? (p.structuralCost ?? 0) / p.cost : 0));
  const inRange = cascadeFrontier.map((p, i) => ({ p, s: shares[i] })).filter(({ p }) => p.cost >= from && p.cost <= to);
  const structuralShare = hasRange
    ? meanOfSteps(
        cascadeFrontier.map((p) => p.cost),
        shares,
        from,
        to,
        scale,
      )
    : null;
  return {
    area: interval((m) => m.cascadeArea),
    areaWithoutStructuralCost: interval((m) => m.withoutStructural),
    structuralShare,
    maxStructuralShare: inRange.length > 0 ? Math.max(...inRange.map((x) => x.s)) : null,
    frontier: cascadeFrontier,
  };
}

/** Phase 6: the result object. */
function resultOf(
  split: SplitDatasets,
  chosen: Chosen,
  routes: Routes,
  measured: HeldOut,
  families: ComparisonFamily[],
  bestCascade: ComparisonResult['bestCascade'],
  verdicts: ComparisonResult['verdicts'],
  rest: Pick<ComparisonResult, 'settings' | 'search' | 'warnings'>,
): ComparisonResult {
  const { singles } = chosen;
  const { holdSingles, weak, strong, from, to, scale, hasRange } = measured;
  const { trained, logLossSkill } = routes;
  const weakName = singles[weak].name;
  const strongName = singles[strong].name;
  return {
    version: 1,
    n: split.info.nCalibration + split.info.nHoldout,
    split: split.info,
    heldOut: split.holdout !== undefined,
    models: singles.map((s, i) => ({ name: s.name, calibration: { cost: s.cost, quality: s.quality }, holdout: { cost: holdSingles[i].cost, quality: holdSingles[i].quality } })),
    range: hasRange ? { from, to, scale, definition: AREA_DEFINITION + (scale === 'linear' ? ' (linear cost: a model costs nothing)' : '') } : null,
    reference:
      strong !== weak && holdSingles[strong].cost > holdSingles[weak].cost
        ? { weak: weakName, strong: strongName, from: holdSingles[weak].cost, to: holdSingles[strong].cost, aiqDefinition: AIQ_DEFINITION, apgrDefinition: APGR_DEFINITION }
        : null,
    families,
    bestCascade,
    verdicts,
    search: rest.search,
    router: trained.available
      ? {
          available: true,
          features: trained.featureDescription,
          settings: trained.settings,
          costModels: trained.models.map((m) => ({ model: m.name, method: m.costModel.method })),
          ...(logLossSkill !== undefined ? { logLossSkill } : {}),
          warnings: trained.warnings,
        }
      : { available: false, reason: trained.reason },
    settings: rest.settings,
    warnings: rest.warnings,
  };
}

/** Points of a routing path with the shares as model-name records (zero shares left out). */
function pathComparisonPoints(points: readonly { lambda: number; cost: number; quality: number; share: readonly number[] }[], names: readonly string[]): ComparisonPoint[] {
  return points.map((p) => {
    const share: Record<string, number> = {};
    p.share.forEach((s, m) => {
      if (s > 0) share[names[m]] = s;
    });
    return { cost: p.cost, quality: p.quality, lambda: p.lambda, share };
  });
}

/**
 * Share of holdout queries that go past the first stage of a policy: those whose first-stage
 * confidence is below its threshold, counted by a binary search in the model's sorted
 * confidences (sorted once per model). O(n log n) per model, then O(log n) per policy.
 */
function heldEscalation(ds: Dataset): (policy: PolicySpec) => number {
  const sorted = new Map<string, Float64Array>();
  return (policy) => {
    if (policy.models.length < 2) return 0;
    let s = sorted.get(policy.models[0]);
    if (!s) {
      s = Float64Array.from(modelByName(ds, policy.models[0]).confidence).sort();
      sorted.set(policy.models[0], s);
    }
    const t = policy.thresholds[0] ?? Infinity;
    // Ascending, NaN last: "below t" holds for a prefix.
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return ds.n > 0 ? lo / ds.n : 0;
  };
}

/** The calibration cost range of the single models (for in-sample areas). */
function calibrationRange(singles: readonly { cost: number }[]): { from: number; to: number; scale: 'log' | 'linear' } | null {
  const costs = singles.map((s) => s.cost);
  const from = Math.min(...costs);
  const to = Math.max(...costs);
  if (!(to > from)) return null;
  return { from, to, scale: from > 0 ? 'log' : 'linear' };
}

/**
 * Held-out log-loss of the router's P(success) relative to predicting each model's calibration
 * success rate: 1 - loss / baseline (> 0: the prompt features help). O(k n).
 */
function routerSkill(success: readonly Float64Array[], quality: readonly Float64Array[], cal: Dataset): number | undefined {
  let loss = 0;
  let base = 0;
  const clip = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
  success.forEach((p, m) => {
    let rate = 0;
    for (const q of cal.models[m].quality) rate += q;
    rate = clip(rate / Math.max(1, cal.n));
    for (let i = 0; i < p.length; i++) {
      const q = quality[m][i];
      const pi = clip(p[i]);
      loss -= q * Math.log(pi) + (1 - q) * Math.log(1 - pi);
      base -= q * Math.log(rate) + (1 - q) * Math.log(1 - rate);
    }
  });
  return base > 0 ? 1 - loss / base : undefined;
}
