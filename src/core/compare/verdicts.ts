/**
 * The comparison's verdicts: the three claims of the decision-theoretic account of cascades
 * (escalation pays, full chains trail the envelope, longer subsequences add little) and whether
 * a pre-generation router beats the best cascade, each as yes, no or unclear from the paired
 * bootstrap interval of a difference of areas.
 */
import type { ComparisonFamily, ComparisonResult, Estimate, FamilyId, Verdict } from './types.ts';
import type { CostQuality } from './measures.ts';
import type { TrainedRouter, RouterUnavailable } from '../router/router.ts';

/** The measures of every family under one set of holdout weights. */
export interface Measures {
  readonly area: Readonly<Record<string, number | null>>;
  readonly aiq: Readonly<Record<string, number | null>>;
  readonly apgr: Readonly<Record<string, number | null>>;
  /** Area of the best cascade, and of the same cascades without their structural cost. */
  readonly cascadeArea: number | null;
  readonly withoutStructural: number | null;
}

/** What the verdicts read of the measured comparison. */
export interface VerdictInputs {
  readonly point: Measures;
  readonly from: number;
  readonly to: number;
  readonly interval: (get: (m: Measures) => number | null) => Estimate;
  readonly diff: (a: (m: Measures) => number | null, b: (m: Measures) => number | null) => Estimate;
}

/** The four verdicts, in the order the CLI and the panel show them. O(families + points^2 for the largest gain). */
export function comparisonVerdicts(
  families: readonly ComparisonFamily[],
  measured: VerdictInputs,
  trained: TrainedRouter | RouterUnavailable,
  structuralShare: number | null,
  why: { readonly cascadeUnavailable?: string; readonly chainUnavailable?: string },
): ComparisonResult['verdicts'] {
  const { cascadeUnavailable, chainUnavailable } = why;
  const { point, from, to, interval, diff } = measured;
  const withoutInterval = () => {
    const e = interval((m) => m.withoutStructural);
    return e.interval ? ` [${(e.interval[0] * 100).toFixed(1)}, ${(e.interval[1] * 100).toFixed(1)}]` : '';
  };
  const areaOf = (id: FamilyId | 'cascade') => (m: Measures) => (id === 'cascade' ? m.cascadeArea : m.area[id]);
  const versus = (question: string, a: FamilyId | 'cascade', b: FamilyId | 'cascade', subject: string, object: string, more = () => '', peak?: { budget: number; gain: number }) =>
    verdict(question, diff(areaOf(a), areaOf(b)), (g) => `${subject}'s mean quality over the cost range is ${relation(g)} ${object}'s${more()}`, peak);
  const unavailable = (question: string, reason: string): Verdict => ({ question, answer: 'unavailable', gain: { value: null }, detail: `Not computable: ${reason}.` });
  const ESCALATION = 'Is escalation worth it across all budgets? (pairwise envelope vs the best single model within each budget)';
  const FULL_CHAIN = 'Does the full fixed chain beat the pairwise envelope?';
  const ROUTER_VS_SINGLE = 'Would a pre-generation router beat the best single model?';
  return {
    escalation: cascadeUnavailable
      ? unavailable(ESCALATION, cascadeUnavailable)
      : versus(ESCALATION, 'envelope', 'singles', 'the envelope', 'the best single model', undefined, maxGain(families[1].holdout, families[0].holdout, from, to)),
    fullChain: chainUnavailable ? unavailable(FULL_CHAIN, chainUnavailable) : versus(FULL_CHAIN, 'fullChain', 'envelope', 'the full chain', 'the envelope'),
    subsequence: versus('Do optimised longer subsequences add anything over the pairwise envelope?', 'bestSubsequence', 'envelope', 'the best subsequence', 'the envelope'),
    router: trained.available
      ? versus(
          'Does the pre-generation router beat the best cascade?',
          'router',
          'cascade',
          'the router',
          'the best cascade',
          () =>
            `. Cascades pay cheaper stages before escalating: on average ${structuralShare === null ? '-' : `${(structuralShare * 100).toFixed(1)}%`} of the best cascade's spend goes to stages that did not answer; ` +
            `without that structural cost the cascade would reach ${pct(point.withoutStructural)}${withoutInterval()} against the router's ${pct(point.area.router)}`,
        )
      : { question: 'Does the pre-generation router beat the best cascade?', answer: 'unavailable' as const, gain: { value: null }, detail: `No router: ${trained.reason}` },
    routerVsSingle: trained.available
      ? versus(ROUTER_VS_SINGLE, 'router', 'singles', 'the router', 'the best single model', undefined, maxGain(families[4].holdout, families[0].holdout, from, to))
      : { question: ROUTER_VS_SINGLE, answer: 'unavailable' as const, gain: { value: null }, detail: `No router: ${trained.reason}` },
  };
}

/** The budget in [from, to] where family a's step frontier most exceeds b's, and by how much. */
function maxGain(a: readonly CostQuality[], b: readonly CostQuality[], from: number, to: number): { budget: number; gain: number } | undefined {
  const F = (points: readonly CostQuality[], budget: number) => {
    let q = 0;
    for (const p of points) if (p.cost <= budget && p.quality > q) q = p.quality;
    return q;
  };
  let best: { budget: number; gain: number } | undefined;
  for (const budget of [...a, ...b].map((p) => p.cost).filter((c) => c >= from && c <= to)) {
    const gain = F(a, budget) - F(b, budget);
    if (!best || gain > best.gain) best = { budget, gain };
  }
  return best;
}

function pct(x: number | null): string {
  return x === null ? '-' : `${(x * 100).toFixed(1)}%`;
}

/** "2.3 points above" / "1.0 points below" / "equal to", with the interval when there is one. */
function relation(g: Estimate): string {
  if (g.value === null) return 'not comparable with';
  const v = g.value * 100;
  const iv = g.interval ? ` [${(g.interval[0] * 100).toFixed(1)}, ${(g.interval[1] * 100).toFixed(1)}]` : '';
  if (Math.abs(v) < 0.05) return `level with${iv}`;
  return `${Math.abs(v).toFixed(1)} points ${v > 0 ? 'above' : 'below'}${iv}`;
}

function verdict(question: string, gain: Estimate, describe: (g: Estimate) => string, peak?: { budget: number; gain: number }): Verdict {
  if (gain.value === null) return { question, answer: 'unavailable', gain, detail: 'Not computable: the single models do not span a cost range.' };
  const answer = gain.value <= 0 ? 'no' : gain.interval && gain.interval[0] <= 0 ? 'unclear' : 'yes';
  const word = answer === 'yes' ? 'Yes' : answer === 'no' ? 'No' : 'Unclear';
  const where = peak && peak.gain > 0 ? ` The largest gain is ${(peak.gain * 100).toFixed(1)} points at $${Number(peak.budget.toPrecision(3))}/query.` : '';
  return { question, answer, gain, detail: `${word}: ${describe(gain)}.${where}` };
}
