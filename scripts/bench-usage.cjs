// Preloaded by the benchmark into the command-line runs it times (`node --require`): on exit,
// writes the process's CPU time (every thread) and peak resident memory as JSON to the file
// named by BENCH_USAGE_FILE. Not part of the product.
const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssMB: usage.maxRSS / 1024 }));
  });
}
