/**
 * The held-out comparison (full chain, best subsequence, router, perfect-routing bound) as
 * view models: which points of a family the chart draws, what a point's tooltip says (a
 * chain's stages, thresholds and first-order conditions; a router's shares), and the rows and
 * verdicts of the comparison table. Plain data in, plain data out: tested in Node.
 */
import type { ComparisonFamily, ComparisonPoint, ComparisonResult, Estimate, FamilyId } from '../src/core/compare/types.ts';
import { paretoIndices } from '../src/core/pareto.ts';
import { policyKey } from '../src/core/policy.ts';
import type { SampleKind } from './viewState.ts';
import { formatDollars, formatModels, lambdaPoints, thresholdDisplay } from '../src/core/format/index.ts';

export function familyOf(result: ComparisonResult, id: FamilyId): ComparisonFamily | undefined {
  return result.families.find((f) => f.id === id);
}

/**
 * The points of a family the chart draws, cost ascending: in-sample, its calibration frontier;
 * held out, the held-out Pareto points (`holdoutFrontier`) of the policies chosen on
 * calibration. O(p log p).
 */
export function familyPoints(family: ComparisonFamily, figures: SampleKind): readonly ComparisonPoint[] {
  if (!family.available) return [];
  const points = figures === 'in-sample' ? family.inSample : family.holdoutFrontier.map((i) => family.holdout[i]).filter((p): p is ComparisonPoint => p !== undefined);
  return paretoAscending(points);
}

/**
 * The points sorted by cost (ties: higher quality first) and reduced to those whose quality
 * rises with cost: the corners of the step frontier. A router's path comes in shadow-price
 * order, most expensive first. O(p log p).
 */
export function paretoAscending(points: readonly ComparisonPoint[]): ComparisonPoint[] {
  return paretoIndices(
    points.map((p) => p.cost),
    points.map((p) => p.quality),
  ).map((i) => points[i]);
}

/**
 * The point's first-order conditions: its own boundary ratios (calibration points), else those
 * of the calibration point of the same policy (held-out points carry none). O(in-sample points).
 */
export function boundaryRatiosOf(family: ComparisonFamily, point: ComparisonPoint): ComparisonPoint['boundaryRatios'] {
  if (point.boundaryRatios) return point.boundaryRatios;
  if (!point.policy) return undefined;
  const key = policyKey(point.policy);
  return family.inSample.find((p) => p.policy && policyKey(p.policy) === key)?.boundaryRatios;
}

const UNIT = 'quality points per +$1 per 1k queries';
const STAGES_PER_LINE = 4;

/**
 * Tooltip lines of a chain point (full chain or best subsequence): its stages and thresholds,
 * the shadow price it was optimised for and, per stage boundary that queries reach, the
 * marginal quality per marginal cost measured there (the first-order conditions: at an optimum
 * every boundary buys about the same).
 */
export function chainPointLines(family: ComparisonFamily, point: ComparisonPoint): string[] {
  const lines: string[] = [];
  const policy = point.policy;
  if (policy) {
    // Four stages a line, so a long chain does not stretch the tooltip across the chart.
    for (let i = 0; i < policy.models.length; i += STAGES_PER_LINE) {
      const part = formatModels({ models: policy.models.slice(i, i + STAGES_PER_LINE) }) + (i + STAGES_PER_LINE < policy.models.length ? ' →' : '');
      lines.push(i === 0 ? `${policy.models.length === 1 ? 'Model' : 'Stages'}: ${part}` : `  ${part}`);
    }
    if (policy.thresholds.length > 0) lines.push(`Thresholds: ${policy.thresholds.map((t) => thresholdDisplay(t, { bare: true })).join(', ')}`);
  }
  if (point.escalationRate !== undefined) lines.push(`Past the first stage: ${(point.escalationRate * 100).toFixed(1)}%`);
  if (point.lambda !== undefined && point.lambda !== null) lines.push(`Optimised for ${lambdaPoints(point.lambda, 'whole')} ${UNIT}`);
  const ratios = boundaryRatiosOf(family, point);
  if (ratios && ratios.length > 0) {
    lines.push(`Marginal quality per marginal cost at each boundary (calibration, ${UNIT}):`);
    for (const b of ratios) {
      const at = `${b.from} → ${b.to} at t = ${thresholdDisplay(b.threshold, { bare: true })}`;
      lines.push(b.reached === 0 ? `  ${at}: no query reaches it` : `  ${at}: ${b.lambda === null ? 'no marginal queries' : lambdaPoints(b.lambda, 'whole')}`);
    }
  }
  if (point.calibration) lines.push(`Calibration: ${formatDollars(point.calibration.cost * 1000)} per 1k queries, ${(point.calibration.quality * 100).toFixed(1)}%`);
  return lines;
}

/** Tooltip lines of a router (or bound) point: its shadow price and the share of queries routed to each model, largest first. */
export function routerPointLines(point: ComparisonPoint): string[] {
  const lines: string[] = [];
  if (point.lambda !== undefined && point.lambda !== null) lines.push(`Shadow price: ${lambdaPoints(point.lambda, 'whole')} ${UNIT}`);
  const share = Object.entries(point.share ?? {}).filter(([, s]) => s > 0);
  share.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (share.length > 0) {
    lines.push('Share routed to each model:');
    for (const [model, s] of share) lines.push(`  ${model}: ${(s * 100).toFixed(1)}%`);
  }
  return lines;
}

/** `78.0% [76.1, 79.8]`, `78.0%` without an interval, `—` when undefined. */
export function formatShareEstimate(e: Estimate): string {
  if (e.value === null) return '—';
  const v = `${(e.value * 100).toFixed(1)}%`;
  return e.interval ? `${v} [${(e.interval[0] * 100).toFixed(1)}, ${(e.interval[1] * 100).toFixed(1)}]` : v;
}

/** `+2.5 [1.7, 3.2] pts`: a difference of shares in quality points. */
export function formatPointsEstimate(e: Estimate): string {
  if (e.value === null) return '—';
  const f = (x: number) => {
    const text = (x * 100).toFixed(1);
    return text === '0.0' || text === '-0.0' ? '0.0' : `${x > 0 ? '+' : ''}${text}`;
  };
  return `${e.interval ? `${f(e.value)} [${f(e.interval[0])}, ${f(e.interval[1])}]` : f(e.value)} pts`;
}

/** One row of the comparison table. */
export interface ComparisonRow {
  /** A family id, or `bestCascade` for the best of the cascades. */
  readonly family: FamilyId | 'bestCascade';
  readonly label: string;
  readonly available: boolean;
  /** Why the family is unavailable. */
  readonly reason?: string;
  /** Exact figures for data attributes. */
  readonly area: Estimate;
  readonly areaVsEnvelope?: Estimate;
  readonly cells: {
    readonly area: string;
    readonly vsEnvelope: string;
    readonly aiq: string;
    readonly apgr: string;
    readonly inSampleArea: string;
  };
}

const share = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** The comparison table: one row per family in the result's order, then the best cascade. O(families). */
export function comparisonRows(result: ComparisonResult): ComparisonRow[] {
  const rows: ComparisonRow[] = result.families.map((f) => {
    const label = f.kind === 'bound' ? `${f.label} (bound, not a policy)` : f.label;
    if (!f.available) {
      return {
        family: f.id,
        label,
        available: false,
        reason: f.reason ?? 'not computed',
        area: { value: null },
        cells: { area: '—', vsEnvelope: '—', aiq: '—', apgr: '—', inSampleArea: '—' },
      };
    }
    return {
      family: f.id,
      label,
      available: true,
      area: f.area,
      ...(f.id === 'envelope' ? {} : { areaVsEnvelope: f.areaVsEnvelope }),
      cells: {
        area: formatShareEstimate(f.area),
        vsEnvelope: f.id === 'envelope' ? '—' : formatPointsEstimate(f.areaVsEnvelope),
        aiq: share(f.aiq.value),
        apgr: share(f.apgr.value),
        inSampleArea: share(f.inSampleArea),
      },
    };
  });
  rows.push({
    family: 'bestCascade',
    label: 'best cascade (any of the cascades above)',
    available: true,
    area: result.bestCascade.area,
    cells: { area: formatShareEstimate(result.bestCascade.area), vsEnvelope: '—', aiq: '—', apgr: '—', inSampleArea: '—' },
  });
  return rows;
}

export interface VerdictLine {
  readonly id: keyof ComparisonResult['verdicts'];
  readonly answer: ComparisonResult['verdicts']['escalation']['answer'];
  readonly question: string;
  readonly detail: string;
}

export function verdictLines(result: ComparisonResult): VerdictLine[] {
  const ids: (keyof ComparisonResult['verdicts'])[] = ['escalation', 'fullChain', 'subsequence', 'router', 'routerVsSingle'];
  return ids.map((id) => ({ id, answer: result.verdicts[id].answer, question: result.verdicts[id].question, detail: result.verdicts[id].detail }));
}

/** One sentence on where the figures come from. */
export function comparisonCaption(result: ComparisonResult): string {
  const where = result.heldOut ? `held out (${result.split.nHoldout} queries; policies chosen on ${result.split.nCalibration})` : `in-sample (no holdout split, ${result.n} queries)`;
  const range = result.range
    ? `area = mean quality of the step frontier over log cost from ${formatDollars(result.range.from * 1000)} to ${formatDollars(result.range.to * 1000)} per 1k queries`
    : 'no cost range (the models cost the same)';
  return `Figures ${where}; ${range}; ${Math.round(result.settings.level * 100)}% bootstrap intervals (${result.settings.bootstrapResamples} resamples).`;
}
