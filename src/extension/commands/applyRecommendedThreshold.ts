import * as vscode from 'vscode';
import type { PolicySpec } from '../../core/types.ts';
import { samePolicy } from '../../core/policy.ts';
import { stageAdvice } from '../../core/config/advice.ts';
import { parseCascadeConfig } from '../../core/config/config.ts';
import { per1k, percent, policySentence, policyShort } from '../../core/format/index.ts';
import { configFormatOf } from '../../core/config/tree.ts';
import { Command } from '../constants.ts';
import type { Services } from '../services.ts';
import { readDocumentText } from '../store/configWriter.ts';
import { pickAnalysis } from './pickAnalysis.ts';

/** Arguments of the command when a lens, hover or quick fix names the policy to write. */
export interface ApplyArgs {
  readonly key: string;
  readonly policy: PolicySpec;
}

export function applyArgs(key: string, policy: PolicySpec): ApplyArgs {
  return { key, policy };
}

function isApplyArgs(v: unknown): v is ApplyArgs {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  const p = a.policy as Record<string, unknown> | undefined;
  return typeof a.key === 'string' && typeof p === 'object' && p !== null && Array.isArray(p.models) && Array.isArray(p.thresholds);
}

/**
 * "Apply Recommended Threshold": writes a policy into the cascade config. With arguments (from a
 * lens, hover or the panel) it writes that policy; from the palette it offers the best threshold
 * for the configured pair and the recommended pair when they differ. Resolves with the policy
 * written, or undefined when nothing was.
 */
export function applyRecommendedThreshold({ store }: Services) {
  return async (args?: unknown): Promise<PolicySpec | undefined> => {
    if (isApplyArgs(args)) {
      await write(args.key, args.policy);
      return args.policy;
    }
    const snapshot = await pickAnalysis(store, typeof args === 'string' ? args : undefined, 'Which analysis?');
    if (!snapshot) return undefined;
    const result = snapshot.result;
    const rec = result?.recommendation;
    if (!result || !rec) {
      const action = await vscode.window.showInformationMessage(
        result
          ? 'Cascade Frontier recommends a threshold for a budget or a quality target: set a budget first.'
          : `Cascade Frontier has no analysis yet: ${snapshot.error ?? 'it is still analysing the eval files.'}`,
        ...(result ? ['Set Budget'] : []),
      );
      if (action === 'Set Budget') await vscode.commands.executeCommand(Command.SetBudget, snapshot.key);
      return undefined;
    }
    if (!rec.feasible || !rec.choice) {
      void vscode.window.showWarningMessage(`Cascade Frontier: ${rec.reason ?? 'no policy meets the budget.'}`);
      return undefined;
    }
    const options: { label: string; detail: string; policy: PolicySpec }[] = [];
    const configUri = store.configUri(snapshot.key);
    if (configUri) {
      const config = parseCascadeConfig(await readDocumentText(configUri), configFormatOf(configUri.path));
      const advice = stageAdvice(config, result);
      if (advice && !samePolicy(advice.policy, rec.choice.policy)) {
        options.push({ label: `Keep the pair, threshold ${policyShort(advice.policy)}`, detail: `${per1k(advice.cost)} · ${percent(advice.quality)} in-sample`, policy: advice.policy });
      }
    }
    options.unshift({
      label: `Recommended: ${policyShort(rec.choice.policy)}`,
      detail: `${per1k(rec.choice.cost)} · ${percent(rec.choice.quality)} in-sample${rec.holdout ? ` · ${percent(rec.holdout.quality)} held out` : ''}`,
      policy: rec.choice.policy,
    });
    let policy = options[0].policy;
    if (options.length > 1) {
      const picked = await vscode.window.showQuickPick(options, { placeHolder: 'The recommended pair differs from the configured one: which policy?' });
      if (!picked) return undefined;
      policy = picked.policy;
    }
    if (!configUri) {
      const create = await vscode.window.showInformationMessage(`There is no cascade config to write ${policySentence(policy)} into. Create cascade.config.yaml?`, 'Create cascade.config.yaml');
      if (!create) return undefined;
    }
    await write(snapshot.key, policy);
    return policy;
  };

  async function write(key: string, policy: PolicySpec): Promise<void> {
    try {
      await store.applyPolicy(key, policy);
      vscode.window.setStatusBarMessage(`Cascade Frontier: applied ${policyShort(policy)}`, 4000);
    } catch (e) {
      void vscode.window.showErrorMessage(`Cascade Frontier could not apply the policy: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
