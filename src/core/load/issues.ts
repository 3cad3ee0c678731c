import type { InputIssue } from '../types.ts';
import { repeatedProblem, type Problem } from './messages.ts';
import { formatIssue } from '../format/issue.ts';

/**
 * The first `max` issues formatted, then one line counting the rest by severity, e.g.
 * `... and 12 more problems (10 errors, 2 warnings).` O(n).
 */
export function summarizeIssues(issues: readonly InputIssue[], max = 20): string[] {
  const lines = issues.slice(0, max).map(formatIssue);
  const rest = issues.length - lines.length;
  if (rest > 0) {
    let errors = 0;
    for (let i = lines.length; i < issues.length; i++) if (issues[i]!.severity === 'error') errors++;
    const parts = [];
    if (errors > 0) parts.push(`${errors} ${errors === 1 ? 'error' : 'errors'}`);
    if (rest - errors > 0) parts.push(`${rest - errors} ${rest - errors === 1 ? 'warning' : 'warnings'}`);
    lines.push(`... and ${rest} more ${rest === 1 ? 'problem' : 'problems'} (${parts.join(', ')}).`);
  }
  return lines;
}

export interface IssueLogState {
  readonly issues: readonly { readonly issue: InputIssue; readonly file: number; readonly model?: string }[];
  readonly perCode: readonly (readonly [string, number])[];
  readonly repeats: readonly (readonly [string, Repeat & { file: number }])[];
}

/** Issues listed one by one per file and problem code; beyond this they are counted in one line. */
export const LISTED_PER_PROBLEM = 100;

interface Repeat {
  count: number;
  firstLine: number;
  lastLine: number;
}

/**
 * Collects issues per file. A problem that recurs on many lines of a file (say a column
 * missing from every row) is listed for its first `LISTED_PER_PROBLEM` lines and then
 * counted in one extra issue, so a broken million-line file cannot flood memory or the
 * user.
 */
export class IssueLog {
  private readonly issues: { issue: InputIssue; file: number; seq: number; model?: string }[] = [];
  private readonly perCode = new Map<string, number>();
  private readonly repeats = new Map<string, Repeat & { file: number }>();

  constructor(private readonly files: readonly string[]) {}

  /** `model`: the model of the record the problem is about, named when its file holds several (see {@link sorted}). */
  add(file: number, line: number, problem: Problem, model?: string): void {
    const key = `${file}\u0000${problem.code}`;
    const listed = this.perCode.get(key) ?? 0;
    if (listed < LISTED_PER_PROBLEM || line === 0) {
      this.perCode.set(key, listed + 1);
      this.push(file, line, problem, model);
      return;
    }
    const repeat = this.repeats.get(key);
    if (repeat) {
      repeat.count++;
      repeat.lastLine = Math.max(repeat.lastLine, line);
    } else {
      this.repeats.set(key, { file, count: 1, firstLine: line, lastLine: line });
    }
  }

  /** Everything logged so far, as plain data (for a log kept in another thread). */
  state(): IssueLogState {
    return {
      issues: this.issues.map(({ issue, file, model }) => ({ issue, file, ...(model !== undefined ? { model } : {}) })),
      perCode: [...this.perCode],
      repeats: [...this.repeats],
    };
  }

  /** Takes over the state of another log whose file indices start at `fileOffset` here. */
  absorb(state: IssueLogState, fileOffset: number): void {
    const rekey = (key: string): string => {
      const cut = key.indexOf('\u0000');
      return `${Number(key.slice(0, cut)) + fileOffset}${key.slice(cut)}`;
    };
    for (const { issue, file, model } of state.issues) this.issues.push({ issue, file: file + fileOffset, seq: this.issues.length, ...(model !== undefined ? { model } : {}) });
    for (const [key, n] of state.perCode) this.perCode.set(rekey(key), n);
    for (const [key, r] of state.repeats) this.repeats.set(rekey(key), { ...r, file: r.file + fileOffset });
  }

  /**
   * All issues sorted by file (input order) then line; repeats summarised. A problem about a
   * record of a file that holds several models (`severalModels`) starts with its model's name.
   */
  sorted(severalModels: (file: number) => boolean = () => false): InputIssue[] {
    for (const r of this.repeats.values()) this.push(r.file, r.firstLine, repeatedProblem(r.count, r.lastLine));
    this.repeats.clear();
    this.issues.sort((a, b) => a.file - b.file || a.issue.line - b.issue.line || a.seq - b.seq);
    return this.issues.map((e) => (e.model !== undefined && severalModels(e.file) ? { ...e.issue, message: `model "${e.model}": ${e.issue.message}` } : e.issue));
  }

  private push(file: number, line: number, problem: Problem, model?: string): void {
    this.issues.push({
      issue: { file: this.files[file]!, line, severity: problem.severity, message: problem.message, ...(problem.kind !== undefined ? { kind: problem.kind } : {}) },
      file,
      seq: this.issues.length,
      ...(model !== undefined ? { model } : {}),
    });
  }
}
