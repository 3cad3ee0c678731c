/**
 * planJob: the analysis job the editor asks for, from a cascade config (or none), the settings
 * and the eval files found, checked against requests written out here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCascadeConfig } from '../../src/core/config/config.ts';
import { changeCallsForRecompute, evalGlobs, planJob, type FileStamp, type PlanSettings } from '../../src/extension/store/plan.ts';

const settings: PlanSettings = { evalFiles: ['**/*.jsonl'], budget: 0.0005, maxFileSizeMB: 1, maxLineLengthKB: 64, bootstrapResamples: 200 };
const small = { path: '/w/evals/a.jsonl', size: 1000, mtimeMs: 1 };
const large = { path: '/w/evals/b.jsonl', size: 3 * 1048576, mtimeMs: 2 };

test('planJob without a config: the settings give the globs, the budget and the limits', () => {
  const plan = planJob(undefined, settings, [small], 'in the workspace');
  assert.deepEqual(plan.request, {
    files: [small],
    load: { maxLineBytes: 64 * 1024 },
    analyze: { budget: 0.0005, bootstrapResamples: 200, budgetGrid: 48 },
    compare: true,
  });
  assert.deepEqual(plan.skipped, []);
  assert.equal(plan.noFilesReason, 'no eval files match **/*.jsonl in the workspace. Run "Select Eval Files" or change the cascadeFrontier.evalFiles setting.');
  assert.deepEqual(evalGlobs(undefined, settings), ['**/*.jsonl']);
});

test('planJob with a config: its budget, split, cascade and globs win over the settings', () => {
  const text = 'evals: [evals/*.jsonl]\nsplit: {field: fold, calibration: a, holdout: b}\nbudget: 0.0003\ncascade:\n  - model: small\n    threshold: -0.5\n  - model: large\n';
  const config = parseCascadeConfig(text, 'yaml');
  const plan = planJob(config, settings, [small], 'under cfg');
  assert.deepEqual(plan.request, {
    files: [small],
    load: { splitField: 'fold', maxLineBytes: 64 * 1024 },
    analyze: {
      budget: 0.0003,
      split: { kind: 'field', field: 'fold', calibration: 'a', holdout: 'b' },
      cascade: { kind: 'pair', models: ['small', 'large'], thresholds: [-0.5] },
      bootstrapResamples: 200,
      budgetGrid: 48,
    },
    compare: true,
  });
  assert.deepEqual(evalGlobs(config, settings), ['evals/*.jsonl']);
  assert.equal(plan.noFilesReason, 'no eval files match evals/*.jsonl under cfg. Run "Select Eval Files" or edit `evals` in the config.');
});

test('planJob: the budget confidence and the latency limit come from the config, else from the settings', () => {
  const withSettings = { ...settings, budgetConfidence: 0.8, maxLatencyP95Ms: 900 };
  const none = planJob(undefined, withSettings, [small], 'x').request.analyze;
  assert.equal(none.budgetConfidence, 0.8);
  assert.equal(none.maxLatencyP95Ms, 900);
  const config = parseCascadeConfig('budget: 0.0003\nbudgetConfidence: 0.95\nmaxLatencyP95Ms: 400\n', 'yaml');
  const own = planJob(config, withSettings, [small], 'x').request.analyze;
  assert.equal(own.budgetConfidence, 0.95);
  assert.equal(own.maxLatencyP95Ms, 400);
  assert.equal(planJob(undefined, { ...settings, maxLatencyP95Ms: null }, [small], 'x').request.analyze.maxLatencyP95Ms, undefined);
});

test('planJob skips a file above maxFileSizeMB with a warning naming the setting, and reads the rest', () => {
  const plan = planJob(undefined, settings, [small, large], 'in the workspace');
  assert.deepEqual(plan.request.files, [small]);
  assert.strictEqual(plan.request.files[0], small, 'the same stamp objects, so the store can map them back to its files');
  assert.deepEqual(plan.skipped, [
    {
      file: '/w/evals/b.jsonl',
      line: 0,
      severity: 'warning',
      message: 'skipped: 3 MB is above the cascadeFrontier.maxFileSizeMB setting (1 MB). Raise the setting to read it, or point the globs at smaller files.',
    },
  ]);
  // 0 means no limit.
  assert.deepEqual(planJob(undefined, { ...settings, maxFileSizeMB: 0 }, [small, large], 'x').request.files, [small, large]);
});

test('planJob: when a folder named by a glob could not be read, its reasons are the message', () => {
  const plan = planJob(undefined, settings, [], 'in the workspace', ['results/: no data file found (looked for lm-eval, HELM and Inspect layouts).', 'more/: unreadable.']);
  assert.equal(plan.noFilesReason, 'results/: no data file found (looked for lm-eval, HELM and Inspect layouts). more/: unreadable.');
});

test('planJob: `confidence: learned` in the config, or the setting without a config, asks for a learned confidence and keeps the answer texts', () => {
  const config = parseCascadeConfig('evals: [evals/*.jsonl]\nconfidence: learned\n', 'yaml');
  const fromConfig = planJob(config, settings, [small], 'under cfg').request;
  assert.deepEqual([fromConfig.load.keepResponses, fromConfig.load.confidenceSignal, fromConfig.analyze.confidence], [true, undefined, 'learned']);
  const fromSetting = planJob(undefined, { ...settings, confidence: 'learned' }, [small], 'in the workspace').request;
  assert.deepEqual([fromSetting.load.keepResponses, fromSetting.analyze.confidence], [true, 'learned']);
  // A signal in the config wins over the setting, and asks for nothing learned.
  const signal = planJob(parseCascadeConfig('confidence: min-logprob\n', 'yaml'), { ...settings, confidence: 'learned' }, [small], 'under cfg').request;
  assert.deepEqual([signal.load.confidenceSignal, signal.load.keepResponses, signal.analyze.confidence], ['min-logprob', undefined, undefined]);
});

test("planJob: the config's estimateTokens: true reaches the job's load options; false or absent asks nothing", () => {
  const on = planJob(parseCascadeConfig('estimateTokens: true\n', 'yaml'), settings, [small], 'x').request.load;
  assert.deepEqual(on, { estimateTokens: true, maxLineBytes: 64 * 1024 });
  assert.deepEqual(planJob(parseCascadeConfig('estimateTokens: false\n', 'yaml'), settings, [small], 'x').request.load, { maxLineBytes: 64 * 1024 });
  assert.deepEqual(planJob(undefined, settings, [small], 'x').request.load, { maxLineBytes: 64 * 1024 });
});

test('a change recomputes unless the file has the size and mtime of the last change that did (a second event of one write)', () => {
  const seen = new Map<string, FileStamp>();
  const a = (size: number, mtimeMs: number): FileStamp => ({ path: '/w/evals/a.jsonl', size, mtimeMs });
  // The first change of a file, then a second event of the same write.
  assert.equal(changeCallsForRecompute(seen, 'file:///w/evals/a.jsonl', a(1000, 5)), true);
  assert.equal(changeCallsForRecompute(seen, 'file:///w/evals/a.jsonl', a(1000, 5)), false);
  // A truncation, then the data: both recompute (the settle delay lets them arrive together).
  assert.equal(changeCallsForRecompute(seen, 'file:///w/evals/a.jsonl', a(0, 6)), true);
  assert.equal(changeCallsForRecompute(seen, 'file:///w/evals/a.jsonl', a(1000, 6)), true);
  // The same size written again later; the same mtime with another size.
  assert.equal(changeCallsForRecompute(seen, 'file:///w/evals/a.jsonl', a(1000, 7)), true);
  assert.equal(changeCallsForRecompute(seen, 'file:///w/evals/a.jsonl', a(999, 7)), true);
  // Files are remembered apart.
  assert.equal(changeCallsForRecompute(seen, 'file:///w/evals/b.jsonl', { path: '/w/evals/b.jsonl', size: 999, mtimeMs: 7 }), true);
  assert.equal(changeCallsForRecompute(seen, 'file:///w/evals/a.jsonl', a(999, 7)), false);
});
