/**
 * The loader fuzzer of `npm test` (test/core/load-fuzz.test.ts), run for longer: batches of
 * random cases until the time is up, then the counts. A failure prints the case, its seed and
 * path (to replay with fast-check), and exits 1.
 *
 *   npm run fuzz [-- --minutes 3] [--seed N] [--batch 200]
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { checkCase, emptyCounts, fuzzCase, LINE_KINDS } from '../test/support/fuzz.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string' }, seed: { type: 'string' }, batch: { type: 'string' } } });
const minutes = Number(values.minutes ?? 3);
const batch = Number(values.batch ?? 200);
let seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
if (!(minutes > 0) || !(batch > 0) || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--minutes M] [--seed N] [--batch B]');
  process.exit(2);
}

async function main(): Promise<void> {
  const counts = emptyCounts();
  const started = Date.now();
  const deadline = started + minutes * 60_000;
  let cases = 0;
  console.log(`Fuzzing the loader for ${minutes} min from seed ${seed} (batches of ${batch} cases)`);
  while (Date.now() < deadline) {
    const result = await fc.check(
      fc.asyncProperty(fuzzCase, async (c) => {
        cases++;
        await checkCase(c, counts);
      }),
      { seed, numRuns: batch, plugins: [fc.interruptAfterTimeLimit(Math.max(1000, deadline - Date.now()))] },
    );
    if (result.failed) {
      console.error(`FAILED at seed ${result.seed}, path ${JSON.stringify(result.counterexamplePath)}:`);
      console.error(JSON.stringify(result.counterexample));
      console.error(String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance));
      process.exit(1);
    }
    seed++;
    const s = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`  ${s} s: ${cases} cases, ${counts.files} files, ${counts.lines} lines, ${counts.rejected} rejected`);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${cases} cases in ${seconds.toFixed(0)} s, no failure`);
  console.log(`files: ${counts.files} (${counts.gzipCut} gzip files cut short, ${counts.multilineCsv} CSV files read with multi-line fields)`);
  console.log(`non-blank lines: ${counts.lines}; records accepted: ${counts.accepted}; rejected: ${counts.rejected}; warnings at a line: ${counts.warned}`);
  console.log(`corrupted lines: ${counts.corruptedLines}; corruptions by kind: ${LINE_KINDS.map((k) => `${k} ${counts.byKind[k] ?? 0}`).join(', ')}`);
}

void main();
