/**
 * Folders as harnesses write them (test/fixtures/layouts, see its README): the loader finds the
 * per-query outputs below a folder, reads a task run again or a HELM run in several suites once
 * (from the latest), and leaves suite-level files and log manifests unread, saying so.
 * Expected values are the ones written into the fixtures.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectHarness, readHarnessFile } from '../../src/core/adapters/index.ts';
import { formatIssue, loadEvalFiles, parsePriceTable, withoutSuperseded } from '../../src/core/load/index.ts';
import { sniffEvalFile } from '../../src/core/load/sniff.ts';
import type { Dataset } from '../../src/core/types.ts';
import { repoRoot } from '../support/paths.ts';

const L = join(repoRoot, 'test', 'fixtures', 'layouts');
const PRICES = parsePriceTable(
  JSON.stringify({
    'openai/gpt-4o-mini': { input: 0.15, output: 0.6 },
    'openai/gpt-4o': { input: 2.5, output: 10 },
    'openai/gpt-4o-mini-alias': { input: 1, output: 1 },
    'meta-llama/Llama-3.1-8B-Instruct': { input: 0.02, output: 0.05 },
    'Qwen/Qwen2.5-0.5B-Instruct': { input: 0.01, output: 0.01 },
  }),
  'prices.json',
);
const quality = (d: Dataset, model: string): number[] => [...d.models.find((m) => m.name === model)!.quality];
const RUN_MINI = 'mmlu_subject=anatomy,method=multiple_choice_joint,model=openai_gpt-4o-mini';
const SUITE_FILES = ['costs.json', 'groups_metadata.json', 'run_specs.json', 'runs_to_run_suites.json', 'schema.json', 'summary.json'];

describe('folders as harnesses write them', () => {
  it('OpenAI evals: a record file saved as .log is read from the folder when its content is one; any other .log is left alone', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cf-evallogs-'));
    const record = readFileSync(join(repoRoot, 'test', 'fixtures', 'adapters', 'openai-evals', 'arith.dev.v0.jsonl'), 'utf8');
    writeFileSync(join(folder, 'arith.log'), record);
    writeFileSync(join(folder, 'oaieval.log'), '[2024-11-05 10:20:30] Running eval arith.dev.v0\n{"spec": "not a run spec"}\n');
    const named = await loadEvalFiles([join(folder, 'arith.log')]);
    const found = await loadEvalFiles([folder]);
    assert.deepEqual(
      found.files.map((f) => [f.file.slice(folder.length + 1), f.format, f.records, f.rejected]),
      [['arith.log', 'openai-evals', named.files[0]!.records, named.files[0]!.rejected]],
    );
    // The record's own lines: one record per sample that has a match event.
    const samples = new Set(
      record
        .split('\n')
        .filter((l) => l.includes('"type": "match"'))
        .map((l) => JSON.parse(l).sample_id),
    );
    assert.equal(found.files[0]!.records + found.files[0]!.rejected, samples.size);
    assert.ok(samples.size > 0);
  });

  it('lm-evaluation-harness: finds samples in the model folders, reads the latest run of a task, and leaves the results files to the adapter', async () => {
    const folder = join(L, 'lm-eval-output');
    const { dataset, files, folders, issues } = await loadEvalFiles([folder], { prices: PRICES, estimateTokens: true });
    assert.deepEqual(issues, []);
    assert.deepEqual(
      dataset.models.map((m) => m.name),
      ['Qwen/Qwen2.5-0.5B-Instruct', 'meta-llama/Llama-3.1-8B-Instruct'],
    );
    // The 2024-11-05 run of Llama (acc 1, 0, 1, 0), not the 2024-11-04 one (all 0).
    assert.deepEqual(quality(dataset, 'meta-llama/Llama-3.1-8B-Instruct'), [1, 0, 1, 0]);
    assert.deepEqual(quality(dataset, 'Qwen/Qwen2.5-0.5B-Instruct'), [1, 0, 0, 0]);
    assert.deepEqual(
      files.map((f) => [f.file.slice(folder.length + 1), f.format]),
      [
        ['Qwen__Qwen2.5-0.5B-Instruct/samples_arith_2024-11-06T08-00-00.000000.jsonl', 'lm-eval-samples'],
        ['meta-llama__Llama-3.1-8B-Instruct/samples_arith_2024-11-05T10-20-30.123456.jsonl', 'lm-eval-samples'],
      ],
    );
    // The Qwen results file has no configs, versions or n-shot, and still names the model.
    assert.ok(files[0]!.derived.includes('model from results_2024-11-06T08-00-00.000000.json'));
    assert.equal(folders?.length, 1);
    assert.deepEqual(folders![0]!.found, ['lm-evaluation-harness samples: 2 files in 2 model folders']);
    assert.deepEqual(
      folders![0]!.skipped.map((s) => [s.path.slice(folder.length + 1), s.kind, s.reason]),
      [
        [
          'meta-llama__Llama-3.1-8B-Instruct/samples_arith_2024-11-04T09-00-00.000000.jsonl',
          'superseded',
          'an earlier run of the same task (samples_arith_2024-11-05T10-20-30.123456.jsonl beside it is read)',
        ],
      ],
    );
  });

  it('HELM: finds the runs of benchmark_output/runs/<suite>/, reads a run present in two suites from the later one, and leaves the suite files unread', async () => {
    const folder = join(L, 'helm-output');
    const { dataset, files, folders, issues } = await loadEvalFiles([folder], { prices: PRICES });
    assert.deepEqual(issues, []);
    assert.deepEqual(
      dataset.models.map((m) => m.name),
      ['openai/gpt-4o', 'openai/gpt-4o-mini'],
    );
    // Suite v2's gpt-4o-mini run (exact_match 1, 0, 1), not v1's (all 0).
    assert.deepEqual(quality(dataset, 'openai/gpt-4o-mini'), [1, 0, 1]);
    assert.deepEqual(quality(dataset, 'openai/gpt-4o'), [1, 1, 1]);
    assert.deepEqual(
      files.map((f) => f.format),
      ['helm', 'helm'],
    );
    const summary = folders![0]!;
    assert.deepEqual(summary.found, ['HELM runs: 2 (suite v2)']);
    const skipped = summary.skipped.map((s) => [s.path.slice(folder.length + 1), s.kind]);
    assert.deepEqual(skipped, [[`benchmark_output/runs/v1/${RUN_MINI}/per_instance_stats.json`, 'superseded'], ...SUITE_FILES.map((n) => [`benchmark_output/runs/v2/${n}`, 'summary'])]);
    assert.match(summary.skipped[0]!.reason, /^the same HELM run is in suite "v2" \(benchmark_output\/runs\/v2\/.*\/per_instance_stats\.json\), which is read$/);
    assert.equal(summary.skipped.find((s) => s.path.endsWith('summary.json'))!.reason, 'HELM summary.json: the suite summary (suite name and date), no per-query records');
  });

  it('HELM: the suite runs/latest points to is the one read', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'cf-helm-'));
    cpSync(join(L, 'helm-output'), copy, { recursive: true });
    symlinkSync('v1', join(copy, 'benchmark_output', 'runs', 'latest'));
    const { dataset, folders } = await loadEvalFiles([copy], { prices: PRICES });
    // v1's run of gpt-4o-mini: every answer wrong. The link itself leads to no second reading.
    assert.deepEqual(quality(dataset, 'openai/gpt-4o-mini'), [0, 0, 0]);
    assert.deepEqual(folders![0]!.found, ['HELM runs: 2 (suites v1, v2)']);
    assert.equal(folders![0]!.skipped.filter((s) => s.kind === 'superseded').length, 1);
    assert.match(folders![0]!.skipped[0]!.path, /runs\/v2\/.*gpt-4o-mini\/per_instance_stats\.json$/);
  });

  it('Inspect: reads the logs of a log folder and leaves its manifests (logs.json, eval-set.json) unread', async () => {
    const folder = join(L, 'inspect-logs');
    const { files, folders } = await loadEvalFiles([folder], { prices: PRICES });
    assert.deepEqual(
      files.map((f) => [f.file.slice(folder.length + 1), f.format]),
      [['logs/2024-11-05T10-20-30+00-00_arith_zstd.eval', 'inspect-eval']],
    );
    assert.deepEqual(folders![0]!.found, ['Inspect logs: 1']);
    assert.deepEqual(
      folders![0]!.skipped.map((s) => [s.path.slice(folder.length + 1), s.reason]),
      [
        ['logs/eval-set.json', 'Inspect eval-set.json: the tasks of an eval set, no per-query records'],
        ['logs/logs.json', 'Inspect logs.json: the headers of the logs in the folder, no per-query records'],
      ],
    );
  });

  it('a suite folder given itself: its own suite files are recognised, not read as records', async () => {
    const folder = join(L, 'helm-output', 'benchmark_output', 'runs', 'v2');
    const { files, folders, issues } = await loadEvalFiles([folder], { prices: PRICES });
    assert.deepEqual(issues, []);
    assert.deepEqual(
      files.map((f) => f.format),
      ['helm', 'helm'],
    );
    assert.deepEqual(
      folders![0]!.skipped.map((s) => s.path.slice(folder.length + 1)),
      SUITE_FILES,
    );
  });

  it('a folder without data files says which layouts it looked for, and what it found instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-empty-'));
    cpSync(join(L, 'helm-output', 'benchmark_output', 'runs', 'v2', 'summary.json'), join(dir, 'summary.json'));
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes', 'todo.txt'), 'nothing\n');
    await assert.rejects(loadEvalFiles([dir]), (e: Error) => {
      assert.equal(
        e.message,
        `No evaluation files in folder "${dir}": looked in it for *.csv, *.eval, *.json, *.jsonl, *.ndjson, *.parquet, *.tsv (and their .gz), ` +
          'and below it for lm-evaluation-harness samples (<model>/samples_<task>_<date>.jsonl), HELM runs (runs/<suite>/<run>/per_instance_stats.json), ' +
          'Inspect logs (logs/*.eval, logs/<date>_<task>_<id>.json), Parquet tables (*.parquet). ' +
          'It holds only files without per-query records: summary.json (HELM summary.json: the suite summary (suite name and date), no per-query records). ' +
          'Point to the folder a harness wrote its per-query outputs into, or to the files themselves.',
      );
      return true;
    });
  });

  it('a suite file given by name is recognised and says where the records are', async () => {
    const file = join(L, 'helm-output', 'benchmark_output', 'runs', 'v2', 'costs.json');
    const run = join(L, 'helm-output', 'benchmark_output', 'runs', 'v2', RUN_MINI);
    const { files, issues } = await loadEvalFiles([file, run], { prices: PRICES });
    assert.deepEqual(
      files.map((f) => [f.format, f.records, f.rejected]),
      [
        ['summary-file', 0, 0],
        ['helm', 3, 0],
        ['helm-companion', 0, 0],
      ],
    );
    assert.deepEqual(issues.map(formatIssue), [
      `${file}: a HELM costs.json: it holds token totals per model deployment, not per-query records, so it is not read; per-query records are in per_instance_stats.json of each run folder (runs/<suite>/<run>/): give the suite folder or the run folders.`,
    ]);
  });

  it("the editor's sniff of the workspace counts suite files and manifests as no eval results", () => {
    for (const file of [join(L, 'helm-output', 'benchmark_output', 'runs', 'v2', 'summary.json'), join(L, 'inspect-logs', 'logs', 'logs.json'), join(L, 'inspect-logs', 'logs', 'eval-set.json')]) {
      assert.equal(sniffEvalFile(file, readFileSync(file)).evalResults, false, file);
    }
    const run = join(L, 'helm-output', 'benchmark_output', 'runs', 'v2', RUN_MINI, 'per_instance_stats.json');
    assert.equal(sniffEvalFile(run, readFileSync(run)).evalResults, true);
  });

  it('recognises an lm-eval results file without configs, versions or n-shot by its content', () => {
    const file = join(L, 'lm-eval-output', 'Qwen__Qwen2.5-0.5B-Instruct', 'results_2024-11-06T08-00-00.000000.json');
    const d = detectHarness('renamed.json', readFileSync(file));
    assert.equal(d.kind === 'match' ? `${d.adapter.name} by ${d.by}` : d.kind, 'lm-eval-results by content');
    assert.equal(readHarnessFile(file, readFileSync(file)).companion, true);
  });

  it('file lists found by globs are pruned of superseded runs the same way', async () => {
    const a = join(L, 'lm-eval-output', 'meta-llama__Llama-3.1-8B-Instruct');
    const paths = [join(a, 'samples_arith_2024-11-04T09-00-00.000000.jsonl'), join(a, 'samples_arith_2024-11-05T10-20-30.123456.jsonl'), join(a, 'results_2024-11-05T10-20-30.123456.json')];
    const { kept, skipped } = await withoutSuperseded(paths);
    assert.deepEqual(kept, paths.slice(1));
    assert.deepEqual(
      skipped.map((s) => s.path),
      [paths[0]],
    );
  });
});

describe('a Git LFS pointer', () => {
  it('is recognised as one, with the command that fetches the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-lfs-'));
    const file = join(dir, 'gpt-4o.jsonl');
    writeFileSync(file, 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n');
    const { files, issues } = await loadEvalFiles([file]);
    assert.deepEqual(
      files.map((f) => [f.records, f.rejected]),
      [[0, 0]],
    );
    assert.deepEqual(issues.map(formatIssue), [
      `${file}: the file is a Git LFS pointer, a stand-in for the real file of 12345 bytes that was never downloaded; run \`git lfs pull\` in the repository (or download the file itself), then load it again.`,
    ]);
  });
});
