import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../support/paths.ts';
import { EVIL_FILE, EVIL_MODEL, embeddedData, evilDataset, inlineScripts, readText, runCli, tempDir } from './report.support.ts';
import { escapeHtml, h, jsonForScript } from '../../src/report/markup.ts';
import { thinPairCurve } from '../../src/report/data.ts';
import { renderFiles } from '../../src/cli/commands/analyze.ts';
import type { FileSummary, PairCurveSummary } from '../../src/core/types.ts';

const examples = resolve(repoRoot, 'examples/mmlu');
const OPTIONS = ['--budget', '0.0002', '--split-field', 'split', '--calibration', 'train', '--holdout', 'test', '--bootstrap', '100', '--cascade', 'llama3.1-8b,gpt-4o,-0.5'];

describe('cascade-frontier report on the bundled MMLU results', () => {
  let html = '';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, read field by field in the assertions
  let analyzed: any;
  let out = '';
  before(async () => {
    const dir = tempDir('cf-report-');
    const file = join(dir, 'report.html');
    const r = await runCli(['report', examples, ...OPTIONS, '-o', file]);
    assert.equal(r.code, 0, r.err);
    out = r.out;
    html = readText(file);
    const a = await runCli(['analyze', examples, ...OPTIONS, '--json']);
    assert.equal(a.code, 0, a.err);
    analyzed = JSON.parse(a.out);
  });

  it('says what it wrote', () => {
    assert.match(out, /^Wrote .+report\.html \(\d[\d,]* KB\): 9 models, 1,816 queries, \d+ envelope vertices\.$/m);
  });

  it('embeds the analysis: the envelope, holdout figures, recommendation and files equal analyze --json', () => {
    const data = embeddedData(html);
    assert.equal(data.kind, 'cascade-frontier-report');
    assert.equal(data.version, 1);
    assert.deepEqual(data.result.envelope, analyzed.envelope);
    assert.deepEqual(data.result.holdout, analyzed.holdout);
    assert.deepEqual(data.result.switchingPoints, analyzed.switchingPoints);
    assert.deepEqual(data.result.recommendation, analyzed.recommendation);
    assert.deepEqual(data.result.cascade, analyzed.cascade);
    assert.deepEqual(data.files, analyzed.files);
    assert.deepEqual(data.meta.inputs, [examples]);
  });

  it('shows one table row per envelope vertex, the recommended one marked', () => {
    const table = /<table id="vertex-table"[\s\S]*?<\/table>/.exec(html)![0];
    const rows = [...table.matchAll(/<tr data-index="(\d+)"[^>]*>/g)];
    assert.equal(rows.length, analyzed.envelope.length);
    assert.deepEqual(
      rows.map((m) => Number(m[1])),
      analyzed.envelope.map((_: unknown, i: number) => i),
    );
    const marked = rows.filter((m) => /class="recommended/.test(m[0]));
    assert.equal(marked.length, 1);
    const chosen = analyzed.recommendation.choice;
    assert.match(marked[0][0], new RegExp(`data-cost="${chosen.cost}"`));
    assert.equal(Number(marked[0][1]), analyzed.recommendation.envelopeIndex);
  });

  it('states the recommendation, held-out figures, shadow price in plain units and the verdict', () => {
    const rec = analyzed.recommendation;
    const [a, b] = rec.choice.policy.models;
    if (b === undefined) assert.ok(html.includes(`Deploy ${a} alone`));
    else {
      assert.ok(html.includes(`Deploy ${a} → ${b}`));
      assert.ok(html.includes(String(rec.choice.policy.thresholds[0])));
    }
    // Held-out quality and its interval, as percentages with one decimal.
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    assert.ok(html.includes(`${pct(rec.holdout.quality)} [${pct(rec.holdout.qualityInterval[0])} – ${pct(rec.holdout.qualityInterval[1])}]`));
    // lambda / 10 quality points per extra dollar per 1k queries, three significant digits.
    const lambda = rec.choice.shadowPrice.lambdaRight;
    assert.ok(html.includes(`${(lambda / 10).toPrecision(3)} quality points per extra $ per 1k queries`));
    assert.ok(html.includes(`Is escalation worth it?`));
    // The verdict: its answer, against the best single model that fits, and the held-out gain of the cascade it judged.
    const v = rec.verdict;
    const word = { yes: 'Yes', no: 'No', unclear: 'Unclear' }[v.answer as 'yes' | 'no' | 'unclear'];
    assert.match(html, new RegExp(`data-answer="${v.answer}">${word}: [^<]*${v.answer === 'yes' ? 'over' : 'keep'} ${v.versus.replace(/\./g, '\\.')}`));
    if (v.holdoutGain !== undefined) assert.ok(html.includes(`would have gained ${(v.holdoutGain * 100).toFixed(1)} pts`) || html.includes(`gains ${(v.holdoutGain * 100).toFixed(1)}`));
    assert.match(html, /<section id="cascade">/);
    assert.match(html, /<table id="file-table">/);
    assert.match(html, /<table id="switching-table">/);
  });

  it('references nothing on the network and nothing outside the file', () => {
    assert.ok(!/https?:\/\//i.test(html), 'no http:// or https:// anywhere');
    assert.ok(!/\/\/[a-z0-9.-]+\.[a-z]{2,}\//i.test(html.replace(/<script[\s\S]*?<\/script>/g, '')), 'no protocol-relative URLs in the markup');
    const markup = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '<script></script>').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
    assert.ok(!/\s(src|href|srcset|action|poster|data)\s*=/i.test(markup), 'no attribute that loads a resource');
    assert.ok(!/<(link|img|iframe|object|embed|audio|video|source|base)\b/i.test(markup));
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    assert.ok(!/url\(|@import|@font-face/i.test(style));
  });

  it('has a CSP that allows nothing but its own inline script and style, by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    const scripts = inlineScripts(html);
    assert.equal(scripts.length, 1);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k, v.join(' ')]),
    );
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('script-src'), hash(scripts[0]));
    assert.equal(directives.get('style-src'), hash(style));
    assert.ok(!csp.includes('unsafe'));
  });

  it('gives the page a light and a dark palette', () => {
    assert.match(html, /@media \(prefers-color-scheme: dark\)/);
    assert.match(html, /<meta name="color-scheme" content="light dark">/);
  });
});

describe('report for a quality target', () => {
  it('compares with the best single model at no more than the chosen cost, and warns when the holdout misses the target', async () => {
    const file = join(tempDir('cf-report-'), 'target.html');
    const r = await runCli(['report', examples, '--target', '88%', '--bootstrap', '0', '-o', file]);
    assert.equal(r.code, 0, r.err);
    const html = readText(file);
    const rec = embeddedData(html).result.recommendation;
    assert.equal(rec.target, 0.88);
    assert.ok(rec.choice.quality >= 0.88);
    assert.ok(html.includes('Recommendation for a quality target of 88.0%'));
    assert.ok(html.includes(`over the best single model at no more than its cost, ${rec.bestSingle.model}.`));
    // On this data the chosen policy falls short of 88% held out, which the page must say.
    assert.ok(rec.holdout.quality < 0.88);
    assert.ok(html.includes(`Held out, this policy reaches ${(rec.holdout.quality * 100).toFixed(1)}%, below the target of 88.0%`));
    assert.ok(!html.includes('within the budget'));
  });
});

describe('escaping what comes from users files', () => {
  it('writes a hostile model name and file name as text, and embeds them intact', async () => {
    const input = evilDataset();
    const file = join(tempDir('cf-report-'), 'evil.html');
    const r = await runCli(['report', input, '--no-split', '--budget', '0.02', '--bootstrap', '0', '-o', file]);
    assert.equal(r.code, 0, r.err);
    const html = readText(file);
    assert.ok(!html.includes(EVIL_MODEL));
    assert.ok(!/<img/i.test(html));
    assert.ok(!html.includes('<b>'));
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'only the two script elements end');
    assert.ok(html.includes('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('evil&lt;b&gt;&quot;bold&quot;&amp;amp;.jsonl'));
    const data = embeddedData(html);
    assert.ok(data.result.models.some((m: { name: string }) => m.name === EVIL_MODEL));
    assert.ok(data.files[0].file.endsWith(EVIL_FILE));
    assert.ok(data.result.warnings.length > 0);
    assert.ok(data.result.warnings.some((w: string) => w.includes(EVIL_FILE)));
    // Each warning is in the page as text (escaped here independently of the page's own escaping).
    const asText = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    for (const w of data.result.warnings) assert.ok(html.includes(`<li>${asText(w)}</li>`), w);
  });

  it('escapeHtml, h and jsonForScript', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(h('td', { title: '"><x>', hidden: true, skipped: false }, '<y>', 3).html, '<td title="&quot;&gt;&lt;x&gt;" hidden>&lt;y&gt;3</td>');
    assert.throws(() => h('td onclick=x'), /not an element name/);
    assert.throws(() => h('td', { 'on click': 'x' }), /not an attribute name/);
    const value = { s: '</script><!-- \u2028 \u2029 & > <', n: [1.5, null] };
    const text = jsonForScript(value);
    assert.ok(!/[<>&\u2028\u2029]/.test(text));
    assert.deepEqual(JSON.parse(text), value);
  });
});

describe('report usage errors', () => {
  it('needs -o, refuses a folder and a missing parent folder, and writes nothing then', async () => {
    const dir = tempDir('cf-report-');
    const noOut = await runCli(['report', examples]);
    assert.equal(noOut.code, 2);
    assert.match(noOut.err, /name the HTML file to write with -o report\.html/);
    mkdirSync(join(dir, 'folder'));
    const folder = await runCli(['report', examples, '-o', join(dir, 'folder')]);
    assert.equal(folder.code, 1);
    assert.match(folder.err, /is a folder; name an HTML file/);
    assert.doesNotMatch(folder.err, /Usage:/);
    assert.ok(statSync(join(dir, 'folder')).isDirectory());
    assert.deepEqual(readdirSync(join(dir, 'folder')), []);
    const missing = await runCli(['report', examples, '-o', join(dir, 'no', 'such', 'report.html')]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /the folder .+no\/such does not exist; create it first/);
    assert.ok(!existsSync(join(dir, 'no')));
    const noInput = await runCli(['report', '-o', join(dir, 'r.html')]);
    assert.equal(noInput.code, 2);
    assert.ok(!existsSync(join(dir, 'r.html')));
    assert.match((await runCli(['report', '--help'])).out, /-o, --output FILE/);
    assert.doesNotMatch((await runCli(['report', '--help'])).out, /--json/);
  });

  it('replaces an existing report file and leaves no temporary files', async () => {
    const dir = tempDir('cf-report-');
    const file = join(dir, 'report.html');
    writeFileSync(file, 'old');
    const r = await runCli(['report', evilDataset(), '--no-split', '--bootstrap', '0', '-o', file]);
    assert.equal(r.code, 0, r.err);
    assert.match(readText(file), /^<!DOCTYPE html>/);
    assert.deepEqual(readdirSync(dir), ['report.html']);
  });
});

describe('thinPairCurve', () => {
  const curve = (n: number): PairCurveSummary => ({
    cheap: 'a',
    expensive: 'b',
    // Threshold descending: cost descending, as the analysis orders them.
    points: Array.from({ length: n }, (_, i) => ({ threshold: n - i, cost: 0.001 * Math.pow(1.01, n - i), quality: 0.5 + (n - i) / (4 * n), escalationRate: (n - i) / n })),
  });

  it('returns a short curve unchanged', () => {
    const c = curve(10);
    assert.equal(thinPairCurve(c, 10), c);
  });

  it('keeps the ends and at most max points, in their order', () => {
    const c = curve(5000);
    const t = thinPairCurve(c, 100);
    assert.ok(t.points.length <= 100 && t.points.length >= 90, `${t.points.length}`);
    assert.equal(t.points[0], c.points[0]);
    assert.equal(t.points.at(-1), c.points.at(-1));
    const index = t.points.map((p) => c.points.indexOf(p));
    for (let i = 1; i < index.length; i++) assert.ok(index[i] > index[i - 1]);
    // Spread over log cost: every decile of the log-cost range holds some kept point.
    const lo = Math.log(c.points.at(-1)!.cost);
    const hi = Math.log(c.points[0].cost);
    for (let d = 0; d < 10; d++) {
      const a = lo + ((hi - lo) * d) / 10;
      const b = lo + ((hi - lo) * (d + 1)) / 10;
      assert.ok(
        t.points.some((p) => Math.log(p.cost) >= a && Math.log(p.cost) <= b),
        `decile ${d}`,
      );
    }
  });
});

describe('analyze: the files-read summary', () => {
  const f = (file: string, over: Partial<FileSummary> = {}): FileSummary => ({ file, format: 'jsonl', models: ['m'], records: 10, rejected: 0, derived: [], missing: [], ...over });

  it('one line per file, files with the same facts on one line', () => {
    const text = renderFiles([
      f('a.jsonl', { models: ['gpt-4o'] }),
      f('run/samples_1.jsonl', { format: 'lm-eval', derived: ['confidence from choice log-likelihoods'], missing: ['cost'] }),
      f('run/samples_2.jsonl', { format: 'lm-eval', derived: ['confidence from choice log-likelihoods'], missing: ['cost'] }),
      f('b.csv', { format: 'csv-long', models: ['x', 'y'], records: 1, rejected: 2 }),
      f('c.csv', {
        format: 'csv-long',
        models: ['x', 'y', 'z'],
        records: 9,
        costs: [
          { model: 'x', fromRecords: 3, fromTokens: 0, fromEstimatedTokens: 0 },
          { model: 'y', fromRecords: 1, fromTokens: 2, fromEstimatedTokens: 0, priceKey: 'openai/y' },
          { model: 'z', fromRecords: 3, fromTokens: 0, fromEstimatedTokens: 0 },
        ],
      }),
    ]);
    assert.equal(
      text,
      [
        'Files read: 5',
        '  a.jsonl: jsonl; model gpt-4o; 10 records',
        '  2 files (run/samples_1.jsonl, run/samples_2.jsonl): lm-eval; model m; 10 records; derived: confidence from choice log-likelihoods; missing: cost',
        '  b.csv: csv-long; models x, y; 1 record, 2 rejected',
        `  c.csv: csv-long; models x, y, z; 9 records; cost: the records' cost (x, z) | the records' cost (1 record) and tokens x price entry "openai/y" (2 records) (y)`,
      ].join('\n'),
    );
  });

  it('names the first three of a large group and counts the rest', () => {
    const text = renderFiles(Array.from({ length: 12 }, (_, i) => f(`s${i}.jsonl`)));
    assert.equal(text, 'Files read: 12\n  12 files (s0.jsonl, s1.jsonl, s2.jsonl and 9 more): jsonl; model m; 10 records');
  });

  it('is printed by analyze after the analysis', async () => {
    const r = await runCli(['analyze', examples, '--bootstrap', '0']);
    assert.equal(r.code, 0);
    assert.match(r.out, /\nFiles read: 9\n {2}.+gpt-4o-mini\.jsonl: jsonl; model gpt-4o-mini; 1816 records; cost: the records' cost\n/);
  });
});
