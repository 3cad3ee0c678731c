/**
 * The chain threshold search of `compare` alone, in one thread: every chain of three stages or
 * more that `compare` searches on the calibration split of a folder (the subsequences of up to
 * four models and the full chain), over its shadow-price grid. Prints the wall and CPU time,
 * the time by chain length, and a digest of every point found (thresholds, cost, quality) to
 * check that a change leaves the search's results the same to the last bit, and how many
 * positions the block scans looked at, how many they started ahead of, and how many they walked
 * back over from where the last scan found its best to know where to start.
 *
 *   node --import tsx scripts/bench-chains.ts <folder>
 */
import { createHash } from 'node:crypto';
import { loadEvalFiles } from '../src/core/load/index.ts';
import { prepareRun } from '../src/core/prepare.ts';
import { chainFrontier, lambdaGrid } from '../src/core/chain/frontier.ts';
import { chainProblem, chainSearchCounts, confidenceIndexes } from '../src/core/chain/optimize.ts';
import { costOrder, DEFAULT_MAX_SUBSEQUENCE, subsequenceCandidates } from '../src/core/chain/subsequence.ts';

async function main(dir: string): Promise<void> {
  const loaded = await loadEvalFiles([dir]);
  const { cal } = prepareRun(loaded.dataset, {});
  const grid = lambdaGrid(cal.models);
  const indexes = confidenceIndexes(cal.models);
  const chains = subsequenceCandidates(costOrder(cal), DEFAULT_MAX_SUBSEQUENCE).filter((stages) => stages.length >= 3);
  if (cal.models.length > DEFAULT_MAX_SUBSEQUENCE) chains.push(costOrder(cal));
  const digest = createHash('sha256');
  const byLength = new Map<number, number>();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const stages of chains) {
    const t = performance.now();
    const points = chainFrontier(chainProblem(stages, indexes), grid);
    byLength.set(stages.length, (byLength.get(stages.length) ?? 0) + performance.now() - t);
    for (const p of points) digest.update(`${p.lambda} ${Array.from(p.thresholds).join(',')} ${p.cost} ${p.quality}\n`);
  }
  const used = process.cpuUsage(cpu);
  const ms = (x: number) => Math.round(x);
  console.log(
    `${chains.length} chains of the ${cal.n} calibration queries, ${grid.length} shadow prices: ${ms(performance.now() - started)} ms (${ms((used.user + used.system) / 1000)} ms of CPU); ` +
      [...byLength].map(([length, t]) => `${length} stages ${ms(t)} ms`).join(', ') +
      `; block scans looked at ${chainSearchCounts().scanned} positions and started ahead of ${chainSearchCounts().skipped} (walking back over ${chainSearchCounts().walkedBack})` +
      `; digest ${digest.digest('hex').slice(0, 16)}`,
  );
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node --import tsx scripts/bench-chains.ts <folder>');
  process.exitCode = 2;
} else {
  main(dir).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
