import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
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
        if (dir) {
          t.diagnostic(`screenshot and logs: ${dir}`);
          // What the logs say went wrong, here, for a run whose folders are not kept.
          for (const line of logDigest(dir)) t.diagnostic(line);
        }
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

/** The last `max` lines of the logs under `dir` that report an error or a warning (the browser's console, the server's, the workbench's and the extension host's), each with its file's name. */
export function logDigest(dir: string, max = 15): string[] {
  const lines: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.log')) {
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          if (/\b(error|warn(ing)?|exception|unhandled|rejected|timed? ?out)\b/i.test(line)) lines.push(`${basename(path)}: ${line.trim().slice(0, 300)}`);
        }
      }
    }
  };
  try {
    walk(dir);
  } catch (e) {
    return [`(the logs could not be read: ${e instanceof Error ? e.message : String(e)})`];
  }
  return lines.slice(-max);
}
