import type { AnalysisResult } from '../types.ts';
import { samePolicy } from '../policy.ts';
import { ASCII_ARROW, formatModels } from '../format/policy.ts';

/** Columns of the frontier CSV, in order. */
export const FRONTIER_CSV_COLUMNS = [
  'vertex',
  'kind',
  'models',
  'thresholds',
  'cost_per_query',
  'quality',
  'escalation_rate',
  'on_hull',
  'lambda_left',
  'lambda_right',
  'holdout_cost_per_query',
  'holdout_quality',
  'holdout_quality_low',
  'holdout_quality_high',
] as const;

/**
 * The pairwise envelope as CSV (RFC 4180, `\n` line ends): one row per vertex, cost ascending,
 * calibration figures, hull slopes (quality per dollar per query) and, when there is a holdout
 * split, the vertex's held-out figures. Models are joined by ` -> `, thresholds by `;` with
 * `inf` for +infinity; numbers are printed in full precision; empty cells mean "not available".
 * O(vertices * holdout rows).
 */
export function frontierCsv(result: AnalysisResult): string {
  const lines = [FRONTIER_CSV_COLUMNS.join(',')];
  result.envelope.forEach((v, i) => {
    const held = result.holdout?.find((h) => samePolicy(h.policy, v.policy))?.holdout;
    const cells: (string | number | null | undefined)[] = [
      i + 1,
      v.policy.kind,
      formatModels(v.policy, ASCII_ARROW),
      v.policy.thresholds.map((t) => (t === null ? 'inf' : String(t))).join(';'),
      v.cost,
      v.quality,
      v.escalationRate,
      v.onHull ? 'true' : 'false',
      v.shadowPrice.lambdaLeft,
      v.shadowPrice.lambdaRight,
      held?.cost,
      held?.quality,
      held?.qualityInterval?.[0],
      held?.qualityInterval?.[1],
    ];
    lines.push(cells.map(csvCell).join(','));
  });
  return `${lines.join('\n')}\n`;
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
