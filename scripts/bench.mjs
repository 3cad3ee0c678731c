// Benchmark of loading and analysis (not a test: nothing here passes or fails).
//
//   npm run bench                       10k, 100k and 1M queries x 8 models
//   node --import tsx --expose-gc scripts/bench.mjs --sizes 10000,100000 [--runs 3] [--peer-sizes 10000,100000]
//        [--prompt-bytes 1000] [--keep-prompts] [--threads auto|1|2] [--budget 0.0002] [--no-compare] [--compare-runs 1]
//   node --import tsx --expose-gc scripts/bench.mjs --compare-only [--compare DIR]   only the held-out comparison
//
// Generates the data sets once into .cache/bench (scripts/gen-synthetic.mjs, seeded), bundles
// the loader and the analysis with esbuild, and measures each size in fresh processes (best of
// `--runs`): the load, the analysis without intervals (envelope, switching points, shadow
// prices, held-out figures of every vertex, the recommendation for the budget) and, in another
// process, with the recommendation's 1,000-resample intervals; a recompute (the same data
// analysed again for another budget, as the editor does); peak resident memory. When the CLI
// bundle (dist/cli.js) exists it times `cascade-frontier analyze <folder> --json` end to end with
// its defaults and with `--budget B`, as a user runs it (process start, the split, with a budget
// the noise-aware rule and its intervals), with its CPU time and peak memory; beside it, in
// alternating runs, the notebook peer (scripts/bench-peer.py: pandas read_json per file, one
// sort and cumulative sum per model and pair) when a Python with pandas is found, and the ratio
// of the two. Then `compare` on the 100k set (or --compare DIR). Last, each performance goal
// with its figure: met or missed. `--threads`: `auto` (default) is what the loader does by
// itself; `1` and `2` force it (the load and the analysis's second thread). Wall-clock figures depend on what else runs: each line says the
// load average.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generate, MODELS } from './gen-synthetic.mjs';
import { NODE_BUNDLE } from './esbuildNode.mjs';
import { timeCli } from './timeCli.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const cache = join(root, '.cache', 'bench');
const lib = join(cache, 'bench-lib.cjs');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};
const flag = (name) => process.argv.includes(`--${name}`);

/**
 * Runs in a child process: one load and one analysis of a folder (without intervals, or with
 * them), then a recompute of the same data for another budget, printed as JSON.
 */
async function measure(dir) {
  const { loadEvalFiles, analyze, configureParallelLoading, configureAnalysisThread, ANALYSES_AGAIN_AND_AGAIN } = await import(lib);
  const threads = arg('threads', 'auto');
  if (threads === '1') {
    configureParallelLoading({ script: undefined });
    configureAnalysisThread({ script: undefined });
  }
  if (threads === '2') {
    configureParallelLoading({ minBytes: 1, minCores: 1 });
    configureAnalysisThread({ minQueries: 1, minQueriesToPick: 1, minCores: 1 });
  }
  const budget = Number(arg('budget', '0.0002'));
  const intervals = flag('intervals');
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
  const options = { budget, issues: loaded.issues, ...(intervals ? {} : { bootstrapResamples: 0 }) };
  analyze(loaded.dataset, options);
  const t2 = performance.now();
  const c2 = cpu();
  // A recompute is the editor's: its process analyses again and again, and uses the second thread from larger sizes.
  if (threads === 'auto') configureAnalysisThread(ANALYSES_AGAIN_AND_AGAIN);
  analyze(loaded.dataset, { ...options, budget: budget * 1.25 });
  const t3 = performance.now();
  const records = loaded.files.reduce((s, f) => s + f.records, 0);
  const out = {
    n: loaded.dataset.n,
    models: loaded.dataset.models.length,
    records,
    issues: loaded.issues.length,
    loadMs: t1 - t0,
    loadCpuMs: c1 - c0,
    analysisMs: t2 - t1,
    analysisCpuMs: c2 - c1,
    recomputeMs: t3 - t2,
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
 * Times `compare` (chains, best subsequence, router, bound, 1000 bootstrap resamples) in fresh
 * processes: load + compare in the process, and the CLI end to end.
 */
async function benchCompare(dir, runs) {
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
  const cli = existsSync(join(root, 'dist/cli.js')) ? timeCliHere(['compare', dir, '--json']) : undefined;
  console.log(
    `compare on ${dir} (${best.n} queries x ${best.models} models, ${best.candidates} subsequences), best of ${runs}: load ${fmt(best.loadMs)} ms + compare ${fmt(best.compareMs)} ms` +
      ` (CPU ${fmt(best.cpuMs)} ms in all); CLI end to end ${fmt(cli?.ms)} ms (CPU ${fmt(cli?.cpuMs)} ms); load average ${loadavg()[0].toFixed(1)}`,
  );
  return { best, cli };
}

/** Runs the CLI bundle with `args`, timed end to end; its CPU time and peak memory come from the preloaded bench-usage.cjs. */
function timeCliHere(args) {
  const run = timeCli({ cli: join(root, 'dist/cli.js'), args, usageFile: join(cache, `usage-${process.pid}.json`) });
  // Exit 0, or 1 with a result (the analysis ran and found something to report).
  if (run.status !== 0 && !(run.status === 1 && run.stdout.toString('utf8', 0, 1) === '{')) {
    console.error(`CLI ${args.join(' ')} failed (${run.status}): ${run.stderr.slice(0, 500)}`);
    return undefined;
  }
  const { ms, cpuMs, peakRssMB } = run;
  return { ms, ...(cpuMs !== undefined ? { cpuMs, peakRssMB } : {}) };
}

/** A Python that has pandas: python3 on the PATH, then /usr/bin/python3; undefined when none has. */
function pythonWithPandas() {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import pandas, numpy'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return undefined;
}

/** Runs the notebook peer on a folder; its own timings (after the imports) and usage. */
function timePeer(python, dir) {
  const run = spawnSync(python, [join(root, 'scripts/bench-peer.py'), dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    console.error(`the notebook peer failed: ${run.stderr.slice(-500)}`);
    return undefined;
  }
  const m = JSON.parse(run.stdout);
  return { ms: (m.loadSeconds + m.computeSeconds) * 1000, cpuMs: m.cpuSeconds * 1000, peakRssMB: m.peakRssMB, vertices: m.vertices };
}

async function bundle() {
  const esbuild = await import('esbuild');
  const analysis = join(root, 'src/core/analyze.ts');
  // Until the analysis exists the benchmark measures loading only (analyze stays undefined).
  const contents = [
    `export { loadEvalFiles, configureParallelLoading } from ${JSON.stringify(join(root, 'src/core/load/index.ts'))};`,
    existsSync(analysis) ? `export { analyze } from ${JSON.stringify(analysis)};` : 'export const analyze = undefined;',
    `export { compare } from ${JSON.stringify(join(root, 'src/core/compare/compare.ts'))};`,
    `export { configureAnalysisThread, ANALYSES_AGAIN_AND_AGAIN } from ${JSON.stringify(join(root, 'src/core/analysisThread.ts'))};`,
  ].join('\n');
  mkdirSync(cache, { recursive: true });
  const common = NODE_BUNDLE;
  await esbuild.build({ ...common, stdin: { contents, resolveDir: root, loader: 'ts' }, outfile: lib });
  // The loader reads on a second core with the worker beside its bundle.
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/core/load/worker.ts')], outfile: join(cache, 'load-worker.js') });
  // So does the comparison's bootstrap.
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/core/compare/worker.ts')], outfile: join(cache, 'compare-worker.js') });
  // The analysis computes part of its work on a second core with the worker beside its bundle.
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/core/analysisWorker.ts')], outfile: join(cache, 'analysis-worker.js') });
}

const fmt = (x, digits = 0) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));

/** Best of `runs` fresh measuring processes for one folder. */
function measureInChildren(dir, runs, extra) {
  let best;
  for (let r = 0; r < runs; r++) {
    const args = ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url), '--measure', dir, '--threads', arg('threads', 'auto'), '--budget', arg('budget', '0.0002'), ...extra];
    if (flag('keep-prompts')) args.push('--keep-prompts');
    const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (child.status !== 0) {
      console.error(child.stderr);
      process.exit(1);
    }
    const m = JSON.parse(child.stdout);
    if (!best || m.loadMs + m.analysisMs < best.loadMs + best.analysisMs) best = m;
  }
  return best;
}

async function main() {
  const sizes = flag('compare-only') ? [] : arg('sizes', '10000,100000,1000000').split(',').map(Number);
  const peerSizes = new Set(arg('peer-sizes', '10000,100000').split(',').map(Number));
  const promptBytes = Number(arg('prompt-bytes', '0'));
  const runs = Number(arg('runs', '3'));
  const budget = arg('budget', '0.0002');
  await bundle();
  const cli = existsSync(join(root, 'dist/cli.js'));
  const python = pythonWithPandas();
  console.log(
    `Cascade Frontier benchmark: ${MODELS.length} models, node ${process.version}, best of ${runs} run(s), threads ${arg('threads', 'auto')}, ` +
      `${availableParallelism()} cores, load average ${loadavg()[0].toFixed(2)} at start, budget $${budget}/query`,
  );
  if (!python) console.log('The notebook peer is not run: no Python with pandas (tried python3 on the PATH and /usr/bin/python3).');
  console.log('');
  console.log('In process (ms; CPU ms in brackets):');
  console.log('queries   | MB of JSONL | load          | analysis      | with intervals | recompute | records/s  | peak RSS MB');
  const clis = [];
  const analyses = [];
  for (const queries of sizes) {
    const { dir, bytes } = await generate({ queries, out: cache, promptBytes, log: (s) => console.error(s) });
    const plain = measureInChildren(dir, runs, []);
    const withIntervals = measureInChildren(dir, runs, ['--intervals']);
    analyses.push({ queries, plain, withIntervals });
    console.log(
      [
        String(queries).padEnd(9),
        fmt(bytes / 1e6, 1).padStart(11),
        `${fmt(plain.loadMs)} (${fmt(plain.loadCpuMs)})`.padStart(13),
        `${fmt(plain.analysisMs)} (${fmt(plain.analysisCpuMs)})`.padStart(13),
        `${fmt(withIntervals.analysisMs)} (${fmt(withIntervals.analysisCpuMs)})`.padStart(14),
        fmt(plain.recomputeMs).padStart(9),
        fmt(plain.records / (plain.loadMs / 1000)).padStart(10),
        fmt(Math.max(plain.peakRssMB, withIntervals.peakRssMB)).padStart(11),
      ].join(' | '),
    );
    if (plain.records !== queries * MODELS.length || plain.issues !== 0) console.log(`  note: ${plain.records} records, ${plain.issues} issues`);
    if (cli) clis.push({ queries, dir, peer: python && peerSizes.has(queries) });
  }
  const e2e = [];
  if (clis.length > 0) {
    console.log('');
    console.log(
      `End to end: \`cascade-frontier analyze <folder> --json\` with its defaults and with \`--budget ${budget}\` (process start included) beside the notebook peer (after its imports), alternating runs:`,
    );
    console.log('queries   | run      | CLI ms | CLI CPU ms | CLI peak RSS MB | peer ms | peer CPU ms | peer peak RSS MB | speed-up (wall) | speed-up (CPU) | load average');
    for (const { queries, dir, peer } of clis) {
      const runsOf = [
        { label: 'defaults', args: ['analyze', dir, '--json'] },
        { label: 'budget', args: ['analyze', dir, '--json', '--budget', budget] },
      ];
      const best = runsOf.map(() => undefined);
      let bestPeer;
      for (let r = 0; r < runs; r++) {
        runsOf.forEach(({ args }, i) => {
          const c = timeCliHere(args);
          if (c && (!best[i] || c.ms < best[i].ms)) best[i] = c;
        });
        if (peer) {
          const p = timePeer(python, dir);
          if (p && (!bestPeer || p.ms < bestPeer.ms)) bestPeer = p;
        }
      }
      const ratio = (a, b) => (a && b ? `${(a / b).toFixed(1)}x` : 'n/a');
      runsOf.forEach(({ label }, i) => {
        e2e.push({ queries, label, cli: best[i], peer: bestPeer });
        console.log(
          [
            String(queries).padEnd(9),
            label.padEnd(8),
            fmt(best[i]?.ms).padStart(6),
            fmt(best[i]?.cpuMs).padStart(10),
            fmt(best[i]?.peakRssMB).padStart(15),
            fmt(bestPeer?.ms).padStart(7),
            fmt(bestPeer?.cpuMs).padStart(11),
            fmt(bestPeer?.peakRssMB).padStart(16),
            ratio(bestPeer?.ms, best[i]?.ms).padStart(15),
            ratio(bestPeer?.cpuMs, best[i]?.cpuMs).padStart(14),
            loadavg()[0].toFixed(1).padStart(12),
          ].join(' | '),
        );
      });
    }
  }
  let compared;
  if (!flag('no-compare')) {
    console.log('');
    const compareDir = arg('compare', undefined) ?? (await generate({ queries: 100000, out: cache, promptBytes: 0, log: (s) => console.error(s) })).dir;
    compared = await benchCompare(resolve(compareDir), Number(arg('compare-runs', '1')));
  }
  printGoals({ analyses, e2e, compared });
}

/**
 * The performance goals, each with the figure measured above: met, missed, or not measured in
 * this run (a size or a part that was left out). The editor's goals are measured by
 * `npm run bench:editor`.
 */
function printGoals({ analyses, e2e, compared }) {
  const verdict = (value, ok) => (value === undefined ? 'not measured in this run' : ok ? 'met' : 'missed');
  const at = (queries) => analyses.find((a) => a.queries === queries);
  const cliAt = (queries, label) => e2e.find((e) => e.queries === queries && e.label === label);
  const lines = [];
  for (const label of ['defaults', 'budget']) {
    const e = cliAt(100000, label);
    const speedUp = e?.cli && e?.peer ? e.peer.ms / e.cli.ms : undefined;
    lines.push(
      `100k x 8, CLI end to end (${label === 'defaults' ? 'defaults' : `--budget ${arg('budget', '0.0002')}`}) at least 10x faster than the notebook peer: ` +
        `${speedUp === undefined ? 'n/a' : `${speedUp.toFixed(1)}x (${fmt(e.cli.ms)} ms against ${fmt(e.peer.ms)} ms)`} -> ${verdict(speedUp, speedUp >= 10)}`,
    );
  }
  const a = at(100000);
  lines.push(`100k x 8, analysis after loading without intervals at most 150 ms: ${fmt(a?.plain.analysisMs)} ms -> ${verdict(a?.plain.analysisMs, a?.plain.analysisMs <= 150)}`);
  lines.push(
    `100k x 8, analysis after loading with the 1,000-resample intervals at most 300 ms: ${fmt(a?.withIntervals.analysisMs)} ms -> ${verdict(a?.withIntervals.analysisMs, a?.withIntervals.analysisMs <= 300)}`,
  );
  for (const label of ['defaults', 'budget']) {
    const m = cliAt(1000000, label)?.cli;
    lines.push(
      `1M x 8, CLI end to end (${label === 'defaults' ? 'defaults' : `--budget ${arg('budget', '0.0002')}`}) at most 5 s and 800 MB: ${m ? `${fmt(m.ms / 1000, 1)} s, ${fmt(m.peakRssMB)} MB` : 'n/a'} -> ` +
        verdict(m?.ms, m && m.ms <= 5000 && m.peakRssMB <= 800),
    );
  }
  const c = compared?.cli?.ms;
  lines.push(`100k x 8, \`compare\` CLI end to end at most 5 s: ${c === undefined ? 'n/a' : `${fmt(c / 1000, 1)} s`} -> ${verdict(c, c <= 5000)}`);
  console.log('');
  console.log(`Goals (load average ${loadavg()[0].toFixed(1)} now; the editor's goals: npm run bench:editor):`);
  for (const l of lines) console.log(`- ${l}`);
}

if (flag('measure')) await measure(arg('measure'));
else if (flag('measure-compare')) await measureCompare(arg('measure-compare'));
else await main();
