import type * as vscode from 'vscode';

/** Folder, in each workspace folder, that exports go to; never read as eval data. */
export const OUTPUT_FOLDER = '.cascade';

const STATE_KEY = 'cascadeFrontier.writtenFiles';
/** Files remembered; the oldest are forgotten first. */
const MAX_REMEMBERED = 200;

/**
 * The files the extension wrote (exports): everything under a `.cascade/` folder, and any
 * other file an export was saved to, remembered per workspace. Discovery never reads them as
 * eval data.
 */
export class OwnOutputs {
  constructor(private readonly state: vscode.Memento) {}

  /** True for a file the extension wrote, or one in an output folder. */
  isOwn(uri: vscode.Uri): boolean {
    return isInOutputFolder(uri.path) || this.list().includes(uri.toString());
  }

  /** Remembers a file an export wrote. */
  async remember(uri: vscode.Uri): Promise<void> {
    if (isInOutputFolder(uri.path)) return;
    const list = this.list().filter((u) => u !== uri.toString());
    list.push(uri.toString());
    await this.state.update(STATE_KEY, list.slice(-MAX_REMEMBERED));
  }

  private list(): string[] {
    const v = this.state.get<unknown>(STATE_KEY);
    return Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string') : [];
  }
}

/** True for a path inside a `.cascade/` folder. */
export function isInOutputFolder(path: string): boolean {
  return /(^|[\\/])\.cascade[\\/]/.test(path);
}
