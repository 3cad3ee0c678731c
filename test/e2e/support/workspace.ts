import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_WORKSPACE } from './paths.ts';

/**
 * A fresh copy of the example workspace in a temporary folder (the committed one is never
 * touched). It keeps the folder name `workspace`, which the workbench shows in its explorer.
 */
export function copyExampleWorkspace(label: string): string {
  if (!existsSync(EXAMPLE_WORKSPACE)) throw new Error(`${EXAMPLE_WORKSPACE} is missing`);
  const dest = join(mkdtempSync(join(tmpdir(), `cascade-e2e-${label}-ws-`)), 'workspace');
  cpSync(EXAMPLE_WORKSPACE, dest, { recursive: true });
  return dest;
}
