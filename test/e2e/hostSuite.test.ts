// Runs the mocha extension-host suite (`test/extension/`) inside code-server's real extension
// host, through the development-only runner extension, and reports each mocha test as a test
// of its own. Build first: `npm run test:e2e` does (it packages both `.vsix` files).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeRunDir, startCodeServer, type CodeServer } from './support/codeServer.ts';
import { analyzeWithCli, computeExpected, expectedCheck } from './support/expected.ts';
import { EXTENSION_VSIX, HOST_RUNNER_VSIX } from './support/paths.ts';
import { killRecordedSync } from './support/processes.ts';
import { waitFor } from './support/wait.ts';
import { openWorkbench, type Workbench } from './support/workbench.ts';
import { copyExampleWorkspace } from './support/workspace.ts';
import type { RunnerStatus } from '../host-runner/runner.ts';

interface MochaTest {
  readonly title: string;
  readonly fullTitle: string;
  readonly duration?: number;
  readonly err: { readonly message?: string; readonly stack?: string };
}
interface MochaReport {
  readonly stats: { readonly tests: number; readonly passes: number; readonly failures: number; readonly pending: number };
  readonly tests: readonly MochaTest[];
  readonly pending: readonly MochaTest[];
}

process.on('exit', () => killRecordedSync());

let server: CodeServer | undefined;
let wb: Workbench | undefined;
let workspace: string | undefined;

after(async () => {
  await wb?.close();
  await server?.stop();
  if (server) removeRunDir(server.dir);
  if (workspace) rmSync(join(workspace, '..'), { recursive: true, force: true });
});

test('extension-host suite inside code-server', async (t) => {
  workspace = copyExampleWorkspace('host');
  const base = computeExpected(workspace);
  const held = analyzeWithCli(base.cliInputs.files, [
    '--budget',
    String(base.budget),
    '--cascade',
    `${base.cascade.cheap},${base.cascade.expensive},${base.cascade.threshold}`,
    ...base.cliInputs.splitFlags,
  ]).cascade?.holdout;
  if (!held) throw new Error('the CLI gives no held-out figures for the configured cascade');
  const expected = { ...base, check: expectedCheck(workspace, base.configFile, held.cost) };
  // Beside the workspace copy, not in it: the extension must not see these files.
  const runDir = join(workspace, '..');
  const results = join(runDir, 'mocha.json');
  const expectedFile = join(runDir, 'expected.json');
  writeFileSync(expectedFile, JSON.stringify(expected, null, 2));
  server = await startCodeServer({
    name: 'host',
    extensions: [EXTENSION_VSIX, HOST_RUNNER_VSIX],
    env: { CASCADE_FRONTIER_HOST_RESULTS: results, CASCADE_FRONTIER_HOST_EXPECTED: expectedFile },
  });
  const statusFile = `${results}.status.json`;
  try {
    // The extension host starts when a browser connects; the runner starts the suite once the editor has started.
    wb = await openWorkbench(server, workspace);
    const status = await waitFor(
      'the extension-host suite to finish',
      () => {
        if (!existsSync(statusFile)) return false;
        let s: RunnerStatus;
        try {
          s = JSON.parse(readFileSync(statusFile, 'utf8')) as RunnerStatus;
        } catch {
          return false; // caught mid-write
        }
        return s.state === 'started' ? false : s;
      },
      { timeoutMs: 240_000, intervalMs: 250 },
    );
    assert.notEqual(status.state, 'crashed', `the suite could not run: ${status.error}`);
    await wb.screenshot('host-suite');
    const report = JSON.parse(readFileSync(results, 'utf8')) as MochaReport;
    assert.ok(report.stats.tests > 0, 'the suite ran at least one test');
    for (const mt of report.tests) {
      const skipped = report.pending.some((p) => p.fullTitle === mt.fullTitle);
      await t.test(mt.fullTitle, { skip: skipped ? 'pending in mocha' : false }, () => {
        if (mt.err.message !== undefined) {
          const e = new Error(mt.err.message);
          e.stack = mt.err.stack ?? mt.err.message;
          throw e;
        }
      });
    }
    assert.equal(report.stats.failures, 0, `${report.stats.failures} extension-host test(s) failed`);
  } catch (err) {
    if (wb) console.error(`saved the failure to ${await wb.saveFailure('host-suite')}`);
    else server.saveLogs(join(server.dir, 'failure'));
    throw err;
  }
});
