import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { NODE_BUNDLE } from '../../scripts/esbuildNode.mjs';
import { repoRoot } from './paths.ts';

/** Bundles the load worker (`src/core/load/worker.ts`) as `load-worker.js` in `dir`, as the build does for `dist`; returns its path. */
export async function buildLoadWorker(dir: string): Promise<string> {
  const script = join(dir, 'load-worker.js');
  await esbuild.build({ ...NODE_BUNDLE, entryPoints: [join(repoRoot, 'src/core/load/worker.ts')], outfile: script });
  return script;
}
