import * as vscode from 'vscode';
import type { PolicyPoint } from '../../core/types.ts';
import { per1k, percent, policyShort } from '../../core/format/index.ts';

/** A typed budget in dollars per query (`$` and spaces allowed), or undefined when it is not a positive number. */
export function parseBudget(text: string): number | undefined {
  const x = Number(text.replace(/[$\s,]/g, ''));
  return text.trim() !== '' && Number.isFinite(x) && x > 0 ? x : undefined;
}

/**
 * What a typed budget means, shown under the input box as it is typed: the same budget per
 * 1,000 queries and the best envelope policy within it (or why it is not a budget).
 */
export function budgetValidation(text: string, envelope: readonly PolicyPoint[]): vscode.InputBoxValidationMessage | string {
  const x = parseBudget(text);
  if (x === undefined) return 'Enter dollars per query, a number greater than 0 (e.g. 0.0002, which is $0.2 per 1k queries).';
  let within: PolicyPoint | undefined;
  for (const v of envelope) if (v.cost <= x) within = v;
  const what = within ? `best within it: ${policyShort(within.policy)}, ${percent(within.quality)} in-sample` : 'below the cheapest model: no policy fits';
  return { message: `$${text.trim().replace(/^\$/, '')}/query = ${per1k(x)}; ${what}`, severity: vscode.InputBoxValidationSeverity.Info };
}
