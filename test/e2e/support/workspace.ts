import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EXAMPLE_WORKSPACE } from './paths.ts';
import { waitFor } from './wait.ts';

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

/**
 * Waits until the cascade config at `path` is no longer `before` on disk, after an Apply, and
 * checks that its cascade is the policy the action bar showed (its `data-models`, comma
 * separated, and `data-threshold`, empty for a single model). Returns the text written.
 */
export async function appliedConfig(path: string, before: string, shown: { readonly models: string; readonly threshold: string }): Promise<string> {
  // The editor writes a file by truncating it first: a read between the two sees it empty.
  const written = await waitFor('the config to change on disk', () => {
    const now = readFileSync(path, 'utf8');
    return now !== before && now.trim() !== '' ? now : false;
  });
  const config = parseYaml(written) as { cascade: { model: string; threshold?: number | null }[] };
  assert.deepEqual(
    config.cascade.map((s) => s.model),
    shown.models.split(','),
    'the models the action bar showed',
  );
  if (shown.threshold !== '') assert.equal(config.cascade[0]!.threshold, Number(shown.threshold), 'the threshold the action bar showed');
  return written;
}
