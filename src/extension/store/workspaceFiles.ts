/**
 * Workspace files as the analysis store needs them: whether a path is a folder or exists, the
 * files beside chosen ones (so globs can tell them apart), the user's eval globs, and globs
 * relative to a folder that may climb out of it.
 */
import * as vscode from 'vscode';
import { SECTION, Setting } from '../constants.ts';
import { relativePath } from '../relativePath.ts';
import { globsNamingFiles, newConfigText, type NewConfig } from '../../core/config/newConfig.ts';
import type { FileStamp } from './plan.ts';

/** True when `uri` is a folder (false when it is missing). */
export async function isFolder(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
  } catch {
    return false;
  }
}

/** Thrown when a folder already has a cascade config; names it so the caller can open it. */
export class ConfigExistsError extends Error {
  constructor(readonly uri: vscode.Uri) {
    super(`${vscode.workspace.asRelativePath(uri)} already exists: edit it instead.`);
  }
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The other files in the folders of `files` (relative to `base`), so globs can tell them apart. */
export async function siblingsOf(base: vscode.Uri, files: readonly vscode.Uri[]): Promise<string[]> {
  const chosen = new Set(files.map((f) => f.toString()));
  const folders = new Map<string, vscode.Uri>();
  for (const f of files) {
    const dir = vscode.Uri.joinPath(f, '..');
    folders.set(dir.toString(), dir);
  }
  const out: string[] = [];
  for (const dir of folders.values()) {
    let entries: [string, vscode.FileType][] = [];
    try {
      entries = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      continue;
    }
    for (const [name, type] of entries) {
      const uri = vscode.Uri.joinPath(dir, name);
      if (type === vscode.FileType.File && !chosen.has(uri.toString())) out.push(relativePath(base, uri));
    }
  }
  return out;
}

/** The `evalFiles` globs the user set (in any scope), or undefined when only the default applies. */
export function userEvalGlobs(): readonly string[] | undefined {
  const i = vscode.workspace.getConfiguration(SECTION).inspect<unknown>(Setting.EvalFiles);
  const v = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
  return Array.isArray(v) && v.length > 0 && v.every((g) => typeof g === 'string') ? v : undefined;
}

/** A glob relative to a folder; leading `../` segments move the folder up, as `RelativePattern` does not follow them. */
export function relativePattern(base: vscode.Uri, glob: string): vscode.RelativePattern {
  let folder = base;
  let rest = glob.replace(/^\.\//, '');
  while (rest.startsWith('../')) {
    folder = vscode.Uri.joinPath(folder, '..');
    rest = rest.slice(3);
  }
  return new vscode.RelativePattern(folder, rest);
}

/** A file's path, size and modification time, which tell the analysis process whether to read it again. */
export async function fileStamp(uri: vscode.Uri): Promise<FileStamp> {
  const stat = await vscode.workspace.fs.stat(uri);
  return { path: uri.fsPath, size: stat.size, mtimeMs: stat.mtime };
}

/**
 * The stamps of the files that still exist, in the order of `uris` (one deleted since it was
 * found is left out: the watcher schedules another recompute). The files are stat'ed at once,
 * not one after another: each stat is a round trip through the editor's file system.
 */
export async function stampsOfExisting(uris: readonly vscode.Uri[]): Promise<{ uri: vscode.Uri; stamp: FileStamp }[]> {
  const stamps = await Promise.all(uris.map((uri) => fileStamp(uri).catch(() => undefined)));
  return uris.flatMap((uri, i) => (stamps[i] ? [{ uri, stamp: stamps[i] }] : []));
}

/**
 * The text of a new cascade config in `folder` whose `evals` names exactly `files` (globs that
 * leave out the files beside them), or the user's eval globs when there are none.
 */
export async function newConfigFor(folder: vscode.Uri, files: readonly vscode.Uri[], content: Omit<NewConfig, 'evals'>, userGlobs: readonly string[]): Promise<string> {
  const relative = files.map((f) => relativePath(folder, f));
  const evals = relative.length > 0 ? globsNamingFiles(relative, await siblingsOf(folder, files)) : [...userGlobs];
  return newConfigText({ evals, ...content });
}
