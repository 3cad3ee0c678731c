/**
 * What an analysis job asks the worker for, from the cascade config (if any), the settings and
 * the eval files found: the files to read (those within the size limit), the load and analysis
 * options, and the files skipped with the reason. Pure: the store finds and stats the files
 * with the editor API and hands them in, so this is tested in plain Node.
 */
import type { InputIssue } from '../../core/types.ts';
import { confidenceOptions, configPolicy, type CascadeConfig } from '../../core/config/config.ts';
import type { ExtensionConfig } from '../config.ts';
import type { JobRequest } from './analysisWorker.ts';

/** An eval file found and stat'ed: its path, size in bytes and modification time. */
export type FileStamp = JobRequest['files'][number];

/**
 * Whether a change to an eval file (`key`, now `stamp`) calls for a recompute; `seen` remembers
 * each file's stamp at the last change that did. Not when the size and mtime are those: one
 * write often arrives as two events (an editor's save and the watcher's, or a truncation and
 * then the data), and the second would cancel the analysis the first started for the same
 * bytes. Equal stamps are what the analysis process takes for an unchanged file anyway (it reads
 * again only files whose stamp changed), so no change a recompute would see is let go. O(1).
 */
export function changeCallsForRecompute(seen: Map<string, FileStamp>, key: string, stamp: FileStamp): boolean {
  const last = seen.get(key);
  if (last && last.size === stamp.size && last.mtimeMs === stamp.mtimeMs) return false;
  seen.set(key, stamp);
  return true;
}

/** The settings a plan reads. */
export type PlanSettings = Pick<ExtensionConfig, 'evalFiles' | 'budget' | 'maxFileSizeMB' | 'maxLineLengthKB' | 'bootstrapResamples'> &
  Partial<Pick<ExtensionConfig, 'budgetConfidence' | 'maxLatencyP95Ms' | 'confidence'>>;

/** Budgets at which the recommendation rule is evaluated for the panel's budget control (log-spaced). */
export const PANEL_BUDGET_GRID = 48;

export interface JobPlan {
  readonly request: JobRequest;
  /** Files left out, with the reason (above the size limit). */
  readonly skipped: InputIssue[];
  /** What to say when no file is left to read. */
  readonly noFilesReason: string;
}

/** The eval file globs: the config's `evals`, else the `evalFiles` setting. O(globs). */
export function evalGlobs(config: CascadeConfig | undefined, settings: Pick<PlanSettings, 'evalFiles'>): readonly string[] {
  return config?.evals?.globs.map((g) => g.value) ?? settings.evalFiles;
}

/**
 * The job for `found` (sorted by path by the caller): every file within the
 * `maxFileSizeMB` setting is read (the same stamp objects, in order, in `request.files`);
 * the budget, target, split, cascade and prices come from the config, falling back to the
 * settings; `where` names the folder searched and `folderErrors` why a folder named by a
 * glob could not be read (for the message when nothing is left); `pricesFile` is the config's
 * price list file, resolved and stat'ed by the caller. O(files).
 */
export function planJob(
  config: CascadeConfig | undefined,
  settings: PlanSettings,
  found: readonly FileStamp[],
  where: string,
  folderErrors: readonly string[] = [],
  pricesFile?: { readonly path: string; readonly mtimeMs: number },
): JobPlan {
  const maxBytes = settings.maxFileSizeMB * 1024 * 1024;
  const skipped: InputIssue[] = [];
  const files: FileStamp[] = [];
  for (const stamp of found) {
    if (maxBytes > 0 && stamp.size > maxBytes) {
      skipped.push({
        file: stamp.path,
        line: 0,
        severity: 'warning',
        message: `skipped: ${(stamp.size / 1048576).toFixed(0)} MB is above the cascadeFrontier.maxFileSizeMB setting (${settings.maxFileSizeMB} MB). Raise the setting to read it, or point the globs at smaller files.`,
      });
      continue;
    }
    files.push(stamp);
  }
  const policy = config ? configPolicy(config) : undefined;
  // The config's `confidence`, else the setting (a learned confidence without a config).
  const confidence = config?.confidence ? confidenceOptions(config) : { learned: settings.confidence === 'learned' };
  const budget = config?.budget?.value ?? settings.budget ?? undefined;
  const target = config?.target?.value;
  // The config's keys, else the settings.
  const budgetConfidence = config?.budgetConfidence?.value ?? settings.budgetConfidence;
  const maxLatencyP95Ms = config?.maxLatencyP95Ms?.value ?? settings.maxLatencyP95Ms ?? undefined;
  const request: JobRequest = {
    files,
    load: {
      ...(config?.prices ? { prices: [...config.prices.table.entries()] } : {}),
      ...(pricesFile ? { pricesFile } : {}),
      ...(config?.priceProvider ? { priceProvider: config.priceProvider.value } : {}),
      ...(config?.estimateTokens?.value ? { estimateTokens: true } : {}),
      ...(config?.split?.value.kind === 'field' && config.split.value.field !== undefined ? { splitField: config.split.value.field } : {}),
      ...(confidence.confidenceSignal ? { confidenceSignal: confidence.confidenceSignal } : {}),
      ...(confidence.learned ? { keepResponses: true } : {}),
      maxLineBytes: settings.maxLineLengthKB * 1024,
    },
    analyze: {
      ...(budget !== undefined ? { budget } : {}),
      ...(target !== undefined ? { target } : {}),
      ...(config?.split ? { split: config.split.value } : {}),
      ...(policy ? { cascade: policy } : {}),
      ...(budgetConfidence !== undefined ? { budgetConfidence } : {}),
      ...(maxLatencyP95Ms !== undefined ? { maxLatencyP95Ms } : {}),
      bootstrapResamples: settings.bootstrapResamples,
      // The rule's picks along the panel's budget control.
      budgetGrid: PANEL_BUDGET_GRID,
      ...(confidence.learned ? { confidence: 'learned' as const } : {}),
    },
    // The held-out comparison for the panel (about as long as loading again; it follows the analysis).
    compare: true,
  };
  return {
    request,
    skipped,
    noFilesReason:
      folderErrors.length > 0
        ? folderErrors.join(' ')
        : `no eval files match ${evalGlobs(config, settings).join(', ')} ${where}. Run "Select Eval Files" or ${config ? 'edit `evals` in the config' : 'change the cascadeFrontier.evalFiles setting'}.`,
  };
}
