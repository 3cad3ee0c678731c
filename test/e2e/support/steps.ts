import { rmSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { removeRunDir, type CodeServer } from './codeServer.ts';
import type { Workbench } from './workbench.ts';

/**
 * A scenario's `step`: a test that, on failure, saves a screenshot, the browser console and the
 * workbench logs under `failures/<prefix>-<name>`.
 */
export function scenarioSteps(prefix: string, workbench: () => Workbench | undefined): (name: string, fn: (t: TestContext) => Promise<void>) => void {
  return (name, fn) =>
    test(name, async (t) => {
      try {
        await fn(t);
      } catch (err) {
        const wb = workbench();
        const dir = wb ? await wb.saveFailure(`${prefix}-${name}`) : undefined;
        if (dir) t.diagnostic(`screenshot and logs: ${dir}`);
        throw err;
      }
    });
}

/** Closes the browser and the editor and removes their folders and the scenario's workspace. */
export async function closeScenario(wb: Workbench | undefined, server: CodeServer | undefined, root: string | undefined): Promise<void> {
  await wb?.close();
  await server?.stop();
  if (server) removeRunDir(server.dir);
  if (root) rmSync(root, { recursive: true, force: true });
}
