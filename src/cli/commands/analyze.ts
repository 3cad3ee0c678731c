import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type {
  AnalysisResult,
  CascadeEvaluation,
  Dataset,
  FileSummary,
  FolderSummary,
  LatencySummary,
  PriceMatch,
  LoadResult,
  Measured,
  PolicySpec,
  Recommendation,
  ShadowPrice,
} from '../../core/types.ts';
import { analyze } from '../../core/analyze.ts';
import { listWarnings } from '../../core/prepare.ts';
import { describePriceMatch } from '../../core/prices/index.ts';
import { loadEvalFiles } from '../../core/load/index.ts';
import {
  ASCII_ARROW,
  costSourcesText,
  describeBudgetCheck,
  describeChoiceNotes,
  describeVerdict,
  formatModels,
  points,
  policyShort,
  resultJson,
  splitLine,
  thresholdExact,
} from '../../core/format/index.ts';
import { samePolicy } from '../../core/policy.ts';
import { EXIT, InputError, noUsableQueries, outJson, UsageError, type CliIO, type InputErrorDetails } from '../io.ts';
import { confidenceFromOptions, INPUT_OPTIONS, INPUT_USAGE, joinNegativeValues, loadOptionsFrom, numberOption, splitFromOptions } from '../options.ts';
import { learnConfidence } from '../../core/confidence/learned.ts';
import { calibrationAuroc, learnedLegend } from '../../core/confidence/diagnosis.ts';
import { routingSummary, type RoutingSummary } from '../../core/compare/routing.ts';
import { dollarInterval, dollars, lambdaText, muText, percent, percentInterval, table } from '../format.ts';

/** Help lines of the recommendation rule's options (analyze, report, backtest). */
export const SELECTION_USAGE = `  --budget-confidence P   confidence that the recommended policy's mean cost is within the
                          budget: its upper confidence bound must fit (default 0.9)
  --max-latency-p95 MS    recommend only policies whose p95 latency (upper confidence bound,
                          from latency_ms) is at most MS milliseconds`;

export const ANALYZE_USAGE = `Usage: cascade-frontier analyze <files or folders...> [options]

Reads per-query evaluation results (JSONL or CSV, optionally gzipped; one file per model or a
"model" field), and prints the pairwise cascade envelope, its switching points, the
recommendation for a budget or quality target, and held-out figures.

Options:
  --budget DOLLARS        budget in dollars per query: recommend the best policy within it
  --target QUALITY        quality target in [0,1] (or a percentage like 85%): the cheapest policy reaching it
  --cascade A,B,T         evaluate a configured cascade: cheap model A, expensive model B,
                          threshold T (A answers when its confidence >= T); more stages: A,T1,B,T2,C
${INPUT_USAGE}
  --all-vertices          list every envelope vertex (long envelopes show their hull vertices)
  --bootstrap N           bootstrap resamples for intervals (default 1000; 0 for none)
${SELECTION_USAGE}
  -h, --help              this text

Exit codes: 0 success (problems in records are reported as warnings), 1 no usable input,
2 wrong usage.`;

/** Parses `--cascade A,B,T` or `A,T1,B,T2,C`. @throws UsageError. */
export function parseCascadeOption(text: string): PolicySpec {
  const parts = text.split(',').map((p) => p.trim());
  // Accept the issue-style short form "cheap,expensive,threshold".
  const ordered = parts.length === 3 && !isNumberLike(parts[1]) && isNumberLike(parts[2]) ? [parts[0], parts[2], parts[1]] : parts;
  if (ordered.length % 2 === 0 || ordered.length < 3) {
    throw new UsageError(`--cascade takes cheap,expensive,threshold or model,threshold,model,...,model; got ${JSON.stringify(text)}`);
  }
  const models: string[] = [];
  const thresholds: (number | null)[] = [];
  ordered.forEach((p, i) => {
    if (i % 2 === 0) {
      if (p === '') throw new UsageError(`--cascade has an empty model name in ${JSON.stringify(text)}`);
      models.push(p);
    } else {
      if (/^\+?inf(inity)?$/i.test(p)) thresholds.push(null);
      else {
        const t = Number(p);
        if (p === '' || !Number.isFinite(t)) throw new UsageError(`--cascade threshold ${JSON.stringify(p)} is not a number`);
        thresholds.push(t);
      }
    }
  });
  return { kind: models.length === 2 ? 'pair' : 'chain', models, thresholds };
}

function isNumberLike(s: string): boolean {
  return /^\+?inf(inity)?$/i.test(s) || (s.trim() !== '' && Number.isFinite(Number(s)));
}

function parseTarget(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const pctForm = value.trim().endsWith('%');
  const x = numberOption('target', pctForm ? value.trim().slice(0, -1) : value, (v) => Number.isFinite(v), 'a quality in [0,1] or a percentage');
  const q = pctForm ? x! / 100 : x!;
  if (!(q >= 0 && q <= 1)) throw new UsageError(`--target must be a quality in [0,1] or a percentage up to 100%, got ${JSON.stringify(value)}`);
  return q;
}

/** Options of the commands that analyse evaluation files (`analyze`, `report`). */
export const ANALYSIS_OPTIONS = {
  ...INPUT_OPTIONS,
  budget: { type: 'string' },
  target: { type: 'string' },
  cascade: { type: 'string' },
  bootstrap: { type: 'string' },
  'budget-confidence': { type: 'string' },
  'max-latency-p95': { type: 'string' },
} as const;

type AnalysisValues = Parameters<typeof splitFromOptions>[0] & {
  budget?: string;
  target?: string;
  cascade?: string;
  bootstrap?: string;
  'budget-confidence'?: string;
  'max-latency-p95'?: string;
};

/** `--budget-confidence` and `--max-latency-p95`. @throws UsageError. */
export function selectionFromOptions(values: { 'budget-confidence'?: string; 'max-latency-p95'?: string }): { budgetConfidence?: number; maxLatencyP95Ms?: number } {
  const budgetConfidence = numberOption('budget-confidence', values['budget-confidence'], (x) => x > 0 && x < 1, 'a confidence between 0 and 1 (exclusive), e.g. 0.9');
  const maxLatencyP95Ms = numberOption('max-latency-p95', values['max-latency-p95'], (x) => x > 0, 'a positive number of milliseconds');
  return { ...(budgetConfidence !== undefined ? { budgetConfidence } : {}), ...(maxLatencyP95Ms !== undefined ? { maxLatencyP95Ms } : {}) };
}

/**
 * Reads the inputs and analyses them as the options say (a learned confidence first, with
 * `--confidence learned`); input problems that leave nothing to analyse are printed on `io.err`.
 * Returns the dataset analysed (with the learned confidences). @throws UsageError for bad
 * options, InputError (with the files read) when no query is usable or the analysis refuses the data.
 */
export async function loadAndAnalyze(values: AnalysisValues, positionals: readonly string[], io: CliIO): Promise<{ result: AnalysisResult; loaded: LoadResult; dataset: Dataset }> {
  if (positionals.length === 0) throw new UsageError('name at least one evaluation file or folder');
  const budget = numberOption('budget', values.budget, (x) => x > 0, 'a positive number of dollars per query (e.g. 0.0002)');
  const target = parseTarget(values.target);
  const cascade = values.cascade !== undefined ? parseCascadeOption(values.cascade) : undefined;
  const bootstrapResamples = numberOption('bootstrap', values.bootstrap, (x) => Number.isInteger(x) && x >= 0 && x <= 100000, 'a whole number from 0 to 100000');
  const { split, seed } = splitFromOptions(values);
  const selection = selectionFromOptions(values);
  const confidence = confidenceFromOptions(values);
  const loaded = await loadEvalFiles(positionals, loadOptionsFrom(values));
  const details = loadDetails(loaded);
  requireUsableQueries(loaded, details, io);
  try {
    const learned = confidence === 'learned' ? learnConfidence(loaded.dataset, split) : undefined;
    const dataset = learned?.dataset ?? loaded.dataset;
    const result = analyze(dataset, {
      ...(budget !== undefined ? { budget } : {}),
      ...(target !== undefined ? { target } : {}),
      ...(split ? { split } : {}),
      ...(cascade ? { cascade } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(bootstrapResamples !== undefined ? { bootstrapResamples } : {}),
      ...selection,
      issues: loaded.issues,
      files: loaded.files,
      ...(learned ? { learned: learned.models } : {}),
    });
    return { result, loaded, dataset };
  } catch (e) {
    throw new InputError((e as Error).message, details);
  }
}

/**
 * Runs a command; with `--json`, an input that cannot be analysed still gives one JSON object on
 * stdout (`version`, `error`, `files`, `warnings`, and `folders` when folders were given) so a CI
 * job can read why, and the command exits 1 (the message also goes to stderr). Usage errors
 * (exit 2) are left to the caller.
 */
export async function withJsonOnFailure(command: string, json: boolean | undefined, io: CliIO, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!json || e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw e;
    const message = e instanceof Error ? e.message : String(e);
    const details = e instanceof InputError ? e.details : {};
    io.out(resultJson({ version: 1, error: message, files: details.files ?? [], ...(details.folders ? { folders: details.folders } : {}), warnings: details.warnings ?? [] }));
    io.err(`cascade-frontier ${command}: ${message}`);
    return EXIT.badInput;
  }
}

/** `cascade-frontier analyze`: returns the exit code. */
export async function runAnalyze(argv: readonly string[], io: CliIO): Promise<number> {
  const options = { ...ANALYSIS_OPTIONS, 'all-vertices': { type: 'boolean' } } as const;
  const { values, positionals } = parseArgs({ args: joinNegativeValues(argv, options), allowPositionals: true, options });
  if (values.help) {
    io.out(ANALYZE_USAGE);
    return EXIT.ok;
  }
  return withJsonOnFailure('analyze', values.json, io, async () => {
    // The loaded columns are out of reach once this returns: at a million queries they hold
    // hundreds of megabytes that the output does not need.
    const { result, routing, loaded } = await analysisAndRouting(values, positionals, io);
    if (values.json) {
      await outJson(io, {
        ...result,
        ...(routing ? { routing } : {}),
        files: loaded.files,
        ...(loaded.folders ? { folders: loaded.folders } : {}),
        ...(loaded.prices ? { prices: loaded.prices } : {}),
      });
    } else {
      io.out(renderAnalysis(result, values['all-vertices'] === true));
      if (routing) {
        io.out('');
        io.out(renderRouting(routing).join('\n'));
      }
      io.out('');
      io.out(renderFiles(loaded.files, loaded.folders, loaded.prices));
      printIssues(result.warnings, io);
    }
    return EXIT.ok;
  });
}

/** The analysis and, without a confidence for some model, what needs none (the router and the bound, held out); of what was loaded, what the output shows. */
async function analysisAndRouting(
  values: AnalysisValues,
  positionals: readonly string[],
  io: CliIO,
): Promise<{ result: AnalysisResult; routing?: RoutingSummary; loaded: Pick<LoadResult, 'files' | 'folders' | 'prices'> }> {
  const { result, loaded, dataset } = await loadAndAnalyze(values, positionals, io);
  const routing = result.diagnosis && result.diagnosis.withoutConfidence.length > 0 && result.models.length > 1 ? routingFor(dataset, values, loaded.issues) : undefined;
  const { files, folders, prices } = loaded;
  return { result, ...(routing ? { routing } : {}), loaded: { files, ...(folders ? { folders } : {}), ...(prices ? { prices } : {}) } };
}

/** The routing figures with the analysis's split, seed and resamples. @throws InputError as the analysis would. */
function routingFor(dataset: Dataset, values: AnalysisValues, issues: LoadResult['issues']): RoutingSummary {
  const { split, seed } = splitFromOptions(values);
  const bootstrapResamples = numberOption('bootstrap', values.bootstrap, (x) => Number.isInteger(x) && x >= 0 && x <= 100000, 'a whole number from 0 to 100000');
  try {
    return routingSummary(dataset, { ...(split ? { split } : {}), ...(seed !== undefined ? { seed } : {}), ...(bootstrapResamples !== undefined ? { bootstrapResamples } : {}), issues });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

/** An estimate as `71.2% [69.0, 73.4]`. */
function shareWithInterval(e: { readonly value: number | null; readonly interval?: readonly [number, number] }): string {
  if (e.value === null) return '-';
  return e.interval ? `${percent(e.value)} [${(e.interval[0] * 100).toFixed(1)}, ${(e.interval[1] * 100).toFixed(1)}]` : percent(e.value);
}

/** What needs no confidence: each model alone, the router and the bound, held out, and the verdict. */
export function renderRouting(r: RoutingSummary): string[] {
  const where = r.heldOut ? `held out on ${r.nHoldout} queries, chosen and trained on ${r.nCalibration}` : `in-sample on ${r.nCalibration} queries (no holdout split)`;
  const out = [`Without a confidence: routing before generation (${where})`];
  const range = r.range ? `mean quality over log cost from ${dollars(r.range.from * 1000)} to ${dollars(r.range.to * 1000)} per 1k queries` : 'no cost range (the models cost the same)';
  out.push(
    table(
      ['family', 'area', 'frontier points'],
      [r.singles, r.router, r.bound].map((f) => [
        f.label + (f.kind === 'bound' ? ' (an upper limit, not a policy)' : ''),
        f.available ? shareWithInterval(f.area) : 'unavailable',
        String(f.holdoutFrontier.length),
      ]),
      new Set([1, 2]),
    ),
  );
  out.push(`  area: ${range}.`);
  if (!r.router.available) out.push(`  Router: unavailable. ${r.router.reason}`);
  else {
    out.push(`  Router: ${r.routerInfo.features}; it pays only the model it picks.`);
    const frontier = r.router.holdoutFrontier.map((i) => r.router.holdout[i]);
    const pick = frontier.length <= 6 ? frontier : [0, 1, 2, 3, 4, 5].map((k) => frontier[Math.round((k * (frontier.length - 1)) / 5)]);
    out.push(
      table(
        ['router $/1k', 'quality', 'queries sent to'],
        pick.map((p) => [
          dollars(p.cost * 1000),
          percent(p.quality),
          Object.entries(p.share ?? {})
            .sort((a, b) => b[1] - a[1])
            .map(([m, s]) => `${m} ${Math.round(s * 100)}%`)
            .join(', '),
        ]),
        new Set([0, 1]),
      ),
    );
  }
  out.push(`  ${r.verdict.question} ${r.verdict.detail}`);
  return out;
}

/** The paths of a group of files: all of them up to four, else the first three and a count. */
function fileList(files: readonly string[]): string {
  return files.length <= 4 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`;
}

/** What was read from one file, without its name: format, models, records, derived, missing. */
function fileFacts(f: FileSummary): string {
  const parts = [f.format];
  if (f.models.length > 0) parts.push(f.models.length <= 3 ? `model${f.models.length === 1 ? '' : 's'} ${f.models.join(', ')}` : `${f.models.length} models`);
  parts.push(`${f.records} record${f.records === 1 ? '' : 's'}${f.rejected > 0 ? `, ${f.rejected} rejected` : ''}`);
  const costs = costSourcesText(f.costs);
  if (costs !== '') parts.push(`cost: ${costs}`);
  if (f.derived.length > 0) parts.push(`derived: ${f.derived.join('; ')}`);
  if (f.missing.length > 0) parts.push(`missing: ${f.missing.join('; ')}`);
  return parts.join('; ');
}

/**
 * Per folder given as input: the layouts found, the runs superseded by later ones (the first
 * few), and the summary files left unread, one line per folder that holds them.
 */
function renderFolders(folders: readonly FolderSummary[]): string[] {
  const lines: string[] = [];
  for (const f of folders) {
    lines.push(`Folder ${f.folder}: ${f.found.join('; ')}`);
    const superseded = f.skipped.filter((s) => s.kind === 'superseded');
    for (const s of superseded.slice(0, 5)) lines.push(`  not read: ${s.path}: ${s.reason}`);
    if (superseded.length > 5) lines.push(`  not read: ${superseded.length - 5} more superseded runs (--json lists them)`);
    const byFolder = new Map<string, string[]>();
    for (const s of f.skipped) if (s.kind === 'summary') byFolder.set(dirname(s.path), [...(byFolder.get(dirname(s.path)) ?? []), basename(s.path)]);
    for (const [dir, names] of byFolder) {
      const list = names.length <= 8 ? names.join(', ') : `${names.slice(0, 7).join(', ')} and ${names.length - 7} more`;
      lines.push(`  not read in ${dir}: ${list} (summary files without per-query records)`);
    }
  }
  return lines;
}

/** "Files read": one line per file; files with the same facts share one line. Folders given as input come first. */
export function renderFiles(files: readonly FileSummary[], folders: readonly FolderSummary[] = [], prices: readonly PriceMatch[] = []): string {
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const facts = fileFacts(f);
    const list = groups.get(facts);
    if (list) list.push(f.file);
    else groups.set(facts, [f.file]);
  }
  const lines = [...renderFolders(folders), ...(prices.length > 0 ? ['Prices (models priced from tokens):', ...prices.map((p) => `  ${describePriceMatch(p)}`)] : []), `Files read: ${files.length}`];
  for (const [facts, names] of groups) lines.push(`  ${names.length === 1 ? names[0] : `${names.length} files (${fileList(names)})`}: ${facts}`);
  return lines.join('\n');
}

/** What was read, for a `--json` error: the files, the folders and the problems (capped). */
export function loadDetails(loaded: LoadResult): InputErrorDetails {
  return { files: loaded.files, ...(loaded.folders ? { folders: loaded.folders } : {}), warnings: listWarnings(loaded.issues, []) };
}

/**
 * Ends a command whose files left no usable query: prints their problems (capped) and throws.
 * @throws InputError with `details`.
 */
export function requireUsableQueries(loaded: LoadResult, details: InputErrorDetails, io: CliIO): void {
  if (loaded.dataset.n > 0 && loaded.dataset.models.length > 0) return;
  printIssues(details.warnings ?? [], io, { analysed: false });
  throw new InputError(noUsableQueries(loaded.files, 'Fix the problems above.'), details);
}

/** The problems found in the input, on stderr; `analysed: false` when they left nothing to analyse. */
export function printIssues(lines: readonly string[], io: CliIO, { analysed = true }: { readonly analysed?: boolean } = {}): void {
  if (lines.length === 0) return;
  io.err(analysed ? `\nProblems in the input (the rest of the data was analysed):` : `\nProblems in the input:`);
  for (const w of lines) io.err(`  ${w}`);
}

function thresholdText(p: PolicySpec): string {
  return p.thresholds.length === 0 ? '-' : p.thresholds.map(thresholdExact).join(', ');
}

function shadowText(sp: ShadowPrice): string {
  const l = lambdaText(sp.lambdaLeft);
  const r = lambdaText(sp.lambdaRight);
  return l === r ? l : `${l} / ${r}`;
}

/** Envelopes longer than this are shown by their hull vertices unless every vertex is asked for. */
const COMPACT_LIMIT = 30;

/** The readable report of `analyze` (without the problems list, printed on stderr). */
export function renderAnalysis(r: AnalysisResult, all = false): string {
  const out: string[] = [];
  const hasHoldout = r.holdout !== undefined;
  out.push(`Cascade Frontier: ${r.models.length} ${r.models.length === 1 ? 'model' : 'models'}, ${r.n} ${r.n === 1 ? 'query' : 'queries'}`);
  out.push(`  ${splitLine(r.split)}`);
  out.push('');
  // Said once, before any figure: what is missing and how to get it.
  if (r.diagnosis) out.push(...r.diagnosis.lines, '');
  out.push('Models (calibration, cheap to expensive)');
  out.push(
    table(
      ['model', '$/query', '$/1k queries', 'quality'],
      r.models.map((m) => [m.name, dollars(m.cost), dollars(m.cost * 1000), percent(m.quality)]),
      new Set([1, 2, 3]),
    ),
  );
  out.push('');
  out.push(...renderSignals(r));
  out.push('');
  if (r.pairs.length === 0) {
    const why = r.models.length === 1 ? 'one model' : r.models.every((m) => m.confidenceSource === 'none') ? 'no model has a confidence' : 'no model but the dearest has a confidence';
    out.push(`Single models' frontier (no cascade: ${why}): ${r.envelope.length} of ${r.models.length} models, chosen on calibration${hasHoldout ? ', measured on holdout' : ''}`);
  } else {
    out.push(`Pairwise envelope: ${r.envelope.length} vertices, chosen on calibration${hasHoldout ? ', measured on holdout' : ''}`);
    out.push('  (a pair "A -> B" answers with A when its confidence >= threshold, else escalates to B and pays both)');
  }
  const header = ['#', 'policy', 'threshold', 'escalated', '$/query', '$/1k', 'quality'];
  if (hasHoldout) header.push('holdout $/1k', 'holdout quality');
  const hasLatency = r.envelope.some((v) => v.latency !== undefined);
  if (hasLatency) header.push('ms mean / p95');
  header.push('pts per +$1/1k');
  // Long envelopes are shown by their concave-hull vertices (plus the first, the last and the
  // recommended one); --all-vertices or --json gives every vertex.
  const chosen = r.recommendation?.envelopeIndex;
  const shown = r.envelope.map((_, i) => i).filter((i) => all || r.envelope.length <= COMPACT_LIMIT || r.envelope[i].onHull || i === 0 || i === r.envelope.length - 1 || i === chosen);
  const rows = shown.map((i) => {
    const v = r.envelope[i];
    const row = [String(i + 1), formatModels(v.policy, ASCII_ARROW), thresholdText(v.policy), percent(v.escalationRate), dollars(v.cost), dollars(v.cost * 1000), percent(v.quality)];
    if (hasHoldout) {
      const h = r.holdout![i].holdout;
      row.push(dollars(h.cost * 1000), percent(h.quality));
    }
    if (hasLatency) row.push(v.latency ? latencyText(v.latency) : '-');
    row.push(shadowText(v.shadowPrice) + (v.onHull ? '' : ' *'));
    return row;
  });
  out.push(table(header, rows, new Set([0, 3, 4, 5, 6, 7, 8, 9, 10])));
  if (shown.length < r.envelope.length) {
    out.push(`  Showing ${shown.length} of ${r.envelope.length} vertices: those on the concave hull, the first, the last and the recommended one (--all-vertices lists every one).`);
  }
  out.push('  pts per +$1/1k: quality points bought by one more dollar per 1,000 queries (slope of the upper concave hull; left / right at a vertex).');
  if (hasLatency) out.push('  ms mean / p95: latency on calibration queries, mean and 95th percentile; an escalated query waits for both models.');
  if (shown.some((i) => !r.envelope[i].onHull)) out.push('  * below the concave hull: the hull there is reachable only by randomising between two neighbouring policies.');
  out.push('');
  out.push(`Switching points (budgets at which the realising pair changes): ${r.switchingPoints.length}`);
  for (const s of r.switchingPoints) {
    out.push(`  at ${dollars(s.budget)}/query (${dollars(s.budget * 1000)}/1k): ${formatModels(s.from, ASCII_ARROW)}  =>  ${formatModels(s.to, ASCII_ARROW)}`);
  }
  const drift = r.drift?.warnings ?? [];
  if (drift.length > 0) {
    out.push('');
    for (const w of drift) out.push(`Warning: ${w}`);
  }
  if (r.recommendation) {
    out.push('');
    out.push(...renderRecommendation(r.recommendation, hasHoldout, r));
  }
  if (r.cascade) {
    out.push('');
    out.push(...renderCascade(r.cascade, hasHoldout));
  }
  return out.join('\n');
}

/** The confidence signal of every model: AUROC and calibration error on both splits, and flags. */
export function renderSignals(r: AnalysisResult): string[] {
  const hasHoldout = r.split.nHoldout > 0;
  const num = (x: number | null) => (x === null ? '-' : x.toFixed(3));
  const header = ['model', 'scale', 'AUROC'];
  if (hasHoldout) header.push('holdout AUROC');
  header.push('ECE');
  if (hasHoldout) header.push('holdout ECE');
  header.push('flags');
  const rows = r.models.map((m) => {
    const s = m.confidenceSignal;
    if (m.confidenceSource === 'none') return [m.name, 'none', ...header.slice(2, -1).map(() => '-'), 'no confidence: never a first stage'];
    const flags = [
      m.confidenceSource === 'learned' ? `learned${m.learnedConfidence?.littleSignal ? ', little signal' : ''}` : '',
      s.weak && m.confidenceSource !== 'learned' ? 'weak' : '',
      s.degenerate ? `degenerate (${s.distinctValues} value${s.distinctValues === 1 ? '' : 's'}; ${percent(s.commonValuesShare)} on the 5 commonest)` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const row = [m.name, s.scale, num(calibrationAuroc(m))];
    if (hasHoldout) row.push(num(m.confidenceAurocHoldout));
    row.push(num(m.calibrationError));
    if (hasHoldout) row.push(num(s.calibrationErrorHoldout));
    row.push(flags || '-');
    return row;
  });
  const right = new Set(hasHoldout ? [2, 3, 4, 5] : [2, 3]);
  const out = [
    `Confidence signals (${hasHoldout ? 'calibration and holdout' : 'in-sample'})`,
    table(header, rows, right),
    '  AUROC: the chance that a right answer has a higher confidence than a wrong one (0.5 is chance; under 0.55 is weak for a first stage).',
    '  ECE (expected calibration error): mean gap between the confidence read as a probability and the share answered right (10 equal-mass bins; "-" when the confidence is neither a probability nor a log-probability).',
  ];
  if (r.models.some((m) => m.confidenceSignal.degenerate)) out.push('  degenerate: constant, or a few values for most queries, so a threshold can only cut it coarsely.');
  const learned = learnedLegend(r.models, hasHoldout);
  if (learned) out.push(`  ${learned}`);
  return out;
}

/** `295 / 362`: mean and p95 latency in whole milliseconds. */
function latencyText(l: LatencySummary): string {
  return `${Math.round(l.meanMs)} / ${Math.round(l.p95Ms)}`;
}

function measuredLine(label: string, m: Measured): string {
  const ci = m.qualityInterval ? ` ${percentInterval(m.qualityInterval)}` : '';
  const cci = m.costInterval ? ` ${dollarInterval(m.costInterval)}` : '';
  const latency = m.latency ? `, latency ${Math.round(m.latency.meanMs)} ms mean, ${Math.round(m.latency.p95Ms)} ms p95` : '';
  return `  ${label} quality ${percent(m.quality)}${ci}, ${dollars(m.cost)}/query${cci} = ${dollars(m.cost * 1000)}/1k queries, escalated ${percent(m.escalationRate)}${latency} (n = ${m.n})`;
}

function renderRecommendation(rec: Recommendation, hasHoldout: boolean, r: AnalysisResult): string[] {
  const out: string[] = [];
  const ask = [rec.budget !== undefined ? `budget ${dollars(rec.budget)}/query (${dollars(rec.budget * 1000)}/1k)` : '', rec.target !== undefined ? `quality target ${percent(rec.target)}` : '']
    .filter(Boolean)
    .join(' and ');
  out.push(`Recommendation for ${ask}`);
  if (!rec.feasible || !rec.choice) {
    out.push(`  None: ${rec.reason}`);
    return out;
  }
  const p = rec.choice.policy;
  const noiseAware = rec.rule === 'noise-aware';
  if (p.kind === 'single') {
    out.push(noiseAware ? `  Deploy ${p.models[0]} alone.` : `  Deploy ${p.models[0]} alone (no cascade does better within this ${rec.budget !== undefined ? 'budget' : 'target'}).`);
  } else {
    const learned = r.models.find((m) => m.name === p.models[0])?.confidenceSource === 'learned';
    out.push(
      `  Deploy ${p.models[0]} -> ${p.models[1]}: answer with ${p.models[0]} when its ${learned ? 'learned confidence' : 'confidence'} >= ${thresholdExact(p.thresholds[0])}, else escalate to ${p.models[1]}.`,
    );
  }
  for (const note of describeChoiceNotes(rec)) out.push(`  ${note}`);
  const limit = r.settings.selection?.maxLatencyP95Ms;
  if (limit !== undefined)
    out.push(`  Latency limit: only policies whose p95 latency's ${Math.round(r.settings.selection!.budgetConfidence * 100)}% upper bound is at most ${limit} ms on calibration were considered.`);
  if (rec.inSample) out.push(measuredLine('In-sample (calibration):', rec.inSample));
  if (rec.holdout) out.push(measuredLine('Held out:               ', rec.holdout));
  if (rec.budgetCheck) out.push(`  Budget check (calibration): ${describeBudgetCheck(rec.budgetCheck)}`);
  if (rec.holdout && rec.budget !== undefined && rec.holdout.cost > rec.budget) {
    out.push(
      `  Caution: held out this policy costs ${dollars(rec.holdout.cost)}/query, above the budget of ${dollars(rec.budget)}/query (escalated ${percent(rec.holdout.escalationRate)} held out, ${percent(rec.choice.escalationRate)} on calibration).${noiseAware ? '' : ' Leave some margin, or pick a cheaper vertex.'}`,
    );
  }
  const sp = rec.choice.shadowPrice;
  out.push(`  Shadow price: one more $1 per 1,000 queries buys ${shadowText(sp)} quality points; one more quality point costs ${muText(sp.muRight ?? sp.muLeft)} per 1,000 queries.`);
  if (rec.localShadowPrice) {
    const l = rec.localShadowPrice;
    out.push(
      `  Local pair ratio E[q_b - q_a] / E[c_b] over the ${l.windowQueries} calibration queries with confidence in [${l.confidenceFrom.toPrecision(4)}, ${l.confidenceTo.toPrecision(4)}]: ${lambdaText(l.lambda)} points per +$1/1k${l.lambda !== null && l.lambda < 0 ? ' (negative: escalating these queries loses quality on average)' : ''}.`,
    );
  }
  const where = hasHoldout ? 'held out' : 'in-sample';
  if (rec.verdict) {
    const v = rec.verdict;
    if (rec.bestSingle) {
      const b = rec.bestSingle;
      out.push(`  Best single model that fits the budget: ${b.model}, quality ${percent(b.inSample.quality)} on calibration${b.holdout ? `, ${percent(b.holdout.quality)} held out` : ''}.`);
    }
    out.push(`  Is escalation worth it? ${describeVerdict(v, ASCII_ARROW)}`);
    if (v.candidate && v.holdoutGain !== undefined) {
      out.push(`  Held out, ${policyShort(v.candidate.policy, ASCII_ARROW)} ${v.answer === 'yes' ? 'gains' : 'would have gained'} ${points(v.holdoutGain)} over ${v.versus}.`);
    }
  } else if (rec.bestSingle) {
    const b = rec.bestSingle;
    const bq = hasHoldout && b.holdout ? b.holdout.quality : b.inSample.quality;
    const gain = rec.gainOverBestSingle ?? 0;
    out.push(`  Best single model within budget: ${b.model}, quality ${percent(bq)} ${where}.`);
    out.push(`  Is escalation worth it? ${rec.escalationWorthIt ? 'Yes' : 'No'}: ${gain >= 0 ? '+' : ''}${(gain * 100).toFixed(1)} quality points ${where} over ${b.model}.`);
  } else {
    out.push('  No single model fits within the budget.');
  }
  const ins = rec.inSampleChoice;
  if (ins && !samePolicy(ins.policy, p)) {
    const held = r.holdout?.find((h) => samePolicy(h.policy, ins.policy))?.holdout;
    out.push(
      `  The in-sample rule (highest calibration quality within the budget) would pick ${policyShort(ins.policy, ASCII_ARROW)}: ${percent(ins.quality)} on calibration at ${dollars(ins.cost)}/query${held ? `, ${percent(held.quality)} at ${dollars(held.cost)}/query held out` : ''}.`,
    );
  }
  return out;
}

function renderCascade(c: CascadeEvaluation, hasHoldout: boolean): string[] {
  const out: string[] = [`Configured cascade: ${policyShort(c.policy, ASCII_ARROW)}`];
  out.push(measuredLine('In-sample (calibration):', c.inSample));
  if (hasHoldout && c.holdout) out.push(measuredLine('Held out:               ', c.holdout));
  out.push(`  Envelope at the same cost: ${percent(c.envelopeQualityAtCost)} (gap ${(c.gapToEnvelope * 100).toFixed(1)} points).`);
  if (c.dominatedBy) {
    const d = c.dominatedBy;
    out.push(`  Dominated by ${policyShort(d.policy, ASCII_ARROW)}: ${percent(d.quality)} at ${dollars(d.cost)}/query.`);
  } else out.push('  Not dominated: it lies on the envelope.');
  if (c.bestThresholdSamePair) {
    const b = c.bestThresholdSamePair;
    out.push(
      `  Best threshold for the same pair within budget: ${thresholdExact(b.policy.thresholds[0])} (${percent(b.quality)} at ${dollars(b.cost)}/query, escalated ${percent(b.escalationRate)}).`,
    );
  }
  return out;
}
