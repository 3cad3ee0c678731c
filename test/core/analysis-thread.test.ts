/**
 * Part of the analysis on a second core (analysisThread.ts): a loaded dataset's columns are in
 * shared memory, and `analyze` with a real worker thread gives the result of one thread (with
 * a budget or without, with the data's own split and with a random one, whose subsets are
 * copies); the worker's answer (the rule's pick for a budget, else the summaries) is the one
 * used; a worker that fails to load or fails, and columns that are not shared, leave the work
 * to the calling thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { NODE_BUNDLE } from '../../scripts/esbuildNode.mjs';
import { analyze } from '../../src/core/analyze.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import { isShared } from '../../src/core/sharedColumns.ts';
import { ANALYSES_AGAIN_AND_AGAIN, configureAnalysisThread } from '../../src/core/analysisThread.ts';
import { makeDataset } from '../support/dataset.ts';
import { repoRoot } from '../support/paths.ts';

const EXAMPLE = join(repoRoot, 'examples', 'mmlu');
const DEFAULTS = { script: undefined, minQueries: 200_000, minQueriesToPick: 50_000, minCores: 2 };

/**
 * The analysis worker bundled into `out` (`script`), and a script beside it (`marked`) that runs
 * it after leaving a mark in the file `mark`, to be sure a worker ran.
 */
async function workerScripts(out: string): Promise<{ readonly script: string; readonly marked: string; readonly mark: string }> {
  const script = join(out, 'analysis-worker.js');
  await esbuild.build({ ...NODE_BUNDLE, entryPoints: [join(repoRoot, 'src/core/analysisWorker.ts')], outfile: script });
  const marked = join(out, 'marked-worker.js');
  const mark = join(out, 'worker-ran');
  writeFileSync(marked, `require('node:fs').appendFileSync(${JSON.stringify(mark)}, 'x');\nrequire(${JSON.stringify(script)});\n`);
  return { script, marked, mark };
}

test('a loaded dataset has its quality, confidence, cost and latency columns in shared memory', async () => {
  const { dataset } = await loadEvalFiles([EXAMPLE]);
  assert.ok(dataset.models.length > 1);
  for (const m of dataset.models) {
    assert.ok(isShared(m.quality) && isShared(m.confidence) && isShared(m.cost) && m.latencyMs && isShared(m.latencyMs), m.name);
  }
});

test('analyze with part of its work on a worker thread gives the result of one thread; its answer is used; a worker that fails is replaced', async () => {
  const out = mkdtempSync(join(tmpdir(), 'cf-analysis-worker-'));
  const { script, marked, mark } = await workerScripts(out);
  const { dataset, issues } = await loadEvalFiles([EXAMPLE]);
  const asks = [
    { budget: 0.0004, issues, bootstrapResamples: 50 },
    // A random split: the subsets are copies of the columns, in shared memory too.
    { budget: 0.0004, issues, bootstrapResamples: 50, split: { kind: 'random' as const, seed: 3, holdoutFraction: 0.4 } },
    { issues, bootstrapResamples: 0, split: { kind: 'none' as const } },
  ];
  try {
    configureAnalysisThread({ script: undefined });
    const one = asks.map((options) => analyze(dataset, options));

    // The worker leaves a mark, to be sure it ran.
    configureAnalysisThread({ script: marked, minQueries: 1, minQueriesToPick: 1, minCores: 1 });
    asks.forEach((options, k) => {
      rmSync(mark, { force: true });
      const two = analyze(dataset, options);
      assert.ok(existsSync(mark), `the worker ran (ask ${k})`);
      assert.deepEqual(two, one[k], `ask ${k}`);
    });

    // Without a budget the worker summarises: one that reads other singles (each model's cost doubled) answers other summaries, and they are the ones shown.
    const doubled = join(out, 'doubled-cost-worker.js');
    writeFileSync(doubled, `const job = require('node:worker_threads').workerData.job;\njob.singles = job.singles.map((s) => ({ ...s, cost: 2 * s.cost }));\nrequire(${JSON.stringify(script)});\n`);
    configureAnalysisThread({ script: doubled });
    const shown = analyze(dataset, asks[2]);
    assert.deepEqual(
      shown.models.map((m) => m.cost),
      one[2].models.map((m) => 2 * m.cost),
    );
    assert.deepEqual(shown.envelope, one[2].envelope);
    // With a budget it picks, and the summaries are computed here.
    assert.deepEqual(analyze(dataset, asks[0]), one[0]);
    // With a budget the worker picks: one that picks for another budget answers another pick, and the recommendation is built on it.
    const otherBudget = join(out, 'other-budget-worker.js');
    writeFileSync(otherBudget, `const job = require('node:worker_threads').workerData.job;\njob.pick = { ...job.pick, budget: 0.00005 };\nrequire(${JSON.stringify(script)});\n`);
    configureAnalysisThread({ script: otherBudget });
    const lowPick = analyze(dataset, asks[0]);
    configureAnalysisThread({ script: undefined });
    const askedLow = analyze(dataset, { ...asks[0], budget: 0.00005 });
    assert.notDeepEqual(one[0].recommendation?.choice?.policy, askedLow.recommendation?.choice?.policy, 'the two budgets pick differently');
    assert.deepEqual(lowPick.recommendation?.choice?.policy, askedLow.recommendation?.choice?.policy);
    assert.deepEqual(lowPick.models, one[0].models);

    const broken = join(out, 'broken-worker.js');
    writeFileSync(broken, 'throw new Error("a fault of the worker");\n');
    configureAnalysisThread({ script: broken });
    assert.deepEqual(analyze(dataset, asks[0]), one[0]);
    // A worker that throws while it computes answers nothing.
    const failing = join(out, 'failing-worker.js');
    writeFileSync(failing, `require('node:worker_threads').workerData.job.cal.models = null;\nrequire(${JSON.stringify(script)});\n`);
    configureAnalysisThread({ script: failing });
    assert.deepEqual(analyze(dataset, asks[0]), one[0]);
    assert.deepEqual(analyze(dataset, asks[2]), one[2]);
  } finally {
    configureAnalysisThread(DEFAULTS);
    rmSync(out, { recursive: true, force: true });
  }
});

test('columns that are not in shared memory are summarised by the calling thread', async () => {
  const out = mkdtempSync(join(tmpdir(), 'cf-analysis-worker-'));
  const mark = join(out, 'worker-ran');
  const marked = join(out, 'marked-worker.js');
  writeFileSync(marked, `require('node:fs').writeFileSync(${JSON.stringify(mark)}, 'yes');\n`);
  const dataset = makeDataset({
    cheap: { q: [1, 0, 1, 0, 1, 1], s: [0.9, 0.2, 0.8, 0.1, 0.7, 0.6], c: [1, 1, 1, 1, 1, 1] },
    strong: { q: [1, 1, 1, 0, 1, 1], s: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9], c: [5, 5, 5, 5, 5, 5] },
  });
  try {
    configureAnalysisThread({ script: marked, minQueries: 1, minQueriesToPick: 1, minCores: 1 });
    const result = analyze(dataset, { split: { kind: 'none' } });
    assert.equal(result.models.length, 2);
    assert.ok(!existsSync(mark), 'no worker was started');
  } finally {
    configureAnalysisThread(DEFAULTS);
    rmSync(out, { recursive: true, force: true });
  }
});

test('the pick goes to the worker from its own size, the summaries from theirs; a process that analyses again and again takes the larger for both', async () => {
  const out = mkdtempSync(join(tmpdir(), 'cf-analysis-worker-'));
  const { marked, mark } = await workerScripts(out);
  const { dataset, issues } = await loadEvalFiles([EXAMPLE]);
  const withBudget = { budget: 0.0004, issues, bootstrapResamples: 50 };
  const withoutBudget = { issues, bootstrapResamples: 0 };
  const ran = (options: typeof withBudget | typeof withoutBudget): boolean => {
    rmSync(mark, { force: true });
    analyze(dataset, options);
    return existsSync(mark);
  };
  try {
    // The example's queries lie between the two sizes.
    const n = dataset.n;
    configureAnalysisThread({ script: marked, minQueries: n + 1, minQueriesToPick: n, minCores: 1 });
    assert.equal(ran(withBudget), true, 'a pick at its size goes to the worker');
    assert.equal(ran(withoutBudget), false, 'the summaries below theirs stay here');
    configureAnalysisThread({ minQueries: n, minQueriesToPick: n + 1 });
    assert.equal(ran(withBudget), false, 'a pick below its size stays here');
    assert.equal(ran(withoutBudget), true, 'the summaries at their size go to the worker');
    // A process that analyses again and again: neither part below 200,000 queries.
    configureAnalysisThread({ minQueriesToPick: n });
    configureAnalysisThread(ANALYSES_AGAIN_AND_AGAIN);
    assert.equal(ran(withBudget), false, 'again and again, a pick below 200,000 queries stays here');
    assert.equal(ran(withoutBudget), false, 'again and again, the summaries below 200,000 queries stay here');
  } finally {
    configureAnalysisThread(DEFAULTS);
    rmSync(out, { recursive: true, force: true });
  }
});
