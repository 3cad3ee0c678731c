/**
 * The loader under random corruption of real records (see `test/support/fuzz.ts` for the
 * corruptions and the reference rules). Seeded and bounded in time: a few seconds here; `npm
 * run fuzz` runs the same fuzzer for minutes and prints its counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkCase, emptyCounts, fuzzCase } from '../support/fuzz.ts';

const SEED = 13;
const RUNS = 150;
/** A slow machine stops early rather than late (the cases run are counted and checked). */
const TIME_LIMIT_MS = 10_000;

test('fuzzed files: accepted + rejected = non-blank lines, every corrupted line reported at its line, every untouched record analysed', async (t) => {
  const counts = emptyCounts();
  let cases = 0;
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(fuzzCase, async (c) => {
      cases++;
      await checkCase(c, counts);
    }),
    { seed: SEED, numRuns: RUNS, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)] },
  );
  t.diagnostic(
    `${cases} cases, ${counts.files} files, ${counts.lines} lines, ${counts.corruptedLines} corrupted (${JSON.stringify(counts.byKind)}), ` +
      `${counts.accepted} accepted, ${counts.rejected} rejected, ${counts.gzipCut} gzip cuts, in ${Date.now() - started} ms`,
  );
  // The corruptions reached the loader, not only the happy path.
  assert.ok(cases >= 20, `only ${cases} cases ran`);
  assert.ok(counts.corruptedLines > cases && counts.rejected > cases / 2 && counts.gzipCut > 0, JSON.stringify(counts));
});
