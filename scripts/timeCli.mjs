// One run of the command line as the benchmarks time it (scripts/bench.mjs, scripts/bench-ab.mjs):
// a fresh Node process with `scripts/bench-usage.cjs` preloaded, which writes its CPU time (every
// thread) and peak resident memory on exit. Not part of the product.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const usageScript = join(resolve(fileURLToPath(new URL('.', import.meta.url))), 'bench-usage.cjs');

/**
 * Runs `node [nodeFlags] cli args` with `env` added to this process's, the usage written to
 * `usageFile` (removed after). Returns the exit status, the output (a Buffer) and error text, the
 * wall time in ms, and `cpuMs` and `peakRssMB` when the process wrote them.
 */
export function timeCli({ cli, args, nodeFlags = [], env = {}, usageFile }) {
  rmSync(usageFile, { force: true });
  const started = performance.now();
  const run = spawnSync(process.execPath, [...nodeFlags, '--require', usageScript, cli, ...args], {
    maxBuffer: 1 << 30,
    env: { ...process.env, ...env, BENCH_USAGE_FILE: usageFile },
  });
  const ms = performance.now() - started;
  const usage = existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : {};
  rmSync(usageFile, { force: true });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.toString(), ms, cpuMs: usage.cpuMs, peakRssMB: usage.peakRssMB };
}
