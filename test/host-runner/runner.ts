// Development-only extension: when code-server is started with
// CASCADE_FRONTIER_HOST_RESULTS=<file>, runs the extension-host suite packaged beside it
// (`suite/*.test.js`) in the real extension host, writes mocha's JSON report to <file>,
// and records progress in `<file>.status.json` (`started`, then `finished` or `crashed`),
// which the end-to-end test waits on.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { runSuite } from '../extension/mochaRun.ts';

export interface RunnerStatus {
  readonly state: 'started' | 'finished' | 'crashed';
  readonly failures?: number;
  readonly error?: string;
  readonly at: number;
}

export function activate(context: vscode.ExtensionContext): void {
  const results = process.env.CASCADE_FRONTIER_HOST_RESULTS;
  if (!results) return;
  // Written aside, then renamed: a reader never sees half a file.
  const status = (s: Omit<RunnerStatus, 'at'>): void => {
    writeFileSync(`${results}.status.tmp`, JSON.stringify({ ...s, at: Date.now() }) + '\n');
    renameSync(`${results}.status.tmp`, `${results}.status.json`);
  };
  status({ state: 'started' });
  runSuite({ dir: join(context.extensionPath, 'suite'), reporter: 'json', reporterOptions: { output: results } }).then(
    (failures) => status({ state: 'finished', failures }),
    (err: unknown) => status({ state: 'crashed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
}

export function deactivate(): void {}
