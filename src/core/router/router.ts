import type { Dataset } from '../types.ts';
import { DEFAULT_BUCKETS, fitStandardiser, hashedNgramRows, lengthFeatures, type SparseRows, type Standardiser, withDenseColumns } from './features.ts';
import { fitLogistic, LOGISTIC_DEFAULTS, type LogisticModel, predictLogistic } from './logistic.ts';
import { type CostModel, expectedCosts, fitCostModel } from './expectedCost.ts';

export interface RouterOptions {
  /** `auto` (default): embeddings when the records carry them, else hashed n-grams of the prompt. */
  readonly features?: 'auto' | 'ngrams' | 'embeddings';
  /** Hash buckets for n-grams, a power of two (default 2^14). */
  readonly buckets?: number;
  readonly epochs?: number;
  readonly learningRate?: number;
  readonly l2?: number;
  /** Seed of the training shuffle (default 1). */
  readonly seed?: number;
}

/** Fewest calibration queries a router is trained on. */
export const MIN_ROUTER_QUERIES = 10;

/** A trained pre-generation router: per model, P(success | prompt) and an expected cost. */
export interface TrainedRouter {
  readonly available: true;
  readonly features: 'ngrams' | 'embeddings';
  /** What the features are, in words (for reports). */
  readonly featureDescription: string;
  readonly models: readonly { readonly name: string; readonly classifier: LogisticModel; readonly costModel: CostModel }[];
  readonly buckets: number;
  readonly embeddingWidth: number;
  /** Standardiser of the dense columns (length features, then embedding dimensions). */
  readonly standardiser: Standardiser;
  readonly trainedOn: number;
  readonly settings: { readonly epochs: number; readonly learningRate: number; readonly l2: number; readonly seed: number };
  /** Problems that did not stop training (e.g. queries without a prompt). */
  readonly warnings: readonly string[];
}

export interface RouterUnavailable {
  readonly available: false;
  /** Why no router was trained, in one sentence a user can act on. */
  readonly reason: string;
}

/** What the features of queries are made from. */
type FeatureSource = Pick<Dataset, 'n' | 'prompts' | 'embeddings'>;

/** Queries whose features `routerInputs` builds at a time: a large holdout's features are never all held at once. */
const INPUT_CHUNK = 4096;

function embeddingWidth(ds: Dataset): number {
  const first = ds.embeddings?.find((e) => e !== undefined);
  return first ? first.length : 0;
}

function countPresent(items: readonly unknown[] | undefined): number {
  let k = 0;
  if (items) for (const x of items) if (x !== undefined) k++;
  return k;
}

/** Dense columns of each query: log lengths (when prompts exist) then the embedding (when used). */
function denseRows(ds: FeatureSource, useEmbeddings: boolean, width: number): Float64Array[] {
  const lengths = ds.prompts ? lengthFeatures(ds.prompts) : undefined;
  const rows: Float64Array[] = [];
  for (let i = 0; i < ds.n; i++) {
    const parts: number[] = lengths ? [...lengths[i]] : [];
    if (useEmbeddings) {
      const e = ds.embeddings?.[i];
      for (let j = 0; j < width; j++) parts.push(e && e.length === width ? e[j] : 0);
    }
    rows.push(Float64Array.from(parts));
  }
  return rows;
}

/** Feature rows of a dataset for a trained router (uses the router's calibration standardiser). O(characters + n d). */
export function routerFeatures(router: TrainedRouter, ds: FeatureSource): SparseRows {
  const useEmbeddings = router.features === 'embeddings';
  const sparse = useEmbeddings ? undefined : hashedNgramRows(ds.prompts ?? new Array<undefined>(ds.n).fill(undefined), { buckets: router.buckets });
  return withDenseColumns(sparse, denseRows(ds, useEmbeddings, router.embeddingWidth), router.standardiser);
}

/**
 * Trains the pre-generation router on calibration queries: features of the prompt (hashed
 * word 1-2-grams and character 3-grams plus log length, or the records' embeddings plus log
 * length), one L2-regularised logistic regression per model for P(success) (seeded AdaGrad,
 * a fixed number of epochs), and per model a cost predictor (token-priced when token counts
 * are known, else the mean cost). Returns `available: false` with the reason when the records
 * have neither prompts nor embeddings or there are too few queries. Deterministic.
 * O(k * epochs * nnz).
 */
export function trainRouter(cal: Dataset, options: RouterOptions = {}): TrainedRouter | RouterUnavailable {
  const prompts = countPresent(cal.prompts);
  const embeddings = countPresent(cal.embeddings);
  const mode = options.features ?? 'auto';
  const useEmbeddings = mode === 'embeddings' || (mode === 'auto' && embeddings > 0);
  if (useEmbeddings && embeddings === 0) {
    return { available: false, reason: 'no record carries an `embedding` array, so the router cannot use embeddings; drop the embeddings option to use the prompt text.' };
  }
  const undecodable = cal.undecodablePrompts ? cal.undecodablePrompts.reduce((sum, u) => sum + u, 0) : 0;
  if (!useEmbeddings && prompts === 0 && undecodable > 0) {
    return {
      available: false,
      reason: `no calibration query has a prompt the router can read: the prompt text of ${undecodable} of ${cal.n} could not be decoded (see the file warnings)${undecodable < cal.n ? ' and the others have none' : ''}; fix the escapes of the prompts.`,
    };
  }
  if (!useEmbeddings && prompts === 0) {
    return {
      available: false,
      reason: 'the records carry no prompt text (field `prompt`) and no `embedding`, so a router that decides before generation has nothing to read; add the prompt to each record.',
    };
  }
  if (cal.n < MIN_ROUTER_QUERIES) {
    return { available: false, reason: `only ${cal.n} calibration queries: a router needs at least ${MIN_ROUTER_QUERIES} to be trained.` };
  }
  const warnings: string[] = [];
  const width = useEmbeddings ? embeddingWidth(cal) : 0;
  if (useEmbeddings && embeddings < cal.n) warnings.push(`${cal.n - embeddings} of ${cal.n} calibration queries have no embedding; the router sees zeros for them.`);
  if (!useEmbeddings && prompts < cal.n) {
    const why = undecodable > 0 ? ` (${undecodable} of them because their prompt text could not be decoded: see the file warnings)` : '';
    warnings.push(`${cal.n - prompts} of ${cal.n} calibration queries have no prompt${why}; the router sees an empty prompt for them.`);
  }
  const dense = denseRows(cal, useEmbeddings, width);
  const standardiser = fitStandardiser(dense, dense.length > 0 ? dense[0].length : 0);
  const buckets = options.buckets ?? DEFAULT_BUCKETS;
  const settings = {
    epochs: options.epochs ?? LOGISTIC_DEFAULTS.epochs,
    learningRate: options.learningRate ?? LOGISTIC_DEFAULTS.learningRate,
    l2: options.l2 ?? LOGISTIC_DEFAULTS.l2,
    seed: options.seed ?? LOGISTIC_DEFAULTS.seed,
  };
  const partial: TrainedRouter = {
    available: true,
    features: useEmbeddings ? 'embeddings' : 'ngrams',
    featureDescription: useEmbeddings
      ? `precomputed embeddings (${width} dimensions, standardised)${cal.prompts ? ' plus log prompt length' : ''}`
      : `hashed word 1-2-grams and character 3-grams (${buckets} buckets, 1 + log count, unit length) plus log prompt length`,
    models: [],
    buckets,
    embeddingWidth: width,
    standardiser,
    trainedOn: cal.n,
    settings,
    warnings,
  };
  const x = routerFeatures(partial, cal);
  const models = cal.models.map((m) => ({ name: m.name, classifier: fitLogistic(x, m.quality, settings), costModel: fitCostModel(m) }));
  return { ...partial, models };
}

/** What the router knows about each query before generation, per model (in the router's model order). */
export interface RouterInputs {
  /** P(success) per model and query. */
  readonly success: readonly Float64Array[];
  /** Expected cost per model and query. */
  readonly expectedCost: readonly Float64Array[];
}

/**
 * P(success) and expected cost of every query of a dataset for every model of the router,
 * the features built and dropped `INPUT_CHUNK` queries at a time (each query's figures depend
 * on its own features only). O(characters + k nnz) time, O(chunk features) memory.
 * @throws Error naming a router model missing from the dataset.
 */
export function routerInputs(router: TrainedRouter, ds: Dataset): RouterInputs {
  const columns = router.models.map((m) => {
    const cols = ds.models.find((c) => c.name === m.name);
    if (!cols) throw new Error(`the router was trained with model ${JSON.stringify(m.name)}, which this data does not have`);
    return cols;
  });
  const success = router.models.map(() => new Float64Array(ds.n));
  for (let start = 0; start < ds.n; start += INPUT_CHUNK) {
    const end = Math.min(ds.n, start + INPUT_CHUNK);
    const x = routerFeatures(router, {
      n: end - start,
      ...(ds.prompts ? { prompts: ds.prompts.slice(start, end) } : {}),
      ...(ds.embeddings ? { embeddings: ds.embeddings.slice(start, end) } : {}),
    });
    router.models.forEach((m, k) => success[k]!.set(predictLogistic(m.classifier, x), start));
  }
  return { success, expectedCost: router.models.map((m, k) => expectedCosts(m.costModel, columns[k]!)) };
}
