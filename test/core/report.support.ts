/**
 * Shared by the report tests: running the CLI in-process, reading a report's embedded data
 * back with a plain regular expression and JSON.parse (not with the code under test), and an
 * evaluation set whose model and file names try to break out of the page.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';

export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The JSON inside `<script type="application/json" id="report-data">`, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, read field by field in the assertions
export function embeddedData(html: string): any {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no embedded report data');
  return JSON.parse(m[1]);
}

/** The text of the executable inline scripts (those without a type). */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
}

export const EVIL_MODEL = '</script><img src=x onerror=alert(1)>';
export const EVIL_FILE = 'evil<b>"bold"&amp;.jsonl';

/**
 * Two models on 40 queries in one JSONL file with a `model` field; the expensive model's name
 * is an HTML injection, the file's name has markup and quotes, and one line is broken so that
 * a warning names the file.
 */
export function evilDataset(): string {
  const dir = tempDir('cf-report-evil-');
  mkdirSync(join(dir, 'evals'));
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    lines.push(JSON.stringify({ model: 'cheap', id: `q${i}`, correct: i % 3 === 0 ? 0 : 1, confidence: ((i * 7) % 40) / 40, cost: 0.001 }));
    lines.push(JSON.stringify({ model: EVIL_MODEL, id: `q${i}`, correct: i % 5 === 0 ? 0 : 1, confidence: 0.5, cost: 0.01 }));
  }
  lines.push('{"model": "cheap", "id": "broken", <b>not json</b>');
  writeFileSync(join(dir, 'evals', EVIL_FILE), lines.join('\n') + '\n');
  return join(dir, 'evals');
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
