/**
 * No record is lost without a message: each case rebuilt from a report of records that
 * vanished while the analysis still succeeded. Real records (the bundled MMLU results) are
 * corrupted the way the report describes; the expected counts and lines come from the
 * corrupted text itself (what the test wrote, or what zlib can decode), never from the loader.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { trainRouter } from '../../src/core/router/router.ts';
import { loadFiles } from '../fixtures/load/tempFiles.ts';
import { repoRoot } from '../support/paths.ts';

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'llama3.1-8b'] as const;
/** The lines of a bundled MMLU result file (one record each, 1,816 of them). */
const realLines = (model: string): string[] =>
  readFileSync(join(repoRoot, 'examples/mmlu', `${model}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
const N = realLines('gpt-4o').length;

/** The three files, the first with its line `lineNo` replaced. */
function withLine(lineNo: number, change: (line: string) => string, model: string = MODELS[0]): Record<string, string> {
  return Object.fromEntries(
    MODELS.map((m) => {
      const lines = realLines(m);
      if (m === model) lines[lineNo - 1] = change(lines[lineNo - 1]!);
      return [`${m}.jsonl`, lines.join('\n') + '\n'];
    }),
  );
}

const MALFORMED_TAIL = 'Fix the line so that it holds one complete JSON object.';
const BAD_ESCAPE = 'invalid escape sequence in a string; write a backslash as \\\\';
const BAD_U = 'invalid \\u escape in a string; it needs four hex digits';
const CONTROL = 'a control character (tab, line break) inside a string must be escaped, e.g. as \\t or \\n';

test('one bad string in a field the record needs costs that record only, reported at its line; the rest of the file loads', async () => {
  const cases: { what: string; change: (l: string) => string; at: (l: string) => number; hint: string }[] = [
    { what: 'an invalid escape in "split"', change: (l) => l.replace('"split": "train"', '"split": "tr\\qain"'), at: (l) => l.indexOf('\\q'), hint: `${BAD_ESCAPE} (in the value of "split")` },
    { what: 'a short \\u escape in "split"', change: (l) => l.replace('"split": "train"', '"split": "\\u12"'), at: (l) => l.indexOf('\\u12'), hint: `${BAD_U} (in the value of "split")` },
    { what: 'an invalid escape in "id"', change: (l) => l.replace('"id": "mmlu-', '"id": "\\x-mmlu-'), at: (l) => l.indexOf('\\x'), hint: `${BAD_ESCAPE} (in the value of "id")` },
    { what: 'an invalid escape in "model"', change: (l) => l.replace('{"id"', '{"model": "gpt\\-4o-mini", "id"'), at: (l) => l.indexOf('\\-'), hint: `${BAD_ESCAPE} (in the value of "model")` },
    { what: 'a short \\u escape in "correct"', change: (l) => l.replace(/"correct": \d/, '"correct": "\\u00z1"'), at: (l) => l.indexOf('\\u00z1'), hint: `${BAD_U} (in the value of "correct")` },
    {
      what: 'a raw control character beside an escape in "split"',
      change: (l) => l.replace('"split": "train"', '"split": "tr\\nai\u0001n"'),
      at: (l) => l.indexOf('\u0001'),
      hint: `${CONTROL} (in the value of "split")`,
    },
  ];
  for (const c of cases) {
    const files = withLine(10, c.change);
    const line = files[`${MODELS[0]}.jsonl`]!.split('\n')[9]!;
    const r = await loadFiles(files);
    const lineMessages = r.messages.filter((m) => /\.jsonl:\d+:/.test(m));
    assert.deepEqual(lineMessages, [`${MODELS[0]}.jsonl:10: malformed JSON at column ${c.at(line) + 1}: ${c.hint}. ${MALFORMED_TAIL}`], c.what);
    assert.deepEqual(
      r.files.map((f) => [f.records, f.rejected]),
      [
        [N - 1, 1],
        [N, 0],
        [N, 0],
      ],
      c.what,
    );
    assert.equal(r.dataset.n, N - 1, c.what);
    assert.ok(!r.dataset.ids.includes(`mmlu-train-00009`), c.what);
  }
});

test('a line of 200,000 unbalanced "[" is one malformed line: nesting is bounded, nothing overflows', async () => {
  const r = await loadFiles(withLine(10, () => '['.repeat(200_000)));
  assert.deepEqual(
    r.messages.filter((m) => /\.jsonl:\d+:/.test(m)),
    [`${MODELS[0]}.jsonl:10: malformed JSON at column 65: objects and arrays nest more than 64 levels deep; a record is one flat JSON object. ${MALFORMED_TAIL}`],
  );
  assert.equal(r.files[0]!.records + r.files[0]!.rejected, N);
  assert.equal(r.dataset.n, N - 1);
  // Inside a record, and balanced: the same bound, the same outcome.
  const nested = await loadFiles(withLine(10, (l) => l.replace('{"id"', `{"meta": ${'['.repeat(100_000)}${']'.repeat(100_000)}, "bad": NaNx, "id"`)));
  assert.equal(nested.files[0]!.rejected, 1);
  assert.equal(nested.dataset.n, N - 1);
});

test('a prompt that cannot be decoded costs the prompt, not the record, and the router says why it is missing', async () => {
  const breakPrompt = (l: string): string => l.replace('"prompt": "Answer', '"prompt": "\\Answer');
  // In the first file that names the query: the record stays, the prompt comes from the next file.
  const once = await loadFiles(withLine(10, breakPrompt));
  const line = realLines(MODELS[0])[9]!;
  const column = breakPrompt(line).indexOf('\\Answer') + 1;
  assert.deepEqual(once.messages, [
    `${MODELS[0]}.jsonl:10: "prompt" cannot be decoded (column ${column}: ${BAD_ESCAPE}); the record is used without it, and the router reads this query's prompt from another model's record or goes without. Fix the escapes of the prompt.`,
  ]);
  assert.equal(once.dataset.n, N);
  assert.equal(once.dataset.prompts![9], JSON.parse(realLines(MODELS[1])[9]!).prompt);
  assert.equal(once.dataset.undecodablePrompts, undefined);

  // Broken in every file (a raw control character beside an escape in one of them): the query has no prompt, and the router's warning says why.
  const files = withLine(10, breakPrompt);
  const lines1 = files[`${MODELS[1]}.jsonl`]!.split('\n');
  lines1[9] = lines1[9]!.replace('"prompt": "Answer', '"prompt": "\\nAns\u0002wer');
  files[`${MODELS[1]}.jsonl`] = lines1.join('\n');
  const lines2 = files[`${MODELS[2]}.jsonl`]!.split('\n');
  lines2[9] = breakPrompt(lines2[9]!);
  files[`${MODELS[2]}.jsonl`] = lines2.join('\n');
  const all = await loadFiles(files);
  assert.deepEqual(
    all.messages.map((m) => m.slice(0, m.indexOf(': "prompt" cannot be decoded (column'))),
    MODELS.map((m) => `${m}.jsonl:10`),
  );
  assert.ok(all.messages[1]!.includes(CONTROL));
  assert.equal(all.dataset.n, N);
  assert.deepEqual(
    all.files.map((f) => [f.records, f.rejected]),
    [
      [N, 0],
      [N, 0],
      [N, 0],
    ],
  );
  assert.equal(all.dataset.prompts![9], undefined);
  assert.deepEqual(
    [...all.dataset.undecodablePrompts!.keys()].filter((i) => all.dataset.undecodablePrompts![i] === 1),
    [9],
  );
  const router = trainRouter(all.dataset);
  assert.ok(router.available);
  assert.deepEqual(router.warnings, [
    `1 of ${N} calibration queries have no prompt (1 of them because their prompt text could not be decoded: see the file warnings); the router sees an empty prompt for them.`,
  ]);
});

test('a string that breaks the rules in a field the loader does not read costs nothing, on both parsing paths', async () => {
  // The second record also holds a nested value, so it is read by the general parser, not the field scanner.
  const r = await loadFiles(withLine(10, (l) => l.replace('{"id"', '{"note": "tr\\qash", "id"')));
  assert.deepEqual(r.messages, []);
  const nested = await loadFiles(withLine(10, (l) => l.replace('{"id"', '{"meta": {"note": "tr\\qash\u0001"}, "id"')));
  assert.deepEqual(nested.messages, []);
  assert.equal(nested.dataset.n, N);
});

/** A long-layout CSV of the MMLU records of one model (header + one row per record). */
function csvRows(model: string, count: number): string[] {
  const rows = ['id,split,correct,confidence,cost'];
  for (const line of realLines(model).slice(0, count)) {
    const r = JSON.parse(line) as { id: string; split: string; correct: number; confidence: number; cost: number };
    rows.push(`${r.id},${r.split},${r.correct},${r.confidence},${r.cost}`);
  }
  return rows;
}

test('CSV: a quote opened on line 11 and a stray ,"extra on line 501 cost those two rows, each reported; the file says it has one row per line', async () => {
  const rows = csvRows('gpt-4o', 1000);
  rows[10] = rows[10]!.replace(',train,', ',"train,');
  rows[500] = `${rows[500]},"extra`;
  const r = await loadFiles({ 'gpt-4o.csv': rows.join('\n') + '\n', 'llama3.1-8b.csv': csvRows('llama3.1-8b', 1000).join('\n') + '\n' });
  const unclosed =
    'malformed CSV: a quoted field is not closed by the end of the line (this file has one row per line: no quoted field spans lines in its first rows); the row was skipped. Fix the quoting of the row.';
  assert.deepEqual(
    r.messages.filter((m) => /\.csv:\d+:/.test(m)),
    [`gpt-4o.csv:11: ${unclosed}`, `gpt-4o.csv:501: ${unclosed}`],
  );
  assert.deepEqual([r.files[0]!.records, r.files[0]!.rejected], [998, 2]);
  assert.deepEqual(r.files[0]!.derived, ['one row per line (no quoted field spans lines in the first rows)']);
  assert.equal(r.dataset.n, 998);
});

test('CSV with multi-line fields in its first rows: read as such, and a broken quote later costs its own record only', async () => {
  // Every prompt spans three lines; the quote of record 300 is lost, and record 700 gains a stray one.
  const rows = ['id,prompt,correct,confidence,cost'];
  const ids: string[] = [];
  const firstLine: number[] = [];
  let lineNo = 2;
  for (const line of realLines('gpt-4o').slice(0, 1000)) {
    const r = JSON.parse(line) as { id: string; correct: number; confidence: number; cost: number };
    ids.push(r.id);
    firstLine.push(lineNo);
    rows.push(`${r.id},"question ${r.id}\nwith ""quotes""\nand three lines",${r.correct},${r.confidence},${r.cost}`);
    lineNo += 3;
  }
  rows[300] = rows[300]!.replace(',"question', ',question');
  rows[700] = rows[700]!.replace(/,([^,]*)$/, ',"$1');
  const r = await loadFiles({ 'm.csv': rows.join('\n') + '\n' });
  assert.deepEqual(r.files[0]!.derived, ['quoted fields span lines (as in the first rows)']);
  // Every other record loads, with its prompt; each problem lies within the lines of a broken record.
  const broken = [ids[299]!, ids[699]!];
  assert.deepEqual(
    r.dataset.ids,
    ids.filter((id) => !broken.includes(id)),
  );
  assert.equal(r.dataset.prompts![0], `question ${ids[0]}\nwith "quotes"\nand three lines`);
  const lines = r.issues.map((i) => i.line);
  assert.ok(lines.length >= 2);
  for (const l of lines) assert.ok((l >= firstLine[299]! && l < firstLine[300]!) || (l >= firstLine[699]! && l < firstLine[700]!), `issue at line ${l}`);
  assert.ok(lines.includes(firstLine[299]!) && lines.includes(firstLine[699]!));
});

/** What zlib itself can decode of a cut gzip file (flushing what it holds instead of failing). */
const decodable = (gz: Buffer): string => gunzipSync(gz, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');

test('a gzip file cut short with less than 64 KiB readable: its complete lines load, the cut line is reported, the model stays', async () => {
  const text = realLines('llama3.1-8b').join('\n') + '\n';
  const gz = gzipSync(text);
  for (const cut of [600, 2000, 9000, 15000]) {
    const part = gz.subarray(0, cut);
    const readable = decodable(part);
    assert.ok(readable.length < 64 * 1024 && readable.length > 0);
    const complete = readable.split('\n').length - 1;
    const r = await loadFiles({ 'gpt-4o.jsonl': realLines('gpt-4o').join('\n'), 'llama3.1-8b.jsonl.gz': part });
    assert.deepEqual(
      r.messages.filter((m) => /\.gz:\d+:/.test(m)),
      [
        `llama3.1-8b.jsonl.gz:${complete + 1}: the file ends in the middle of this line (the gzip data is corrupt or cut short); the incomplete record was skipped, the lines before it were loaded. Re-create or re-download the file.`,
      ],
      `cut at ${cut}`,
    );
    const f = r.files[1]!;
    assert.equal(f.format, 'jsonl');
    assert.deepEqual([f.records, f.rejected], [complete, 1], `cut at ${cut}`);
    assert.deepEqual(
      r.dataset.models.map((m) => m.name),
      ['gpt-4o', 'llama3.1-8b'],
    );
    assert.equal(r.dataset.n, complete);
  }
});

test('a gzip file cut at a line end, or inside its header', async () => {
  // A full flush after 20 lines puts a cut point exactly at the end of line 20.
  const lines = realLines('llama3.1-8b');
  const gz = await new Promise<{ data: Buffer; at: number }>((resolve) => {
    const z = createGzip();
    const parts: Buffer[] = [];
    z.on('data', (c: Buffer) => parts.push(c));
    z.write(lines.slice(0, 20).join('\n') + '\n');
    z.flush(constants.Z_FULL_FLUSH, () => {
      const at = Buffer.concat(parts).length;
      z.end(lines.slice(20).join('\n') + '\n');
      z.on('end', () => resolve({ data: Buffer.concat(parts), at }));
    });
  });
  const part = gz.data.subarray(0, gz.at);
  assert.equal(decodable(part).split('\n').length - 1, 20);
  const r = await loadFiles({ 'm.jsonl.gz': part });
  assert.deepEqual(r.messages, [
    'm.jsonl.gz:20: the file could not be read past line 20 (the gzip data is corrupt or cut short); the records before it were loaded. Re-create or re-download the file.',
  ]);
  assert.deepEqual([r.files[0]!.records, r.files[0]!.rejected], [20, 0]);

  const header = await loadFiles({ 'm.jsonl.gz': gz.data.subarray(0, 8), 'ok.jsonl': lines.join('\n') });
  assert.deepEqual(header.messages, ['m.jsonl.gz: no content could be read from the file (the gzip data is corrupt or cut short); it holds no records. Re-create or re-download the file.']);
});

test('a record without a confidence, then the same query with one: the second is the record, the first is reported at its line', async () => {
  const lines = realLines('gpt-4o');
  const first = JSON.parse(lines[2]!) as Record<string, unknown>;
  delete first.confidence;
  // The record of line 3 twice: first without its confidence, then as it is.
  const text = [...lines.slice(0, 2), JSON.stringify(first), ...lines.slice(2)].join('\n');
  const r = await loadFiles({ 'gpt-4o.jsonl': text, 'llama3.1-8b.jsonl': realLines('llama3.1-8b').join('\n') });
  assert.deepEqual(r.messages, [
    'gpt-4o.jsonl:3: "confidence" is missing, but other records of model "gpt-4o" have one; a model\'s confidence must be on every record or on none. Add it, or remove the record (a model with no confidence on any record is read as one without a confidence).',
  ]);
  assert.deepEqual([r.files[0]!.records, r.files[0]!.rejected], [N, 1]);
  assert.equal(r.dataset.n, N);
  const q = r.dataset.ids.indexOf(first.id as string);
  assert.equal(r.dataset.models.find((m) => m.name === 'gpt-4o')!.confidence[q], (JSON.parse(lines[2]!) as { confidence: number }).confidence);
});
