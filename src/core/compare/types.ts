import type { PolicySpec, SplitInfo } from '../types.ts';
import type { BoundaryRatio } from '../chain/marginal.ts';

/**
 * The policy families compared: single models alone, the pairwise envelope, the full fixed
 * chain, the best subsequence, the pre-generation router, and the perfect-routing bound.
 */
export type FamilyId = 'singles' | 'envelope' | 'fullChain' | 'bestSubsequence' | 'router' | 'bound';

/** A figure with its seeded bootstrap percentile interval (over holdout queries); null where undefined. */
export interface Estimate {
  readonly value: number | null;
  readonly interval?: readonly [number, number];
}

/** One operating point of a family. */
export interface ComparisonPoint {
  readonly cost: number;
  readonly quality: number;
  /** Share of queries that went past the first stage (cascades). */
  readonly escalationRate?: number;
  /** Dollars per query spent on stages that did not answer (cascades): the structural cost. */
  readonly structuralCost?: number;
  /** The deployable policy (cascades and single models). */
  readonly policy?: PolicySpec;
  /** Shadow price the point was optimised for (chains, router, bound); null when not tied to one. */
  readonly lambda?: number | null;
  /** Router and bound: share of queries sent to each model. */
  readonly share?: Readonly<Record<string, number>>;
  /** Held-out points of policies chosen on calibration: their calibration figures. */
  readonly calibration?: { readonly cost: number; readonly quality: number };
  /** Chains of three stages or more (calibration): marginal quality per marginal cost at each boundary. */
  readonly boundaryRatios?: readonly BoundaryRatio[];
}

export interface ComparisonFamily {
  readonly id: FamilyId;
  readonly label: string;
  /** `bound` is an upper limit computed with the true outcomes, not a policy. */
  readonly kind: 'single' | 'cascade' | 'router' | 'bound';
  readonly available: boolean;
  /** Why the family is unavailable. */
  readonly reason?: string;
  /** How the family's policies are chosen, in one sentence. */
  readonly description: string;
  /** Calibration frontier (in-sample): the family's Pareto points on the data its policies were chosen on. */
  readonly inSample: readonly ComparisonPoint[];
  /** Held-out points: each calibration frontier policy measured on the holdout split (router: its shadow-price path; bound: computed on the holdout), cost ascending. */
  readonly holdout: readonly ComparisonPoint[];
  /** Indices into `holdout` of its Pareto points (the step frontier the measures integrate). */
  readonly holdoutFrontier: readonly number[];
  /** Mean step-frontier quality over the common log-cost range (see `ComparisonResult.range`). */
  readonly area: Estimate;
  /** RouterBench AIQ over the cheapest-to-best range (see `ComparisonResult.reference`). */
  readonly aiq: Estimate;
  /** RouteLLM APGR for the cheapest-vs-best pair (see `ComparisonResult.reference`). */
  readonly apgr: Estimate;
  /** `area` of the calibration frontier over the calibration range (in-sample). */
  readonly inSampleArea: number | null;
  /** area - the envelope's area (paired bootstrap). */
  readonly areaVsEnvelope: Estimate;
}

/** The answer to one question of the comparison. */
export interface Verdict {
  readonly question: string;
  /** `yes`: the gain's interval lies above 0; `no`: the gain is <= 0; `unclear`: positive but its interval reaches 0. */
  readonly answer: 'yes' | 'no' | 'unclear' | 'unavailable';
  /** Difference of areas (quality, 0..1) behind the answer. */
  readonly gain: Estimate;
  /** One or two sentences with the figures. */
  readonly detail: string;
}

/** The held-out comparison of cascades, chains, a router and the bound: the stable object printed by `compare --json`. */
export interface ComparisonResult {
  readonly version: 1;
  readonly n: number;
  readonly split: SplitInfo;
  /** False when there is no holdout split: every "held-out" figure is then in-sample. */
  readonly heldOut: boolean;
  /** Single models, cheap to expensive by calibration cost. */
  readonly models: readonly {
    readonly name: string;
    readonly calibration: { readonly cost: number; readonly quality: number };
    readonly holdout: { readonly cost: number; readonly quality: number };
  }[];
  /** The common cost range of `area`: from the cheapest to the most expensive single model (holdout costs). */
  readonly range: { readonly from: number; readonly to: number; readonly scale: 'log' | 'linear'; readonly definition: string } | null;
  /** The cheapest-vs-best pair that sets the range and normalisation of AIQ and APGR. */
  readonly reference: {
    readonly weak: string;
    readonly strong: string;
    readonly from: number;
    readonly to: number;
    readonly aiqDefinition: string;
    readonly apgrDefinition: string;
  } | null;
  readonly families: readonly ComparisonFamily[];
  /** The best cascade: per budget, the best of the envelope, the full chain and the best subsequence (held out). */
  readonly bestCascade: {
    readonly area: Estimate;
    /** The same frontier if escalated queries had not paid for the stages that did not answer. */
    readonly areaWithoutStructuralCost: Estimate;
    /** Mean over the range of the structural cost's share of the spend of the policy realising the frontier. */
    readonly structuralShare: number | null;
    /** Largest such share along the frontier. */
    readonly maxStructuralShare: number | null;
    readonly frontier: readonly ComparisonPoint[];
  };
  readonly verdicts: {
    readonly escalation: Verdict;
    readonly fullChain: Verdict;
    readonly subsequence: Verdict;
    readonly router: Verdict;
    /** Against the best single model within each budget: the question that needs no confidence. */
    readonly routerVsSingle: Verdict;
  };
  readonly search: {
    readonly lambdas: number;
    readonly lambdasPerDecade: number;
    readonly maxSubsequence: number;
    readonly subsequenceCandidates: number;
  };
  readonly router: {
    readonly available: boolean;
    readonly reason?: string;
    readonly features?: string;
    readonly settings?: { readonly epochs: number; readonly learningRate: number; readonly l2: number; readonly seed: number };
    readonly costModels?: readonly { readonly model: string; readonly method: 'tokens' | 'mean' }[];
    /** Held-out log-loss of P(success) relative to predicting each model's calibration success rate (1 - ratio; > 0 means the prompt features help). */
    readonly logLossSkill?: number;
    readonly warnings?: readonly string[];
  };
  readonly settings: { readonly bootstrapResamples: number; readonly seed: number; readonly level: number; readonly localWindow: number; readonly routerPoints: number };
  readonly warnings: readonly string[];
}
