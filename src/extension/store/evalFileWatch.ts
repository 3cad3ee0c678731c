/**
 * Watching an analysis's files: a watcher per eval glob, the folders of its eval files watched
 * directly, and which changes call for a recompute (`changeCallsForRecompute`: not a second
 * event of the same write).
 */
import { watch } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Entry } from './entry.ts';
import { changeCallsForRecompute, type FileStamp } from './plan.ts';
import { fileStamp } from './workspaceFiles.ts';

/** What a watched change leads to, given by the analysis store. */
export interface WatchHooks {
  /** A known eval file changed (now `stamp`, unless it could not be stat'ed): recompute. */
  readonly changed: (stamp?: FileStamp) => void;
  /** A file appeared or went under a glob: search the globs again, then recompute. */
  readonly createdOrDeleted: () => void;
  /** Files the extension wrote itself (exports), which never count. */
  readonly isOwn: (uri: vscode.Uri) => boolean;
}

/** Watches `patterns` for `entry` (nothing changes when they are the ones already watched). */
export function watchEvalGlobs(entry: Entry, patterns: readonly vscode.GlobPattern[], hooks: WatchHooks): void {
  const signature = JSON.stringify(patterns.map((p) => (typeof p === 'string' ? p : [p.baseUri.toString(), p.pattern])));
  if (signature === entry.watchedGlobs) return;
  for (const d of entry.watchers) d.dispose();
  entry.watchers = [];
  entry.watchedGlobs = signature;
  for (const pattern of patterns) {
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const onChange = (uri: vscode.Uri) => {
      if (entry.evalFiles.has(uri.toString())) evalFileChanged(entry, uri, hooks.changed);
    };
    const onCreateOrDelete = (uri: vscode.Uri) => {
      if (!/[\\/](node_modules|\.git)[\\/]/.test(uri.path) && !hooks.isOwn(uri)) hooks.createdOrDeleted();
    };
    entry.watchers.push(watcher, watcher.onDidChange(onChange), watcher.onDidCreate(onCreateOrDelete), watcher.onDidDelete(onCreateOrDelete));
  }
}

/**
 * Watches the folders that hold `entry`'s eval files (`entry.evalFiles`, those on disk) with the
 * operating system's notifications, in this process: a change to one of its eval files is seen
 * within a few milliseconds, where the editor's watcher reports it after coalescing and passing
 * it through the editor's other processes (about 90 ms at 100k x 8 in the editor benchmark,
 * more on a busy machine). The editor's watchers stay: they see files created or deleted under
 * the globs, and the change of a folder that cannot be watched here; a second event of the same
 * write is let go (`changeCallsForRecompute`). Folders no longer needed are let go. O(folders).
 */
export function watchEvalFolders(entry: Entry, changed: (stamp?: FileStamp) => void): void {
  const wanted = new Set<string>();
  for (const key of entry.evalFiles) {
    const uri = vscode.Uri.parse(key);
    if (uri.scheme === 'file') wanted.add(vscode.Uri.joinPath(uri, '..').fsPath);
  }
  for (const [folder, watcher] of entry.folderWatchers) {
    if (wanted.has(folder)) continue;
    watcher.close();
    entry.folderWatchers.delete(folder);
  }
  for (const folder of wanted) {
    if (entry.folderWatchers.has(folder)) continue;
    try {
      const watcher = watch(folder, { persistent: false }, (_event, name) => {
        if (typeof name !== 'string' || name === '') return;
        const uri = vscode.Uri.file(join(folder, name));
        if (entry.evalFiles.has(uri.toString())) evalFileChanged(entry, uri, changed);
      });
      // A folder gone or no longer watchable: the editor's watchers still report its changes.
      watcher.on('error', () => {
        watcher.close();
        if (entry.folderWatchers.get(folder) === watcher) entry.folderWatchers.delete(folder);
      });
      entry.folderWatchers.set(folder, watcher);
    } catch {
      // Not watchable here (the system's limit of watches reached, say): the editor's watchers report its changes.
    }
  }
}

/** Stops watching the folders of {@link watchEvalFolders}. */
export function unwatchEvalFolders(entry: Entry): void {
  for (const watcher of entry.folderWatchers.values()) watcher.close();
  entry.folderWatchers.clear();
}

/** An eval file of `entry` changed on disk or was saved: `recompute` (with the file's stamp) when {@link changeCallsForRecompute} says so. */
export function evalFileChanged(entry: Entry, uri: vscode.Uri, recompute: (stamp?: FileStamp) => void): void {
  fileStamp(uri).then(
    (stamp) => {
      if (changeCallsForRecompute(entry.changeStamps, uri.toString(), stamp)) recompute(stamp);
    },
    // Gone meanwhile: the recompute finds out.
    () => recompute(),
  );
}
