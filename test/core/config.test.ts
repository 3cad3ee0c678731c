import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configPolicy, parseCascadeConfig, stageAt } from '../../src/core/config/config.ts';
import { applyTextEdits, budgetEdits, confidenceEdits, evalsEdits, policyEdits, thresholdEdits } from '../../src/core/config/edit.ts';
import { isCascadeConfigFileName } from '../../src/core/config/tree.ts';
import { targetAt, typedValueAt } from '../../src/core/config/locate.ts';

const YAML = `# Cascade
evals: [evals/*.jsonl]  # the files
split: {field: split, calibration: train, holdout: test}
budget: 0.0002 # dollars
cascade:
  - model: llama3.1-8b   # cheap
    threshold: -0.5      # tune me
  - model: llama3.1-405b
# trailing
`;

const JSON_CONFIG = `{
    // comment
    "evals": ["evals/*.jsonl"],
    "budget": 0.0002,
    "cascade": [
        { "model": "a", "threshold": -0.5 }, // cheap
        { "model": "b" }
    ]
}
`;

/** The text a span covers, to check positions without counting offsets by hand. */
const at = (text: string, span: { start: number; end: number } | undefined) => (span ? text.slice(span.start, span.end) : undefined);

test('isCascadeConfigFileName accepts cascade.config.* and *.cascade.* only', () => {
  for (const name of ['cascade.config.yaml', 'cascade.config.yml', 'cascade.config.json', 'a/b/prod.cascade.yaml', 'x.cascade.json']) assert.equal(isCascadeConfigFileName(name), true, name);
  for (const name of ['cascade.yaml', 'config.yaml', 'cascade.config.toml', '.cascade.yaml']) assert.equal(isCascadeConfigFileName(name), false, name);
});

test('parseCascadeConfig reads YAML values with the text they came from', () => {
  const c = parseCascadeConfig(YAML, 'yaml');
  assert.deepEqual(c.problems, []);
  assert.deepEqual(
    c.evals?.globs.map((g) => g.value),
    ['evals/*.jsonl'],
  );
  assert.equal(at(YAML, c.evals?.globs[0].span), 'evals/*.jsonl');
  assert.deepEqual(c.split?.value, { kind: 'field', field: 'split', calibration: 'train', holdout: 'test' });
  assert.equal(c.budget?.value, 0.0002);
  assert.equal(at(YAML, c.budget?.span), '0.0002');
  assert.equal(at(YAML, c.budget?.keySpan), 'budget');
  const stages = c.cascade!.stages;
  assert.equal(stages.length, 2);
  assert.equal(at(YAML, stages[0].model?.span), 'llama3.1-8b');
  assert.equal(at(YAML, stages[0].threshold?.span), '-0.5');
  assert.equal(stages[0].threshold?.value, -0.5);
  assert.equal(stages[1].threshold, undefined);
  assert.deepEqual(configPolicy(c), { kind: 'pair', models: ['llama3.1-8b', 'llama3.1-405b'], thresholds: [-0.5] });
});

test('parseCascadeConfig reads JSON with comments the same way', () => {
  const c = parseCascadeConfig(JSON_CONFIG, 'json');
  assert.deepEqual(c.problems, []);
  assert.equal(at(JSON_CONFIG, c.cascade?.stages[0].threshold?.span), '-0.5');
  assert.equal(at(JSON_CONFIG, c.cascade?.stages[1].model?.span), '"b"');
  assert.deepEqual(configPolicy(c), { kind: 'pair', models: ['a', 'b'], thresholds: [-0.5] });
});

test('parseCascadeConfig: null and .inf thresholds mean always escalate; an empty one is missing', () => {
  const c = parseCascadeConfig('cascade:\n  - {model: a, threshold: null}\n  - {model: b, threshold: .inf}\n  - {model: c}\n', 'yaml');
  assert.deepEqual(c.problems, []);
  assert.deepEqual(configPolicy(c), { kind: 'chain', models: ['a', 'b', 'c'], thresholds: [null, null] });
  const empty = parseCascadeConfig('cascade:\n  - model: a\n    threshold:\n  - model: b\n', 'yaml');
  assert.equal(configPolicy(empty), undefined);
  assert.equal(empty.problems.length, 1);
  assert.match(empty.problems[0].message, /threshold must be a number/);
});

test('parseCascadeConfig reports schema problems at the offending text', () => {
  const text = 'budjet: 1\nbudget: -1\ntarget: 2\ncascade:\n  - model: a\n  - model: a\n    threshold: 1\n';
  const c = parseCascadeConfig(text, 'yaml');
  const found = c.problems.map((p) => [p.severity, at(text, p.span), p.message.split(':')[0].split(' ').slice(0, 3).join(' ')]);
  assert.deepEqual(
    found.sort(),
    [
      ['error', '-1', 'budget must be'],
      ['error', '2', 'target must be'],
      ['error', 'a', 'stage 2 repeats'],
      ['error', 'model: a', 'stage 1 needs'],
      ['error', 'threshold', 'the last stage'],
      ['warning', 'budjet', 'unknown key "budjet";'],
    ].sort(),
  );
  assert.equal(configPolicy(c), undefined);
});

test('parseCascadeConfig reports syntax errors and never throws', () => {
  const c = parseCascadeConfig('{"cascade": [}', 'json');
  assert.ok(c.problems.some((p) => p.code === 'syntax'));
  const y = parseCascadeConfig('cascade: [\n', 'yaml');
  assert.ok(y.problems.some((p) => p.code === 'syntax'));
  assert.deepEqual(parseCascadeConfig('', 'yaml').problems, []);
  assert.equal(parseCascadeConfig('- 1\n', 'yaml').problems[0].code, 'schema');
});

test('parseCascadeConfig refuses a text over the size limit without parsing it', () => {
  const c = parseCascadeConfig(`# ${'x'.repeat(1_000_001)}\n`, 'yaml');
  assert.equal(c.problems.length, 1);
  assert.match(c.problems[0].message, /not read/);
});

test('parseCascadeConfig reads prices and random splits', () => {
  const c = parseCascadeConfig('prices:\n  m: {input: 0.15, output: 0.6}\nsplit: {holdoutFraction: 0.3, seed: 7}\n', 'yaml');
  assert.deepEqual(c.problems, []);
  assert.deepEqual([...c.prices!.table], [['m', { inputPerMillion: 0.15, outputPerMillion: 0.6 }]]);
  assert.deepEqual(c.split?.value, { kind: 'random', seed: 7, holdoutFraction: 0.3 });
  assert.deepEqual(parseCascadeConfig('split: none\n', 'yaml').split?.value, { kind: 'none' });
});

test('thresholdEdits replaces only the number in YAML, keeping comments and spacing', () => {
  const out = applyTextEdits(YAML, thresholdEdits(YAML, 'yaml', 0, -0.123456789012345));
  assert.equal(out, YAML.replace('threshold: -0.5      # tune me', 'threshold: -0.123456789012345      # tune me'));
  assert.equal(parseCascadeConfig(out, 'yaml').cascade?.stages[0].threshold?.value, -0.123456789012345);
});

test('thresholdEdits fills an empty YAML value and adds a missing key', () => {
  const empty = 'cascade:\n  - model: a\n    threshold:\n  - model: b\n';
  assert.equal(applyTextEdits(empty, thresholdEdits(empty, 'yaml', 0, -2)), 'cascade:\n  - model: a\n    threshold: -2\n  - model: b\n');
  const missing = 'cascade:\n  - model: a  # cheap\n  - model: b\n';
  assert.equal(applyTextEdits(missing, thresholdEdits(missing, 'yaml', 0, 1.5)), 'cascade:\n  - model: a  # cheap\n    threshold: 1.5\n  - model: b\n');
  const flow = 'cascade: [{model: a}, {model: b}]\n';
  assert.equal(applyTextEdits(flow, thresholdEdits(flow, 'yaml', 0, 3)), 'cascade: [{model: a, threshold: 3}, {model: b}]\n');
});

test('thresholdEdits in JSON keeps comments and layout', () => {
  const out = applyTextEdits(JSON_CONFIG, thresholdEdits(JSON_CONFIG, 'json', 0, -0.25));
  assert.equal(out, JSON_CONFIG.replace('"threshold": -0.5 }', '"threshold": -0.25 }'));
});

test('policyEdits with the same number of stages replaces names and thresholds in place', () => {
  const out = applyTextEdits(YAML, policyEdits(YAML, 'yaml', { kind: 'pair', models: ['gpt-4o-mini', 'llama3.1-405b'], thresholds: [-0.01] }));
  assert.equal(out, YAML.replace('model: llama3.1-8b   # cheap', 'model: gpt-4o-mini   # cheap').replace('threshold: -0.5 ', 'threshold: -0.01 '));
  const json = applyTextEdits(JSON_CONFIG, policyEdits(JSON_CONFIG, 'json', { kind: 'pair', models: ['c', 'b'], thresholds: [null] }));
  assert.equal(json, JSON_CONFIG.replace('{ "model": "a", "threshold": -0.5 }', '{ "model": "c", "threshold": null }'));
});

test('policyEdits with another number of stages rewrites the cascade in its own style', () => {
  const chain = { kind: 'chain' as const, models: ['a', 'b', 'c'], thresholds: [-0.01, null] };
  const out = applyTextEdits(YAML, policyEdits(YAML, 'yaml', chain));
  assert.equal(
    out,
    YAML.replace(
      '  - model: llama3.1-8b   # cheap\n    threshold: -0.5      # tune me\n  - model: llama3.1-405b\n',
      '  - model: a\n    threshold: -0.01\n  - model: b\n    threshold: null\n  - model: c\n',
    ),
  );
  assert.deepEqual(configPolicy(parseCascadeConfig(out, 'yaml')), chain);
  const flow = 'cascade: [{model: a, threshold: 1}, {model: b}]\n';
  assert.equal(applyTextEdits(flow, policyEdits(flow, 'yaml', { kind: 'single', models: ['c'], thresholds: [] })), 'cascade: [{model: c}]\n');
  const json = applyTextEdits(JSON_CONFIG, policyEdits(JSON_CONFIG, 'json', chain));
  assert.deepEqual(configPolicy(parseCascadeConfig(json, 'json')), chain);
  assert.ok(json.includes('// comment'));
});

test('policyEdits adds a missing cascade at the end', () => {
  const text = 'evals: [a]\n';
  const out = applyTextEdits(text, policyEdits(text, 'yaml', { kind: 'pair', models: ['a', 'b'], thresholds: [1.5] }));
  assert.equal(out, 'evals: [a]\ncascade:\n  - model: a\n    threshold: 1.5\n  - model: b\n');
});

test('budgetEdits replaces the budget, or adds it before the cascade', () => {
  assert.equal(applyTextEdits(YAML, budgetEdits(YAML, 'yaml', 0.0005)), YAML.replace('budget: 0.0002 #', 'budget: 0.0005 #'));
  const text = 'evals: e/*.jsonl\ncascade:\n  - model: a\n';
  assert.equal(applyTextEdits(text, budgetEdits(text, 'yaml', 1e-7)), 'evals: e/*.jsonl\nbudget: 1e-7\ncascade:\n  - model: a\n');
  assert.equal(parseCascadeConfig(applyTextEdits(text, budgetEdits(text, 'yaml', 1e-7)), 'yaml').budget?.value, 1e-7);
  assert.equal(applyTextEdits('', budgetEdits('', 'yaml', 2)), 'budget: 2\n');
  assert.equal(applyTextEdits(JSON_CONFIG, budgetEdits(JSON_CONFIG, 'json', 1)), JSON_CONFIG.replace('"budget": 0.0002', '"budget": 1'));
});

test('evalsEdits keeps the flow style and quotes globs YAML would misread', () => {
  const out = applyTextEdits(YAML, evalsEdits(YAML, 'yaml', ['x/*.jsonl', '*.csv']));
  assert.equal(out, YAML.replace('evals: [evals/*.jsonl]', 'evals: [x/*.jsonl, "*.csv"]'));
  assert.deepEqual(
    parseCascadeConfig(out, 'yaml').evals?.globs.map((g) => g.value),
    ['x/*.jsonl', '*.csv'],
  );
});

test('stageAt and targetAt find what the cursor is on', () => {
  const c = parseCascadeConfig(YAML, 'yaml');
  const offset = (needle: string) => YAML.indexOf(needle) + 1;
  assert.equal(stageAt(c, offset('llama3.1-405b'))?.index, 1);
  assert.deepEqual(targetAt(c, offset('-0.5')), { kind: 'threshold', stageIndex: 0, located: c.cascade!.stages[0].threshold });
  assert.equal(targetAt(c, offset('threshold'))?.kind, 'threshold');
  assert.equal(targetAt(c, offset('llama3.1-8b'))?.kind, 'model');
  assert.equal(targetAt(c, offset('0.0002'))?.kind, 'budget');
  assert.equal(targetAt(c, offset('cascade:'))?.kind, 'cascade');
  assert.equal(targetAt(c, offset('# Cascade')), undefined);
});

test('typedValueAt finds the value being typed after a known key', () => {
  assert.deepEqual(typedValueAt('    threshold: -0.4', 19), { key: 'threshold', start: 15, end: 19, prefix: '-0.4' });
  assert.deepEqual(typedValueAt('  - model: ll', 13), { key: 'model', start: 11, end: 13, prefix: 'll' });
  assert.deepEqual(typedValueAt('    "threshold": -0', 19), { key: 'threshold', start: 17, end: 19, prefix: '-0' });
  assert.deepEqual(typedValueAt('cascade: [{model: a, threshold: 0.', 34), { key: 'threshold', start: 32, end: 34, prefix: '0.' });
  assert.deepEqual(typedValueAt('budget: ', 8), { key: 'budget', start: 8, end: 8, prefix: '' });
  assert.equal(typedValueAt('x: 1', 4), undefined);
  assert.equal(typedValueAt('# threshold: 1', 14), undefined);
  assert.equal(typedValueAt('    threshold: -0.4', 10), undefined);
});

test('budgetConfidence and maxLatencyP95Ms: read with their places, checked, and passed to the analysis', async () => {
  const { configRequest } = await import('../../src/core/config/request.ts');
  const text = `budget: 0.0002\nbudgetConfidence: 0.95\nmaxLatencyP95Ms: 800\n`;
  const c = parseCascadeConfig(text, 'yaml');
  assert.deepEqual(c.problems, []);
  assert.equal(c.budgetConfidence?.value, 0.95);
  assert.equal(at(text, c.maxLatencyP95Ms?.span), '800');
  assert.deepEqual(configRequest(c).analyze, { budget: 0.0002, budgetConfidence: 0.95, maxLatencyP95Ms: 800 });
  const bad = parseCascadeConfig(`budgetConfidence: 1\nmaxLatencyP95Ms: -3\n`, 'yaml');
  assert.deepEqual(
    bad.problems.map((p) => p.message.split(' ')[0]),
    ['budgetConfidence', 'maxLatencyP95Ms'],
  );
  assert.equal(bad.budgetConfidence, undefined);
});

test('confidence: learned is read, written into YAML and JSON configs (comments kept), and a wrong value names both kinds', () => {
  const yaml = parseCascadeConfig('confidence: learned\n', 'yaml');
  assert.deepEqual([yaml.confidence?.value, yaml.problems], ['learned', []]);
  const wrong = parseCascadeConfig('confidence: guessed\n', 'yaml');
  assert.match(
    wrong.problems[0]!.message,
    /confidence must be one of mean-logprob, min-logprob, mean-negentropy, sequence-prob \(how a harness's token log-probabilities become a confidence\), or learned/,
  );
  const written = applyTextEdits(YAML, confidenceEdits(YAML, 'yaml', 'learned'));
  assert.match(written, /^confidence: learned\ncascade:/m, 'added before the cascade');
  assert.ok(written.includes('# tune me') && written.includes('budget: 0.0002 # dollars'));
  assert.equal(parseCascadeConfig(written, 'yaml').confidence?.value, 'learned');
  const json = applyTextEdits(JSON_CONFIG, confidenceEdits(JSON_CONFIG, 'json', 'learned'));
  assert.equal(parseCascadeConfig(json, 'json').confidence?.value, 'learned');
  assert.ok(json.includes('// comment'));
  // Set again: replaced, not added twice.
  const again = applyTextEdits(written, confidenceEdits(written, 'yaml', 'mean-logprob'));
  assert.equal(again.match(/^confidence:/gm)!.length, 1);
  assert.equal(parseCascadeConfig(again, 'yaml').confidence?.value, 'mean-logprob');
});

test('estimateTokens: true is read with its place and asked of the load; a value that is not a boolean is an error at it that says what the key does', async () => {
  const { configRequest } = await import('../../src/core/config/request.ts');
  const text = 'prices: prices.json\nestimateTokens: true\n';
  const c = parseCascadeConfig(text, 'yaml');
  assert.deepEqual(c.problems, []);
  assert.equal(c.estimateTokens?.value, true);
  assert.equal(at(text, c.estimateTokens?.span), 'true');
  assert.deepEqual(configRequest(c).load, { pricesFile: 'prices.json', estimateTokens: true });
  // false, or no key: nothing is estimated.
  assert.equal(configRequest(parseCascadeConfig('estimateTokens: false\n', 'yaml')).load.estimateTokens, undefined);
  assert.equal(configRequest(parseCascadeConfig('budget: 1\n', 'yaml')).load.estimateTokens, undefined);
  assert.equal(parseCascadeConfig('{"estimateTokens": true}', 'json').estimateTokens?.value, true);
  for (const value of ['"true"', 'yes', '1', '[true]']) {
    const bad = `estimateTokens: ${value}\n`;
    const r = parseCascadeConfig(bad, 'yaml');
    assert.equal(r.estimateTokens, undefined, value);
    assert.equal(r.problems.length, 1, value);
    assert.equal(r.problems[0]!.severity, 'error');
    assert.equal(at(bad, r.problems[0]!.span), value);
    assert.equal(
      r.problems[0]!.message,
      'estimateTokens must be true or false: true estimates tokens as characters / 4 of the prompt and the answer, to price records that have the texts but no tokens or cost (the same as --estimate-tokens).',
    );
  }
});
