import * as vscode from 'vscode';
import type { EvalFileSniff } from '../../core/load/sniff.ts';
import { SNIFF_GLOB } from '../../core/load/sniffGlob.ts';
import { isCascadeConfigFileName } from '../../core/config/tree.ts';
import { readConfig } from '../config.ts';
import type { AnalysisWorker } from '../store/analysisWorker.ts';
import type { OwnOutputs } from './ownOutputs.ts';

/** A workspace file that looks like eval results by its first bytes. */
export interface EvalFileInfo {
  readonly uri: vscode.Uri;
  readonly sniff: EvalFileSniff;
}

/** Files looked at in one workspace at most; the rest are named in the log. */
const MAX_FILES = 2000;
/** Quiet time after files appear, change or go before looking again. */
const RESCAN_DELAY_MS = 1000;

/**
 * Finds the files of the workspace that look like eval results: the file names and extensions
 * the loader reads, then a cheap sniff of their first bytes in the analysis worker (a harness
 * signature, a JSON record with `id` and `correct`/`score`, a CSV header with those columns).
 * Files the extension wrote and cascade configs are never candidates. Keeps the answer up to
 * date as files appear, change or go; a changed file is sniffed again, the others are not.
 */
export class EvalFileScanner implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly sniffed = new Map<string, EvalFileInfo>();
  private readonly stale = new Set<string>();
  private scanning: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private disposed = false;
  /** Candidates beyond the cap in the last scan. */
  private skipped = 0;

  constructor(
    private readonly worker: AnalysisWorker,
    private readonly outputs: OwnOutputs,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Starts watching and runs the first scan (once). */
  start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      const watcher = vscode.workspace.createFileSystemWatcher(SNIFF_GLOB);
      const later = (uri?: vscode.Uri) => {
        if (uri) this.stale.add(uri.toString());
        this.schedule();
      };
      this.disposables.push(
        watcher,
        watcher.onDidCreate(later),
        watcher.onDidChange(later),
        watcher.onDidDelete(later),
        vscode.workspace.onDidChangeWorkspaceFolders(() => later()),
      );
      this.scanning = this.scan();
    }
    return this.ready();
  }

  /** Resolves when the scan in progress (if any) has finished. */
  async ready(): Promise<void> {
    while (this.scanning) {
      const current = this.scanning;
      await current;
      if (this.scanning === current) break;
    }
  }

  /** Looks at every candidate file again (each is sniffed anew). */
  async rescan(): Promise<void> {
    for (const key of this.sniffed.keys()) this.stale.add(key);
    const previous = this.scanning ?? Promise.resolve();
    this.scanning = previous.then(() => this.scan());
    await this.ready();
  }

  /** The eval files found, by path. */
  evalFiles(): readonly EvalFileInfo[] {
    return [...this.sniffed.values()].filter((f) => f.sniff.evalResults).sort((a, b) => (a.uri.path < b.uri.path ? -1 : a.uri.path > b.uri.path ? 1 : 0));
  }

  /** What the sniff says of one file, if it was looked at. */
  info(uri: vscode.Uri): EvalFileInfo | undefined {
    return this.sniffed.get(uri.toString());
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private schedule(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const previous = this.scanning ?? Promise.resolve();
      this.scanning = previous.then(() => this.scan());
    }, RESCAN_DELAY_MS);
  }

  private async scan(): Promise<void> {
    if (this.disposed || !vscode.workspace.workspaceFolders) return;
    const exclude = readConfig().exclude;
    const found = (await vscode.workspace.findFiles(SNIFF_GLOB, exclude, MAX_FILES + 1)).filter((u) => u.scheme === 'file' && !isCascadeConfigFileName(u.path) && !this.outputs.isOwn(u));
    this.skipped = Math.max(0, found.length - MAX_FILES);
    const candidates = found.slice(0, MAX_FILES);
    const keys = new Set(candidates.map((u) => u.toString()));
    let changed = false;
    for (const key of [...this.sniffed.keys()]) {
      if (!keys.has(key)) {
        this.sniffed.delete(key);
        changed = true;
      }
    }
    const todo = candidates.filter((u) => !this.sniffed.has(u.toString()) || this.stale.has(u.toString()));
    for (const u of todo) this.stale.delete(u.toString());
    if (todo.length > 0) {
      const sniffs = await this.worker.sniff(todo.map((u) => u.fsPath));
      if (this.disposed) return;
      todo.forEach((uri, i) => {
        const sniff = sniffs[i];
        const before = this.sniffed.get(uri.toString())?.sniff;
        if (sniff) this.sniffed.set(uri.toString(), { uri, sniff });
        else this.sniffed.delete(uri.toString());
        if (JSON.stringify(before) !== JSON.stringify(sniff)) changed = true;
      });
    }
    if (this.skipped > 0) this.log.warn(`looked at the first ${MAX_FILES} candidate eval files only; ${this.skipped} more were not looked at. Name the eval files in a cascade config's \`evals\`.`);
    if (changed) {
      this.log.info(`eval files found: ${this.evalFiles().length} of ${candidates.length} candidate files look like eval results`);
      this.changed.fire();
    }
  }
}
