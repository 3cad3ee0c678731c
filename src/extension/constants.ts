/** Identifiers other parts of the product and its tests rely on. Changing one is a breaking change. */

import { DEFAULT_EVAL_GLOBS } from '../core/config/request.ts';

export const EXTENSION_ID = 'cascade-frontier.cascade-frontier';

/** Command ids, as contributed in package.json. */
export const Command = {
  ShowFrontier: 'cascadeFrontier.showFrontier',
  ApplyRecommendedThreshold: 'cascadeFrontier.applyRecommendedThreshold',
  ExportFrontier: 'cascadeFrontier.exportFrontier',
  SelectEvalFiles: 'cascadeFrontier.selectEvalFiles',
  SetBudget: 'cascadeFrontier.setBudget',
  CreateConfig: 'cascadeFrontier.createConfig',
  RefreshEvalFiles: 'cascadeFrontier.refreshEvalFiles',
  UseLearnedConfidence: 'cascadeFrontier.useLearnedConfidence',
} as const;
export type CommandId = (typeof Command)[keyof typeof Command];

/** The settings section; keys below are relative to it. */
export const SECTION = 'cascadeFrontier';

/** Setting keys, as contributed in package.json. */
export const Setting = {
  EvalFiles: 'evalFiles',
  Exclude: 'exclude',
  Budget: 'budget',
  Confidence: 'confidence',
  MaxFileSizeMB: 'maxFileSizeMB',
  MaxLineLengthKB: 'maxLineLengthKB',
  RecomputeDelayMs: 'recomputeDelayMs',
  BootstrapResamples: 'bootstrapResamples',
  BudgetConfidence: 'budgetConfidence',
  MaxLatencyP95Ms: 'maxLatencyP95Ms',
  CodeLensEnabled: 'codeLens.enabled',
  InlayHintsEnabled: 'inlayHints.enabled',
  InlineSuggestionsEnabled: 'inlineSuggestions.enabled',
} as const;
export type SettingKey = (typeof Setting)[keyof typeof Setting];

/** Each setting's default, as contributed in package.json (test/extension-unit/manifest.test.ts holds the two together). */
export const SETTING_DEFAULTS = {
  [Setting.EvalFiles]: DEFAULT_EVAL_GLOBS,
  [Setting.Exclude]: '**/{node_modules,.git,dist,out}/**',
  [Setting.Budget]: null as number | null,
  [Setting.Confidence]: 'logged' as 'logged' | 'learned',
  [Setting.MaxFileSizeMB]: 512,
  [Setting.MaxLineLengthKB]: 16384,
  [Setting.RecomputeDelayMs]: 400,
  [Setting.BootstrapResamples]: 1000,
  [Setting.BudgetConfidence]: 0.9,
  [Setting.MaxLatencyP95Ms]: null as number | null,
  [Setting.CodeLensEnabled]: true,
  [Setting.InlayHintsEnabled]: true,
  [Setting.InlineSuggestionsEnabled]: true,
} as const satisfies Record<SettingKey, unknown>;

/** Key of the analysis of a workspace without a cascade config. */
export const DEFAULT_ANALYSIS_KEY = 'default';

/** Cascade config files, anywhere in the workspace. */
export const CONFIG_FILE_GLOB = '**/{cascade.config,*.cascade}.{yaml,yml,json}';

/** Documents the config providers attach to. */
export const CONFIG_DOCUMENT_SELECTOR = [
  { scheme: 'file', pattern: '**/cascade.config.{yaml,yml,json}' },
  { scheme: 'file', pattern: '**/*.cascade.{yaml,yml,json}' },
] as const;

/** Context keys the menus, views and the walkthrough rely on (set with `setContext`). */
export const ContextKey = {
  /** True once eval files were found (or an analysis exists). */
  HasEvalFiles: 'cascadeFrontier.hasEvalFiles',
  /** Workspace paths of the eval files found, and of the folders holding them (for explorer menus). */
  EvalFilePaths: 'cascadeFrontier.evalFilePaths',
  EvalFolderPaths: 'cascadeFrontier.evalFolderPaths',
  /** True while the workspace has a cascade config. */
  HasConfig: 'cascadeFrontier.hasConfig',
  /** True once an analysis has a budget (from a config or the setting). */
  HasBudget: 'cascadeFrontier.hasBudget',
  /** True once a policy was written into a config in this window. */
  PolicyApplied: 'cascadeFrontier.policyApplied',
  /** True once the frontier panel was shown. */
  FrontierShown: 'cascadeFrontier.frontierShown',
} as const;

/** View ids, as contributed in package.json. */
export const View = {
  EvalFiles: 'cascadeFrontier.evalFiles',
} as const;

/** Diagnostic source shown in the Problems panel. */
export const DIAGNOSTIC_SOURCE = 'Cascade Frontier';
