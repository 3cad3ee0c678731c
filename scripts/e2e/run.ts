// `npm run test:e2e`: the real-editor suite.
//   1. setup, idempotent and cached in `.cache/`: Debian packages, code-server 4.100.3;
//   2. packages the extension (`npm run package`) and the development-only test runner;
//   3. runs `test/e2e/*.test.ts` with node's test runner, one file at a time (each starts its
//      own code-server and Chromium and stops them by pid, even when a test fails);
//   4. stops whatever a crashed test file left running (recorded pids only) and exits with
//      the test runner's status.
// Arguments select test files (default: all of `test/e2e/*.test.ts`). Screenshots and, for a
// failing scenario, the workbench logs land in `.artifacts/e2e/`; `--screenshots-to DIR`
// copies the README's screenshots of a passing run (`.artifacts/e2e/readme/`) into DIR,
// e.g. `npm run test:e2e -- --screenshots-to docs/images`.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageExtension, packageHostRunner } from '../../test/e2e/support/build.ts';
import { ARTIFACTS, ROOT } from '../../test/e2e/support/paths.ts';
import { sweep } from '../../test/e2e/support/processes.ts';
import { ensureCodeServer, ensureDebianPackages } from '../../test/e2e/support/setup.ts';

async function main(): Promise<number> {
  const t0 = Date.now();
  ensureDebianPackages();
  ensureCodeServer();
  const leftovers = await sweep();
  if (leftovers.length) console.log(`[e2e] stopped processes left by an earlier run: ${leftovers.join(', ')}`);
  rmSync(ARTIFACTS, { recursive: true, force: true });
  packageExtension();
  await packageHostRunner();
  console.log(`[e2e] set up and packaged in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  const args = process.argv.slice(2);
  const to = args.indexOf('--screenshots-to');
  const screenshotsTo = to >= 0 ? args.splice(to, 2)[1] : undefined;
  const files = args.length
    ? args
    : readdirSync(join(ROOT, 'test', 'e2e'))
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => join('test', 'e2e', f));
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { cwd: ROOT, stdio: 'inherit' });
  const forward = (sig: NodeJS.Signals): void => {
    child.kill(sig);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
  const stray = await sweep();
  if (stray.length) console.error(`[e2e] stopped processes a test file left running: ${stray.join(', ')}`);
  if (code === 0 && screenshotsTo) {
    mkdirSync(screenshotsTo, { recursive: true });
    const shots = readdirSync(join(ARTIFACTS, 'readme')).filter((f) => f.endsWith('.png'));
    for (const f of shots) copyFileSync(join(ARTIFACTS, 'readme', f), join(screenshotsTo, f));
    console.log(`[e2e] copied ${shots.length} screenshots to ${screenshotsTo}`);
  }
  console.log(`[e2e] finished in ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots and logs in ${ARTIFACTS}`);
  return code;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await sweep();
    process.exit(1);
  },
);
