// Benchmark of loading and analysis (not a test: nothing here passes or fails).
//
//   npm run bench                       10k, 100k and 1M queries x 8 models
//   node --import tsx --expose-gc scripts/bench.mjs --sizes 10000,100000 [--prompt-bytes 1000] [--runs 3] [--keep-prompts] [--threads auto|1|2]
//   node --import tsx --expose-gc scripts/bench.mjs --compare-only [--compare DIR]   only the held-out comparison
//
// Generates the data sets once into .cache/bench (scripts/gen-synthetic.mjs, seeded), bundles
// the loader and the analysis with esbuild, and measures each size in a fresh process: load
// time, analysis time, records per second and peak resident memory. When the CLI bundle
// (dist/cli.js) exists it also times `cascade-frontier analyze <folder> --json` end to end, as
// a user would run it (process start included). `--threads`: `auto` (default) is what the
// loader does by itself (a second core for half the files when one is idle); `1` and `2` force it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generate, MODELS } from './gen-synthetic.mjs';
import { NODE_BUNDLE } from './esbuildNode.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const cache = join(root, '.cache', 'bench');
const lib = join(cache, 'bench-lib.cjs');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};
const flag = (name) => process.argv.includes(`--${name}`);

/** Runs in a child process: one load and one analysis of a folder, printed as JSON. */
async function measure(dir) {
  const { loadEvalFiles, analyze, configureParallelLoading } = await import(lib);
  const threads = arg('threads', 'auto');
  if (threads === '1') configureParallelLoading({ script: undefined });
  if (threads === '2') configureParallelLoading({ minBytes: 1, minIdleCores: -Infinity });
  globalThis.gc?.();
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const t0 = performance.now();
  const c0 = cpu();
  const loaded = await loadEvalFiles([dir], { keepPrompts: flag('keep-prompts') });
  const t1 = performance.now();
  const c1 = cpu();
  let analysisMs = null;
  let analysisCpuMs = null;
  let intervalsMs = null;
  if (analyze) {
    // The analysis proper (envelope, switching points, shadow prices, held-out figures of every
    // vertex, recommendation), then the same with its 1,000-resample bootstrap intervals.
    analyze(loaded.dataset, { budget: 0.0002, issues: loaded.issues, bootstrapResamples: 0 });
    analysisMs = performance.now() - t1;
    analysisCpuMs = cpu() - c1;
    const t2 = performance.now();
    analyze(loaded.dataset, { budget: 0.0002, issues: loaded.issues });
    intervalsMs = performance.now() - t2;
  }
  const records = loaded.files.reduce((s, f) => s + f.records, 0);
  const out = {
    n: loaded.dataset.n,
    models: loaded.dataset.models.length,
    records,
    issues: loaded.issues.length,
    loadMs: t1 - t0,
    loadCpuMs: c1 - c0,
    analysisMs,
    analysisCpuMs,
    intervalsMs,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(out));
}

/** Runs in a child process: one load and one held-out comparison (`compare`) of a folder, printed as JSON. */
async function measureCompare(dir) {
  const { loadEvalFiles, compare } = await import(lib);
  globalThis.gc?.();
  const t0 = performance.now();
  const loaded = await loadEvalFiles([dir]);
  const t1 = performance.now();
  const result = compare(loaded.dataset, { issues: loaded.issues });
  const t2 = performance.now();
  const u = process.cpuUsage();
  process.stdout.write(
    JSON.stringify({ n: result.n, models: result.models.length, candidates: result.search.subsequenceCandidates, loadMs: t1 - t0, compareMs: t2 - t1, cpuMs: (u.user + u.system) / 1000 }),
  );
}

/**
 * Times `compare` (chains, best subsequence, router, bound, 1000 bootstrap resamples) on a real
 * evaluation folder, by default the MMLU reference data beside the repository, in fresh processes.
 */
async function benchCompare(runs) {
  const dir = resolve(arg('compare', join(root, '..', 'shared', 'data', 'mmlu')));
  if (!existsSync(dir)) {
    console.log(`compare: ${dir} not found (pass --compare DIR)`);
    return;
  }
  let best;
  for (let r = 0; r < runs; r++) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url), '--measure-compare', dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (child.status !== 0) {
      console.error(child.stderr);
      process.exit(1);
    }
    const m = JSON.parse(child.stdout);
    if (!best || m.loadMs + m.compareMs < best.loadMs + best.compareMs) best = m;
  }
  let cliMs = null;
  const cli = join(root, 'dist/cli.js');
  if (existsSync(cli)) {
    const started = performance.now();
    const run = spawnSync(process.execPath, [cli, 'compare', dir, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (run.status === 0) cliMs = performance.now() - started;
    else console.error(`CLI compare failed: ${run.stderr.slice(0, 500)}`);
  }
  console.log(
    `compare on ${dir} (${best.n} queries x ${best.models} models, ${best.candidates} subsequences): load ${fmt(best.loadMs)} ms + compare ${fmt(best.compareMs)} ms = ${fmt(best.loadMs + best.compareMs)} ms` +
      ` (best of ${runs}); CLI end to end ${fmt(cliMs)} ms`,
  );
}

async function bundle() {
  const esbuild = await import('esbuild');
  const analysis = join(root, 'src/core/analyze.ts');
  // Until the analysis exists the benchmark measures loading only (analyze stays undefined).
  const contents = [
    `export { loadEvalFiles, configureParallelLoading } from ${JSON.stringify(join(root, "src/core/load/index.ts"))};`,
    existsSync(analysis) ? `export { analyze } from ${JSON.stringify(analysis)};` : 'export const analyze = undefined;',
    `export { compare } from ${JSON.stringify(join(root, 'src/core/compare/compare.ts'))};`,
  ].join('\n');
  mkdirSync(cache, { recursive: true });
  const common = NODE_BUNDLE;
  await esbuild.build({ ...common, stdin: { contents, resolveDir: root, loader: 'ts' }, outfile: lib });
  // The loader reads on a second core with the worker beside its bundle.
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/core/load/worker.ts')], outfile: join(cache, 'load-worker.js') });
}

const fmt = (x, digits = 0) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));

async function main() {
  const sizes = flag('compare-only') ? [] : arg('sizes', '10000,100000,1000000').split(',').map(Number);
  const promptBytes = Number(arg('prompt-bytes', '0'));
  const runs = Number(arg('runs', '3'));
  await bundle();
  const cli = join(root, 'dist/cli.js');
  console.log(
    `Cascade Frontier benchmark: ${MODELS.length} models, node ${process.version}, ${runs} run(s) per size (best shown), threads ${arg('threads', 'auto')}, ` +
      `${availableParallelism()} cores, load average ${loadavg()[0].toFixed(2)} at start`,
  );
  console.log('queries   | MB of JSONL | load ms | analysis ms | with intervals ms | load+analysis ms | records/s  | peak RSS MB | CLI end to end ms');
  for (const queries of sizes) {
    const { dir, bytes } = await generate({ queries, out: cache, promptBytes, log: (s) => console.error(s) });
    let best;
    for (let r = 0; r < runs; r++) {
      const args = ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url), '--measure', dir];
      if (flag('keep-prompts')) args.push('--keep-prompts');
      args.push('--threads', arg('threads', 'auto'));
      const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (child.status !== 0) {
        console.error(child.stderr);
        process.exit(1);
      }
      const m = JSON.parse(child.stdout);
      const total = m.loadMs + (m.analysisMs ?? 0);
      if (!best || total < best.total) best = { ...m, total };
    }
    let cliMs = null;
    if (existsSync(cli) && best.analysisMs !== null) {
      const started = performance.now();
      const run = spawnSync(process.execPath, [cli, 'analyze', dir, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (run.status === 0) cliMs = performance.now() - started;
      else console.error(`CLI failed: ${run.stderr.slice(0, 500)}`);
    }
    console.log(
      [
        String(queries).padEnd(9),
        fmt(bytes / 1e6, 1).padStart(11),
        fmt(best.loadMs).padStart(7),
        fmt(best.analysisMs).padStart(11),
        fmt(best.intervalsMs).padStart(17),
        fmt(best.total).padStart(16),
        fmt(best.records / (best.loadMs / 1000)).padStart(10),
        fmt(best.peakRssMB).padStart(11),
        fmt(cliMs).padStart(17),
      ].join(' | '),
    );
    if (best.records !== queries * MODELS.length || best.issues !== 0) console.log(`  note: ${best.records} records, ${best.issues} issues`);
  }
  await benchCompare(runs);
}

if (flag('measure')) await measure(arg('measure'));
else if (flag('measure-compare')) await measureCompare(arg('measure-compare'));
else await main();
