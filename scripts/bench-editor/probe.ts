// The benchmark's probe (see README.md): a 5 ms timer on the extension host's main thread;
// when it runs late, the thread was busy for that long, and the stall is written down. With
// CASCADE_BENCH_PROFILE_DIR set it also profiles that thread (the inspector, in-process) until
// a file named `stop` appears there, then writes `extension-host.cpuprofile` beside it; and the
// analysis process the extension starts later inherits NODE_OPTIONS that preload
// `profile-preload.js`, which profiles it and writes `analysis-<pid>-<thread>.cpuprofile` there when it ends.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const PERIOD_MS = 5;
/** Stalls shorter than this are not written (a timer runs a little late now and then). */
const RECORD_FROM_MS = 20;

export function activate(): void {
  const file = process.env.CASCADE_BENCH_PROBE_FILE;
  if (file) {
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      const blockedMs = now - last - PERIOD_MS;
      last = now;
      if (blockedMs > RECORD_FROM_MS) appendFileSync(file, `${JSON.stringify({ at: Date.now(), blockedMs })}\n`);
    }, PERIOD_MS);
  }
  const dir = process.env.CASCADE_BENCH_PROFILE_DIR;
  if (dir) {
    // The analysis process is forked with the extension host's environment when the first job runs.
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require=${join(__dirname, 'profile-preload.js')}`.trim();
    const session = new Session();
    session.connect();
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')));
    const poll = setInterval(() => {
      if (!existsSync(join(dir, 'stop'))) return;
      clearInterval(poll);
      session.post('Profiler.stop', (err, result) => {
        if (!err) writeFileSync(join(dir, 'extension-host.cpuprofile'), JSON.stringify(result.profile));
        session.disconnect();
      });
    }, 500);
  }
}

export function deactivate(): void {}
