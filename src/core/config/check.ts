import type { AnalysisResult, InputIssue } from '../types.ts';
import { formatIssue } from '../format/issue.ts';
import { configFindings, type ConfigFinding, type FindingOptions } from './advice.ts';
import type { CascadeConfig, ConfigProblem } from './config.ts';
import type { Span } from './tree.ts';

/** One thing to tell about a config, with where: a problem of its text or a finding of the analysis. */
export interface CheckFinding {
  readonly span: Span;
  readonly severity: 'error' | 'warning' | 'information';
  /** A config problem code, a finding code, `eval-problems` or `analysis`. */
  readonly code: ConfigProblem['code'] | ConfigFinding['code'] | 'eval-problems' | 'cost-accounting' | 'analysis';
  readonly message: string;
}

/** What recomputing a config produced: the analysis, or why there is none, and the eval files' problems. */
export interface CheckOutcome {
  readonly result?: AnalysisResult;
  /** Why there is no analysis (no eval files, no usable query...). */
  readonly error?: string;
  /** Problems of the eval files (as loaded; paths as the loader names them). */
  readonly issues: readonly InputIssue[];
}

export interface CheckOptions extends FindingOptions {
  /** Problems in the eval files are warnings instead of errors. */
  readonly allowWarnings?: boolean;
  /** The config's folder: eval file paths under it are shown relative to it. */
  readonly configDir?: string;
}

/** Eval file problems quoted in a finding; the rest are counted. */
const QUOTED_ISSUES = 3;

/**
 * Every finding on a cascade config, in text order: its syntax and schema problems, the
 * analysis's findings (see `configFindings`), the eval files' problems summed up at `evals`, and
 * the analysis's failure. The config's diagnostics in the editor and `cascade-frontier check`
 * both show exactly these; `check` fails when one is an error. O(problems + models + stages).
 */
export function configCheckFindings(config: CascadeConfig, outcome: CheckOutcome, options: CheckOptions = {}): CheckFinding[] {
  const evalsSpan = config.evals?.keySpan ?? { start: 0, end: 0 };
  const out: CheckFinding[] = config.problems.map((p) => ({ span: p.span, severity: p.severity, code: p.code, message: p.message }));
  if (outcome.result) {
    for (const f of configFindings(config, outcome.result, options)) out.push({ span: f.span, severity: f.severity, code: f.code, message: f.message });
  }
  // Cost accounting warnings lose no record but put the costs in doubt: a finding of their own.
  const costIssues = outcome.issues.filter((i) => i.kind === 'cost');
  const otherIssues = costIssues.length > 0 ? outcome.issues.filter((i) => i.kind !== 'cost') : outcome.issues;
  const severity = options.allowWarnings ? 'warning' : 'error';
  if (otherIssues.length > 0) {
    out.push({ span: evalsSpan, severity, code: 'eval-problems', message: evalProblemsMessage(otherIssues, options.configDir) });
  }
  if (costIssues.length > 0) {
    out.push({ span: evalsSpan, severity, code: 'cost-accounting', message: costProblemsMessage(costIssues, options.configDir) });
  }
  if (outcome.error !== undefined) {
    out.push({ span: evalsSpan, severity: 'error', code: 'analysis', message: `Cascade Frontier could not analyse this config: ${outcome.error}` });
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** True when a finding fails the check. */
export function failsCheck(findings: readonly CheckFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

function evalProblemsMessage(issues: readonly InputIssue[], configDir: string | undefined): string {
  const rejected = issues.filter((i) => i.severity === 'error').length;
  const counts = `${issues.length} problem${issues.length === 1 ? '' : 's'}${rejected > 0 ? ` (${rejected} record${rejected === 1 ? '' : 's'} or files not used)` : ''}`;
  return `the eval files have ${counts}, so the figures leave part of the data out: ${quotedIssues(issues, configDir)}. Fix them, or accept them with --allow-warnings.`;
}

function costProblemsMessage(issues: readonly InputIssue[], configDir: string | undefined): string {
  const models = `${issues.length} cost accounting warning${issues.length === 1 ? '' : 's'}`;
  return `the eval files have ${models}, so the costs behind the figures may not be what the calls cost: ${quotedIssues(issues, configDir)}. Fix them, or accept them with --allow-warnings.`;
}

/** The first issues in full (paths relative to the config's folder), and how many more. */
function quotedIssues(issues: readonly InputIssue[], configDir: string | undefined): string {
  const quoted = issues.slice(0, QUOTED_ISSUES).map((i) => formatIssue({ ...i, file: relativeTo(i.file, configDir) }));
  const rest = issues.length > QUOTED_ISSUES ? `; and ${issues.length - QUOTED_ISSUES} more` : '';
  return `${quoted.join('; ')}${rest}`;
}

/** A path under `dir` written relative to it (with `/`), any other path as it is. */
function relativeTo(path: string, dir: string | undefined): string {
  if (!dir) return path;
  const norm = (p: string) => p.replace(/\\/g, '/');
  const base = norm(dir).replace(/\/+$/, '') + '/';
  const p = norm(path);
  return p.startsWith(base) ? p.slice(base.length) : path;
}
