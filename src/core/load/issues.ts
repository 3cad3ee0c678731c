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
  /** An entry with a `slot` (and no issue) holds the place of a problem the joining collector decides (see {@link IssueLog.slot}). */
  readonly issues: readonly { readonly issue?: InputIssue; readonly file: number; readonly model?: string; readonly slot?: { readonly key: number; readonly line: number } }[];
  readonly perCode: readonly (readonly [string, number])[];
  readonly repeats: readonly (readonly [string, Repeat & { file: number }])[];
  /** Issues logged while the files were read (those after, when the collection was exported, come at its end). */
  readonly readEnd?: number;
}

/** A problem a joining collector adds for a record of the other collection (see {@link IssueLog.absorb}). */
export interface JoinedProblem {
  /** File index and line in the other collection. */
  readonly file: number;
  readonly line: number;
  readonly problem: Problem;
  /** The key of the slot that holds its place, if the other collection left one. */
  readonly key: number;
}

type Entry =
  { issue: InputIssue; file: number; seq: number; model?: string; slot?: undefined } | { issue?: undefined; file: number; seq: number; model?: undefined; slot: { key: number; line: number } };

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
  private readonly issues: Entry[] = [];
  private readonly perCode = new Map<string, number>();
  private readonly repeats = new Map<string, Repeat & { file: number }>();
  private readEnd?: number;
  /** Called before an issue at a line (not 0) is listed: a collector may first hold places there with {@link slot}. */
  onListed?: (file: number, line: number) => void;

  constructor(private readonly files: readonly string[]) {}

  /** `model`: the model of the record the problem is about, named when its file holds several (see {@link sorted}). */
  add(file: number, line: number, problem: Problem, model?: string): void {
    if (this.listed(file, line, problem)) {
      if (line !== 0) this.onListed?.(file, line);
      this.push(file, line, problem, model);
    }
  }

  /** Counts a problem; true when it is to be listed one by one, else it is counted in its file's repeats. */
  private listed(file: number, line: number, problem: Problem): boolean {
    const key = `${file}\u0000${problem.code}`;
    const listed = this.perCode.get(key) ?? 0;
    if (listed < LISTED_PER_PROBLEM || line === 0) {
      this.perCode.set(key, listed + 1);
      return true;
    }
    const repeat = this.repeats.get(key);
    if (repeat) {
      repeat.count++;
      repeat.lastLine = Math.max(repeat.lastLine, line);
    } else {
      this.repeats.set(key, { file, count: 1, firstLine: line, lastLine: line });
    }
    return false;
  }

  /**
   * Holds the place, here in the order of issues, of a problem about a record at `line` that
   * only the collector joining this log can tell (a split label's disagreement): `key` names
   * the record (see {@link absorb}).
   */
  slot(file: number, line: number, key: number): void {
    this.issues.push({ file, seq: this.issues.length, slot: { key, line } });
  }

  /** Marks the end of the issues logged while reading: the joining collector adds its problems before the later ones. */
  endReading(): void {
    this.readEnd = this.issues.length;
  }

  /** Everything logged so far, as plain data (for a log kept in another thread). */
  state(): IssueLogState {
    return {
      issues: this.issues.map(({ issue, file, model, slot }) => ({
        ...(issue !== undefined ? { issue } : {}),
        file,
        ...(model !== undefined ? { model } : {}),
        ...(slot !== undefined ? { slot } : {}),
      })),
      perCode: [...this.perCode],
      repeats: [...this.repeats],
      ...(this.readEnd !== undefined ? { readEnd: this.readEnd } : {}),
    };
  }

  /**
   * Takes over the state of another log whose file indices start at `fileOffset` here, with the
   * `joined` problems about its records (in file and line order): counted in that order, as
   * reading record by record counts them, and listed in the place their slot holds, or else
   * after the other's issues logged while reading. O(issues).
   */
  absorb(state: IssueLogState, fileOffset: number, joined: readonly JoinedProblem[] = []): void {
    const rekey = (key: string): string => {
      const cut = key.indexOf('\u0000');
      return `${Number(key.slice(0, cut)) + fileOffset}${key.slice(cut)}`;
    };
    for (const [key, n] of state.perCode) this.perCode.set(rekey(key), n);
    for (const [key, r] of state.repeats) this.repeats.set(rekey(key), { ...r, file: r.file + fileOffset });
    const slotted = new Set<number>();
    for (const e of state.issues) if (e.slot) slotted.add(e.slot.key);
    const inSlot = new Map<number, JoinedProblem>();
    const atEnd: JoinedProblem[] = [];
    for (const j of joined) {
      if (!this.listed(j.file + fileOffset, j.line, j.problem)) continue;
      if (slotted.has(j.key)) inSlot.set(j.key, j);
      else atEnd.push(j);
    }
    const end = state.readEnd ?? state.issues.length;
    state.issues.forEach(({ issue, file, model, slot }, i) => {
      if (i === end) for (const j of atEnd.splice(0)) this.push(j.file + fileOffset, j.line, j.problem);
      if (slot) {
        const j = inSlot.get(slot.key);
        if (j) this.push(file + fileOffset, j.line, j.problem);
      } else this.issues.push({ issue: issue!, file: file + fileOffset, seq: this.issues.length, ...(model !== undefined ? { model } : {}) });
    });
    for (const j of atEnd) this.push(j.file + fileOffset, j.line, j.problem);
  }

  /**
   * All issues sorted by file (input order) then line; repeats summarised. A problem about a
   * record of a file that holds several models (`severalModels`) starts with its model's name.
   */
  sorted(severalModels: (file: number) => boolean = () => false): InputIssue[] {
    for (const r of this.repeats.values()) this.push(r.file, r.firstLine, repeatedProblem(r.count, r.lastLine));
    this.repeats.clear();
    const issues = this.issues.filter((e): e is Entry & { issue: InputIssue } => e.issue !== undefined);
    issues.sort((a, b) => a.file - b.file || a.issue.line - b.issue.line || a.seq - b.seq);
    return issues.map((e) => (e.model !== undefined && severalModels(e.file) ? { ...e.issue, message: `model "${e.model}": ${e.issue.message}` } : e.issue));
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
