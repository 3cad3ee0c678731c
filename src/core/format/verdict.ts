/**
 * The recommendation rule's answers in words (the verdict on escalating, the budget check, why
 * a single model was left out), shared by the command line, the report, the hover and the panel
 * so they all say the same thing. `arrow` is `ARROW` in the editor and the report, `ASCII_ARROW`
 * in a terminal.
 */
import type { BudgetCheck, EscalationVerdict, Recommendation } from '../types.ts';
import { percent, perQuery, points } from './plain.ts';
import { ARROW, policyShort } from './policy.ts';

/** The two-sided level of an interval whose ends are one-sided bounds at `confidence`: `80%` for 0.9. */
export function intervalLevel(confidence: number): string {
  return `${Math.round((2 * confidence - 1) * 100)}%`;
}

/** `[−0.4, +2.1] pts` for a gain interval. */
export function gainInterval(interval: readonly [number, number]): string {
  return `[${points(interval[0]).replace(' pts', '')}, ${points(interval[1])}]`;
}

/** "Yes", "No" or "Unclear". */
export function verdictWord(v: EscalationVerdict): string {
  return v.answer === 'yes' ? 'Yes' : v.answer === 'no' ? 'No' : 'Unclear';
}

/** One sentence on the number of further labelled calibration queries that would settle an unclear verdict. */
export function moreQueriesText(v: EscalationVerdict): string {
  if (v.moreQueries === undefined) return '';
  if (v.moreQueries === null) return 'The observed gain is zero, so more queries would not settle it soon.';
  const total = v.n + v.moreQueries;
  return `About ${v.moreQueries.toLocaleString('en-US')} more labelled calibration queries (${total.toLocaleString('en-US')} in all) would likely settle it, if the gain held.`;
}

/**
 * "Is escalation worth it?" in one or two sentences, starting with Yes, No or Unclear: the
 * candidate cascade, its gain over the single model with the interval, and what is kept.
 */
export function describeVerdict(v: EscalationVerdict, arrow: string = ARROW): string {
  const word = verdictWord(v);
  const level = intervalLevel(v.confidence);
  const c = v.candidate ? policyShort(v.candidate.policy, arrow) : undefined;
  const basis = v.crossValidated ? 'on cross-validated calibration queries' : 'on calibration queries (too few to cross-validate)';
  switch (v.reason) {
    case 'no-cascade-fits':
      return `${word}: no cascade escalates any query within the budget at ${percent(v.confidence, 0)} confidence; keep ${v.versus}.`;
    case 'not-better-on-calibration':
      return c
        ? `${word}: the closest cascade that fits, ${c}, does not beat ${v.versus} even on calibration queries (${points(v.gain ?? 0)}); keep ${v.versus}.`
        : `${word}: every cascade that fits costs more than ${v.versus} without beating it on calibration queries; keep ${v.versus}.`;
    case 'gain-credible':
      return `${word}: ${c} gains ${points(v.gain ?? 0)} over ${v.versus} ${basis} (${level} interval ${gainInterval(v.interval!)}).`;
    case 'loss-credible':
      return `${word}: ${c} does not beat ${v.versus} ${basis} (${points(v.gain ?? 0)}, ${level} interval ${gainInterval(v.interval!)}); keep ${v.versus}.`;
    case 'uncertain':
      return `${word}: ${c} gains ${points(v.gain ?? 0)} over ${v.versus} ${basis}, but the ${level} interval ${gainInterval(v.interval!)} includes zero; keep ${v.versus}. ${moreQueriesText(v)}`.trim();
  }
}

/** The budget check in words: mean cost, its upper bound, and whether that fits. */
export function describeBudgetCheck(b: BudgetCheck): string {
  const level = percent(b.confidence, 0);
  return b.fits
    ? `mean ${perQuery(b.meanCost)}, ${level} upper bound ${perQuery(b.costUpperBound)}: within the budget of ${perQuery(b.budget)}.`
    : `mean ${perQuery(b.meanCost)}, ${level} upper bound ${perQuery(b.costUpperBound)}: above the budget of ${perQuery(b.budget)}.`;
}

/**
 * Why the rule recommends what it does, beyond the verdict: single models left out because
 * their cost's upper bound is over the budget, and the fallback when nothing fits.
 */
export function describeChoiceNotes(rec: Recommendation): string[] {
  const out: string[] = [];
  const check = rec.budgetCheck;
  if (rec.fallback && check && rec.choice) {
    out.push(
      `Nothing fits the budget with ${percent(check.confidence, 0)} confidence; the cheapest model, ${rec.choice.policy.models[0]}, is recommended anyway (${describeBudgetCheck(check)}). A budget of at least ${perQuery(check.costUpperBound)} leaves the margin.`,
    );
  }
  for (const e of rec.excludedSingles ?? []) {
    if (rec.bestSingle && e.quality <= rec.bestSingle.inSample.quality) continue;
    out.push(
      `${e.model} alone (${percent(e.quality)} on calibration) costs ${perQuery(e.cost)} on calibration, within the budget, but its ${percent(check?.confidence ?? 0.9, 0)} upper bound ${perQuery(e.costUpperBound)} is not, so it is left out.`,
    );
  }
  return out;
}
