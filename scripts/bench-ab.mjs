// Two builds of the command line, or one build with two sets of Node flags, timed in alternating
// runs (not a test: it prints figures). On a machine whose speed drifts by more than a change
// moves a run (see the README's rounds), a change is judged by runs made one right after the
// other, many times over, not by two benchmarks made minutes apart.
//
//   node scripts/bench-ab.mjs [--pairs 10] [--a DIR] [--b DIR] [--a-flags "..."] [--b-flags "..."] -- <command-line arguments>
//   npm run bench:ab -- --b ../old/dist -- analyze .cache/bench/q100000 --json --budget 0.0002
//
// A and B are folders holding a build's `cli.js` (default: this checkout's `dist/` for both) and
// the Node flags each runs with (default none). The pairs alternate their order (A B, then B A),
// so that neither side always runs right after the other. Each side keeps a code cache of its own
// (`CASCADE_FRONTIER_CODE_CACHE`): a cache made by the other build, or with other flags, would
// be rejected and made again at every run. Prints, per side, the median and range of the wall
// time, the median CPU time of the process (every thread) and its peak resident memory, the pairs
// each side was faster in, and whether the two sides wrote the same output.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeCli } from './timeCli.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const split = process.argv.indexOf('--');
const options = split === -1 ? process.argv.slice(2) : process.argv.slice(2, split);
const cliArgs = split === -1 ? [] : process.argv.slice(split + 1);
const arg = (name, fallback) => {
  const i = options.indexOf(`--${name}`);
  return i === -1 ? fallback : options[i + 1];
};

const pairs = Number(arg('pairs', '10'));
if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`--pairs must be a whole number of 1 or more, not ${arg('pairs')}`);
if (cliArgs.length === 0) throw new Error('give the command line\'s arguments after "--", for example: -- analyze .cache/bench/q100000 --json');
const sides = ['a', 'b'].map((name) => {
  const dir = resolve(arg(name, join(root, 'dist')));
  const cli = join(dir, 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: build it first (npm run build)`);
  const flags = (arg(`${name}-flags`, '') ?? '').split(/\s+/).filter(Boolean);
  // A folder of the user's own, closed to others, as the entry point asks of a cache folder.
  const cache = mkdtempSync(join(tmpdir(), `bench-ab-${name}-`));
  return { name: name.toUpperCase(), cli, flags, cache, runs: [], digest: undefined };
});

/** One run of a side: wall time, CPU time and peak memory, and a digest of its output. */
function run(side) {
  const child = timeCli({ cli: side.cli, args: cliArgs, nodeFlags: side.flags, env: { CASCADE_FRONTIER_CODE_CACHE: side.cache }, usageFile: join(side.cache, 'usage.json') });
  // Exit 0, or 1 with a result (the analysis ran and found something to report).
  if (child.status !== 0 && !(child.status === 1 && child.stdout.length > 0)) {
    throw new Error(`${side.name} (${side.cli}) failed with exit code ${child.status}: ${child.stderr.slice(0, 500)}`);
  }
  side.digest ??= createHash('sha256').update(child.stdout).digest('hex');
  side.runs.push({ ms: child.ms, cpuMs: child.cpuMs, peakRssMB: child.peakRssMB });
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));

console.log(`Alternating runs of \`cascade-frontier ${cliArgs.join(' ')}\`: ${pairs} pairs, load average ${loadavg()[0].toFixed(2)} at start`);
for (const side of sides) console.log(`  ${side.name}: ${side.cli}${side.flags.length > 0 ? ` with ${side.flags.join(' ')}` : ''}`);
// One run of each first, not counted: the code caches are made, the files read into memory.
for (const side of sides) run(side);
for (const side of sides) side.runs.length = 0;
for (let p = 0; p < pairs; p++) for (const side of p % 2 === 0 ? sides : [...sides].reverse()) run(side);

console.log('');
console.log('side | wall ms: median (range)  | CPU ms: median | peak RSS MB | pairs faster');
for (const side of sides) {
  const other = sides.find((s) => s !== side);
  const wall = side.runs.map((r) => r.ms);
  const faster = side.runs.filter((r, i) => r.ms < other.runs[i].ms).length;
  const rss = side.runs.map((r) => r.peakRssMB).filter((x) => x !== undefined);
  console.log(
    [
      side.name.padEnd(4),
      `${fmt(median(wall))} (${fmt(Math.min(...wall))} to ${fmt(Math.max(...wall))})`.padEnd(25),
      fmt(median(side.runs.map((r) => r.cpuMs ?? NaN))).padEnd(14),
      (rss.length > 0 ? `${fmt(Math.min(...rss))} to ${fmt(Math.max(...rss))}` : 'n/a').padEnd(11),
      `${faster} of ${pairs}`,
    ].join(' | '),
  );
}
console.log('');
console.log(
  `Output: ${sides[0].digest === sides[1].digest ? 'the same on both sides' : 'DIFFERENT between the sides'} (sha256 of the first run's standard output); load average ${loadavg()[0].toFixed(2)} at the end.`,
);
for (const side of sides) rmSync(side.cache, { recursive: true, force: true });
