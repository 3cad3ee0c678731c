/**
 * Watching an analysis's files: a watcher per eval glob, and which changes call for a
 * recompute. One write often arrives as two events (an editor's save and the watcher's, or a
 * truncation and then the data), and the second would cancel the analysis the first started
 * for the same bytes.
 */
import * as vscode from 'vscode';
import type { Entry } from './entry.ts';
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

/**
 * An eval file of `entry` changed on disk or was saved: `recompute`, unless the file's size and
 * mtime are those it had at the last change that did. Equal stamps are what the analysis
 * process takes for an unchanged file anyway (it reads again only files whose stamp changed),
 * so no change is lost that a recompute would have seen.
 */
export function evalFileChanged(entry: Entry, uri: vscode.Uri, recompute: () => void): void {
  const key = uri.toString();
  fileStamp(uri).then(
    (stamp) => {
      const last = entry.changeStamps.get(key);
      if (last && last.size === stamp.size && last.mtimeMs === stamp.mtimeMs) return;
      entry.changeStamps.set(key, stamp);
      recompute();
    },
    // Gone meanwhile: the recompute finds out.
    recompute,
  );
}
