import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as vscode from 'vscode';
import { AnalysisWorker, type JobRequest } from '../../src/extension/store/analysisWorker.ts';
import type { JobComparison } from '../../src/extension/workerProtocol.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import { compare } from '../../src/core/compare/compare.ts';
import { backtest } from '../../src/core/backtest.ts';

// The worker thread runs the TypeScript source through a bootstrap that registers the TypeScript loader.
const WORKER = resolve(__dirname, 'support/tsWorker.mjs');
const DATA = resolve(__dirname, '../../examples/mmlu');
const SPLIT = { kind: 'random', seed: 3, holdoutFraction: 0.5 } as const;

/** A cancellation token the test cancels by hand (the editor's own is not loaded in plain Node). */
function tokenSource() {
  const listeners = new Set<() => void>();
  let cancelled = false;
  const token = {
    get isCancellationRequested() {
      return cancelled;
    },
    onCancellationRequested: (fn: () => void) => {
      listeners.add(fn);
      return { dispose: () => listeners.delete(fn) };
    },
  } as unknown as vscode.CancellationToken;
  return { token, cancel: () => ((cancelled = true), [...listeners].forEach((fn) => fn())) };
}

function request(compareToo: boolean): JobRequest {
  const files = readdirSync(DATA)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => {
      const path = join(DATA, f);
      const s = statSync(path);
      return { path, size: s.size, mtimeMs: s.mtimeMs };
    });
  return { files, load: { maxLineBytes: 1 << 24 }, analyze: { split: SPLIT, bootstrapResamples: 0 }, ...(compareToo ? { compare: true } : {}) };
}

describe('AnalysisWorker with the comparison', () => {
  it('posts the analysis first, then the comparison of the same data (router included: prompts are kept)', { timeout: 120_000 }, async () => {
    const worker = new AnalysisWorker(WORKER);
    try {
      const analysis = tokenSource();
      const comparing = tokenSource();
      const events: string[] = [];
      let comparison: JobComparison | undefined;
      const arrived = new Promise<void>((resolveArrived) => {
        void worker
          .run(request(true), analysis.token, undefined, {
            token: comparing.token,
            onComparison: (c) => {
              events.push('comparison');
              comparison = c;
              resolveArrived();
            },
          })
          .then((done) => events.push(done?.result ? 'done' : 'no result'));
      });
      await arrived;
      assert.deepEqual(events, ['done', 'comparison']);
      assert.ok(comparison?.comparison, comparison?.error);
      // The same comparison computed directly from the files.
      const loaded = await loadEvalFiles([DATA]);
      const expected = compare(loaded.dataset, { split: SPLIT, bootstrapResamples: 0, issues: loaded.issues });
      const got = comparison.comparison;
      assert.equal(got.n, expected.n);
      assert.deepEqual(
        got.families.map((f) => [f.id, f.available, f.area.value]),
        expected.families.map((f) => [f.id, f.available, f.area.value]),
      );
      assert.equal(got.families.find((f) => f.id === 'router')?.available, true);
    } finally {
      worker.dispose();
    }
  });

  it('follows the comparison with the backtest of the recommendation rule on the same split (the panel line)', { timeout: 180_000 }, async () => {
    const worker = new AnalysisWorker(WORKER);
    try {
      const seen: JobComparison[] = [];
      const final = new Promise<JobComparison>((resolveFinal) => {
        void worker.run(request(true), tokenSource().token, undefined, {
          token: tokenSource().token,
          onComparison: (c) => {
            seen.push(c);
            if (!c.partial) resolveFinal(c);
          },
        });
      });
      const last = await final;
      assert.deepEqual(
        seen.map((c) => c.partial === true),
        [true, false],
      );
      assert.ok(last.backtest, last.backtestError);
      assert.ok(last.comparison);
      const loaded = await loadEvalFiles([DATA]);
      const expected = backtest(loaded.dataset, { split: SPLIT, repeats: 10 });
      assert.equal(last.backtest.splits.length, 11);
      assert.deepEqual(last.backtest.rules, expected.rules);
    } finally {
      worker.dispose();
    }
  });

  it('a cancelled comparison is reported once as cancelled; a job without compare reports none', { timeout: 120_000 }, async () => {
    const worker = new AnalysisWorker(WORKER);
    try {
      const comparing = tokenSource();
      const seen: JobComparison[] = [];
      const done = await worker.run(request(true), tokenSource().token, undefined, {
        token: comparing.token,
        onComparison: (c) => seen.push(c),
      });
      assert.ok(done?.result);
      comparing.cancel();
      comparing.cancel();
      assert.equal(seen.length, 1);
      assert.equal(seen[0].cancelled, true);
      // The worker is still usable: the next job runs after the cancelled comparison and reports none.
      let called = false;
      const next = await worker.run(request(false), tokenSource().token, undefined, { token: tokenSource().token, onComparison: () => (called = true) });
      assert.ok(next?.result);
      assert.equal(called, false);
      assert.equal(seen.length, 1);
    } finally {
      worker.dispose();
    }
  });
});
