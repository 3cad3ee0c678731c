// Loads the compiled extension-host suite into mocha and runs it. Shared by the two ways the
// suite runs: `@vscode/test-electron` (a desktop VS Code, through `index.ts`) and the
// development-only runner extension inside code-server (`test/host-runner/`).
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface SuiteRunOptions {
  /** Folder holding the compiled `*.test.js` files. */
  readonly dir: string;
  /** Mocha reporter name (default `spec`) and its options (e.g. `{ output }` for `json`). */
  readonly reporter?: string;
  readonly reporterOptions?: Record<string, unknown>;
}

/** Runs every `*.test.js` in `dir` (TDD interface); resolves with the number of failures. */
export function runSuite(opts: SuiteRunOptions): Promise<number> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    // Activation, a first analysis and a webview start are real work in a real editor.
    timeout: 60_000,
    reporter: opts.reporter ?? 'spec',
    reporterOptions: opts.reporterOptions,
  });
  const files = readdirSync(opts.dir)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  if (files.length === 0) return Promise.reject(new Error(`No *.test.js files in ${opts.dir}`));
  for (const f of files) mocha.addFile(join(opts.dir, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => resolve(failures));
    } catch (err) {
      reject(err);
    }
  });
}
