import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readHarnessFile, siblingFilesOnDisk } from '../../src/core/adapters/index.ts';
import { repoRoot } from '../support/paths.ts';

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'adapters');
const HELM_DIR = join(FIXTURES, 'helm', 'mmlu_subject=anatomy,method=multiple_choice_joint,model=openai_gpt-4o-mini');
const HELM = join(HELM_DIR, 'per_instance_stats.json');
const EVALS = join(FIXTURES, 'openai-evals', 'arith.dev.v0.jsonl');
const ROUTERBENCH = join(FIXTURES, 'wide', 'routerbench.csv');
const ROUTELLM = join(FIXTURES, 'wide', 'routellm_gsm8k.csv');

const read = (file: string, options = {}) => readHarnessFile(file, readFileSync(file), options, siblingFilesOnDisk(file));

describe('HELM per_instance_stats.json', () => {
  it('reads exact_match, max_prob, tokens and runtime of unperturbed rows, model from run_spec.json, prompts from instances.json', () => {
    const text = readFileSync(HELM, 'utf8');
    const r = read(HELM);
    assert.equal(r.format, 'helm');
    assert.deepEqual(r.models, ['openai/gpt-4o-mini']);
    assert.deepEqual(r.issues, []);
    // Element lines: each row opens with "  {" at the top level of the list.
    const rowLines = text.split('\n').flatMap((l, i) => (l === '  {' ? [i + 1] : []));
    const scenario = 'mmlu:subject=anatomy,method=multiple_choice_joint';
    assert.deepEqual(
      r.records.map((p) => [p.line, p.record.id, p.record.score, p.record.confidence, p.record.tokensIn, p.record.tokensOut]),
      [
        [rowLines[0], `${scenario}/id12`, 1, 0.92, 512, 1],
        [rowLines[1], `${scenario}/id17`, 0, 0.48, 530, 1],
        [rowLines[3], `${scenario}/id23`, 1, 0.77, 498, 1],
      ],
    );
    assert.ok(Math.abs((r.records[0].record.latencyMs as number) - 410) < 1e-9);
    assert.equal(r.records[1].record.prompt, 'Which bone forms the lower jaw?');
    assert.ok(r.derived.includes('1 perturbed row(s) skipped'));
    assert.ok(r.derived.includes('quality from stat "exact_match"'));
  });

  it('reads another stat as quality when asked, and names the stats when it is absent', () => {
    assert.deepEqual(
      read(HELM, { qualityScore: 'quasi_exact_match' }).records.map((p) => p.record.score),
      [1, 0, 1],
    );
    const r = read(HELM, { qualityScore: 'f1_score' });
    assert.equal(r.records.length, 0);
    assert.match(r.issues[0].message, /^instance id12 has no f1_score stat \(its stats: num_prompt_tokens, num_completion_tokens, .*\); pass the stat that holds correctness as --quality-score\.$/);
  });

  it('merges the entries of an instance whose stats come split (scores in one, token counts in another) before reading it', async () => {
    const dir = join(FIXTURES, 'helm-split', 'anthropic_red_team_model=anthropic_claude-3-haiku-20240307');
    const file = join(dir, 'per_instance_stats.json');
    const text = readFileSync(file, 'utf8');
    const rowLines = text.split('\n').flatMap((l, i) => (l === '  {' ? [i + 1] : []));
    const r = read(file, { qualityScore: 'art_score' });
    assert.deepEqual(r.issues, []);
    // Each instance at the line of its first part, with the score of that part and the tokens, runtime and max_prob of the second.
    assert.deepEqual(
      r.records.map((p) => [p.line, p.record.id, p.record.score, p.record.confidence, p.record.tokensIn, p.record.tokensOut, p.record.latencyMs]),
      [
        [rowLines[0], 'anthropic_red_team/id10944', 1, 0.9, 4, 30, 1140],
        [rowLines[1], 'anthropic_red_team/id4449', 0.5, 0.4, 19, 212, 3200],
        [rowLines[2], 'anthropic_red_team/id36774', 0, 0.7, 11, 87, 1900],
        // The entry that repeats id10944 whole is a repeated instance, left for the loader to report as a duplicate.
        [rowLines[6], 'anthropic_red_team/id10944', 0, 0.1, 4, 30, undefined],
      ],
    );
    assert.ok(r.derived.includes('stats of 3 instance(s) merged from two or more entries (same instance_id and train_trial_index)'));
    const { loadEvalFiles, formatIssue } = await import('../../src/core/load/index.ts');
    const loaded = await loadEvalFiles([file], { qualityScore: 'art_score', prices: new Map([['anthropic/claude-3-haiku-20240307', { inputPerMillion: 0.25, outputPerMillion: 1.25 }]]) });
    assert.deepEqual(
      loaded.files.map((f) => [f.records, f.rejected]),
      [[3, 1]],
    );
    assert.deepEqual(loaded.issues.map(formatIssue), [
      `${file}:${rowLines[6]}: duplicate id "anthropic_red_team/id10944" for model "anthropic/claude-3-haiku-20240307" (first at line ${rowLines[0]}); the first record is used and this one is skipped. Remove or rename one of them.`,
    ]);
  });

  it('marks the other files of a run folder as companions', () => {
    const r = read(join(HELM_DIR, 'run_spec.json'));
    assert.equal(r.format, 'helm-companion');
    assert.equal(r.companion, true);
    assert.deepEqual(r.issues, []);
  });
});

describe('OpenAI evals record files', () => {
  it('joins sampling and match events by sample_id; model from the spec line; ungraded samples reported', () => {
    const r = read(EVALS);
    assert.equal(r.format, 'openai-evals');
    assert.deepEqual(r.models, ['gpt-3.5-turbo']);
    assert.deepEqual(
      r.records.map((p) => [p.line, p.record.id, p.record.correct, p.record.tokensIn, p.record.tokensOut]),
      [
        [3, 'arith.dev.0', true, 31, 1],
        [5, 'arith.dev.1', false, 31, 1],
        [7, 'arith.dev.2', true, undefined, undefined],
      ],
    );
    assert.equal(r.records[0].record.prompt, 'Answer with the number only.\n\nWhat is 2 + 3?');
    assert.deepEqual(
      r.issues.map((i) => i.message),
      ['1 sample(s) have sampling events but no match or metrics event: they were not graded and are left out.'],
    );
    assert.ok(r.missing.includes('confidence: evals record files keep no log-probabilities'));
  });

  it('asks for a spec line when there is none', () => {
    const lines = readFileSync(EVALS, 'utf8').split('\n').slice(1).join('\n');
    const r = readHarnessFile('run.jsonl', Buffer.from(`{"spec": {"completion_fns": [], "eval_name": "x"}}\n${lines}`));
    assert.equal(r.issues[0].message, 'no spec line with completion_fns: the first line of an evals record file names the model; record the run again with oaieval.');
  });

  it('a record file with only the spec and the final report (as openai/evals keeps self_prompting/oriprompt.log) says there is nothing per query and where the full record is', () => {
    const spec = '{"spec": {"completion_fns": ["self_prompting/oriprompt/baseline"], "eval_name": "self_prompting.full", "base_eval": "self_prompting", "split": "full"}}';
    const report = '{"final_report": {"accuracy": 0.2, "n_samples": 1500}}';
    const r = readHarnessFile('oriprompt.jsonl', Buffer.from(`${spec}\n${report}\n`));
    assert.equal(r.format, 'openai-evals');
    assert.deepEqual(r.records, []);
    assert.deepEqual(
      r.issues.map((i) => [i.severity, i.message]),
      [
        [
          'error',
          "the record file holds no sample events, only the run's spec and its final report: there is nothing per query to read. Use the record file oaieval writes for the run (--record_path; by default /tmp/evallogs/<run_id>_<completion_fn>_<eval>.jsonl), whose sampling and match events give each sample.",
        ],
      ],
    );
  });
});

describe('wide tables', () => {
  it('reads RouterBench-style <model> / <model>|total_cost / <model>|confidence columns', () => {
    const r = read(ROUTERBENCH);
    assert.equal(r.format, 'wide-table');
    assert.deepEqual(r.models, ['gpt-4o', 'llama-3-8b']);
    assert.deepEqual(
      r.records.map((p) => [p.line, p.record.model, p.record.id, p.record.score, p.record.cost, p.record.confidence]),
      [
        [2, 'gpt-4o', 'arith.0', 1, 0.00012, -0.01],
        [2, 'llama-3-8b', 'arith.0', 1, 0.000002, -0.2],
        [3, 'gpt-4o', 'arith.1', 1, 0.00013, -0.05],
        [3, 'llama-3-8b', 'arith.1', 0, 0.000002, -1.3],
        [5, 'gpt-4o', 'arith.2', 1, 0.00011, -0.02],
      ],
    );
    assert.equal(r.records[2].record.prompt, 'What is 7 - 4?\nShow only the number.');
    assert.deepEqual(
      r.issues.map((i) => i.message),
      ['1 row(s) have an empty "llama-3-8b" cell: those queries are missing for llama-3-8b.'],
    );
    assert.ok(r.derived.includes('id from column "sample_id"'));
  });

  it('takes the id column the user names', () => {
    const r = read(ROUTERBENCH, { idColumn: 'prompt' });
    assert.equal(r.records[0].record.id, 'What is 2 + 3?');
    const bad = read(ROUTERBENCH, { idColumn: 'qid' });
    assert.match(bad.issues[0].message, /^id column "qid" is not in the header \(sample_id, prompt, .*\); pass one of its columns as --id-column\.$/);
  });

  it('reads RouteLLM-style tables keyed by a hash of the prompt', () => {
    const r = read(ROUTELLM);
    assert.deepEqual(r.models, ['gpt-4-1106-preview', 'mistralai/Mixtral-8x7B-Instruct-v0.1']);
    const id = (prompt: string) => `prompt-${createHash('sha256').update(prompt).digest('hex').slice(0, 16)}`;
    assert.deepEqual(
      r.records.map((p) => [p.record.model, p.record.id, p.record.correct]),
      [
        ['gpt-4-1106-preview', id('What is 2 + 3?'), true],
        ['mistralai/Mixtral-8x7B-Instruct-v0.1', id('What is 2 + 3?'), true],
        ['gpt-4-1106-preview', id('What is 7 - 4?'), true],
        ['mistralai/Mixtral-8x7B-Instruct-v0.1', id('What is 7 - 4?'), false],
        ['gpt-4-1106-preview', id('What is 3 x 3?'), false],
        ['mistralai/Mixtral-8x7B-Instruct-v0.1', id('What is 3 x 3?'), true],
      ],
    );
    assert.ok(r.missing.includes('cost: no <model>|total_cost or token columns'));
    assert.ok(r.missing.includes('confidence: no <model>|confidence columns'));
  });
});
