import type { InputIssue } from '../types.ts';

/**
 * `file:line: message`, or `file: message` when the issue concerns the whole file or the join
 * (line 0). O(1).
 * @example formatIssue({ file: 'a.jsonl', line: 3, severity: 'error', message: 'no id' }) // 'a.jsonl:3: no id'
 */
export function formatIssue(issue: Pick<InputIssue, 'file' | 'line' | 'message'>): string {
  return issue.line > 0 ? `${issue.file}:${issue.line}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}
