import * as vscode from 'vscode';
import type { AnalysisResult, InputIssue, LocalShadowPrice, PolicySpec, SplitInfo } from '../../core/types.ts';
import type { JobComparison, JobGrid } from '../workerProtocol.ts';
import { withBudgetPicks } from '../../core/analyze.ts';
import { parseCascadeConfig, type CascadeConfig } from '../../core/config/config.ts';
import { budgetEdits, confidenceEdits, evalsEdits, policyEdits } from '../../core/config/edit.ts';
import { configFormatOf, isCascadeConfigFileName } from '../../core/config/tree.ts';
import type { AnalysisSnapshot, AnalysisSource, AppliedEdit } from '../analysisSource.ts';
import { affects, readConfig, type ExtensionConfig } from '../config.ts';
import { CONFIG_FILE_GLOB, ContextKey, DEFAULT_ANALYSIS_KEY, SECTION, Setting } from '../constants.ts';
import type { AnalysisWorker, JobRequest } from './analysisWorker.ts';
import { applyEdits, readDocumentText, undoAppliedEdit, writeConfigOrSetting } from './configWriter.ts';
import type { JobDone } from '../workerProtocol.ts';
import { EvalDiagnostics } from './evalDiagnostics.ts';
import { delayedProgress } from './delayedProgress.ts';
import { discoverFolder, withoutSuperseded } from '../../core/load/discover.ts';
import { evalGlobs, planJob, type FileStamp } from './plan.ts';
import type { EvalFileScanner } from '../evalFiles/scanner.ts';
import type { OwnOutputs } from '../evalFiles/ownOutputs.ts';
import type { Entry } from './entry.ts';
import { evalFileChanged, unwatchEvalFolders, watchEvalFolders, watchEvalGlobs } from './evalFileWatch.ts';
import { ConfigExistsError, exists, fileStamp, isFolder, newConfigFor, relativePattern, stampsOfExisting, userEvalGlobs } from './workspaceFiles.ts';

/** A recompute running longer than this shows a progress notification with a Cancel button. */
const NOTIFY_AFTER_MS = 1000;

/**
 * Quiet time after a save or a change on disk before the recompute (the setting's, when it is
 * shorter). A save is one event, not a burst like typing: this only lets the few events of one
 * write (a truncation, then the data; a tool writing several files at once) arrive together.
 */
const SAVE_SETTLE_MS = 50;

/**
 * Finds cascade configs and eval files, recomputes each analysis off the main thread when its
 * files or config change (debounced; a newer change cancels an older recompute), publishes
 * loading problems as diagnostics, and writes budgets and policies back into the config.
 */
export class AnalysisStore implements AnalysisSource, vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly diagnostics: EvalDiagnostics;
  private settings: ExtensionConfig = readConfig();
  private discovering?: Promise<void>;
  private disposed = false;
  /** Counts the events after which a search for eval files may find others (files created or deleted, settings, folders). */
  private searchGeneration = 0;
  /** True when the last discovery found a cascade config. */
  private hasConfig = false;

  constructor(
    private readonly worker: AnalysisWorker,
    private readonly log: vscode.LogOutputChannel,
    private readonly scanner: EvalFileScanner,
    private readonly outputs: OwnOutputs,
  ) {
    this.diagnostics = new EvalDiagnostics();
    this.disposables.push(this.diagnostics);
  }

  /** Starts watching and runs the first discovery. */
  start(): Promise<void> {
    const configWatcher = vscode.workspace.createFileSystemWatcher(CONFIG_FILE_GLOB);
    this.disposables.push(
      configWatcher,
      configWatcher.onDidCreate(() => this.searchAgain(() => void this.discover())),
      configWatcher.onDidDelete(() => this.searchAgain(() => void this.discover())),
      configWatcher.onDidChange((uri) => this.schedule(uri.toString(), this.settleDelay())),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.searchAgain(() => void this.discover())),
      vscode.workspace.onDidSaveTextDocument((doc) => this.onSaved(doc.uri)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.entries.has(e.document.uri.toString())) this.schedule(e.document.uri.toString());
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        // An unsaved edit was thrown away: the file on disk is the config again.
        if (this.entries.has(doc.uri.toString())) this.schedule(doc.uri.toString());
      }),
      // Without a config or eval globs of the user's, the default analysis reads the eval files found.
      this.scanner.onDidChange(() => {
        this.searchGeneration++;
        if (this.readsFoundFiles()) void this.discover().then(() => this.schedule(DEFAULT_ANALYSIS_KEY));
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(SECTION)) return;
        this.searchGeneration++;
        this.settings = readConfig();
        if (affects(e, Setting.EvalFiles, Setting.Exclude)) void this.discover();
        if (
          affects(
            e,
            Setting.EvalFiles,
            Setting.Exclude,
            Setting.Budget,
            Setting.Confidence,
            Setting.MaxFileSizeMB,
            Setting.MaxLineLengthKB,
            Setting.BootstrapResamples,
            Setting.BudgetConfidence,
            Setting.MaxLatencyP95Ms,
          )
        ) {
          for (const key of this.entries.keys()) this.schedule(key, 0);
        }
      }),
    );
    return this.discover();
  }

  list(): readonly AnalysisSnapshot[] {
    return [...this.entries.values()].sort((a, b) => b.lastUsed - a.lastUsed).map((e) => e.snapshot);
  }

  get(key: string): AnalysisSnapshot | undefined {
    return this.entries.get(key)?.snapshot;
  }

  /** Marks an analysis as the one in use (the status bar and pickers put it first). */
  touch(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.lastUsed = Date.now();
    this.changed.fire(key);
  }

  /** Local shadow price of the configured pair at its own threshold (calibration queries), from the last result. */
  cascadeLocalShadowPrice(key: string): LocalShadowPrice | undefined {
    return this.entries.get(key)?.cascadeLocal;
  }

  /** The config file of an analysis, if it has one. */
  configUri(key: string): vscode.Uri | undefined {
    return this.entries.get(key)?.configUri;
  }

  /** Resolves when the current discovery has finished (analyses exist, possibly still computing). */
  ready(): Promise<void> {
    return this.discovering ?? Promise.resolve();
  }

  /** Recomputes now, bypassing the debounce and the "nothing changed" shortcut. */
  refresh(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.lastRequest = undefined;
    entry.searched = undefined;
    this.schedule(key, 0);
  }

  /**
   * Takes back a policy written by {@link applyPolicy}: the config's text before it, when the
   * config still reads as the edit left it (then through a `WorkspaceEdit`, so it can be redone).
   * @throws Error when the config changed since, or the edit created the config.
   */
  undoApply(edit: AppliedEdit): Promise<void> {
    return undoAppliedEdit(edit);
  }

  /**
   * Writes a policy into the config's `cascade` (a new config for the analysis without one).
   * Resolves with the config and its text before and after, for an undo.
   */
  async applyPolicy(key: string, policy: PolicySpec): Promise<AppliedEdit> {
    const entry = this.entries.get(key);
    if (!entry?.configUri) {
      const uri = await this.createConfig({ policy });
      return { uri, created: true };
    }
    const uri = entry.configUri;
    const before = await readDocumentText(uri);
    await applyEdits(uri, (text) => policyEdits(text, configFormatOf(uri.path), policy));
    const after = await readDocumentText(uri);
    void vscode.commands.executeCommand('setContext', ContextKey.PolicyApplied, true);
    return { uri, created: false, before, after };
  }

  async setBudget(key: string, budget: number): Promise<void> {
    if (!(budget > 0) || !Number.isFinite(budget)) throw new Error(`a budget is dollars per query, a number greater than 0; got ${budget}.`);
    await writeConfigOrSetting(this.entries.get(key)?.configUri, Setting.Budget, budget, budgetEdits);
  }

  useLearnedConfidence(key: string): Promise<void> {
    return writeConfigOrSetting(this.entries.get(key)?.configUri, Setting.Confidence, 'learned', confidenceEdits);
  }

  /** Writes eval globs into a config's `evals`, or into the workspace setting for the default analysis. */
  setEvalGlobs(key: string, globs: readonly string[]): Promise<void> {
    return writeConfigOrSetting(this.entries.get(key)?.configUri, Setting.EvalFiles, globs, evalsEdits);
  }

  /**
   * Creates `cascade.config.yaml` beside the eval files (in their workspace folder) and opens
   * it: `evals` names exactly `files` (default: those of the analysis without a config), `split`
   * states the split found, then the budget and the cascade when given.
   * @throws ConfigExistsError when the folder already has one; Error without a workspace folder.
   */
  async createConfig(
    content: { readonly policy?: PolicySpec; readonly budget?: number; readonly policyNote?: string },
    source?: { readonly files: readonly vscode.Uri[]; readonly split?: SplitInfo },
  ): Promise<vscode.Uri> {
    const fallback = this.entries.get(DEFAULT_ANALYSIS_KEY)?.snapshot;
    const files = source?.files ?? (fallback?.files ?? []).map((f) => vscode.Uri.file(f.file));
    const split = source ? source.split : fallback?.result?.split;
    const folder = (files[0] && vscode.workspace.getWorkspaceFolder(files[0])) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('open a folder first: the cascade config is written into the workspace.');
    const uri = vscode.Uri.joinPath(folder.uri, 'cascade.config.yaml');
    if (await exists(uri)) throw new ConfigExistsError(uri);
    const budget = content.budget ?? (this.settings.budget !== null ? this.settings.budget : undefined);
    const text = await newConfigFor(
      folder.uri,
      files,
      {
        ...(split ? { split } : {}),
        ...(budget !== undefined ? { budget } : {}),
        ...(content.policy ? { policy: content.policy } : {}),
        ...(content.policyNote ? { policyNote: content.policyNote } : {}),
      },
      this.settings.evalFiles,
    );
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    this.log.info(`created ${vscode.workspace.asRelativePath(uri)}`);
    await this.discover();
    await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.One });
    return uri;
  }

  /**
   * Analyses eval files once, outside any analysis of the workspace (for a new config): with the
   * recommendation at a few budgets when `budgetOptions` is set. Undefined when cancelled.
   */
  async analyseOnce(files: readonly vscode.Uri[], token: vscode.CancellationToken, options: { readonly budgetOptions?: boolean; readonly budget?: number } = {}): Promise<JobDone | undefined> {
    const stamps: FileStamp[] = [];
    for (const uri of files) stamps.push(await fileStamp(uri));
    const request: JobRequest = {
      files: stamps,
      load: { maxLineBytes: this.settings.maxLineLengthKB * 1024 },
      analyze: { bootstrapResamples: this.settings.bootstrapResamples, ...(options.budget !== undefined ? { budget: options.budget } : {}) },
      ...(options.budgetOptions ? { budgetOptions: true } : {}),
    };
    return this.worker.run(request, token);
  }

  dispose(): void {
    this.disposed = true;
    for (const entry of this.entries.values()) this.disposeEntry(entry);
    this.entries.clear();
    for (const d of this.disposables) d.dispose();
  }

  /** True when the default analysis (no config) reads the files the scanner found rather than globs of the user's. */
  private readsFoundFiles(): boolean {
    return !this.hasConfig && userEvalGlobs() === undefined;
  }

  /**
   * Finds config files; one analysis per config. Without a config, the default analysis reads
   * the `evalFiles` globs when the user set them, else the eval files found in the workspace;
   * with neither there is no analysis (and nothing is shown).
   */
  private discover(): Promise<void> {
    const run = async () => {
      const found = vscode.workspace.workspaceFolders ? await vscode.workspace.findFiles(CONFIG_FILE_GLOB, this.settings.exclude) : [];
      if (this.disposed) return;
      const configs = found.filter((u) => u.scheme === 'file' && isCascadeConfigFileName(u.path) && !this.outputs.isOwn(u));
      const keys = new Set(configs.map((u) => u.toString()));
      this.hasConfig = keys.size > 0;
      if (keys.size === 0) {
        if (userEvalGlobs() !== undefined) keys.add(DEFAULT_ANALYSIS_KEY);
        else {
          await this.scanner.start();
          if (this.disposed) return;
          if (this.scanner.evalFiles().length > 0) keys.add(DEFAULT_ANALYSIS_KEY);
        }
      }
      for (const [key, entry] of this.entries) {
        if (!keys.has(key)) {
          this.disposeEntry(entry);
          this.entries.delete(key);
          this.diagnostics.forget(key);
          this.changed.fire(key);
        }
      }
      for (const key of keys) {
        if (this.entries.has(key)) continue;
        const configUri = key === DEFAULT_ANALYSIS_KEY ? undefined : vscode.Uri.parse(key);
        const label = configUri ? vscode.workspace.asRelativePath(configUri) : 'Workspace eval files';
        this.entries.set(key, {
          key,
          ...(configUri ? { configUri } : {}),
          snapshot: { key, label, files: [], issues: [], status: 'computing' },
          lastUsed: 0,
          evalFiles: new Set(),
          changeStamps: new Map(),
          watchers: [],
          watchedGlobs: '',
          folderWatchers: new Map(),
        });
        this.schedule(key, 0);
      }
    };
    const previous = this.discovering ?? Promise.resolve();
    const next = previous.then(run, run);
    this.discovering = next;
    return next;
  }

  private onSaved(uri: vscode.Uri): void {
    const key = uri.toString();
    if (this.entries.has(key)) this.schedule(key, this.settleDelay());
    for (const entry of this.entries.values()) if (entry.evalFiles.has(key)) evalFileChanged(entry, uri, this.evalFileRecompute(entry));
  }

  /** A file appeared or went (or what a search covers changed): the next plan of every analysis searches again. */
  private searchAgain(then: () => void): void {
    this.searchGeneration++;
    then();
  }

  /**
   * What a change to an eval file of `entry` does: the worker starts reading the file at once
   * (when the last job read it: with that job's settings), while the recompute waits for the
   * write to settle and plans; the job then takes that read when the file's stamp is the same.
   */
  private evalFileRecompute(entry: Entry): (stamp?: FileStamp) => void {
    return (stamp) => {
      const job = entry.lastJob;
      if (stamp && job?.files.some((f) => f.path === stamp.path)) this.worker.readAhead(stamp, job);
      this.schedule(entry.key, this.settleDelay());
    };
  }

  /** The delay after a save or a change on disk: {@link SAVE_SETTLE_MS}, or the setting when shorter. */
  private settleDelay(): number {
    return Math.min(this.settings.recomputeDelayMs, SAVE_SETTLE_MS);
  }

  /**
   * Cancels the running recompute of `key` (its result would be stale) and starts a new one after
   * a quiet period: the setting's after an edit as you type, {@link settleDelay} after a save.
   */
  private schedule(key: string, delay = this.settings.recomputeDelayMs): void {
    const entry = this.entries.get(key);
    if (!entry || this.disposed) return;
    entry.job?.cancel();
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void this.recompute(entry);
    }, delay);
  }

  private async recompute(entry: Entry): Promise<void> {
    entry.job?.cancel();
    const job = new vscode.CancellationTokenSource();
    entry.job = job;
    const token = job.token;
    /** Hands the comparison messages held until the result is published to `onComparison` (once the job has sent them). */
    let releaseComparisons: (() => void) | undefined;
    try {
      const plan = await this.plan(entry);
      if (token.isCancellationRequested || this.entries.get(entry.key) !== entry) return;
      this.watch(entry, plan.watch);
      // The config's price list file is watched like an eval file.
      const evalFiles = new Set([...plan.files, ...(plan.pricesUri ? [{ uri: plan.pricesUri }] : [])].map((f) => f.uri.toString()));
      // Files that left the analysis (deleted, or no longer matched): their data must not stay in memory.
      const shrank = [...entry.evalFiles].some((uri) => !evalFiles.has(uri));
      entry.evalFiles = evalFiles;
      watchEvalFolders(entry, this.evalFileRecompute(entry));
      const base = { budget: plan.request.analyze.budget, target: plan.request.analyze.target, cascade: plan.request.analyze.cascade };
      if (plan.request.files.length === 0) {
        this.log.warn(`${entry.snapshot.label}: ${plan.noFilesReason}`);
        this.update(entry, { ...base, status: 'error', error: plan.noFilesReason, files: [], issues: plan.skipped });
        this.diagnostics.set(entry.key, plan.skipped, entry.configUri);
        return;
      }
      const signature = JSON.stringify(plan.request);
      if (signature === entry.lastRequest && entry.snapshot.status !== 'computing') return;
      this.update(entry, { ...base, status: 'computing', error: undefined, comparisonStatus: 'computing', comparisonReason: undefined, backtestStatus: 'computing', backtestReason: undefined });
      const started = Date.now();
      entry.comparing?.cancel();
      entry.comparing?.dispose();
      const comparing = new vscode.CancellationTokenSource();
      entry.comparing = comparing;
      // A job's comparison and backtest follow its result; what of them arrives before the result is published waits for it (the
      // worker posts a refusal at once after a large result), so that the panel takes both in one snapshot rather than a snapshot
      // of the last result first, drawn again just before the new one.
      const held: JobComparison[] = [];
      let published = false;
      releaseComparisons = () => {
        if (published) return;
        published = true;
        for (const c of held.splice(0)) this.onComparison(entry, comparing, c);
      };
      const onComparison = (c: JobComparison) => (published ? this.onComparison(entry, comparing, c) : void held.push(c));
      entry.lastJob = plan.request;
      const done = await this.runWithProgress(entry, plan.request, job, { token: comparing.token, onComparison }, shrank);
      // The result arrived in the task that read it from the worker (megabytes at 100k x 8): publish it in a task of its own (after the
      // event loop's timers and I/O), so that neither holds the main thread long.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      if (this.entries.get(entry.key) !== entry) return;
      if (!done || token.isCancellationRequested) {
        // Cancelled by the user rather than by a newer change: show the last good result again.
        if (!entry.timer && entry.job === job) this.update(entry, { status: entry.snapshot.result ? 'idle' : 'error', ...(entry.snapshot.result ? {} : { error: 'the analysis was cancelled.' }) });
        return;
      }
      entry.lastRequest = signature;
      if (done.result) entry.cascadeLocal = done.cascadeLocal;
      const read = done.reusedLoad ? 'no file read again' : `${done.filesRead ?? plan.request.files.length} of ${plan.request.files.length} files read`;
      const notes =
        (done.filesReadAhead ? ` (${done.filesReadAhead} of the files read from the change on, before the job)` : '') +
        (done.filesPatched ? ` (${done.filesPatched} ${done.filesPatched === 1 ? 'read' : 'reads'} parsed only where the file changed)` : '');
      if (done.error) this.log.warn(`${entry.snapshot.label}: ${done.error}`);
      else this.log.info(`${entry.snapshot.label}: ${read}, loading ${Math.round(done.loadMs)} ms, analysis ${Math.round(done.analyzeMs)} ms, ${done.issues.length} problems${notes}`);
      const issues = [...plan.skipped, ...done.issues];
      // A cascade naming an unknown model is analysed without it; the config's diagnostics say why.
      this.update(entry, {
        ...base,
        status: done.error ? 'error' : 'idle',
        error: done.error,
        cascadeSkipped: done.cascadeSkipped,
        files: done.files,
        prices: done.prices,
        issues,
        ...(done.result ? { result: done.result, computedAt: Date.now(), durationMs: Date.now() - started, budgetPicksPending: done.grid ? true : undefined } : {}),
      });
      this.diagnostics.set(entry.key, issues, entry.configUri);
      entry.grid = done.result && done.grid ? { result: done.result, ask: done.grid } : undefined;
      releaseComparisons();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`${entry.snapshot.label}: ${message}`);
      if (this.entries.get(entry.key) === entry) this.update(entry, { status: 'error', error: message });
    } finally {
      releaseComparisons?.();
      if (entry.job === job) entry.job = undefined;
      job.dispose();
    }
  }

  /**
   * The files the eval globs match. A save changes no file list: the last search's answer is kept
   * until a file is created or deleted, or the globs, settings or folders change (a search spawns
   * a process of the editor's and walks the workspace: tens to hundreds of milliseconds).
   */
  private async search(entry: Entry, patterns: readonly vscode.GlobPattern[], exclude: string | undefined): Promise<readonly vscode.Uri[]> {
    const signature = JSON.stringify([patterns.map((p) => (typeof p === 'string' ? p : [p.baseUri.toString(), p.pattern])), exclude ?? null]);
    const generation = this.searchGeneration;
    const cached = entry.searched;
    if (cached && cached.generation === generation && cached.signature === signature) return cached.uris;
    const uris: vscode.Uri[] = [];
    for (const pattern of patterns) uris.push(...(await vscode.workspace.findFiles(pattern, exclude)));
    entry.searched = { generation, signature, uris };
    return uris;
  }

  /** Reads the config (the open document when there is one), finds and stats the eval files. */
  private async plan(entry: Entry): Promise<{
    request: JobRequest;
    files: { uri: vscode.Uri }[];
    skipped: InputIssue[];
    watch: vscode.GlobPattern[];
    noFilesReason: string;
    /** The config's price list file, watched like an eval file. */
    pricesUri?: vscode.Uri;
  }> {
    const settings = this.settings;
    let config: CascadeConfig | undefined;
    let base: vscode.Uri | undefined;
    if (entry.configUri) {
      const text = await readDocumentText(entry.configUri);
      config = parseCascadeConfig(text, configFormatOf(entry.configUri.path));
      base = vscode.Uri.joinPath(entry.configUri, '..');
    }
    const foundFiles = !entry.configUri && this.readsFoundFiles();
    const globs = foundFiles ? [] : evalGlobs(config, settings);
    const patterns: vscode.GlobPattern[] = base ? globs.map((g) => relativePattern(base!, g)) : [...globs];
    const found = new Map<string, vscode.Uri>();
    // Files the extension wrote (exports) and cascade configs are never read as eval data.
    const usable = (uri: vscode.Uri) => uri.scheme === 'file' && !isCascadeConfigFileName(uri.path) && !this.outputs.isOwn(uri);
    if (foundFiles) {
      for (const f of this.scanner.evalFiles()) if (usable(f.uri)) found.set(f.uri.toString(), f.uri);
    }
    for (const uri of await this.search(entry, patterns, settings.exclude)) if (usable(uri)) found.set(uri.toString(), uri);
    // A glob naming a folder means the harness outputs in and below it, as on the command line.
    const root = base ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const folderErrors: string[] = [];
    for (const glob of root ? globs : []) {
      if (/[*?[\]{}]/.test(glob)) continue;
      const folder = vscode.Uri.joinPath(root!, glob);
      if (folder.scheme !== 'file' || !(await isFolder(folder))) continue;
      patterns.push(relativePattern(folder, '**/*'));
      try {
        for (const f of (await discoverFolder(folder.fsPath)).files) found.set(vscode.Uri.file(f.path).toString(), vscode.Uri.file(f.path));
      } catch (e) {
        folderErrors.push(e instanceof Error ? e.message : String(e));
      }
    }
    // A task run again, or a HELM run in several suites, is read once: from the latest.
    const latest = await withoutSuperseded([...found.values()].map((u) => u.fsPath));
    for (const s of latest.skipped) this.log.info(`not read: ${s.path}: ${s.reason}`);
    const kept = new Set(latest.kept);
    const uris = [...found.values()].filter((u) => kept.has(u.fsPath)).sort((a, b) => (a.fsPath < b.fsPath ? -1 : a.fsPath > b.fsPath ? 1 : 0));
    const statted = await stampsOfExisting(uris);
    // A price list file named by the config, relative to it; its mtime makes the worker read it again after a change.
    let pricesFile: { path: string; mtimeMs: number } | undefined;
    let pricesUri: vscode.Uri | undefined;
    if (config?.pricesFile && base) {
      const uri = vscode.Uri.joinPath(base, config.pricesFile.value);
      const stat = await vscode.workspace.fs.stat(uri).then(
        (s) => s,
        () => undefined,
      );
      pricesFile = { path: uri.fsPath, mtimeMs: stat?.mtime ?? 0 };
      pricesUri = uri;
      patterns.push(relativePattern(base, config.pricesFile.value));
    }
    const where = base ? `under ${vscode.workspace.asRelativePath(base)}` : 'in the workspace';
    const { request, skipped, noFilesReason } = planJob(
      config,
      settings,
      statted.map((s) => s.stamp),
      where,
      folderErrors,
      pricesFile,
    );
    const read = new Set(request.files);
    return {
      request,
      files: statted.filter((s) => read.has(s.stamp)).map((s) => ({ uri: s.uri })),
      skipped,
      watch: patterns,
      ...(pricesUri ? { pricesUri } : {}),
      noFilesReason: foundFiles ? 'no file in the workspace looks like eval results any more. Run "Select Eval Files" to name them.' : noFilesReason,
    };
  }

  wantBudgetPicks(key: string): void {
    const entry = this.entries.get(key);
    const grid = entry?.grid;
    if (!entry || !grid) return;
    entry.grid = undefined;
    if (entry.snapshot.result === grid.result) void grid.ask().then((answer) => this.onGrid(entry, grid.result, answer));
  }

  /** Puts the budget grid's picks into the result they were computed for, while it is the entry's (else they are dropped). */
  private onGrid(entry: Entry, result: AnalysisResult, grid: JobGrid | undefined): void {
    if (this.entries.get(entry.key) !== entry || entry.snapshot.result !== result) return;
    if (grid?.error) this.log.warn(`${entry.snapshot.label}: budget grid: ${grid.error}`);
    else if (grid?.budgetPicks) this.log.info(`${entry.snapshot.label}: budget grid ${Math.round(grid.gridMs)} ms`);
    this.update(entry, { ...(grid?.budgetPicks ? { result: withBudgetPicks(result, grid.budgetPicks) } : {}), budgetPicksPending: undefined });
  }

  /** Publishes the comparison of the entry's latest job; a superseded one is dropped. */
  private onComparison(entry: Entry, source: vscode.CancellationTokenSource, c: JobComparison): void {
    if (this.entries.get(entry.key) !== entry || entry.comparing !== source) return;
    if (!c.partial) {
      entry.comparing = undefined;
      source.dispose();
      if (c.backtest) this.update(entry, { backtest: c.backtest, backtestStatus: 'ready', backtestReason: undefined });
      else if (c.cancelled) this.update(entry, entry.snapshot.backtest ? { backtestStatus: 'ready' } : { backtestStatus: 'unavailable', backtestReason: 'the backtest was cancelled.' });
      else this.update(entry, { backtest: undefined, backtestStatus: 'unavailable', backtestReason: c.backtestError ?? 'the backtest failed.' });
      // The final message repeats the comparison of the partial one.
      if (entry.snapshot.comparisonStatus === 'ready' && !c.cancelled) return;
    }
    if (c.comparison) {
      entry.comparisonWarning = undefined;
      this.log.info(`${entry.snapshot.label}: comparison ${Math.round(c.compareMs)} ms`);
      this.update(entry, { comparison: c.comparison, comparisonStatus: 'ready', comparisonReason: undefined });
    } else if (c.cancelled) {
      this.update(entry, entry.snapshot.comparison ? { comparisonStatus: 'ready' } : { comparisonStatus: 'unavailable', comparisonReason: 'the comparison was cancelled.' });
    } else {
      const warning = `${entry.snapshot.label}: comparison: ${c.error ?? 'failed'}`;
      if (warning !== entry.comparisonWarning) this.log.warn(warning);
      entry.comparisonWarning = warning;
      this.update(entry, { comparison: undefined, comparisonStatus: 'unavailable', comparisonReason: c.error ?? 'the comparison failed.' });
    }
  }

  private async runWithProgress(
    entry: Entry,
    request: JobRequest,
    job: vscode.CancellationTokenSource,
    comparison: { readonly token: vscode.CancellationToken; readonly onComparison: (c: JobComparison) => void },
    fresh: boolean,
  ) {
    const progress = delayedProgress(`Cascade Frontier: ${entry.snapshot.label}`, NOTIFY_AFTER_MS, 'reading eval files…', () => job.cancel());
    try {
      return await this.worker.run(
        request,
        job.token,
        (p) => {
          if (p.phase === 'analyze') progress.report('analysing…', 100);
          else if (p.bytesTotal) progress.report(`reading eval files: ${(p.bytesRead! / 1048576).toFixed(0)} of ${(p.bytesTotal / 1048576).toFixed(0)} MB`, (100 * p.bytesRead!) / p.bytesTotal);
        },
        comparison,
        fresh,
      );
    } finally {
      progress.done();
    }
  }

  /** Watches the eval globs of an analysis; a change to a known file, or a file appearing or going, recomputes it. */
  private watch(entry: Entry, patterns: vscode.GlobPattern[]): void {
    watchEvalGlobs(entry, patterns, {
      changed: this.evalFileRecompute(entry),
      createdOrDeleted: () => this.searchAgain(() => this.schedule(entry.key, this.settleDelay())),
      isOwn: (uri) => this.outputs.isOwn(uri),
    });
  }

  private update(entry: Entry, change: Partial<Omit<AnalysisSnapshot, 'key' | 'label'>>): void {
    const next: Record<string, unknown> = { ...entry.snapshot, ...change };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    entry.snapshot = next as unknown as AnalysisSnapshot;
    this.changed.fire(entry.key);
  }

  private disposeEntry(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.job?.cancel();
    entry.comparing?.cancel();
    for (const d of entry.watchers) d.dispose();
    unwatchEvalFolders(entry);
  }
}
