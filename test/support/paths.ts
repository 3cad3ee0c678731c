import { resolve } from 'node:path';

/** The repository root, and the shared reference data beside it (`../shared/data`). */
export const repoRoot = resolve(__dirname, '../..');
export const sharedData = resolve(repoRoot, '../shared/data');
