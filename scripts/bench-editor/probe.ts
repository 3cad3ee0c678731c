// The benchmark's probe (see README.md): a 5 ms timer on the extension host's main thread;
// when it runs late, the thread was busy for that long, and the stall is written down.
import { appendFileSync } from 'node:fs';

const PERIOD_MS = 5;
/** Stalls shorter than this are not written (a timer runs a little late now and then). */
const RECORD_FROM_MS = 20;

export function activate(): void {
  const file = process.env.CASCADE_BENCH_PROBE_FILE;
  if (!file) return;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const blockedMs = now - last - PERIOD_MS;
    last = now;
    if (blockedMs > RECORD_FROM_MS) appendFileSync(file, `${JSON.stringify({ at: Date.now(), blockedMs })}\n`);
  }, PERIOD_MS);
}

export function deactivate(): void {}
