import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { glob } from 'tinyglobby';
import { analyze } from '../../core/analyze.ts';
import { learnConfidence } from '../../core/confidence/learned.ts';
import { stagesWithoutConfidence } from '../../core/confidence/source.ts';
import { exceedsBudget } from '../../core/budgetRule.ts';
import { DEFAULT_TOLERANCE_POINTS } from '../../core/config/advice.ts';
import { configCheckFindings, failsCheck, type CheckFinding, type CheckOutcome } from '../../core/config/check.ts';
import { parseCascadeConfig } from '../../core/config/config.ts';
import { per1k, percent, policyShort, resultJson } from '../../core/format/index.ts';
import { configRequest, EXCLUDED_FOLDERS_GLOB, positionOf } from '../../core/config/request.ts';
import { configFormatOf, isCascadeConfigFileName } from '../../core/config/tree.ts';
import { loadEvalFiles, loadPriceTable, withoutSuperseded } from '../../core/load/index.ts';
import type { LoadResult } from '../../core/types.ts';
import { EXIT, noUsableQueries, UsageError, type CliIO } from '../io.ts';
import { joinNegativeValues, numberOption } from '../options.ts';
import { githubAnnotation, stepSummaryMarkdown, type CheckReport } from './checkGithub.ts';

export const CHECK_USAGE = `Usage: cascade-frontier check [cascade.config.yaml] [options]

Reads a cascade config (its evals, split, prices, budget or target and cascade), recomputes the
analysis and fails (exit 1) when the configured cascade is more than --tolerance quality points
below the envelope at its own cost held out, goes over the budget held out, names a model the
eval files lack, or the eval files have problems; also on an error in the config itself.
Otherwise it prints a one-paragraph summary and exits 0. For CI and pre-commit hooks.

Options:
  --tolerance POINTS      held-out quality points below the envelope that still pass (default 0.5)
  --allow-warnings        problems in the eval files are warnings and do not fail the check
  --format F              text (default), json, or github: GitHub Actions annotations at the
                          config's lines and a markdown summary appended to $GITHUB_STEP_SUMMARY
                          (the default when GITHUB_ACTIONS=true)
  --json                  the same as --format json
  --bootstrap N           bootstrap resamples for intervals (default 1000; 0 for none)
  --estimate-tokens       estimate tokens as characters / 4 of the prompt and the answer, to price
                          records that have the texts but no tokens or cost (the same as the
                          config's estimateTokens: true)
  -h, --help              this text

Without a file it reads cascade.config.yaml (or .yml, .json) in the current folder.

Exit codes: 0 the cascade passes, 1 it fails (or nothing could be analysed), 2 wrong usage.`;

type Format = 'text' | 'json' | 'github';

export type { CheckReport } from './checkGithub.ts';

/** `cascade-frontier check`: returns the exit code. */
export async function runCheck(argv: readonly string[], io: CliIO): Promise<number> {
  const options = {
    tolerance: { type: 'string' },
    'allow-warnings': { type: 'boolean' },
    format: { type: 'string' },
    json: { type: 'boolean' },
    bootstrap: { type: 'string' },
    'estimate-tokens': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  const { values, positionals } = parseArgs({ args: joinNegativeValues(argv, options), allowPositionals: true, options });
  if (values.help) {
    io.out(CHECK_USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError('check reads one cascade config; run it once per config');
  const env = io.env ?? process.env;
  const format = formatOf(values.format, values.json === true, env.GITHUB_ACTIONS === 'true');
  const tolerance = numberOption('tolerance', values.tolerance, (x) => x >= 0, 'a number of quality points >= 0') ?? DEFAULT_TOLERANCE_POINTS;
  const bootstrapResamples = numberOption('bootstrap', values.bootstrap, (x) => Number.isInteger(x) && x >= 0 && x <= 100000, 'a whole number from 0 to 100000');
  const configPath = positionals[0] ?? defaultConfig();
  const report = await checkConfig(configPath, {
    tolerance,
    allowWarnings: values['allow-warnings'] === true,
    ...(bootstrapResamples !== undefined ? { bootstrapResamples } : {}),
    ...(values['estimate-tokens'] ? { estimateTokens: true } : {}),
  });
  if (format === 'json') io.out(resultJson(checkJson(report)));
  else if (format === 'github') {
    const shown = relative(process.cwd(), resolve(report.configPath)).replace(/\\/g, '/');
    for (const f of report.findings) io.out(githubAnnotation(f, shown, report.configText));
    io.out(report.summary);
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, stepSummaryMarkdown(report, shown));
  } else {
    for (const f of report.findings) io.out(findingLine(f, report.configPath, report.configText));
    if (report.findings.length > 0) io.out('');
    io.out(report.summary);
  }
  return report.passed ? EXIT.ok : EXIT.badInput;
}

function formatOf(format: string | undefined, json: boolean, githubActions: boolean): Format {
  if (json && format !== undefined && format !== 'json') throw new UsageError(`--json and --format ${format} disagree: give one`);
  if (json) return 'json';
  if (format === undefined) return githubActions ? 'github' : 'text';
  if (format === 'text' || format === 'json' || format === 'github') return format;
  throw new UsageError(`--format must be text, json or github, got ${JSON.stringify(format)}`);
}

function defaultConfig(): string {
  const names = ['cascade.config.yaml', 'cascade.config.yml', 'cascade.config.json'];
  const found = names.find((n) => existsSync(n));
  if (!found) throw new UsageError(`name a cascade config: there is no ${names.join(', ')} in ${process.cwd()}`);
  return found;
}

/**
 * Reads a config, finds and loads its eval files, analyses them as the config says and collects
 * every finding (the ones the editor shows as the config's diagnostics); `estimateTokens` as
 * the config's `estimateTokens: true`. Never throws for bad
 * input: what went wrong is a finding. @throws UsageError when the config cannot be read.
 */
export async function checkConfig(configPath: string, options: { tolerance: number; allowWarnings: boolean; bootstrapResamples?: number; estimateTokens?: boolean }): Promise<CheckReport> {
  if (!isCascadeConfigFileName(configPath)) throw new UsageError(`${configPath} is not a cascade config: name it cascade.config.yaml (.yml, .json) or *.cascade.yaml`);
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${configPath}: ${(e as Error).message}`);
  }
  const config = parseCascadeConfig(text, configFormatOf(configPath));
  const dir = dirname(resolve(configPath));
  const asked = configRequest(config);
  // --estimate-tokens adds to the config's estimateTokens (it cannot turn it off).
  const request = options.estimateTokens ? { ...asked, load: { ...asked.load, estimateTokens: true } } : asked;
  const outcome = await recompute(dir, request, options.bootstrapResamples);
  const findings = configCheckFindings(config, outcome, { tolerance: options.tolerance, allowWarnings: options.allowWarnings, configDir: dir });
  const passed = !failsCheck(findings);
  const base = { configPath, configText: text, findings, passed, tolerance: options.tolerance };
  const report: CheckReport = { ...base, summary: '', ...(outcome.result ? { result: outcome.result } : {}), ...(outcome.loaded ? { loaded: outcome.loaded } : {}) };
  return { ...report, summary: summaryParagraph(report, outcome.files) };
}

async function recompute(dir: string, request: ReturnType<typeof configRequest>, bootstrapResamples: number | undefined): Promise<CheckOutcome & { loaded?: LoadResult; files: number }> {
  const found = await glob([...request.globs], { cwd: dir, absolute: true, onlyFiles: true, ignore: [EXCLUDED_FOLDERS_GLOB], expandDirectories: false });
  // A task run again, or a HELM run in several suites, is read once (from the latest); a glob naming a folder reads the harness outputs in and below it.
  const latest = await withoutSuperseded(found.filter((f) => !isCascadeConfigFileName(f)).sort());
  const folders = request.globs.filter((g) => !/[*?[\]{}]/.test(g) && statSync(resolve(dir, g), { throwIfNoEntry: false })?.isDirectory()).map((g) => resolve(dir, g));
  const files = [...latest.kept, ...folders];
  if (files.length === 0) return { error: `no eval files match ${request.globs.join(', ')} under ${dir}. Edit \`evals\` in the config.`, issues: [], files: 0 };
  let loaded: LoadResult;
  const { pricesFile, ...load } = request.load;
  try {
    const prices = pricesFile !== undefined ? await loadPriceTable(resolve(dir, pricesFile)) : load.prices;
    // A learned confidence reads the prompts and the answers; the analysis alone needs neither.
    loaded = await loadEvalFiles(files, { ...load, ...(prices ? { prices } : {}), keepPrompts: request.learned });
  } catch (e) {
    return { error: (e as Error).message, issues: [], files: files.length };
  }
  if (loaded.dataset.n === 0 || loaded.dataset.models.length === 0) {
    return { error: noUsableQueries(loaded.files, 'Fix the problems of the eval files.'), issues: loaded.issues, loaded, files: files.length };
  }
  try {
    const learned = request.learned ? learnConfidence(loaded.dataset, request.analyze.split) : undefined;
    const dataset = learned?.dataset ?? loaded.dataset;
    // A cascade naming a model the files lack, or leading with a model without a confidence, is analysed without it; the unknown-model or no-confidence finding says why.
    const names = new Set(dataset.models.map((m) => m.name));
    const cascade = request.analyze.cascade;
    const usable = cascade && cascade.models.every((m) => names.has(m)) && stagesWithoutConfidence(dataset.models, cascade).length === 0 ? cascade : undefined;
    const result = analyze(dataset, {
      ...request.analyze,
      cascade: usable,
      ...(bootstrapResamples !== undefined ? { bootstrapResamples } : {}),
      issues: loaded.issues,
      files: loaded.files,
      ...(learned ? { learned: learned.models } : {}),
    });
    return { result, issues: loaded.issues, loaded, files: files.length };
  } catch (e) {
    return { error: (e as Error).message, issues: loaded.issues, loaded, files: files.length };
  }
}

/** `cascade.config.yaml:16:3: error [below-envelope] message`. */
function findingLine(f: CheckFinding, path: string, text: string): string {
  const p = positionOf(text, f.span.start);
  return `${path}:${p.line + 1}:${p.character + 1}: ${f.severity} [${f.code}] ${f.message}`;
}

/** One paragraph: the verdict, the configured cascade held out against the envelope and the budget, the files. */
export function summaryParagraph(report: Omit<CheckReport, 'summary'>, files: number): string {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const counts = [errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings > 0 ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
  const parts = [`${report.configPath} ${report.passed ? 'passes' : 'fails'} the check${counts ? ` (${counts})` : ''}.`];
  const r = report.result;
  if (r) {
    const c = r.cascade;
    const where = c?.holdout ? `held out (${r.split.nHoldout} queries)` : `in-sample (${r.split.nCalibration} queries, no holdout)`;
    if (c) {
      const own = c.holdout ?? c.inSample;
      let line = `${policyShort(c.policy)} scores ${percent(own.quality)} at ${per1k(own.cost)} ${where}`;
      const gap = c.holdoutGapToEnvelope ?? c.gapToEnvelope;
      const e = c.envelopeAtCost;
      line += `; the envelope's policy at its cost${e ? ` (${policyShort(e.policy)})` : ''} is ${Math.abs(gap * 100).toFixed(1)} pts ${gap > 0 ? 'above' : 'below'} it (tolerance ${report.tolerance} pts)`;
      const budget = r.recommendation?.budget;
      if (budget !== undefined) line += `, ${exceedsBudget(own, budget, r.settings.selection?.budgetConfidence) ? 'over' : 'within'} the budget of ${per1k(budget)}`;
      parts.push(`${line}.`);
    } else {
      parts.push(`No cascade is configured (or it names a model the eval files lack, or one without a confidence before its last stage), so nothing is held against the envelope.`);
    }
    const rec = r.recommendation;
    if (rec?.feasible && rec.choice) {
      const h = rec.holdout ?? rec.inSample;
      parts.push(
        `The recommendation for the ${rec.budget !== undefined ? 'budget' : 'target'} is ${policyShort(rec.choice.policy)}${h ? ` (${percent(h.quality)} at ${per1k(h.cost)} ${rec.holdout ? 'held out' : 'in-sample'})` : ''}.`,
      );
    }
    parts.push(
      `${r.models.length} models over ${r.n} queries from ${files} eval file${files === 1 ? '' : 's'}${report.loaded && report.loaded.issues.length > 0 ? `, with ${report.loaded.issues.length} problem${report.loaded.issues.length === 1 ? '' : 's'}` : ', without problems'}.`,
    );
  }
  return parts.join(' ');
}

/** The `--json` object of `check` (version 1). */
export function checkJson(report: CheckReport): unknown {
  const r = report.result;
  return {
    version: 1,
    config: report.configPath,
    passed: report.passed,
    tolerance: report.tolerance,
    findings: report.findings.map((f) => {
      const start = positionOf(report.configText, f.span.start);
      const end = positionOf(report.configText, f.span.end);
      return { severity: f.severity, code: f.code, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1, message: f.message };
    }),
    summary: report.summary,
    ...(r
      ? {
          n: r.n,
          split: r.split,
          models: r.models,
          ...(r.cascade ? { cascade: r.cascade } : {}),
          ...(r.recommendation ? { recommendation: r.recommendation } : {}),
          ...(r.drift ? { drift: r.drift } : {}),
        }
      : {}),
    ...(report.loaded ? { files: report.loaded.files } : {}),
  };
}
