import type { CheckFinding } from '../../core/config/check.ts';
import { positionOf } from '../../core/config/request.ts';
import type { AnalysisResult, LoadResult } from '../../core/types.ts';

/** GitHub Actions workflow-command escaping of a message. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub Actions workflow-command escaping of a property value (also `:` and `,`). */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** What `check` found on one config, for every output format. */
export interface CheckReport {
  readonly configPath: string;
  readonly configText: string;
  readonly findings: readonly CheckFinding[];
  readonly passed: boolean;
  readonly summary: string;
  readonly result?: AnalysisResult;
  readonly loaded?: LoadResult;
  readonly tolerance: number;
}

/** `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` for a finding at its place in the config. */
export function githubAnnotation(f: CheckFinding, file: string, text: string): string {
  const start = positionOf(text, f.span.start);
  const end = positionOf(text, f.span.end);
  const command = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
  const props = [
    `file=${escapeProperty(file)}`,
    `line=${start.line + 1}`,
    `col=${start.character + 1}`,
    `endLine=${end.line + 1}`,
    `endColumn=${end.character + 1}`,
    `title=${escapeProperty(`Cascade Frontier: ${f.code}`)}`,
  ];
  return `::${command} ${props.join(',')}::${escapeData(f.message)}`;
}

/** The markdown appended to `$GITHUB_STEP_SUMMARY`: verdict, summary paragraph and a table of findings. */
export function stepSummaryMarkdown(report: CheckReport, file: string): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`## Cascade Frontier check: ${report.passed ? 'passed' : 'failed'}`, '', cell(report.summary), ''];
  if (report.findings.length > 0) {
    lines.push('| | where | finding |', '| --- | --- | --- |');
    for (const f of report.findings) {
      const p = positionOf(report.configText, f.span.start);
      const mark = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'note';
      lines.push(`| ${mark} | \`${cell(file)}:${p.line + 1}\` | **${f.code}**: ${cell(f.message)} |`);
    }
    lines.push('');
  }
  return lines.join('\n') + '\n';
}
