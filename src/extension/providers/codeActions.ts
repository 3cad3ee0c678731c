import * as vscode from 'vscode';
import type { AnalysisResult, PolicyPoint, PolicySpec } from '../../core/types.ts';
import { samePolicy } from '../../core/policy.ts';
import { configPolicy } from '../../core/config/config.ts';
import { configFindings, resultMatchesConfig, stageAdvice } from '../../core/config/advice.ts';
import { policyShort, thresholdForConfig, tradeText } from '../../core/format/index.ts';
import { policyEdits, thresholdEdits, yamlInline, type TextEditSpec } from '../../core/config/edit.ts';
import { ContextKey, DIAGNOSTIC_SOURCE } from '../constants.ts';
import { toWorkspaceEdit } from '../store/configWriter.ts';
import { toRange, type ConfigDocuments } from './configDocuments.ts';

/**
 * Quick fixes on a cascade config: apply the suggested threshold, switch to the policy that
 * dominates the cascade, replace an unknown model name. Every edit is a `WorkspaceEdit` that
 * keeps comments and layout.
 */
export class ConfigCodeActionProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly documents: ConfigDocuments) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ctx = this.documents.get(document);
    // No fix from a result of an earlier analysis: it may not describe these files or this config.
    if (!ctx?.result || ctx.stale !== undefined) return [];
    const { config, result } = ctx;
    const text = document.getText();
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    const add = (title: string, edits: TextEditSpec[], diagnostic?: vscode.Diagnostic, preferred = false) => {
      if (edits.length === 0 || seen.has(title)) return;
      seen.add(title);
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(document, edits);
      // The walkthrough's last step completes once a policy is written, by a quick fix too.
      action.command = { title: '', command: 'setContext', arguments: [ContextKey.PolicyApplied, true] };
      if (diagnostic) action.diagnostics = [diagnostic];
      action.isPreferred = preferred;
      actions.push(action);
    };
    const usePolicy = (policy: PolicySpec) => policyEdits(text, config.format, policy);
    const advice = stageAdvice(config, result);
    const configured = configPolicy(config);
    const base = resultMatchesConfig(config, result) ? result.cascade?.inSample : undefined;
    /** What writing a policy buys against the cascade as configured (in-sample), when both are known. */
    const buys = (policy: PolicySpec): string => {
      const point = pointOf(result, policy);
      return point && base ? ` (${tradeText(point.quality - base.quality, point.cost - base.cost)}, in-sample)` : '';
    };
    const titleOf = (policy: PolicySpec): string => {
      if (advice && samePolicy(policy, advice.policy)) return `Apply the recommended threshold ${thresholdForConfig(advice.suggested)}${buys(policy)}`;
      if (configured && policy.models.length === 2 && policy.models.every((m, i) => m === configured.models[i]))
        return `Set the threshold to ${thresholdForConfig(policy.thresholds[0])}${buys(policy)}`;
      return `Switch to ${policyShort(policy)}${buys(policy)}`;
    };

    const findings = configFindings(config, result);
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const finding = findings.find((f) => f.code === diagnostic.code && toRange(document, f.span).isEqual(diagnostic.range));
      if (!finding) continue;
      finding.policies?.forEach((policy, i) => add(titleOf(policy), usePolicy(policy), diagnostic, i === 0));
      for (const name of finding.replacements ?? []) {
        const quoted = config.format === 'json' ? JSON.stringify(name) : yamlInline(name);
        add(`Change to ${name}`, [{ offset: finding.span.start, length: finding.span.end - finding.span.start, text: quoted }], diagnostic, name === finding.replacements![0]);
      }
    }

    // The suggested threshold, wherever the cursor is on the cascade (also without a diagnostic).
    const cascadeSpan = config.cascade ? { start: config.cascade.keySpan.start, end: config.cascade.span.end } : undefined;
    if (advice && cascadeSpan && advice.suggested !== advice.current && toRange(document, cascadeSpan).intersection(range)) {
      const outOfRange = context.diagnostics.find((d) => d.source === DIAGNOSTIC_SOURCE && (d.code === 'threshold-out-of-range' || d.code === 'dominated' || d.code === 'over-budget'));
      add(titleOf(advice.policy), thresholdEdits(text, config.format, advice.stageIndex, advice.suggested), outOfRange, actions.length === 0);
    }
    return actions;
  }
}

/** The calibration figures of a policy the analysis offers (an envelope vertex, or the configured pair's best threshold). */
function pointOf(result: AnalysisResult, policy: PolicySpec): { cost: number; quality: number } | undefined {
  const candidates: (PolicyPoint | undefined)[] = [result.cascade?.bestThresholdSamePair, result.cascade?.dominatedBy, result.recommendation?.choice, ...result.envelope];
  return candidates.find((p) => p !== undefined && samePolicy(p.policy, policy));
}
