import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, InputError, UsageError, type CliIO } from '../io.ts';
import { INPUT_USAGE, joinNegativeValues } from '../options.ts';
import { ANALYSIS_OPTIONS, loadAndAnalyze, printIssues, SELECTION_USAGE } from './analyze.ts';
import { thinPairs, type ReportData } from '../../report/data.ts';
import { renderReportHtml } from '../../report/html.ts';
import { reportScript } from '../../report/script.ts';

export const REPORT_USAGE = `Usage: cascade-frontier report <files or folders...> -o report.html [options]

Writes one self-contained HTML file (no network access, light and dark) with the frontier chart,
the envelope vertices with held-out figures, the switching points, the recommendation, the
configured cascade, the files read and the warnings: for a pull request or a CI run.

Options:
  -o, --output FILE       the HTML file to write (required; replaced if it exists)
  --budget DOLLARS        budget in dollars per query: recommend the best policy within it
  --target QUALITY        quality target in [0,1] (or a percentage like 85%): the cheapest policy reaching it
  --cascade A,B,T         evaluate a configured cascade: cheap model A, expensive model B,
                          threshold T (A answers when its confidence >= T)
${INPUT_USAGE.split('\n')
  .filter((line) => !line.trimStart().startsWith('--json'))
  .join('\n')}
  --bootstrap N           bootstrap resamples for intervals (default 1000; 0 for none)
${SELECTION_USAGE}
  -h, --help              this text

Exit codes: 0 written (problems in records are listed in the report and on stderr), 1 no usable
input, or the file cannot be written there, 2 wrong usage.`;

/** The tool's version, from the package.json above this file (in the sources or beside dist/). */
function toolVersion(): string {
  for (let dir = __dirname, i = 0; i < 4; dir = dirname(dir), i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'cascade-frontier' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here: look one folder up
    }
  }
  return 'unknown';
}

/** The time the report states: now, or SOURCE_DATE_EPOCH (seconds) for reproducible output. */
function generatedAt(): string {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  return (process.env.SOURCE_DATE_EPOCH && Number.isFinite(epoch) ? new Date(epoch * 1000) : new Date()).toISOString();
}

/**
 * Checks the output path before any work: a file name, not a folder, in a folder that exists.
 * @throws UsageError for an empty name; InputError otherwise (exit 1, without the usage text that would bury the message).
 */
function checkOutput(output: string): void {
  if (output === '' || output.endsWith('/')) throw new UsageError(`--output must name a file, got ${JSON.stringify(output)}`);
  const path = resolve(output);
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing?.isDirectory()) throw new InputError(`--output ${output} is a folder; name an HTML file, e.g. ${join(output, 'report.html')}`);
  const parent = statSync(dirname(path), { throwIfNoEntry: false });
  if (!parent) throw new InputError(`--output ${output}: the folder ${dirname(output)} does not exist; create it first or write the report elsewhere`);
  if (!parent.isDirectory()) throw new InputError(`--output ${output}: ${dirname(output)} is not a folder`);
}

/** Writes through a temporary file in the same folder, so a reader never sees half a report. */
function writeAtomically(output: string, text: string): void {
  const path = resolve(output);
  const tmp = mkdtempSync(join(dirname(path), `.${basename(path)}-`));
  try {
    writeFileSync(join(tmp, 'report.html'), text);
    renameSync(join(tmp, 'report.html'), path);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** `cascade-frontier report`: returns the exit code. */
export async function runReport(argv: readonly string[], io: CliIO): Promise<number> {
  const { json: _json, ...options } = ANALYSIS_OPTIONS;
  const all = { ...options, output: { type: 'string', short: 'o' } } as const;
  const { values, positionals } = parseArgs({ args: joinNegativeValues(argv, all), allowPositionals: true, options: all });
  if (values.help) {
    io.out(REPORT_USAGE);
    return EXIT.ok;
  }
  if (values.output === undefined) throw new UsageError('name the HTML file to write with -o report.html');
  checkOutput(values.output);
  const { result, loaded } = await loadAndAnalyze(values, positionals, io);
  const thinned = thinPairs(result);
  const data: ReportData = {
    kind: 'cascade-frontier-report',
    version: 1,
    result: thinned.result,
    files: loaded.files,
    meta: { inputs: positionals, command: ['report', ...argv], generatedAt: generatedAt(), toolVersion: toolVersion(), pairPoints: { total: thinned.total, kept: thinned.kept } },
  };
  const html = renderReportHtml(data, await reportScript());
  try {
    writeAtomically(values.output, html);
  } catch (e) {
    io.err(`cascade-frontier report: cannot write ${values.output}: ${(e as Error).message}`);
    return EXIT.badInput;
  }
  io.out(
    `Wrote ${values.output} (${Math.round(Buffer.byteLength(html) / 1024).toLocaleString('en-US')} KB): ${result.models.length} models, ${result.n.toLocaleString('en-US')} queries, ${result.envelope.length} envelope vertices.`,
  );
  printIssues(result.warnings, io);
  return EXIT.ok;
}
