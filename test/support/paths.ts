import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The repository root, found from this file (not from the working directory). */
export const repoRoot = resolve(__dirname, '../..');
/** The shared reference data beside the repository (`../shared/data`), when it is there. */
export const sharedData = resolve(repoRoot, '../shared/data');

/** Bundled copies of the reference data sets: MMLU as the example data, MedMCQA gzipped among the fixtures. */
const BUNDLED = { mmlu: resolve(repoRoot, 'examples/mmlu'), medmcqa: resolve(repoRoot, 'test/fixtures/reference/medmcqa') } as const;

/**
 * The folder of a reference data set: `../shared/data/<name>` when present, else the copy
 * bundled with the repository (the same records), so the tests that use it always run.
 */
export function referenceData(name: keyof typeof BUNDLED): string {
  const shared = resolve(sharedData, name);
  return existsSync(shared) ? shared : BUNDLED[name];
}
