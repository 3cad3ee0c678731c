/**
 * A learned confidence for models whose records log none: per model, P(correct) predicted from
 * the model's own answer text and the prompt (the FrugalGPT-style answer scorer), by the same
 * regularised logistic regression as the pre-generation router. It is cross-fitted, so no
 * query is ever scored by a model that saw its label: on the calibration split each query is
 * scored by a model trained on the other folds; the holdout queries (and any query left out of
 * both splits) by a model trained on every calibration query.
 */
import type { Dataset, LearnedModel, ModelColumns } from '../types.ts';
import type { SplitOption } from '../options.ts';
import { splitRows } from '../split.ts';
import { seededRandom } from '../stats.ts';
import { concatColumns, DEFAULT_BUCKETS, fitStandardiser, hashedNgramRows, lengthFeatures, selectRows, type SparseRows, withDenseColumns } from '../router/features.ts';
import { fitLogistic, type LogisticOptions, predictLogistic } from '../router/logistic.ts';

/** Defaults: 5 folds, the seed of the fold assignment, the fewest calibration queries, hash buckets per text. */
export const LEARNED_DEFAULTS = { folds: 5, seed: 1, minQueries: 10, buckets: DEFAULT_BUCKETS } as const;

export interface LearnedConfidenceOptions {
  /** Folds of the cross-fitting on the calibration split (default 5). */
  readonly folds?: number;
  /** Seed of the assignment of calibration queries to folds (default 1). */
  readonly seed?: number;
  /** Hash buckets for each text's n-grams, a power of two (default 2^14). */
  readonly buckets?: number;
  /** Settings of the logistic regression (default: the router's). */
  readonly logistic?: LogisticOptions;
}

export interface LearnedConfidence {
  /** The dataset with a learned confidence (`confidenceSource` `learned`) for every model it could learn one for. */
  readonly dataset: Dataset;
  /** One entry per model that had no logged confidence. */
  readonly models: readonly LearnedModel[];
}

/** What the learned confidence is, in one sentence (for reports and `--json`). */
export function learnedConfidenceDescription(folds: number = LEARNED_DEFAULTS.folds): string {
  return (
    "learned: P(correct) from hashed word 1-2-grams and character 3-grams of the model's answer and of the prompt, plus their log lengths, " +
    `by an L2-regularised logistic regression; cross-fitted: each calibration query is scored by a model trained on the other ${folds - 1} of ${folds} folds, ` +
    'each holdout query by a model trained on every calibration query'
  );
}

/**
 * Gives every model without a logged confidence (`confidenceSource` `none`) a learned one,
 * cross-fitted on the calibration split of `split` (the split the analysis will use; the
 * data's default when undefined). Models with a logged confidence are left as they are. A model
 * keeps no confidence when neither its answers nor the prompts are known, or when the
 * calibration split has fewer than 10 queries; the entry says why. Deterministic.
 * O(k (folds + 1) epochs nnz).
 * @throws Error when a `field` split names a label the data does not have.
 */
export function learnConfidence(dataset: Dataset, split?: SplitOption, options: LearnedConfidenceOptions = {}): LearnedConfidence {
  const needing = dataset.models.filter((m) => m.confidenceSource === 'none');
  if (needing.length === 0) return { dataset, models: [] };
  const rows = splitRows(dataset, split);
  const buckets = options.buckets ?? LEARNED_DEFAULTS.buckets;
  const hasPrompts = dataset.prompts?.some((p) => p !== undefined) ?? false;
  const promptSparse = hasPrompts ? hashedNgramRows(dataset.prompts!, { buckets }) : undefined;
  const promptLengths = hasPrompts ? lengthFeatures(dataset.prompts!) : undefined;
  const infos: LearnedModel[] = [];
  const learned = new Map<string, ModelColumns>();
  for (const m of needing) {
    const answers = m.responses ? m.responses.reduce((k, r) => k + (r !== undefined ? 1 : 0), 0) : 0;
    if (answers === 0 && !hasPrompts) {
      infos.push({ model: m.name, learned: false, reason: 'its records keep neither the answer text (field `response`) nor the prompt, so there is nothing to learn a confidence from' });
      continue;
    }
    if (rows.calibration.length < LEARNED_DEFAULTS.minQueries) {
      infos.push({ model: m.name, learned: false, reason: `only ${rows.calibration.length} calibration queries: a learned confidence needs at least ${LEARNED_DEFAULTS.minQueries}` });
      continue;
    }
    const answerSparse = answers > 0 ? hashedNgramRows(m.responses!, { buckets }) : undefined;
    const answerLengths = answers > 0 ? lengthFeatures(m.responses!) : undefined;
    const sparse = answerSparse && promptSparse ? concatColumns(answerSparse, promptSparse) : (answerSparse ?? promptSparse)!;
    const dense = Array.from({ length: dataset.n }, (_, i) => Float64Array.from([...(answerLengths?.[i] ?? []), ...(promptLengths?.[i] ?? [])]));
    const folds = Math.min(options.folds ?? LEARNED_DEFAULTS.folds, rows.calibration.length);
    const confidence = crossFittedScores(sparse, dense, m.quality, rows.calibration, { folds, seed: options.seed ?? LEARNED_DEFAULTS.seed, logistic: options.logistic });
    learned.set(m.name, { ...m, confidence, confidenceSource: 'learned' });
    infos.push({
      model: m.name,
      learned: true,
      from: answerSparse && promptSparse ? 'answer and prompt' : answerSparse ? 'answer' : 'prompt',
      answers,
      queries: dataset.n,
      trainedOn: rows.calibration.length,
      folds,
    });
  }
  return { dataset: { ...dataset, models: dataset.models.map((m) => learned.get(m.name) ?? m) }, models: infos };
}

/**
 * Cross-fitted P(y | x) for every row: the `calibration` rows are dealt into `folds` folds by a
 * seeded shuffle and each is scored by a logistic regression trained on the other folds; every
 * other row by one trained on all calibration rows. The dense columns are standardised on the
 * rows each model is trained on. A row's own target never enters the model that scores it.
 * O((folds + 1) (epochs nnz + n d)).
 * @throws RangeError when `folds` is not between 2 and the number of calibration rows.
 */
export function crossFittedScores(
  sparse: SparseRows,
  dense: readonly Float64Array[],
  y: ArrayLike<number>,
  calibration: Uint32Array,
  options: { readonly folds: number; readonly seed: number; readonly logistic?: LogisticOptions },
): Float64Array {
  const { folds } = options;
  if (!(folds >= 2 && folds <= calibration.length)) throw new RangeError(`crossFittedScores: folds must be from 2 to ${calibration.length}, got ${folds}`);
  const n = sparse.rows;
  const fold = new Int8Array(n).fill(-1);
  const order = Uint32Array.from(calibration);
  const random = seededRandom(options.seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  order.forEach((row, rank) => (fold[row] = rank % folds));
  const out = new Float64Array(n);
  const score = (train: Uint32Array, test: Uint32Array): void => {
    if (test.length === 0) return;
    const width = dense[0]?.length ?? 0;
    const standardiser = fitStandardiser(
      Array.from(train, (r) => dense[r]),
      width,
    );
    const x = withDenseColumns(
      selectRows(sparse, train),
      Array.from(train, (r) => dense[r]),
      standardiser,
    );
    const model = fitLogistic(
      x,
      Float64Array.from(train, (r) => y[r]),
      options.logistic,
    );
    const p = predictLogistic(
      model,
      withDenseColumns(
        selectRows(sparse, test),
        Array.from(test, (r) => dense[r]),
        standardiser,
      ),
    );
    test.forEach((r, i) => (out[r] = p[i]));
  };
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  for (let f = 0; f < folds; f++)
    score(
      calibration.filter((r) => fold[r] !== f),
      calibration.filter((r) => fold[r] === f),
    );
  score(
    calibration,
    all.filter((r) => fold[r] === -1),
  );
  return out;
}
