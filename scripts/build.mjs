// Bundles the CLI, the extension host code, its worker and the webview with esbuild.
// Type checking is separate (`npm run typecheck`), as esbuild only strips types.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// `CASCADE_FRONTIER_KEEP_NAMES=1`: a production build whose functions keep their names (only the
// whitespace and the syntax minified), so that CPU profiles of it say what took the time.
const keepNames = production && process.env.CASCADE_FRONTIER_KEEP_NAMES === '1';

const common = {
  bundle: true,
  sourcemap: !production,
  minifyWhitespace: production,
  minifySyntax: production,
  minifyIdentifiers: production && !keepNames,
  logLevel: 'warning',
  // jsonc-parser's UMD entry hides its requires from the bundler; its ES module entry bundles.
  mainFields: ['module', 'main'],
};

const entries = [
  // The command line's entry point: runs cli-main.js from a V8 code cache (src/cli/launch.ts).
  {
    entryPoints: ['src/cli/launch.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  // The command line itself. esbuild stays external: the CLI only loads it to bundle the report
  // script when run from the sources. `import.meta.url` (used by the glob library's ES module
  // build) becomes this file's URL in the CommonJS bundle. No `#!` line: the entry point
  // compiles this file inside a function.
  {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli-main.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
    external: ['esbuild'],
  },
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  // esbuild stays external: the report script is only bundled on the spot when run from the sources.
  { entryPoints: ['src/extension/worker.ts'], outfile: 'dist/worker.js', platform: 'node', format: 'cjs', target: 'node20', external: ['esbuild'] },
  // The loader reads half the files on a second core with this worker, found beside the bundle that loads.
  { entryPoints: ['src/core/load/worker.ts'], outfile: 'dist/load-worker.js', platform: 'node', format: 'cjs', target: 'node20' },
  // The comparison's bootstrap measures half its resamples on a second core with this worker, found beside the bundle that runs it.
  { entryPoints: ['src/core/compare/worker.ts'], outfile: 'dist/compare-worker.js', platform: 'node', format: 'cjs', target: 'node20' },
  // The analysis computes part of its work on a second core with this worker, found beside the bundle that analyses.
  { entryPoints: ['src/core/analysisWorker.ts'], outfile: 'dist/analysis-worker.js', platform: 'node', format: 'cjs', target: 'node20' },
  { entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // The report page's script, inlined into every report by `cascade-frontier report`: always
  // minified, no source map, licence notice in the banner (same settings as src/report/script.ts).
  {
    entryPoints: ['src/report/browser/main.ts'],
    outfile: 'dist/report.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    banner: { js: '/*! Cascade Frontier report. Includes Chart.js (c) Chart.js Contributors and @kurkle/color (c) Jukka Kurkela, both MIT License. */' },
  },
].filter((e) => existsSync(e.entryPoints[0]));

if (watch) {
  for (const e of entries) {
    const ctx = await esbuild.context({ ...common, ...e });
    await ctx.watch();
  }
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
}
