// Preloaded into the analysis process by the benchmark probe (development only; Node refuses
// --cpu-prof in NODE_OPTIONS): profiles the process's main thread with the inspector, 1 ms
// sampling, and writes CASCADE_BENCH_PROFILE_DIR/analysis-<pid>-<thread>.cpuprofile (its loading
// threads too) when it ends, on SIGTERM too (a signal's default action would end it without writing anything).
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { threadId } = require('node:worker_threads');

const dir = process.env.CASCADE_BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // An in-process session answers synchronously.
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `analysis-${process.pid}-${threadId}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('exit', write);
  process.on('SIGTERM', () => process.exit(0));
}
