/**
 * Watching an analysis's files: a watcher per eval glob, and which changes call for a recompute
 * (`changeCallsForRecompute`: not a second event of the same write).
 */
import * as vscode from 'vscode';
import type { Entry } from './entry.ts';
import { changeCallsForRecompute } from './plan.ts';
import { fileStamp } from './workspaceFiles.ts';

/** What a watched change leads to, given by the analysis store. */
export interface WatchHooks {
  /** A known eval file changed: recompute. */
  readonly changed: () => void;
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

/** An eval file of `entry` changed on disk or was saved: `recompute` when {@link changeCallsForRecompute} says so. */
export function evalFileChanged(entry: Entry, uri: vscode.Uri, recompute: () => void): void {
  fileStamp(uri).then(
    (stamp) => {
      if (changeCallsForRecompute(entry.changeStamps, uri.toString(), stamp)) recompute();
    },
    // Gone meanwhile: the recompute finds out.
    recompute,
  );
}
