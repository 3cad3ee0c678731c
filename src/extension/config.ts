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
  /** Quiet time after a change before recomputing. */
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

const DEFAULTS: ExtensionConfig = {
  evalFiles: SETTING_DEFAULTS[Setting.EvalFiles],
  exclude: SETTING_DEFAULTS[Setting.Exclude],
  budget: SETTING_DEFAULTS[Setting.Budget],
  confidence: SETTING_DEFAULTS[Setting.Confidence],
  maxFileSizeMB: SETTING_DEFAULTS[Setting.MaxFileSizeMB],
  maxLineLengthKB: SETTING_DEFAULTS[Setting.MaxLineLengthKB],
  recomputeDelayMs: SETTING_DEFAULTS[Setting.RecomputeDelayMs],
  bootstrapResamples: SETTING_DEFAULTS[Setting.BootstrapResamples],
  budgetConfidence: SETTING_DEFAULTS[Setting.BudgetConfidence],
  maxLatencyP95Ms: SETTING_DEFAULTS[Setting.MaxLatencyP95Ms],
  codeLensEnabled: SETTING_DEFAULTS[Setting.CodeLensEnabled],
  inlayHintsEnabled: SETTING_DEFAULTS[Setting.InlayHintsEnabled],
  inlineSuggestionsEnabled: SETTING_DEFAULTS[Setting.InlineSuggestionsEnabled],
};

/** Reads the settings (for a resource's folder when given), falling back to the defaults on values of the wrong type. */
export function readConfig(scope?: vscode.ConfigurationScope): ExtensionConfig {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const num = (key: SettingKey, fallback: number, min: number) => {
    const v = c.get<unknown>(key);
    return typeof v === 'number' && Number.isFinite(v) && v >= min ? v : fallback;
  };
  const bool = (key: SettingKey, fallback: boolean) => {
    const v = c.get<unknown>(key);
    return typeof v === 'boolean' ? v : fallback;
  };
  const globs = c.get<unknown>(Setting.EvalFiles);
  const exclude = c.get<unknown>(Setting.Exclude);
  const budget = c.get<unknown>(Setting.Budget);
  const confidence = c.get<unknown>(Setting.BudgetConfidence);
  const latency = c.get<unknown>(Setting.MaxLatencyP95Ms);
  return {
    evalFiles: Array.isArray(globs) && globs.every((g) => typeof g === 'string') && globs.length > 0 ? globs : DEFAULTS.evalFiles,
    exclude: typeof exclude === 'string' ? exclude : DEFAULTS.exclude,
    budget: typeof budget === 'number' && budget > 0 ? budget : null,
    confidence: c.get<unknown>(Setting.Confidence) === 'learned' ? 'learned' : 'logged',
    maxFileSizeMB: num(Setting.MaxFileSizeMB, DEFAULTS.maxFileSizeMB, 0),
    maxLineLengthKB: num(Setting.MaxLineLengthKB, DEFAULTS.maxLineLengthKB, 1),
    recomputeDelayMs: num(Setting.RecomputeDelayMs, DEFAULTS.recomputeDelayMs, 0),
    bootstrapResamples: Math.round(num(Setting.BootstrapResamples, DEFAULTS.bootstrapResamples, 0)),
    budgetConfidence: typeof confidence === 'number' && confidence > 0 && confidence < 1 ? confidence : DEFAULTS.budgetConfidence,
    maxLatencyP95Ms: typeof latency === 'number' && Number.isFinite(latency) && latency > 0 ? latency : null,
    codeLensEnabled: bool(Setting.CodeLensEnabled, DEFAULTS.codeLensEnabled),
    inlayHintsEnabled: bool(Setting.InlayHintsEnabled, DEFAULTS.inlayHintsEnabled),
    inlineSuggestionsEnabled: bool(Setting.InlineSuggestionsEnabled, DEFAULTS.inlineSuggestionsEnabled),
  };
}

/** True when a configuration change touches one of these settings. */
export function affects(event: vscode.ConfigurationChangeEvent, ...keys: SettingKey[]): boolean {
  return keys.some((k) => event.affectsConfiguration(`${SECTION}.${k}`));
}
