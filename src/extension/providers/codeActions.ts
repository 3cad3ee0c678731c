import * as vscode from 'vscode';
import type { PolicySpec } from '../../core/types.ts';
import { samePolicy } from '../../core/policy.ts';
import { configPolicy } from '../../core/config/config.ts';
import { configFindings, stageAdvice } from '../../core/config/advice.ts';
import { policyShort, thresholdForConfig } from '../../core/format/index.ts';
import { policyEdits, thresholdEdits, yamlInline, type TextEditSpec } from '../../core/config/edit.ts';
import { DIAGNOSTIC_SOURCE } from '../constants.ts';
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
    if (!ctx?.result) return [];
    const { config, result } = ctx;
    const text = document.getText();
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    const add = (title: string, edits: TextEditSpec[], diagnostic?: vscode.Diagnostic, preferred = false) => {
      if (edits.length === 0 || seen.has(title)) return;
      seen.add(title);
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(document, edits);
      if (diagnostic) action.diagnostics = [diagnostic];
      action.isPreferred = preferred;
      actions.push(action);
    };
    const usePolicy = (policy: PolicySpec) => policyEdits(text, config.format, policy);
    const advice = stageAdvice(config, result);
    const configured = configPolicy(config);
    const titleOf = (policy: PolicySpec): string => {
      if (advice && samePolicy(policy, advice.policy)) return `Apply the recommended threshold ${thresholdForConfig(advice.suggested)}`;
      if (configured && policy.models.length === 2 && policy.models.every((m, i) => m === configured.models[i])) return `Set the threshold to ${thresholdForConfig(policy.thresholds[0])}`;
      return `Switch to ${policyShort(policy)}`;
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
      add(`Apply the recommended threshold ${thresholdForConfig(advice.suggested)}`, thresholdEdits(text, config.format, advice.stageIndex, advice.suggested), outOfRange, actions.length === 0);
    }
    return actions;
  }
}
