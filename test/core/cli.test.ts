import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { repoRoot } from '../support/paths.ts';
import { parseCascadeOption } from '../../src/cli/commands/analyze.ts';
import { allPoints, pareto, readFolder } from '../support/reference.ts';

const examples = resolve(repoRoot, 'examples/mmlu');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

test('analyze --json on the bundled MMLU results: stable fields, envelope equal to an independent computation', async () => {
  const { code, out } = await run(['analyze', examples, '--json', '--budget', '0.0002', '--split-field', 'split', '--calibration', 'train', '--holdout', 'test', '--bootstrap', '200']);
  assert.equal(code, 0);
  const r = JSON.parse(out);
  assert.equal(r.version, 1);
  assert.equal(r.n, 1816);
  assert.deepEqual([r.split.nCalibration, r.split.nHoldout], [285, 1531]);
  assert.equal(r.models.length, 9);
  for (const m of r.models) assert.deepEqual(Object.keys(m).slice(0, 4), ['name', 'cost', 'quality', 'n']);
  const data = readFolder(examples);
  const train = data.ids.filter((id) => data.rec.get(data.models[0])!.get(id)!.split === 'train');
  const expected = pareto(allPoints(data, train).points);
  assert.equal(r.envelope.length, expected.length);
  assert.ok(Math.abs(r.envelope[0].cost - expected[0].cost) < 1e-12);
  assert.ok(Math.abs(r.envelope.at(-1).quality - expected.at(-1)!.quality) < 1e-12);
  for (let i = 1; i < r.envelope.length; i++) assert.ok(r.envelope[i].cost > r.envelope[i - 1].cost);
  for (const v of r.envelope) assert.ok(['single', 'pair'].includes(v.policy.kind) && Array.isArray(v.policy.models) && Array.isArray(v.policy.thresholds));
  assert.equal(r.holdout.length, r.envelope.length);
  assert.equal(r.recommendation.feasible, true);
  assert.ok(r.recommendation.choice.cost <= 0.0002);
  assert.ok(r.recommendation.holdout.qualityInterval[0] <= r.recommendation.holdout.quality);
  assert.ok(r.recommendation.holdout.qualityInterval[1] >= r.recommendation.holdout.quality);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.files.length, 9);
});

test('analyze prints a readable report with the recommendation', async () => {
  const { code, out } = await run(['analyze', examples, '--budget', '0.0002', '--bootstrap', '100']);
  assert.equal(code, 0);
  assert.match(out, /calibration: split = "train" \(285 queries\); holdout: split = "test" \(1531 queries\)/);
  assert.match(out, /Recommendation for budget \$0\.0002\/query/);
  assert.match(out, /Deploy .+/);
  assert.match(out, /Is escalation worth it\? (Yes|No)/);
});

test('exit codes: 2 for usage errors, 1 for no usable input, 0 with warnings for bad records', async () => {
  assert.equal((await run([])).code, 2);
  assert.equal((await run(['frobnicate'])).code, 2);
  const noFiles = await run(['analyze']);
  assert.equal(noFiles.code, 2);
  assert.match(noFiles.err, /name at least one evaluation file or folder/);
  const badBudget = await run(['analyze', examples, '--budget', 'cheap']);
  assert.equal(badBudget.code, 2);
  assert.match(badBudget.err, /--budget must be a positive number of dollars per query \(e\.g\. 0\.0002\), got "cheap"/);
  const missing = await run(['analyze', '/nonexistent/evals']);
  assert.equal(missing.code, 1);
  assert.doesNotMatch(missing.err, /\n\s+at /, 'no stack trace');
  const dir = mkdtempSync(join(tmpdir(), 'cf-cli-'));
  writeFileSync(join(dir, 'a.jsonl'), '{"id":"1","correct":1,"confidence":0.5,"cost":0.1}\n{"id":"2","correct":0,"confidence":0.1,"cost":0.1}\nnot json\n');
  writeFileSync(join(dir, 'b.jsonl'), '{"id":"1","correct":1,"confidence":0.9,"cost":1}\n{"id":"2","correct":1,"confidence":0.8,"cost":1}\n');
  const partial = await run(['analyze', dir, '--no-split', '--budget', '2']);
  assert.equal(partial.code, 0);
  assert.match(partial.err, /a\.jsonl:3: /);
  assert.match(partial.out, /Deploy b alone/);
  assert.match(partial.out, /in-sample rule .* would pick a @ 0\.3 -> b/);
});

test('a negative or zero budget gets our own message, whichever way it is written, in every command', async () => {
  for (const [command, value] of [
    ['analyze', '-1'],
    ['analyze', '0'],
    ['analyze', '-0.5'],
    ['report', '-1'],
    ['analyze', '-.5'],
  ] as const) {
    for (const args of [['--budget', value], [`--budget=${value}`]]) {
      const r = await run([command, examples, ...args, ...(command === 'report' ? ['-o', join(tmpdir(), 'cf-never-written.html')] : [])]);
      assert.equal(r.code, 2, `${command} ${args.join(' ')}`);
      assert.match(r.err, new RegExp(`^cascade-frontier ${command}: --budget must be a positive number of dollars per query \\(e\\.g\\. 0\\.0002\\), got "${value.replace('.', '\\.')}"\n`), r.err);
      assert.doesNotMatch(r.err, /ambiguous/);
    }
  }
  // The other numeric options say what is wrong with a negative value, too.
  assert.match((await run(['analyze', examples, '--target', '-1'])).err, /--target must be a quality in \[0,1\] or a percentage up to 100%, got "-1"/);
  assert.match((await run(['compare', examples, '--bootstrap', '-1'])).err, /--bootstrap must be a whole number from 0 to 100000, got "-1"/);
  assert.match((await run(['check', join(repoRoot, 'examples/workspace/cascade.config.yaml'), '--tolerance', '-1'])).err, /--tolerance must be a number of quality points >= 0, got "-1"/);
  // A negative number stays a value where one is expected after an option that takes none.
  assert.equal((await run(['analyze', examples, '--no-split', '--cascade', 'llama3.2-1b,gpt-4o,-0.5', '--bootstrap', '0'])).code, 0);
});

test('a missing price table and a missing input file: exit 1, the same phrasing', async () => {
  const gone = join(tmpdir(), 'cf-no-such-dir', 'prices.json');
  const prices = await run(['analyze', examples, '--prices', gone]);
  const input = await run(['analyze', gone]);
  assert.equal(prices.code, 1);
  assert.equal(input.code, 1);
  const phrase = `Cannot read "${gone}": no such file or folder. Check that the path exists and is readable.`;
  assert.equal(prices.err, `cascade-frontier analyze: ${phrase}\n`);
  assert.equal(input.err, `cascade-frontier analyze: ${phrase}\n`);
  assert.equal((await run(['compare', examples, '--prices', gone])).err, `cascade-frontier compare: ${phrase}\n`);
});

test('a run that analysed nothing does not say the rest of the data was analysed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-cli-'));
  writeFileSync(join(dir, 'a.jsonl'), '{"id": "1", "correct": 1}\n');
  for (const command of ['analyze', 'compare']) {
    const r = await run([command, dir]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.err, /analysed/);
    assert.match(r.err, /^\nProblems in the input:\n {2}\S*a\.jsonl: /);
    assert.match(r.err, /a\.jsonl:1: neither "cost" nor "tokens_in"\/"tokens_out" is present/);
    assert.match(r.err, /no usable queries/);
  }
  // With something analysed, it still says so.
  writeFileSync(join(dir, 'b.jsonl'), '{"id": "1", "correct": 1, "confidence": 0.5, "cost": 0.1}\n{"id": "2", "correct": 0, "confidence": 0.1, "cost": 0.1}\nnot json\n');
  const partial = await run(['analyze', join(dir, 'b.jsonl'), '--no-split']);
  assert.equal(partial.code, 0);
  assert.match(partial.err, /Problems in the input \(the rest of the data was analysed\):/);
});

test('parseCascadeOption accepts cheap,expensive,threshold and longer chains', () => {
  assert.deepEqual(parseCascadeOption('a,b,0.5'), { kind: 'pair', models: ['a', 'b'], thresholds: [0.5] });
  assert.deepEqual(parseCascadeOption('a,-0.2,b,inf,c'), { kind: 'chain', models: ['a', 'b', 'c'], thresholds: [-0.2, null] });
  assert.throws(() => parseCascadeOption('a,b'), /--cascade takes/);
  assert.throws(() => parseCascadeOption('a,x,b,y,c'), /threshold "x" is not a number/);
});

test('a reader that stops early (`| head`) ends the command quietly: exit 0, nothing on stderr', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(repoRoot, 'src/cli/main.ts'), 'analyze', examples, '--json'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // The first piece read, the pipe is closed, as `head -c` does.
  const first = await new Promise<string>((settle) => child.stdout.once('data', (d: Buffer) => settle(d.toString())));
  child.stdout.destroy();
  const code = await new Promise<number | null>((settle) => child.on('close', (c) => settle(c)));
  assert.ok(first.startsWith('{'), 'the output had begun');
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
