import type { ModelSummary } from '../../src/core/types.ts';

/** The confidence-signal fields of a hand-made model summary: nothing measured (a score with no right or wrong answers). */
export const NO_SIGNAL: Pick<ModelSummary, 'confidenceSource' | 'confidenceAuroc' | 'confidenceAurocHoldout' | 'calibrationError' | 'confidenceSignal'> = {
  confidenceSource: 'logged',
  confidenceAuroc: null,
  confidenceAurocHoldout: null,
  calibrationError: null,
  confidenceSignal: { scale: 'score', calibrationErrorHoldout: null, reliability: [], reliabilityHoldout: [], distinctValues: 0, commonValuesShare: 0, weak: false, degenerate: false },
};
