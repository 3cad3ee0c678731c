/**
 * Policies as text. A policy is a chain of models, cheap first, with one threshold per stage
 * but the last (a single model has none). Each label below is the one form a place shows;
 * they share the pieces (the arrow, the threshold renderings) so a change of vocabulary is
 * made here once.
 */
import type { PolicySpec } from '../types.ts';
import { thresholdDisplay, thresholdExact } from './threshold.ts';

/** The arrow between stages in the editor, the panel and the report. */
export const ARROW = ' → ';
/** The arrow between stages in terminal output (plain ASCII). */
export const ASCII_ARROW = ' -> ';

/**
 * The models in order, cheap first: `cheap → expensive`, or the model's name alone. O(stages).
 * @example formatModels({ kind: 'pair', models: ['a', 'b'], thresholds: [0.5] }) // 'a → b'
 */
export function formatModels(policy: Pick<PolicySpec, 'models'>, arrow: string = ARROW): string {
  return policy.models.join(arrow);
}

/**
 * Each stage with the threshold it answers at: `cheap @ -0.12 → expensive` (exact thresholds,
 * `+inf` for always escalate). For lenses, pickers and terminal lines. O(stages).
 * @example policyShort(pair('a', 'b', -0.12)) // 'a @ -0.12 → b'
 * @example policyShort(pair('a', 'b', null), ASCII_ARROW) // 'a @ +inf -> b'
 */
export function policyShort(policy: PolicySpec, arrow: string = ARROW): string {
  if (policy.models.length === 1) return policy.models[0];
  return policy.models.map((m, i) => (i < policy.thresholds.length ? `${m} @ ${thresholdExact(policy.thresholds[i])}` : m)).join(arrow);
}

/**
 * The policy as a sentence for hovers and prompts: `a → b (escalate when confidence < -0.12)`,
 * `a → b (always escalate)`, `gpt-4o alone`, or for a chain `a (< t1) → b (< t2) → c`. O(stages).
 */
export function policySentence(policy: PolicySpec): string {
  if (policy.models.length === 1) return `${policy.models[0]} alone`;
  if (policy.models.length === 2) {
    const t = policy.thresholds[0];
    return t === null ? `${formatModels(policy)} (always escalate)` : `${formatModels(policy)} (escalate when confidence < ${thresholdExact(t)})`;
  }
  return policy.models.map((m, i) => (i < policy.thresholds.length ? `${m} (< ${thresholdExact(policy.thresholds[i])})` : m)).join(ARROW);
}

/**
 * The policy in one line for the panel: `a → b at t = -0.05824` (four significant digits), a
 * chain's thresholds in parentheses, a single model by its name. O(stages).
 */
export function formatPolicy(policy: PolicySpec): string {
  if (policy.models.length === 1) return policy.models[0];
  if (policy.models.length === 2) return `${formatModels(policy)} at t = ${thresholdDisplay(policy.thresholds[0], { bare: true })}`;
  return `${formatModels(policy)} at t = (${policy.thresholds.map((t) => thresholdDisplay(t, { bare: true })).join(', ')})`;
}

/**
 * The policy in one line with exact thresholds, to copy into a config: `a → b at t = -0.05823759`
 * (`+∞` for always escalate), a single model by its name. O(stages).
 */
export function formatPolicyExact(policy: PolicySpec): string {
  if (policy.models.length === 1) return policy.models[0];
  return `${formatModels(policy)} at t = ${policy.thresholds.map((t) => thresholdDisplay(t, { exact: true, bare: true })).join(', ')}`;
}

/**
 * What was written into a config: `a → b at -0.05823759` (`+inf` for always escalate), a single
 * model by its name. O(stages).
 */
export function policyWritten(policy: PolicySpec): string {
  if (policy.models.length === 1) return policy.models[0];
  return `${formatModels(policy)} at ${policy.thresholds.map(thresholdExact).join(', ')}`;
}
