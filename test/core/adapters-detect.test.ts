import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectHarness, readHarnessFile } from '../../src/core/adapters/index.ts';
import { softmaxMax, tokenConfidence } from '../../src/core/adapters/confidence.ts';
import { repoRoot } from '../support/paths.ts';

const F = join(repoRoot, 'test', 'fixtures', 'adapters');

const detected = (file: string, bytes: Uint8Array = readFileSync(file)): string => {
  const d = detectHarness(file, bytes.subarray(0, 65536));
  return d.kind === 'match' ? `${d.adapter.name} by ${d.by}` : d.kind;
};

describe('format detection', () => {
  it('recognises every fixture by its content', () => {
    const cases: [string, string][] = [
      ['lm-eval/meta-llama__Llama-3.1-8B-Instruct/samples_arith_2024-11-05T10-20-30.123456.jsonl', 'lm-eval-samples'],
      ['lm-eval/meta-llama__Llama-3.1-8B-Instruct/results_2024-11-05T10-20-30.123456.json', 'lm-eval-results'],
      ['promptfoo/results.json', 'promptfoo'],
      ['promptfoo/results.jsonl', 'promptfoo'],
      ['inspect/2024-11-05T10-20-30+00-00_arith_zstd.eval', 'inspect-eval'],
      ['inspect/2024-11-05T11-00-00+00-00_arith-qa_haiku.json', 'inspect-json'],
      ['helm/mmlu_subject=anatomy,method=multiple_choice_joint,model=openai_gpt-4o-mini/per_instance_stats.json', 'helm'],
      ['helm/mmlu_subject=anatomy,method=multiple_choice_joint,model=openai_gpt-4o-mini/run_spec.json', 'helm-companion'],
      ['helm/mmlu_subject=anatomy,method=multiple_choice_joint,model=openai_gpt-4o-mini/instances.json', 'helm-companion'],
      ['openai-evals/arith.dev.v0.jsonl', 'openai-evals'],
      ['wide/routerbench.csv', 'wide-table'],
      ['wide/routellm_gsm8k.csv', 'wide-table'],
    ];
    for (const [path, name] of cases) assert.equal(detected(join(F, path)), `${name} by content`, path);
  });

  it('does not depend on the file name for content it knows', () => {
    const bytes = readFileSync(join(F, 'promptfoo/results.jsonl'));
    assert.equal(detected('anything.txt', bytes), 'promptfoo by content');
    const zip = readFileSync(join(F, 'inspect/2024-11-05T10-20-30+00-00_arith_zstd.eval'));
    assert.equal(detected('log.zip', zip), 'inspect-eval by content');
  });

  it('leaves per-query records of the own format to the loader', () => {
    const own = Buffer.from('{"id": "q1", "model": "m", "correct": 1, "confidence": -0.1, "cost": 0.001}\n');
    assert.equal(detected('m.jsonl', own), 'none');
    assert.equal(detected('m.csv', Buffer.from('id,correct,confidence,cost\nq1,1,-0.1,0.001\n')), 'none');
  });

  it('says which adapters were tried for a file it cannot read', () => {
    const r = readHarnessFile('notes.json', Buffer.from('{"hello": "world"}'));
    assert.equal(r.format, 'unknown');
    assert.equal(r.issues[0].severity, 'error');
    assert.equal(
      r.issues[0].message,
      'no harness format recognised (tried lm-evaluation-harness samples (samples_<task>_<date>.jsonl); promptfoo output (-o results.json / results.jsonl); ' +
        'Inspect AI log (.json); Inspect AI log (.eval zip); HELM per_instance_stats.json; OpenAI evals record file (.jsonl); ' +
        'wide table (RouterBench <model>|total_cost columns, or RouteLLM prompt-keyed 0/1 columns)); ' +
        'give per-query JSONL or CSV records (id, model, correct or score, confidence, cost) or one of those outputs as the harness wrote it.',
    );
  });

  it('says a price list among the inputs belongs to --prices', () => {
    const r = readHarnessFile('prices.json', readFileSync(join(F, 'prices/openrouter-models.json')));
    assert.deepEqual(
      r.issues.map((i) => [i.severity, i.message]),
      [['warning', 'this is a price table, not evaluation records; give it as the price table (--prices) rather than as an input.']],
    );
  });

  it('refuses content that fits two harnesses, naming both', () => {
    const both = Buffer.from('{"doc_id": 1, "filtered_resps": [], "promptIdx": 0, "testIdx": 0, "provider": "x"}\n');
    const r = readHarnessFile('x.jsonl', both);
    assert.equal(r.format, 'ambiguous');
    assert.equal(
      r.issues[0].message,
      'the content fits both lm-evaluation-harness samples (samples_<task>_<date>.jsonl) and promptfoo output (-o results.json / results.jsonl), ' +
        "so which harness wrote it is unclear; keep only one harness's output in the file, as the harness wrote it.",
    );
  });

  it('tries an adapter on its file name alone and reports what does not fit', () => {
    const r = readHarnessFile('run.eval', Buffer.from('not a zip'));
    assert.equal(r.format, 'inspect-eval');
    assert.match(r.issues[0].message, /^read as an Inspect log \(\.eval\) but no zip central directory/);
  });
});

describe('confidence signals', () => {
  it('follow their definitions on a hand-computed case', () => {
    const tokens = [
      { logprob: Math.log(0.5), alternatives: [Math.log(0.5), Math.log(0.5)] },
      { logprob: Math.log(0.25), alternatives: [Math.log(0.25), Math.log(0.25), Math.log(0.25), Math.log(0.25)] },
    ];
    assert.ok(Math.abs(tokenConfidence(tokens, 'mean-logprob')! - (Math.log(0.5) + Math.log(0.25)) / 2) < 1e-15);
    assert.equal(tokenConfidence(tokens, 'min-logprob'), Math.log(0.25));
    assert.ok(Math.abs(tokenConfidence(tokens, 'sequence-prob')! - 0.125) < 1e-15);
    // Uniform over 2 then 4 alternatives: negentropies -ln 2 and -ln 4.
    assert.ok(Math.abs(tokenConfidence(tokens, 'mean-negentropy')! - -(Math.log(2) + Math.log(4)) / 2) < 1e-15);
    assert.equal(tokenConfidence([{ logprob: -1 }], 'mean-negentropy'), undefined);
    assert.equal(tokenConfidence([], 'mean-logprob'), undefined);
  });

  it('softmax of the top choice is stable for large log-likelihoods', () => {
    assert.ok(Math.abs(softmaxMax([-1000, -1000 - Math.log(3)])! - 0.75) < 1e-12);
    assert.equal(softmaxMax([]), undefined);
  });
});
