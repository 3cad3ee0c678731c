import type { AnalysisResult, CascadeEvaluation, PolicySpec } from '../types.ts';
import { costUpperBound, exceedsBudget } from '../budgetRule.ts';
import { DEFAULT_BUDGET_CONFIDENCE } from '../select/budget.ts';
import { driftWarnings } from '../drift/warnings.ts';
import { samePolicy } from '../policy.ts';
import { configPolicy, type CascadeConfig } from './config.ts';
import { per1k, percent, points, policyShort, significant } from '../format/index.ts';
import type { Span } from './tree.ts';
import { LEARNED_HINT } from '../confidence/diagnosis.ts';

/** Kinds of findings on a config, stable so quick fixes can match them. */
export type FindingCode =
  'unknown-model' | 'no-confidence' | 'unpriced-model' | 'threshold-out-of-range' | 'budget-below-cheapest' | 'infeasible' | 'over-budget' | 'dominated' | 'below-envelope' | 'split-drift';

/** Held-out quality points a configured cascade may fall below the envelope at its own cost before it fails. */
export const DEFAULT_TOLERANCE_POINTS = 0.5;

/** How strictly the analysis judges a config. */
export interface FindingOptions {
  /** Held-out quality points below the envelope at the cascade's own cost that still pass (default 0.5). */
  readonly tolerance?: number;
}

/** Something the analysis says about a config value, with where to show it. */
export interface ConfigFinding {
  readonly span: Span;
  readonly severity: 'error' | 'warning' | 'information';
  readonly code: FindingCode;
  readonly message: string;
  /** Stage the finding is about, when it is about one. */
  readonly stageIndex?: number;
  /** Policies a quick fix may write instead (e.g. the dominating one). */
  readonly policies?: readonly PolicySpec[];
  /** Replacement texts a quick fix may offer for the span (e.g. known model names). */
  readonly replacements?: readonly string[];
}

/** The suggested threshold for one stage of a configured pair. */
export interface StageAdvice {
  readonly stageIndex: number;
  /** The threshold as configured (null = always escalate); absent while it is missing or being typed. */
  readonly current?: number | null;
  /** The suggested threshold: the best of this pair within the budget (or within the cascade's own cost). */
  readonly suggested: number | null;
  /** The whole suggested policy (same models, suggested threshold). */
  readonly policy: PolicySpec;
  /** `budget`: best within the configured budget; `cost`: best within the configured cascade's own cost. */
  readonly basis: 'budget' | 'cost';
  /** Calibration figures of the suggestion. */
  readonly cost: number;
  readonly quality: number;
  readonly escalationRate: number;
  /** Suggested minus configured calibration quality and cost; absent when the result predates the config's text. */
  readonly qualityChange?: number;
  readonly costChange?: number;
}

/**
 * True when the result was computed for this very cascade and budget (so its cascade figures
 * describe what is written, not an earlier version being edited).
 */
export function resultMatchesConfig(config: CascadeConfig, result: AnalysisResult): boolean {
  const policy = configPolicy(config);
  const analysed = result.cascade?.policy;
  if (!policy || !analysed || !samePolicy(policy, analysed)) return false;
  // Without a budget in the file the result's budget comes from the settings, which the text cannot contradict.
  return config.budget === undefined || config.budget.value === result.recommendation?.budget;
}

/**
 * Threshold advice for a configured pair cascade: the recommendation's threshold when the
 * recommendation is the same pair (the rule's choice, which may deliberately not be the
 * in-sample best), else the recommendation rule's threshold for the same pair
 * (`suggestedThreshold`: the best of its smoothed quality curve whose cost fits the budget with
 * the budget confidence), else within the cascade's own cost. Undefined for a single model, a
 * chain, or when the analysis does not cover the pair. O(1).
 */
export function stageAdvice(config: CascadeConfig, result: AnalysisResult): StageAdvice | undefined {
  const stages = config.cascade?.stages;
  if (!stages || stages.length !== 2) return undefined;
  const threshold = stages[0].threshold;
  const cheap = stages[0].model?.value;
  const expensive = stages[1].model?.value;
  if (cheap === undefined || expensive === undefined) return undefined;
  const current = resultMatchesConfig(config, result);
  const samePair = (p: PolicySpec) => p.models.length === 2 && p.models[0] === cheap && p.models[1] === expensive;
  // The recommendation rule's threshold for the pair (the in-sample best for results without one).
  const best = result.cascade?.suggestedThreshold ?? result.cascade?.bestThresholdSamePair;
  const budgetKnown = result.recommendation?.budget !== undefined;
  let pick: { cost: number; quality: number; escalationRate: number; policy: PolicySpec } | undefined;
  const choice = result.recommendation?.feasible ? result.recommendation.choice : undefined;
  if (choice && samePair(choice.policy) && (current || budgetKnown)) pick = choice;
  else if (best && samePair(best.policy) && (current || budgetKnown)) pick = best;
  else if (choice && samePair(choice.policy)) pick = choice;
  if (!pick) return undefined;
  const analysed = current ? result.cascade : undefined;
  return {
    stageIndex: 0,
    ...(threshold ? { current: threshold.value } : {}),
    suggested: pick.policy.thresholds[0],
    policy: pick.policy,
    basis: budgetKnown ? 'budget' : 'cost',
    cost: pick.cost,
    quality: pick.quality,
    escalationRate: pick.escalationRate,
    ...(analysed ? { qualityChange: pick.quality - analysed.inSample.quality, costChange: pick.cost - analysed.inSample.cost } : {}),
  };
}

/**
 * What the analysis says about a config: unknown or unpriced models, thresholds outside a
 * model's observed confidence range, a budget below the cheapest model or one that cannot be
 * met, a configured cascade over the budget, below the envelope at its own cost held out, or
 * dominated by an envelope policy, and a calibration split that does not look like the holdout.
 * Errors are what `cascade-frontier check` fails on. O(models + stages).
 */
export function configFindings(config: CascadeConfig, result: AnalysisResult, options: FindingOptions = {}): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const models = new Map(result.models.map((m) => [m.name, m]));
  const names = result.models.map((m) => m.name);
  const stages = config.cascade?.stages ?? [];
  stages.forEach((stage, i) => {
    const model = stage.model;
    if (!model) return;
    const summary = models.get(model.value);
    if (!summary) {
      findings.push({
        span: model.span,
        severity: 'error',
        code: 'unknown-model',
        stageIndex: i,
        message: `unknown model ${JSON.stringify(model.value)}: the eval files have ${names.join(', ')}. Use one of those names.`,
        replacements: closestNames(model.value, names),
      });
      return;
    }
    const t = stage.threshold;
    if (i < stages.length - 1 && summary.confidenceMin === null) {
      findings.push({
        span: model.span,
        severity: 'error',
        code: 'no-confidence',
        stageIndex: i,
        message: `${model.value} has no confidence in the eval files, so it cannot decide when to escalate: make it the last stage, or get it a confidence (${result.diagnosis?.steps.find((s) => s.models.includes(model.value))?.step ?? 'a numeric `confidence` field in its records'}; ${LEARNED_HINT}).`,
      });
      return;
    }
    if (t && t.value !== null && i < stages.length - 1 && summary.confidenceMin !== null && summary.confidenceMax !== null) {
      if (t.value > summary.confidenceMax) {
        findings.push({
          span: t.span,
          severity: 'warning',
          code: 'threshold-out-of-range',
          stageIndex: i,
          message: `threshold ${t.value} is above every confidence of ${model.value} (highest ${significant(summary.confidenceMax, 4)}): every query escalates, so ${model.value} is paid for nothing. Pick a value in [${significant(summary.confidenceMin, 4)}, ${significant(summary.confidenceMax, 4)}].`,
        });
      } else if (t.value < summary.confidenceMin) {
        findings.push({
          span: t.span,
          severity: 'warning',
          code: 'threshold-out-of-range',
          stageIndex: i,
          message: `threshold ${t.value} is below every confidence of ${model.value} (lowest ${significant(summary.confidenceMin, 4)}): no query escalates, so the later stages never run. Pick a value in [${significant(summary.confidenceMin, 4)}, ${significant(summary.confidenceMax, 4)}].`,
        });
      }
    }
  });
  for (const priced of config.prices?.models ?? []) {
    if (!models.has(priced.value)) {
      findings.push({
        span: priced.span,
        severity: 'warning',
        code: 'unpriced-model',
        message: `no eval results for ${JSON.stringify(priced.value)}, so this price is unused; the eval files have ${names.join(', ')}.`,
        replacements: closestNames(priced.value, names),
      });
    }
  }
  const budget = config.budget;
  const cheapest = result.models.reduce<(typeof result.models)[number] | undefined>((a, m) => (a === undefined || m.cost < a.cost ? m : a), undefined);
  const rec = result.recommendation;
  if (budget && cheapest && budget.value < cheapest.cost) {
    findings.push({
      span: budget.span,
      severity: 'warning',
      code: 'budget-below-cheapest',
      message: `the budget ${per1k(budget.value)} is below the cheapest model, ${cheapest.name} at ${per1k(cheapest.cost)}: no policy fits. Raise it to at least ${cheapest.cost}.`,
    });
  } else if (rec && !rec.feasible && rec.reason && (rec.budget === undefined || rec.budget === budget?.value)) {
    const span = config.target?.span ?? budget?.span;
    if (span) findings.push({ span, severity: 'warning', code: 'infeasible', message: rec.reason });
  }
  const cascade = result.cascade;
  const current = config.cascade !== undefined && resultMatchesConfig(config, result);
  const budgetValue = rec?.budget;
  if (cascade && current && budgetValue !== undefined) {
    const over = overBudgetFinding(config, cascade, budgetValue, result.split.kind !== 'none', result.settings.selection?.budgetConfidence);
    if (over) findings.push(over);
  }
  if (cascade && current) {
    const below = belowEnvelopeFinding(config, cascade, options.tolerance ?? DEFAULT_TOLERANCE_POINTS);
    if (below) findings.push(below);
  }
  // The recommended policy, or the rule's threshold for the same pair, is not flagged: dominance
  // is judged on calibration figures, whose small differences the rule deliberately does not chase.
  const isRecommended =
    cascade !== undefined &&
    ((rec?.choice !== undefined && samePolicy(cascade.policy, rec.choice.policy)) || (cascade.suggestedThreshold !== undefined && samePolicy(cascade.suggestedThreshold.policy, cascade.policy)));
  if (cascade?.dominatedBy && current && !isRecommended) {
    const d = cascade.dominatedBy;
    const policies = [d.policy];
    const fix = cascade.suggestedThreshold ?? cascade.bestThresholdSamePair;
    if (fix && !samePolicy(fix.policy, d.policy) && !samePolicy(fix.policy, cascade.policy)) policies.unshift(fix.policy);
    findings.push({
      span: config.cascade!.keySpan,
      severity: 'warning',
      code: 'dominated',
      message:
        `this cascade (${per1k(cascade.inSample.cost)}, ${percent(cascade.inSample.quality)} in-sample) is dominated by ${policyShort(d.policy)} ` +
        `(${per1k(d.cost)}, ${percent(d.quality)}): ${points(d.quality - cascade.inSample.quality)} ` +
        (d.cost < cascade.inSample.cost ? `while saving ${per1k(cascade.inSample.cost - d.cost)}.` : 'at the same cost.'),
      policies,
    });
  }
  const driftSpan = config.split?.keySpan ?? config.evals?.keySpan ?? { start: 0, end: 0 };
  for (const message of driftWarnings(result.drift, result.split, 'config')) {
    findings.push({ span: driftSpan, severity: 'warning', code: 'split-drift', message });
  }
  return findings;
}

/**
 * A cascade over the budget: an error when its held-out cost breaks the recommendation's budget
 * rule (in-sample cost without a holdout), else a warning when only its in-sample cost is over.
 * The rule's threshold for the same pair is the fix. O(1).
 */
function overBudgetFinding(config: CascadeConfig, cascade: CascadeEvaluation, budget: number, heldOut: boolean, confidence: number = DEFAULT_BUDGET_CONFIDENCE): ConfigFinding | undefined {
  const judged = heldOut && cascade.holdout ? cascade.holdout : cascade.inSample;
  const failing = exceedsBudget(judged, budget, confidence);
  if (!failing && cascade.inSample.cost <= budget) return undefined;
  const fix = cascade.suggestedThreshold ?? cascade.bestThresholdSamePair;
  const where = heldOut && cascade.holdout ? `held out (${per1k(cascade.inSample.cost)} in-sample)` : 'in-sample';
  const bound = judged.cost <= budget ? `, and its ${percent(confidence, 0)} upper bound ${per1k(costUpperBound(judged, confidence))}` : '';
  const cost = failing ? `${per1k(judged.cost)} ${where}${bound}` : `${per1k(cascade.inSample.cost)} in-sample (${per1k(judged.cost)} held out, within it)`;
  return {
    span: config.cascade!.keySpan,
    severity: failing ? 'error' : 'warning',
    code: 'over-budget',
    message:
      `this cascade costs ${cost}, above the budget of ${per1k(budget)}` +
      (fix ? `; ${policyShort(fix.policy)} fits it at ${per1k(fix.cost)} (${percent(fix.quality)}).` : '; no threshold of this pair fits it.'),
    ...(fix ? { policies: [fix.policy] } : {}),
  };
}

/**
 * A cascade more than `tolerance` quality points below the envelope at its own cost, held out
 * (the envelope's policy at the cascade's calibration cost against the cascade, both on the
 * holdout queries; in-sample without a holdout). An error: `cascade-frontier check` fails on it. O(1).
 */
function belowEnvelopeFinding(config: CascadeConfig, cascade: CascadeEvaluation, tolerancePoints: number): ConfigFinding | undefined {
  const heldOut = cascade.holdoutGapToEnvelope !== undefined && cascade.envelopeAtCost !== undefined;
  const gap = heldOut ? cascade.holdoutGapToEnvelope! : cascade.gapToEnvelope;
  if (!(gap * 100 > tolerancePoints + 1e-9)) return undefined;
  const own = heldOut ? cascade.holdout! : cascade.inSample;
  const other = heldOut ? cascade.envelopeAtCost!.holdout : undefined;
  const policy = cascade.envelopeAtCost?.policy ?? cascade.dominatedBy?.policy;
  const where = heldOut ? 'held out' : 'in-sample';
  const envelopeText = policy
    ? `${policyShort(policy)} reaches ${percent(other?.quality ?? cascade.envelopeQualityAtCost)}${other ? ` at ${per1k(other.cost)}` : ''}`
    : `the envelope reaches ${percent(cascade.envelopeQualityAtCost)}`;
  return {
    span: config.cascade!.keySpan,
    severity: 'error',
    code: 'below-envelope',
    message: `this cascade scores ${percent(own.quality)} ${where} at ${per1k(own.cost)}, ${(gap * 100).toFixed(1)} pts below the envelope at its cost (tolerance ${tolerancePoints} pts): ${envelopeText}.`,
    ...(policy ? { policies: [policy] } : {}),
  };
}

/** Up to five known names, closest first by edit distance. */
export function closestNames(name: string, known: readonly string[]): string[] {
  return [...known]
    .map((k) => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || (a.k < b.k ? -1 : 1))
    .slice(0, 5)
    .map((x) => x.k);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length];
}
