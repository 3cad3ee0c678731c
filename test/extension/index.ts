// Entry point for `@vscode/test-electron` (`extensionTestsPath`): runs the suite in the
// desktop editor's extension host and fails when any test fails.
import { runSuite } from './mochaRun.ts';

export async function run(): Promise<void> {
  const failures = await runSuite({ dir: __dirname });
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
