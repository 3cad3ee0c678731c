// `npm run test:host`: the extension-host suite in a desktop VS Code through
// `@vscode/test-electron`, where a desktop build can be had: the one named by
// VSCODE_EXECUTABLE_PATH, or a download of VS Code 1.100.3. Where neither works (no network
// to the download site), the same suite runs in code-server's extension host instead, as
// part of the real-editor suite (`test/e2e/hostSuite.test.ts`).
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { compileHostSuite, HOST_SUITE_OUT } from '../e2e/support/build.ts';
import { computeExpected } from '../e2e/support/expected.ts';
import { ROOT } from '../e2e/support/paths.ts';
import { copyExampleWorkspace } from '../e2e/support/workspace.ts';

async function desktopBuild(): Promise<string | undefined> {
  if (process.env.VSCODE_EXECUTABLE_PATH) return process.env.VSCODE_EXECUTABLE_PATH;
  try {
    return await downloadAndUnzipVSCode({ version: '1.100.3', timeout: 30_000, cachePath: join(ROOT, '.cache', 'vscode-test') });
  } catch (err) {
    console.log(`No desktop VS Code build here (${err instanceof Error ? err.message : String(err)}).`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const executable = await desktopBuild();
  if (!executable) {
    console.log('Running the extension-host suite inside code-server instead.');
    return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'e2e', 'run.ts'), join('test', 'e2e', 'hostSuite.test.ts')], { cwd: ROOT, stdio: 'inherit' }).status ?? 1;
  }
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) return build.status ?? 1;
  await compileHostSuite(HOST_SUITE_OUT, true);
  const workspace = copyExampleWorkspace('electron');
  const expectedFile = join(workspace, '..', 'expected.json');
  writeFileSync(expectedFile, JSON.stringify(computeExpected(workspace), null, 2));
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: join(HOST_SUITE_OUT, 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { CASCADE_FRONTIER_HOST_EXPECTED: expectedFile },
    });
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return 1;
  } finally {
    rmSync(join(workspace, '..'), { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
