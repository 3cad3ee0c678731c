import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../src/core/analyze.ts';
import { loadEvalFiles, parsePriceTable } from '../../src/core/load/index.ts';
import { repoRoot } from '../support/paths.ts';

const F = join(repoRoot, 'test', 'fixtures', 'adapters');
const LM_EVAL_DIR = join(F, 'lm-eval', 'meta-llama__Llama-3.1-8B-Instruct');
const INSPECT = join(F, 'inspect', '2024-11-05T10-20-30+00-00_arith_zstd.eval');
const PROMPTFOO = join(F, 'promptfoo', 'results.jsonl');
const OPENROUTER = join(F, 'prices', 'openrouter-models.json');

// One model pool from three harnesses on the same four questions (see the fixtures' README).
const QUESTIONS = ['What is 2 + 3?', 'What is 7 - 4?', 'What is 3 x 3?', 'What is 10 / 2?'];
const CHOICES = [
  ['four', 'five', 'six', 'seven'],
  ['two', 'three', 'four', 'five'],
  ['six', 'eight', 'nine', 'twelve'],
  ['two', 'four', 'five', 'eight'],
];

/** lm-eval tokens, estimated as characters / 4 rounded up: context + continuation of every choice request. */
function llamaTokens(i: number): number {
  const context = `Question: ${QUESTIONS[i]}\nAnswer:`;
  return CHOICES[i].reduce((n, c) => n + Math.ceil((context.length + 1 + c.length) / 4), 0);
}

describe('a mixed-format model pool', () => {
  it('loads an lm-eval folder, an Inspect .eval and a promptfoo .jsonl into one joined dataset and analyses it', async () => {
    const prices = parsePriceTable(readFileSync(OPENROUTER, 'utf8'), OPENROUTER);
    const result = await loadEvalFiles([LM_EVAL_DIR, INSPECT, PROMPTFOO], { prices, estimateTokens: true, confidenceSignal: 'min-logprob' });
    const { dataset, files, issues } = result;
    assert.deepEqual(issues, []);
    assert.equal(dataset.n, 4);
    assert.deepEqual(dataset.ids, ['arith/0', 'arith/1', 'arith/2', 'arith/3']);
    assert.deepEqual(
      dataset.models.map((m) => m.name),
      ['meta-llama/Llama-3.1-8B-Instruct', 'openai/gpt-4o-mini', 'openai:gpt-4o'],
    );
    const [llama, mini, gpt4o] = dataset.models;

    assert.deepEqual([...llama.quality], [1, 0, 1, 0]);
    assert.deepEqual([...mini.quality], [1, 1, 0, 1]);
    assert.deepEqual([...gpt4o.quality], [1, 1, 1, 0]);

    // Priced from the OpenRouter list: llama 0.02 $/M input (estimated tokens, none out), gpt-4o-mini 0.15 / 0.6 $/M.
    for (let i = 0; i < 4; i++) {
      assert.ok(Math.abs(llama.cost[i] - (llamaTokens(i) * 0.02) / 1e6) < 1e-18, `llama ${i}`);
      assert.ok(Math.abs(mini.cost[i] - ((118 + i) * 0.15 + 3 * 0.6) / 1e6) < 1e-18, `mini ${i}`);
    }
    // promptfoo's own per-result cost.
    assert.deepEqual([...gpt4o.cost], [0.000295, 0.0002975, 0.0003, 0.0003025]);
    // Confidence: the chosen signal (minimum token log-prob) where the harness has token log-probs.
    assert.deepEqual([...mini.confidence], [-0.02, -0.35, -1.6, -0.09]);
    assert.deepEqual([...gpt4o.confidence], [-0.004, -0.05, -0.02, -0.3]);

    const byFormat = Object.fromEntries(files.map((f) => [f.format, f]));
    assert.deepEqual(Object.keys(byFormat).sort(), ['inspect-eval', 'lm-eval-results', 'lm-eval-samples', 'promptfoo']);
    assert.deepEqual(byFormat['lm-eval-samples'].models, ['meta-llama/Llama-3.1-8B-Instruct']);
    assert.equal(byFormat['lm-eval-samples'].records, 4);
    assert.ok(byFormat['lm-eval-samples'].derived.includes('confidence: softmax over per-choice log-likelihoods, probability of the chosen option'));
    assert.ok(byFormat['inspect-eval'].derived.includes('confidence: minimum token log-prob of output.choices[0].logprobs (4 sample(s))'));
    assert.equal(byFormat['lm-eval-results'].records, 0);

    const analysis = analyze(dataset, { split: { kind: 'none' }, bootstrapResamples: 50 });
    assert.equal(analysis.n, 4);
    assert.ok(analysis.envelope.length > 0);
    assert.deepEqual(
      analysis.models.map((m) => m.name),
      dataset.models.map((m) => m.name),
    );
  });

  it('says exactly what is missing when lm-eval tokens are not estimated', async () => {
    const { dataset, files, issues } = await loadEvalFiles([LM_EVAL_DIR, INSPECT], {});
    const lm = files.find((f) => f.format === 'lm-eval-samples')!;
    assert.ok(
      lm.missing.includes(
        'cost: lm-evaluation-harness samples record neither token counts nor costs; --estimate-tokens (config `estimateTokens: true`) estimates tokens as characters / 4 and prices them',
      ),
    );
    assert.ok(issues.some((i) => i.file.endsWith('.jsonl') && i.severity === 'error' && i.message.includes('"cost"')));
    assert.ok(!dataset.models.some((m) => m.name === 'meta-llama/Llama-3.1-8B-Instruct'));
  });
});
