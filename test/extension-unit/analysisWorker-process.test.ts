/**
 * The analysis worker is a process of its own, outside the extension host: the data and its
 * caches live there, a job run `fresh` (eval files left the analysis) gets a new process and
 * the old one ends (its memory returned), and a worker whose host goes away ends too.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as vscode from 'vscode';
import { AnalysisWorker, type JobRequest } from '../../src/extension/store/analysisWorker.ts';
import { findDescendant } from '../e2e/support/memory.ts';
import { analyze, withBudgetPicks } from '../../src/core/analyze.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';

const WORKER = resolve(__dirname, 'support/tsWorker.mjs');
const DATA = resolve(__dirname, '../../examples/workspace/evals');

const never = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) } as unknown as vscode.CancellationToken;

function request(files: readonly string[]): JobRequest {
  return {
    files: files.map((f) => {
      const path = join(DATA, f);
      const s = statSync(path);
      return { path, size: s.size, mtimeMs: s.mtimeMs };
    }),
    load: { maxLineBytes: 1 << 24 },
    analyze: { split: { kind: 'none' }, bootstrapResamples: 0 },
  };
}

/**
 * The example eval files copied into a new folder (named from `prefix`), and a job over them
 * with a budget and a seeded half split, stamped as they are when it is made.
 */
function copiedEvals(prefix: string): { readonly dir: string; readonly job: () => JobRequest } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const files = readdirSync(DATA)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  for (const f of files) writeFileSync(join(dir, f), readFileSync(join(DATA, f)));
  const stamps = () =>
    files.map((f) => {
      const path = join(dir, f);
      const s = statSync(path);
      return { path, size: s.size, mtimeMs: s.mtimeMs };
    });
  return { dir, job: () => ({ files: stamps(), load: { maxLineBytes: 1 << 24 }, analyze: { split: { kind: 'random', holdoutFraction: 0.5, seed: 3 }, bootstrapResamples: 0, budget: 0.002 } }) };
}

const workerPid = (): number | undefined => findDescendant(process.pid, /tsWorker\.mjs/);
const alive = (pid: number): boolean => {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('AnalysisWorker process', () => {
  it('runs jobs in one child process; a fresh job gets a new one and the old one ends', { timeout: 120_000 }, async () => {
    const files = readdirSync(DATA)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
    const worker = new AnalysisWorker(WORKER);
    try {
      const all = await worker.run(request(files), never);
      assert.equal(all?.result?.models.length, files.length, all?.error);
      const first = workerPid();
      assert.ok(first !== undefined && first !== process.pid, 'the analysis runs in a child process');
      // The same process for the next job, which reuses its cached load.
      const again = await worker.run(request(files), never);
      assert.equal(again?.reusedLoad, true);
      assert.equal(workerPid(), first);
      // A file left the analysis: a new process, which reads the remaining files again.
      const fewer = await worker.run(request(files.slice(1)), never, undefined, undefined, true);
      assert.equal(fewer?.result?.models.length, files.length - 1);
      assert.equal(fewer?.filesRead, files.length - 1);
      const second = workerPid();
      assert.ok(second !== undefined && second !== first, 'a fresh job runs in a new process');
      for (let i = 0; i < 50 && alive(first); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(alive(first), false, 'the old process has ended');
    } finally {
      worker.dispose();
    }
  });

  it('posts the result without the budget grid, then its picks when asked, the same as one analysis with the grid gives', { timeout: 120_000 }, async () => {
    const files = readdirSync(DATA)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
    const job = request(files);
    const withGrid: JobRequest = { ...job, analyze: { ...job.analyze, budget: 0.002, budgetGrid: 6 } };
    const worker = new AnalysisWorker(WORKER);
    try {
      const done = await worker.run(withGrid, never);
      assert.ok(done?.result, done?.error);
      assert.equal(done.result.budgetPicks, undefined);
      // A later job's result replaces the first one's: the first grid is no longer computed, the later one is.
      const later = await worker.run({ ...withGrid, analyze: { ...withGrid.analyze, budget: 0.003 } }, never);
      assert.equal((await done.grid!())?.superseded, true);
      const laterGrid = await later!.grid!();
      assert.equal(laterGrid?.budgetPicks?.length, 6, laterGrid?.error);
      // Asked again: the same answer, not another computation.
      assert.equal(await later!.grid!(), laterGrid);
      const again = await worker.run(withGrid, never);
      const grid = await again!.grid!();
      assert.equal(grid?.budgetPicks?.length, 6, grid?.error);
      // The reference: the same files loaded and analysed in this process, with the grid.
      const loaded = await loadEvalFiles(job.files.map((f) => f.path));
      const expected = analyze(loaded.dataset, { ...withGrid.analyze, issues: loaded.issues, files: loaded.files });
      assert.equal(JSON.stringify(withBudgetPicks(again!.result!, grid!.budgetPicks!)), JSON.stringify(expected));
      // A job without a grid has none to wait for.
      assert.equal((await worker.run(job, never))?.grid, undefined);
    } finally {
      worker.dispose();
    }
  });

  it('sends a result with long lists in parts; put back together it is the one analysis in this process gives', { timeout: 120_000 }, async () => {
    const files = readdirSync(DATA)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
    const job: JobRequest = { ...request(files), analyze: { split: { kind: 'random', holdoutFraction: 0.5, seed: 3 }, bootstrapResamples: 0, budget: 0.002 } };
    const worker = new AnalysisWorker(WORKER);
    try {
      const loaded = await loadEvalFiles(job.files.map((f) => f.path));
      const expected = JSON.stringify(analyze(loaded.dataset, { ...job.analyze, issues: loaded.issues, files: loaded.files }));
      // Parts of 4 rows: every list of this result is cut into several.
      const parted = await worker.run({ ...job, resultPartRows: 4 }, never);
      assert.ok(parted?.result, parted?.error);
      assert.ok(parted.parts?.envelope !== undefined && parted.parts.envelope > 1, 'the envelope came in parts');
      assert.ok(parted.parts?.pairs !== undefined && parted.parts.pairs > 1, 'the pairs came in parts');
      assert.equal(JSON.stringify(parted.result), expected);
      // Whole, with the default rows per part.
      const whole = await worker.run(job, never);
      assert.equal(whole?.parts, undefined);
      assert.equal(JSON.stringify(whole?.result), expected);
    } finally {
      worker.dispose();
    }
  });

  it("after a file changes, sends only the result's items that differ from the last result's; put back, the result is the one analysis in this process gives", { timeout: 120_000 }, async () => {
    const { dir, job } = copiedEvals('cascade-worker-kept-');
    const expected = async (request: JobRequest) => {
      const loaded = await loadEvalFiles(request.files.map((f) => f.path));
      return JSON.stringify(analyze(loaded.dataset, { ...request.analyze, issues: loaded.issues, files: loaded.files }));
    };
    const worker = new AnalysisWorker(WORKER);
    try {
      const first = await worker.run(job(), never);
      assert.ok(first?.result, first?.error);
      assert.equal(worker.keptItems, 0, 'the first result is sent whole');
      // The dearest model's answers change on a few queries (the same length of file).
      const dear = join(dir, 'llama3.1-405b.jsonl');
      const lines = readFileSync(dear, 'utf8').split('\n');
      let changed = 0;
      for (let i = 0; i < lines.length && changed < 3; i++) {
        if (lines[i].includes('"correct": 0')) {
          lines[i] = lines[i].replace('"correct": 0', '"correct": 1');
          changed++;
        }
      }
      writeFileSync(dear, lines.join('\n'));
      const second = job();
      const after = await worker.run(second, never);
      assert.ok(after?.result, after?.error);
      assert.equal(JSON.stringify(after.result), await expected(second));
      assert.notEqual(JSON.stringify(after.result), JSON.stringify(first.result), 'the change moved the result');
      const items = after.result.envelope.length + after.result.pairs.length + (after.result.holdout?.length ?? 0);
      assert.ok(worker.keptItems > 0 && worker.keptItems < items, `${worker.keptItems} of ${items} items kept`);
      // Parts of 4 rows: what is sent of the lists comes in parts, and is put back with the kept items.
      writeFileSync(dear, readFileSync(join(DATA, 'llama3.1-405b.jsonl')));
      const third = job();
      const parted = await worker.run({ ...third, resultPartRows: 4 }, never);
      assert.ok(parted?.result, parted?.error);
      assert.ok(worker.keptItems > 0);
      assert.ok(parted.parts?.envelope !== undefined && parted.parts.envelope > 1, 'the envelope came in parts');
      assert.equal(JSON.stringify(parted.result), JSON.stringify(first.result));
    } finally {
      worker.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('packs the files it read whole once idle, so that the first change of one is parsed only where it changed; the result the one analysis in this process gives', { timeout: 120_000 }, async () => {
    const { dir, job } = copiedEvals('cascade-worker-packed-');
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const worker = new AnalysisWorker(WORKER);
    try {
      // Files packed only once they have stood unchanged for a while before the load read them (3 s).
      await sleep(3500);
      const first = await worker.run(job(), never);
      assert.ok(first?.result, first?.error);
      // The process packs a second after its last job.
      await sleep(2500);
      const dear = join(dir, 'llama3.1-405b.jsonl');
      writeFileSync(dear, readFileSync(dear, 'utf8').replace('"correct": 0', '"correct": 1'));
      const second = job();
      const after = await worker.run(second, never);
      assert.ok(after?.result, after?.error);
      assert.deepEqual([after.filesRead, after.filesPatched], [1, 1], 'the first change of the file parsed only where it changed');
      const loaded = await loadEvalFiles(second.files.map((f) => f.path));
      assert.equal(JSON.stringify(after.result), JSON.stringify(analyze(loaded.dataset, { ...second.analyze, issues: loaded.issues, files: loaded.files })));
      assert.notEqual(JSON.stringify(after.result), JSON.stringify(first.result), 'the change moved the result');
    } finally {
      worker.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drops from its caches the load of a file version that is no longer current', { timeout: 120_000 }, async () => {
    const files = readdirSync(DATA)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
    const worker = new AnalysisWorker(WORKER);
    try {
      const original = request(files);
      await worker.run(original, never);
      // The first file in another version (another mtime): only it is read again.
      const other = { ...original, files: original.files.map((f, i) => (i === 0 ? { ...f, mtimeMs: f.mtimeMs + 1 } : f)) };
      const changed = await worker.run(other, never);
      assert.deepEqual([changed?.reusedLoad, changed?.filesRead], [false, 1]);
      // The joined load of the first version was dropped when the second arrived (two loads would fit in the cache).
      const back = await worker.run(original, never);
      assert.deepEqual([back?.reusedLoad, back?.filesRead], [false, 1]);
    } finally {
      worker.dispose();
    }
  });

  it("estimates tokens of a table without costs when the job's load asks it (the config's estimateTokens: true), and not otherwise", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-worker-estimate-'));
    const rows = Array.from({ length: 12 }, (_, i) => ({
      prompt: `Question ${i}?${' more'.repeat(i % 4)}`,
      small: i % 3 !== 0,
      large: i % 5 !== 0,
      smallAnswer: `${i}`,
      largeAnswer: `It is ${i * 7}.`,
    }));
    const path = join(dir, 'routellm.csv');
    writeFileSync(path, ['prompt,small,large,small_response,large_response', ...rows.map((r) => `${r.prompt},${r.small},${r.large},${r.smallAnswer},${r.largeAnswer}`)].join('\n') + '\n');
    const s = statSync(path);
    const prices = [['small', { inputPerMillion: 1, outputPerMillion: 2 }] as const, ['large', { inputPerMillion: 10, outputPerMillion: 20 }] as const];
    const job = (estimateTokens: boolean): JobRequest => ({
      files: [{ path, size: s.size, mtimeMs: s.mtimeMs }],
      load: { prices, maxLineBytes: 1 << 24, ...(estimateTokens ? { estimateTokens: true } : {}) },
      analyze: { split: { kind: 'none' }, bootstrapResamples: 0 },
    });
    // ceil(characters / 4) tokens of the prompt (input) and of the answer (output), priced per million.
    const mean = (answer: (r: (typeof rows)[number]) => string, input: number, output: number) =>
      rows.reduce((t, r) => t + (Math.ceil(r.prompt.length / 4) * input + Math.ceil(answer(r).length / 4) * output) / 1e6, 0) / rows.length;
    const worker = new AnalysisWorker(WORKER);
    try {
      const estimated = await worker.run(job(true), never);
      const costs = Object.fromEntries((estimated?.result?.models ?? []).map((m) => [m.name, m.cost]));
      assert.ok(Math.abs(costs.small! - mean((r) => r.smallAnswer, 1, 2)) < 1e-15, `${costs.small} (${estimated?.error})`);
      assert.ok(Math.abs(costs.large! - mean((r) => r.largeAnswer, 10, 20)) < 1e-15, `${costs.large}`);
      // The same files without it: another load (the cache key holds the option), and no record has a cost.
      const plain = await worker.run(job(false), never);
      assert.equal(plain?.reusedLoad, false);
      assert.equal(plain?.result, undefined);
      assert.ok(
        plain?.issues.some((i) => /neither "cost" nor "tokens_in"\/"tokens_out" is present/.test(i.message)),
        plain?.error,
      );
    } finally {
      worker.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
