import type { SplitInfo } from '../types.ts';

/**
 * How calibration and holdout queries were told apart, in one line. The comparison's wording
 * (`comparison`) leaves out the share held out and speaks of "every figure". O(1).
 * @example splitLine({ kind: 'field', field: 'split', calibration: 'train', holdout: 'test', nCalibration: 285, nHoldout: 1531 })
 * // 'calibration: split = "train" (285 queries); holdout: split = "test" (1531 queries)'
 */
export function splitLine(s: SplitInfo, wording: 'analysis' | 'comparison' = 'analysis'): string {
  switch (s.kind) {
    case 'field':
      return `calibration: ${s.field} = "${s.calibration}" (${s.nCalibration} queries); holdout: ${s.field} = "${s.holdout}" (${s.nHoldout} queries)`;
    case 'random': {
      const held = wording === 'analysis' ? ` (${Math.round((s.holdoutFraction ?? 0) * 100)}% held out)` : '';
      return `seeded random split (seed ${s.seed}): ${s.nCalibration} calibration, ${s.nHoldout} holdout queries${held}`;
    }
    case 'none':
      return `no split: policies chosen and measured on the same ${s.nCalibration} queries (${wording === 'analysis' ? 'all figures' : 'every figure'} in-sample)`;
  }
}
