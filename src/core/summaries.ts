/**
 * The models' summaries (cost, quality, the confidence's range and signal) and the drift check
 * between the splits: the part of the analysis that reads each model on its own.
 */
import type { Dataset, LearnedModel, ModelColumns, ModelSummary } from './types.ts';
import type { ModelDrift, SplitDrift } from './signalTypes.ts';
import { modelByName } from './policy.ts';
import type { SinglePoint } from './envelope.ts';
import { confidenceQuality } from './signal/quality.ts';
import { type ColumnScratch, columnScratch, forgetOrder, sortedColumns, type SortedColumns } from './sortIndices.ts';
import { driftLevels, driftOf, modelDrift } from './drift/drift.ts';
import { confidenceSourceOf } from './confidence/source.ts';
import { LITTLE_SIGNAL_AUROC } from './confidence/diagnosis.ts';

/** What the summaries read of a split: its size and its models' columns. */
export type SummaryData = Pick<Dataset, 'n' | 'models'>;

/** The models' summaries, cheapest first, and the drift check between the splits (when there is a holdout). */
export interface Summaries {
  readonly models: ModelSummary[];
  readonly drift: SplitDrift | undefined;
}

/**
 * Each model's summary and the drift check between the splits, model by model: the two read
 * the same confidences in ascending order ({@link sortedColumns}), made once per model and let
 * go before the next (at a million queries, holding every model's until the end of the analysis,
 * where its memory peaks, would take 64 MB). `keepOrders: false` also lets go of each model's
 * confidence orders (see `sharedOrder`), which a thread that reads nothing else after has no use
 * for. O(models x n) after the shared sorts.
 */
export function summariesAndDrift(
  cal: SummaryData,
  holdout: SummaryData | undefined,
  singles: readonly SinglePoint[],
  learned: readonly LearnedModel[] | undefined,
  { keepOrders = true }: { readonly keepOrders?: boolean } = {},
): Summaries {
  const levels = holdout && holdout.n > 0 ? driftLevels(cal.models.length) : undefined;
  const drifts = new Map<string, ModelDrift>();
  // The singles are every model of the calibration set (`singleModelPoints`), cheapest first.
  // Each model's columns laid out in confidence order are let go before the next model's: the same arrays serve them all.
  const scratch = columnScratch();
  const models = singles.map((s) => {
    const sorted = sortedColumns(scratch);
    const m = modelByName(cal, s.name);
    const held = holdout ? modelByName(holdout, s.name) : undefined;
    const summary = modelSummary(m, held, s, learned, sorted, scratch);
    if (levels && held) drifts.set(s.name, modelDrift(m, held, levels, sorted));
    scratch.reuse();
    if (!keepOrders) for (const column of [m.confidence, held?.confidence]) if (column instanceof Float64Array) forgetOrder(column);
    return summary;
  });
  const drift = levels
    ? driftOf(
        levels,
        cal.models.map((m) => drifts.get(m.name)!),
      )
    : undefined;
  return { models, drift };
}

/** A model's confidence signal when it has none. */
const NO_SIGNAL: ModelSummary['confidenceSignal'] = {
  scale: 'score',
  calibrationErrorHoldout: null,
  reliability: [],
  reliabilityHoldout: [],
  distinctValues: 0,
  commonValuesShare: 0,
  weak: false,
  degenerate: false,
};

/**
 * One model's summary: cost and quality, and its confidence (range, AUROC, calibration, and for a
 * learned one how much signal it carries: held out, else cross-fitted on calibration). O(n log n).
 */
function modelSummary(
  m: ModelColumns,
  held: ModelColumns | undefined,
  point: { readonly cost: number; readonly quality: number },
  learned: readonly LearnedModel[] | undefined,
  sorted: SortedColumns,
  scratch: ColumnScratch,
): ModelSummary {
  const source = confidenceSourceOf(m);
  const base = { name: m.name, cost: point.cost, quality: point.quality, n: m.quality.length, confidenceSource: source };
  if (source === 'none') {
    return { ...base, confidenceMin: null, confidenceMax: null, confidenceAuroc: null, confidenceAurocHoldout: null, calibrationError: null, confidenceSignal: NO_SIGNAL };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of m.confidence) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const { auroc, aurocHoldout, calibrationError, ...signal } = confidenceQuality(m, held, sorted, scratch);
  if (source === 'logged') return { ...base, confidenceMin: lo, confidenceMax: hi, confidenceAuroc: auroc, confidenceAurocHoldout: aurocHoldout, calibrationError, confidenceSignal: signal };
  // A learned score is judged where no query was seen in training: held out, else cross-fitted on calibration.
  const info = learned?.find((l) => l.model === m.name);
  const hasHoldout = held !== undefined && held.quality.length > 0;
  const headline = hasHoldout ? aurocHoldout : auroc;
  const littleSignal = headline !== null && headline < LITTLE_SIGNAL_AUROC;
  return {
    ...base,
    confidenceMin: lo,
    confidenceMax: hi,
    confidenceAuroc: headline,
    confidenceAurocHoldout: aurocHoldout,
    calibrationError,
    confidenceSignal: { ...signal, weak: littleSignal },
    learnedConfidence: {
      auroc: headline,
      aurocCalibration: auroc,
      measuredOn: hasHoldout ? 'holdout' : 'calibration, cross-fitted',
      littleSignal,
      from: info?.learned ? info.from : 'answer and prompt',
    },
  };
}
