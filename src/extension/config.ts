import * as vscode from 'vscode';
import { SECTION, Setting, SETTING_DEFAULTS, type SettingKey } from './constants.ts';

/** The extension's settings, mirroring `contributes.configuration` in package.json. */
export interface ExtensionConfig {
  /** Globs of eval result files for a workspace without a cascade config (and for a config without `evals`). */
  readonly evalFiles: readonly string[];
  /** Glob of files never read as eval files. */
  readonly exclude: string;
  /** Budget in dollars per query when no cascade config gives one; null for none. */
  readonly budget: number | null;
  /** Where a model's confidence comes from when no cascade config says: logged, or learned for models that log none. */
  readonly confidence: 'logged' | 'learned';
  /** Eval files larger than this are skipped with a warning. */
  readonly maxFileSizeMB: number;
  /** Longer lines are reported and skipped. */
  readonly maxLineLengthKB: number;
  /** Quiet time after an edit of the config as you type before recomputing (a save waits at most 50 ms). */
  readonly recomputeDelayMs: number;
  readonly bootstrapResamples: number;
  /** Confidence that a recommended policy's mean cost fits the budget, when the cascade config does not set `budgetConfidence`. */
  readonly budgetConfidence: number;
  /** Largest p95 latency (ms) of a recommended policy, when the cascade config does not set `maxLatencyP95Ms`; null for none. */
  readonly maxLatencyP95Ms: number | null;
  readonly codeLensEnabled: boolean;
  readonly inlayHintsEnabled: boolean;
  readonly inlineSuggestionsEnabled: boolean;
}

/** Settings whose default is a number, or a boolean. */
type NumberSetting = { [K in SettingKey]: (typeof SETTING_DEFAULTS)[K] extends number ? K : never }[SettingKey];
type BooleanSetting = { [K in SettingKey]: (typeof SETTING_DEFAULTS)[K] extends boolean ? K : never }[SettingKey];

/** Reads the settings (for a resource's folder when given), falling back to the defaults on values of the wrong type. */
export function readConfig(scope?: vscode.ConfigurationScope): ExtensionConfig {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  // A value of the wrong type, or below `min`, falls back to the setting's default.
  const num = (key: NumberSetting, min: number): number => {
    const v = c.get<unknown>(key);
    return typeof v === 'number' && Number.isFinite(v) && v >= min ? v : SETTING_DEFAULTS[key];
  };
  const bool = (key: BooleanSetting): boolean => {
    const v = c.get<unknown>(key);
    return typeof v === 'boolean' ? v : SETTING_DEFAULTS[key];
  };
  const globs = c.get<unknown>(Setting.EvalFiles);
  const exclude = c.get<unknown>(Setting.Exclude);
  const budget = c.get<unknown>(Setting.Budget);
  const confidence = c.get<unknown>(Setting.BudgetConfidence);
  const latency = c.get<unknown>(Setting.MaxLatencyP95Ms);
  return {
    evalFiles: Array.isArray(globs) && globs.every((g) => typeof g === 'string') && globs.length > 0 ? globs : SETTING_DEFAULTS[Setting.EvalFiles],
    exclude: typeof exclude === 'string' ? exclude : SETTING_DEFAULTS[Setting.Exclude],
    budget: typeof budget === 'number' && budget > 0 ? budget : null,
    confidence: c.get<unknown>(Setting.Confidence) === 'learned' ? 'learned' : 'logged',
    maxFileSizeMB: num(Setting.MaxFileSizeMB, 0),
    maxLineLengthKB: num(Setting.MaxLineLengthKB, 1),
    recomputeDelayMs: num(Setting.RecomputeDelayMs, 0),
    bootstrapResamples: Math.round(num(Setting.BootstrapResamples, 0)),
    budgetConfidence: typeof confidence === 'number' && confidence > 0 && confidence < 1 ? confidence : SETTING_DEFAULTS[Setting.BudgetConfidence],
    maxLatencyP95Ms: typeof latency === 'number' && Number.isFinite(latency) && latency > 0 ? latency : null,
    codeLensEnabled: bool(Setting.CodeLensEnabled),
    inlayHintsEnabled: bool(Setting.InlayHintsEnabled),
    inlineSuggestionsEnabled: bool(Setting.InlineSuggestionsEnabled),
  };
}

/** True when a configuration change touches one of these settings. */
export function affects(event: vscode.ConfigurationChangeEvent, ...keys: SettingKey[]): boolean {
  return keys.some((k) => event.affectsConfiguration(`${SECTION}.${k}`));
}
