/**
 * The report page's script: `dist/report.js`, built beside `dist/cli.js` by `npm run build`.
 * Run from the sources (tests, `node --import tsx`), there is no built file next to this one,
 * so the script is bundled on the spot with the same settings as the build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Credit for the library inlined into every report (its licence asks for the notice). */
export const REPORT_SCRIPT_BANNER = '/*! Cascade Frontier report. Includes Chart.js (c) Chart.js Contributors and @kurkle/color (c) Jukka Kurkela, both MIT License. */';

/** esbuild settings of the report script; `scripts/build.mjs` uses the same. */
export const REPORT_SCRIPT_BUILD = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  banner: { js: REPORT_SCRIPT_BANNER },
} as const;

let cached: Promise<string> | undefined;

/** The report script's text. @throws Error when it is neither built nor buildable here. */
export function reportScript(): Promise<string> {
  cached ??= load();
  return cached;
}

async function load(): Promise<string> {
  const built = join(__dirname, 'report.js');
  if (existsSync(built)) return readFileSync(built, 'utf8');
  const entry = join(__dirname, 'browser', 'main.ts');
  if (!existsSync(entry)) throw new Error(`the report script ${built} is missing; rebuild with npm run build`);
  const esbuild = await import('esbuild');
  const out = await esbuild.build({ ...REPORT_SCRIPT_BUILD, entryPoints: [entry], write: false, logLevel: 'silent' });
  return out.outputFiles[0].text;
}
