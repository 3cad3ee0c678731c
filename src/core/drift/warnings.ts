import type { ModelDrift, SplitDrift, SplitInfo } from '../types.ts';
import { percent, significant } from '../format/plain.ts';

/** What a user can do about a drifting split, in the words of where they set it. */
export type DriftAdvice = 'command-line' | 'config';

/**
 * The drift warnings of an analysis, one sentence per measure that drifts (quality, then mean
 * cost, then confidence), each naming the model with the largest difference and how many more
 * drift. They are shown before the recommendation, in the CLI, the report, the panel and the
 * config's diagnostics. O(k).
 */
export function driftWarnings(drift: SplitDrift | undefined, split: SplitInfo, advice: DriftAdvice = 'command-line'): string[] {
  if (!drift) return [];
  const fix =
    split.kind === 'random'
      ? 'the split is already random, so this may be chance: try another seed'
      : advice === 'config'
        ? 'consider a random split (`split: {holdoutFraction: 0.5}`)'
        : 'consider a random split (`--holdout-fraction`)';
  const out: string[] = [];
  const more = (count: number) => (count > 1 ? `, and ${count - 1} more model${count === 2 ? '' : 's'}` : '');

  const quality = largest(
    drift.models.filter((m) => m.quality.drifted),
    (m) => Math.abs(m.quality.calibration - m.quality.holdout),
  );
  if (quality) {
    const { top, count } = quality;
    const easier = top.quality.calibration > top.quality.holdout;
    out.push(
      `the calibration split looks ${easier ? 'easier' : 'harder'} than the holdout (${top.name} ${percent(top.quality.calibration)} vs ${percent(top.quality.holdout)}${more(count)}): thresholds chosen on it may not transfer; ${fix}`,
    );
  }
  const cost = largest(
    drift.models.filter((m) => m.cost.drifted),
    (m) => Math.abs(m.cost.calibration - m.cost.holdout) / Math.max(m.cost.calibration, m.cost.holdout),
  );
  if (cost) {
    const { top, count } = cost;
    const cheaper = top.cost.calibration < top.cost.holdout;
    out.push(
      `the calibration split looks ${cheaper ? 'cheaper' : 'dearer'} than the holdout (${top.name} $${significant(top.cost.calibration * 1000)} vs $${significant(top.cost.holdout * 1000)} per 1k queries${more(count)}): ${cheaper ? 'a budget met on it may be overrun' : 'costs measured on it overstate the holdout'}; ${fix}`,
    );
  }
  const confidence = largest(
    drift.models.filter((m) => m.confidence.drifted),
    (m) => m.confidence.distance,
  );
  if (confidence) {
    const { top, count } = confidence;
    out.push(
      `confidence is distributed differently on the calibration split and the holdout (${top.name}: Kolmogorov-Smirnov distance ${top.confidence.distance.toFixed(2)}${more(count)}): thresholds chosen on it may not transfer; ${fix}`,
    );
  }
  return out;
}

function largest(models: readonly ModelDrift[], size: (m: ModelDrift) => number): { top: ModelDrift; count: number } | undefined {
  if (models.length === 0) return undefined;
  const top = models.reduce((a, b) => (size(b) > size(a) ? b : a));
  return { top, count: models.length };
}
