// Builds what the real-editor tests install: the extension's `.vsix` (through the project's
// own `npm run package`), the compiled extension-host suite, and the development-only
// runner extension that runs that suite inside code-server.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { E2E_CACHE, EXTENSION_VSIX, HOST_RUNNER_STAGE, HOST_RUNNER_VSIX, ROOT } from './paths.ts';

const SUITE_SRC = join(ROOT, 'test', 'extension');
const RUNNER_SRC = join(ROOT, 'test', 'host-runner');
/** The suite compiled for `@vscode/test-electron` (index.js + *.test.js). */
export const HOST_SUITE_OUT = join(E2E_CACHE, 'host-suite');
const VSCE = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');

const log = (msg: string): void => console.log(`[e2e build] ${msg}`);

/** `npm run package`: the production bundle and `dist/cascade-frontier.vsix`. */
export function packageExtension(): string {
  log('packaging the extension (npm run package)');
  execFileSync('npm', ['run', '-s', 'package'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(EXTENSION_VSIX)) throw new Error(`npm run package did not produce ${EXTENSION_VSIX}`);
  return EXTENSION_VSIX;
}

/** Compiles each `test/extension/*.test.ts` (and, with `withIndex`, the test-electron entry) to CommonJS in `outDir`. */
export async function compileHostSuite(outDir: string, withIndex: boolean): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const entries = readdirSync(SUITE_SRC)
    .filter((f) => f.endsWith('.test.ts') || (withIndex && f === 'index.ts'))
    .map((f) => join(SUITE_SRC, f));
  await esbuild.build({
    entryPoints: entries,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', ...(withIndex ? [] : ['mocha'])],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

/**
 * Stages a helper extension (the host-suite runner, the benchmark's probe) and packages it:
 * copies `files` from `src`, bundles `src/<entry>.ts` into `<entry>.js` with everything but
 * `vscode` inside (an installed extension cannot see the project's node_modules), runs
 * `beforePackage` on the stage, then writes `vsix`. Returns `vsix`.
 */
export async function packageHelperExtension(options: {
  readonly src: string;
  readonly stage: string;
  readonly vsix: string;
  readonly files: readonly string[];
  readonly entry: string;
  readonly beforePackage?: (stage: string) => Promise<void>;
}): Promise<string> {
  const { src, stage, vsix } = options;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const f of options.files) copyFileSync(join(src, f), join(stage, f));
  await esbuild.build({
    entryPoints: [join(src, `${options.entry}.ts`)],
    outfile: join(stage, `${options.entry}.js`),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'error',
  });
  await options.beforePackage?.(stage);
  rmSync(vsix, { force: true });
  execFileSync(process.execPath, [VSCE, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], {
    cwd: stage,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return vsix;
}

/** Stages and packages the runner extension with the suite inside it (Mocha bundled in the runner); returns the `.vsix` path. */
export async function packageHostRunner(): Promise<string> {
  log('packaging the extension-host test runner');
  return packageHelperExtension({
    src: RUNNER_SRC,
    stage: HOST_RUNNER_STAGE,
    vsix: HOST_RUNNER_VSIX,
    files: ['package.json', 'README.md'],
    entry: 'runner',
    beforePackage: (stage) => compileHostSuite(join(stage, 'suite'), false),
  });
}
