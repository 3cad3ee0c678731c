// The editor's analysis process alone (not a test: it prints figures), driven as the extension
// host drives it: `dist/worker.js` forked with the host's options, the job planned from the
// editor benchmark's cascade config over the synthetic files, a first job, then `--saves`
// times one answer of one file changed (as `npm run bench:editor` does) and the job again.
// Prints per job the process's own load and analysis times, the CPU time of the process
// (both threads) and its RSS after the job, then asks for the budget grid as the panel would.
// Quicker than the real-editor benchmark and less moved by a busy machine (CPU time); run
// `npm run build` first, and pass `--dist DIR` to measure another build side by side. With
// `--read-ahead`, each save is sent as the host sends it: the changed file announced at once
// (`readAhead`), the job after the host's settle delay (50 ms), on every other save only (the
// others without the announcement, for a side-by-side figure: the time from the write to the
// result back).
//
//   node --import tsx scripts/bench-analysis-process.ts [--queries 100000] [--saves 4] [--saves-mode distinct|alternate] [--file gpt-4o.jsonl] [--dist dist] [--profile DIR] [--read-ahead] [--digest] [--node-flags "--trace-gc ..."]
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCascadeConfig } from '../src/core/config/config.ts';
import { planJob, type PlanSettings } from '../src/extension/store/plan.ts';
import { SETTING_DEFAULTS, Setting } from '../src/extension/constants.ts';
import { mallocTunables, WORKER_NODE_FLAGS } from '../src/extension/store/analysisWorker.ts';
import { readAheadSettings, type FromWorker, type JobDone } from '../src/extension/workerProtocol.ts';
import { saveModeArg, savedContents } from './bench-saves.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1]!;
};
const ROOT = resolve(__dirname, '..');
const queries = Number(arg('queries', '100000'));
const saves = Number(arg('saves', '4'));
const dist = resolve(arg('dist', join(ROOT, 'dist')));
const profile = process.argv.includes('--profile') ? resolve(arg('profile', '.')) : undefined;
const readAhead = process.argv.includes('--read-ahead');
/** More flags for the analysis process's Node, e.g. `--node-flags "--trace-gc"` (space-separated). */
const nodeFlags = arg('node-flags', '')
  .split(' ')
  .filter((f) => f !== '');
/** The host's quiet time after a change before it plans the job (`SAVE_SETTLE_MS`). */
const SETTLE_MS = 50;

async function main(): Promise<void> {
  const { generate } = (await import('./gen-synthetic.mjs')) as typeof import('./gen-synthetic.mjs');
  const { dir } = await generate({ queries, out: join(ROOT, '.cache', 'bench'), log: (s: string) => console.error(s) });
  const workspace = mkdtempSync(join(tmpdir(), 'cascade-bench-process-'));
  mkdirSync(join(workspace, 'evals'));
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) copyFileSync(join(dir, f), join(workspace, 'evals', f));
  // The editor benchmark's config (scripts/bench-editor.ts).
  const config = parseCascadeConfig(
    ['evals: [evals/*.jsonl]', 'split: {field: split, calibration: train, holdout: test}', 'budget: 0.0002', 'cascade:', '  - model: gpt-4o-mini', '    threshold: -0.5', '  - model: gpt-4o', ''].join(
      '\n',
    ),
    'yaml',
  );
  const settings: PlanSettings = {
    evalFiles: [...SETTING_DEFAULTS[Setting.EvalFiles]],
    budget: null,
    maxFileSizeMB: SETTING_DEFAULTS[Setting.MaxFileSizeMB],
    maxLineLengthKB: SETTING_DEFAULTS[Setting.MaxLineLengthKB],
    bootstrapResamples: SETTING_DEFAULTS[Setting.BootstrapResamples],
    budgetConfidence: SETTING_DEFAULTS[Setting.BudgetConfidence],
  };
  const stamps = () =>
    readdirSync(join(workspace, 'evals'))
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .map((f) => {
        const path = join(workspace, 'evals', f);
        const s = statSync(path);
        return { path, size: s.size, mtimeMs: s.mtimeMs };
      });

  const worker = fork(join(dist, 'worker.js'), [], {
    serialization: 'advanced',
    execArgv: [...WORKER_NODE_FLAGS, ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), ...nodeFlags],
    env: { ...process.env, GLIBC_TUNABLES: mallocTunables(process.env.GLIBC_TUNABLES) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  /** User and system CPU time of the process (all its threads), in ms. */
  const cpuMs = (): number => {
    const fields = readFileSync(`/proc/${worker.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const rssMB = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))![1]) / 1024;
  // Each part read as the host reads it: said at once, so that the process posts the next (`PartPacer`).
  worker.on('message', (m: FromWorker) => void (m.type === 'part' && worker.send({ type: 'partRead', jobId: m.jobId })));
  // With `--digest`: each job's parts, for a digest of what it sent back (to compare two builds).
  const digest = process.argv.includes('--digest');
  const parts = new Map<number, unknown[]>();
  if (digest) worker.on('message', (m: FromWorker) => void (m.type === 'part' && parts.set(m.jobId, [...(parts.get(m.jobId) ?? []), m])));
  const digestOf = (done: JobDone, grid: FromWorker): string =>
    createHash('md5')
      .update(
        JSON.stringify([parts.get(done.jobId), done.result, done.budgetOptions, done.cascadeLocal, done.issues, grid.type === 'grid' ? { ...grid, gridMs: 0 } : grid.type], (k, v) =>
          k === 'jobId' ? undefined : v,
        ),
      )
      .digest('hex')
      .slice(0, 12);
  let nextId = 1;
  /** Sends a message and resolves with the worker's answer to it (not its progress or comparison). */
  const ask = (message: Record<string, unknown>, jobId = nextId++): Promise<FromWorker> =>
    new Promise((settle) => {
      const on = (m: FromWorker) => {
        if (m.jobId !== jobId || m.type === 'progress' || m.type === 'part' || m.type === 'comparison') return;
        worker.off('message', on);
        settle(m);
      };
      worker.on('message', on);
      worker.send({ ...message, jobId });
    });
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  console.log(`The analysis process alone: ${queries} queries x 8 models, ${dist}`);
  const file = join(workspace, 'evals', arg('file', 'gpt-4o.jsonl'));
  const original = readFileSync(file);
  // Each save one wrong answer made right (scripts/bench-saves.ts): the same size, another result.
  const contents = savedContents(original, saves, saveModeArg(process.argv));
  try {
    for (let s = 0; s <= saves; s++) {
      if (s > 0) {
        writeFileSync(file, contents[s - 1]!);
      }
      const cpu = cpuMs();
      const written = performance.now();
      const announced = readAhead && s > 0 && s % 2 === 1;
      if (readAhead && s > 0) {
        const request = planJob(config, settings, stamps(), workspace).request;
        if (announced)
          worker.send({
            type: 'readAhead',
            jobId: nextId++,
            file: request.files.find((f) => f.path === file)!,
            job: readAheadSettings(request),
          });
        await pause(SETTLE_MS);
      }
      const started = performance.now();
      const done = (await ask({ type: 'analyze', ...planJob(config, settings, stamps(), workspace).request })) as JobDone;
      const wall = performance.now() - started;
      const sinceWrite = performance.now() - written;
      const used = cpuMs() - cpu;
      if (done.error) throw new Error(done.error);
      const grid = await ask({ type: 'grid' }, done.jobId);
      console.log(
        `${s === 0 ? 'first job' : `save ${s}`}: ${done.filesRead} of 8 files read, load ${done.loadMs.toFixed(0)} ms, analysis ${done.analyzeMs.toFixed(0)} ms, ` +
          `result back ${wall.toFixed(0)} ms after the job was sent` +
          (readAhead && s > 0 ? ` (${sinceWrite.toFixed(0)} ms after the write, ${announced ? `the file announced at the write: ${done.filesReadAhead ?? 0} read ahead` : 'not announced'})` : '') +
          `; ${used} ms of the process's CPU; RSS ${rssMB().toFixed(0)} MB after` +
          (grid.type === 'grid' ? `; budget grid ${grid.gridMs.toFixed(0)} ms` : '') +
          (digest ? `; digest ${digestOf(done, grid)}` : ''),
      );
      // Let the collection after the job run, as between two saves.
      await pause(400);
    }
  } finally {
    writeFileSync(file, original);
    worker.disconnect();
    await pause(profile ? 2000 : 200);
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
