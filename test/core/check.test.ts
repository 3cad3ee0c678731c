import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { referenceData, repoRoot } from '../support/paths.ts';
import { readFolder, type RefData } from '../support/reference.ts';

const workspace = resolve(repoRoot, 'examples/workspace');
const configText = readFileSync(join(workspace, 'cascade.config.yaml'), 'utf8');

async function run(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n'), env });
  return { code, out, err };
}

/** A copy of the example workspace whose config is `config` (the committed one is never changed). */
function copyWorkspace(config: string = configText): { dir: string; config: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'cascade-check-'));
  const dir = join(root, 'workspace');
  cpSync(workspace, dir, { recursive: true });
  writeFileSync(join(dir, 'cascade.config.yaml'), config);
  return { dir, config: join(dir, 'cascade.config.yaml'), done: () => rmSync(root, { recursive: true, force: true }) };
}

/** 1-based line of the first line of `text` matching `pattern`. */
const lineOf = (text: string, pattern: RegExp) => text.split('\n').findIndex((l) => pattern.test(l)) + 1;

/** Held-out quality and cost of a two-model cascade, straight from the records. */
function heldOut(data: RefData, cheap: string, dear: string, t: number | null, split = 'test'): { cost: number; quality: number } {
  const ids = data.ids.filter((id) => data.rec.get(cheap)!.get(id)!.split === split);
  let cost = 0;
  let quality = 0;
  for (const id of ids) {
    const a = data.rec.get(cheap)!.get(id)!;
    const b = data.rec.get(dear)!.get(id)!;
    const escalate = t === null || !(a.confidence >= t);
    cost += a.cost + (escalate ? b.cost : 0);
    quality += escalate ? b.correct : a.correct;
  }
  return { cost: cost / ids.length, quality: quality / ids.length };
}

test('check passes the example workspace and prints a one-paragraph summary', async () => {
  const { code, out } = await run(['check', join(workspace, 'cascade.config.yaml'), '--bootstrap', '0']);
  assert.equal(code, 0, out);
  const data = readFolder(join(workspace, 'evals'));
  const h = heldOut(data, 'llama3.1-70b', 'llama3.1-405b', -0.5);
  const paragraph = out.trim().split('\n').at(-1)!;
  assert.match(paragraph, /passes the check/);
  assert.ok(paragraph.includes(`scores ${(h.quality * 100).toFixed(1)}% at $${(h.cost * 1000).toPrecision(3)} per 1k queries held out (1531 queries)`), paragraph);
  assert.match(paragraph, /within the budget of \$0\.300 per 1k queries/);
});

test('check fails a broken copy of the example workspace: unknown model, bad records, over budget, below the envelope', async (t) => {
  await t.test('a model the eval files lack is an error at its line', async () => {
    const ws = copyWorkspace(configText.replace('- model: llama3.1-405b', '- model: llama3.1-450b'));
    try {
      const { code, out } = await run(['check', ws.config, '--bootstrap', '0']);
      assert.equal(code, 1);
      const line = lineOf(configText, /- model: llama3\.1-405b/);
      assert.match(out, new RegExp(`cascade\\.config\\.yaml:${line}:\\d+: error \\[unknown-model\\] unknown model "llama3\\.1-450b"`));
      assert.match(out, /fails the check/);
    } finally {
      ws.done();
    }
  });

  await t.test('a malformed record fails, and --allow-warnings accepts it', async () => {
    const ws = copyWorkspace();
    try {
      appendFileSync(join(ws.dir, 'evals', 'llama3.1-8b.jsonl'), 'this line is not JSON\n');
      const bad = readFileSync(join(ws.dir, 'evals', 'llama3.1-8b.jsonl'), 'utf8')
        .trimEnd()
        .split('\n').length;
      const failed = await run(['check', ws.config, '--bootstrap', '0']);
      assert.equal(failed.code, 1);
      const evalsLine = lineOf(configText, /^evals:/);
      assert.match(failed.out, new RegExp(`cascade\\.config\\.yaml:${evalsLine}:1: error \\[eval-problems\\] the eval files have 1 problem .*evals/llama3\\.1-8b\\.jsonl:${bad}:`));
      const allowed = await run(['check', ws.config, '--bootstrap', '0', '--allow-warnings']);
      assert.equal(allowed.code, 0, allowed.out);
      assert.match(allowed.out, new RegExp(`cascade\\.config\\.yaml:${evalsLine}:1: warning \\[eval-problems\\]`));
    } finally {
      ws.done();
    }
  });

  await t.test('a budget the cascade overruns held out fails at the cascade', async () => {
    const data = readFolder(join(workspace, 'evals'));
    const h = heldOut(data, 'llama3.1-70b', 'llama3.1-405b', -0.5);
    // Just under the held-out cost, so only the held-out figure breaks it (the in-sample cost is lower).
    const budget = Number((h.cost * 0.995).toPrecision(6));
    const ws = copyWorkspace(configText.replace('budget: 0.0003', `budget: ${budget}`));
    try {
      const { code, out } = await run(['check', ws.config, '--bootstrap', '0', '--json']);
      assert.equal(code, 1);
      const r = JSON.parse(out);
      assert.equal(r.passed, false);
      const over = r.findings.find((f: { code: string }) => f.code === 'over-budget');
      assert.equal(over.severity, 'error');
      assert.equal(over.line, lineOf(configText, /^cascade:/));
      assert.ok(over.message.includes(`$${(h.cost * 1000).toPrecision(3)} per 1k queries held out`), over.message);
      assert.ok(r.cascade.inSample.cost <= budget, 'the in-sample cost fits: only the held-out one does not');
    } finally {
      ws.done();
    }
  });

  await t.test('a cascade far below the envelope held out fails; a tolerance above the gap passes it', async () => {
    // The dearest model first, falling back on a weaker one: the envelope does better for less.
    const bad = configText.replace(
      '- model: llama3.1-70b\n    threshold: -0.5   # hand-picked: try the suggested value\n  - model: llama3.1-405b',
      '- model: llama3.1-405b\n    threshold: -0.05\n  - model: llama3.1-8b',
    );
    assert.notEqual(bad, configText);
    const ws = copyWorkspace(bad.replace('budget: 0.0003', 'budget: 0.01'));
    try {
      const { code, out } = await run(['check', ws.config, '--bootstrap', '0', '--json']);
      const r = JSON.parse(out);
      // Independent: the cascade's held-out quality, and the held-out quality of the envelope's policy at its calibration cost.
      const data = readFolder(join(workspace, 'evals'));
      const own = heldOut(data, 'llama3.1-405b', 'llama3.1-8b', -0.05);
      const e = r.cascade.envelopeAtCost.policy;
      const env = e.models.length === 1 ? heldOut(data, e.models[0], e.models[0], Infinity) : heldOut(data, e.models[0], e.models[1], e.thresholds[0]);
      const cal = heldOut(data, 'llama3.1-405b', 'llama3.1-8b', -0.05, 'train');
      assert.ok(r.cascade.envelopeAtCost.calibration.cost <= cal.cost + 1e-15, 'the envelope policy fits within the cascade calibration cost');
      const gap = env.quality - own.quality;
      assert.ok(gap > 0.005, `the gap ${gap} is above the tolerance`);
      assert.ok(Math.abs(r.cascade.holdoutGapToEnvelope - gap) < 1e-12);
      assert.equal(code, 1);
      const below = r.findings.find((f: { code: string }) => f.code === 'below-envelope');
      assert.equal(below.severity, 'error');
      assert.equal(below.line, lineOf(bad, /^cascade:/));
      assert.ok(below.message.includes(`${(gap * 100).toFixed(1)} pts below the envelope`), below.message);
      const tolerant = await run(['check', ws.config, '--bootstrap', '0', '--json', '--tolerance', String(Math.ceil(gap * 100 + 1))]);
      assert.equal(
        JSON.parse(tolerant.out).findings.some((f: { code: string }) => f.code === 'below-envelope'),
        false,
      );
    } finally {
      ws.done();
    }
  });
});

test('check --format github: annotations at the config lines and a markdown step summary', async () => {
  const ws = copyWorkspace(configText.replace('- model: llama3.1-405b', '- model: llama3.1-450b'));
  const summary = join(ws.dir, '..', 'summary.md');
  try {
    writeFileSync(summary, '# earlier step\n');
    const { code, out } = await run(['check', ws.config, '--bootstrap', '0'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    assert.equal(code, 1);
    const line = lineOf(configText, /- model: llama3\.1-405b/);
    const annotation = out.split('\n').find((l) => l.startsWith('::error '))!;
    assert.match(
      annotation,
      new RegExp(`^::error file=[^,]*cascade\\.config\\.yaml,line=${line},col=\\d+,endLine=${line},endColumn=\\d+,title=Cascade Frontier%3A unknown-model::unknown model "llama3\\.1-450b"`),
    );
    const md = readFileSync(summary, 'utf8');
    assert.ok(md.startsWith('# earlier step\n## Cascade Frontier check: failed'), md);
    assert.match(md, new RegExp(`\\| error \\| \`[^\`]*cascade\\.config\\.yaml:${line}\` \\| \\*\\*unknown-model\\*\\*`));
    // --format text wins over GITHUB_ACTIONS.
    const text = await run(['check', ws.config, '--bootstrap', '0', '--format', 'text'], { GITHUB_ACTIONS: 'true' });
    assert.ok(!text.out.includes('::error'));
  } finally {
    ws.done();
  }
});

test('check: usage errors exit 2', async () => {
  assert.equal((await run(['check', join(workspace, 'README.md')])).code, 2);
  assert.equal((await run(['check', join(workspace, 'missing.cascade.yaml')])).code, 2);
  assert.equal((await run(['check', join(workspace, 'cascade.config.yaml'), '--format', 'xml'])).code, 2);
  assert.equal((await run(['check', join(workspace, 'cascade.config.yaml'), '--tolerance', '-1'])).code, 2);
});

test('check warns about a drifting split at the split line, before failing nothing', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cascade-check-'));
  try {
    cpSync(referenceData('medmcqa'), join(root, 'evals'), { recursive: true });
    const text = 'evals: ["evals/*.{jsonl,jsonl.gz}"]\nsplit: {field: split, calibration: train, holdout: test}\nbudget: 0.0003\n';
    writeFileSync(join(root, 'cascade.config.yaml'), text);
    const { code, out } = await run(['check', join(root, 'cascade.config.yaml'), '--bootstrap', '0']);
    assert.equal(code, 0, out);
    assert.match(out, /cascade\.config\.yaml:2:1: warning \[split-drift\] the calibration split looks easier than the holdout \(llama3\.1-70b 89\.7% vs 72\.6%/);
    assert.match(out, /consider a random split \(`split: \{holdoutFraction: 0\.5\}`\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('check estimates tokens of a table without costs (RouteLLM-style) when the config says estimateTokens: true or the command line --estimate-tokens', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cascade-check-estimate-'));
  try {
    // A prompt, one true/false column and one answer column per model, no cost and no tokens.
    const rows = Array.from({ length: 24 }, (_, i) => ({
      prompt: `Question ${i}: what is ${i} plus ${i * 3}?${' pad'.repeat(i % 5)}`,
      small: i % 3 !== 0,
      large: i % 4 !== 0,
      small_response: `${i * 4} maybe`,
      large_response: `The answer is ${i * 4}.${'!'.repeat(i % 3)}`,
    }));
    const csv = [
      'prompt,small,large,small_response,large_response',
      ...rows.map((r) => [r.prompt, r.small ? 'True' : 'False', r.large ? 'True' : 'False', r.small_response, r.large_response].join(',')),
    ];
    writeFileSync(join(root, 'routellm.csv'), csv.join('\n') + '\n');
    writeFileSync(join(root, 'prices.json'), JSON.stringify({ small: { input: 1, output: 2 }, large: { input: 10, output: 20 } }));
    const base = 'evals: [routellm.csv]\nprices: prices.json\nsplit: none\n';
    const config = join(root, 'cascade.config.yaml');
    // Mean cost per query: ceil(characters / 4) tokens of the prompt (input) and of the answer (output).
    const meanCost = (answer: 'small_response' | 'large_response', input: number, output: number) =>
      rows.reduce((s, r) => s + (Math.ceil(r.prompt.length / 4) * input + Math.ceil(r[answer].length / 4) * output) / 1e6, 0) / rows.length;
    const expected = { small: meanCost('small_response', 1, 2), large: meanCost('large_response', 10, 20) };
    const costsOf = (out: string) => Object.fromEntries(JSON.parse(out).models.map((m: { name: string; cost: number }) => [m.name, m.cost]));
    const closeTo = (got: Record<string, number>) => {
      for (const [name, cost] of Object.entries(expected)) assert.ok(Math.abs(got[name]! - cost) < 1e-15, `${name}: ${got[name]} vs ${cost}`);
    };

    writeFileSync(config, `${base}estimateTokens: true\n`);
    const keyed = await run(['check', config, '--bootstrap', '0', '--json']);
    assert.equal(keyed.code, 0, keyed.out);
    closeTo(costsOf(keyed.out));

    // Without the key the records have no cost: the check fails; the flag does what the key does.
    writeFileSync(config, base);
    const bare = await run(['check', config, '--bootstrap', '0']);
    assert.equal(bare.code, 1);
    assert.match(bare.out, /neither "cost" nor "tokens_in"\/"tokens_out" is present/);
    const flagged = await run(['check', config, '--bootstrap', '0', '--json', '--estimate-tokens']);
    assert.equal(flagged.code, 0, flagged.out);
    closeTo(costsOf(flagged.out));

    // A value that is not a boolean: an error at its line that says what the key takes.
    writeFileSync(config, `${base}estimateTokens: "yes"\n`);
    const wrong = await run(['check', config, '--bootstrap', '0']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.out, /cascade\.config\.yaml:4:17: error \[schema\] estimateTokens must be true or false/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
